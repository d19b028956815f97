//! Statements of the audit log. Events are appended inside the transaction of the change
//! they record; each takes the next place in the hash chain by updating the chain's head
//! row first, which serialises writers on every backend (a row lock on PostgreSQL, the
//! write lock on SQLite), so two events can never take the same place. What an event's hash
//! covers is defined in [`lastmile_core::audit_chain`].

use lastmile_core::audit_chain::Link;
use lastmile_core::clock::UnixMillis;
use sqlx::{AnyConnection, AnyPool, Row};

use crate::ServerError;
use crate::db::WriteTx;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    DeviceJoined,
    DeviceRevoked,
    FactorVerified,
    FactorRevoked,
    RecoveryCodesIssued,
    RecoverySignIn,
    RecoverySignInResumed,
    RecoverySignInRefused,
    RecoveryLockedOut,
    RecoverySessionEnded,
    /// A device's report was refused: a bad signature, a replay, a reused id.
    ReportRefused,
    /// An administrator excused a user from the policy until a date.
    ExceptionGranted,
    /// A user moved to another policy group.
    GroupChanged,
    /// A user with a gap was sent a nudge (engagement webhook).
    Nudged,
    /// A device that joined without a key added one (its reports must be signed from now).
    DeviceKeyAdded,
    /// A person signed in to an OpenID Connect client with a factor (client, factor, amr).
    OidcSignIn,
    /// A sign-in to an OpenID Connect client was refused (client, why).
    OidcSignInRefused,
    /// A user was created by their first sign-in with the organisation's identity provider
    /// (just-in-time; provider, issuer, subject).
    UserCreated,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::DeviceJoined => "device.joined",
            Kind::DeviceRevoked => "device.revoked",
            Kind::FactorVerified => "factor.verified",
            Kind::FactorRevoked => "factor.revoked",
            Kind::RecoveryCodesIssued => "recovery_codes.issued",
            Kind::RecoverySignIn => "recovery.signed_in",
            Kind::RecoverySignInResumed => "recovery.sign_in_resumed",
            Kind::RecoverySignInRefused => "recovery.sign_in_refused",
            Kind::RecoveryLockedOut => "recovery.locked_out",
            Kind::RecoverySessionEnded => "recovery.session_ended",
            Kind::ReportRefused => "report.refused",
            Kind::ExceptionGranted => "policy.exception_granted",
            Kind::GroupChanged => "policy.group_changed",
            Kind::Nudged => "engagement.nudged",
            Kind::DeviceKeyAdded => "device.key_added",
            Kind::OidcSignIn => "oidc.signed_in",
            Kind::OidcSignInRefused => "oidc.sign_in_refused",
            Kind::UserCreated => "user.created",
        }
    }
}

/// One event about a user. The organisation is looked up from the user when it is written.
#[derive(Debug, Clone)]
pub struct Event {
    pub at: UnixMillis,
    pub user_id: String,
    /// The device that made the change (or the device changed, for device events).
    pub device_id: Option<String>,
    pub factor_id: Option<String>,
    pub kind: Kind,
    /// Extra facts as JSON (`{}` when none).
    pub detail: serde_json::Value,
}

impl Event {
    /// An event about a user; add the device, factor and details it concerns.
    pub fn new(at: UnixMillis, user_id: impl Into<String>, kind: Kind) -> Event {
        Event { at, user_id: user_id.into(), device_id: None, factor_id: None, kind, detail: serde_json::json!({}) }
    }
    pub fn device(self, id: impl Into<String>) -> Self {
        Event { device_id: Some(id.into()), ..self }
    }
    pub fn factor(self, id: impl Into<String>) -> Self {
        Event { factor_id: Some(id.into()), ..self }
    }
    pub fn detail(self, detail: serde_json::Value) -> Self {
        Event { detail, ..self }
    }
}

/// Appends an event inside the transaction that makes the change it records.
pub async fn append(tx: &mut WriteTx, ev: Event) -> Result<(), ServerError> {
    append_all(tx, std::slice::from_ref(&ev)).await
}

/// Appends events in order inside one transaction: the chain's head is moved once for all
/// of them (one statement to take their places, one to record the last hash), their users'
/// organisations are read in one query and the events written in one statement.
pub async fn append_all(tx: &mut WriteTx, events: &[Event]) -> Result<(), ServerError> {
    if events.is_empty() {
        return Ok(());
    }
    let conn: &mut AnyConnection = tx;
    let n = i64::try_from(events.len()).map_err(|_| ServerError::Internal("too many events".into()))?;
    let head = sqlx::query("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
        .bind(n)
        .fetch_one(&mut *conn)
        .await?;
    let (last_seq, mut prev): (i64, String) = (head.get(0), head.get(1));
    let mut users: Vec<&str> = events.iter().map(|e| e.user_id.as_str()).collect();
    users.sort_unstable();
    users.dedup();
    let sql = format!("SELECT id, org_id FROM users WHERE id IN ({})", super::list::in_list(users.len()));
    let orgs: std::collections::HashMap<String, String> = super::list::bind_all(sqlx::query(&sql), &users)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut rows = Vec::with_capacity(events.len());
    for (i, ev) in events.iter().enumerate() {
        let org_id = orgs
            .get(&ev.user_id)
            .ok_or_else(|| ServerError::Corrupt(format!("audit event for unknown user {}", ev.user_id)))?;
        let seq = last_seq - n + 1 + i as i64;
        let detail = ev.detail.to_string();
        let link = Link {
            seq,
            at_ms: ev.at.0,
            org_id,
            user_id: Some(&ev.user_id),
            device_id: ev.device_id.as_deref(),
            factor_id: ev.factor_id.as_deref(),
            kind: ev.kind.as_str(),
            detail: &detail,
        };
        let hash = link.hash(&prev);
        rows.push((ev, org_id.clone(), seq, detail, std::mem::replace(&mut prev, hash.clone()), hash));
    }
    let sql = format!(
        "INSERT INTO audit_events (at_ms, org_id, user_id, device_id, factor_id, kind, detail, seq, prev_hash, hash) \
         VALUES {}",
        super::list::rows(rows.len(), 10)
    );
    let mut insert = sqlx::query(&sql);
    for (ev, org_id, seq, detail, prev_hash, hash) in &rows {
        insert = insert
            .bind(ev.at.0)
            .bind(org_id)
            .bind(&ev.user_id)
            .bind(&ev.device_id)
            .bind(&ev.factor_id)
            .bind(ev.kind.as_str())
            .bind(detail)
            .bind(seq)
            .bind(prev_hash)
            .bind(hash);
    }
    insert.execute(&mut *conn).await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&prev).execute(&mut *conn).await?;
    Ok(())
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stored {
    pub id: i64,
    /// Place in the hash chain (`None` for events from before the chain).
    pub seq: Option<i64>,
    pub at_ms: i64,
    pub org_id: String,
    pub user_id: Option<String>,
    pub device_id: Option<String>,
    pub factor_id: Option<String>,
    pub kind: String,
    pub detail: serde_json::Value,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

impl Stored {
    /// The fields the chain covers (the details as the JSON text that was hashed).
    pub fn link<'a>(&'a self, detail: &'a str) -> Option<Link<'a>> {
        Some(Link {
            seq: self.seq?,
            at_ms: self.at_ms,
            org_id: &self.org_id,
            user_id: self.user_id.as_deref(),
            device_id: self.device_id.as_deref(),
            factor_id: self.factor_id.as_deref(),
            kind: &self.kind,
            detail,
        })
    }
}

const COLUMNS: &str = "id, at_ms, org_id, user_id, device_id, factor_id, kind, detail, seq, prev_hash, hash";

/// A user's events in order (all events when `user_id` is `None`).
pub async fn list(pool: &AnyPool, user_id: Option<&str>) -> Result<Vec<Stored>, ServerError> {
    let rows =
        sqlx::query(&format!("SELECT {COLUMNS} FROM audit_events WHERE ($1 IS NULL OR user_id = $1) ORDER BY seq, id"))
            .bind(user_id)
            .fetch_all(pool)
            .await?;
    rows.into_iter().map(|r| stored(r, true).map(|(s, _)| s)).collect()
}

/// Events with `from_ms <= at_ms < to_ms`, in chain order (for export).
pub async fn range(pool: &AnyPool, from_ms: i64, to_ms: i64) -> Result<Vec<Stored>, ServerError> {
    let rows =
        sqlx::query(&format!("SELECT {COLUMNS} FROM audit_events WHERE at_ms >= $1 AND at_ms < $2 ORDER BY seq, id"))
            .bind(from_ms)
            .bind(to_ms)
            .fetch_all(pool)
            .await?;
    rows.into_iter().map(|r| stored(r, true).map(|(s, _)| s)).collect()
}

/// What checking the chain reads: the chained events in order with their details as the
/// stored text, the number of events from before the chain, and the head (seq, hash).
pub struct ChainRows {
    pub events: Vec<(Stored, String)>,
    pub unchained: i64,
    pub head: (i64, String),
}

impl std::fmt::Debug for ChainRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainRows").field("events", &self.events.len()).field("head", &self.head).finish()
    }
}

/// The chain's head: the last seq and hash written (0 and the genesis hash when empty).
pub async fn head(pool: &AnyPool) -> Result<(i64, String), ServerError> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(pool).await?;
    Ok((row.get(0), row.get(1)))
}

pub async fn chain(pool: &AnyPool) -> Result<ChainRows, ServerError> {
    let unchained: i64 =
        sqlx::query("SELECT COUNT(*) FROM audit_events WHERE seq IS NULL").fetch_one(pool).await?.get(0);
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM audit_events WHERE seq IS NOT NULL ORDER BY seq"))
        .fetch_all(pool)
        .await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(pool).await?;
    // Details that are not JSON (changed by hand) are kept as text: the chain check finds them.
    let events = rows.into_iter().map(|r| stored(r, false)).collect::<Result<_, _>>()?;
    Ok(ChainRows { events, unchained, head: (head.get(0), head.get(1)) })
}

/// A row, and its details as the stored text. `strict`: details that are not JSON are an error.
fn stored(r: sqlx::any::AnyRow, strict: bool) -> Result<(Stored, String), ServerError> {
    let detail_text: String = r.get(7);
    let detail = match serde_json::from_str(&detail_text) {
        Ok(v) => v,
        Err(e) if strict => return Err(ServerError::Corrupt(format!("audit event detail: {e}"))),
        Err(_) => serde_json::Value::String(detail_text.clone()),
    };
    let s = Stored {
        id: r.get(0),
        seq: r.get(8),
        at_ms: r.get(1),
        org_id: r.get(2),
        user_id: r.get(3),
        device_id: r.get(4),
        factor_id: r.get(5),
        kind: r.get(6),
        detail,
        prev_hash: r.get(9),
        hash: r.get(10),
    };
    Ok((s, detail_text))
}
