//! Statements of each user's compliance with their group's policy. The `user_compliance`
//! row is refreshed ([`refresh`]) in the transaction that changes a user's factors or
//! policy, so that the dashboard reads a table instead of evaluating 100,000 users per
//! request. The evaluation is [`lastmile_core::policy`]'s and the gap's history
//! [`lastmile_core::gap`]'s; this module reads their inputs and stores their results.
//! Exceptions and enforcement dates depend on the time of reading and apply then.

use lastmile_core::clock::UnixMillis;
use lastmile_core::factor::FactorKind;
use lastmile_core::gap::GapHistory;
use lastmile_core::policy::{Compliance, Policy, VerifiedFactor};
use sqlx::{AnyConnection, Row};

use crate::ServerError;

/// The group users follow when they are in none.
pub const DEFAULT_GROUP: &str = "default";

/// A user's group (name) and its policy; [`Policy::default`] when the organisation has none.
pub async fn policy_of(conn: &mut AnyConnection, user_id: &str) -> Result<(Option<String>, Policy), ServerError> {
    let row = sqlx::query(
        "SELECT g.name, g.policy FROM users u JOIN policy_groups g ON g.id = COALESCE(u.group_id, \
         (SELECT d.id FROM policy_groups d WHERE d.org_id = u.org_id AND d.name = 'default')) WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        None => Ok((None, Policy::default())),
        Some(r) => Ok((Some(r.get(0)), parse_policy(&r.get::<String, _>(1))?)),
    }
}

/// A policy as stored (JSON, checked when it was set).
pub fn parse_policy(json: &str) -> Result<Policy, ServerError> {
    serde_json::from_str(json).map_err(|e| ServerError::Corrupt(format!("stored policy: {e}")))
}

async fn verified_factors(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<VerifiedFactor>, ServerError> {
    let rows = sqlx::query("SELECT kind, aaguid FROM factors WHERE user_id = $1 AND status = 'verified'")
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter()
        .map(|r| {
            let kind: String = r.get(0);
            let kind = FactorKind::from_wire(&kind)
                .ok_or_else(|| ServerError::Corrupt(format!("unknown factor kind {kind:?}")))?;
            Ok(VerifiedFactor { kind, aaguid: r.get(1) })
        })
        .collect()
}

/// Re-evaluates a user from their verified factors and stores the result: when a gap opened
/// and when it closed (for the time to remediate). Call it in the transaction of every
/// change to a user's factors or policy.
pub async fn refresh(conn: &mut AnyConnection, user_id: &str, now: UnixMillis) -> Result<Compliance, ServerError> {
    let (group, policy) = policy_of(conn, user_id).await?;
    let group = group.unwrap_or_else(|| DEFAULT_GROUP.to_string());
    let factors = verified_factors(conn, user_id).await?;
    let c = policy.evaluate(&factors, &[], now);
    let user = sqlx::query("SELECT org_id, created_at_ms FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *conn)
        .await?;
    let (org_id, created): (String, i64) = (user.get(0), user.get(1));
    let before = sqlx::query("SELECT met, gap_since_ms, remediated_at_ms FROM user_compliance WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?
        .map_or(GapHistory::new_user(created), |r| GapHistory {
            met: r.get::<i64, _>(0) != 0,
            gap_since_ms: r.get(1),
            remediated_at_ms: r.get(2),
        });
    let (after, closed_gap_ms) = before.next(created, c.met, now);
    if let Some(gap_ms) = closed_gap_ms {
        sqlx::query(
            "INSERT INTO remediation_totals (org_id, closed, total_ms) VALUES ($1, 1, $2) \
             ON CONFLICT (org_id) DO UPDATE SET closed = remediation_totals.closed + 1, \
             total_ms = remediation_totals.total_ms + excluded.total_ms",
        )
        .bind(&org_id)
        .bind(gap_ms)
        .execute(&mut *conn)
        .await?;
    }
    let gaps = serde_json::to_string(&c.gaps).map_err(|e| ServerError::Internal(format!("gaps as JSON: {e}")))?;
    sqlx::query(
        "INSERT INTO user_compliance (user_id, org_id, met, best_tier, gaps, gap_since_ms, remediated_at_ms, updated_at_ms, \
         group_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (user_id) DO UPDATE SET met = excluded.met, best_tier = excluded.best_tier, \
         gaps = excluded.gaps, gap_since_ms = excluded.gap_since_ms, remediated_at_ms = excluded.remediated_at_ms, \
         updated_at_ms = excluded.updated_at_ms, group_name = excluded.group_name",
    )
    .bind(user_id)
    .bind(&org_id)
    .bind(i64::from(c.met))
    .bind(c.best_tier.map(|t| t.wire()))
    .bind(&gaps)
    .bind(after.gap_since_ms)
    .bind(after.remediated_at_ms)
    .bind(now.0)
    .bind(&group)
    .execute(&mut *conn)
    .await?;
    Ok(c)
}
