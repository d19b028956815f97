//! TOTP enrollment: the server makes the secret, the user proves the app has it with a
//! current code, and only then does the factor count. Codes are accepted once (replays are
//! refused), and wrong codes lock the factor for a while.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lastmile_core::totp::{self, TotpParams};
use lastmile_proto::api::{ErrorBody, ErrorCode, FactorView, TotpEnrollment, TotpVerifyRequest};

use super::extract::{ApiJson, DeviceAuth};
use super::lockout;
use crate::secrets::new_totp_secret;
use crate::store;
use crate::store::writes::{Attempt, AuditedWrite, TotpOutcome, Written};
use crate::{ApiError, AppState, ServerError};

/// Starts a TOTP enrollment for the calling device's user.
#[utoipa::path(post, path = "/v1/factors/totp", tag = "factors", security(("device_token" = [])),
    responses((status = 201, body = TotpEnrollment), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn begin_totp(
    State(state): State<AppState>,
    DeviceAuth(device): DeviceAuth,
) -> Result<(StatusCode, Json<TotpEnrollment>), ApiError> {
    let (user, org) = store::user_with_org(&state.db.pool, &device.user_id).await?;
    let (_, policy) = {
        let mut conn = state.db.pool.acquire().await?;
        store::compliance::policy_of(&mut conn, &user.id).await?
    };
    let secret = new_totp_secret();
    let params = TotpParams::default();
    let uri = totp::otpauth_uri(&secret, params, &org.name, &user.email)
        .map_err(|e| ServerError::Internal(format!("otpauth URI: {e}")))?;
    let secret_b32 = totp::secret_to_base32(&secret);
    let now = state.clock.now();
    let factor_id = store::create_totp_factor(
        &state.db.pool,
        &state.seal,
        &user.id,
        &device.id,
        &secret,
        params.algorithm.name(),
        i64::from(params.digits),
        params.period_s as i64,
        now,
    )
    .await?;
    tracing::info!(factor = %factor_id, user = %user.id, "TOTP enrollment started");
    Ok((
        StatusCode::CREATED,
        Json(TotpEnrollment {
            factor_id,
            otpauth_uri: uri,
            secret: secret_b32,
            algorithm: params.algorithm.name().into(),
            digits: u32::from(params.digits),
            period_s: params.period_s as u32,
            issuer: org.name,
            account: user.email,
            widely_supported: params.widely_supported(),
            recommended_apps: policy.totp_apps,
        }),
    ))
}

/// Checks a code from the authenticator app. The first accepted code verifies the factor.
#[utoipa::path(post, path = "/v1/factors/totp/{id}/verify", tag = "factors", security(("device_token" = [])),
    params(("id" = String, Path, description = "The factor id from the enrollment")),
    request_body = TotpVerifyRequest,
    responses(
        (status = 200, body = FactorView),
        (status = 400, description = "wrong code (`totp_invalid`) or a code already used (`totp_replayed`)", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 429, description = "too many wrong codes (`rate_limited`)", body = ErrorBody),
    ))]
pub async fn verify_totp(
    State(state): State<AppState>,
    DeviceAuth(device): DeviceAuth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<TotpVerifyRequest>,
) -> Result<Json<FactorView>, ApiError> {
    if req.code.len() > 32 {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::TotpInvalid, "that is not a code"));
    }
    let now = state.clock.now();
    let write = AuditedWrite::TotpAttempt {
        factor_id: id.clone(),
        code: req.code,
        user_id: device.user_id.clone(),
        device_id: Some(device.id.clone()),
        now,
        seal: state.seal.clone(),
        sign_in: None,
    };
    let Written::Totp(outcome) = state.queues.writes.call(write).await? else {
        return Err(ServerError::Internal("a TOTP attempt answered something else".into()).into());
    };
    match outcome {
        TotpOutcome::Accepted(view) => {
            tracing::info!(factor = %id, "TOTP code accepted");
            Ok(Json(view))
        }
        TotpOutcome::Replayed => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::TotpReplayed,
            "that code was already used; wait for the app to show the next one",
        )),
        TotpOutcome::Malformed { digits } => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::TotpInvalid,
            format!("enter the {digits}-digit code your authenticator app shows"),
        )),
        TotpOutcome::Wrong { failures } => {
            tracing::info!(factor = %id, failures, "wrong TOTP code");
            Err(lockout::wrong_code(
                failures,
                now,
                ErrorCode::TotpInvalid,
                "that code is not right; check that this device's and the phone's clocks are correct",
            ))
        }
        TotpOutcome::Locked(Attempt::Locked { until_ms }) => Err(lockout::locked(until_ms, now)),
        TotpOutcome::Locked(_) | TotpOutcome::NotFound => {
            Err(ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such TOTP factor for this user"))
        }
    }
}
