//! The answers of a factor's lockout, shared by TOTP and recovery codes. The counting itself
//! is [`crate::store::writes`]'s: an attempt is counted before its code is checked, so that
//! concurrent attempts cannot pass the limit.

use axum::http::StatusCode;
use lastmile_core::clock::UnixMillis;
use lastmile_proto::api::ErrorCode;

use crate::ApiError;
pub use crate::store::writes::{LOCK_MS, MAX_FAILURES};

/// 429 `rate_limited`: "too many `what`; try again in `seconds` s", with Retry-After. The one
/// answer of the lockouts and of the rate limits ([`crate::limits`]).
pub fn too_many(what: &str, seconds: u64) -> ApiError {
    let seconds = seconds.max(1);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        format!("too many {what}; try again in {seconds} s"),
    )
    .with_retry_after(seconds)
}

/// The answer while a factor is locked until `until_ms`.
pub fn locked(until_ms: i64, now: UnixMillis) -> ApiError {
    let seconds = ((until_ms - now.0).max(0) + 999) / 1000;
    too_many("wrong codes", u64::try_from(seconds).unwrap_or(1))
}

/// The answer to a wrong code after `failures` consecutive ones: `code` with the attempts
/// left, or the lock that the last one set.
pub fn wrong_code(failures: i64, now: UnixMillis, code: ErrorCode, what: &str) -> ApiError {
    if failures >= MAX_FAILURES {
        locked(now.0 + LOCK_MS, now)
    } else {
        ApiError::new(StatusCode::BAD_REQUEST, code, format!("{what} ({} attempts left)", MAX_FAILURES - failures))
    }
}
