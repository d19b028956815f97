//! The authorization endpoint: the request is checked and kept on the server (both legs are
//! cross-site, so no cookie carries it), then the person proves a factor the server has
//! verified on the page: a security key (WebAuthn, the same relying party as the app's
//! enrollment) or an authenticator app code. A satisfied request goes back to the client
//! with a code (the token endpoint, [`super::token`], redeems it).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lastmile_core::clock::UnixMillis;
use lastmile_core::words::Words;
use webauthn_rs::prelude::{PublicKeyCredential, SecurityKey, SecurityKeyAuthentication};

use super::page::{SCRIPT, Said, SignInForm, form_post, origin_of, page, shown, shown_said};
use super::provider;
use crate::oidc::entra;
use crate::oidc::flow::{self, Refusal};
use crate::routes::extract::{ClientAddr, PageWords, RawBody};
use crate::secrets::{hash_secret, new_id};
use crate::store::audit::{Event, Kind};
use crate::store::oidc::{self as clients, OidcClient, SignInRequest};
use crate::store::security_keys::KeyFactor;
use crate::store::writes::{AuditedWrite, SignInAttempt, TotpOutcome, Written};
use crate::{ApiError, AppState, ServerError};

/// The key state kept for an email without security keys: no answer satisfies it.
const STAND_IN: &str = "stand-in";
/// Codes and keys tried on one page before it must be started again (a factor's own lockout
/// counts across pages).
const MAX_REQUEST_ATTEMPTS: i64 = 10;
/// The length of a stand-in credential id (a common length for security keys' ids).
const STAND_IN_ID_BYTES: usize = 64;

/// Which factors the page offers this client: a security key when the relying party accepts
/// the page's origin (the issuer's: under the RP ID), a code unless the client takes
/// phishing-resistant factors only.
fn offers(state: &AppState, p: &crate::oidc::Provider, client: &OidcClient, amr_values: Option<&str>) -> (bool, bool) {
    let key = url::Url::parse(p.issuer().as_str()).is_ok_and(|u| state.rp.accepts(&u));
    let totp = client.factors != "phishing_resistant";
    // An Entra ID request says which amr values it accepts.
    (key && entra::allows(amr_values, "security_key"), totp && entra::allows(amr_values, "totp"))
}

fn sign_in_form(
    state: &AppState,
    p: &crate::oidc::Provider,
    client: &OidcClient,
    r: &SignInRequest,
    username: &str,
    error: Option<Said>,
    words: &Words,
) -> String {
    let (key, totp) = offers(state, p, client, r.amr_values.as_deref());
    SignInForm {
        words,
        client_name: &client.name,
        request_id: &r.id,
        username,
        username_fixed: r.hint_user_id.is_some(),
        error,
        key,
        totp,
        totp_action: p.issuer().at("/oidc/authorize/totp"),
        key_action: p.issuer().at("/oidc/authorize/key"),
        key_options: p.issuer().at("/oidc/authorize/key/options"),
        script: p.issuer().at("/oidc/signin.js"),
    }
    .html()
}

/// GET /oidc/authorize: checks the request, keeps it on the server, shows the page.
pub async fn authorize(
    State(state): State<AppState>,
    PageWords(words): PageWords,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    authorize_with(&state, q, words).await
}

/// POST /oidc/authorize: the same with the parameters in a form (Entra ID posts them: its
/// requests are too long for some browsers' URLs).
pub async fn authorize_post(
    State(state): State<AppState>,
    PageWords(words): PageWords,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    authorize_with(&state, Form::parse(&body).0, words).await
}

async fn authorize_with(
    state: &AppState,
    q: HashMap<String, String>,
    words: &'static Words,
) -> Result<Response, ApiError> {
    let p = provider(state)?;
    let now = state.clock.now();
    let client = match q.get("client_id") {
        Some(id) if id.len() <= 64 => clients::client(&state.db.pool, id).await?,
        _ => None,
    };
    if let Some(client) = client.as_ref().filter(|c| c.profile == "entra-eam") {
        return authorize_entra(state, p, client, &q, now, words).await;
    }
    let a = match flow::check_authorize(&q, client.as_ref()) {
        Ok(a) => a,
        Err(Refusal::Shown(why)) => return Ok(shown(&why, words)),
        Err(Refusal::Redirected { error, description }) => {
            let redirect = q.get("redirect_uri").map(String::as_str).unwrap_or_default();
            return Ok(error_redirect(p, redirect, q.get("state").map(String::as_str), error, &description));
        }
    };
    let Some(client) = client else { return Ok(shown("unknown client", words)) };
    if offers(state, p, &client, None) == (false, false) {
        let why = "this application accepts only security keys, and this server's sign-in page is not under the \
                   security keys' domain (its RP ID); the administrator must serve the page there";
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
        response_type: "code".into(),
        subject: None,
        hint_user_id: None,
        amr_values: None,
        client_request_id: None,
        attempts: 0,
        scope: Some(a.scope),
        user_id: None,
        factor_id: None,
        amr: None,
        auth_time_ms: None,
    };
    let hint = q.get("login_hint").map(String::as_str).filter(|h| h.len() <= 254).unwrap_or_default();
    keep_and_show(state, p, &client, r, hint, now, words).await
}

/// An Entra ID request: the hint checked against Entra ID's keys and the client's tenants and
/// app registration, the person found by their Entra ID account (linked by username the first
/// time), then the page for that person. Refusals go back to Entra ID by form POST.
async fn authorize_entra(
    state: &AppState,
    p: &crate::oidc::Provider,
    client: &OidcClient,
    q: &HashMap<String, String>,
    now: UnixMillis,
    words: &'static Words,
) -> Result<Response, ApiError> {
    let e = match entra::check_request(q, Some(client)) {
        Ok(e) => e,
        Err(Refusal::Shown(why)) => return Ok(shown(&why, words)),
        Err(Refusal::Redirected { error, description }) => {
            let redirect = q.get("redirect_uri").map(String::as_str).unwrap_or_default();
            return Ok(form_post_error(
                redirect,
                q.get("state").map(String::as_str),
                error,
                &description,
                client,
                words,
            ));
        }
    };
    let refuse = |error: &str, why: &str| {
        tracing::info!(client = %client.client_id, client_request_id = ?e.client_request_id, error, why, "Entra ID sign-in refused");
        Ok(form_post_error(&e.redirect_uri, e.state.as_deref(), error, why, client, words))
    };
    let acr = match entra::acr_for(&e.acr) {
        Ok(acr) => acr,
        Err(why) => return refuse("access_denied", &why),
    };
    let amr_values = (!e.amr.is_empty()).then(|| e.amr.join(" "));
    if offers(state, p, client, amr_values.as_deref()) == (false, false) {
        let why = format!(
            "the sign-in accepts {}, and the factors Lastmile offers this client answer fido or otp",
            amr_values.as_deref().unwrap_or("no method")
        );
        return refuse("access_denied", &why);
    }
    let claims = match p.entra().verify(&e.hint, now).await {
        Ok(claims) => claims,
        Err(entra::HintError::Unavailable(why)) => {
            tracing::warn!(why, "Entra ID's keys could not be fetched");
            return refuse(
                "temporarily_unavailable",
                "Lastmile could not reach Entra ID's keys; try again in a minute",
            );
        }
        Err(entra::HintError::Invalid(why)) => return refuse("access_denied", &format!("the id_token_hint: {why}")),
    };
    let hint = match entra::check_hint(&claims, client, p.entra().authority(), now) {
        Ok(hint) => hint,
        Err(why) => return refuse("access_denied", &why),
    };
    let who = clients::entra_user(
        &state.db.pool,
        &client.org_id,
        &hint.tid,
        &hint.oid,
        hint.preferred_username.as_deref(),
        now,
    )
    .await?;
    let user_id = match who {
        clients::EntraUser::Linked(user) => user,
        clients::EntraUser::Unknown => {
            return refuse(
                "access_denied",
                "this Entra ID account has no Lastmile account; ask your IT team to add you",
            );
        }
        clients::EntraUser::LinkedElsewhere => {
            let why = "the Lastmile account with this username belongs to another Entra ID account of the tenant; \
                       ask your IT team to check it";
            return refuse("access_denied", why);
        }
    };
    let email = clients::email_of(&state.db.pool, &user_id).await?.unwrap_or_default();
    tracing::info!(client = %client.client_id, client_request_id = ?e.client_request_id, user = %user_id, "Entra ID sign-in request");
    let r = SignInRequest {
        id: new_id("lmr"),
        client_id: e.client_id,
        redirect_uri: e.redirect_uri,
        state: e.state,
        nonce: Some(e.nonce),
        code_challenge: String::new(),
        acr,
        expires_at_ms: now.0 + flow::REQUEST_MS,
        response_type: "id_token".into(),
        subject: Some(hint.sub),
        hint_user_id: Some(user_id),
        amr_values,
        client_request_id: e.client_request_id,
        attempts: 0,
        scope: None,
        user_id: None,
        factor_id: None,
        amr: None,
        auth_time_ms: None,
    };
    keep_and_show(state, p, client, r, &email, now, words).await
}

/// Keeps a checked request on the server (dropping expired ones once a minute) and shows its
/// page, the email field holding `username`.
async fn keep_and_show(
    state: &AppState,
    p: &crate::oidc::Provider,
    client: &OidcClient,
    r: SignInRequest,
    username: &str,
    now: UnixMillis,
    words: &'static Words,
) -> Result<Response, ApiError> {
    if p.purge_due(now) {
        clients::purge(&state.db.pool, now).await?;
    }
    let html = sign_in_form(state, p, client, &r, username, None, words);
    let form_to = origin_of(&r.redirect_uri);
    state.queues.writes.call(AuditedWrite::NewRequest { request: Box::new(r), now }).await?;
    Ok(page(StatusCode::OK, &html, form_to.as_deref(), words))
}

/// An OAuth error sent back by form POST.
fn form_post_error(
    redirect_uri: &str,
    state: Option<&str>,
    error: &str,
    description: &str,
    client: &OidcClient,
    words: &Words,
) -> Response {
    let mut fields = vec![("error", error), ("error_description", description)];
    if let Some(s) = state {
        fields.push(("state", s));
    }
    form_post(redirect_uri, &fields, &client.name, words)
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

/// A posted form's fields, trimmed.
struct Form(HashMap<String, String>);

impl Form {
    fn parse(body: &[u8]) -> Form {
        Form(url::form_urlencoded::parse(body).into_owned().collect())
    }

    fn get(&self, name: &str) -> String {
        self.0.get(name).map(|v| v.trim().to_string()).unwrap_or_default()
    }
}

/// The open request a form names and its client (still enabled).
async fn open(state: &AppState, form: &Form, now: UnixMillis) -> Result<Option<(SignInRequest, OidcClient)>, ApiError> {
    Ok(clients::open_request_and_client(&state.db.pool, &form.get("request"), now).await?)
}

/// A form posted on the page: its open request, the client, and whom it is for.
struct Posted {
    r: SignInRequest,
    client: OidcClient,
    username: String,
    /// The page's language.
    words: &'static Words,
}

impl Posted {
    async fn read(
        state: &AppState,
        form: &Form,
        now: UnixMillis,
        words: &'static Words,
    ) -> Result<Option<Posted>, ApiError> {
        let Some((r, client)) = open(state, form, now).await? else { return Ok(None) };
        let username = person(state, &r, form).await?;
        Ok(Some(Posted { r, client, username, words }))
    }

    /// The page again, with `why` above the form.
    fn again(&self, state: &AppState, p: &crate::oidc::Provider, status: StatusCode, why: Said) -> Response {
        let form = sign_in_form(state, p, &self.client, &self.r, &self.username, Some(why), self.words);
        page(status, &form, origin_of(&self.r.redirect_uri).as_deref(), self.words)
    }
}

/// The email the factor is looked up by: the one typed, or the person the client named.
async fn person(state: &AppState, r: &SignInRequest, form: &Form) -> Result<String, ApiError> {
    Ok(match &r.hint_user_id {
        Some(user) => clients::email_of(&state.db.pool, user).await?.unwrap_or_default(),
        None => form.get("username").to_ascii_lowercase(),
    })
}

/// Whether the person (by address, and by email within the organisation) is over the
/// sign-in rate limits.
fn limited(state: &AppState, addr: Option<std::net::IpAddr>, org_id: &str, username: &str, now: UnixMillis) -> bool {
    let addr = addr.map(|a| a.to_string()).unwrap_or_default();
    state.limits.sign_in_by_address.check(&addr, now).is_err()
        || state.limits.sign_in_by_username.check(&format!("oidc:{org_id}:{username}"), now).is_err()
}

/// POST /oidc/authorize/totp: the person's email and code. Every refusal that could tell
/// whether an email exists is one message.
pub async fn authorize_totp(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    PageWords(words): PageWords,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let p = provider(&state)?;
    let now = state.clock.now();
    let form = Form::parse(&body);
    let code = form.get("code");
    let Some(post) = Posted::read(&state, &form, now, words).await? else { return Ok(shown_said(Said::Gone, words)) };
    let (r, client, username) = (&post.r, &post.client, post.username.as_str());
    let again = |status: StatusCode, why: Said| post.again(&state, p, status, why);
    if !offers(&state, p, client, r.amr_values.as_deref()).1 {
        return Ok(again(StatusCode::FORBIDDEN, Said::KeyOnly));
    }
    if limited(&state, addr, &client.org_id, username, now) {
        return Ok(again(StatusCode::TOO_MANY_REQUESTS, Said::RateLimited));
    }
    if r.attempts >= MAX_REQUEST_ATTEMPTS {
        return Ok(again(StatusCode::TOO_MANY_REQUESTS, Said::TooManyOnPage));
    }
    let factor = if username.len() > 254 || code.len() > 32 {
        None
    } else {
        clients::verified_totp_of(&state.db.pool, &client.org_id, username).await?
    };
    // An email without an authenticator app costs the same queued write as a wrong code (the
    // request's attempt), so the answer's time does not tell them apart.
    let Some((user_id, factor_id)) = factor else {
        state.queues.writes.call(AuditedWrite::RequestAttempt { request_id: r.id.clone() }).await?;
        return Ok(again(StatusCode::BAD_REQUEST, Said::Mismatch));
    };
    let write = AuditedWrite::TotpAttempt {
        factor_id: factor_id.clone(),
        code,
        user_id: user_id.clone(),
        device_id: None,
        now,
        seal: state.seal.clone(),
        sign_in: Some(SignInAttempt { request_id: r.id.clone(), client_id: client.client_id.clone() }),
    };
    let Written::Totp(outcome) = state.queues.writes.call(write).await? else {
        return Err(ServerError::Internal("a TOTP attempt answered something else".into()).into());
    };
    let (status, said) = match outcome {
        TotpOutcome::Accepted(_) => {
            return complete(&state, p, client, r, &user_id, &factor_id, "totp", None, None, now, words).await;
        }
        TotpOutcome::Locked(crate::store::writes::Attempt::Locked { until_ms }) => {
            let minutes = (until_ms - now.0).div_euclid(60_000) + 1;
            (StatusCode::TOO_MANY_REQUESTS, Said::Locked { minutes })
        }
        TotpOutcome::Replayed => (StatusCode::BAD_REQUEST, Said::Replayed),
        _ => (StatusCode::BAD_REQUEST, Said::Mismatch),
    };
    Ok(again(status, said))
}

/// Records a refused sign-in of a known person.
async fn refused(
    state: &AppState,
    client: &OidcClient,
    user_id: &str,
    factor_id: Option<&str>,
    why: &str,
    now: UnixMillis,
) -> Result<(), ApiError> {
    let event = Event::new(now, user_id, Kind::OidcSignInRefused)
        .detail(serde_json::json!({ "client": client.client_id, "why": why }));
    let event = match factor_id {
        Some(f) => event.factor(f),
        None => event,
    };
    state.queues.writes.call(AuditedWrite::Event(event)).await?;
    Ok(())
}

/// A JSON answer for the page's script: the options, or `{"message"}` to show.
fn for_script(status: StatusCode, body: serde_json::Value) -> Response {
    let mut resp = (status, Json(body)).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// POST /oidc/authorize/key/options (the page's script): the WebAuthn options for the
/// security keys of the email typed. An email without verified keys (unknown, or a person
/// with an authenticator app only) gets options of the same shape naming a stand-in
/// credential derived from the email under a server key, the same every time, after the
/// same queries: the answer does not tell who has an account or a key.
pub async fn key_options(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    PageWords(words): PageWords,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let p = provider(&state)?;
    let now = state.clock.now();
    let form = Form::parse(&body);
    let message =
        |status: StatusCode, why: Said| for_script(status, serde_json::json!({ "message": why.words(words) }));
    let Some((r, client)) = open(&state, &form, now).await? else {
        return Ok(message(StatusCode::BAD_REQUEST, Said::Gone));
    };
    let username = person(&state, &r, &form).await?;
    if !offers(&state, p, &client, r.amr_values.as_deref()).0 {
        return Ok(message(StatusCode::FORBIDDEN, Said::KeysNotHere));
    }
    if limited(&state, addr, &client.org_id, &username, now) {
        return Ok(message(StatusCode::TOO_MANY_REQUESTS, Said::RateLimited));
    }
    if username.is_empty() || username.len() > 254 {
        return Ok(message(StatusCode::BAD_REQUEST, Said::EmailFirst));
    }
    let factors = clients::verified_keys_of(&state.db.pool, &client.org_id, &username).await?;
    let keys =
        factors.iter().map(|f| parse::<SecurityKey>(&f.credential, "credential")).collect::<Result<Vec<_>, _>>()?;
    let (mut options, key_state, user_id) = if keys.is_empty() {
        (stand_in(&state, &client.org_id, &username)?, STAND_IN.to_string(), None)
    } else {
        let (options, authentication) = state
            .rp
            .webauthn
            .start_securitykey_authentication(&keys)
            .map_err(|e| ServerError::Internal(format!("starting a WebAuthn assertion: {e}")))?;
        let options = serde_json::to_value(&options).map_err(|e| ServerError::Internal(e.to_string()))?;
        (options, json(&authentication)?, factors.first().map(|f| f.user_id.clone()))
    };
    // Transports are hints a stand-in could not give the same way: none are sent.
    if let Some(list) = options["publicKey"]["allowCredentials"].as_array_mut() {
        for c in list.iter_mut().filter_map(serde_json::Value::as_object_mut) {
            c.remove("transports");
        }
    }
    let start = AuditedWrite::StartKeySignIn { request_id: r.id.clone(), user_id, key_state, now };
    if !matches!(state.queues.writes.call(start).await?, Written::KeySignInStarted(true)) {
        return Ok(message(StatusCode::BAD_REQUEST, Said::Gone));
    }
    Ok(for_script(StatusCode::OK, options))
}

/// The options shown for an email without security keys: the shape webauthn-rs gives (the
/// API tests compare the two), one credential id derived from the organisation and email.
fn stand_in(state: &AppState, org_id: &str, username: &str) -> Result<serde_json::Value, ApiError> {
    let seed = state.seal.derive("oidc stand-in credential", format!("{org_id}\n{username}").as_bytes())?;
    let mut id = Vec::with_capacity(STAND_IN_ID_BYTES);
    for n in 0u8.. {
        if id.len() >= STAND_IN_ID_BYTES {
            break;
        }
        id.extend(openssl::sha::sha256(&[&seed[..], &[n]].concat()));
    }
    id.truncate(STAND_IN_ID_BYTES);
    let challenge: [u8; 32] = rand::random();
    Ok(serde_json::json!({
        "publicKey": {
            "challenge": URL_SAFE_NO_PAD.encode(challenge),
            "timeout": webauthn_rs::DEFAULT_AUTHENTICATOR_TIMEOUT.as_millis() as u64,
            "rpId": state.rp.id,
            "allowCredentials": [{ "type": "public-key", "id": URL_SAFE_NO_PAD.encode(id) }],
            "userVerification": "preferred",
            "hints": ["security-key"],
        }
    }))
}

/// POST /oidc/authorize/key: the security key's answer (the script posts it in a form). The
/// assertion the request started is taken once; a key that is not one of the person's
/// verified keys, a stand-in's answer and a tampered answer get the same message.
pub async fn authorize_key(
    State(state): State<AppState>,
    PageWords(words): PageWords,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let p = provider(&state)?;
    let now = state.clock.now();
    let form = Form::parse(&body);
    let credential = form.get("credential");
    let Some(post) = Posted::read(&state, &form, now, words).await? else { return Ok(shown_said(Said::Gone, words)) };
    let (r, client) = (&post.r, &post.client);
    let again = |status: StatusCode, why: Said| post.again(&state, p, status, why);
    if !offers(&state, p, client, r.amr_values.as_deref()).0 {
        return Ok(again(StatusCode::FORBIDDEN, Said::KeysNotHere));
    }
    if credential.is_empty() {
        return Ok(again(StatusCode::BAD_REQUEST, Said::NeedsScript));
    }
    let Some((user_id, key_state)) = clients::key_sign_in(&state.db.pool, &r.id, now).await? else {
        return Ok(again(StatusCode::BAD_REQUEST, Said::Spent));
    };
    // A refused answer spends the assertion; an accepted one is spent by the sign-in's write.
    let (pool, request_id, taken_state) = (&state.db.pool, r.id.as_str(), key_state.as_str());
    let refuse = |why: Said| async move {
        if clients::take_key_sign_in(pool, request_id, taken_state).await? {
            Ok::<_, ApiError>(why)
        } else {
            Ok(Said::Spent)
        }
    };
    let Some(user_id) = user_id.filter(|_| key_state != STAND_IN) else {
        return Ok(again(StatusCode::BAD_REQUEST, refuse(Said::NotThisKey).await?));
    };
    let authentication: SecurityKeyAuthentication = parse(&key_state, "assertion state")?;
    let result = serde_json::from_str::<PublicKeyCredential>(&credential)
        .map_err(|e| format!("not a WebAuthn assertion: {e}"))
        .and_then(|answer| {
            state.rp.webauthn.finish_securitykey_authentication(&answer, &authentication).map_err(|e| e.to_string())
        });
    let keys = clients::verified_keys_of_user(&state.db.pool, &user_id).await?;
    let result = match result {
        Ok(result) => result,
        Err(why) => {
            tracing::info!(client = %client.client_id, user = %user_id, why, "OIDC security key refused");
            let message = refuse(Said::NotThisKey).await?;
            let factor = if keys.len() == 1 { keys.first().map(|k| k.id.as_str()) } else { None };
            refused(&state, client, &user_id, factor, &format!("security key: {why}"), now).await?;
            return Ok(again(StatusCode::BAD_REQUEST, message));
        }
    };
    let Some((factor, mut key)) = matching(&keys, &result)? else {
        // Revoked (or unverified) since the options were given.
        return Ok(again(StatusCode::BAD_REQUEST, refuse(Said::NotThisKey).await?));
    };
    key.update_credential(&result);
    let credential = Some(json(&key)?);
    complete(
        &state,
        p,
        client,
        r,
        &user_id,
        &factor.id,
        "security_key",
        credential,
        Some(key_state.clone()),
        now,
        words,
    )
    .await
}

/// The factor among `keys` whose credential made the assertion, with its key.
fn matching<'k>(
    keys: &'k [KeyFactor],
    result: &webauthn_rs::prelude::AuthenticationResult,
) -> Result<Option<(&'k KeyFactor, SecurityKey)>, ApiError> {
    for factor in keys {
        let key: SecurityKey = parse(&factor.credential, "credential")?;
        if key.cred_id() == result.cred_id() {
            return Ok(Some((factor, key)));
        }
    }
    Ok(None)
}

fn parse<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T, ServerError> {
    serde_json::from_str(s).map_err(|e| ServerError::Corrupt(format!("stored {what}: {e}")))
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, ServerError> {
    serde_json::to_string(v).map_err(|e| ServerError::Internal(format!("as JSON: {e}")))
}

/// A factor satisfied the request: in one write, its code, the factor's last use (and a
/// key's new counter) and the audit event; then back to the client.
#[allow(clippy::too_many_arguments)]
async fn complete(
    state: &AppState,
    p: &crate::oidc::Provider,
    client: &OidcClient,
    r: &SignInRequest,
    user_id: &str,
    factor_id: &str,
    kind: &str,
    credential: Option<String>,
    key_state: Option<String>,
    now: UnixMillis,
    words: &Words,
) -> Result<Response, ApiError> {
    let implicit = r.response_type == "id_token";
    let code = crate::secrets::new_authorization_code();
    let amr = if implicit { entra::amr_of(kind) } else { flow::amr_of(kind) };
    let event = Event::new(now, user_id, Kind::OidcSignIn).factor(factor_id).detail(serde_json::json!({
        "client": client.client_id,
        "client_name": client.name,
        "factor": kind,
        "amr": amr,
        "client_request_id": r.client_request_id,
    }));
    let write = AuditedWrite::SignIn {
        request_id: r.id.clone(),
        user_id: user_id.to_string(),
        factor_id: factor_id.to_string(),
        amr,
        credential,
        key_state,
        // An implicit request is answered at once; its code is never given out.
        code_hash: hash_secret(&code),
        code_expires_at_ms: now.0 + flow::CODE_MS,
        event,
        now,
    };
    let Written::SignIn(done) = state.queues.writes.call(write).await? else {
        return Err(ServerError::Internal("a sign-in answered something else".into()).into());
    };
    if !done {
        return Ok(shown_said(Said::Gone, words));
    }
    tracing::info!(client = %client.client_id, factor = %factor_id, amr, client_request_id = ?r.client_request_id, "OIDC sign-in");
    if implicit {
        let id_token = implicit_id_token(p, client, r, user_id, amr, now)?;
        let mut fields = vec![("id_token", id_token.as_str())];
        if let Some(s) = &r.state {
            fields.push(("state", s));
        }
        return Ok(form_post(&r.redirect_uri, &fields, &client.name, words));
    }
    let mut params = vec![("code", code.as_str()), ("iss", p.issuer().as_str())];
    if let Some(s) = &r.state {
        params.push(("state", s));
    }
    Ok(Redirect::to(&flow::redirect_with(&r.redirect_uri, &params)).into_response())
}

/// The ID token of an implicit (Entra ID) answer: the hint's subject, the nonce, the one `acr`
/// chosen from the request's and exactly one `amr`; RS256 (all Entra ID accepts).
fn implicit_id_token(
    p: &crate::oidc::Provider,
    client: &OidcClient,
    r: &SignInRequest,
    user_id: &str,
    amr: &str,
    now: UnixMillis,
) -> Result<String, ApiError> {
    let s = now.0.div_euclid(1000);
    let mut claims = serde_json::json!({
        "iss": p.issuer().as_str(),
        "aud": client.client_id,
        "sub": r.subject.as_deref().unwrap_or(user_id),
        "iat": s,
        "nbf": s,
        "exp": s + flow::ID_TOKEN_S,
        "auth_time": s,
        "amr": [amr],
    });
    if let Some(object) = claims.as_object_mut() {
        if let Some(nonce) = &r.nonce {
            object.insert("nonce".into(), nonce.clone().into());
        }
        if let Some(acr) = &r.acr {
            object.insert("acr".into(), acr.clone().into());
        }
    }
    Ok(p.keys().sign(crate::oidc::Alg::RS256, &claims, now)?)
}

/// GET /oidc/signin.js: the page's script.
pub async fn script() -> Response {
    let mut resp = SCRIPT.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    resp
}
