//! Statements of engagement: who is due a nudge, and the record of one sent (with the
//! invite it carried, if any, and its audit event).

use lastmile_core::clock::UnixMillis;
use sqlx::{AnyPool, Row};

use super::Org;
use super::audit::{self, Event, Kind};
use crate::ServerError;
use crate::db::begin_write;
use crate::secrets::new_id;

/// A user with a gap, no exception in force and no recent nudge.
#[derive(Debug, Clone)]
pub struct Due {
    pub user_id: String,
    pub email: String,
    pub name: String,
    /// The gaps as stored (JSON list of [`lastmile_core::policy::Gap`]).
    pub gaps_json: String,
    pub has_device: bool,
}

/// Up to `limit` users due a nudge, the longest-standing gap first.
pub async fn due(
    pool: &AnyPool,
    org: &Org,
    now: UnixMillis,
    min_interval_ms: i64,
    limit: i64,
) -> Result<Vec<Due>, ServerError> {
    let rows = sqlx::query(&format!(
        "SELECT u.id, u.email, u.display_name, c.gaps, \
         CAST(CASE WHEN EXISTS (SELECT 1 FROM devices d WHERE d.user_id = u.id AND d.revoked_at_ms IS NULL) \
         THEN 1 ELSE 0 END AS BIGINT) \
         FROM user_compliance c JOIN users u ON u.id = c.user_id \
         WHERE c.org_id = $1 AND c.met = 0 \
         AND NOT EXISTS (SELECT 1 FROM policy_exceptions e WHERE e.user_id = u.id AND e.expires_at_ms > $2) \
         AND NOT EXISTS (SELECT 1 FROM nudges n WHERE n.user_id = u.id AND n.sent_at_ms > $3) \
         ORDER BY c.gap_since_ms LIMIT {limit}"
    ))
    .bind(&org.id)
    .bind(now.0)
    .bind(now.0 - min_interval_ms)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Due {
            user_id: r.get(0),
            email: r.get(1),
            name: r.get(2),
            gaps_json: r.get(3),
            has_device: r.get::<i64, _>(4) != 0,
        })
        .collect())
}

/// The group of each user of `org` with a gap: `(user id, group name)`.
pub async fn groups_of_unmet(pool: &AnyPool, org: &Org) -> Result<Vec<(String, String)>, ServerError> {
    let rows = sqlx::query("SELECT user_id, group_name FROM user_compliance WHERE org_id = $1 AND met = 0")
        .bind(&org.id)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// A nudge that was delivered.
#[derive(Debug, Clone, Copy)]
pub struct SentNudge<'a> {
    pub user_id: &'a str,
    pub org_id: &'a str,
    pub step: &'a str,
    /// The hash of the invite it carried, stored now so that the invite works.
    pub invite_hash: Option<&'a str>,
    pub invite_expires: UnixMillis,
}

/// Records a delivered nudge: its invite (if any), the nudge, the audit event.
pub async fn record_nudge(pool: &AnyPool, n: SentNudge<'_>, now: UnixMillis) -> Result<(), ServerError> {
    let mut tx = begin_write(pool).await?;
    if let Some(hash) = n.invite_hash {
        sqlx::query(
            "INSERT INTO invites (id, user_id, code_hash, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(new_id("inv"))
        .bind(n.user_id)
        .bind(hash)
        .bind(now.0)
        .bind(n.invite_expires.0)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO nudges (id, user_id, org_id, step, with_invite, sent_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id("ndg"))
    .bind(n.user_id)
    .bind(n.org_id)
    .bind(n.step)
    .bind(i64::from(n.invite_hash.is_some()))
    .bind(now.0)
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({ "step": n.step, "invite": n.invite_hash.is_some() });
    audit::append(&mut tx, Event::new(now, n.user_id, Kind::Nudged).detail(detail)).await?;
    tx.commit().await
}
