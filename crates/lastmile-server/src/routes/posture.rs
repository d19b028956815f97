//! Posture reports: the device's claims, stored as sent, answered with the server's view.

use axum::Json;
use axum::extract::State;
use lastmile_proto::api::{ErrorBody, PostureReport, PostureView};

use super::extract::{ApiJson, DeviceAuth, check_claims};
use crate::store;
use crate::{ApiError, AppState};

/// Stores a posture report and returns what the server now believes. Device facts in the
/// report are claims; only factors the server verified itself count.
#[utoipa::path(post, path = "/v1/posture", tag = "posture", request_body = PostureReport, security(("device_token" = [])),
    responses(
        (status = 200, body = PostureView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
    ))]
pub async fn report(
    State(state): State<AppState>,
    DeviceAuth(device): DeviceAuth,
    ApiJson(report): ApiJson<PostureReport>,
) -> Result<Json<PostureView>, ApiError> {
    check_claims(&report.device)?;
    if report.authenticators.security_keys.len() > 32 {
        return Err(ApiError::bad_request("a report may list at most 32 security keys"));
    }
    let now = state.clock.now();
    store::insert_report(&state.db.pool, &device, &report, now).await?;
    tracing::info!(device = %device.id, "posture report stored");
    Ok(Json(store::posture_view(&state.db.pool, &device).await?))
}
