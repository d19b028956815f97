//! Recovery codes: a set of ten, shown once, stored as argon2id hashes; the set counts once
//! the user has typed one of them back (which does not use it up).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lastmile_core::recovery::{RecoveryCode, SET_SIZE};
use lastmile_proto::api::{ErrorBody, ErrorCode, FactorView, RecoveryCodeSet, RecoveryConfirmRequest};

use super::extract::{ApiJson, DeviceAuth};
use super::lockout;
use crate::store::writes::{Attempt, AuditedWrite, Written};
use crate::{ApiError, AppState, ServerError, store};

/// Makes a new set of recovery codes for the calling device's user; the old set stops working.
#[utoipa::path(post, path = "/v1/factors/recovery-codes", tag = "factors", security(("device_token" = [])),
    responses((status = 201, body = RecoveryCodeSet), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 429, description = "too many recovery-code sets made on this device (`rate_limited`)", body = ErrorBody),
        (status = 503, description = "the server is busy with other key derivations (`unavailable`)", body = ErrorBody)))]
pub async fn create_set(
    State(state): State<AppState>,
    DeviceAuth(device): DeviceAuth,
) -> Result<(StatusCode, Json<RecoveryCodeSet>), ApiError> {
    per_device_limit(&state, &device)?;
    let codes: Vec<RecoveryCode> =
        (0..SET_SIZE).map(|_| RecoveryCode::from_entropy(crate::secrets::new_invite_entropy())).collect();
    let canonical: Vec<String> = codes.iter().map(|c| c.canonical().to_string()).collect();
    let hashes = state.kdf.hash_all(canonical).await?;
    let factor_id =
        store::create_recovery_set(&state.db.pool, &device.user_id, &device.id, &hashes, state.clock.now()).await?;
    tracing::info!(factor = %factor_id, user = %device.user_id, "recovery codes issued; previous set voided");
    Ok((
        StatusCode::CREATED,
        Json(RecoveryCodeSet { factor_id, codes: codes.iter().map(RecoveryCode::grouped).collect() }),
    ))
}

/// Takes one new recovery-code set of `device` off its rate limit, or answers 429.
fn per_device_limit(state: &AppState, device: &store::Device) -> Result<(), ApiError> {
    state
        .limits
        .codes_by_device
        .check(&device.id, state.clock.now())
        .map_err(|seconds| lockout::too_many("new recovery-code sets from this device", seconds))
}

/// Confirms that the user kept the codes: one of them, typed back. It stays usable.
#[utoipa::path(post, path = "/v1/factors/recovery-codes/{id}/confirm", tag = "factors", security(("device_token" = [])),
    params(("id" = String, Path, description = "The factor id of the set")),
    request_body = RecoveryConfirmRequest,
    responses(
        (status = 200, body = FactorView),
        (status = 400, description = "not one of this set's codes (`recovery_code_invalid`)", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 429, description = "too many wrong codes (`rate_limited`)", body = ErrorBody),
    ))]
pub async fn confirm_set(
    State(state): State<AppState>,
    DeviceAuth(device): DeviceAuth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RecoveryConfirmRequest>,
) -> Result<Json<FactorView>, ApiError> {
    let pool = &state.db.pool;
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such set of recovery codes (a newer set replaces older ones)",
        )
    };
    let code = RecoveryCode::parse(&req.code)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::RecoveryCodeInvalid, e.to_string()))?;
    let now = state.clock.now();
    let attempt =
        AuditedWrite::Attempt { factor_id: id.clone(), user_id: device.user_id.clone(), kind: "recovery_codes", now };
    let failures = match state.queues.writes.call(attempt).await? {
        Written::Attempt(Attempt::Counted { failures }) => failures,
        Written::Attempt(Attempt::Locked { until_ms }) => return Err(lockout::locked(until_ms, now)),
        _ => return Err(not_found()),
    };
    let hashes = store::unused_recovery_hashes(pool, &id).await?;
    if !state.kdf.any_matches(code.canonical().to_string(), hashes).await? {
        return Err(lockout::wrong_code(
            failures,
            now,
            ErrorCode::RecoveryCodeInvalid,
            "that is not one of your new codes",
        ));
    }
    let write = AuditedWrite::RecoveryConfirmed {
        factor_id: id.clone(),
        user_id: device.user_id.clone(),
        device_id: device.id.clone(),
        now,
    };
    state.queues.writes.call(write).await?;
    tracing::info!(factor = %id, "recovery codes confirmed");
    let view = store::verified_factors(pool, &device.user_id)
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| ServerError::Corrupt("confirmed set not found".into()))?;
    Ok(Json(view))
}
