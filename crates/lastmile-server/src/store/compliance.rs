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
use std::collections::HashMap;

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

/// Re-evaluates a user from their verified factors and stores the result: when a gap opened
/// and when it closed (for the time to remediate). Call it in the transaction of every
/// change to a user's factors or policy.
pub async fn refresh(conn: &mut AnyConnection, user_id: &str, now: UnixMillis) -> Result<Compliance, ServerError> {
    refresh_all(conn, &[user_id], now)
        .await?
        .pop()
        .ok_or_else(|| ServerError::Corrupt(format!("user {user_id} is referenced but missing")))
}

/// [`refresh`] for several users at once, in a fixed number of statements whatever their
/// number: their policies, verified factors and previous standing are read in three
/// queries, and the results written in one (plus one per organisation where gaps closed).
/// Returns each user's compliance, in the order given (users that do not exist are left out).
pub async fn refresh_all(
    conn: &mut AnyConnection,
    users: &[&str],
    now: UnixMillis,
) -> Result<Vec<Compliance>, ServerError> {
    let mut ids: Vec<&str> = users.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let list = super::list::in_list(ids.len());
    let people = super::list::bind_all(
        sqlx::query(&format!(
            "SELECT u.id, u.org_id, u.created_at_ms, g.name, g.policy FROM users u LEFT JOIN policy_groups g \
             ON g.id = COALESCE(u.group_id, \
             (SELECT d.id FROM policy_groups d WHERE d.org_id = u.org_id AND d.name = 'default')) \
             WHERE u.id IN ({list})"
        )),
        &ids,
    )
    .fetch_all(&mut *conn)
    .await?;
    let factor_rows = super::list::bind_all(
        sqlx::query(&format!(
            "SELECT user_id, kind, aaguid, attestation_trusted FROM factors WHERE status = 'verified' \
             AND user_id IN ({list})"
        )),
        &ids,
    )
    .fetch_all(&mut *conn)
    .await?;
    let before_rows = super::list::bind_all(
        sqlx::query(&format!(
            "SELECT user_id, met, gap_since_ms, remediated_at_ms FROM user_compliance WHERE user_id IN ({list})"
        )),
        &ids,
    )
    .fetch_all(&mut *conn)
    .await?;

    let mut factors: HashMap<String, Vec<VerifiedFactor>> = HashMap::new();
    for r in factor_rows {
        let kind: String = r.get(1);
        let kind = FactorKind::from_wire(&kind)
            .ok_or_else(|| ServerError::Corrupt(format!("unknown factor kind {kind:?}")))?;
        factors.entry(r.get(0)).or_default().push(VerifiedFactor {
            kind,
            aaguid: r.get(2),
            attested: r.get::<Option<i64>, _>(3).unwrap_or(0) != 0,
        });
    }
    let before: HashMap<String, GapHistory> = before_rows
        .into_iter()
        .map(|r| {
            let h = GapHistory { met: r.get::<i64, _>(1) != 0, gap_since_ms: r.get(2), remediated_at_ms: r.get(3) };
            (r.get(0), h)
        })
        .collect();
    let mut policies: HashMap<String, Policy> = HashMap::new();
    // user -> (org, group, compliance, history after); in user order, so that concurrent
    // transactions (replicas on PostgreSQL) lock the rows in one order.
    let mut results: std::collections::BTreeMap<String, (String, String, Compliance, GapHistory)> =
        std::collections::BTreeMap::new();
    let mut closed: HashMap<String, (i64, i64)> = HashMap::new();
    for r in people {
        let (user_id, org_id, created): (String, String, i64) = (r.get(0), r.get(1), r.get(2));
        let group: Option<String> = r.get(3);
        let policy = match r.get::<Option<String>, _>(4) {
            None => Policy::default(),
            Some(json) => match policies.get(&json) {
                Some(p) => p.clone(),
                None => {
                    let p = parse_policy(&json)?;
                    policies.insert(json, p.clone());
                    p
                }
            },
        };
        let c = policy.evaluate(factors.get(&user_id).map_or(&[][..], Vec::as_slice), &[], now);
        let history = before.get(&user_id).copied().unwrap_or(GapHistory::new_user(created));
        let (after, closed_gap_ms) = history.next(created, c.met, now);
        if let Some(ms) = closed_gap_ms {
            let total = closed.entry(org_id.clone()).or_default();
            total.0 += 1;
            total.1 += ms;
        }
        let group = group.unwrap_or_else(|| DEFAULT_GROUP.to_string());
        results.insert(user_id, (org_id, group, c, after));
    }
    for (org_id, (n, total_ms)) in &closed {
        sqlx::query(
            "INSERT INTO remediation_totals (org_id, closed, total_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (org_id) DO UPDATE SET closed = remediation_totals.closed + excluded.closed, \
             total_ms = remediation_totals.total_ms + excluded.total_ms",
        )
        .bind(org_id)
        .bind(n)
        .bind(total_ms)
        .execute(&mut *conn)
        .await?;
    }
    if !results.is_empty() {
        let sql = format!(
            "INSERT INTO user_compliance (user_id, org_id, met, best_tier, gaps, gap_since_ms, remediated_at_ms, \
             updated_at_ms, group_name) VALUES {} \
             ON CONFLICT (user_id) DO UPDATE SET met = excluded.met, best_tier = excluded.best_tier, \
             gaps = excluded.gaps, gap_since_ms = excluded.gap_since_ms, remediated_at_ms = excluded.remediated_at_ms, \
             updated_at_ms = excluded.updated_at_ms, group_name = excluded.group_name",
            super::list::rows(results.len(), 9)
        );
        let mut upsert = sqlx::query(&sql);
        for (user_id, (org_id, group, c, after)) in &results {
            let gaps =
                serde_json::to_string(&c.gaps).map_err(|e| ServerError::Internal(format!("gaps as JSON: {e}")))?;
            upsert = upsert
                .bind(user_id)
                .bind(org_id)
                .bind(i64::from(c.met))
                .bind(c.best_tier.map(|t| t.wire()))
                .bind(gaps)
                .bind(after.gap_since_ms)
                .bind(after.remediated_at_ms)
                .bind(now.0)
                .bind(group);
        }
        upsert.execute(&mut *conn).await?;
    }
    Ok(users.iter().filter_map(|u| results.get(*u).map(|(_, _, c, _)| c.clone())).collect())
}
