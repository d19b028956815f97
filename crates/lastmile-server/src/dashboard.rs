//! The administrator's dashboard of one organisation: coverage by group and by tier, users
//! with gaps and since when, mean time to remediate, exceptions and their expiry, recent
//! events. Every figure comes from an aggregate query over indexed tables (the compliance
//! rows are kept current on write), so the page stays fast at 100,000 users.

use lastmile_core::clock::UnixMillis;
use std::collections::BTreeMap;

use lastmile_core::policy::Gap;
use serde::Serialize;
use sqlx::AnyPool;
use utoipa::ToSchema;

use crate::ServerError;
use crate::store::{self, Org};

/// How many users with gaps, exceptions and events the dashboard lists.
pub const LIST_LIMIT: i64 = 100;
pub const EVENT_LIMIT: i64 = 20;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    pub organisation: String,
    pub organisation_slug: String,
    pub generated_at_ms: i64,
    pub totals: Coverage,
    /// Coverage of each policy group (users in no group are under `default`).
    pub groups: Vec<GroupCoverage>,
    /// Users by their strongest verified tier (`none`: no verified factor).
    pub tiers: Vec<TierCount>,
    /// Users with a gap and no exception, the longest-standing first.
    pub gaps: Vec<UserGap>,
    /// Mean time from a gap opening to its closing, over every gap closed so far.
    pub mean_time_to_remediate_ms: Option<i64>,
    pub remediations: i64,
    /// Exceptions in force, the soonest to expire first.
    pub exceptions: Vec<ExceptionView>,
    pub recent_events: Vec<EventView>,
    /// Applications that sign people in with Lastmile's factors (OpenID Connect clients).
    pub sign_in_clients: i64,
    /// Per factor kind that can sign in: how many are verified, used, and the last use.
    pub factor_use: Vec<FactorUse>,
    /// Verified factors never used to sign in, the longest-standing first.
    pub never_used: Vec<UnusedFactor>,
}

/// Proof of use of one factor kind.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FactorUse {
    /// `security_key` or `totp`.
    pub kind: String,
    pub verified: i64,
    /// Used at least once to sign in.
    pub used: i64,
    pub never_used: i64,
    pub last_used_at_ms: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnusedFactor {
    pub email: String,
    pub kind: String,
    pub verified_at_ms: i64,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Coverage {
    pub users: i64,
    /// The policy is met by verified factors.
    pub compliant: i64,
    /// Not met, but an exception is in force.
    pub excepted: i64,
    /// Neither.
    pub with_gap: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupCoverage {
    pub group: String,
    #[serde(flatten)]
    pub coverage: Coverage,
    pub min_tier: String,
    /// The enforcement level now for its users with a gap.
    pub level: Option<String>,
    pub deadline_ms: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TierCount {
    pub tier: String,
    pub users: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserGap {
    pub email: String,
    pub group: String,
    pub gaps: Vec<String>,
    pub since_ms: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExceptionView {
    pub email: String,
    pub owner: String,
    pub reason: String,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub seq: i64,
    pub at_ms: i64,
    pub kind: String,
    pub email: Option<String>,
    pub detail: String,
}

/// Builds the dashboard of `org` at `now`.
pub async fn build(pool: &AnyPool, org: &Org, now: UnixMillis) -> Result<Dashboard, ServerError> {
    use store::dashboard as q;
    // Independent reads, run at once on the pool's connections.
    let (
        policies,
        counts,
        excepted,
        gap_rows,
        mttr,
        exception_rows,
        event_rows,
        sign_in_clients,
        use_rows,
        unused_rows,
    ) = tokio::try_join!(
        store::policy::group_policies(pool, org),
        q::coverage_counts(pool, org),
        q::excepted_per_group(pool, org, now),
        q::longest_gaps(pool, org, now, LIST_LIMIT),
        q::remediation_totals(pool, org),
        q::exceptions_in_force(pool, org, now, LIST_LIMIT),
        q::recent_events(pool, org, EVENT_LIMIT),
        q::sign_in_clients(pool, org),
        q::factor_use(pool, org),
        q::never_used(pool, org, LIST_LIMIT),
    )?;
    let policy_of = |name: &str| policies.iter().find(|(n, _)| n == name).map(|(_, p)| p.clone()).unwrap_or_default();

    let mut by_group: BTreeMap<String, Coverage> = BTreeMap::new();
    let mut by_tier: BTreeMap<String, i64> = BTreeMap::new();
    for c in counts {
        let entry = by_group.entry(c.group).or_default();
        entry.users += c.users;
        if c.met {
            entry.compliant += c.users;
        }
        *by_tier.entry(c.best_tier.unwrap_or_else(|| "none".into())).or_default() += c.users;
    }
    for (group, n) in excepted {
        by_group.entry(group).or_default().excepted = n;
    }
    let mut totals = Coverage::default();
    let groups = by_group
        .into_iter()
        .map(|(name, mut coverage)| {
            coverage.with_gap = coverage.users - coverage.compliant - coverage.excepted;
            totals.users += coverage.users;
            totals.compliant += coverage.compliant;
            totals.excepted += coverage.excepted;
            totals.with_gap += coverage.with_gap;
            let policy = policy_of(&name);
            GroupCoverage {
                group: name,
                coverage,
                min_tier: policy.min_tier.wire().into(),
                level: policy.level_at(now).map(|l| format!("{l:?}").to_lowercase()),
                deadline_ms: policy.deadline_ms,
            }
        })
        .collect();

    let mut tiers: Vec<TierCount> = by_tier.into_iter().map(|(tier, users)| TierCount { tier, users }).collect();
    tiers.sort_by_key(|t| std::cmp::Reverse(t.users));

    let gaps = gap_rows
        .into_iter()
        .map(|g| {
            let gaps = match serde_json::from_str::<Vec<Gap>>(&g.gaps_json) {
                Ok(list) if !list.is_empty() => list.iter().map(ToString::to_string).collect(),
                _ => vec!["no verified factor yet".to_string()],
            };
            UserGap { email: g.email, group: g.group, gaps, since_ms: g.since_ms }
        })
        .collect();
    let exceptions = exception_rows
        .into_iter()
        .map(|e| ExceptionView { email: e.email, owner: e.owner, reason: e.reason, expires_at_ms: e.expires_at_ms })
        .collect();
    let recent_events = event_rows
        .into_iter()
        .map(|e| EventView { seq: e.seq, at_ms: e.at_ms, kind: e.kind, email: e.email, detail: e.detail })
        .collect();

    let factor_use = use_rows
        .into_iter()
        .map(|f| FactorUse {
            kind: f.kind,
            verified: f.verified,
            used: f.used,
            never_used: f.verified - f.used,
            last_used_at_ms: f.last_used_ms,
        })
        .collect();
    let never_used = unused_rows
        .into_iter()
        .map(|u| UnusedFactor { email: u.email, kind: u.kind, verified_at_ms: u.verified_at_ms })
        .collect();

    Ok(Dashboard {
        organisation: org.name.clone(),
        organisation_slug: org.slug.clone(),
        generated_at_ms: now.0,
        totals,
        groups,
        tiers,
        gaps,
        mean_time_to_remediate_ms: mttr.filter(|(n, _)| *n > 0).map(|(n, total)| total / n),
        remediations: mttr.map_or(0, |(n, _)| n),
        exceptions,
        recent_events,
        sign_in_clients,
        factor_use,
        never_used,
    })
}

/// HTML-escapes text.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// A UTC date and time, `2026-11-23 14:05`.
fn when(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let minutes = ms.div_euclid(60_000).rem_euclid(24 * 60);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", minutes / 60, minutes % 60)
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's method).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn duration(ms: i64) -> String {
    let h = ms / 3_600_000;
    if h >= 48 {
        format!("{} days", h / 24)
    } else if h >= 1 {
        format!("{h} h")
    } else {
        format!("{} min", ms / 60_000)
    }
}

/// The dashboard as a page (no scripts; styles inline).
pub fn html(d: &Dashboard) -> String {
    let pct = |n: i64| if d.totals.users == 0 { 0 } else { n * 100 / d.totals.users };
    let mut out = String::with_capacity(16 * 1024);
    out.push_str(&format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Lastmile · {org}</title>\
         <meta name=viewport content='width=device-width'><style>{STYLE}</style></head><body>\
         <header><h1>Lastmile</h1><span>{org} · {now} UTC</span>\
         <form method=post action=/admin/logout class=out><button>Sign out</button></form></header><main>\
         <section class=cards><div><b>{users}</b>users</div><div class=ok><b>{c}%</b>compliant ({cn})</div>\
         <div class=warn><b>{e}</b>excepted</div><div class=bad><b>{g}</b>with a gap</div>\
         <div><b>{mttr}</b>mean time to remediate ({rn})</div></section>",
        org = esc(&d.organisation),
        now = when(d.generated_at_ms),
        users = d.totals.users,
        c = pct(d.totals.compliant),
        cn = d.totals.compliant,
        e = d.totals.excepted,
        g = d.totals.with_gap,
        mttr = d.mean_time_to_remediate_ms.map_or_else(|| "–".into(), duration),
        rn = d.remediations,
    ));
    out.push_str("<section><h2>Coverage by group</h2><table><tr><th>Group<th>Needs<th>Users<th>Compliant<th>Excepted<th>Gap<th>Enforcement</tr>");
    for g in &d.groups {
        let deadline = g.deadline_ms.map(|t| format!(" · deadline {}", when(t))).unwrap_or_default();
        out.push_str(&format!(
            "<tr><td>{}<td>{}<td>{}<td>{}<td>{}<td>{}<td>{}{}</tr>",
            esc(&g.group),
            esc(&g.min_tier.replace('_', "-")),
            g.coverage.users,
            g.coverage.compliant,
            g.coverage.excepted,
            g.coverage.with_gap,
            g.level.as_deref().unwrap_or("–"),
            esc(&deadline)
        ));
    }
    out.push_str(
        "</table></section><section><h2>Users by strongest verified factor</h2><table><tr><th>Tier<th>Users</tr>",
    );
    for t in &d.tiers {
        out.push_str(&format!("<tr><td>{}<td>{}</tr>", esc(&t.tier.replace('_', "-")), t.users));
    }
    out.push_str("</table></section><section><h2>Open gaps</h2><table><tr><th>User<th>Group<th>Missing<th>Since</tr>");
    for u in &d.gaps {
        out.push_str(&format!(
            "<tr><td>{}<td>{}<td>{}<td>{}</tr>",
            esc(&u.email),
            esc(&u.group),
            esc(&u.gaps.join("; ")),
            when(u.since_ms)
        ));
    }
    out.push_str(
        "</table></section><section><h2>Exceptions in force</h2><table><tr><th>User<th>Owner<th>Reason<th>Expires</tr>",
    );
    for e in &d.exceptions {
        out.push_str(&format!(
            "<tr><td>{}<td>{}<td>{}<td>{}</tr>",
            esc(&e.email),
            esc(&e.owner),
            esc(&e.reason),
            when(e.expires_at_ms)
        ));
    }
    out.push_str("</table></section>");
    proof_of_use(&mut out, d);
    out.push_str("<section><h2>Recent events</h2><table><tr><th>#<th>When<th>What<th>User<th>Detail</tr>");
    for e in &d.recent_events {
        out.push_str(&format!(
            "<tr><td>{}<td>{}<td>{}<td>{}<td><code>{}</code></tr>",
            e.seq,
            when(e.at_ms),
            esc(&e.kind),
            esc(e.email.as_deref().unwrap_or("")),
            esc(&e.detail)
        ));
    }
    out.push_str("</table></section><p class=muted>The same data as JSON: <code>GET /admin/api/dashboard</code>. Export the audit log with <code>lastmile-server admin audit export</code>.</p></main></body></html>");
    out
}

/// A factor kind as the dashboard names it.
fn kind_name(kind: &str) -> &str {
    match kind {
        "security_key" => "security key",
        "totp" => "authenticator app",
        other => other,
    }
}

/// The proof of use: each factor kind's sign-ins through the OpenID Connect provider, and the
/// factors enrolled but never used to sign in.
fn proof_of_use(out: &mut String, d: &Dashboard) {
    out.push_str("<section><h2>Proof of use: sign-ins with Lastmile factors</h2>");
    if d.sign_in_clients == 0 {
        out.push_str(
            "<p class=muted>No application signs people in with Lastmile yet (OpenID Connect: \
             <code>lastmile-server admin oidc-client create</code>). Once one does, each factor's last use \
             and the factors enrolled but never used appear here.</p></section>",
        );
        return;
    }
    out.push_str("<table><tr><th>Factor<th>Verified<th>Used to sign in<th>Never used<th>Last sign-in</tr>");
    for f in &d.factor_use {
        out.push_str(&format!(
            "<tr><td>{}<td>{}<td>{}<td>{}<td>{}</tr>",
            kind_name(&f.kind),
            f.verified,
            f.used,
            f.never_used,
            f.last_used_at_ms.map_or_else(|| "never".into(), when)
        ));
    }
    out.push_str("</table><h3>Enrolled, never used to sign in</h3><table><tr><th>User<th>Factor<th>Verified</tr>");
    for u in &d.never_used {
        out.push_str(&format!(
            "<tr><td>{}<td>{}<td>{}</tr>",
            esc(&u.email),
            kind_name(&u.kind),
            when(u.verified_at_ms)
        ));
    }
    out.push_str("</table></section>");
}

/// The sign-in page (the admin token is kept in an HttpOnly cookie afterwards).
pub fn login_html(message: Option<&str>) -> String {
    format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Lastmile · sign in</title><style>{STYLE}</style></head>\
         <body><header><h1>Lastmile</h1><span>administration</span></header><main><section>\
         <h2>Sign in</h2>{}<form method=post action=/admin/login><label>Admin token \
         <input name=token type=password autocomplete=off required placeholder='lma_…'></label> <button>Open the dashboard</button></form>\
         <p class=muted>Create a token with <code>lastmile-server admin token create --org SLUG --name WHO</code>.</p>\
         </section></main></body></html>",
        message.map(|m| format!("<p class=bad>{}</p>", esc(m))).unwrap_or_default()
    )
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2433;background:#f5f6f8}\
header{display:flex;gap:1em;align-items:baseline;padding:.8em 1.5em;background:#1d2433;color:#fff}h1{font-size:1.2em;margin:0}\
main{padding:1em 1.5em;max-width:72em}section{background:#fff;border-radius:8px;padding:.8em 1.2em;margin:0 0 1em}\
h2{font-size:1em;margin:.2em 0 .6em}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #e4e7ec;vertical-align:top}\
th{font-weight:600;color:#4a5468}.cards{display:flex;gap:1em;flex-wrap:wrap;background:none;padding:0}\
.cards div{background:#fff;border-radius:8px;padding:.8em 1.2em;min-width:9em}.cards b{display:block;font-size:1.6em}\
.ok b{color:#16794c}.warn b{color:#a86400}.bad b,.bad{color:#b42318}.muted{color:#5b6577}code{font-size:.85em;word-break:break-all}\
input{font:inherit;padding:.3em}button{font:inherit;padding:.35em .9em}.out{margin-left:auto}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_escaping() {
        assert_eq!(when(0), "1970-01-01 00:00");
        assert_eq!(when(1_795_392_000_000 + 14 * 3_600_000 + 5 * 60_000), "2026-11-23 14:05");
        assert_eq!(when(951_782_400_000), "2000-02-29 00:00");
        assert_eq!(esc("<script>\"x\"&'"), "&lt;script&gt;&quot;x&quot;&amp;&#39;");
        assert_eq!(duration(90 * 60_000), "1 h");
        assert_eq!(duration(3 * 86_400_000), "3 days");
    }
}
