//! Liveness and the server's half of the NTP-style clock exchange.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use lastmile_proto::api::{ErrorCode, Health, ServerTime};

use crate::{ApiError, AppState, store};

/// The free space below which a SQLite database whose writes failed is not ready.
pub const MIN_FREE_BYTES: u64 = 1 << 20;

/// Health of the server and its database: it answers, and writes to the database succeed.
/// While the last write failed (a full disk, an I/O error), each call tries a small write
/// and answers 503 until one succeeds and, on SQLite, the database's disk has at least
/// [`MIN_FREE_BYTES`] free: SQLite reuses the space of a WAL it has copied back, so on a
/// full disk a small write can succeed while a report does not.
#[utoipa::path(get, path = "/v1/health", tag = "meta",
    responses(
        (status = 200, body = Health),
        (status = 503, description = "the database refuses writes (`unavailable`)", body = lastmile_proto::api::ErrorBody),
        (status = 500, body = lastmile_proto::api::ErrorBody),
    ))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.db.ping().await?;
    let writes = crate::db::write_health(&state.db.pool);
    if let Some(error) = writes.failing() {
        let now = match (store::probe_write(&state.db.pool, state.clock.now()).await, state.db.free_space()) {
            (Err(e), _) => e.to_string(),
            (Ok(()), Some(free)) if free < MIN_FREE_BYTES => {
                // The probe's commit counted as a success; the disk says otherwise.
                let why = format!("{free} bytes free on the database's disk");
                writes.still_failing(&why);
                why
            }
            _ => return Ok(ok()),
        };
        tracing::warn!(last = %error, now = %now, "database writes still fail");
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "the server cannot write to its database (see its log); devices keep their reports until it can",
        ));
    }
    Ok(ok())
}

fn ok() -> Json<Health> {
    Json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into(), api_version: 1 })
}

/// Liveness: the process runs and answers, whatever its database does (for a supervisor
/// deciding whether to restart it; `/v1/health` is readiness: whether to send it traffic).
#[utoipa::path(get, path = "/v1/live", tag = "meta", responses((status = 200, body = Health)))]
pub async fn live() -> Json<Health> {
    ok()
}

/// Server receive and transmit timestamps (Unix ms) for clock-offset measurement.
/// The client records its own send and receive times around the call.
#[utoipa::path(get, path = "/v1/time", tag = "meta", responses((status = 200, body = ServerTime)))]
pub async fn time(State(state): State<AppState>) -> Json<ServerTime> {
    let receive_ms = state.clock.now().0;
    let transmit_ms = state.clock.now().0;
    Json(ServerTime { receive_ms, transmit_ms })
}
