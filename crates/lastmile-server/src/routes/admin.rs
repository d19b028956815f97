//! The administrator's dashboard: server-rendered HTML at `/admin` and the same data as
//! JSON at `/admin/api/dashboard`. The JSON answers an admin token (`Authorization: Bearer
//! lma_...`); the page a dashboard session: signing in with a token sets an HttpOnly cookie
//! holding a random session id (never the token), which expires after [`SESSION_MS`], at
//! sign-out, or when the token is revoked. A token opens one organisation.
//!
//! Cross-site requests are refused on the state-changing forms (sign-in, sign-out): a browser
//! names where a request comes from (`Sec-Fetch-Site`, `Origin`), and only the page's own
//! origin is accepted; the cookie is also `SameSite=Strict`.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_SECURITY_POLICY, COOKIE, HOST, LOCATION, ORIGIN, SET_COOKIE,
};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lastmile_core::clock::UnixMillis;
use lastmile_proto::api::{ErrorBody, ErrorCode};
use rand::Rng;

use super::extract::RawBody;
use crate::dashboard::{self, Dashboard};
use crate::secrets::hash_secret;
use crate::store::{self, Org};
use crate::{ApiError, AppState};

const COOKIE_NAME: &str = "lastmile_admin";
const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
/// How long a dashboard session lasts (a working day).
pub const SESSION_MS: i64 = 8 * 3600 * 1000;

/// The bearer admin token of the `Authorization` header.
fn bearer_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| t.starts_with("lma_") && t.len() < 200)
}

/// The dashboard session id of the cookie.
fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .find_map(|c| c.trim().strip_prefix(COOKIE_NAME).and_then(|v| v.strip_prefix('=')).map(str::trim))
        .filter(|v| v.starts_with("lms_") && v.len() < 200)
        .map(str::to_string)
}

/// The organisation the request's session opens, if it is live.
async fn session_org(state: &AppState, headers: &HeaderMap) -> Result<Option<Org>, ApiError> {
    let Some(id) = session_id(headers) else { return Ok(None) };
    Ok(store::policy::org_by_admin_session(&state.db.pool, &hash_secret(&id), state.clock.now()).await?)
}

/// Whether a state-changing request comes from the dashboard's own pages: a browser says
/// where a request comes from in `Sec-Fetch-Site` (modern browsers) or `Origin` (every
/// browser, on a POST); only same-origin is accepted. A request with neither is not from a
/// browser's cross-site form (a script or `curl`), and is let through.
pub fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    let Some(origin) = headers.get(ORIGIN) else { return true };
    let (Ok(origin), Some(Ok(host))) = (origin.to_str(), headers.get(HOST).map(HeaderValue::to_str)) else {
        return false;
    };
    // The scheme is not compared: behind a TLS-terminating proxy the server sees http.
    let origin_host = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
    origin_host.is_some_and(|o| o.eq_ignore_ascii_case(host))
}

fn cross_site() -> Response {
    tracing::warn!("cross-site request to the dashboard refused");
    page(StatusCode::FORBIDDEN, dashboard::login_html(Some("This request came from another site and was refused.")))
}

/// A request with a valid admin token (`Authorization: Bearer`) or dashboard session: the
/// organisation it opens.
#[derive(Debug)]
pub struct AdminAuth(pub Org);

impl FromRequestParts<AppState> for AdminAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer_token(&parts.headers) {
            return store::policy::org_by_admin_token(&state.db.pool, &hash_secret(&token))
                .await?
                .map(AdminAuth)
                .ok_or_else(|| ApiError::unauthorized("this admin token is not known or was revoked"));
        }
        session_org(state, &parts.headers).await?.map(AdminAuth).ok_or_else(|| {
            ApiError::unauthorized("missing admin token (Authorization: Bearer lma_...) or dashboard session")
        })
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

/// The dashboard page, or the sign-in form without a live session.
pub async fn dashboard_page(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let Some(org) = session_org(&state, &headers).await? else {
        let expired = session_id(&headers).map(|_| "Your session has ended; sign in again.");
        return Ok(page(StatusCode::OK, dashboard::login_html(expired)));
    };
    let d = dashboard::build(&state.db.pool, &org, state.clock.now()).await?;
    Ok(page(StatusCode::OK, dashboard::html(&d)))
}

fn new_session_id() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    format!("lms_{}", URL_SAFE_NO_PAD.encode(bytes))
}

fn redirect_with_cookie(cookie: &str) -> Result<Response, ApiError> {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    let h = resp.headers_mut();
    h.insert(LOCATION, HeaderValue::from_static("/admin"));
    h.insert(
        SET_COOKIE,
        HeaderValue::from_str(cookie)
            .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, "bad cookie"))?,
    );
    Ok(resp)
}

/// The sign-in form's target: checks the token and opens a session (cookie).
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    if !same_origin(&headers) {
        return Ok(cross_site());
    }
    let token = url::form_urlencoded::parse(&body).find(|(k, _)| k == "token").map(|(_, v)| v.trim().to_string());
    let id = new_session_id();
    let now = state.clock.now();
    let opened = match token.as_deref().filter(|t| t.starts_with("lma_") && t.len() < 200) {
        Some(t) => {
            let until = UnixMillis(now.0 + SESSION_MS);
            store::policy::create_admin_session(&state.db.pool, &hash_secret(t), &hash_secret(&id), now, until).await?
        }
        None => false,
    };
    if !opened {
        tracing::info!("admin sign-in refused");
        return Ok(page(
            StatusCode::UNAUTHORIZED,
            dashboard::login_html(Some("That token is not known or was revoked.")),
        ));
    }
    let max_age = SESSION_MS / 1000;
    redirect_with_cookie(&format!(
        "{COOKIE_NAME}={id}; HttpOnly; Secure; SameSite=Strict; Path=/admin; Max-Age={max_age}"
    ))
}

/// Signs out: ends the session and clears the cookie.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if !same_origin(&headers) {
        return Ok(cross_site());
    }
    if let Some(id) = session_id(&headers) {
        store::policy::end_admin_session(&state.db.pool, &hash_secret(&id)).await?;
    }
    redirect_with_cookie(&format!("{COOKIE_NAME}=; HttpOnly; Secure; SameSite=Strict; Path=/admin; Max-Age=0"))
}
