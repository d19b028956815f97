//! Statements behind the administrator's dashboard: aggregates over the compliance rows
//! (kept current on write), the longest-standing gaps, exceptions in force, recent events.
//! Each is one indexed query, so the page stays fast at 100,000 users.

use lastmile_core::clock::UnixMillis;
use sqlx::{AnyPool, Row};

use super::Org;
use crate::ServerError;

/// Users of one (group, met, best tier) combination.
#[derive(Debug, Clone)]
pub struct CoverageCount {
    pub group: String,
    pub met: bool,
    pub best_tier: Option<String>,
    pub users: i64,
}

/// Counts per group, standing and tier: one index-only scan of the compliance rows.
pub async fn coverage_counts(pool: &AnyPool, org: &Org) -> Result<Vec<CoverageCount>, ServerError> {
    let rows = sqlx::query(
        "SELECT group_name, met, best_tier, COUNT(*) FROM user_compliance WHERE org_id = $1 \
         GROUP BY group_name, met, best_tier",
    )
    .bind(&org.id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CoverageCount { group: r.get(0), met: r.get::<i64, _>(1) != 0, best_tier: r.get(2), users: r.get(3) })
        .collect())
}

/// Users with a gap covered by an exception in force, per group (there are few exceptions).
pub async fn excepted_per_group(pool: &AnyPool, org: &Org, now: UnixMillis) -> Result<Vec<(String, i64)>, ServerError> {
    let rows = sqlx::query(
        "SELECT c.group_name, COUNT(DISTINCT c.user_id) FROM policy_exceptions e \
         JOIN user_compliance c ON c.user_id = e.user_id \
         WHERE c.org_id = $1 AND c.met = 0 AND e.expires_at_ms > $2 GROUP BY c.group_name",
    )
    .bind(&org.id)
    .bind(now.0)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// A user with a gap and no exception.
#[derive(Debug, Clone)]
pub struct GapRow {
    pub email: String,
    pub group: String,
    /// The gaps as stored (JSON list of [`lastmile_core::policy::Gap`]).
    pub gaps_json: String,
    pub since_ms: i64,
}

/// The longest-standing gaps, along the (org, met, gap since) index.
pub async fn longest_gaps(pool: &AnyPool, org: &Org, now: UnixMillis, limit: i64) -> Result<Vec<GapRow>, ServerError> {
    let rows = sqlx::query(&format!(
        "SELECT u.email, c.group_name, c.gaps, COALESCE(c.gap_since_ms, u.created_at_ms) \
         FROM user_compliance c JOIN users u ON u.id = c.user_id \
         WHERE c.org_id = $1 AND c.met = 0 \
         AND NOT EXISTS (SELECT 1 FROM policy_exceptions e WHERE e.user_id = c.user_id AND e.expires_at_ms > $2) \
         ORDER BY c.gap_since_ms LIMIT {limit}"
    ))
    .bind(&org.id)
    .bind(now.0)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| GapRow { email: r.get(0), group: r.get(1), gaps_json: r.get(2), since_ms: r.get(3) })
        .collect())
}

/// Gaps closed so far and their total duration, for the mean time to remediate.
pub async fn remediation_totals(pool: &AnyPool, org: &Org) -> Result<Option<(i64, i64)>, ServerError> {
    Ok(sqlx::query("SELECT closed, total_ms FROM remediation_totals WHERE org_id = $1")
        .bind(&org.id)
        .fetch_optional(pool)
        .await?
        .map(|r| (r.get(0), r.get(1))))
}

/// An exception in force.
#[derive(Debug, Clone)]
pub struct ExceptionRow {
    pub email: String,
    pub owner: String,
    pub reason: String,
    pub expires_at_ms: i64,
}

/// Exceptions in force, the soonest to expire first.
pub async fn exceptions_in_force(
    pool: &AnyPool,
    org: &Org,
    now: UnixMillis,
    limit: i64,
) -> Result<Vec<ExceptionRow>, ServerError> {
    let rows = sqlx::query(&format!(
        "SELECT u.email, e.owner, e.reason, e.expires_at_ms FROM policy_exceptions e JOIN users u ON u.id = e.user_id \
         WHERE u.org_id = $1 AND e.expires_at_ms > $2 ORDER BY e.expires_at_ms LIMIT {limit}"
    ))
    .bind(&org.id)
    .bind(now.0)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ExceptionRow { email: r.get(0), owner: r.get(1), reason: r.get(2), expires_at_ms: r.get(3) })
        .collect())
}

/// An audit event as the dashboard lists it.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub seq: i64,
    pub at_ms: i64,
    pub kind: String,
    pub email: Option<String>,
    pub detail: String,
}

/// The organisation's newest audit events.
pub async fn recent_events(pool: &AnyPool, org: &Org, limit: i64) -> Result<Vec<EventRow>, ServerError> {
    let rows = sqlx::query(&format!(
        "SELECT e.seq, e.at_ms, e.kind, u.email, e.detail FROM audit_events e LEFT JOIN users u ON u.id = e.user_id \
         WHERE e.org_id = $1 ORDER BY e.seq DESC LIMIT {limit}"
    ))
    .bind(&org.id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| EventRow { seq: r.get(0), at_ms: r.get(1), kind: r.get(2), email: r.get(3), detail: r.get(4) })
        .collect())
}

/// Verified factors of one kind that can sign in through the OpenID Connect provider: how
/// many, how many have, and the last time one did.
#[derive(Debug, Clone)]
pub struct FactorUseRow {
    pub kind: String,
    pub verified: i64,
    pub used: i64,
    pub last_used_ms: Option<i64>,
}

/// Security keys and authenticator apps (recovery codes never sign in), per kind.
pub async fn factor_use(pool: &AnyPool, org: &Org) -> Result<Vec<FactorUseRow>, ServerError> {
    let rows = sqlx::query(
        "SELECT kind, COUNT(*), COUNT(last_used_at_ms), MAX(last_used_at_ms) FROM factors \
         WHERE org_id = $1 AND kind IN ('security_key', 'totp') AND status = 'verified' GROUP BY kind ORDER BY kind",
    )
    .bind(&org.id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| FactorUseRow { kind: r.get(0), verified: r.get(1), used: r.get(2), last_used_ms: r.get(3) })
        .collect())
}

/// A verified factor never used to sign in.
#[derive(Debug, Clone)]
pub struct UnusedRow {
    pub email: String,
    pub kind: String,
    pub verified_at_ms: i64,
}

/// Verified factors never used to sign in, the longest-standing first (along the
/// (organisation, last use, verified at) index).
pub async fn never_used(pool: &AnyPool, org: &Org, limit: i64) -> Result<Vec<UnusedRow>, ServerError> {
    let rows = sqlx::query(&format!(
        "SELECT u.email, f.kind, f.verified_at_ms FROM factors f JOIN users u ON u.id = f.user_id \
         WHERE f.org_id = $1 AND f.last_used_at_ms IS NULL AND f.status = 'verified' \
         AND f.kind IN ('security_key', 'totp') ORDER BY f.verified_at_ms LIMIT {limit}"
    ))
    .bind(&org.id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| UnusedRow { email: r.get(0), kind: r.get(1), verified_at_ms: r.get::<Option<i64>, _>(2).unwrap_or(0) })
        .collect())
}

/// The organisation's enabled OpenID Connect clients.
pub async fn sign_in_clients(pool: &AnyPool, org: &Org) -> Result<i64, ServerError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM oidc_clients WHERE org_id = $1 AND disabled_at_ms IS NULL")
        .bind(&org.id)
        .fetch_one(pool)
        .await?)
}
