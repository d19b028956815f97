//! Writes that record audit events, run together (group commit). Each is one or two small
//! statements of its own; what they share is the costly part: the transaction, the audit
//! chain's head (moved once for the whole batch), the users' organisations (one query) and
//! the compliance refresh of the users whose factors changed (a fixed number of statements
//! for any number of users). [`crate::batch`] queues them from concurrent requests; a batch
//! that fails is run again write by write, so one bad write fails only its own request.
//! The OpenID Connect sign-in path's writes (its requests, codes and client assertions) and the
//! security keys' (ceremonies, registered keys) go through the same queue, audited or not: on
//! SQLite one writer takes them in turn, where each taking the database's lock itself made them
//! wait on its busy handler.

use std::sync::Arc;

use lastmile_core::clock::UnixMillis;
use lastmile_core::factor::FactorKind;
use lastmile_core::totp::{self, TotpAlgorithm, TotpParams, Verification};
use lastmile_proto::api::FactorView;
use sqlx::{AnyPool, Row};

use super::audit::{self, Event, Kind};
use super::compliance;
use super::security_keys::KeyFactor;
use crate::ServerError;
use crate::db::{Held, WriteTx, begin_write_on};
use crate::seal::SealKeys;

/// Consecutive wrong codes before a factor is locked.
pub const MAX_FAILURES: i64 = 5;
/// How long the lock lasts.
pub const LOCK_MS: i64 = 5 * 60 * 1000;

/// One write, with what its audit event needs.
#[derive(Debug, Clone)]
pub enum AuditedWrite {
    /// A TOTP code to check. The attempt is counted first (refused when the factor is
    /// locked: no code, right or wrong, is looked at then), the code is checked inside the
    /// transaction, and a right code is accepted as [`AuditedWrite::TotpStep`] is, which
    /// resets the count; a replayed code gives its attempt back.
    TotpAttempt {
        factor_id: String,
        code: String,
        user_id: String,
        /// The device the code was typed on; none for a sign-in through the OpenID Connect
        /// provider (a browser, no device of ours).
        device_id: Option<String>,
        now: UnixMillis,
        /// The keys the factor's seed is sealed under.
        seal: Arc<SealKeys>,
        /// For a sign-in through the OpenID Connect provider: the request's attempt is counted
        /// and a refusal recorded in the same transaction.
        sign_in: Option<SignInAttempt>,
    },
    /// An attempt at a factor whose check is too slow to run in a transaction (a
    /// recovery-code set: argon2id), counted before the check. A right code then resets the
    /// count ([`AuditedWrite::RecoveryConfirmed`], or the recovery sign-in).
    Attempt { factor_id: String, user_id: String, kind: &'static str, now: UnixMillis },
    /// A TOTP code the verifier accepted: its step is stored (a later use of it, or of an
    /// older one, is refused by the condition on the stored step, even when two race), and
    /// the first accepted code verifies the factor.
    TotpStep { factor_id: String, step: i64, user_id: String, device_id: String, now: UnixMillis },
    /// One code of a recovery-code set typed back: the set counts (the first time).
    RecoveryConfirmed { factor_id: String, user_id: String, device_id: String, now: UnixMillis },
    /// A successful assertion by a security key: its updated credential (signature counter),
    /// and the first one verifies the factor.
    Assertion { key: KeyFactor, credential: String, user_id: String, device_id: String, now: UnixMillis },
    /// A sign-in through the OpenID Connect provider that a factor satisfied: the request
    /// gets its code (as its hash) if it is still open, the factor its last use (a security
    /// key also its updated credential: the signature counter), and the event is recorded.
    SignIn {
        request_id: String,
        user_id: String,
        factor_id: String,
        /// RFC 8176: `hwk` or `otp`.
        amr: &'static str,
        /// A security key's credential after the assertion.
        credential: Option<String>,
        /// The assertion the key answered: taken by this write (refused if taken already).
        key_state: Option<String>,
        code_hash: String,
        code_expires_at_ms: i64,
        event: Event,
        now: UnixMillis,
    },
    /// A sign-in request of an OpenID Connect client, stored. The sign-in path's writes go
    /// through this queue too: on SQLite, one writer takes them in turn instead of each
    /// contending for the database's lock.
    NewRequest { request: Box<super::oidc::SignInRequest>, now: UnixMillis },
    /// The WebAuthn assertion a request started (see [`super::oidc::start_key_sign_in`]).
    StartKeySignIn { request_id: String, user_id: Option<String>, key_state: String, now: UnixMillis },
    /// An authorization code redeemed, once (see [`super::oidc::redeem_code`]).
    RedeemCode { code_hash: String, now: UnixMillis },
    /// A WebAuthn ceremony started (see [`super::security_keys::start_ceremony`]).
    StartCeremony(Box<super::security_keys::NewCeremony>),
    /// A ceremony taken for finishing, once (see [`super::security_keys::take_ceremony`]).
    TakeCeremony { id: String, user_id: String, kind: &'static str, now: UnixMillis },
    /// A registered key stored as a pending factor (see [`super::security_keys::create_security_key`]).
    NewSecurityKey {
        user_id: String,
        device_id: String,
        credential: String,
        facts: Box<crate::webauthn::KeyFacts>,
        now: UnixMillis,
    },
    /// A client assertion's `jti`, remembered (see [`super::oidc::first_use_of_assertion`]).
    ClientAssertion { client_id: String, jti: String, expires_at_ms: i64 },
    /// An attempt on a sign-in request that names no factor to check (an email without an
    /// authenticator app): counted like the others, so that it costs the same write.
    RequestAttempt { request_id: String },
    /// An event that goes with no other change (a refused report, a refused sign-in).
    Event(Event),
}

/// The sign-in request a TOTP attempt is made on.
#[derive(Debug, Clone)]
pub struct SignInAttempt {
    pub request_id: String,
    pub client_id: String,
}

/// What each write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    Totp(TotpOutcome),
    Attempt(Attempt),
    /// The factor as verified; `None` when the step was already used (a replay).
    TotpStep(Option<FactorView>),
    RecoveryConfirmed,
    /// When the key was verified; `None` when the factor was revoked meanwhile.
    Assertion(Option<i64>),
    /// Whether the sign-in was recorded: false when the request was no longer open (expired,
    /// satisfied meanwhile) or the factor no longer verified (revoked meanwhile).
    SignIn(bool),
    NewRequest,
    /// Whether the request was still open.
    KeySignInStarted(bool),
    /// The request the code belonged to, if it could be redeemed.
    Redeemed(Option<Box<super::oidc::SignInRequest>>),
    /// Whether the assertion was used for the first time.
    FirstUse(bool),
    CeremonyStarted,
    /// The ceremony, if it could be taken.
    Ceremony(Option<super::security_keys::Ceremony>),
    /// The new factor's id; `None` when the credential was registered before.
    SecurityKey(Option<String>),
    RequestAttempt,
    Event,
}

/// The outcome of a TOTP code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TotpOutcome {
    /// The factor as verified.
    Accepted(FactorView),
    /// A right code whose step (or a later one) was already used.
    Replayed,
    /// Not a code of the factor's format (its attempt was given back).
    Malformed {
        digits: u8,
    },
    /// A wrong code: this many consecutive failures now (locked at [`MAX_FAILURES`]).
    Wrong {
        failures: i64,
    },
    Locked(Attempt),
    NotFound,
}

/// Whether an attempt may be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Counted: this many consecutive attempts without success, this one included.
    Counted { failures: i64 },
    /// Refused: the factor is locked until then.
    Locked { until_ms: i64 },
    /// No such factor of this user (or it was revoked).
    NotFound,
}

/// Counts an attempt before its code is checked, in one conditional statement, so that
/// concurrent attempts cannot pass the limit: once [`MAX_FAILURES`] are counted the factor
/// is locked for [`LOCK_MS`] and further attempts are refused without being checked. A lock
/// that has run out is cleared by the same statement (failures count from zero again).
async fn count_attempt(
    tx: &mut WriteTx,
    factor_id: &str,
    user_id: &str,
    kind: &str,
    now: UnixMillis,
) -> Result<Attempt, ServerError> {
    let counted = sqlx::query(
        "UPDATE factors SET \
         failed_attempts = CASE WHEN locked_until_ms <= $1 THEN 1 ELSE failed_attempts + 1 END, \
         locked_until_ms = CASE WHEN (CASE WHEN locked_until_ms <= $2 THEN 1 ELSE failed_attempts + 1 END) >= $3 \
         THEN $4 ELSE NULL END \
         WHERE id = $5 AND user_id = $6 AND kind = $7 AND status <> 'revoked' \
         AND ((locked_until_ms IS NULL AND failed_attempts < $8) OR locked_until_ms <= $9) \
         RETURNING failed_attempts",
    )
    .bind(now.0)
    .bind(now.0)
    .bind(MAX_FAILURES)
    .bind(now.0 + LOCK_MS)
    .bind(factor_id)
    .bind(user_id)
    .bind(kind)
    .bind(MAX_FAILURES)
    .bind(now.0)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(row) = counted {
        return Ok(Attempt::Counted { failures: row.get(0) });
    }
    let lock = sqlx::query(
        "SELECT locked_until_ms FROM factors WHERE id = $1 AND user_id = $2 AND kind = $3 AND status <> 'revoked'",
    )
    .bind(factor_id)
    .bind(user_id)
    .bind(kind)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match lock {
        None => Attempt::NotFound,
        Some(r) => Attempt::Locked { until_ms: r.get::<Option<i64>, _>(0).unwrap_or(now.0).max(now.0) },
    })
}

/// Gives back an attempt that turned out not to be a guess (a replayed code, a malformed one).
async fn give_back_attempt(tx: &mut WriteTx, factor_id: &str) -> Result<(), ServerError> {
    sqlx::query(
        "UPDATE factors SET failed_attempts = failed_attempts - 1, \
         locked_until_ms = CASE WHEN failed_attempts - 1 < $1 THEN NULL ELSE locked_until_ms END \
         WHERE id = $2 AND failed_attempts > 0",
    )
    .bind(MAX_FAILURES)
    .bind(factor_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Runs `writes` in one transaction and answers each, in order (on PostgreSQL on `held` when
/// given).
pub async fn run(pool: &AnyPool, held: Option<&Held>, writes: &[AuditedWrite]) -> Result<Vec<Written>, ServerError> {
    let mut tx = begin_write_on(pool, held).await?;
    let mut events = Vec::new();
    let mut changed: Vec<(String, UnixMillis)> = Vec::new();
    let mut out = Vec::with_capacity(writes.len());
    for w in writes {
        out.push(apply(&mut tx, w, &mut events, &mut changed).await?);
    }
    audit::append_all(&mut tx, &events).await?;
    if let Some(now) = changed.iter().map(|(_, at)| *at).max() {
        let users: Vec<&str> = changed.iter().map(|(u, _)| u.as_str()).collect();
        compliance::refresh_all(&mut tx, &users, now).await?;
    }
    tx.commit().await?;
    Ok(out)
}

/// One write's statements; its event and its user (when a factor changed) are collected.
async fn apply(
    tx: &mut WriteTx,
    write: &AuditedWrite,
    events: &mut Vec<Event>,
    changed: &mut Vec<(String, UnixMillis)>,
) -> Result<Written, ServerError> {
    let verified = |factor_id: &str, user_id: &str, device_id: &str, now, detail| {
        Event::new(now, user_id, Kind::FactorVerified).device(device_id).factor(factor_id).detail(detail)
    };
    match write {
        AuditedWrite::TotpAttempt { factor_id, code, user_id, device_id, now, seal, sign_in } => {
            let outcome =
                totp_attempt(tx, factor_id, code, user_id, device_id.as_deref(), *now, seal, events, changed).await?;
            if let Some(attempt) = sign_in {
                count_request_attempt(tx, &attempt.request_id).await?;
                let why = match &outcome {
                    TotpOutcome::Accepted(_) | TotpOutcome::NotFound => None,
                    TotpOutcome::Locked(_) => Some("locked"),
                    TotpOutcome::Replayed => Some("replayed"),
                    TotpOutcome::Wrong { .. } | TotpOutcome::Malformed { .. } => Some("wrong code"),
                };
                if let Some(why) = why {
                    events.push(
                        Event::new(*now, user_id, Kind::OidcSignInRefused)
                            .factor(factor_id)
                            .detail(serde_json::json!({ "client": attempt.client_id, "why": why })),
                    );
                }
            }
            Ok(Written::Totp(outcome))
        }
        AuditedWrite::NewRequest { request, now } => {
            super::oidc::insert_request(tx, request, *now).await?;
            Ok(Written::NewRequest)
        }
        AuditedWrite::StartKeySignIn { request_id, user_id, key_state, now } => Ok(Written::KeySignInStarted(
            super::oidc::start_key_sign_in(tx, request_id, user_id.as_deref(), key_state, *now).await?,
        )),
        AuditedWrite::RedeemCode { code_hash, now } => {
            Ok(Written::Redeemed(super::oidc::redeem_code(tx, code_hash, *now).await?.map(Box::new)))
        }
        AuditedWrite::ClientAssertion { client_id, jti, expires_at_ms } => {
            Ok(Written::FirstUse(super::oidc::first_use_of_assertion(tx, client_id, jti, *expires_at_ms).await?))
        }
        AuditedWrite::StartCeremony(c) => {
            super::security_keys::start_ceremony(tx, c).await?;
            Ok(Written::CeremonyStarted)
        }
        AuditedWrite::TakeCeremony { id, user_id, kind, now } => {
            Ok(Written::Ceremony(super::security_keys::take_ceremony(tx, id, user_id, kind, *now).await?))
        }
        AuditedWrite::NewSecurityKey { user_id, device_id, credential, facts, now } => {
            let actor = super::Actor { user_id, device_id };
            Ok(Written::SecurityKey(
                super::security_keys::create_security_key(tx, actor, credential, facts, *now).await?,
            ))
        }
        AuditedWrite::RequestAttempt { request_id } => {
            count_request_attempt(tx, request_id).await?;
            Ok(Written::RequestAttempt)
        }
        AuditedWrite::Attempt { factor_id, user_id, kind, now } => {
            Ok(Written::Attempt(count_attempt(tx, factor_id, user_id, kind, *now).await?))
        }
        AuditedWrite::TotpStep { factor_id, step, user_id, device_id, now } => Ok(Written::TotpStep(
            accept_step(tx, factor_id, *step, user_id, Some(device_id), *now, events, changed).await?,
        )),
        AuditedWrite::RecoveryConfirmed { factor_id, user_id, device_id, now } => {
            let row = sqlx::query(
                "UPDATE factors SET status = 'verified', verified_at_ms = COALESCE(verified_at_ms, $1), \
                 failed_attempts = 0, locked_until_ms = NULL WHERE id = $2 AND status <> 'revoked' \
                 RETURNING verified_at_ms",
            )
            .bind(now.0)
            .bind(factor_id)
            .fetch_optional(&mut **tx)
            .await?;
            if row.is_some_and(|r| r.get::<i64, _>(0) == now.0) {
                let how = serde_json::json!({ "kind": "recovery_codes", "how": "one code typed back" });
                events.push(verified(factor_id, user_id, device_id, *now, how));
                changed.push((user_id.clone(), *now));
            }
            Ok(Written::RecoveryConfirmed)
        }
        AuditedWrite::Assertion { key, credential, user_id, device_id, now } => {
            let row = sqlx::query(
                "UPDATE factors SET status = 'verified', verified_at_ms = COALESCE(verified_at_ms, $1), credential = $2 \
                 WHERE id = $3 AND status <> 'revoked' RETURNING verified_at_ms",
            )
            .bind(now.0)
            .bind(credential)
            .bind(&key.id)
            .fetch_optional(&mut **tx)
            .await?;
            let Some(row) = row else { return Ok(Written::Assertion(None)) };
            let verified_at: i64 = row.get(0);
            if verified_at == now.0 {
                let detail = serde_json::json!({
                    "kind": "security_key",
                    "how": "a WebAuthn assertion after registration",
                    "aaguid": key.aaguid,
                    "model": key.model,
                    "certification": key.certification,
                });
                events.push(verified(&key.id, user_id, device_id, *now, detail));
                changed.push((user_id.clone(), *now));
            }
            Ok(Written::Assertion(Some(verified_at)))
        }
        AuditedWrite::SignIn {
            request_id,
            user_id,
            factor_id,
            amr,
            credential,
            key_state,
            code_hash,
            code_expires_at_ms,
            event,
            now,
        } => {
            let satisfy = "UPDATE oidc_requests SET user_id = $1, factor_id = $2, amr = $3, auth_time_ms = $4, \
                           code_hash = $5, code_expires_at_ms = $6, key_state = NULL \
                           WHERE id = $7 AND code_hash IS NULL AND expires_at_ms > $8";
            let with_key = format!("{satisfy} AND key_state = $9");
            let query = sqlx::query(if key_state.is_some() { &with_key } else { satisfy })
                .bind(user_id)
                .bind(factor_id)
                .bind(*amr)
                .bind(now.0)
                .bind(code_hash)
                .bind(*code_expires_at_ms)
                .bind(request_id)
                .bind(now.0);
            let query = match key_state {
                Some(k) => query.bind(k),
                None => query,
            };
            let open = query.execute(&mut **tx).await?;
            if open.rows_affected() != 1 {
                return Ok(Written::SignIn(false));
            }
            // The request now holds a code nobody was given if the factor is gone: it is dead.
            let used = sqlx::query(
                "UPDATE factors SET last_used_at_ms = $1, credential = COALESCE($2, credential) \
                 WHERE id = $3 AND user_id = $4 AND status = 'verified'",
            )
            .bind(now.0)
            .bind(credential.as_deref())
            .bind(factor_id)
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
            if used.rows_affected() != 1 {
                return Ok(Written::SignIn(false));
            }
            events.push(event.clone());
            Ok(Written::SignIn(true))
        }
        AuditedWrite::Event(event) => {
            events.push(event.clone());
            Ok(Written::Event)
        }
    }
}

/// A TOTP code checked against its factor (see [`AuditedWrite::TotpAttempt`]).
#[allow(clippy::too_many_arguments)]
async fn totp_attempt(
    tx: &mut WriteTx,
    factor_id: &str,
    code: &str,
    user_id: &str,
    device_id: Option<&str>,
    now: UnixMillis,
    seal: &SealKeys,
    events: &mut Vec<Event>,
    changed: &mut Vec<(String, UnixMillis)>,
) -> Result<TotpOutcome, ServerError> {
    let failures = match count_attempt(tx, factor_id, user_id, "totp", now).await? {
        Attempt::Counted { failures } => failures,
        Attempt::NotFound => return Ok(TotpOutcome::NotFound),
        locked => return Ok(TotpOutcome::Locked(locked)),
    };
    let row = sqlx::query(
        "SELECT totp_secret, totp_algorithm, totp_digits, totp_period_s, totp_last_step FROM factors \
             WHERE id = $1",
    )
    .bind(factor_id)
    .fetch_one(&mut **tx)
    .await?;
    let corrupt = |what: &str| ServerError::Corrupt(format!("TOTP factor {factor_id}: {what}"));
    let stored = row.get::<Option<String>, _>(0).ok_or_else(|| corrupt("no seed"))?;
    let secret = if SealKeys::is_sealed(&stored) {
        seal.open(&stored, factor_id)?
    } else {
        // Stored before sealing; sealed at the next start (`reseal_totp_seeds`).
        totp::secret_from_base32(&stored).map_err(|e| corrupt(&e.to_string()))?
    };
    let algorithm = row.get::<Option<String>, _>(1).unwrap_or_default();
    let params = TotpParams {
        algorithm: TotpAlgorithm::parse(&algorithm).ok_or_else(|| corrupt("algorithm"))?,
        digits: u8::try_from(row.get::<Option<i64>, _>(2).unwrap_or(6)).map_err(|_| corrupt("digits"))?,
        period_s: u64::try_from(row.get::<Option<i64>, _>(3).unwrap_or(30)).map_err(|_| corrupt("period"))?,
    };
    let last = row.get::<Option<i64>, _>(4).and_then(|s| u64::try_from(s).ok());
    let step = match totp::verify(&secret, params, code, now, last).map_err(|e| corrupt(&e.to_string()))? {
        Verification::Accepted { step } => i64::try_from(step).map_err(|_| corrupt("step"))?,
        Verification::Wrong => return Ok(TotpOutcome::Wrong { failures }),
        Verification::Replayed => {
            give_back_attempt(tx, factor_id).await?;
            return Ok(TotpOutcome::Replayed);
        }
        Verification::Malformed => {
            give_back_attempt(tx, factor_id).await?;
            return Ok(TotpOutcome::Malformed { digits: params.digits });
        }
    };
    match accept_step(tx, factor_id, step, user_id, device_id, now, events, changed).await? {
        Some(view) => Ok(TotpOutcome::Accepted(view)),
        None => {
            give_back_attempt(tx, factor_id).await?;
            Ok(TotpOutcome::Replayed)
        }
    }
}

/// Counts an attempt on a sign-in request (its page refuses more than a few).
async fn count_request_attempt(tx: &mut WriteTx, request_id: &str) -> Result<(), ServerError> {
    sqlx::query("UPDATE oidc_requests SET attempts = attempts + 1 WHERE id = $1")
        .bind(request_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Stores an accepted TOTP step (refused, `None`, when it or a later one was used already:
/// the condition holds even when two requests race) and resets the failure count; the first
/// accepted code verifies the factor.
#[allow(clippy::too_many_arguments)]
async fn accept_step(
    tx: &mut WriteTx,
    factor_id: &str,
    step: i64,
    user_id: &str,
    device_id: Option<&str>,
    now: UnixMillis,
    events: &mut Vec<Event>,
    changed: &mut Vec<(String, UnixMillis)>,
) -> Result<Option<FactorView>, ServerError> {
    let row = sqlx::query(
        "UPDATE factors SET status = 'verified', verified_at_ms = COALESCE(verified_at_ms, $1), \
         totp_last_step = $2, failed_attempts = 0, locked_until_ms = NULL \
         WHERE id = $3 AND status <> 'revoked' AND (totp_last_step IS NULL OR totp_last_step < $4) \
         RETURNING verified_at_ms",
    )
    .bind(now.0)
    .bind(step)
    .bind(factor_id)
    .bind(step)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let verified_at_ms: i64 = row.get(0);
    if verified_at_ms == now.0 {
        let how = serde_json::json!({ "kind": "totp", "how": "a current code from the authenticator app" });
        let event = Event::new(now, user_id, Kind::FactorVerified).factor(factor_id).detail(how);
        events.push(match device_id {
            Some(d) => event.device(d),
            None => event,
        });
        changed.push((user_id.to_string(), now));
    }
    Ok(Some(FactorView {
        id: factor_id.to_string(),
        kind: FactorKind::Totp.wire().into(),
        tier: FactorKind::Totp.tier().wire().into(),
        verified_at_ms,
        aaguid: None,
        attested: false,
        model: None,
        certification: None,
    }))
}
