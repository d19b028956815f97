//! Statements for policy groups, exceptions and admin tokens.

use lastmile_core::clock::UnixMillis;
use lastmile_core::policy::Policy;
use sqlx::{AnyPool, Row};

use super::audit::{self, Event, Kind};
use super::compliance::{self, DEFAULT_GROUP};
use crate::ServerError;
use crate::db::begin_write;
use crate::secrets::new_id;
use crate::store::{Org, User};

/// Creates the group or replaces its policy.
pub async fn upsert_group(
    pool: &AnyPool,
    org: &Org,
    name: &str,
    policy: &str,
    now: UnixMillis,
) -> Result<(), ServerError> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO policy_groups (id, org_id, name, policy, updated_at_ms) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (org_id, name) DO UPDATE SET policy = excluded.policy, updated_at_ms = excluded.updated_at_ms",
    )
    .bind(new_id("grp"))
    .bind(&org.id)
    .bind(name)
    .bind(policy)
    .bind(now.0)
    .execute(&mut **tx)
    .await?;
    tx.commit().await
}

/// Re-evaluates every user who follows the group (for `default`: also everyone in no
/// group), a batch per transaction. Returns how many.
pub async fn refresh_group(pool: &AnyPool, org: &Org, name: &str, now: UnixMillis) -> Result<usize, ServerError> {
    let users: Vec<String> = sqlx::query_scalar(
        "SELECT u.id FROM users u LEFT JOIN policy_groups g ON g.id = u.group_id \
         WHERE u.org_id = $1 AND (g.name = $2 OR (u.group_id IS NULL AND $2 = 'default'))",
    )
    .bind(&org.id)
    .bind(name)
    .fetch_all(pool)
    .await?;
    for batch in users.chunks(500) {
        let mut tx = begin_write(pool).await?;
        for user in batch {
            compliance::refresh(&mut tx, user, now).await?;
        }
        tx.commit().await?;
    }
    Ok(users.len())
}

/// Moves a user to a group (`None`: the default) and re-evaluates them.
pub async fn set_user_group(
    pool: &AnyPool,
    org: &Org,
    user: &User,
    group: Option<&str>,
    now: UnixMillis,
) -> Result<(), ServerError> {
    let group_id = match group.filter(|g| *g != DEFAULT_GROUP) {
        None => None,
        Some(name) => Some(
            sqlx::query_scalar::<_, String>("SELECT id FROM policy_groups WHERE org_id = $1 AND name = $2")
                .bind(&org.id)
                .bind(name)
                .fetch_optional(pool)
                .await?
                .ok_or_else(|| ServerError::NotFound(format!("policy group {name:?} in {:?}", org.slug)))?,
        ),
    };
    let mut tx = begin_write(pool).await?;
    sqlx::query("UPDATE users SET group_id = $1 WHERE id = $2")
        .bind(&group_id)
        .bind(&user.id)
        .execute(&mut **tx)
        .await?;
    audit::append(
        &mut tx,
        Event::new(now, &user.id, Kind::GroupChanged)
            .detail(serde_json::json!({ "group": group.unwrap_or(DEFAULT_GROUP) })),
    )
    .await?;
    compliance::refresh(&mut tx, &user.id, now).await?;
    tx.commit().await
}

pub async fn grant_exception(
    pool: &AnyPool,
    user: &User,
    owner: &str,
    reason: &str,
    now: UnixMillis,
    expires: UnixMillis,
) -> Result<(), ServerError> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO policy_exceptions (id, user_id, owner, reason, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id("exc"))
    .bind(&user.id)
    .bind(owner)
    .bind(reason)
    .bind(now.0)
    .bind(expires.0)
    .execute(&mut **tx)
    .await?;
    audit::append(
        &mut tx,
        Event::new(now, &user.id, Kind::ExceptionGranted)
            .detail(serde_json::json!({ "owner": owner, "reason": reason, "expires_at_ms": expires.0 })),
    )
    .await?;
    tx.commit().await
}

/// The organisation's policy groups (name, policy), by name.
pub async fn group_policies(pool: &AnyPool, org: &Org) -> Result<Vec<(String, Policy)>, ServerError> {
    sqlx::query("SELECT name, policy FROM policy_groups WHERE org_id = $1 ORDER BY name")
        .bind(&org.id)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|r| Ok((r.get(0), compliance::parse_policy(&r.get::<String, _>(1))?)))
        .collect()
}

pub async fn create_admin_token(
    pool: &AnyPool,
    org: &Org,
    name: &str,
    token_hash: &str,
    now: UnixMillis,
) -> Result<(), ServerError> {
    sqlx::query("INSERT INTO admin_tokens (token_hash, org_id, name, created_at_ms) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(&org.id)
        .bind(name)
        .bind(now.0)
        .execute(pool)
        .await?;
    Ok(())
}

/// The organisation (id, slug, name) an admin token opens, unless unknown or revoked.
pub async fn org_by_admin_token(pool: &AnyPool, token_hash: &str) -> Result<Option<Org>, ServerError> {
    let row = sqlx::query(
        "SELECT o.id, o.slug, o.name FROM admin_tokens t JOIN organisations o ON o.id = t.org_id \
         WHERE t.token_hash = $1 AND t.revoked_at_ms IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Org { id: r.get(0), slug: r.get(1), name: r.get(2) }))
}
