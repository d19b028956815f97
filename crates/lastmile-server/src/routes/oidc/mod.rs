//! The OpenID Connect provider's published documents: discovery and the key set.

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

// ---------------------------------------------------------------------------------------
// The authorization code flow: the page a person proves a factor on, and the token endpoint.
// These are OAuth endpoints (form posts, OAuth error bodies), routes outside the API document.

use std::collections::HashMap;

use axum::extract::Query;
use axum::response::{Html, Redirect};
use lastmile_core::clock::UnixMillis;

use super::extract::{ClientAddr, RawBody};
use crate::ServerError;
use crate::dashboard::esc;
use crate::oidc::flow::{self, Refusal};
use crate::secrets::{hash_secret, new_id};
use crate::store::audit::{Event, Kind};
use crate::store::oidc::{self as clients, OidcClient, SignInRequest};
use crate::store::writes::{AuditedWrite, TotpOutcome, Written};

/// The page: a person proves a factor. `form_to` is the redirect URI's origin, which the
/// page's CSP must allow as a form target (browsers hold a form's redirect to form-action).
fn page(status: StatusCode, body: &str, form_to: Option<&str>) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Sign in with Lastmile</title>\
         <style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}}\
         main{{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:12px;box-shadow:0 1px 4px #0002}}\
         h1{{font-size:1.4rem;margin:0 0 1rem}}label{{display:block;margin-top:1rem;font-weight:600}}\
         input{{width:100%;box-sizing:border-box;font:inherit;padding:.6rem;margin-top:.3rem;border:1px solid #8a93a6;border-radius:8px}}\
         button{{margin-top:1.5rem;width:100%;font:inherit;font-weight:600;padding:.7rem;border:0;border-radius:8px;background:#1f5fd6;color:#fff}}\
         .error{{background:#fde8e8;color:#8a1c1c;padding:.7rem;border-radius:8px}}.note{{color:#4a5264;font-size:.9rem}}\
         @media (prefers-color-scheme:dark){{body{{background:#12151c;color:#e6e9ef}}main{{background:#1d2330}}.note{{color:#aab2c2}}}}\
         </style></head><body><main>{body}</main></body></html>"
    );
    let mut resp = (status, Html(html)).into_response();
    let csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'{}; frame-ancestors 'none'; base-uri 'none'",
        form_to.map(|o| format!(" {o}")).unwrap_or_default()
    );
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    resp
}

fn origin_of(uri: &str) -> Option<String> {
    url::Url::parse(uri).ok().map(|u| u.origin().ascii_serialization())
}

fn shown(why: &str) -> Response {
    let body = format!(
        "<h1>This sign-in cannot go on</h1><p class=\"error\" role=\"alert\">{}</p>\
         <p class=\"note\">Go back to the application and start again; if it happens again, tell your IT team.</p>",
        esc(why)
    );
    page(StatusCode::BAD_REQUEST, &body, None)
}

/// The form for a TOTP code, with an error above it when there was one.
fn totp_form(
    p: &crate::oidc::Provider,
    client: &OidcClient,
    r: &SignInRequest,
    username: &str,
    error: Option<&str>,
) -> String {
    // The code field is described by the error only when there is one (a reference to an
    // element that does not exist is an accessibility fault).
    let described = if error.is_some() { " aria-describedby=\"error\"" } else { "" };
    let error =
        error.map(|e| format!("<p class=\"error\" role=\"alert\" id=\"error\">{}</p>", esc(e))).unwrap_or_default();
    format!(
        "<h1>Confirm it is you</h1><p>{client} asks you to confirm this sign-in with the authenticator app \
         Lastmile set up for you.</p>{error}\
         <form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"request\" value=\"{request}\">\
         <label for=\"username\">Work email</label>\
         <input id=\"username\" name=\"username\" type=\"email\" autocomplete=\"username\" required value=\"{username}\">\
         <label for=\"code\">Code from your authenticator app</label>\
         <input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required{described}>\
         <button type=\"submit\">Confirm</button></form>\
         <p class=\"note\">Lost your phone? Recover on your computer with the Lastmile app; recovery codes do not \
         sign in here.</p>",
        client = esc(&client.name),
        action = esc(&p.issuer().at("/oidc/authorize/totp")),
        request = esc(&r.id),
        username = esc(username),
    )
}

/// GET /oidc/authorize: checks the request, keeps it on the server, shows the page.
pub async fn authorize(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let p = provider(&state)?;
    let now = state.clock.now();
    let client = match q.get("client_id") {
        Some(id) if id.len() <= 64 => clients::client(&state.db.pool, id).await?,
        _ => None,
    };
    let a = match flow::check_authorize(&q, client.as_ref()) {
        Ok(a) => a,
        Err(Refusal::Shown(why)) => return Ok(shown(&why)),
        Err(Refusal::Redirected { error, description }) => {
            let redirect = q.get("redirect_uri").map(String::as_str).unwrap_or_default();
            return Ok(error_redirect(p, redirect, q.get("state").map(String::as_str), error, &description));
        }
    };
    let Some(client) = client else { return Ok(shown("unknown client")) };
    if client.factors == "phishing_resistant" {
        let why = "this application accepts only phishing-resistant factors (a security key), which this page cannot take yet";
        return Ok(error_redirect(p, &a.redirect_uri, a.state.as_deref(), "access_denied", why));
    }
    let r = SignInRequest {
        id: new_id("lmr"),
        client_id: a.client_id,
        redirect_uri: a.redirect_uri,
        state: a.state,
        nonce: a.nonce,
        code_challenge: a.code_challenge,
        acr: a.acr,
        expires_at_ms: now.0 + flow::REQUEST_MS,
        user_id: None,
        factor_id: None,
        amr: None,
        auth_time_ms: None,
    };
    clients::create_request(&state.db.pool, &r, now).await?;
    let hint = q.get("login_hint").map(String::as_str).filter(|h| h.len() <= 254).unwrap_or_default();
    Ok(page(StatusCode::OK, &totp_form(p, &client, &r, hint, None), origin_of(&r.redirect_uri).as_deref()))
}

fn error_redirect(
    p: &crate::oidc::Provider,
    redirect_uri: &str,
    state: Option<&str>,
    error: &str,
    description: &str,
) -> Response {
    let mut params = vec![("error", error), ("error_description", description), ("iss", p.issuer().as_str())];
    if let Some(s) = state {
        params.push(("state", s));
    }
    Redirect::to(&flow::redirect_with(redirect_uri, &params)).into_response()
}

/// POST /oidc/authorize/totp: the person's email and code. Every refusal that could tell
/// whether an email exists is one message.
pub async fn authorize_totp(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let p = provider(&state)?;
    let now = state.clock.now();
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
    let (request_id, username, code) = (field("request"), field("username").to_ascii_lowercase(), field("code"));
    let gone = "this sign-in expired or was already completed";
    let Some(r) = clients::open_request(&state.db.pool, &request_id, now).await? else { return Ok(shown(gone)) };
    let Some(client) = clients::client(&state.db.pool, &r.client_id).await?.filter(|c| c.disabled_at_ms.is_none())
    else {
        return Ok(shown(gone));
    };
    let form_to = origin_of(&r.redirect_uri);
    let again = |status: StatusCode, why: &str| {
        page(status, &totp_form(p, &client, &r, &username, Some(why)), form_to.as_deref())
    };
    let addr = addr.map(|a| a.to_string()).unwrap_or_default();
    let limited = state.limits.sign_in_by_address.check(&addr, now).is_err()
        || state.limits.sign_in_by_username.check(&format!("oidc:{}:{username}", client.org_id), now).is_err();
    if limited {
        return Ok(again(StatusCode::TOO_MANY_REQUESTS, "too many attempts; wait a minute, then try again"));
    }
    let mismatch = "that email and code do not match; check both (codes change every 30 seconds)";
    if username.len() > 254 || code.len() > 32 {
        return Ok(again(StatusCode::BAD_REQUEST, mismatch));
    }
    let Some((user_id, factor_id)) = clients::verified_totp_of(&state.db.pool, &client.org_id, &username).await? else {
        return Ok(again(StatusCode::BAD_REQUEST, mismatch));
    };
    let write = AuditedWrite::TotpAttempt {
        factor_id: factor_id.clone(),
        code,
        user_id: user_id.clone(),
        device_id: None,
        now,
        seal: state.seal.clone(),
    };
    let Written::Totp(outcome) = state.queues.writes.call(write).await? else {
        return Err(ServerError::Internal("a TOTP attempt answered something else".into()).into());
    };
    let refused = |why: &str| {
        Event::new(now, &user_id, Kind::OidcSignInRefused)
            .factor(&factor_id)
            .detail(serde_json::json!({ "client": client.client_id, "why": why }))
    };
    let (status, message, reason) = match outcome {
        TotpOutcome::Accepted(_) => {
            return complete(&state, p, &client, &r, &user_id, &factor_id, "totp", now).await;
        }
        TotpOutcome::Locked(crate::store::writes::Attempt::Locked { until_ms }) => {
            let minutes = (until_ms - now.0).div_euclid(60_000) + 1;
            (StatusCode::TOO_MANY_REQUESTS, format!("too many wrong codes; try again in {minutes} minutes"), "locked")
        }
        TotpOutcome::Replayed => {
            (StatusCode::BAD_REQUEST, "that code was already used; wait for the next one".to_string(), "replayed")
        }
        _ => (StatusCode::BAD_REQUEST, mismatch.to_string(), "wrong code"),
    };
    state.queues.writes.call(AuditedWrite::Event(refused(reason))).await?;
    Ok(again(status, &message))
}

/// A factor satisfied the request: its code, the audit event, and back to the client.
#[allow(clippy::too_many_arguments)]
async fn complete(
    state: &AppState,
    p: &crate::oidc::Provider,
    client: &OidcClient,
    r: &SignInRequest,
    user_id: &str,
    factor_id: &str,
    kind: &str,
    now: UnixMillis,
) -> Result<Response, ApiError> {
    let code = crate::secrets::new_authorization_code();
    let amr = flow::amr_of(kind);
    let done = clients::satisfy_request(
        &state.db.pool,
        &r.id,
        user_id,
        factor_id,
        amr,
        &hash_secret(&code),
        now.0 + flow::CODE_MS,
        now,
    )
    .await?;
    if !done {
        return Ok(shown("this sign-in expired or was already completed"));
    }
    let event = Event::new(now, user_id, Kind::OidcSignIn)
        .factor(factor_id)
        .detail(serde_json::json!({ "client": client.client_id, "client_name": client.name, "amr": amr }));
    state.queues.writes.call(AuditedWrite::Event(event)).await?;
    tracing::info!(client = %client.client_id, factor = %factor_id, amr, "OIDC sign-in");
    let mut params = vec![("code", code.as_str()), ("iss", p.issuer().as_str())];
    if let Some(s) = &r.state {
        params.push(("state", s));
    }
    Ok(Redirect::to(&flow::redirect_with(&r.redirect_uri, &params)).into_response())
}

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
        if !clients::first_use_of_assertion(&state.db.pool, &client.client_id, &jti, exp_ms, now).await? {
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
    let Some(r) = clients::redeem_code(&state.db.pool, &hash_secret(&code), now).await? else {
        return Ok(invalid("the code is unknown, expired or already used"));
    };
    if r.client_id != client.client_id {
        return Ok(invalid("the code was issued to another client"));
    }
    if form.get("redirect_uri") != Some(&r.redirect_uri) {
        return Ok(invalid("redirect_uri differs from the authorization request's"));
    }
    if !flow::pkce_matches(form.get("code_verifier").map(String::as_str).unwrap_or_default(), &r.code_challenge) {
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
