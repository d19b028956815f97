//! Liveness and the server's half of the NTP-style clock exchange.

use axum::Json;
use axum::extract::State;
use lastmile_proto::api::{Health, ServerTime};

use crate::{ApiError, AppState};

/// Health of the server and its database.
#[utoipa::path(get, path = "/v1/health", tag = "meta",
    responses((status = 200, body = Health), (status = 500, body = lastmile_proto::api::ErrorBody)))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.db.ping().await?;
    Ok(Json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into(), api_version: 1 }))
}

/// Server receive and transmit timestamps (Unix ms) for clock-offset measurement.
/// The client records its own send and receive times around the call.
#[utoipa::path(get, path = "/v1/time", tag = "meta", responses((status = 200, body = ServerTime)))]
pub async fn time(State(state): State<AppState>) -> Json<ServerTime> {
    let receive_ms = state.clock.now().0;
    let transmit_ms = state.clock.now().0;
    Json(ServerTime { receive_ms, transmit_ms })
}
