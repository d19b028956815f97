//! The OpenID Connect provider: its published documents (discovery and the key set, in the
//! API document), the page a person proves a factor on ([`authorize`], [`page`]) and the
//! token endpoint ([`token`]). The last two are OAuth endpoints (form posts, OAuth error
//! bodies), routes outside the API document.

mod authorize;
mod page;
mod token;

pub use authorize::{authorize, authorize_key, authorize_post, authorize_totp, key_options, script};
pub use token::token;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lastmile_proto::api::{ErrorBody, ErrorCode};

use crate::{ApiError, AppState};

fn provider(state: &AppState) -> Result<&crate::oidc::Provider, ApiError> {
    state.oidc.as_deref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "this server is not an OpenID Connect provider (start it with --oidc-issuer)",
        )
    })
}

/// A JSON document relying parties may cache for `max_age` seconds.
fn cached(body: serde_json::Value, max_age: u32) -> Response {
    let mut response = Json(body).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("public, max-age={max_age}")) {
        response.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    response
}

/// OpenID Connect discovery: the issuer, its endpoints and what it supports.
#[utoipa::path(get, path = "/.well-known/openid-configuration", tag = "oidc",
    responses(
        (status = 200, description = "the provider's metadata (OpenID Connect Discovery 1.0)", body = Object),
        (status = 404, description = "the server is not configured as a provider", body = ErrorBody),
    ))]
pub async fn discovery(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(cached(provider(&state)?.discovery(), 3600))
}

/// The keys ID tokens are signed with (a JWK Set, each key with its certificate in `x5c`):
/// the current ones and, around a rotation, the next and the previous.
#[utoipa::path(get, path = "/oidc/jwks", tag = "oidc",
    responses(
        (status = 200, description = "a JWK Set (RFC 7517)", body = Object),
        (status = 404, description = "the server is not configured as a provider", body = ErrorBody),
    ))]
pub async fn jwks(State(state): State<AppState>) -> Result<Response, ApiError> {
    let provider = provider(&state)?;
    Ok(cached(provider.jwks(&*state.clock), 600))
}
