//! Posture reports and the dashboard, measured over HTTP on loopback: on SQLite, and on
//! PostgreSQL when `LASTMILE_BENCH_DATABASE_URL` names a server (a fresh database is made).
//!
//!     cargo run --release -p lastmile-server --example bench_reports [REPORTS] [CONCURRENCY] [USERS] [EVENTS]
//!
//! (USERS 0 leaves the dashboard out.)
//!
//! Reports: DEVICES devices join with device keys; every report is signed beforehand (the
//! client's cost is not the server's), then sent closed-loop by CONCURRENCY clients. Each one
//! is authenticated, its signature verified, stored once with its sequence number, and
//! answered with the server's view of the device.
//!
//! Dashboard: an organisation of USERS users (default 100,000) with compliance rows, a verified
//! factor each (seven in ten used to sign in), two policy groups, exceptions, and EVENTS audit events (default 1,000,000), written straight
//! into the database in bulk (the events carry placeholder hashes: this database is for
//! timing, not for `audit verify`); then the dashboard is fetched sequentially, as JSON and
//! as the HTML page.

use std::sync::Arc;
use std::time::Instant;

#[path = "common/mod.rs"]
mod common;
use common::report;

use lastmile_server::batch::Queues;
use lastmile_server::db::Db;
use lastmile_server::{AppState, SystemClock, admin, app};

const DEVICES: usize = 1_000;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

async fn serve(db: Db) -> anyhow::Result<(String, Queues)> {
    let state = AppState::new(db, Arc::new(SystemClock));
    let queues = state.queues.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app(state)).await });
    Ok((base, queues))
}

/// The mean number of calls per batch since `before`.
fn mean_batch(now: (u64, u64), before: (u64, u64)) -> f64 {
    (now.1 - before.1) as f64 / (now.0 - before.0).max(1) as f64
}

/// Resident memory of this process (server and load generator together), in MiB.
#[allow(clippy::print_stdout)]
async fn reports(db: Db, label: &str, n: usize, concurrency: usize) -> anyhow::Result<()> {
    let codes = common::org_with_invites(&db, DEVICES).await?;
    let (base, queues) = serve(db).await?;
    let http = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
    let devices = common::join_devices(&http, &base, Arc::new(codes), concurrency).await;
    let bodies = common::signed_reports(&devices, n, now_ms());
    let before = [queues.devices.counts(), queues.reports.counts()];
    let busy_before = [queues.devices.busy(), queues.reports.busy()];
    // For a profiler to attach to the load alone (the setup signs every report).
    eprintln!("sending {n} reports on {label} (pid {})", std::process::id());
    let cpu = common::cpu_seconds();
    let (statuses, lat, wall) = common::send_reports(&http, &base, bodies, concurrency).await;
    let cpu = common::cpu_seconds() - cpu;
    let failed = statuses.iter().filter(|&&s| s != 200).count();
    assert_eq!(failed, 0, "{failed} reports were refused");
    report(&format!("posture report, {label}"), &format!("{concurrency} clients"), lat, wall);
    let after = [queues.devices.counts(), queues.reports.counts()];
    println!(
        "| mean batch, {label}: device lookups {:.1}, report writes with their answers {:.1} | | | | | | |",
        mean_batch(after[0], before[0]),
        mean_batch(after[1], before[1])
    );
    println!(
        "| CPU per report, {label} (this process: server and clients; not the database server) | | | {:.0} us | | | |",
        cpu * 1e6 / n as f64
    );
    let busy = [queues.devices.busy(), queues.reports.busy()];
    let per = |i: usize| (busy[i] - busy_before[i]).as_secs_f64() * 1e6 / (after[i].0 - before[i].0).max(1) as f64;
    println!(
        "| time per batch, {label}: device lookups {:.0} us, report writes with their answers {:.0} us | | | | | | |",
        per(0),
        per(1)
    );
    if label == "SQLite" {
        // Only meaningful for the first run: later ones inherit the heap of the seeding.
        println!(
            "| resident memory after the reports (server and clients in one process) | | | {:.0} MiB | | | |",
            common::memory_mib("self").0
        );
    }
    Ok(())
}

/// Writes USERS users, their compliance rows, groups, exceptions and EVENTS audit events.
async fn seed_dashboard(db: &Db, users: usize, events: usize) -> anyhow::Result<String> {
    let clock = SystemClock;
    let org = admin::create_org(db, &clock, "big", "Big Corp").await?;
    admin::set_group(db, &clock, "big", "default", r#"{"min_tier":"strong"}"#).await?;
    admin::set_group(
        db,
        &clock,
        "big",
        "engineering",
        r#"{"min_tier":"phishing_resistant","recovery_codes_required":true}"#,
    )
    .await?;
    let groups: Vec<String> = sqlx::query_scalar("SELECT id FROM policy_groups WHERE org_id = $1 ORDER BY name")
        .bind(&org.id)
        .fetch_all(&db.pool)
        .await?;
    let now = now_ms();
    let tiers = ["'phishing_resistant'", "'strong'", "'recovery'", "NULL"];
    for chunk in (0..users).collect::<Vec<_>>().chunks(1000) {
        let mut u =
            String::from("INSERT INTO users (id, org_id, email, display_name, created_at_ms, group_id) VALUES ");
        let mut c = String::from(
            "INSERT INTO user_compliance (user_id, org_id, met, best_tier, gaps, gap_since_ms, remediated_at_ms, updated_at_ms, group_name) VALUES ",
        );
        for (k, &i) in chunk.iter().enumerate() {
            let sep = if k == 0 { "" } else { "," };
            let group = if i % 5 == 0 { format!("'{}'", groups[1]) } else { "NULL".into() };
            u += &format!(
                "{sep}('usr_big{i}', '{}', 'user{i}@big.test', 'User {i}', {}, {group})",
                org.id,
                now - 90 * 86_400_000
            );
            let met = i % 10 < 7;
            let (tier, gaps) = if met {
                (tiers[i % 2], "[]")
            } else {
                (tiers[2 + i % 2], r#"[{"gap":"tier","have":null,"need":"strong"}]"#)
            };
            let remediated = if met { (now - (i as i64 % 30) * 86_400_000).to_string() } else { "NULL".into() };
            let group_name = if i % 5 == 0 { "engineering" } else { "default" };
            c += &format!(
                "{sep}('usr_big{i}', '{}', {}, {tier}, '{gaps}', {}, {remediated}, {now}, '{group_name}')",
                org.id,
                i64::from(met),
                now - 90 * 86_400_000 + (i as i64 % 50) * 3_600_000
            );
        }
        sqlx::query(&u).execute(&db.pool).await?;
        sqlx::query(&c).execute(&db.pool).await?;
        // One verified factor each (keys and apps alternately); seven in ten used to sign in.
        let mut f = String::from(
            "INSERT INTO factors (id, user_id, kind, status, created_at_ms, verified_at_ms, last_used_at_ms, org_id) VALUES ",
        );
        for (k, &i) in chunk.iter().enumerate() {
            let sep = if k == 0 { "" } else { "," };
            let kind = if i % 2 == 0 { "security_key" } else { "totp" };
            let verified = now - 60 * 86_400_000 + i as i64;
            let used = if i % 10 < 7 { (now - (i as i64 % 30) * 86_400_000).to_string() } else { "NULL".into() };
            f += &format!(
                "{sep}('fac_big{i}', 'usr_big{i}', '{kind}', 'verified', {verified}, {verified}, {used}, '{}')",
                org.id
            );
        }
        sqlx::query(&f).execute(&db.pool).await?;
    }
    let mut e = String::from(
        "INSERT INTO policy_exceptions (id, user_id, owner, reason, created_at_ms, expires_at_ms) VALUES ",
    );
    for i in 0..(users / 10).min(500) {
        let sep = if i == 0 { "" } else { "," };
        e += &format!(
            "{sep}('exc_big{i}', 'usr_big{}', 'it@big.test', 'waiting for a key', {now}, {})",
            i * 10 + 7,
            now + (i as i64 + 1) * 86_400_000
        );
    }
    sqlx::query(&e).execute(&db.pool).await?;
    let start_seq: i64 = sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1").fetch_one(&db.pool).await?;
    let placeholder = "0".repeat(64);
    for chunk in (0..events).collect::<Vec<_>>().chunks(2000) {
        let mut q = String::from(
            "INSERT INTO audit_events (at_ms, org_id, user_id, device_id, factor_id, kind, detail, seq, prev_hash, hash) VALUES ",
        );
        for (k, &i) in chunk.iter().enumerate() {
            let sep = if k == 0 { "" } else { "," };
            q += &format!(
                "{sep}({}, '{}', 'usr_big{}', NULL, NULL, 'factor.verified', '{{\"kind\":\"totp\"}}', {}, '{placeholder}', '{placeholder}')",
                now - (events - i) as i64 * 1000,
                org.id,
                i % users,
                start_seq + 1 + i as i64
            );
        }
        sqlx::query(&q).execute(&db.pool).await?;
    }
    sqlx::query("UPDATE audit_head SET seq = $1 WHERE id = 1")
        .bind(start_seq + events as i64)
        .execute(&db.pool)
        .await?;
    // Planner statistics and PostgreSQL's visibility map (for index-only scans), as a live
    // database has them: autovacuum gathers them within minutes of a bulk load.
    let maintenance = if db.backend == lastmile_server::db::Backend::Postgres { "VACUUM ANALYZE" } else { "ANALYZE" };
    sqlx::query(maintenance).execute(&db.pool).await?;
    Ok(admin::create_admin_token(db, &clock, "big", "bench").await?)
}

async fn dashboard(db: Db, label: &str, users: usize, events: usize) -> anyhow::Result<()> {
    let t = Instant::now();
    let token = seed_dashboard(&db, users, events).await?;
    eprintln!("seeded {users} users and {events} events on {label} in {:.0} s", t.elapsed().as_secs_f64());
    let (base, _) = serve(db).await?;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    // The page answers a dashboard session (the cookie the sign-in form sets), the JSON a token.
    let signed_in = http
        .post(format!("{base}/admin/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}"))
        .send()
        .await?;
    let cookie = signed_in
        .headers()
        .get("set-cookie")
        .and_then(|c| c.to_str().ok())
        .and_then(|c| c.split(';').next())
        .ok_or_else(|| anyhow::anyhow!("no session cookie"))?
        .to_string();
    for (what, path) in [("dashboard JSON", "/admin/api/dashboard"), ("dashboard page", "/admin")] {
        let mut lat = Vec::new();
        let start = Instant::now();
        for _ in 0..20 {
            let t = Instant::now();
            let r = http.get(format!("{base}{path}")).bearer_auth(&token).header("cookie", &cookie).send().await?;
            assert_eq!(r.status(), 200, "{path}");
            let body = r.text().await?;
            assert!(body.contains("user") || body.contains("Big Corp"));
            lat.push(t.elapsed());
        }
        report(&format!("{what}, {label}"), &format!("{users} users, {events} events"), lat, start.elapsed());
    }
    Ok(())
}

#[tokio::main]
#[allow(clippy::print_stdout)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(30_000);
    let concurrency: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(32);
    let users: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let events: usize = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    println!("| what | load | n | throughput | p50 | p99 | max |");
    println!("|---|---|---|---|---|---|---|");
    let dir = tempfile::tempdir()?;
    reports(Db::open_sqlite(&dir.path().join("reports")).await?, "SQLite", n, concurrency).await?;
    // LASTMILE_BENCH_KEEP=DIR keeps the SQLite dashboard database there, for EXPLAIN.
    let dash_dir = std::env::var("LASTMILE_BENCH_KEEP").map_or_else(|_| dir.path().join("dashboard"), Into::into);
    if users > 0 {
        dashboard(Db::open_sqlite(&dash_dir).await?, "SQLite", users, events).await?;
    }
    if let Ok(admin_url) = std::env::var("LASTMILE_BENCH_DATABASE_URL") {
        let (base_url, _) = admin_url.rsplit_once('/').ok_or_else(|| anyhow::anyhow!("URL without a database"))?;
        for name in ["bench_reports", "bench_dashboard"] {
            use sqlx::{Connection, Executor};
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&admin_url).await?;
            conn.execute(format!("DROP DATABASE IF EXISTS {name}").as_str()).await?;
            conn.execute(format!("CREATE DATABASE {name}").as_str()).await?;
        }
        reports(Db::open(&format!("{base_url}/bench_reports")).await?, "PostgreSQL", n, concurrency).await?;
        if users > 0 {
            dashboard(Db::open(&format!("{base_url}/bench_dashboard")).await?, "PostgreSQL", users, events).await?;
        }
    }
    Ok(())
}
