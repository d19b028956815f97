//! The token endpoint: redeems an authorization code (once, with its PKCE verifier, by the
//! client it was issued to, for the same redirect URI) for an ID token.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lastmile_core::clock::UnixMillis;

use super::provider;
use crate::oidc::flow;
use crate::routes::extract::RawBody;
use crate::secrets::hash_secret;
use crate::store::oidc::{self as clients, OidcClient};
use crate::store::writes::{AuditedWrite, Written};
use crate::{ApiError, AppState, ServerError};

/// An OAuth error answer of the token endpoint (RFC 6749 section 5.2).
fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut resp =
        (status, Json(serde_json::json!({ "error": error, "error_description": description }))).into_response();
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if status == StatusCode::UNAUTHORIZED {
        h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"lastmile\""));
    }
    resp
}

/// The client's id and secret from HTTP Basic (RFC 6749 section 2.3.1: each form-encoded)
/// or the form.
fn client_credentials(
    headers: &axum::http::HeaderMap,
    form: &HashMap<String, String>,
) -> Option<(String, Option<String>)> {
    use base64::Engine;
    if let Some(basic) =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Basic "))
    {
        let decoded = base64::engine::general_purpose::STANDARD.decode(basic.trim()).ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (id, secret) = text.split_once(':')?;
        let unescape =
            |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
        return Some((unescape(id)?, Some(unescape(secret)?)));
    }
    Some((form.get("client_id")?.clone(), form.get("client_secret").cloned()))
}

/// Who the client at the token endpoint is: a secret (HTTP Basic or the form) checked
/// against its hash, or a private_key_jwt assertion verified with its registered keys and
/// used once. `Ok(Err(why))` for a refusal.
async fn authenticate_client(
    state: &AppState,
    p: &crate::oidc::Provider,
    headers: &axum::http::HeaderMap,
    form: &HashMap<String, String>,
    now: UnixMillis,
) -> Result<Result<OidcClient, String>, ApiError> {
    if let Some(assertion) = form.get("client_assertion") {
        if form.get("client_assertion_type").map(String::as_str) != Some(flow::JWT_BEARER) {
            return Ok(Err(format!("client_assertion_type must be {}", flow::JWT_BEARER)));
        }
        // The client is named by client_id, or by the assertion's sub (checked below).
        let named = form.get("client_id").cloned().or_else(|| unverified_sub(assertion));
        let Some(client) = named.filter(|n| n.len() <= 64) else { return Ok(Err("the client is not named".into())) };
        let Some(client) = clients::client(&state.db.pool, &client).await?.filter(|c| c.disabled_at_ms.is_none())
        else {
            return Ok(Err("unknown client".into()));
        };
        let Some(jwks) = client.jwks.as_deref().and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok()) else {
            return Ok(Err("this client has no registered keys (it authenticates with a secret)".into()));
        };
        let claims = match crate::oidc::jws::verify(assertion, &jwks) {
            Ok(c) => c,
            Err(e) => return Ok(Err(format!("the client assertion: {e}"))),
        };
        let token_endpoint = p.issuer().at("/oidc/token");
        let (jti, exp_ms) =
            match flow::check_assertion(&claims, &client.client_id, p.issuer().as_str(), &token_endpoint, now.0) {
                Ok(checked) => checked,
                Err(why) => return Ok(Err(why)),
            };
        let first = AuditedWrite::ClientAssertion { client_id: client.client_id.clone(), jti, expires_at_ms: exp_ms };
        if !matches!(state.queues.writes.call(first).await?, Written::FirstUse(true)) {
            return Ok(Err("this client assertion was used before (jti)".into()));
        }
        return Ok(Ok(client));
    }
    let Some((client_id, secret)) = client_credentials(headers, form) else {
        return Ok(Err("client authentication is required".into()));
    };
    let client = clients::client(&state.db.pool, &client_id).await?.filter(|c| c.disabled_at_ms.is_none());
    match (client, secret) {
        (Some(c), Some(s)) if c.secret_hash.as_deref().is_some_and(|h| constant_time_eq(h, &hash_secret(&s))) => {
            Ok(Ok(c))
        }
        _ => Ok(Err("unknown client or wrong secret".into())),
    }
}

/// The `sub` of a JWT's payload, unverified (only to find whose keys to verify it with).
fn unverified_sub(jwt: &str) -> Option<String> {
    use base64::Engine;
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice::<serde_json::Value>(&bytes).ok()?["sub"].as_str().map(str::to_string)
}

/// POST /oidc/token: redeems an authorization code (once, with its PKCE verifier, by the
/// client it was issued to, for the same redirect URI) for an ID token.
pub async fn token(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let p = provider(&state)?;
    let now = state.clock.now();
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    // RFC 6749 section 5.2: 401 with a challenge when the client tried HTTP Basic, else 400.
    let basic = headers.get(header::AUTHORIZATION).is_some();
    let unauthorized = if basic { StatusCode::UNAUTHORIZED } else { StatusCode::BAD_REQUEST };
    let client = match authenticate_client(&state, p, &headers, &form, now).await? {
        Ok(client) => client,
        Err(why) => {
            tracing::info!(why, "OIDC client authentication refused");
            return Ok(token_error(unauthorized, "invalid_client", &why));
        }
    };
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return Ok(token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only authorization_code is supported",
        ));
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let invalid = |why: &str| token_error(StatusCode::BAD_REQUEST, "invalid_grant", why);
    let redeem = AuditedWrite::RedeemCode { code_hash: hash_secret(&code), now };
    let Written::Redeemed(Some(r)) = state.queues.writes.call(redeem).await? else {
        return Ok(invalid("the code is unknown, expired or already used"));
    };
    if r.client_id != client.client_id {
        return Ok(invalid("the code was issued to another client"));
    }
    if form.get("redirect_uri") != Some(&r.redirect_uri) {
        return Ok(invalid("redirect_uri differs from the authorization request's"));
    }
    // A request made without PKCE (a client let off it) has no challenge to match; one made
    // with PKCE needs its verifier.
    let verifier = form.get("code_verifier").map(String::as_str).unwrap_or_default();
    if !r.code_challenge.is_empty() && !flow::pkce_matches(verifier, &r.code_challenge) {
        return Ok(invalid("the code_verifier does not match the code_challenge"));
    }
    let (Some(user_id), Some(amr), Some(auth_time_ms)) = (&r.user_id, &r.amr, r.auth_time_ms) else {
        return Err(ServerError::Corrupt(format!("OIDC request {} has a code but no sign-in", r.id)).into());
    };
    let mut claims = serde_json::json!({
        "iss": p.issuer().as_str(),
        "sub": user_id,
        "aud": client.client_id,
        "iat": now.0.div_euclid(1000),
        "exp": now.0.div_euclid(1000) + flow::ID_TOKEN_S,
        "auth_time": auth_time_ms.div_euclid(1000),
        "amr": [amr],
    });
    if let (Some(nonce), Some(object)) = (&r.nonce, claims.as_object_mut()) {
        object.insert("nonce".into(), nonce.clone().into());
    }
    // The email scope: the person's email as the organisation's administrators recorded it
    // (identity providers match their users by it).
    if r.scope.as_deref().is_some_and(|s| s.split(' ').any(|v| v == "email"))
        && let (Some(email), Some(object)) = (clients::email_of(&state.db.pool, user_id).await?, claims.as_object_mut())
    {
        object.insert("email".into(), email.into());
        object.insert("email_verified".into(), true.into());
    }
    let id_token = p.keys().sign(crate::oidc::Alg::RS256, &claims, now)?;
    let mut resp = Json(serde_json::json!({
        "access_token": crate::secrets::new_authorization_code(),
        "token_type": "Bearer",
        "expires_in": flow::ID_TOKEN_S,
        "id_token": id_token,
    }))
    .into_response();
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(resp)
}

/// Equal strings, compared in time that does not depend on where they differ.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
