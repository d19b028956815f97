//! Statements for recovery after device loss: sign-in with a recovery code, the user's
//! account as the recovery session sees it, revocations. Each change writes its audit event
//! in the same transaction.

use lastmile_core::clock::UnixMillis;
use lastmile_proto::api::{AccountDevice, AccountFactor, DeviceClaims};
use sqlx::{AnyPool, Row};

use super::audit::{self, Event, Kind};
use crate::ServerError;
use crate::db::{WriteTx, begin_write};
use crate::secrets::new_id;

/// The user's current recovery-code set with its unused codes.
#[derive(Debug, Clone)]
pub struct RecoverySet {
    pub factor_id: String,
    pub locked_until_ms: Option<i64>,
    /// `(code id, argon2id PHC string)` of each unused code.
    pub unused: Vec<(String, String)>,
}

pub async fn current_recovery_set(pool: &AnyPool, user_id: &str) -> Result<Option<RecoverySet>, ServerError> {
    let Some(set) = sqlx::query(
        "SELECT id, locked_until_ms FROM factors WHERE user_id = $1 AND kind = 'recovery_codes' AND status <> 'revoked' \
         ORDER BY created_at_ms DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let factor_id: String = set.get(0);
    let unused = sqlx::query("SELECT id, code_hash FROM recovery_codes WHERE factor_id = $1 AND used_at_ms IS NULL")
        .bind(&factor_id)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    Ok(Some(RecoverySet { factor_id, locked_until_ms: set.get(1), unused }))
}

/// A sign-in that already succeeded, found by the client's attempt key.
#[derive(Debug, Clone)]
pub struct PastSignIn {
    pub user_id: String,
    pub device_id: String,
    pub code_hash: String,
    pub expires_at_ms: i64,
}

pub async fn sign_in_by_attempt(pool: &AnyPool, attempt_hash: &str) -> Result<Option<PastSignIn>, ServerError> {
    let row = sqlx::query(
        "SELECT s.user_id, s.device_id, c.code_hash, s.expires_at_ms FROM recovery_signins s \
         JOIN recovery_codes c ON c.id = s.code_id WHERE s.attempt_hash = $1",
    )
    .bind(attempt_hash)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| PastSignIn { user_id: r.get(0), device_id: r.get(1), code_hash: r.get(2), expires_at_ms: r.get(3) }))
}

/// Everything a successful sign-in writes.
#[derive(Debug, Clone)]
pub struct SignIn<'a> {
    pub user_id: &'a str,
    pub set_id: &'a str,
    pub code_id: &'a str,
    /// This device, when it is already joined for the same user: it gets the new token.
    pub existing_device: Option<&'a str>,
    pub claims: &'a DeviceClaims,
    /// The device's (new) public key; replacing it restarts the report sequence.
    pub public_key: Option<&'a str>,
    pub token_hash: &'a str,
    pub attempt_hash: &'a str,
    pub now: UnixMillis,
    pub session_until: UnixMillis,
}

/// Uses the code and opens the session, atomically. `None` when the code was used by a
/// concurrent request first (nothing is written then).
pub async fn complete_sign_in(pool: &AnyPool, s: &SignIn<'_>) -> Result<Option<(String, u32)>, ServerError> {
    let mut tx = begin_write(pool).await?;
    let used = sqlx::query("UPDATE recovery_codes SET used_at_ms = $1 WHERE id = $2 AND used_at_ms IS NULL")
        .bind(s.now.0)
        .bind(s.code_id)
        .execute(&mut *tx)
        .await?;
    if used.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(None);
    }
    let d = s.claims;
    let device_id = match s.existing_device {
        Some(id) => {
            sqlx::query(
                "UPDATE devices SET token_hash = $1, recovery_until_ms = $2, hostname = $3, os_name = $4, \
                 os_version = $5, arch = $6, app_version = $7 WHERE id = $8",
            )
            .bind(s.token_hash)
            .bind(s.session_until.0)
            .bind(&d.hostname)
            .bind(&d.os_name)
            .bind(&d.os_version)
            .bind(&d.arch)
            .bind(&d.app_version)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            id.to_string()
        }
        None => {
            let id = new_id("dev");
            sqlx::query(
                "INSERT INTO devices (id, user_id, token_hash, hostname, os_name, os_version, arch, app_version, \
                 created_at_ms, recovery_until_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&id)
            .bind(s.user_id)
            .bind(s.token_hash)
            .bind(&d.hostname)
            .bind(&d.os_name)
            .bind(&d.os_version)
            .bind(&d.arch)
            .bind(&d.app_version)
            .bind(s.now.0)
            .bind(s.session_until.0)
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    set_device_key(&mut tx, &device_id, s.public_key).await?;
    sqlx::query(
        "INSERT INTO recovery_signins (id, user_id, device_id, code_id, attempt_hash, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id("rsi"))
    .bind(s.user_id)
    .bind(&device_id)
    .bind(s.code_id)
    .bind(s.attempt_hash)
    .bind(s.now.0)
    .bind(s.session_until.0)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE factors SET failed_attempts = 0, locked_until_ms = NULL WHERE id = $1")
        .bind(s.set_id)
        .execute(&mut *tx)
        .await?;
    let left: i64 = sqlx::query("SELECT COUNT(*) FROM recovery_codes WHERE factor_id = $1 AND used_at_ms IS NULL")
        .bind(s.set_id)
        .fetch_one(&mut *tx)
        .await?
        .get(0);
    let left = u32::try_from(left).unwrap_or(0);
    audit::append(
        &mut tx,
        Event::new(s.now, s.user_id, Kind::RecoverySignIn).device(&device_id).factor(s.set_id).detail(
            serde_json::json!({
                "hostname": d.hostname,
                "new_device": s.existing_device.is_none(),
                "codes_left": left,
                "session_until_ms": s.session_until.0,
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Some((device_id, left)))
}

/// Binds a (new) public key to a device; its report sequence starts again.
async fn set_device_key(tx: &mut WriteTx, device_id: &str, key: Option<&str>) -> Result<(), ServerError> {
    if let Some(key) = key {
        sqlx::query("UPDATE devices SET public_key = $1, last_sequence = 0 WHERE id = $2")
            .bind(key)
            .bind(device_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Answers a retry of a sign-in that succeeded: the device gets a new token (the lost
/// answer held the old one). `false` when the device has been revoked since.
pub async fn resume_sign_in(
    pool: &AnyPool,
    past: &PastSignIn,
    token_hash: &str,
    public_key: Option<&str>,
    now: UnixMillis,
) -> Result<bool, ServerError> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query("UPDATE devices SET token_hash = $1 WHERE id = $2 AND revoked_at_ms IS NULL")
        .bind(token_hash)
        .bind(&past.device_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    set_device_key(&mut tx, &past.device_id, public_key).await?;
    audit::append(&mut tx, Event::new(now, &past.user_id, Kind::RecoverySignInResumed).device(&past.device_id)).await?;
    tx.commit().await?;
    Ok(true)
}

/// Codes left in a set.
pub async fn codes_left(pool: &AnyPool, set_id: &str) -> Result<u32, ServerError> {
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM recovery_codes WHERE factor_id = $1 AND used_at_ms IS NULL")
        .bind(set_id)
        .fetch_one(pool)
        .await?
        .get(0);
    Ok(u32::try_from(n).unwrap_or(0))
}

/// The user's factors that are not revoked, oldest first.
pub async fn account_factors(pool: &AnyPool, user_id: &str) -> Result<Vec<AccountFactor>, ServerError> {
    let rows = sqlx::query(
        "SELECT f.id, f.kind, f.status, f.created_at_ms, f.verified_at_ms, d.hostname, \
         (SELECT COUNT(*) FROM recovery_codes c WHERE c.factor_id = f.id AND c.used_at_ms IS NULL) \
         FROM factors f LEFT JOIN devices d ON d.id = f.device_id \
         WHERE f.user_id = $1 AND f.status <> 'revoked' ORDER BY f.created_at_ms, f.id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let kind: String = r.get(1);
            let tier = super::kind_tier(&kind)?;
            let left: i64 = r.get(6);
            Ok(AccountFactor {
                id: r.get(0),
                codes_left: (kind == "recovery_codes").then(|| u32::try_from(left).unwrap_or(0)),
                kind,
                tier: tier.into(),
                status: r.get(2),
                created_at_ms: r.get(3),
                verified_at_ms: r.get(4),
                enrolled_from: r.get(5),
            })
        })
        .collect()
}

/// The user's devices that are not revoked, oldest first.
pub async fn account_devices(pool: &AnyPool, user_id: &str, current: &str) -> Result<Vec<AccountDevice>, ServerError> {
    let rows = sqlx::query(
        "SELECT id, hostname, os_name, created_at_ms, last_report_at_ms FROM devices \
         WHERE user_id = $1 AND revoked_at_ms IS NULL ORDER BY created_at_ms, id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let id: String = r.get(0);
            AccountDevice {
                current: id == current,
                id,
                hostname: r.get(1),
                os_name: r.get(2),
                created_at_ms: r.get(3),
                last_report_at_ms: r.get(4),
            }
        })
        .collect())
}

/// Revokes one of the user's factors. `None`: the user has no such factor; `Some(false)`:
/// it was already revoked.
pub async fn revoke_factor(
    pool: &AnyPool,
    user_id: &str,
    factor_id: &str,
    by_device: &str,
    now: UnixMillis,
) -> Result<Option<bool>, ServerError> {
    let mut tx = begin_write(pool).await?;
    let Some(row) = sqlx::query("SELECT kind, status FROM factors WHERE id = $1 AND user_id = $2")
        .bind(factor_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
    else {
        tx.rollback().await?;
        return Ok(None);
    };
    let kind: String = row.get(0);
    let done = sqlx::query(
        "UPDATE factors SET status = 'revoked', revoked_at_ms = $1, totp_secret = NULL \
             WHERE id = $2 AND status <> 'revoked'",
    )
    .bind(now.0)
    .bind(factor_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        audit::append(&mut tx, Event::new(now, user_id, Kind::FactorRevoked).device(by_device).factor(factor_id).detail(serde_json::json!({ "kind": kind, "previous_status": row.get::<String, _>(1), "by": "recovery_session" })))
        .await?;
        super::compliance::refresh(&mut tx, user_id, now).await?;
    }
    tx.commit().await?;
    Ok(Some(done.rows_affected() == 1))
}

/// Revokes a device; its token stops working at once. With `owner`, only one of that
/// user's devices. `by` says who did it, for the audit log. `None`: no such device;
/// `Some(false)`: it was already revoked.
pub async fn revoke_device(
    pool: &AnyPool,
    device_id: &str,
    owner: Option<&str>,
    by: serde_json::Value,
    now: UnixMillis,
) -> Result<Option<bool>, ServerError> {
    let mut tx = begin_write(pool).await?;
    let Some(row) = sqlx::query("SELECT user_id, hostname FROM devices WHERE id = $1 AND ($2 IS NULL OR user_id = $2)")
        .bind(device_id)
        .bind(owner)
        .fetch_optional(&mut *tx)
        .await?
    else {
        tx.rollback().await?;
        return Ok(None);
    };
    let done = sqlx::query(
        "UPDATE devices SET revoked_at_ms = $1, recovery_until_ms = NULL WHERE id = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now.0)
    .bind(device_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        let user_id: String = row.get(0);
        audit::append(
            &mut tx,
            Event::new(now, &user_id, Kind::DeviceRevoked)
                .device(device_id)
                .detail(serde_json::json!({ "hostname": row.get::<String, _>(1), "by": by })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Some(done.rows_affected() == 1))
}

/// Ends the device's recovery session.
pub async fn end_session(pool: &AnyPool, user_id: &str, device_id: &str, now: UnixMillis) -> Result<(), ServerError> {
    let mut tx = begin_write(pool).await?;
    let done =
        sqlx::query("UPDATE devices SET recovery_until_ms = NULL WHERE id = $1 AND recovery_until_ms IS NOT NULL")
            .bind(device_id)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 1 {
        audit::append(&mut tx, Event::new(now, user_id, Kind::RecoverySessionEnded).device(device_id)).await?;
    }
    tx.commit().await?;
    Ok(())
}
