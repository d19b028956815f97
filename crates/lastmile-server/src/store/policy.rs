//! Statements for policy groups, exceptions and admin tokens.

use lastmile_core::clock::UnixMillis;
use lastmile_core::policy::Policy;
use sqlx::{AnyPool, Row};

use super::audit::{self, Event, Kind};
use super::compliance::{self, DEFAULT_GROUP};
use crate::ServerError;
use crate::db::{Autocommit, begin_write};
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
    .execute(&mut *tx)
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
        .execute(&mut *tx)
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
    .execute(&mut *tx)
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
    let insert =
        sqlx::query("INSERT INTO admin_tokens (token_hash, org_id, name, created_at_ms) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(&org.id)
            .bind(name)
            .bind(now.0);
    Autocommit::execute(pool, insert).await?;
    Ok(())
}

/// Revokes the organisation's admin tokens named `name` (their dashboard sessions end with
/// them). Returns how many were live.
pub async fn revoke_admin_tokens(pool: &AnyPool, org: &Org, name: &str, now: UnixMillis) -> Result<u64, ServerError> {
    let revoke = sqlx::query(
        "UPDATE admin_tokens SET revoked_at_ms = $1 WHERE org_id = $2 AND name = $3 AND revoked_at_ms IS NULL",
    )
    .bind(now.0)
    .bind(&org.id)
    .bind(name);
    let done = Autocommit::execute(pool, revoke).await?;
    Ok(done.rows_affected())
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

/// Opens a dashboard session from a known admin token: stores the session id's hash until
/// `expires`, and removes sessions that have expired. False when the token is unknown or
/// revoked.
pub async fn create_admin_session(
    pool: &AnyPool,
    token_hash: &str,
    session_hash: &str,
    now: UnixMillis,
    expires: UnixMillis,
) -> Result<bool, ServerError> {
    let mut w = Autocommit::take(pool).await?;
    sqlx::query("DELETE FROM admin_sessions WHERE expires_at_ms <= $1").bind(now.0).execute(&mut *w).await?;
    let done = sqlx::query(
        "INSERT INTO admin_sessions (session_hash, token_hash, created_at_ms, expires_at_ms) \
         SELECT $1, token_hash, $2, $3 FROM admin_tokens WHERE token_hash = $4 AND revoked_at_ms IS NULL",
    )
    .bind(session_hash)
    .bind(now.0)
    .bind(expires.0)
    .bind(token_hash)
    .execute(&mut *w)
    .await?;
    w.done();
    Ok(done.rows_affected() == 1)
}

/// The organisation a dashboard session opens, unless it expired, was ended, or its token
/// was revoked.
pub async fn org_by_admin_session(
    pool: &AnyPool,
    session_hash: &str,
    now: UnixMillis,
) -> Result<Option<Org>, ServerError> {
    let row = sqlx::query(
        "SELECT o.id, o.slug, o.name FROM admin_sessions s JOIN admin_tokens t ON t.token_hash = s.token_hash \
         JOIN organisations o ON o.id = t.org_id \
         WHERE s.session_hash = $1 AND s.expires_at_ms > $2 AND t.revoked_at_ms IS NULL",
    )
    .bind(session_hash)
    .bind(now.0)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Org { id: r.get(0), slug: r.get(1), name: r.get(2) }))
}

/// Ends a dashboard session (sign-out). Idempotent.
pub async fn end_admin_session(pool: &AnyPool, session_hash: &str) -> Result<(), ServerError> {
    Autocommit::execute(pool, sqlx::query("DELETE FROM admin_sessions WHERE session_hash = $1").bind(session_hash))
        .await?;
    Ok(())
}
