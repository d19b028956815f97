//! The report path's statements, for many reports at once (see [`crate::batch`]): storing
//! a batch of reports and reading what their answers are made of is one write of one round
//! trip when all is well; the answers for devices that did not just report are one query.

use std::collections::{HashMap, HashSet};

use lastmile_core::clock::UnixMillis;
use lastmile_core::factor::FactorKind;
use lastmile_core::policy::{Exception, Policy, VerifiedFactor};
use lastmile_proto::api::{FactorView, OrganisationView, PostureReport, PostureView, UserView};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::list;
use crate::ServerError;
use crate::db::{Autocommit, Held, WriteOnce};

/// A report to store: the parsed claims and the exact bytes that were signed.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub device_id: String,
    /// The device's user (whose factors and policy the answer shows).
    pub user_id: String,
    pub received: UnixMillis,
    pub report: PostureReport,
    pub body: String,
    pub signature: Option<String>,
}

/// What storing a report did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportOutcome {
    /// Stored; the device's reports now number `reports`, and `view` is the answer to the
    /// device, read in the same transaction.
    Stored { reports: i64, view: Box<PostureView> },
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
/// Reports of distinct devices go in one write of one round trip ([`WriteOnce`]), which
/// also reads what their answers are made of; a report is stored, together with its
/// device's update, only if its sequence number is after the device's last one, so nothing
/// is taken back. Why a report was not stored (sent again, a reused id, an old sequence
/// number) is read afterwards, for those reports only. On PostgreSQL the write goes on
/// `held` when given.
pub async fn insert_reports(
    pool: &AnyPool,
    held: Option<&Held>,
    reports: &[NewReport],
) -> Result<Vec<ReportOutcome>, ServerError> {
    let mut outcomes: Vec<Option<ReportOutcome>> = vec![None; reports.len()];
    let mut pending: Vec<usize> = (0..reports.len()).collect();
    while !pending.is_empty() {
        // One report per device per round: the sequence check of a device's second report
        // must see its first.
        let mut devices = HashSet::new();
        let (round, later): (Vec<usize>, Vec<usize>) =
            pending.iter().partition(|&&i| devices.insert(reports[i].device_id.as_str()));
        store_round(pool, held, reports, &round, &mut outcomes).await?;
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
    held: Option<&Held>,
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
    // The answers' rows for the round's users (bound after the values, one per report).
    let answers = answer_rows(&list::params(round.len() * ROUND_COLUMNS + 1, round.len()));
    let write = WriteOnce::begin(pool, held).await?;
    let sql = if write.several_statements() {
        // SQLite: the report row this write inserted is the one with the round's id and
        // sequence whose device is still behind it (a stored report moved its device to
        // its sequence, in the same transaction).
        write.text(&format!(
            "{insert}; UPDATE devices SET {device_update}, last_report_row = r.id, report_count = report_count + 1 \
             FROM {values} JOIN posture_reports r \
               ON r.device_id = v.column1 AND r.report_id = v.column5 AND r.sequence = v.column6 \
             WHERE devices.id = v.column1 AND devices.last_sequence < v.column6 \
             RETURNING {WRITTEN}, id, {NO_TEXTS}, report_count, last_report_row; {answers}"
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
             SELECT {WRITTEN}, ins.device_id, {NO_TEXTS}, upd.report_count, ins.id \
             FROM ins LEFT JOIN upd ON upd.id = ins.device_id \
             UNION ALL {answers}"
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
    for &i in round {
        query = query.bind(&reports[i].user_id);
    }
    // Device id -> its report count (None: inserted, then overtaken) and the row's id.
    let mut written: HashMap<String, (Option<i64>, i64)> = HashMap::new();
    let mut data = AnswerData::default();
    for row in write.run(query).await? {
        if row.get::<String, _>(0) == WRITTEN_TAG {
            written.insert(row.get(1), (row.get(8), row.get(9)));
        } else {
            data.add(&row)?;
        }
    }
    data.sort();
    for &i in round {
        let r = &reports[i];
        outcomes[i] = Some(match written.get(&r.device_id) {
            Some(&(Some(count), _)) => {
                let last = Some((r.received.0, r.report.clone()));
                let view = data.view(&r.device_id, &r.user_id, r.received, count, last)?;
                ReportOutcome::Stored { reports: count, view: Box::new(view) }
            }
            Some(&(None, row)) => {
                tracing::info!(device = %r.device_id, "a report was overtaken by another server's write; taken back");
                Autocommit::execute(pool, sqlx::query("DELETE FROM posture_reports WHERE id = $1").bind(row)).await?;
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

/// A user as the answer shows them, with their organisation and policy.
struct Person {
    user: UserView,
    organisation: OrganisationView,
    group: Option<String>,
    policy: Policy,
}

/// The first column of a write's own rows, among the answers' rows (see [`answer_rows`]).
const WRITTEN_TAG: &str = "w";
const WRITTEN: &str = "'w'";
/// The text columns a write's own rows leave empty.
const NO_TEXTS: &str = "NULL, NULL, NULL, NULL, NULL, NULL";

/// A verified factor as a row of [`answer_rows`].
const FACTOR_ROW: &str =
    "'f', user_id, id, kind, aaguid, model, certification, NULL, verified_at_ms, attestation_trusted";

/// The rows an answer is made of, for the users bound at `users` (placeholders, repeats
/// allowed), as one statement (so one round trip on either database, alone or after a
/// write): the person with their organisation and group policy (tag `p`; the `default`
/// group's when in none), their verified factors (`f`) and their exceptions (`e`). Every
/// row has ten columns: the tag, the user id, six texts and two integers.
fn answer_rows(users: &str) -> String {
    format!(
        "SELECT 'p', u.id, u.email, u.display_name, o.slug, o.name, g.name, g.policy, \
           CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) \
         FROM users u JOIN organisations o ON o.id = u.org_id \
         LEFT JOIN policy_groups g ON g.id = COALESCE(u.group_id, \
           (SELECT d.id FROM policy_groups d WHERE d.org_id = u.org_id AND d.name = 'default')) \
         WHERE u.id IN ({users}) \
         UNION ALL SELECT {FACTOR_ROW} FROM factors WHERE status = 'verified' AND user_id IN ({users}) \
         UNION ALL SELECT 'e', user_id, owner, reason, NULL, NULL, NULL, NULL, expires_at_ms, NULL \
         FROM policy_exceptions WHERE user_id IN ({users})"
    )
}

/// What answers are made of, per user, read by [`answer_rows`].
#[derive(Default)]
struct AnswerData {
    people: HashMap<String, Person>,
    factors: HashMap<String, Vec<FactorView>>,
    exceptions: HashMap<String, Vec<Exception>>,
}

impl AnswerData {
    /// The rows of `sql` (in [`answer_rows`]' shape) for the user bound as `$1`.
    async fn read(pool: &AnyPool, sql: &str, user_id: &str) -> Result<AnswerData, ServerError> {
        let mut data = AnswerData::default();
        for row in sqlx::query(sql).bind(user_id).fetch_all(pool).await? {
            data.add(&row)?;
        }
        data.sort();
        Ok(data)
    }

    fn add(&mut self, r: &AnyRow) -> Result<(), ServerError> {
        let tag: String = r.get(0);
        let user_id: String = r.get(1);
        match tag.as_str() {
            "p" => {
                let policy = match r.get::<Option<String>, _>(7) {
                    Some(json) => super::compliance::parse_policy(&json)?,
                    None => Policy::default(),
                };
                let user = UserView { id: user_id.clone(), email: r.get(2), display_name: r.get(3) };
                let organisation = OrganisationView { slug: r.get(4), name: r.get(5) };
                self.people.insert(user_id, Person { user, organisation, group: r.get(6), policy });
            }
            "f" => {
                let kind: String = r.get(3);
                let tier = super::kind_tier(&kind)?;
                self.factors.entry(user_id).or_default().push(FactorView {
                    id: r.get(2),
                    kind,
                    tier: tier.into(),
                    verified_at_ms: r.get::<Option<i64>, _>(8).unwrap_or_default(),
                    aaguid: r.get(4),
                    attested: r.get::<Option<i64>, _>(9).unwrap_or(0) != 0,
                    model: r.get(5),
                    certification: r.get(6),
                });
            }
            "e" => self.exceptions.entry(user_id).or_default().push(Exception {
                owner: r.get(2),
                reason: r.get(3),
                expires_at_ms: r.get(8),
            }),
            other => return Err(ServerError::Corrupt(format!("an answer row tagged {other:?}"))),
        }
        Ok(())
    }

    /// Factors oldest first, as the answer lists them.
    fn sort(&mut self) {
        for factors in self.factors.values_mut() {
            factors.sort_by(|a, b| (a.verified_at_ms, &a.id).cmp(&(b.verified_at_ms, &b.id)));
        }
    }

    /// The answer to a device of `user_id` at `now`.
    fn view(
        &self,
        device_id: &str,
        user_id: &str,
        now: UnixMillis,
        reports_received: i64,
        last: Option<(i64, PostureReport)>,
    ) -> Result<PostureView, ServerError> {
        let p = self
            .people
            .get(user_id)
            .ok_or_else(|| ServerError::Corrupt(format!("user {user_id} is referenced but missing")))?;
        let factors = self.factors.get(user_id).cloned().unwrap_or_default();
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
        let excepted = self.exceptions.get(user_id).map_or(&[][..], Vec::as_slice);
        let compliance = p.policy.evaluate(&verified, excepted, now);
        let (last_report_at_ms, last_claims) = last.map_or((None, None), |(at, r)| (Some(at), Some(r)));
        Ok(PostureView {
            device_id: device_id.to_string(),
            user: p.user.clone(),
            organisation: p.organisation.clone(),
            best_tier: best_tier(&factors),
            verified_factors: factors,
            reports_received,
            last_report_at_ms,
            last_claims,
            compliance: crate::views::compliance(p.group.clone(), &p.policy, &compliance),
        })
    }
}

/// What the server believes about a device of `user_id` at `now`, given its report count and
/// last report. Device claims are claims; only factors the server verified count, under the
/// user's policy.
pub async fn answer(
    pool: &AnyPool,
    device_id: &str,
    user_id: &str,
    now: UnixMillis,
    reports_received: i64,
    last: Option<(i64, PostureReport)>,
) -> Result<PostureView, ServerError> {
    AnswerData::read(pool, &answer_rows("$1"), user_id).await?.view(device_id, user_id, now, reports_received, last)
}

fn best_tier(factors: &[FactorView]) -> Option<String> {
    lastmile_core::factor::best_tier(factors.iter().filter_map(|f| FactorKind::from_wire(&f.kind)))
        .map(|t| t.wire().to_string())
}

/// The factors the server verified for a user, oldest first.
pub async fn verified_factors(pool: &AnyPool, user_id: &str) -> Result<Vec<FactorView>, ServerError> {
    let sql = format!("SELECT {FACTOR_ROW} FROM factors WHERE status = 'verified' AND user_id = $1");
    Ok(AnswerData::read(pool, &sql, user_id).await?.factors.remove(user_id).unwrap_or_default())
}
