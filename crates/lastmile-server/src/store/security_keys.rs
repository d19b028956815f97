//! Statements for security keys: WebAuthn ceremonies (single use, expiring) and the
//! credentials of registered keys.

use lastmile_core::clock::UnixMillis;
use sqlx::{AnyPool, Row};

use crate::ServerError;
use crate::db::Autocommit;
use crate::secrets::new_id;
use crate::store::Actor;
use crate::webauthn::KeyFacts;

/// A ceremony's kind.
pub const REGISTER: &str = "register";
pub const VERIFY: &str = "verify";

/// A ceremony to store (a write of the queue: [`crate::store::writes::AuditedWrite::StartCeremony`]).
#[derive(Debug, Clone)]
pub struct NewCeremony {
    pub id: String,
    pub user_id: String,
    pub device_id: String,
    pub kind: &'static str,
    pub factor_id: Option<String>,
    pub state: String,
    pub now: UnixMillis,
    pub expires: UnixMillis,
}

impl NewCeremony {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        actor: Actor<'_>,
        kind: &'static str,
        factor_id: Option<&str>,
        state: &str,
        now: UnixMillis,
        expires: UnixMillis,
    ) -> NewCeremony {
        NewCeremony {
            id: new_id("cer"),
            user_id: actor.user_id.to_string(),
            device_id: actor.device_id.to_string(),
            kind,
            factor_id: factor_id.map(str::to_string),
            state: state.to_string(),
            now,
            expires,
        }
    }
}

pub(crate) async fn start_ceremony(conn: &mut sqlx::AnyConnection, c: &NewCeremony) -> Result<(), ServerError> {
    sqlx::query(
        "INSERT INTO webauthn_ceremonies (id, user_id, device_id, kind, factor_id, state, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&c.id)
    .bind(&c.user_id)
    .bind(&c.device_id)
    .bind(c.kind)
    .bind(&c.factor_id)
    .bind(&c.state)
    .bind(c.now.0)
    .bind(c.expires.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// A ceremony taken for finishing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ceremony {
    pub factor_id: Option<String>,
    pub state: String,
}

/// Takes a ceremony of this user and kind: deleted whatever happens next, so that an
/// answer can be tried once. `None` when unknown, someone else's, already taken or expired.
pub(crate) async fn take_ceremony(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    user_id: &str,
    kind: &str,
    now: UnixMillis,
) -> Result<Option<Ceremony>, ServerError> {
    let row = sqlx::query(
        "DELETE FROM webauthn_ceremonies WHERE id = $1 AND user_id = $2 AND kind = $3 \
         RETURNING factor_id, state, expires_at_ms",
    )
    .bind(id)
    .bind(user_id)
    .bind(kind)
    .fetch_optional(conn)
    .await?;
    Ok(row.filter(|r| r.get::<i64, _>(2) > now.0).map(|r| Ceremony { factor_id: r.get(0), state: r.get(1) }))
}

/// Removes ceremonies that can no longer be finished.
pub async fn purge_ceremonies(pool: &AnyPool, now: UnixMillis) -> Result<u64, ServerError> {
    let purge = sqlx::query("DELETE FROM webauthn_ceremonies WHERE expires_at_ms <= $1").bind(now.0);
    Ok(Autocommit::execute(pool, purge).await?.rows_affected())
}

/// Credential ids (base64url) of the user's security keys that are not revoked: the
/// authenticator is told to refuse making a second credential on the same key.
pub async fn user_credentials(pool: &AnyPool, user_id: &str) -> Result<Vec<String>, ServerError> {
    let rows = sqlx::query(
        "SELECT credential_id FROM factors WHERE user_id = $1 AND kind = 'security_key' AND status <> 'revoked' \
         AND credential_id IS NOT NULL",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.get(0)).collect())
}

/// Stores a registered key as a pending factor. `None` when the credential is already
/// registered (to anyone).
pub(crate) async fn create_security_key(
    conn: &mut sqlx::AnyConnection,
    actor: Actor<'_>,
    credential: &str,
    facts: &KeyFacts,
    now: UnixMillis,
) -> Result<Option<String>, ServerError> {
    let id = new_id("fac");
    let inserted = sqlx::query(
        "INSERT INTO factors (id, user_id, device_id, kind, status, created_at_ms, credential_id, credential, aaguid, \
         attestation_format, attestation_trusted, backup_eligible, backed_up, model, certification, org_id) \
         VALUES ($1, $2, $3, 'security_key', 'pending', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
         (SELECT org_id FROM users WHERE id = $2)) ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(actor.user_id)
    .bind(actor.device_id)
    .bind(now.0)
    .bind(&facts.credential_id)
    .bind(credential)
    .bind(facts.aaguid.as_deref())
    .bind(&facts.attestation_format)
    .bind(i64::from(facts.attestation_trusted))
    .bind(i64::from(facts.backup_eligible))
    .bind(i64::from(facts.backed_up))
    .bind(facts.model.as_deref())
    .bind(facts.certification.as_deref())
    .execute(conn)
    .await?;
    // Inside the writer's transaction a unique violation would end the transaction: the
    // conflict (the credential registered before, to anyone) is a row not inserted.
    Ok((inserted.rows_affected() == 1).then_some(id))
}

/// A security key factor as the verifier needs it.
#[derive(Debug, Clone)]
pub struct KeyFactor {
    pub id: String,
    pub user_id: String,
    pub status: String,
    pub credential: String,
    pub aaguid: Option<String>,
    /// Whether a trusted attestation proved the model.
    pub attested: bool,
    pub model: Option<String>,
    pub certification: Option<String>,
}

/// The columns [`key_from_row`] reads, in order (of `factors`, aliased `f`).
pub(crate) const KEY_COLUMNS: &str =
    "f.id, f.user_id, f.status, f.credential, f.aaguid, f.model, f.certification, f.attestation_trusted";

pub(crate) fn key_from_row(r: &sqlx::any::AnyRow) -> KeyFactor {
    KeyFactor {
        id: r.get(0),
        user_id: r.get(1),
        status: r.get(2),
        credential: r.get::<Option<String>, _>(3).unwrap_or_default(),
        aaguid: r.get(4),
        model: r.get(5),
        certification: r.get(6),
        attested: r.get::<Option<i64>, _>(7).unwrap_or(0) != 0,
    }
}

pub async fn security_key(pool: &AnyPool, id: &str) -> Result<Option<KeyFactor>, ServerError> {
    let row = sqlx::query(&format!("SELECT {KEY_COLUMNS} FROM factors f WHERE f.id = $1 AND f.kind = 'security_key'"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.as_ref().map(key_from_row))
}
