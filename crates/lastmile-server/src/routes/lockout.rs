//! Lockout of a factor after repeated wrong codes, shared by TOTP and recovery codes.

use axum::http::StatusCode;
use lastmile_core::clock::UnixMillis;
use lastmile_proto::api::ErrorCode;
use sqlx::AnyPool;

use crate::{ApiError, store};

/// Consecutive wrong codes before a factor is locked.
pub const MAX_FAILURES: i64 = 5;
/// How long the lock lasts.
pub const LOCK_MS: i64 = 5 * 60 * 1000;

fn locked(seconds: i64) -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        format!("too many wrong codes; try again in {seconds} s"),
    )
}

/// Refuses while the factor is locked; clears a lock that has run out.
pub async fn check(
    pool: &AnyPool,
    factor_id: &str,
    locked_until_ms: Option<i64>,
    now: UnixMillis,
) -> Result<(), ApiError> {
    match locked_until_ms {
        Some(until) if until > now.0 => Err(locked((until - now.0 + 999) / 1000)),
        Some(_) => Ok(store::reset_expired_lock(pool, factor_id).await?),
        None => Ok(()),
    }
}

/// Counts a wrong code; returns the consecutive failures (the factor is locked at
/// [`MAX_FAILURES`]).
pub async fn count_failure(pool: &AnyPool, factor_id: &str, now: UnixMillis) -> Result<i64, ApiError> {
    let failures = store::record_factor_failure(pool, factor_id, MAX_FAILURES, UnixMillis(now.0 + LOCK_MS)).await?;
    tracing::info!(factor = %factor_id, failures, "wrong code");
    Ok(failures)
}

/// The answer once a factor has just been locked.
pub fn just_locked() -> ApiError {
    locked(LOCK_MS / 1000)
}

/// Counts a wrong code and answers: `code` with the attempts left, or the lock.
pub async fn wrong_code(
    pool: &AnyPool,
    factor_id: &str,
    now: UnixMillis,
    code: ErrorCode,
    what: &str,
) -> Result<ApiError, ApiError> {
    let failures = count_failure(pool, factor_id, now).await?;
    Ok(if failures >= MAX_FAILURES {
        just_locked()
    } else {
        ApiError::new(StatusCode::BAD_REQUEST, code, format!("{what} ({} attempts left)", MAX_FAILURES - failures))
    })
}
