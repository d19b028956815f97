//! The administrator's dashboard: server-rendered HTML at `/admin` and the same data as
//! JSON at `/admin/api/dashboard`, behind an admin token (`Authorization: Bearer lma_...`,
//! or the HttpOnly cookie the sign-in form sets). A token opens one organisation.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_SECURITY_POLICY, COOKIE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use lastmile_proto::api::{ErrorBody, ErrorCode};

use super::extract::RawBody;
use crate::dashboard::{self, Dashboard};
use crate::secrets::hash_secret;
use crate::store::{self, Org};
use crate::{ApiError, AppState};

const COOKIE_NAME: &str = "lastmile_admin";
const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

fn token_from(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let cookie = || {
        headers.get_all(COOKIE).iter().filter_map(|h| h.to_str().ok()).flat_map(|h| h.split(';')).find_map(|c| {
            c.trim().strip_prefix(COOKIE_NAME).and_then(|v| v.strip_prefix('=')).map(|v| v.trim().to_string())
        })
    };
    bearer.or_else(cookie).filter(|t| t.starts_with("lma_") && t.len() < 200)
}

/// A request with a valid admin token: the organisation it opens.
#[derive(Debug)]
pub struct AdminAuth(pub Org);

impl FromRequestParts<AppState> for AdminAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = token_from(&parts.headers)
            .ok_or_else(|| ApiError::unauthorized("missing admin token (Authorization: Bearer lma_...)"))?;
        store::policy::org_by_admin_token(&state.db.pool, &hash_secret(&token))
            .await?
            .map(AdminAuth)
            .ok_or_else(|| ApiError::unauthorized("this admin token is not known or was revoked"))
    }
}

fn page(status: StatusCode, body: String) -> Response {
    let mut resp = (status, Html(body)).into_response();
    let h = resp.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The organisation's coverage, gaps, exceptions and recent events.
#[utoipa::path(get, path = "/admin/api/dashboard", tag = "admin", security(("admin_token" = [])),
    responses((status = 200, body = Dashboard), (status = 401, body = ErrorBody)))]
pub async fn dashboard_json(
    State(state): State<AppState>,
    AdminAuth(org): AdminAuth,
) -> Result<Json<Dashboard>, ApiError> {
    Ok(Json(dashboard::build(&state.db.pool, &org, state.clock.now()).await?))
}

/// The dashboard page, or the sign-in form without a valid token.
pub async fn dashboard_page(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let Some(token) = token_from(&headers) else {
        return Ok(page(StatusCode::OK, dashboard::login_html(None)));
    };
    let Some(org) = store::policy::org_by_admin_token(&state.db.pool, &hash_secret(&token)).await? else {
        return Ok(page(
            StatusCode::UNAUTHORIZED,
            dashboard::login_html(Some("That token is not known or was revoked.")),
        ));
    };
    let d = dashboard::build(&state.db.pool, &org, state.clock.now()).await?;
    Ok(page(StatusCode::OK, dashboard::html(&d)))
}

/// The sign-in form's target: checks the token, keeps it in an HttpOnly cookie.
pub async fn login(State(state): State<AppState>, RawBody(body): RawBody) -> Result<Response, ApiError> {
    let token = url::form_urlencoded::parse(&body).find(|(k, _)| k == "token").map(|(_, v)| v.trim().to_string());
    let known = match token.as_deref().filter(|t| t.starts_with("lma_") && t.len() < 200) {
        Some(t) => store::policy::org_by_admin_token(&state.db.pool, &hash_secret(t)).await?.is_some(),
        None => false,
    };
    if !known {
        tracing::info!("admin sign-in refused");
        return Ok(page(
            StatusCode::UNAUTHORIZED,
            dashboard::login_html(Some("That token is not known or was revoked.")),
        ));
    }
    let cookie = format!(
        "{COOKIE_NAME}={}; HttpOnly; Secure; SameSite=Strict; Path=/admin; Max-Age=28800",
        token.unwrap_or_default()
    );
    let mut resp = StatusCode::SEE_OTHER.into_response();
    let h = resp.headers_mut();
    h.insert(LOCATION, HeaderValue::from_static("/admin"));
    h.insert(
        SET_COOKIE,
        HeaderValue::from_str(&cookie)
            .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, "bad token"))?,
    );
    Ok(resp)
}
