//! The audit log: every change of a user's factors and devices, appended in the same
//! transaction as the change where there is one. Events name ids, never secrets.

use lastmile_core::clock::UnixMillis;

use crate::ServerError;

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
        }
    }
}

/// One event about a user. The organisation is looked up from the user in the same statement.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub at: UnixMillis,
    pub user_id: &'a str,
    /// The device that made the change (or the device changed, for device events).
    pub device_id: Option<&'a str>,
    pub factor_id: Option<&'a str>,
    pub kind: Kind,
    /// Extra facts as JSON (`{}` when none).
    pub detail: serde_json::Value,
}

/// Appends an event, on the pool or inside a transaction.
pub async fn record<'e, E>(exec: E, ev: &Event<'_>) -> Result<(), ServerError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO audit_events (at_ms, org_id, user_id, device_id, factor_id, kind, detail) \
         SELECT $1, org_id, id, $2, $3, $4, $5 FROM users WHERE id = $6",
    )
    .bind(ev.at.0)
    .bind(ev.device_id)
    .bind(ev.factor_id)
    .bind(ev.kind.as_str())
    .bind(ev.detail.to_string())
    .bind(ev.user_id)
    .execute(exec)
    .await?;
    Ok(())
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stored {
    pub id: i64,
    pub at_ms: i64,
    pub org_id: String,
    pub user_id: Option<String>,
    pub device_id: Option<String>,
    pub factor_id: Option<String>,
    pub kind: String,
    pub detail: serde_json::Value,
}

/// A user's events in order (all events when `user_id` is `None`).
pub async fn list(pool: &sqlx::AnyPool, user_id: Option<&str>) -> Result<Vec<Stored>, ServerError> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT id, at_ms, org_id, user_id, device_id, factor_id, kind, detail FROM audit_events \
         WHERE ($1 IS NULL OR user_id = $1) ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let detail: String = r.get(7);
            Ok(Stored {
                id: r.get(0),
                at_ms: r.get(1),
                org_id: r.get(2),
                user_id: r.get(3),
                device_id: r.get(4),
                factor_id: r.get(5),
                kind: r.get(6),
                detail: serde_json::from_str(&detail)
                    .map_err(|e| ServerError::Corrupt(format!("audit event detail: {e}")))?,
            })
        })
        .collect()
}
