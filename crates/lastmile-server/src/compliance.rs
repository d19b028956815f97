//! Each user's compliance with their group's policy ([`lastmile_core::policy`]), from the
//! factors the server verified. The `user_compliance` row is refreshed in the transaction
//! that changes a user's factors (see [`crate::audit::record`]) or their policy, so that
//! the dashboard reads a table instead of evaluating 100,000 users per request.
//! Exceptions and enforcement dates depend on the time of reading and apply then.

use lastmile_core::clock::UnixMillis;
use lastmile_core::factor::Tier;
use lastmile_core::policy::{Compliance, Exception, Gap, Policy, VerifiedFactor};
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
            let kind = crate::factor_kind(&kind)
                .ok_or_else(|| ServerError::Corrupt(format!("unknown factor kind {kind:?}")))?;
            Ok(VerifiedFactor { kind, aaguid: r.get(1) })
        })
        .collect()
}

/// The user's exceptions (all of them; [`Policy::evaluate`] ignores the expired).
pub async fn exceptions(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<Exception>, ServerError> {
    Ok(crate::store::exceptions_of(&mut *conn, &[user_id]).await?.remove(user_id).unwrap_or_default())
}

/// A tier's wire name.
pub fn tier_text(t: Tier) -> &'static str {
    crate::tier_name(t)
}

/// Re-evaluates a user from their verified factors and stores the result: when a gap opened
/// and when it closed (for the time to remediate).
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
    let prev = sqlx::query("SELECT met, gap_since_ms, remediated_at_ms FROM user_compliance WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| (r.get::<i64, _>(0) != 0, r.get::<Option<i64>, _>(1), r.get::<Option<i64>, _>(2)));
    // No row yet: the user has had a gap since they were created.
    let (was_met, gap_since, remediated) = prev.unwrap_or((false, Some(created), None));
    let (gap_since, remediated) = match (was_met, c.met) {
        (false, false) => (gap_since.or(Some(created)), None),
        (true, false) => (Some(now.0), None),
        (false, true) => (gap_since, Some(now.0)),
        (true, true) => (gap_since, remediated),
    };
    if let (false, true, Some(since)) = (was_met, c.met, gap_since) {
        sqlx::query(
            "INSERT INTO remediation_totals (org_id, closed, total_ms) VALUES ($1, 1, $2) \
             ON CONFLICT (org_id) DO UPDATE SET closed = remediation_totals.closed + 1, \
             total_ms = remediation_totals.total_ms + excluded.total_ms",
        )
        .bind(&org_id)
        .bind(now.0 - since)
        .execute(&mut *conn)
        .await?;
    }
    let gaps = serde_json::to_string(&c.gaps).map_err(|e| ServerError::Invalid(e.to_string()))?;
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
    .bind(c.best_tier.map(tier_text))
    .bind(&gaps)
    .bind(gap_since)
    .bind(remediated)
    .bind(now.0)
    .bind(&group)
    .execute(&mut *conn)
    .await?;
    Ok(c)
}

/// A user's standing now, exceptions and enforcement dates applied, from the verified
/// factors the caller already has; with the group's name and policy.
pub async fn standing_of(
    conn: &mut AnyConnection,
    user_id: &str,
    factors: &[VerifiedFactor],
    now: UnixMillis,
) -> Result<(Option<String>, Policy, Compliance), ServerError> {
    let (group, policy) = policy_of(conn, user_id).await?;
    let exceptions = exceptions(conn, user_id).await?;
    let c = policy.evaluate(factors, &exceptions, now);
    Ok((group, policy, c))
}

/// The device-facing view of a standing.
pub fn view(group: Option<String>, policy: &Policy, c: &Compliance) -> lastmile_proto::api::ComplianceView {
    lastmile_proto::api::ComplianceView {
        met: c.met,
        ok: c.ok(),
        group,
        min_tier: tier_text(policy.min_tier).into(),
        min_factors: policy.min_factors,
        recovery_codes_required: policy.recovery_codes_required,
        gaps: c.gaps.iter().map(ToString::to_string).collect(),
        missing_tier: c.gaps.iter().find_map(|g| match g {
            Gap::Tier { need, .. } => Some(tier_text(*need).to_string()),
            _ => None,
        }),
        missing_recovery_codes: c.gaps.contains(&Gap::RecoveryCodes),
        level: c.level.map(|l| format!("{l:?}").to_lowercase()),
        deadline_ms: policy.deadline_ms,
        excepted_until_ms: c.excepted_until_ms,
        allowed_key_models: policy.keys.allow_aaguids.clone(),
    }
}
