//! Every SQL statement the server runs. Functions take the pool (or a transaction) and
//! plain values; they know nothing about HTTP.

use lastmile_core::clock::UnixMillis;
use lastmile_proto::api::{DeviceClaims, OrganisationView, PostureReport, PostureView, UserView};
use sqlx::{AnyPool, Row};

use crate::ServerError;
use crate::secrets::new_id;

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
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

pub async fn create_org(pool: &AnyPool, slug: &str, name: &str, now: UnixMillis) -> Result<Org, ServerError> {
    let id = new_id("org");
    sqlx::query("INSERT INTO organisations (id, slug, name, created_at_ms) VALUES ($1, $2, $3, $4)")
        .bind(&id)
        .bind(slug)
        .bind(name)
        .bind(now.0)
        .execute(pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) { ServerError::Conflict(format!("organisation {slug:?}")) } else { e.into() }
        })?;
    Ok(Org { id, slug: slug.into(), name: name.into() })
}

pub async fn org_by_slug(pool: &AnyPool, slug: &str) -> Result<Option<Org>, ServerError> {
    let row =
        sqlx::query("SELECT id, slug, name FROM organisations WHERE slug = $1").bind(slug).fetch_optional(pool).await?;
    Ok(row.map(|r| Org { id: r.get(0), slug: r.get(1), name: r.get(2) }))
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
    sqlx::query("INSERT INTO users (id, org_id, email, display_name, created_at_ms) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(&org.id)
        .bind(email)
        .bind(display_name)
        .bind(now.0)
        .execute(pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                ServerError::Conflict(format!("user {email:?} in {:?}", org.slug))
            } else {
                e.into()
            }
        })?;
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

pub async fn create_invite(
    pool: &AnyPool,
    user: &User,
    code_hash: &str,
    now: UnixMillis,
    expires: UnixMillis,
) -> Result<String, ServerError> {
    let id = new_id("inv");
    sqlx::query(
        "INSERT INTO invites (id, user_id, code_hash, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(&user.id)
    .bind(code_hash)
    .bind(now.0)
    .bind(expires.0)
    .execute(pool)
    .await?;
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
    token_hash: &str,
    now: UnixMillis,
) -> Result<Result<(Device, User, Org), InviteRefusal>, ServerError> {
    let device_id = new_id("dev");
    let mut tx = pool.begin().await?;
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
    sqlx::query(
        "INSERT INTO devices (id, user_id, token_hash, hostname, os_name, os_version, arch, app_version, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&device_id)
    .bind(&user_id)
    .bind(token_hash)
    .bind(&claims.hostname)
    .bind(&claims.os_name)
    .bind(&claims.os_version)
    .bind(&claims.arch)
    .bind(&claims.app_version)
    .bind(now.0)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let user = user_by_id(pool, &user_id).await?;
    let org = org_by_id(pool, &user.org_id).await?;
    Ok(Ok((Device { id: device_id, user_id, revoked_at_ms: None }, user, org)))
}

pub async fn device_by_token_hash(pool: &AnyPool, token_hash: &str) -> Result<Option<Device>, ServerError> {
    let row = sqlx::query("SELECT id, user_id, revoked_at_ms FROM devices WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| Device { id: r.get(0), user_id: r.get(1), revoked_at_ms: r.get(2) }))
}

pub async fn revoke_device(pool: &AnyPool, device_id: &str, now: UnixMillis) -> Result<bool, ServerError> {
    let done = sqlx::query("UPDATE devices SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL")
        .bind(now.0)
        .bind(device_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Stores a report and updates the device's claims, in one transaction.
pub async fn insert_report(
    pool: &AnyPool,
    device: &Device,
    report: &PostureReport,
    now: UnixMillis,
) -> Result<(), ServerError> {
    let body = serde_json::to_string(report).map_err(|e| ServerError::Invalid(e.to_string()))?;
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO posture_reports (device_id, received_at_ms, generated_at_ms, body) VALUES ($1, $2, $3, $4)",
    )
    .bind(&device.id)
    .bind(now.0)
    .bind(report.generated_at_ms)
    .bind(&body)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE devices SET last_report_at_ms = $1, hostname = $2, os_name = $3, os_version = $4, arch = $5, app_version = $6 WHERE id = $7",
    )
    .bind(now.0)
    .bind(&report.device.hostname)
    .bind(&report.device.os_name)
    .bind(&report.device.os_version)
    .bind(&report.device.arch)
    .bind(&report.device.app_version)
    .bind(&device.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the server believes about a device and its user.
pub async fn posture_view(pool: &AnyPool, device: &Device) -> Result<PostureView, ServerError> {
    let user = user_by_id(pool, &device.user_id).await?;
    let org = org_by_id(pool, &user.org_id).await?;
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM posture_reports WHERE device_id = $1")
        .bind(&device.id)
        .fetch_one(pool)
        .await?
        .get(0);
    let last =
        sqlx::query("SELECT received_at_ms, body FROM posture_reports WHERE device_id = $1 ORDER BY id DESC LIMIT 1")
            .bind(&device.id)
            .fetch_optional(pool)
            .await?;
    let (last_report_at_ms, last_claims) = match last {
        Some(r) => {
            let body: String = r.get(1);
            let claims: PostureReport = serde_json::from_str(&body)
                .map_err(|e| ServerError::Corrupt(format!("stored report of {}: {e}", device.id)))?;
            (Some(r.get::<i64, _>(0)), Some(claims))
        }
        None => (None, None),
    };
    Ok(PostureView {
        device_id: device.id.clone(),
        user: UserView { id: user.id, email: user.email, display_name: user.display_name },
        organisation: OrganisationView { slug: org.slug, name: org.name },
        // No factor can be verified yet in schema v1: enrollment ceremonies add them.
        verified_factors: Vec::new(),
        best_tier: None,
        reports_received: count,
        last_report_at_ms,
        last_claims,
    })
}

/// Counts rows of a table (for tests and the admin command).
pub async fn count(pool: &AnyPool, table: &str) -> Result<i64, ServerError> {
    const TABLES: [&str; 5] = ["organisations", "users", "invites", "devices", "posture_reports"];
    if !TABLES.contains(&table) {
        return Err(ServerError::Invalid(format!("unknown table {table:?}")));
    }
    Ok(sqlx::query(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(pool).await?.get(0))
}
