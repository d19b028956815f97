//! The report path's statements, for many reports at once (see [`crate::batch`]): storing
//! a batch of reports is one write of one round trip when all is well, and the answers for
//! a batch of devices are three queries.

use std::collections::{HashMap, HashSet};

use lastmile_core::clock::UnixMillis;
use lastmile_core::factor::FactorKind;
use lastmile_core::policy::{Exception, Policy, VerifiedFactor};
use lastmile_proto::api::{FactorView, OrganisationView, PostureReport, PostureView, UserView};
use sqlx::{AnyPool, Row};

use super::{Device, list};
use crate::ServerError;
use crate::db::WriteOnce;

/// A report to store: the parsed claims and the exact bytes that were signed.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub device_id: String,
    pub received: UnixMillis,
    pub report: PostureReport,
    pub body: String,
    pub signature: Option<String>,
}

/// What storing a report did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportOutcome {
    /// Stored; the device's reports now number `reports`.
    Stored { reports: i64 },
    /// The same report (same id, same body) was stored before: nothing new.
    Duplicate,
    /// Another report already used this id.
    IdConflict,
    /// The sequence number is not after the last one received.
    Replayed { last: i64 },
}

/// Stores reports, each once (its id is an idempotency key), and moves their devices'
/// claims, last sequence numbers and report counts forward with them. Outcomes are in the
/// order of `reports`. Two reports of one device are stored in that order.
///
/// Reports of distinct devices go in one write of one round trip ([`WriteOnce`]); a
/// report is stored, together with its device's update, only if its sequence number is
/// after the device's last one, so nothing is taken back. Why a report was not stored (sent
/// again, a reused id, an old sequence number) is read afterwards, for those reports only.
pub async fn insert_reports(pool: &AnyPool, reports: &[NewReport]) -> Result<Vec<ReportOutcome>, ServerError> {
    let mut outcomes: Vec<Option<ReportOutcome>> = vec![None; reports.len()];
    let mut pending: Vec<usize> = (0..reports.len()).collect();
    while !pending.is_empty() {
        // One report per device per round: the sequence check of a device's second report
        // must see its first.
        let mut devices = HashSet::new();
        let (round, later): (Vec<usize>, Vec<usize>) =
            pending.iter().partition(|&&i| devices.insert(reports[i].device_id.as_str()));
        store_round(pool, reports, &round, &mut outcomes).await?;
        pending = later;
    }
    outcomes
        .into_iter()
        .map(|o| o.ok_or_else(|| ServerError::Corrupt("a report of the batch has no outcome".into())))
        .collect()
}

/// The columns of a round's `VALUES`, in order: the report's row, then the device's claims.
const ROUND_COLUMNS: usize = 12;

/// One round: reports of distinct devices, in one write.
async fn store_round(
    pool: &AnyPool,
    reports: &[NewReport],
    round: &[usize],
    outcomes: &mut [Option<ReportOutcome>],
) -> Result<(), ServerError> {
    // v: device_id, received, generated, body, report_id, sequence, signature, hostname,
    // os_name, os_version, arch, app_version (column1 ... column12).
    let values = format!("(VALUES {}) AS v", list::rows(round.len(), ROUND_COLUMNS));
    let insert = format!(
        "INSERT INTO posture_reports (device_id, received_at_ms, generated_at_ms, body, report_id, sequence, signature) \
         SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7 \
         FROM {values} JOIN devices d ON d.id = v.column1 WHERE d.last_sequence < v.column6 \
         ON CONFLICT (device_id, report_id) DO NOTHING"
    );
    let device_update = "last_report_at_ms = v.column2, hostname = v.column8, os_name = v.column9, \
         os_version = v.column10, arch = v.column11, app_version = v.column12, last_sequence = v.column6";
    let write = WriteOnce::begin(pool).await?;
    let sql = if write.several_statements() {
        // SQLite: the report row this write inserted is the one with the round's id and
        // sequence whose device is still behind it (a stored report moved its device to
        // its sequence, in the same transaction).
        write.text(&format!(
            "{insert}; UPDATE devices SET {device_update}, last_report_row = r.id, report_count = report_count + 1 \
             FROM {values} JOIN posture_reports r \
               ON r.device_id = v.column1 AND r.report_id = v.column5 AND r.sequence = v.column6 \
             WHERE devices.id = v.column1 AND devices.last_sequence < v.column6 \
             RETURNING id, report_count, last_report_row"
        ))
    } else {
        // PostgreSQL: one statement. The update joins what the insert returned; under
        // concurrent writers a device may have moved on in between, and then its row is
        // returned without a count and taken back below.
        write.text(&format!(
            "WITH ins AS ({insert} RETURNING device_id, id), \
             upd AS (UPDATE devices SET {device_update}, last_report_row = ins.id, \
               report_count = devices.report_count + 1 \
               FROM {values} JOIN ins ON ins.device_id = v.column1 \
               WHERE devices.id = v.column1 AND devices.last_sequence < v.column6 \
               RETURNING devices.id, devices.report_count) \
             SELECT ins.device_id, upd.report_count, ins.id FROM ins LEFT JOIN upd ON upd.id = ins.device_id"
        ))
    };
    let mut query = sqlx::query(&sql);
    for r in round.iter().map(|&i| &reports[i]) {
        let d = &r.report.device;
        query = query
            .bind(&r.device_id)
            .bind(r.received.0)
            .bind(r.report.generated_at_ms)
            .bind(&r.body)
            .bind(&r.report.report_id)
            .bind(r.report.sequence)
            .bind(&r.signature)
            .bind(&d.hostname)
            .bind(&d.os_name)
            .bind(&d.os_version)
            .bind(&d.arch)
            .bind(&d.app_version);
    }
    // Device id -> its report count (None: inserted, then overtaken) and the row's id.
    let written: HashMap<String, (Option<i64>, i64)> =
        write.run(query).await?.iter().map(|r| (r.get(0), (r.get(1), r.get(2)))).collect();
    for &i in round {
        let r = &reports[i];
        outcomes[i] = Some(match written.get(&r.device_id) {
            Some(&(Some(reports), _)) => ReportOutcome::Stored { reports },
            Some(&(None, row)) => {
                tracing::info!(device = %r.device_id, "a report was overtaken by another server's write; taken back");
                sqlx::query("DELETE FROM posture_reports WHERE id = $1").bind(row).execute(pool).await?;
                ReportOutcome::Replayed { last: last_sequence(pool, &r.device_id).await? }
            }
            None => not_stored(pool, r).await?,
        });
    }
    Ok(())
}

/// Why a report was not stored: its id was used before, by this report (sent again) or
/// another one; or its sequence number is not after its device's last one.
async fn not_stored(pool: &AnyPool, r: &NewReport) -> Result<ReportOutcome, ServerError> {
    let body: Option<String> =
        sqlx::query_scalar("SELECT body FROM posture_reports WHERE device_id = $1 AND report_id = $2")
            .bind(&r.device_id)
            .bind(&r.report.report_id)
            .fetch_optional(pool)
            .await?;
    Ok(match body {
        Some(body) if body == r.body => ReportOutcome::Duplicate,
        Some(_) => ReportOutcome::IdConflict,
        None => ReportOutcome::Replayed { last: last_sequence(pool, &r.device_id).await? },
    })
}

async fn last_sequence(pool: &AnyPool, device_id: &str) -> Result<i64, ServerError> {
    sqlx::query_scalar("SELECT last_sequence FROM devices WHERE id = $1")
        .bind(device_id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| ServerError::Corrupt(format!("device {device_id} reported and is gone")))
}

/// What a device's answer is made of, besides what the database holds.
#[derive(Debug, Clone)]
pub struct ViewOf {
    pub device: Device,
    pub now: UnixMillis,
    pub reports_received: i64,
    /// When the last report was received, and its claims.
    pub last: Option<(i64, PostureReport)>,
}

/// A user as the answer shows them, with their organisation and policy.
struct Person {
    user: UserView,
    organisation: OrganisationView,
    group: Option<String>,
    policy: Policy,
}

/// What the server believes about each device and its user, in the order asked. Device
/// claims are claims; only factors the server verified count, under the user's policy at
/// each `now`.
pub async fn posture_views(pool: &AnyPool, asks: &[ViewOf]) -> Result<Vec<PostureView>, ServerError> {
    let mut users: Vec<&str> = asks.iter().map(|a| a.device.user_id.as_str()).collect();
    users.sort_unstable();
    users.dedup();
    // Three reads on three connections at once: on PostgreSQL the round trips overlap.
    let (people, factors, exceptions) =
        tokio::try_join!(people(pool, &users), verified_factors_of(pool, &users), exceptions_of(pool, &users))?;
    asks.iter()
        .map(|a| {
            let user_id = &a.device.user_id;
            let p = people
                .get(user_id)
                .ok_or_else(|| ServerError::Corrupt(format!("user {user_id} is referenced but missing")))?;
            let factors = factors.get(user_id).cloned().unwrap_or_default();
            let verified: Vec<VerifiedFactor> = factors
                .iter()
                .filter_map(|f| {
                    FactorKind::from_wire(&f.kind).map(|kind| VerifiedFactor {
                        kind,
                        aaguid: f.aaguid.clone(),
                        attested: f.attested,
                    })
                })
                .collect();
            let excepted = exceptions.get(user_id).map_or(&[][..], Vec::as_slice);
            let compliance = p.policy.evaluate(&verified, excepted, a.now);
            let (last_report_at_ms, last_claims) =
                a.last.as_ref().map_or((None, None), |(at, r)| (Some(*at), Some(r.clone())));
            Ok(PostureView {
                device_id: a.device.id.clone(),
                user: p.user.clone(),
                organisation: p.organisation.clone(),
                best_tier: best_tier(&factors),
                verified_factors: factors,
                reports_received: a.reports_received,
                last_report_at_ms,
                last_claims,
                compliance: crate::views::compliance(p.group.clone(), &p.policy, &compliance),
            })
        })
        .collect()
}

fn best_tier(factors: &[FactorView]) -> Option<String> {
    lastmile_core::factor::best_tier(factors.iter().filter_map(|f| FactorKind::from_wire(&f.kind)))
        .map(|t| t.wire().to_string())
}

/// Users with their organisation and group policy (the `default` group's when in none).
async fn people(pool: &AnyPool, users: &[&str]) -> Result<HashMap<String, Person>, ServerError> {
    let sql = format!(
        "SELECT u.id, u.email, u.display_name, o.slug, o.name, g.name, g.policy \
         FROM users u JOIN organisations o ON o.id = u.org_id \
         LEFT JOIN policy_groups g ON g.id = COALESCE(u.group_id, \
           (SELECT d.id FROM policy_groups d WHERE d.org_id = u.org_id AND d.name = 'default')) \
         WHERE u.id IN ({})",
        list::in_list(users.len())
    );
    let rows = list::bind_all(sqlx::query(&sql), users).fetch_all(pool).await?;
    rows.into_iter()
        .map(|r| {
            let group: Option<String> = r.get(5);
            let policy = match r.get::<Option<String>, _>(6) {
                Some(json) => super::compliance::parse_policy(&json)?,
                None => Policy::default(),
            };
            let user = UserView { id: r.get(0), email: r.get(1), display_name: r.get(2) };
            Ok((
                user.id.clone(),
                Person { user, organisation: OrganisationView { slug: r.get(3), name: r.get(4) }, group, policy },
            ))
        })
        .collect()
}

/// The factors the server verified, per user, oldest first.
pub async fn verified_factors_of(
    pool: &AnyPool,
    users: &[&str],
) -> Result<HashMap<String, Vec<FactorView>>, ServerError> {
    let sql = format!(
        "SELECT user_id, id, kind, verified_at_ms, aaguid, model, certification, attestation_trusted FROM factors \
         WHERE status = 'verified' AND user_id IN ({}) ORDER BY verified_at_ms, id",
        list::in_list(users.len())
    );
    let rows = list::bind_all(sqlx::query(&sql), users).fetch_all(pool).await?;
    let mut out: HashMap<String, Vec<FactorView>> = HashMap::new();
    for r in rows {
        let kind: String = r.get(2);
        let tier = super::kind_tier(&kind)?;
        out.entry(r.get(0)).or_default().push(FactorView {
            id: r.get(1),
            kind,
            tier: tier.into(),
            verified_at_ms: r.get::<Option<i64>, _>(3).unwrap_or_default(),
            aaguid: r.get(4),
            attested: r.get::<Option<i64>, _>(7).unwrap_or(0) != 0,
            model: r.get(5),
            certification: r.get(6),
        });
    }
    Ok(out)
}

/// The users' exceptions (all of them; [`Policy::evaluate`] ignores the expired), on the pool
/// or inside a transaction.
pub async fn exceptions_of<'c, E: sqlx::Executor<'c, Database = sqlx::Any>>(
    executor: E,
    users: &[&str],
) -> Result<HashMap<String, Vec<Exception>>, ServerError> {
    let sql = format!(
        "SELECT user_id, owner, reason, expires_at_ms FROM policy_exceptions WHERE user_id IN ({})",
        list::in_list(users.len())
    );
    let rows = list::bind_all(sqlx::query(&sql), users).fetch_all(executor).await?;
    let mut out: HashMap<String, Vec<Exception>> = HashMap::new();
    for r in rows {
        out.entry(r.get(0)).or_default().push(Exception { owner: r.get(1), reason: r.get(2), expires_at_ms: r.get(3) });
    }
    Ok(out)
}
