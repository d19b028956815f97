//! Recovery after device loss. A user with no working factor signs in on any device with
//! their email address and one recovery code. That uses the code up, joins this device for
//! them and opens a recovery session of [`SESSION_MS`], in which the device may list the
//! user's factors and devices and revoke the lost ones; enrolling a new factor and a new set
//! of codes then use the ordinary device endpoints.
//!
//! Guessing is slowed and stopped: sign-ins are rate-limited per source address and per
//! username (existing or not), every attempt costs exactly ten argon2id checks (bounded by
//! [`AppState::kdf`]), and five wrong codes lock the user's set for five minutes. Every
//! refusal is the same answer after the same work: unknown organisation or user, a user
//! without codes, a wrong code, a locked set. Only a matching code learns more (a device
//! joined for someone else, a revoked device).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use lastmile_core::clock::UnixMillis;
use lastmile_core::recovery::RecoveryCode;
use lastmile_proto::api::{
    AccountView, ErrorBody, ErrorCode, OrganisationView, RecoverySession, RecoverySignInRequest, UserView,
};

use super::extract::{ApiJson, ClientAddr, DeviceAuth, check_claims};
use super::lockout;
use crate::kdf::Admission;
use crate::secrets::{hash_secret, new_device_token};
use crate::store::audit::{Event, Kind};
use crate::store::writes::{Attempt, AuditedWrite, Written};
use crate::store::{self, Device, Org, User};
use crate::{ApiError, AppState, ServerError};

/// How long a recovery session lasts.
pub const SESSION_MS: i64 = 30 * 60 * 1000;

/// The one answer to every refused sign-in (see the module documentation).
fn refused() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::RecoveryRefused,
        "that email address and recovery code do not match (each code works once), or too many wrong codes \
         were tried and the codes are locked for a few minutes; check both and try again later",
    )
}

/// Takes one sign-in from `addr` for `username` off the rate limits, or answers 429.
fn rate_limit(state: &AppState, addr: Option<std::net::IpAddr>, req: &RecoverySignInRequest) -> Result<(), ApiError> {
    let now = state.clock.now();
    let too_many = |seconds| lockout::too_many("sign-in attempts", seconds);
    let addr = addr.map_or_else(|| "in-process".to_string(), |a| a.to_string());
    state.limits.sign_in_by_address.check(&addr, now).map_err(too_many)?;
    let org = req.organisation.as_deref().unwrap_or_default().trim().to_ascii_lowercase();
    let username = format!("{org}/{}", req.username.trim().to_ascii_lowercase());
    state.limits.sign_in_by_username.check(&username, now).map_err(too_many)
}

fn check_attempt_id(id: &str) -> Result<(), ApiError> {
    let ok = (16..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request("attempt_id must be 16 to 64 characters of A-Z, a-z, 0-9, - and _"))
    }
}

/// Which of `hashes` matches, with the same work whatever the answer.
async fn kdf_find(kdf: Admission, code: String, hashes: Vec<String>) -> Result<Option<usize>, ApiError> {
    Ok(kdf.find_match(code, hashes).await?)
}

/// The device named by an `Authorization` header, if it is a live device token.
async fn calling_device(state: &AppState, headers: &HeaderMap) -> Result<Option<Device>, ApiError> {
    let Some(token) = headers
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| t.starts_with("lmd_"))
    else {
        return Ok(None);
    };
    Ok(store::device_by_token_hash(&state.db.pool, &hash_secret(token)).await?.filter(|d| d.revoked_at_ms.is_none()))
}

async fn find_user(state: &AppState, req: &RecoverySignInRequest) -> Result<Option<(User, Org)>, ApiError> {
    let pool = &state.db.pool;
    let org = match req.organisation.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => store::org_by_slug(pool, slug).await?,
        None => Some(store::sole_org(pool).await?.ok_or_else(|| {
            ApiError::bad_request("this server hosts several organisations (or none); name yours in `organisation`")
        })?),
    };
    let Some(org) = org else { return Ok(None) };
    let email = req.username.trim().to_ascii_lowercase();
    Ok(store::user_by_email(pool, &org, &email).await?.map(|u| (u, org)))
}

fn session(
    device_id: String,
    token: String,
    user: User,
    org: Org,
    until: UnixMillis,
    codes_left: u32,
    resumed: bool,
) -> RecoverySession {
    RecoverySession {
        device_id,
        device_token: token,
        user: UserView { id: user.id, email: user.email, display_name: user.display_name },
        organisation: OrganisationView { slug: org.slug, name: org.name },
        session_expires_at_ms: until.0,
        codes_left,
        resumed,
    }
}

/// Signs in with email address and recovery code; joins this device and opens a recovery session.
#[utoipa::path(post, path = "/v1/recovery/sign-in", tag = "recovery", request_body = RecoverySignInRequest,
    responses(
        (status = 201, description = "signed in; the code is used up", body = RecoverySession),
        (status = 200, description = "a retry of a sign-in that had succeeded (same attempt_id and code)", body = RecoverySession),
        (status = 400, description = "malformed request or code", body = ErrorBody),
        (status = 401, description = "refused: no such user, no codes, a wrong code or a locked set, all told the same (`recovery_refused`)", body = ErrorBody),
        (status = 403, description = "a retry whose device was revoked since (`device_revoked`)", body = ErrorBody),
        (status = 409, description = "the code matched, but this device is joined for another user (`conflict`)", body = ErrorBody),
        (status = 429, description = "too many sign-ins from this address or for this username (`rate_limited`)", body = ErrorBody),
        (status = 503, description = "the server is busy with other sign-ins (`unavailable`)", body = ErrorBody),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RecoverySignInRequest>,
) -> Result<(StatusCode, Json<RecoverySession>), ApiError> {
    rate_limit(&state, addr, &req)?;
    check_claims(&req.device)?;
    super::extract::check_device_key(req.device_public_key.as_deref())?;
    check_attempt_id(&req.attempt_id)?;
    if req.username.len() > 254 {
        return Err(ApiError::bad_request("username is longer than 254 bytes"));
    }
    let code = RecoveryCode::parse(&req.recovery_code)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::RecoveryCodeInvalid, e.to_string()))?;
    let candidate = code.canonical().to_string();
    // A place in the key-derivation queue first: when the server is busy, nothing is done
    // (no attempt counted), and every caller is told the same.
    let kdf = state.kdf.admit()?;
    let pool = &state.db.pool;
    let now = state.clock.now();
    let found = find_user(&state, &req).await?;
    let current = calling_device(&state, &headers).await?;
    let attempt_hash = hash_secret(&req.attempt_id);
    let past = store::sign_in_by_attempt(pool, &attempt_hash).await?;
    let Some((user, org)) = found else {
        kdf_find(kdf, candidate, Vec::new()).await?;
        return Err(refused());
    };

    // A retry whose first answer was lost: same attempt key, same code.
    if let Some(past) = past {
        if past.user_id != user.id || past.expires_at_ms <= now.0 {
            kdf_find(kdf, candidate, Vec::new()).await?;
            return Err(ApiError::bad_request("this sign-in attempt has ended; start a new one"));
        }
        if kdf_find(kdf, candidate, vec![past.code_hash.clone()]).await?.is_none() {
            return Err(refused());
        }
        let token = new_device_token();
        if !store::resume_sign_in(pool, &past, &hash_secret(&token), req.device_public_key.as_deref(), now).await? {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::DeviceRevoked,
                "the device of this sign-in has been revoked since; sign in again with another code",
            ));
        }
        let left = match store::current_recovery_set(pool, &user.id).await? {
            Some(set) => u32::try_from(set.unused.len()).unwrap_or(0),
            None => 0,
        };
        tracing::info!(user = %user.id, device = %past.device_id, "recovery sign-in resumed");
        let body = session(past.device_id.clone(), token, user, org, UnixMillis(past.expires_at_ms), left, true);
        return Ok((StatusCode::OK, Json(body)));
    }

    let Some(set) = store::current_recovery_set(pool, &user.id).await? else {
        kdf_find(kdf, candidate, Vec::new()).await?;
        refusal_event(&state, &user, None, "no recovery codes", now).await?;
        return Err(refused());
    };
    // The attempt is counted before the code is checked: concurrent guesses cannot pass the
    // limit, and once it is reached no code, right or wrong, is checked until the lock ends.
    let attempt = AuditedWrite::Attempt {
        factor_id: set.factor_id.clone(),
        user_id: user.id.clone(),
        kind: "recovery_codes",
        now,
    };
    let failures = match state.queues.writes.call(attempt).await? {
        Written::Attempt(Attempt::Counted { failures }) => failures,
        _ => {
            // Locked: no code is checked, but the same work is done and the same answer given.
            kdf_find(kdf, candidate, Vec::new()).await?;
            refusal_event(&state, &user, Some(&set.factor_id), "locked", now).await?;
            return Err(refused());
        }
    };
    let hashes = set.unused.iter().map(|(_, h)| h.clone()).collect();
    let Some(index) = kdf_find(kdf, candidate, hashes).await? else {
        refusal_event(&state, &user, Some(&set.factor_id), "wrong code", now).await?;
        if failures >= lockout::MAX_FAILURES {
            state
                .queues
                .writes
                .call(AuditedWrite::Event(
                    Event::new(now, &user.id, Kind::RecoveryLockedOut)
                        .factor(&set.factor_id)
                        .detail(serde_json::json!({ "failures": failures, "lock_ms": lockout::LOCK_MS })),
                ))
                .await?;
        }
        return Err(refused());
    };
    if current.as_ref().is_some_and(|d| d.user_id != user.id) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
            "this device is joined for another user; leave first (`lastmile leave`), then recover",
        ));
    }

    let token = new_device_token();
    let until = UnixMillis(now.0 + SESSION_MS);
    let written = store::complete_sign_in(
        pool,
        &store::SignIn {
            user_id: &user.id,
            set_id: &set.factor_id,
            code_id: &set.unused[index].0,
            existing_device: current.as_ref().map(|d| d.id.as_str()),
            claims: &req.device,
            public_key: req.device_public_key.as_deref(),
            token_hash: &hash_secret(&token),
            attempt_hash: &attempt_hash,
            now,
            session_until: until,
        },
    )
    .await?;
    let Some((device_id, left)) = written else {
        // A concurrent request used the same code a moment earlier.
        return Err(refused());
    };
    tracing::info!(user = %user.id, device = %device_id, codes_left = left, "recovery sign-in");
    if let Some(webhook) = &state.notify {
        crate::engage::notify_recovery(webhook, &org.name, &user.email, &user.display_name, &req.device.hostname, now);
    }
    Ok((StatusCode::CREATED, Json(session(device_id, token, user, org, until, left, false))))
}

async fn refusal_event(
    state: &AppState,
    user: &User,
    set: Option<&str>,
    reason: &str,
    now: UnixMillis,
) -> Result<(), ServerError> {
    let event = Event::new(now, &user.id, Kind::RecoverySignInRefused).detail(serde_json::json!({ "reason": reason }));
    let event = Event { factor_id: set.map(str::to_string), ..event };
    state.queues.writes.call(AuditedWrite::Event(event)).await.map(drop)
}

/// A device with a live recovery session.
#[derive(Debug)]
pub struct RecoveryAuth(pub Device);

impl axum::extract::FromRequestParts<AppState> for RecoveryAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let DeviceAuth(device) = DeviceAuth::from_request_parts(parts, state).await?;
        match device.recovery_until_ms {
            Some(until) if until > state.clock.now().0 => Ok(RecoveryAuth(device)),
            _ => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::RecoverySessionRequired,
                "this needs a recovery session, which this device does not have (any more); sign in with a recovery code",
            )),
        }
    }
}

async fn account(state: &AppState, device: &Device, session_until: Option<i64>) -> Result<AccountView, ApiError> {
    let pool = &state.db.pool;
    let (user, org) = store::user_with_org(pool, &device.user_id).await?;
    Ok(AccountView {
        factors: store::account_factors(pool, &user.id).await?,
        devices: store::account_devices(pool, &user.id, &device.id).await?,
        user: UserView { id: user.id, email: user.email, display_name: user.display_name },
        organisation: OrganisationView { slug: org.slug, name: org.name },
        session_expires_at_ms: session_until,
    })
}

/// The user's factors (any state but revoked) and devices.
#[utoipa::path(get, path = "/v1/recovery/account", tag = "recovery", security(("device_token" = [])),
    responses((status = 200, body = AccountView), (status = 401, body = ErrorBody),
        (status = 403, description = "no recovery session (`recovery_session_required`)", body = ErrorBody)))]
pub async fn get_account(
    State(state): State<AppState>,
    RecoveryAuth(device): RecoveryAuth,
) -> Result<Json<AccountView>, ApiError> {
    let until = device.recovery_until_ms;
    Ok(Json(account(&state, &device, until).await?))
}

/// Revokes one of the user's factors; it stops counting and working at once. Idempotent.
#[utoipa::path(post, path = "/v1/recovery/factors/{id}/revoke", tag = "recovery", security(("device_token" = [])),
    params(("id" = String, Path, description = "The factor id")),
    responses((status = 200, body = AccountView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_factor(
    State(state): State<AppState>,
    RecoveryAuth(device): RecoveryAuth,
    Path(id): Path<String>,
) -> Result<Json<AccountView>, ApiError> {
    let now = state.clock.now();
    let changed = store::revoke_factor(&state.db.pool, &device.user_id, &id, &device.id, now)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such factor for this user"))?;
    if changed {
        tracing::info!(factor = %id, by = %device.id, "factor revoked in a recovery session");
    }
    let until = device.recovery_until_ms;
    Ok(Json(account(&state, &device, until).await?))
}

/// Revokes another of the user's devices; its token stops working at once. Idempotent.
#[utoipa::path(post, path = "/v1/recovery/devices/{id}/revoke", tag = "recovery", security(("device_token" = [])),
    params(("id" = String, Path, description = "The device id")),
    responses((status = 200, body = AccountView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "this is the device making the request (`conflict`)", body = ErrorBody)))]
pub async fn revoke_device(
    State(state): State<AppState>,
    RecoveryAuth(device): RecoveryAuth,
    Path(id): Path<String>,
) -> Result<Json<AccountView>, ApiError> {
    if id == device.id {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
            "this is the device you are using; to remove it, run `lastmile leave` on it",
        ));
    }
    let now = state.clock.now();
    let changed = store::revoke_device(
        &state.db.pool,
        &id,
        Some(&device.user_id),
        serde_json::json!({ "device": device.id }),
        now,
    )
    .await?
    .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such device for this user"))?;
    if changed {
        tracing::info!(device = %id, by = %device.id, "device revoked in a recovery session");
    }
    let until = device.recovery_until_ms;
    Ok(Json(account(&state, &device, until).await?))
}

/// Ends the recovery session early (the device stays joined). Idempotent.
#[utoipa::path(post, path = "/v1/recovery/end", tag = "recovery", security(("device_token" = [])),
    responses((status = 200, body = AccountView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn end(State(state): State<AppState>, DeviceAuth(device): DeviceAuth) -> Result<Json<AccountView>, ApiError> {
    store::end_session(&state.db.pool, &device.user_id, &device.id, state.clock.now()).await?;
    Ok(Json(account(&state, &device, None).await?))
}
