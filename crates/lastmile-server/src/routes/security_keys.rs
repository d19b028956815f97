//! Security keys through WebAuthn (webauthn-rs as the relying party). Registration, then
//! at once an assertion with the new key: only then is the factor verified and counts, as
//! phishing-resistant. Ceremonies are kept in the database, single use and expiring.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lastmile_core::clock::UnixMillis;
use lastmile_proto::api::{ErrorBody, ErrorCode, FactorView, SecurityKeyRegistered, WebauthnChallenge, WebauthnFinish};
use webauthn_rs::prelude::{
    AuthenticatorAttachment, CredentialID, PublicKeyCredential, RegisterPublicKeyCredential, SecurityKey,
    SecurityKeyAuthentication, SecurityKeyRegistration, WebauthnError,
};

use super::extract::{ApiJson, DeviceAuth};
use crate::store::security_keys::{self as keys, REGISTER, VERIFY};
use crate::store::writes::{AuditedWrite, Written};
use crate::store::{self, Actor, Device};
use crate::webauthn::{CEREMONY_MS, KeyFacts, KeyPolicy, user_handle};
use crate::{ApiError, AppState, ServerError};

fn ceremony_invalid() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::CeremonyInvalid,
        "this security-key step is unknown, was already finished, or took longer than 5 minutes; start again",
    )
}

fn already_registered() -> ApiError {
    ApiError::new(StatusCode::CONFLICT, ErrorCode::CredentialExists, "this security key is already registered")
}

fn rejected(what: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::WebauthnRejected, format!("{what} was refused: {e}"))
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, ServerError> {
    serde_json::to_string(v).map_err(|e| ServerError::Internal(format!("WebAuthn state as JSON: {e}")))
}

fn parse<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T, ServerError> {
    serde_json::from_str(s).map_err(|e| ServerError::Corrupt(format!("stored {what}: {e}")))
}

fn actor(device: &Device) -> Actor<'_> {
    Actor { user_id: &device.user_id, device_id: &device.id }
}

/// Starts registering a security key for the calling device's user.
#[utoipa::path(post, path = "/v1/factors/security-key", tag = "factors", security(("device_token" = [])),
    responses((status = 201, body = WebauthnChallenge), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn begin_registration(
    State(state): State<AppState>,
    DeviceAuth(device): DeviceAuth,
) -> Result<(StatusCode, Json<WebauthnChallenge>), ApiError> {
    let pool = &state.db.pool;
    let now = state.clock.now();
    // Expired ceremonies are dropped once a minute, not on every registration.
    if purge_due(now) {
        keys::purge_ceremonies(pool, now).await?;
    }
    let user = store::user_by_id(pool, &device.user_id).await?;
    let exclude = keys::user_credentials(pool, &user.id)
        .await?
        .into_iter()
        .map(|id| URL_SAFE_NO_PAD.decode(id.as_bytes()))
        .collect::<Result<Vec<CredentialID>, _>>()
        .map_err(|e| ServerError::Corrupt(format!("stored credential id: {e}")))?;
    let (options, registration) = state
        .rp
        .webauthn
        .start_securitykey_registration(
            user_handle(&user.id)?,
            &user.email,
            &user.display_name,
            (!exclude.is_empty()).then_some(exclude),
            None,
            Some(AuthenticatorAttachment::CrossPlatform),
        )
        .map_err(|e| ServerError::Internal(format!("starting a WebAuthn registration: {e}")))?;
    let policy = key_policy(&state, &user.id).await?;
    let options = serde_json::to_value(&options);
    let challenge =
        start_ceremony(&state, &device, &policy, REGISTER, None, &json(&registration)?, options, now).await?;
    Ok((StatusCode::CREATED, Json(challenge)))
}

/// The key rules for this user: the server's, made stricter by the user's policy group.
async fn key_policy(state: &AppState, user_id: &str) -> Result<KeyPolicy, ApiError> {
    let mut conn = state.db.pool.acquire().await.map_err(ServerError::from)?;
    let (_, policy) = crate::store::compliance::policy_of(&mut conn, user_id).await?;
    Ok(state.rp.policy.with_group(&policy.keys))
}

/// When expired ceremonies were last dropped (once a minute is enough: they are refused when
/// taken anyway).
static PURGED_AT_MS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

fn purge_due(now: UnixMillis) -> bool {
    use std::sync::atomic::Ordering;
    let last = PURGED_AT_MS.load(Ordering::Relaxed);
    now.0 - last >= 60_000 && PURGED_AT_MS.compare_exchange(last, now.0, Ordering::Relaxed, Ordering::Relaxed).is_ok()
}

/// Takes a ceremony once, through the write queue.
async fn take(
    state: &AppState,
    id: &str,
    user_id: &str,
    kind: &'static str,
    now: UnixMillis,
) -> Result<Option<keys::Ceremony>, ApiError> {
    let take = AuditedWrite::TakeCeremony { id: id.to_string(), user_id: user_id.to_string(), kind, now };
    match state.queues.writes.call(take).await? {
        Written::Ceremony(c) => Ok(c),
        _ => Err(ServerError::Internal("taking a ceremony answered something else".into()).into()),
    }
}

/// Stores a ceremony's state and answers with what the client passes to the authenticator.
#[allow(clippy::too_many_arguments)]
async fn start_ceremony(
    state: &AppState,
    device: &Device,
    policy: &KeyPolicy,
    kind: &'static str,
    factor_id: Option<&str>,
    ceremony_state: &str,
    options: Result<serde_json::Value, serde_json::Error>,
    now: UnixMillis,
) -> Result<WebauthnChallenge, ApiError> {
    let expires = UnixMillis(now.0 + CEREMONY_MS);
    let ceremony = keys::NewCeremony::new(actor(device), kind, factor_id, ceremony_state, now, expires);
    let ceremony_id = ceremony.id.clone();
    state.queues.writes.call(AuditedWrite::StartCeremony(Box::new(ceremony))).await?;
    Ok(WebauthnChallenge {
        ceremony_id,
        factor_id: factor_id.map(str::to_string),
        rp_id: state.rp.id.clone(),
        origin: state.rp.origin.origin().ascii_serialization(),
        options: options.map_err(|e| ServerError::Internal(format!("WebAuthn options as JSON: {e}")))?,
        expires_at_ms: expires.0,
        pin_required: policy.require_user_verification,
        min_pin_length: policy.min_pin_length,
    })
}

/// Finishes a registration; the answer also starts the verifying assertion.
#[utoipa::path(post, path = "/v1/factors/security-key/register", tag = "factors", security(("device_token" = [])),
    request_body = WebauthnFinish,
    responses(
        (status = 201, body = SecurityKeyRegistered),
        (status = 400, description = "unknown, used or expired ceremony (`ceremony_invalid`); an answer that fails the checks (`webauthn_rejected`)", body = ErrorBody),
        (status = 403, description = "the organisation's policy does not accept this key (`key_not_allowed`)", body = ErrorBody),
        (status = 409, description = "this key is already registered (`credential_exists`)", body = ErrorBody),
    ))]
pub async fn finish_registration(
    State(state): State<AppState>,
    DeviceAuth(device): DeviceAuth,
    ApiJson(req): ApiJson<WebauthnFinish>,
) -> Result<(StatusCode, Json<SecurityKeyRegistered>), ApiError> {
    let pool = &state.db.pool;
    let now = state.clock.now();
    let ceremony =
        take(&state, &req.ceremony_id, &device.user_id, REGISTER, now).await?.ok_or_else(ceremony_invalid)?;
    let registration: SecurityKeyRegistration = parse(&ceremony.state, "registration state")?;
    let answer: RegisterPublicKeyCredential = serde_json::from_value(req.credential)
        .map_err(|e| ApiError::bad_request(format!("credential is not a WebAuthn registration answer: {e}")))?;
    let key = match state.rp.webauthn.finish_securitykey_registration(&answer, &registration) {
        Ok(key) => key,
        // webauthn-rs refuses a credential the options excluded with this error (its name
        // is about algorithms): the person's key is already registered, which is a conflict.
        Err(WebauthnError::CredentialAlteredAlgFromRequest)
            if keys::user_credentials(pool, &device.user_id)
                .await?
                .contains(&URL_SAFE_NO_PAD.encode(answer.raw_id.as_slice())) =>
        {
            return Err(already_registered());
        }
        Err(e) => return Err(rejected("the security key's registration", e)),
    };
    let metadata = state.mds.as_ref().and_then(|m| m.current());
    let facts = KeyFacts::of(&key, metadata.as_deref(), now)?;
    if let Some(why) = key_policy(&state, &device.user_id).await?.refusal(&facts) {
        tracing::info!(aaguid = ?facts.aaguid, user = %device.user_id, "security key refused by policy");
        return Err(ApiError::new(StatusCode::FORBIDDEN, ErrorCode::KeyNotAllowed, why));
    }
    let stored = AuditedWrite::NewSecurityKey {
        user_id: device.user_id.clone(),
        device_id: device.id.clone(),
        credential: json(&key)?,
        facts: Box::new(facts.clone()),
        now,
    };
    let Written::SecurityKey(factor_id) = state.queues.writes.call(stored).await? else {
        return Err(ServerError::Internal("storing a key answered something else".into()).into());
    };
    let factor_id = factor_id.ok_or_else(already_registered)?;
    tracing::info!(factor = %factor_id, aaguid = ?facts.aaguid, model = ?facts.model, format = %facts.attestation_format,
        trusted = facts.attestation_trusted, "security key registered");
    let verify = start_verification(&state, &device, &factor_id, &key, now).await?;
    Ok((
        StatusCode::CREATED,
        Json(SecurityKeyRegistered {
            factor_id,
            aaguid: facts.aaguid,
            attestation_format: facts.attestation_format,
            attestation_trusted: facts.attestation_trusted,
            model: facts.model,
            certification: facts.certification,
            backup_eligible: facts.backup_eligible,
            backed_up: facts.backed_up,
            verify,
        }),
    ))
}

async fn start_verification(
    state: &AppState,
    device: &Device,
    factor_id: &str,
    key: &SecurityKey,
    now: UnixMillis,
) -> Result<WebauthnChallenge, ApiError> {
    let (options, authentication) = state
        .rp
        .webauthn
        .start_securitykey_authentication(std::slice::from_ref(key))
        .map_err(|e| ServerError::Internal(format!("starting a WebAuthn assertion: {e}")))?;
    let policy = key_policy(state, &device.user_id).await?;
    let options = serde_json::to_value(&options);
    start_ceremony(state, device, &policy, VERIFY, Some(factor_id), &json(&authentication)?, options, now).await
}

/// Starts an assertion with one of the user's security keys (to verify it, or again).
#[utoipa::path(post, path = "/v1/factors/security-key/{id}/verify", tag = "factors", security(("device_token" = [])),
    params(("id" = String, Path, description = "The security key's factor id")),
    responses((status = 201, body = WebauthnChallenge), (status = 404, body = ErrorBody)))]
pub async fn begin_verification(
    State(state): State<AppState>,
    DeviceAuth(device): DeviceAuth,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<WebauthnChallenge>), ApiError> {
    let factor = keys::security_key(&state.db.pool, &id)
        .await?
        .filter(|f| f.user_id == device.user_id && f.status != "revoked")
        .ok_or_else(|| {
            ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such security key for this user")
        })?;
    let key: SecurityKey = parse(&factor.credential, "credential")?;
    let challenge = start_verification(&state, &device, &factor.id, &key, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(challenge)))
}

/// Finishes an assertion; the first one verifies the key.
#[utoipa::path(post, path = "/v1/factors/security-key/verify", tag = "factors", security(("device_token" = [])),
    request_body = WebauthnFinish,
    responses(
        (status = 200, body = FactorView),
        (status = 400, description = "`ceremony_invalid` or `webauthn_rejected`", body = ErrorBody),
    ))]
pub async fn finish_verification(
    State(state): State<AppState>,
    DeviceAuth(device): DeviceAuth,
    ApiJson(req): ApiJson<WebauthnFinish>,
) -> Result<Json<FactorView>, ApiError> {
    let pool = &state.db.pool;
    let now = state.clock.now();
    let ceremony = take(&state, &req.ceremony_id, &device.user_id, VERIFY, now).await?.ok_or_else(ceremony_invalid)?;
    let factor_id = ceremony.factor_id.ok_or_else(|| ServerError::Corrupt("verify ceremony without factor".into()))?;
    let factor = keys::security_key(pool, &factor_id)
        .await?
        .filter(|f| f.user_id == device.user_id && f.status != "revoked")
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "this security key was revoked"))?;
    let authentication: SecurityKeyAuthentication = parse(&ceremony.state, "assertion state")?;
    let answer: PublicKeyCredential = serde_json::from_value(req.credential)
        .map_err(|e| ApiError::bad_request(format!("credential is not a WebAuthn assertion: {e}")))?;
    let result = state
        .rp
        .webauthn
        .finish_securitykey_authentication(&answer, &authentication)
        .map_err(|e| rejected("the security key's assertion", e))?;
    let mut key: SecurityKey = parse(&factor.credential, "credential")?;
    key.update_credential(&result);
    let write = AuditedWrite::Assertion {
        key: factor.clone(),
        credential: json(&key)?,
        user_id: device.user_id.clone(),
        device_id: device.id.clone(),
        now,
    };
    let Written::Assertion(verified_at_ms) = state.queues.writes.call(write).await? else {
        return Err(ServerError::Internal("an assertion answered something else".into()).into());
    };
    let verified_at_ms = verified_at_ms
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "this security key was revoked"))?;
    tracing::info!(factor = %factor.id, "security key verified by an assertion");
    Ok(Json(FactorView {
        id: factor.id,
        kind: "security_key".into(),
        tier: lastmile_core::factor::FactorKind::SecurityKey.tier().wire().into(),
        verified_at_ms,
        aaguid: factor.aaguid,
        attested: factor.attested,
        model: factor.model,
        certification: factor.certification,
    }))
}
