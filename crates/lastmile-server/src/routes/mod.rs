//! The HTTP API. [`app`] builds the router so that tests can drive it without a socket.

mod admin;
mod devices;
mod extract;
mod factors;
mod health;
mod lockout;
mod posture;
mod recover;
mod recovery;
mod security_keys;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use lastmile_proto::api::{ErrorCode, MAX_BODY_BYTES};
use tower_http::trace::TraceLayer;

use crate::{ApiError, AppState};

pub(crate) use admin::__path_dashboard_json;
pub(crate) use devices::__path_join;
pub(crate) use devices::__path_me;
pub(crate) use factors::__path_begin_totp;
pub(crate) use factors::__path_verify_totp;
pub(crate) use health::__path_health;
pub(crate) use health::__path_time;
pub(crate) use posture::__path_report;
pub(crate) use recover::__path_end;
pub(crate) use recover::__path_get_account;
pub(crate) use recover::__path_revoke_device;
pub(crate) use recover::__path_revoke_factor;
pub(crate) use recover::__path_sign_in;
pub(crate) use recovery::__path_confirm_set;
pub(crate) use recovery::__path_create_set;
pub(crate) use security_keys::__path_begin_registration;
pub(crate) use security_keys::__path_begin_verification;
pub(crate) use security_keys::__path_finish_registration;
pub(crate) use security_keys::__path_finish_verification;

/// The whole API.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/v1/health", get(health::health))
        .route("/v1/time", get(health::time))
        .route("/v1/devices/join", post(devices::join))
        .route("/v1/devices/me", get(devices::me))
        .route("/v1/posture", post(posture::report))
        .route("/v1/factors/totp", post(factors::begin_totp))
        .route("/v1/factors/totp/{id}/verify", post(factors::verify_totp))
        .route("/v1/factors/recovery-codes", post(recovery::create_set))
        .route("/v1/factors/recovery-codes/{id}/confirm", post(recovery::confirm_set))
        .route("/v1/factors/security-key", post(security_keys::begin_registration))
        .route("/v1/factors/security-key/register", post(security_keys::finish_registration))
        .route("/v1/factors/security-key/verify", post(security_keys::finish_verification))
        .route("/v1/factors/security-key/{id}/verify", post(security_keys::begin_verification))
        .route("/v1/recovery/sign-in", post(recover::sign_in))
        .route("/v1/recovery/account", get(recover::get_account))
        .route("/v1/recovery/factors/{id}/revoke", post(recover::revoke_factor))
        .route("/v1/recovery/devices/{id}/revoke", post(recover::revoke_device))
        .route("/v1/recovery/end", post(recover::end))
        .route("/admin", get(admin::dashboard_page))
        .route("/admin/login", post(admin::login))
        .route("/admin/api/dashboard", get(admin::dashboard_json))
        .route("/openapi.json", get(crate::openapi::document))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such endpoint; see /openapi.json")
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
