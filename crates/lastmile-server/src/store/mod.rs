//! Every SQL statement the server runs. Functions take the pool (or a transaction) and
//! plain values; they know nothing about HTTP.

use lastmile_core::clock::UnixMillis;
use lastmile_core::factor::FactorKind;
use lastmile_proto::api::{DeviceClaims, PostureReport, PostureView};
use sqlx::{AnyPool, Row};

use crate::ServerError;
use crate::db::{Autocommit, begin_write};
use crate::seal::SealKeys;
use crate::secrets::new_id;
use audit::{Event, Kind};

pub mod audit;
pub mod compliance;
pub mod dashboard;
pub mod engage;
mod list;
pub mod oidc;
pub mod policy;
mod recovery;
mod reports;
pub mod security_keys;
pub mod sso;
pub mod writes;
pub use recovery::*;
pub use reports::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    pub id: String,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub user_id: String,
    pub revoked_at_ms: Option<i64>,
    /// Until when this device holds a recovery session (server clock), if it does.
    pub recovery_until_ms: Option<i64>,
    /// Its public key: reports must be signed with the private half. `None` for devices that
    /// joined without one (their reports are stored as unsigned).
    pub public_key: Option<String>,
}

/// The tier's wire name of a stored factor kind.
fn kind_tier(kind: &str) -> Result<&'static str, ServerError> {
    FactorKind::from_wire(kind)
        .map(|k| k.tier().wire())
        .ok_or_else(|| ServerError::Corrupt(format!("unknown factor kind {kind:?}")))
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

pub async fn create_org(pool: &AnyPool, slug: &str, name: &str, now: UnixMillis) -> Result<Org, ServerError> {
    let id = new_id("org");
    let insert = sqlx::query("INSERT INTO organisations (id, slug, name, created_at_ms) VALUES ($1, $2, $3, $4)")
        .bind(&id)
        .bind(slug)
        .bind(name)
        .bind(now.0);
    Autocommit::execute(pool, insert).await.map_err(|e| match e {
        ServerError::Database(d) if is_unique_violation(&d) => ServerError::Conflict(format!("organisation {slug:?}")),
        e => e,
    })?;
    Ok(Org { id, slug: slug.into(), name: name.into() })
}

pub async fn org_by_slug(pool: &AnyPool, slug: &str) -> Result<Option<Org>, ServerError> {
    let row =
        sqlx::query("SELECT id, slug, name FROM organisations WHERE slug = $1").bind(slug).fetch_optional(pool).await?;
    Ok(row.map(|r| Org { id: r.get(0), slug: r.get(1), name: r.get(2) }))
}

/// The organisation, when the server hosts exactly one.
pub async fn sole_org(pool: &AnyPool) -> Result<Option<Org>, ServerError> {
    let rows = sqlx::query("SELECT id, slug, name FROM organisations LIMIT 2").fetch_all(pool).await?;
    Ok(match rows.as_slice() {
        [r] => Some(Org { id: r.get(0), slug: r.get(1), name: r.get(2) }),
        _ => None,
    })
}

pub async fn org_by_id(pool: &AnyPool, id: &str) -> Result<Org, ServerError> {
    let r = sqlx::query("SELECT id, slug, name FROM organisations WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| ServerError::Corrupt(format!("organisation {id} is referenced but missing")))?;
    Ok(Org { id: r.get(0), slug: r.get(1), name: r.get(2) })
}

pub async fn create_user(
    pool: &AnyPool,
    org: &Org,
    email: &str,
    display_name: &str,
    now: UnixMillis,
) -> Result<User, ServerError> {
    let id = new_id("usr");
    let mut tx = begin_write(pool).await?;
    sqlx::query("INSERT INTO users (id, org_id, email, display_name, created_at_ms) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(&org.id)
        .bind(email)
        .bind(display_name)
        .bind(now.0)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                ServerError::Conflict(format!("user {email:?} in {:?}", org.slug))
            } else {
                e.into()
            }
        })?;
    // Every user has a compliance row from the start (a gap since now, unless the policy is
    // somehow met with no factor).
    compliance::refresh(&mut tx, &id, now).await?;
    tx.commit().await?;
    Ok(User { id, org_id: org.id.clone(), email: email.into(), display_name: display_name.into() })
}

pub async fn user_by_email(pool: &AnyPool, org: &Org, email: &str) -> Result<Option<User>, ServerError> {
    let row = sqlx::query("SELECT id, org_id, email, display_name FROM users WHERE org_id = $1 AND email = $2")
        .bind(&org.id)
        .bind(email)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| User { id: r.get(0), org_id: r.get(1), email: r.get(2), display_name: r.get(3) }))
}

pub async fn user_by_id(pool: &AnyPool, id: &str) -> Result<User, ServerError> {
    let r = sqlx::query("SELECT id, org_id, email, display_name FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| ServerError::Corrupt(format!("user {id} is referenced but missing")))?;
    Ok(User { id: r.get(0), org_id: r.get(1), email: r.get(2), display_name: r.get(3) })
}

/// A user and their organisation, in one query.
pub async fn user_with_org(pool: &AnyPool, user_id: &str) -> Result<(User, Org), ServerError> {
    let r = sqlx::query(
        "SELECT u.id, u.org_id, u.email, u.display_name, o.slug, o.name \
         FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| ServerError::Corrupt(format!("user {user_id} is referenced but missing")))?;
    let org_id: String = r.get(1);
    Ok((
        User { id: r.get(0), org_id: org_id.clone(), email: r.get(2), display_name: r.get(3) },
        Org { id: org_id, slug: r.get(4), name: r.get(5) },
    ))
}

pub async fn create_invite(
    pool: &AnyPool,
    user: &User,
    code_hash: &str,
    now: UnixMillis,
    expires: UnixMillis,
) -> Result<String, ServerError> {
    let id = new_id("inv");
    let insert = sqlx::query(
        "INSERT INTO invites (id, user_id, code_hash, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(&user.id)
    .bind(code_hash)
    .bind(now.0)
    .bind(expires.0);
    Autocommit::execute(pool, insert).await?;
    Ok(id)
}

/// Why an invite could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteRefusal {
    Unknown,
    Expired,
    Used,
}

/// Consumes the invite and creates the device, atomically: either both happen or neither.
pub async fn join_with_invite(
    pool: &AnyPool,
    code_hash: &str,
    claims: &DeviceClaims,
    public_key: Option<&str>,
    token_hash: &str,
    now: UnixMillis,
) -> Result<Result<(Device, User, Org), InviteRefusal>, ServerError> {
    let device_id = new_id("dev");
    let mut tx = begin_write(pool).await?;
    let claimed = sqlx::query(
        "UPDATE invites SET used_at_ms = $1, used_by_device = $2 \
         WHERE code_hash = $3 AND used_at_ms IS NULL AND expires_at_ms > $4 RETURNING user_id",
    )
    .bind(now.0)
    .bind(&device_id)
    .bind(code_hash)
    .bind(now.0)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = claimed else {
        let why = sqlx::query("SELECT used_at_ms, expires_at_ms FROM invites WHERE code_hash = $1")
            .bind(code_hash)
            .fetch_optional(&mut *tx)
            .await?;
        tx.rollback().await?;
        return Ok(Err(match why {
            None => InviteRefusal::Unknown,
            Some(r) if r.get::<Option<i64>, _>(0).is_some() => InviteRefusal::Used,
            Some(_) => InviteRefusal::Expired,
        }));
    };
    let user_id: String = row.get(0);
    insert_device(&mut tx, &device_id, &user_id, token_hash, claims, public_key, now).await?;
    audit::append(
        &mut tx,
        Event::new(now, &user_id, Kind::DeviceJoined).device(&device_id).detail(serde_json::json!({
            "hostname": claims.hostname, "os_name": claims.os_name, "via": "invite", "device_key": public_key.is_some(),
        })),
    )
    .await?;
    tx.commit().await?;
    let user = user_by_id(pool, &user_id).await?;
    let org = org_by_id(pool, &user.org_id).await?;
    let public_key = public_key.map(str::to_string);
    Ok(Ok((Device { id: device_id, user_id, revoked_at_ms: None, recovery_until_ms: None, public_key }, user, org)))
}

/// A joined device's row (in the transaction of its join: an invite spent, or a sign-in).
pub(crate) async fn insert_device(
    tx: &mut crate::db::WriteTx,
    device_id: &str,
    user_id: &str,
    token_hash: &str,
    claims: &DeviceClaims,
    public_key: Option<&str>,
    now: UnixMillis,
) -> Result<(), ServerError> {
    sqlx::query(
        "INSERT INTO devices (id, user_id, token_hash, hostname, os_name, os_version, arch, app_version, created_at_ms, \
         public_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(device_id)
    .bind(user_id)
    .bind(token_hash)
    .bind(&claims.hostname)
    .bind(&claims.os_name)
    .bind(&claims.os_version)
    .bind(&claims.arch)
    .bind(&claims.app_version)
    .bind(now.0)
    .bind(public_key)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn device_by_token_hash(pool: &AnyPool, token_hash: &str) -> Result<Option<Device>, ServerError> {
    Ok(devices_by_token_hashes(pool, &[token_hash]).await?.pop().flatten())
}

/// Devices by the hashes of their tokens, in the order asked (one query for many).
pub async fn devices_by_token_hashes<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    hashes: &[&str],
) -> Result<Vec<Option<Device>>, ServerError> {
    let sql = format!(
        "SELECT token_hash, id, user_id, revoked_at_ms, recovery_until_ms, public_key FROM devices \
         WHERE token_hash IN ({})",
        list::in_list(hashes.len())
    );
    let rows = list::bind_all(sqlx::query(&sql), hashes).fetch_all(db).await?;
    let found: std::collections::HashMap<String, Device> = rows
        .into_iter()
        .map(|r| {
            let device = Device {
                id: r.get(1),
                user_id: r.get(2),
                revoked_at_ms: r.get(3),
                recovery_until_ms: r.get(4),
                public_key: r.get(5),
            };
            (r.get(0), device)
        })
        .collect();
    Ok(hashes.iter().map(|h| found.get(*h).cloned()).collect())
}

/// What the server believes about a device and its user (see [`answer`]).
pub async fn posture_view(pool: &AnyPool, device: &Device, now: UnixMillis) -> Result<PostureView, ServerError> {
    let count: i64 =
        sqlx::query("SELECT report_count FROM devices WHERE id = $1").bind(&device.id).fetch_one(pool).await?.get(0);
    let last =
        sqlx::query("SELECT r.received_at_ms, r.body FROM devices d JOIN posture_reports r ON r.id = d.last_report_row WHERE d.id = $1")
            .bind(&device.id)
            .fetch_optional(pool)
            .await?;
    let last = match last {
        Some(r) => {
            let body: String = r.get(1);
            let claims: PostureReport = serde_json::from_str(&body)
                .map_err(|e| ServerError::Corrupt(format!("stored report of {}: {e}", device.id)))?;
            Some((r.get::<i64, _>(0), claims))
        }
        None => None,
    };
    answer(pool, &device.id, &device.user_id, now, count, last).await
}

/// A write that touches a page of the database, to find out whether writes work again
/// after they failed (see [`crate::db::WriteHealth`]).
pub async fn probe_write(pool: &AnyPool, now: UnixMillis) -> Result<(), ServerError> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO write_probe (id, at_ms) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at_ms = excluded.at_ms",
    )
    .bind(now.0)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// The tables [`count`] knows.
pub const TABLES: [&str; 13] = [
    "organisations",
    "users",
    "invites",
    "devices",
    "posture_reports",
    "factors",
    "recovery_codes",
    "recovery_signins",
    "audit_events",
    "webauthn_ceremonies",
    "nudges",
    "policy_exceptions",
    "policy_groups",
];

/// Counts rows of a table (for tests and the admin command).
pub async fn count(pool: &AnyPool, table: &str) -> Result<i64, ServerError> {
    if !TABLES.contains(&table) {
        return Err(ServerError::Invalid(format!("unknown table {table:?}")));
    }
    Ok(sqlx::query(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(pool).await?.get(0))
}

/// A pending TOTP factor whose seed is stored sealed under `seal` (bound to the new row).
#[allow(clippy::too_many_arguments)]
pub async fn create_totp_factor(
    pool: &AnyPool,
    seal: &SealKeys,
    user_id: &str,
    device_id: &str,
    secret: &[u8],
    algorithm: &str,
    digits: i64,
    period_s: i64,
    now: UnixMillis,
) -> Result<String, ServerError> {
    let id = new_id("fac");
    let sealed = seal.seal(secret, &id)?;
    let insert = sqlx::query(
        "INSERT INTO factors (id, user_id, device_id, kind, status, created_at_ms, totp_secret, totp_algorithm, \
         totp_digits, totp_period_s, org_id) \
         VALUES ($1, $2, $3, 'totp', 'pending', $4, $5, $6, $7, $8, (SELECT org_id FROM users WHERE id = $2))",
    )
    .bind(&id)
    .bind(user_id)
    .bind(device_id)
    .bind(now.0)
    .bind(&sealed)
    .bind(algorithm)
    .bind(digits)
    .bind(period_s);
    Autocommit::execute(pool, insert).await?;
    Ok(id)
}

/// Brings stored TOTP seeds to the current seal key: seeds stored before sealing existed (in
/// the clear, base 32) and seeds under older keys are sealed under the current one; seeds of
/// revoked factors are erased. Each row is updated only if it still holds what was read.
/// Returns how many rows changed.
pub async fn reseal_totp_seeds(pool: &AnyPool, seal: &SealKeys) -> Result<u64, ServerError> {
    let rows =
        sqlx::query("SELECT id, totp_secret, status FROM factors WHERE kind = 'totp' AND totp_secret IS NOT NULL")
            .fetch_all(pool)
            .await?;
    let current = seal.current_id();
    let mut changed = 0;
    for row in rows {
        let (id, stored, status): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        let new = if status == "revoked" {
            None
        } else if SealKeys::is_sealed(&stored) {
            if SealKeys::key_id_of(&stored) == Some(current.as_str()) {
                continue;
            }
            Some(seal.seal(&seal.open(&stored, &id)?, &id)?)
        } else {
            let secret = lastmile_core::totp::secret_from_base32(&stored)
                .map_err(|e| ServerError::Corrupt(format!("TOTP factor {id}: stored seed: {e}")))?;
            Some(seal.seal(&secret, &id)?)
        };
        let update = sqlx::query("UPDATE factors SET totp_secret = $1 WHERE id = $2 AND totp_secret = $3")
            .bind(new)
            .bind(&id)
            .bind(&stored);
        let done = Autocommit::execute(pool, update).await?;
        changed += done.rows_affected();
    }
    Ok(changed)
}

/// What a server does at start: `reseal_totp_seeds`, and when it changed anything, the
/// replaced values scrubbed from the database's files (`Db::scrub_freed_space`), so that a
/// seed an older version stored in the clear is not left in free space or the WAL.
/// Returns how many seeds were resealed.
pub async fn seal_seeds_at_rest(db: &crate::db::Db, seal: &SealKeys) -> Result<u64, ServerError> {
    let changed = reseal_totp_seeds(&db.pool, seal).await?;
    if changed > 0 && !db.scrub_freed_space(&["factors"]).await? {
        tracing::warn!("the replaced seeds stay in the database's WAL until its next checkpoint: a reader was active");
    }
    Ok(changed)
}

/// Who verified a factor, for the audit log.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub user_id: &'a str,
    pub device_id: &'a str,
}

/// Creates a recovery-code set (a pending factor) and voids the user's previous sets, in one
/// transaction: from this moment only the new codes work.
pub async fn create_recovery_set(
    pool: &AnyPool,
    user_id: &str,
    device_id: &str,
    hashes: &[String],
    now: UnixMillis,
) -> Result<String, ServerError> {
    let factor_id = new_id("fac");
    let mut tx = begin_write(pool).await?;
    let voided = sqlx::query(
        "UPDATE factors SET status = 'revoked', revoked_at_ms = $1 \
         WHERE user_id = $2 AND kind = 'recovery_codes' AND status <> 'revoked'",
    )
    .bind(now.0)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO factors (id, user_id, device_id, kind, status, created_at_ms, org_id) \
         VALUES ($1, $2, $3, 'recovery_codes', 'pending', $4, (SELECT org_id FROM users WHERE id = $2))",
    )
    .bind(&factor_id)
    .bind(user_id)
    .bind(device_id)
    .bind(now.0)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        Event::new(now, user_id, Kind::RecoveryCodesIssued)
            .device(device_id)
            .factor(&factor_id)
            .detail(serde_json::json!({ "codes": hashes.len(), "previous_sets_voided": voided.rows_affected() })),
    )
    .await?;
    if voided.rows_affected() > 0 {
        // A confirmed set may have been voided: the policy may no longer be met.
        compliance::refresh(&mut tx, user_id, now).await?;
    }
    for hash in hashes {
        sqlx::query(
            "INSERT INTO recovery_codes (id, factor_id, user_id, code_hash, created_at_ms) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(new_id("rc"))
        .bind(&factor_id)
        .bind(user_id)
        .bind(hash)
        .bind(now.0)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(factor_id)
}

/// The unused code hashes of a set.
pub async fn unused_recovery_hashes(pool: &AnyPool, factor_id: &str) -> Result<Vec<String>, ServerError> {
    let rows = sqlx::query("SELECT code_hash FROM recovery_codes WHERE factor_id = $1 AND used_at_ms IS NULL")
        .bind(factor_id)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(|r| r.get(0)).collect())
}

/// What adding a key to a device did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAdded {
    /// The device had none; it has this one now (an audit event records it).
    Added,
    /// The device already had this very key (a retry).
    Same,
    /// The device has another key, which stays.
    Other,
}

/// Gives a device that joined without a key this public key, unless it has one already.
pub async fn add_device_key(
    pool: &AnyPool,
    device: &Device,
    public_key: &str,
    now: UnixMillis,
) -> Result<KeyAdded, ServerError> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query("UPDATE devices SET public_key = $1 WHERE id = $2 AND public_key IS NULL")
        .bind(public_key)
        .bind(&device.id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 1 {
        audit::append(&mut tx, Event::new(now, &device.user_id, Kind::DeviceKeyAdded).device(&device.id)).await?;
        tx.commit().await?;
        return Ok(KeyAdded::Added);
    }
    let held: Option<String> =
        sqlx::query_scalar("SELECT public_key FROM devices WHERE id = $1").bind(&device.id).fetch_one(&mut *tx).await?;
    tx.rollback().await?;
    Ok(if held.as_deref() == Some(public_key) { KeyAdded::Same } else { KeyAdded::Other })
}

/// A live device whose reports are not signed (it joined before device keys existed).
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnsignedDevice {
    pub device_id: String,
    pub email: String,
    pub hostname: String,
    pub joined_at_ms: i64,
    pub last_report_at_ms: Option<i64>,
}

/// The organisation's live devices without a key, oldest first.
pub async fn unsigned_devices(pool: &AnyPool, org: &Org) -> Result<Vec<UnsignedDevice>, ServerError> {
    let rows = sqlx::query(
        "SELECT d.id, u.email, d.hostname, d.created_at_ms, d.last_report_at_ms FROM devices d \
         JOIN users u ON u.id = d.user_id \
         WHERE u.org_id = $1 AND d.public_key IS NULL AND d.revoked_at_ms IS NULL ORDER BY d.created_at_ms, d.id",
    )
    .bind(&org.id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| UnsignedDevice {
            device_id: r.get(0),
            email: r.get(1),
            hostname: r.get(2),
            joined_at_ms: r.get(3),
            last_report_at_ms: r.get(4),
        })
        .collect())
}
