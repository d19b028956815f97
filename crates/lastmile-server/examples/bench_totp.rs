//! TOTP on the server, measured: enrollment latency and verification throughput with the
//! replay state persisted, over HTTP on loopback against a real SQLite database.
//!
//!     cargo run --release -p lastmile-server --example bench_totp [USERS] [CONCURRENCY] [RATE]
//!
//! Each user joins a device, enrolls TOTP, then verifies one current code (computed here
//! with lastmile-core), so every verification reads the factor, persists its step and writes
//! the audit event. Half the users are driven closed-loop (CONCURRENCY clients as fast as
//! they go: the throughput ceiling, with queueing in the latencies); the other half
//! open-loop at RATE requests per second (latency measured from each request's scheduled
//! start, so a stall is not hidden): the latency at the budget's throughput.

use std::sync::Arc;

#[path = "common/mod.rs"]
mod common;
use common::{report, run, run_at_rate};

use lastmile_core::clock::Clock;
use lastmile_core::totp::{TotpParams, code_at, secret_from_base32};
use lastmile_proto::api::TotpEnrollment;
use lastmile_server::SystemClock;

#[tokio::main]
#[allow(clippy::print_stdout)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let users: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3000);
    let concurrency: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(32);
    let rate: f64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(1200.0);

    let (_dir, base, http, tokens) = common::joined_users(users, concurrency).await?;

    let half = users / 2;
    let enroll = |offset: usize| {
        let (http, base, tokens) = (http.clone(), base.clone(), tokens.clone());
        move |i: usize| {
            let (http, base, tokens) = (http.clone(), base.clone(), tokens.clone());
            async move {
                let r = http
                    .post(format!("{base}/v1/factors/totp"))
                    .bearer_auth(&tokens[offset + i])
                    .send()
                    .await
                    .expect("begin");
                assert_eq!(r.status(), 201);
                r.json::<TotpEnrollment>().await.expect("json")
            }
        }
    };
    let verify = |offset: usize, enrollments: Arc<Vec<TotpEnrollment>>| {
        let (http, base, tokens) = (http.clone(), base.clone(), tokens.clone());
        move |i: usize| {
            let (http, base, tokens, enrollments) = (http.clone(), base.clone(), tokens.clone(), enrollments.clone());
            async move {
                let e = &enrollments[i];
                let secret = secret_from_base32(&e.secret).expect("secret");
                let code = code_at(&secret, TotpParams::default(), SystemClock.now()).expect("code");
                let r = http
                    .post(format!("{base}/v1/factors/totp/{}/verify", e.factor_id))
                    .bearer_auth(&tokens[offset + i])
                    .json(&serde_json::json!({ "code": code }))
                    .send()
                    .await
                    .expect("verify");
                r.status() == 200
            }
        }
    };

    let (closed_enrollments, enroll_lat, enroll_wall) = run(half, concurrency, enroll(0)).await;
    let (closed_ok, verify_lat, verify_wall) = run(half, concurrency, verify(0, Arc::new(closed_enrollments))).await;
    let (open_enrollments, enroll_rate_lat, enroll_rate_wall) = run_at_rate(users - half, rate, enroll(half)).await;
    let (open_ok, verify_rate_lat, verify_rate_wall) =
        run_at_rate(users - half, rate, verify(half, Arc::new(open_enrollments))).await;
    let ok = closed_ok.iter().chain(&open_ok).filter(|a| **a).count();
    assert_eq!(ok, users, "every verification must be accepted");

    println!("\nTOTP on the server: {users} users, SQLite, HTTP on loopback\n");
    println!("| operation | load | requests | throughput | p50 | p99 | max |\n|---|---|---|---|---|---|---|");
    let closed = format!("{concurrency} clients, closed loop");
    let open = format!("{rate:.0}/s, open loop");
    report("TOTP enrollment", &closed, enroll_lat, enroll_wall);
    report("TOTP enrollment", &open, enroll_rate_lat, enroll_rate_wall);
    report("TOTP verification (+ replay step, audit event)", &closed, verify_lat, verify_wall);
    report("TOTP verification (+ replay step, audit event)", &open, verify_rate_lat, verify_rate_wall);
    Ok(())
}
