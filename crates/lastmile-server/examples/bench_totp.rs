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
use std::time::{Duration, Instant};

use lastmile_core::clock::Clock;
use lastmile_core::totp::{TotpParams, code_at, secret_from_base32};
use lastmile_proto::api::{DeviceClaims, JoinRequest, JoinResponse, TotpEnrollment};
use lastmile_server::db::Db;
use lastmile_server::{AppState, SystemClock, admin, app};
use tokio::sync::Semaphore;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[allow(clippy::print_stdout)]
fn report(name: &str, load: &str, mut lat: Vec<Duration>, wall: Duration) {
    lat.sort();
    println!(
        "| {name} | {load} | {} | {:.0}/s | {:.1} ms | {:.1} ms | {:.1} ms |",
        lat.len(),
        lat.len() as f64 / wall.as_secs_f64(),
        percentile(&lat, 0.50).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}

/// Runs `f(i)` for i in 0..n with at most `concurrency` in flight; returns each latency.
async fn run<F, Fut, T>(n: usize, concurrency: usize, f: F) -> (Vec<T>, Vec<Duration>, Duration)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let sem = Arc::new(Semaphore::new(concurrency));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let permit = sem.clone().acquire_owned().await.expect("semaphore");
        let fut = f(i);
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let out = fut.await;
            drop(permit);
            (out, t.elapsed())
        }));
    }
    let mut outs = Vec::with_capacity(n);
    let mut lats = Vec::with_capacity(n);
    for t in tasks {
        let (o, l) = t.await.expect("task");
        outs.push(o);
        lats.push(l);
    }
    (outs, lats, start.elapsed())
}

/// Starts `f(i)` for i in 0..n at `rate` per second whatever the answers; each latency is
/// measured from the request's scheduled start.
async fn run_at_rate<F, Fut, T>(n: usize, rate: f64, f: F) -> (Vec<T>, Vec<Duration>, Duration)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let due = start + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due.into()).await;
        let fut = f(i);
        tasks.push(tokio::spawn(async move {
            let out = fut.await;
            (out, due.elapsed())
        }));
    }
    let mut outs = Vec::with_capacity(n);
    let mut lats = Vec::with_capacity(n);
    for t in tasks {
        let (o, l) = t.await.expect("task");
        outs.push(o);
        lats.push(l);
    }
    (outs, lats, start.elapsed())
}

#[tokio::main]
#[allow(clippy::print_stdout)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let users: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3000);
    let concurrency: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(32);
    let rate: f64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(1200.0);

    let dir = tempfile::tempdir()?;
    let db = Db::open_sqlite(dir.path()).await?;
    let clock = SystemClock;
    admin::create_org(&db, &clock, "bench", "Bench Ltd").await?;
    let mut codes = Vec::with_capacity(users);
    for i in 0..users {
        let email = format!("user{i}@bench.test");
        admin::create_user(&db, &clock, "bench", &email, "").await?;
        codes.push(admin::create_invite(&db, &clock, "bench", &email, 1, None).await?.code);
    }
    let state = AppState::new(db, Arc::new(clock));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app(state)).await });
    let http = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;

    let claims = DeviceClaims {
        hostname: "bench".into(),
        os_name: "Linux".into(),
        os_version: "1".into(),
        arch: "x86_64".into(),
        app_version: "0".into(),
    };
    let codes = Arc::new(codes);
    let (tokens, _, _) = run(users, concurrency, |i| {
        let (http, base, codes, claims) = (http.clone(), base.clone(), codes.clone(), claims.clone());
        async move {
            let req = JoinRequest { invite_code: codes[i].clone(), device: claims };
            let r: JoinResponse = http
                .post(format!("{base}/v1/devices/join"))
                .json(&req)
                .send()
                .await
                .expect("join")
                .json()
                .await
                .expect("json");
            r.device_token
        }
    })
    .await;
    let tokens = Arc::new(tokens);

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
