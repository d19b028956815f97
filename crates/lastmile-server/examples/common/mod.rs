//! Helpers shared by the server benchmarks (included with `#[path]`, not an example).

#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[allow(clippy::print_stdout)]
pub fn report(name: &str, load: &str, mut lat: Vec<Duration>, wall: Duration) {
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
pub async fn run<F, Fut, T>(n: usize, concurrency: usize, f: F) -> (Vec<T>, Vec<Duration>, Duration)
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
pub async fn run_at_rate<F, Fut, T>(n: usize, rate: f64, f: F) -> (Vec<T>, Vec<Duration>, Duration)
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

/// `VmRSS` and `VmHWM` (peak) of a process (`"self"` or a pid), in MiB.
pub fn memory_mib(pid: &str) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time this process has used so far (user and system, all threads), in seconds; 0 where
/// `/proc` is missing. Steadier than throughput on a machine whose speed varies between runs.
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command's name (in parentheses, possibly with spaces): utime and
    // stime are the 12th and 13th, in clock ticks (100 a second on Linux).
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// The benchmark organisation with `users` users, each with a fresh invite: their codes.
pub async fn org_with_invites(db: &lastmile_server::db::Db, users: usize) -> anyhow::Result<Vec<String>> {
    use lastmile_server::{SystemClock, admin};
    let clock = SystemClock;
    admin::create_org(db, &clock, "bench", "Bench Ltd").await?;
    let mut codes = Vec::with_capacity(users);
    for i in 0..users {
        let email = format!("user{i}@bench.test");
        admin::create_user(db, &clock, "bench", &email, "").await?;
        codes.push(admin::create_invite(db, &clock, "bench", &email, 1, None).await?.code);
    }
    Ok(codes)
}

/// What device `i` says about itself.
pub fn claims(i: usize) -> lastmile_proto::api::DeviceClaims {
    lastmile_proto::api::DeviceClaims {
        hostname: format!("laptop-{i}"),
        os_name: "Debian GNU/Linux".into(),
        os_version: "12".into(),
        arch: "x86_64".into(),
        app_version: "0.1.0".into(),
    }
}

/// A device key from fresh random bytes.
pub fn device_key() -> lastmile_core::device_key::DeviceKey {
    use rand::Rng;
    lastmile_core::device_key::DeviceKey::from_random(&rand::rng().random()).expect("key")
}

/// A posture report from device `i` (no keys, no clock claim), as the body that is sent
/// and its signature by `key`.
pub fn signed_report(
    key: &lastmile_core::device_key::DeviceKey,
    device_id: &str,
    i: usize,
    report_id: String,
    sequence: i64,
    now_ms: i64,
) -> (String, String) {
    use lastmile_proto::api::{AuthenticatorClaims, PostureReport};
    let report = PostureReport {
        report_id,
        sequence,
        generated_at_ms: now_ms,
        device: claims(i),
        authenticators: AuthenticatorClaims {
            security_keys: Vec::new(),
            platform_authenticator: Some(false),
            tpm: Some(false),
        },
        clock: None,
    };
    let body = serde_json::to_string(&report).expect("json");
    let signature = key.sign_report(device_id, body.as_bytes());
    (body, signature)
}

/// A server on loopback with an SQLite database and `users` users whose devices have
/// joined: the base URL, an HTTP client and one device token per user. The temporary
/// directory must outlive the run.
pub async fn joined_users(
    users: usize,
    concurrency: usize,
) -> anyhow::Result<(tempfile::TempDir, String, reqwest::Client, Arc<Vec<String>>)> {
    use lastmile_proto::api::{DeviceClaims, JoinRequest, JoinResponse};
    use lastmile_server::db::Db;
    use lastmile_server::{AppState, SystemClock, app};

    let dir = tempfile::tempdir()?;
    let db = Db::open_sqlite(dir.path()).await?;
    let codes = org_with_invites(&db, users).await?;
    let state = AppState::new(db, Arc::new(SystemClock));
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
            let req = JoinRequest { invite_code: codes[i].clone(), device: claims, device_public_key: None };
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
    Ok((dir, base, http, Arc::new(tokens)))
}

/// A joined device: its id, its token and its key.
pub type Joined = (String, String, lastmile_core::device_key::DeviceKey);

/// Joins one device per invite code, each with a fresh device key.
pub async fn join_devices(
    http: &reqwest::Client,
    base: &str,
    codes: Arc<Vec<String>>,
    concurrency: usize,
) -> Vec<Joined> {
    use lastmile_proto::api::{JoinRequest, JoinResponse};
    let (devices, _, _) = run(codes.len(), concurrency, |i| {
        let (http, base, codes) = (http.clone(), base.to_string(), codes.clone());
        async move {
            let key = device_key();
            let req = JoinRequest {
                invite_code: codes[i].clone(),
                device: claims(i),
                device_public_key: Some(key.public_key()),
            };
            let r = http.post(format!("{base}/v1/devices/join")).json(&req).send().await.expect("join");
            let joined: JoinResponse = r.json().await.expect("json");
            (joined.device_id, joined.device_token, key)
        }
    })
    .await;
    devices
}

/// `n` reports signed in advance, round robin over `devices`: report i is device
/// i % devices' number i / devices + 1. Each as (token, body, signature).
pub fn signed_reports(devices: &[Joined], n: usize, now_ms: i64) -> Arc<Vec<(String, String, String)>> {
    Arc::new(
        (0..n)
            .map(|i| {
                let (device_id, token, key) = &devices[i % devices.len()];
                let sequence = (i / devices.len() + 1) as i64;
                let (body, signature) =
                    signed_report(key, device_id, i % devices.len(), format!("rpt_{i:032}"), sequence, now_ms);
                (token.clone(), body, signature)
            })
            .collect(),
    )
}

/// Sends the reports closed-loop with `concurrency` clients: each answer's status, each
/// latency, the wall time.
pub async fn send_reports(
    http: &reqwest::Client,
    base: &str,
    bodies: Arc<Vec<(String, String, String)>>,
    concurrency: usize,
) -> (Vec<u16>, Vec<Duration>, Duration) {
    run(bodies.len(), concurrency, |i| {
        let (http, base, bodies) = (http.clone(), base.to_string(), bodies.clone());
        async move {
            let (token, body, signature) = &bodies[i];
            http.post(format!("{base}/v1/posture"))
                .bearer_auth(token)
                .header(lastmile_proto::api::SIGNATURE_HEADER, signature)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .expect("report")
                .status()
                .as_u16()
        }
    })
    .await
}
