//! Writes that record audit events, run together (group commit). Each is one or two small
//! statements of its own; what they share is the costly part: the transaction, the audit
//! chain's head (moved once for the whole batch), the users' organisations (one query) and
//! the compliance refresh of the users whose factors changed (a fixed number of statements
//! for any number of users). [`crate::batch`] queues them from concurrent requests; a batch
//! that fails is run again write by write, so one bad write fails only its own request.

use lastmile_core::clock::UnixMillis;
use lastmile_core::factor::FactorKind;
use lastmile_proto::api::FactorView;
use sqlx::{AnyPool, Row};

use super::audit::{self, Event, Kind};
use super::compliance;
use super::security_keys::KeyFactor;
use crate::ServerError;
use crate::db::{WriteTx, begin_write};

/// One write, with what its audit event needs.
#[derive(Debug, Clone)]
pub enum AuditedWrite {
    /// A TOTP code the verifier accepted: its step is stored (a later use of it, or of an
    /// older one, is refused by the condition on the stored step, even when two race), and
    /// the first accepted code verifies the factor.
    TotpStep { factor_id: String, step: i64, user_id: String, device_id: String, now: UnixMillis },
    /// One code of a recovery-code set typed back: the set counts (the first time).
    RecoveryConfirmed { factor_id: String, user_id: String, device_id: String, now: UnixMillis },
    /// A successful assertion by a security key: its updated credential (signature counter),
    /// and the first one verifies the factor.
    Assertion { key: KeyFactor, credential: String, user_id: String, device_id: String, now: UnixMillis },
    /// An event that goes with no other change (a refused report, a refused sign-in).
    Event(Event),
}

/// What each write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// The factor as verified; `None` when the step was already used (a replay).
    TotpStep(Option<FactorView>),
    RecoveryConfirmed,
    /// When the key was verified; `None` when the factor was revoked meanwhile.
    Assertion(Option<i64>),
    Event,
}

/// Runs `writes` in one transaction and answers each, in order.
pub async fn run(pool: &AnyPool, writes: &[AuditedWrite]) -> Result<Vec<Written>, ServerError> {
    let mut tx = begin_write(pool).await?;
    let mut events = Vec::new();
    let mut changed: Vec<(&str, UnixMillis)> = Vec::new();
    let mut out = Vec::with_capacity(writes.len());
    for w in writes {
        out.push(apply(&mut tx, w, &mut events, &mut changed).await?);
    }
    audit::append_all(&mut tx, &events).await?;
    if let Some(now) = changed.iter().map(|(_, at)| *at).max() {
        let users: Vec<&str> = changed.iter().map(|(u, _)| *u).collect();
        compliance::refresh_all(&mut tx, &users, now).await?;
    }
    tx.commit().await?;
    Ok(out)
}

/// One write's statements; its event and its user (when a factor changed) are collected.
async fn apply<'w>(
    tx: &mut WriteTx,
    write: &'w AuditedWrite,
    events: &mut Vec<Event>,
    changed: &mut Vec<(&'w str, UnixMillis)>,
) -> Result<Written, ServerError> {
    let verified = |factor_id: &str, user_id: &str, device_id: &str, now, detail| {
        Event::new(now, user_id, Kind::FactorVerified).device(device_id).factor(factor_id).detail(detail)
    };
    match write {
        AuditedWrite::TotpStep { factor_id, step, user_id, device_id, now } => {
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
            .fetch_optional(&mut ***tx)
            .await?;
            let Some(row) = row else { return Ok(Written::TotpStep(None)) };
            let verified_at_ms: i64 = row.get(0);
            if verified_at_ms == now.0 {
                let how = serde_json::json!({ "kind": "totp", "how": "a current code from the authenticator app" });
                events.push(verified(factor_id, user_id, device_id, *now, how));
                changed.push((user_id, *now));
            }
            Ok(Written::TotpStep(Some(FactorView {
                id: factor_id.clone(),
                kind: FactorKind::Totp.wire().into(),
                tier: FactorKind::Totp.tier().wire().into(),
                verified_at_ms,
                aaguid: None,
                model: None,
                certification: None,
            })))
        }
        AuditedWrite::RecoveryConfirmed { factor_id, user_id, device_id, now } => {
            let row = sqlx::query(
                "UPDATE factors SET status = 'verified', verified_at_ms = COALESCE(verified_at_ms, $1), \
                 failed_attempts = 0, locked_until_ms = NULL WHERE id = $2 AND status <> 'revoked' \
                 RETURNING verified_at_ms",
            )
            .bind(now.0)
            .bind(factor_id)
            .fetch_optional(&mut ***tx)
            .await?;
            if row.is_some_and(|r| r.get::<i64, _>(0) == now.0) {
                let how = serde_json::json!({ "kind": "recovery_codes", "how": "one code typed back" });
                events.push(verified(factor_id, user_id, device_id, *now, how));
                changed.push((user_id, *now));
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
            .fetch_optional(&mut ***tx)
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
                changed.push((user_id, *now));
            }
            Ok(Written::Assertion(Some(verified_at)))
        }
        AuditedWrite::Event(event) => {
            events.push(event.clone());
            Ok(Written::Event)
        }
    }
}

/// Runs one write alone (what the request queue does for a batch of one).
pub async fn run_one(pool: &AnyPool, write: AuditedWrite) -> Result<Written, ServerError> {
    run(pool, std::slice::from_ref(&write))
        .await?
        .pop()
        .ok_or_else(|| ServerError::Internal("a write without an answer".into()))
}
