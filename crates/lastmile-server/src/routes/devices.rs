//! Joining a device to its user with an invite, and the device's own view.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use lastmile_core::invite::InviteCode;
use lastmile_proto::api::{
    DeviceKeyAdded, DeviceKeyRequest, ErrorBody, ErrorCode, JoinRequest, JoinResponse, OrganisationView, PostureView,
    UserView,
};

use super::extract::{ApiJson, DeviceAuth, check_claims, check_device_key};
use crate::secrets::{hash_secret, new_device_token};
use crate::store::{self, InviteRefusal};
use crate::{ApiError, AppState};

/// Binds this device to the invited user. The invite is single-use and expires; the
/// device token in the answer is shown once (the server keeps only its hash).
#[utoipa::path(post, path = "/v1/devices/join", tag = "devices", request_body = JoinRequest,
    responses(
        (status = 201, body = JoinResponse),
        (status = 400, description = "malformed request or invite code", body = ErrorBody),
        (status = 404, description = "unknown invite (`invalid_invite`)", body = ErrorBody),
        (status = 410, description = "invite expired (`invite_expired`) or already used (`invite_used`)", body = ErrorBody),
    ))]
pub async fn join(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<JoinRequest>,
) -> Result<(StatusCode, Json<JoinResponse>), ApiError> {
    let code = InviteCode::parse(&req.invite_code)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::InvalidInvite, e.to_string()))?;
    let d = &req.device;
    check_claims(d)?;
    let key = req.device_public_key.as_deref();
    check_device_key(key)?;
    let token = new_device_token();
    let now = state.clock.now();
    let outcome =
        store::join_with_invite(&state.db.pool, &hash_secret(code.canonical()), d, key, &hash_secret(&token), now)
            .await?;
    match outcome {
        Ok((device, user, org)) => {
            tracing::info!(device = %device.id, user = %user.id, org = %org.slug, "device joined");
            Ok((
                StatusCode::CREATED,
                Json(JoinResponse {
                    device_id: device.id,
                    device_token: token,
                    user: UserView { id: user.id, email: user.email, display_name: user.display_name },
                    organisation: OrganisationView { slug: org.slug, name: org.name },
                }),
            ))
        }
        Err(InviteRefusal::Unknown) => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::InvalidInvite,
            "this invite code is not known to the server; check it for typos or ask IT for a new invite",
        )),
        Err(InviteRefusal::Expired) => Err(ApiError::new(
            StatusCode::GONE,
            ErrorCode::InviteExpired,
            "this invite has expired; ask your IT team for a new one",
        )),
        Err(InviteRefusal::Used) => Err(ApiError::new(
            StatusCode::GONE,
            ErrorCode::InviteUsed,
            "this invite was already used; each invite works once, ask your IT team for a new one",
        )),
    }
}

/// What the server believes about the calling device.
#[utoipa::path(get, path = "/v1/devices/me", tag = "devices", security(("device_token" = [])),
    responses((status = 200, body = PostureView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, DeviceAuth(device): DeviceAuth) -> Result<Json<PostureView>, ApiError> {
    Ok(Json(store::posture_view(&state.db.pool, &device, state.clock.now()).await?))
}

/// Adds a key to a device that joined before device keys existed; from then on its reports
/// must be signed with it. A device that has a key keeps it (to replace a lost key, recover
/// or join again).
#[utoipa::path(post, path = "/v1/devices/me/key", tag = "devices", request_body = DeviceKeyRequest,
    security(("device_token" = [])),
    responses(
        (status = 200, description = "added, or this very key was already the device's", body = DeviceKeyAdded),
        (status = 400, description = "not a P-256 public key", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "revoked device", body = ErrorBody),
        (status = 409, description = "the device already has another key (`conflict`)", body = ErrorBody),
    ))]
pub async fn add_key(
    State(state): State<AppState>,
    DeviceAuth(device): DeviceAuth,
    ApiJson(req): ApiJson<DeviceKeyRequest>,
) -> Result<Json<DeviceKeyAdded>, ApiError> {
    check_device_key(Some(&req.device_public_key))?;
    let answer = |added| Json(DeviceKeyAdded { device_id: device.id.clone(), added });
    match store::add_device_key(&state.db.pool, &device, req.device_public_key.trim(), state.clock.now()).await? {
        store::KeyAdded::Added => {
            tracing::info!(device = %device.id, "device key added; its reports must be signed from now");
            Ok(answer(true))
        }
        store::KeyAdded::Same => Ok(answer(false)),
        store::KeyAdded::Other => Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
            "this device already has a key; if its keyring lost it, recover (`lastmile recover`) or join again",
        )),
    }
}
