//! The server's own memory under the report load: the real `lastmile-server` binary runs as
//! a separate process (SQLite in a temporary directory), this process joins 1,000 devices
//! and sends it 30,000 signed reports from 32 clients, then reads the server's resident
//! memory (VmRSS) and its peak (VmHWM) from /proc. Unlike `bench_reports`, whose figure is
//! its whole process, this one holds the server alone.
//!
//! Before the reports, a burst of BURST recovery-code creations at once (each ten argon2id
//! hashes of 19 MiB): the server's peak memory during the burst, and how many it admitted
//! (the rest are refused with 503 by the bounded key-derivation queue). The peak is reset
//! (`/proc/PID/clear_refs`) before each phase.
//!
//!     cargo build --release -p lastmile-server
//!     cargo run --release -p lastmile-server --example bench_server_memory [REPORTS] [CONCURRENCY]

use std::sync::Arc;

#[path = "common/mod.rs"]
mod common;
use common::report;

use lastmile_core::clock::Clock;
use lastmile_server::SystemClock;
use lastmile_server::db::Db;

const DEVICES: usize = 1_000;
/// Recovery-code creations sent at once.
const BURST: usize = 100;

/// Resets the peak resident memory (VmHWM) of process `pid` to its current size.
fn reset_peak(pid: u32) -> anyhow::Result<()> {
    Ok(std::fs::write(format!("/proc/{pid}/clear_refs"), "5")?)
}

/// BURST recovery-code creations at once, one per device: their statuses.
async fn kdf_burst(http: &reqwest::Client, base: &str, devices: &[common::Joined]) -> Vec<u16> {
    let tasks: Vec<_> = devices
        .iter()
        .take(BURST)
        .map(|(_, token, _)| {
            let request = http.post(format!("{base}/v1/factors/recovery-codes")).bearer_auth(token).send();
            tokio::spawn(async move { request.await.map_or(0, |r| r.status().as_u16()) })
        })
        .collect();
    let mut statuses = Vec::with_capacity(tasks.len());
    for t in tasks {
        statuses.push(t.await.unwrap_or(0));
    }
    statuses
}

#[tokio::main]
#[allow(clippy::print_stdout)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(30_000);
    let concurrency: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(32);
    let bin = std::env::current_exe()?
        .parent()
        .and_then(|examples| examples.parent())
        .map(|release| release.join("lastmile-server"))
        .filter(|p| p.exists())
        .ok_or_else(|| anyhow::anyhow!("build the server first: cargo build --release -p lastmile-server"))?;

    let dir = tempfile::tempdir()?;
    let db = Db::open_sqlite(dir.path()).await?;
    let codes = Arc::new(common::org_with_invites(&db, DEVICES).await?);
    db.pool.close().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut server = std::process::Command::new(bin)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(dir.path())
        .env("LASTMILE_LOG", "warn")
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
    for _ in 0..100 {
        if http.get(format!("{base}/v1/health")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let pid = server.id();
    let (idle_rss, _) = common::memory_mib(&pid.to_string());

    let devices = common::join_devices(&http, &base, codes, concurrency).await;
    reset_peak(pid)?;
    let started = std::time::Instant::now();
    let burst = kdf_burst(&http, &base, &devices).await;
    let burst_wall = started.elapsed();
    let (after_burst, burst_peak) = common::memory_mib(&pid.to_string());
    let created = burst.iter().filter(|&&s| s == 201).count();
    let busy = burst.iter().filter(|&&s| s == 503).count();
    anyhow::ensure!(created + busy == BURST, "unexpected answers to the burst: {burst:?}");

    reset_peak(pid)?;
    let bodies = common::signed_reports(&devices, n, SystemClock.now().0);
    let (statuses, lat, wall) = common::send_reports(&http, &base, bodies, concurrency).await;
    let (rss, peak) = common::memory_mib(&pid.to_string());
    let _ = server.kill();
    let _ = server.wait();
    let refused = statuses.iter().filter(|&&s| s != 200).count();
    anyhow::ensure!(refused == 0, "{refused} reports were refused");
    println!("| operation | load | requests | throughput | p50 | p99 | max |");
    println!("|---|---|---|---|---|---|---|");
    report("posture report (the server in its own process), SQLite", &format!("{concurrency} clients"), lat, wall);
    println!("| server resident memory, idle before the load | | | {idle_rss:.0} MiB | | | |");
    println!(
        "| recovery-code creations at once ({BURST}): created, refused with 503 | | | {created}; {busy} in {:.1} s | | | |",
        burst_wall.as_secs_f64()
    );
    println!("| server peak resident memory during the burst | | | {burst_peak:.0} MiB | | | |");
    println!("| server resident memory once the burst is over | | | {after_burst:.0} MiB | | | |");
    println!("| server resident memory after the reports | | | {rss:.0} MiB | | | |");
    println!("| server peak resident memory during the reports | | | {peak:.0} MiB | | | |");
    Ok(())
}
