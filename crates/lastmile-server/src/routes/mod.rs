//! The HTTP API. [`app`] builds the router so that tests can drive it without a socket.

mod admin;
mod devices;
mod extract;
mod factors;
mod health;
mod lockout;
mod oidc;
mod posture;
mod recover;
mod recovery;
mod security_keys;
mod sso;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use lastmile_proto::api::{ErrorCode, MAX_BODY_BYTES};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{ApiError, AppState};

/// Every documented endpoint, each with its handler, method and path from one annotation:
/// the router and the OpenAPI document are built from this one list. The administrator's
/// HTML pages are routes but not part of the API document.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(health::time))
        .routes(routes!(health::live))
        .routes(routes!(devices::join))
        .routes(routes!(devices::me))
        .routes(routes!(devices::add_key))
        .routes(routes!(sso::options))
        .routes(routes!(sso::start))
        .routes(routes!(sso::join))
        .routes(routes!(posture::report))
        .routes(routes!(factors::begin_totp))
        .routes(routes!(factors::verify_totp))
        .routes(routes!(recovery::create_set))
        .routes(routes!(recovery::confirm_set))
        .routes(routes!(security_keys::begin_registration))
        .routes(routes!(security_keys::finish_registration))
        .routes(routes!(security_keys::finish_verification))
        .routes(routes!(security_keys::begin_verification))
        .routes(routes!(recover::sign_in))
        .routes(routes!(recover::get_account))
        .routes(routes!(recover::revoke_factor))
        .routes(routes!(recover::revoke_device))
        .routes(routes!(recover::end))
        .routes(routes!(admin::dashboard_json))
        .routes(routes!(oidc::discovery))
        .routes(routes!(oidc::jwks))
        .route("/admin", get(admin::dashboard_page))
        .route("/admin/login", post(admin::login))
        .route("/admin/logout", post(admin::logout))
        .route("/oidc/authorize", get(oidc::authorize).post(oidc::authorize_post))
        .route("/oidc/authorize/totp", post(oidc::authorize_totp))
        .route("/oidc/authorize/key/options", post(oidc::key_options))
        .route("/oidc/authorize/key", post(oidc::authorize_key))
        .route("/oidc/signin.js", get(oidc::script))
        .route("/oidc/token", post(oidc::token))
}

/// The OpenAPI document of [`app`].
pub fn openapi() -> serde_json::Value {
    crate::openapi::complete(api().into_openapi())
}

/// The whole API.
pub fn app(state: AppState) -> Router {
    let (router, document) = api().split_for_parts();
    let document = Arc::new(crate::openapi::complete(document));
    router
        .route("/openapi.json", get(move || std::future::ready(Json(document.clone()))))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such endpoint; see /openapi.json")
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
