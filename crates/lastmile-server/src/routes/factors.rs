//! TOTP enrollment: the server makes the secret, the user proves the app has it with a
//! current code, and only then does the factor count. Codes are accepted once (replays are
//! refused), and wrong codes lock the factor for a while.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lastmile_core::totp::{self, TotpAlgorithm, TotpParams, Verification};
use lastmile_proto::api::{ErrorBody, ErrorCode, FactorView, TotpEnrollment, TotpVerifyRequest};

use super::extract::{ApiJson, DeviceAuth};
use super::lockout;
use crate::secrets::new_totp_secret;
use crate::store;
use crate::store::writes::{AuditedWrite, Written};
use crate::{ApiError, AppState, ServerError};

/// Starts a TOTP enrollment for the calling device's user.
#[utoipa::path(post, path = "/v1/factors/totp", tag = "factors", security(("device_token" = [])),
    responses((status = 201, body = TotpEnrollment), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn begin_totp(
    State(state): State<AppState>,
    DeviceAuth(device): DeviceAuth,
) -> Result<(StatusCode, Json<TotpEnrollment>), ApiError> {
    let (user, org) = store::user_with_org(&state.db.pool, &device.user_id).await?;
    let secret = new_totp_secret();
    let params = TotpParams::default();
    let uri = totp::otpauth_uri(&secret, params, &org.name, &user.email)
        .map_err(|e| ServerError::Internal(format!("otpauth URI: {e}")))?;
    let secret_b32 = totp::secret_to_base32(&secret);
    let now = state.clock.now();
    let factor_id = store::create_totp_factor(
        &state.db.pool,
        &user.id,
        &device.id,
        &secret_b32,
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
    let pool = &state.db.pool;
    let factor = store::totp_factor(pool, &id)
        .await?
        .filter(|f| f.user_id == device.user_id && f.status != "revoked")
        .ok_or_else(|| {
            ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such TOTP factor for this user")
        })?;
    let now = state.clock.now();
    lockout::check(pool, &factor.id, factor.locked_until_ms, now).await?;
    let secret = totp::secret_from_base32(&factor.secret_base32).map_err(|e| ServerError::Corrupt(e.to_string()))?;
    let params = TotpParams {
        algorithm: TotpAlgorithm::parse(&factor.algorithm)
            .ok_or_else(|| ServerError::Corrupt(format!("TOTP algorithm {:?}", factor.algorithm)))?,
        digits: u8::try_from(factor.digits).map_err(|_| ServerError::Corrupt("TOTP digits".into()))?,
        period_s: u64::try_from(factor.period_s).map_err(|_| ServerError::Corrupt("TOTP period".into()))?,
    };
    let last = factor.last_step.and_then(|s| u64::try_from(s).ok());
    let replayed = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::TotpReplayed,
            "that code was already used; wait for the app to show the next one",
        )
    };
    match totp::verify(&secret, params, &req.code, now, last).map_err(|e| ServerError::Corrupt(e.to_string()))? {
        Verification::Malformed => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::TotpInvalid,
            format!("enter the {}-digit code your authenticator app shows", params.digits),
        )),
        Verification::Replayed => Err(replayed()),
        Verification::Wrong => Err(lockout::wrong_code(
            pool,
            &factor.id,
            now,
            ErrorCode::TotpInvalid,
            "that code is not right; check that this device's and the phone's clocks are correct",
        )
        .await?),
        Verification::Accepted { step } => {
            let step = i64::try_from(step).map_err(|_| ServerError::Corrupt("TOTP step".into()))?;
            let write = AuditedWrite::TotpStep {
                factor_id: factor.id.clone(),
                step,
                user_id: device.user_id.clone(),
                device_id: device.id.clone(),
                now,
            };
            let Written::TotpStep(view) = state.queues.writes.call(write).await? else {
                return Err(ServerError::Internal("a TOTP step answered something else".into()).into());
            };
            let view = view.ok_or_else(replayed)?;
            tracing::info!(factor = %factor.id, "TOTP factor verified");
            Ok(Json(view))
        }
    }
}
