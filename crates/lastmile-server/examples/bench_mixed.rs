//! The write path under mixed load, as at a company's sign-in peak: TOTP verifications,
//! security-key verifications, recovery-code confirmations and signed posture reports, all
//! at once against one server (release, SQLite, HTTP on loopback; the load generator in the
//! same process on the same cores).
//!
//!     cargo run --release -p lastmile-server --example bench_mixed [USERS] [CONCURRENCY]
//!
//! Each user's device joins with a device key and, before the clock starts, enrolls an
//! authenticator app, gets recovery codes, and registers a security key with the crate's
//! SoftToken (whose verifying assertion is also signed in advance, so that the measured
//! phase holds only the server's work); one user in twenty also gets recovery codes. Then,
//! mixed together: every user verifies a TOTP code, every user's key is verified, every
//! device sends a report, and one user in twenty confirms a recovery code (argon2id:
//! deliberately slow, and rare in real life).
//! Prints one row per operation: its share of the mix, throughput and latency percentiles.

use std::sync::{Arc, Mutex};
use std::time::Duration;

#[path = "common/mod.rs"]
mod common;
use common::{claims, report, run};

use lastmile_core::clock::Clock;
use lastmile_core::totp::{TotpParams, code_at, secret_from_base32};
use lastmile_proto::api::{
    JoinRequest, JoinResponse, RecoveryCodeSet, SIGNATURE_HEADER, SecurityKeyRegistered, TotpEnrollment,
    WebauthnChallenge,
};
use lastmile_server::db::Db;
use lastmile_server::{AppState, SystemClock, app};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softtoken::SoftToken;
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse, Url};

/// One user's prepared work.
struct User {
    token: String,
    totp: TotpEnrollment,
    recovery: Option<RecoveryCodeSet>,
    /// The verify ceremony and the assertion answering it.
    key_verify: (String, serde_json::Value),
    /// A signed report body with its signature.
    report: (String, String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Totp,
    Key,
    Recovery,
    Report,
}

async fn prepare(http: &reqwest::Client, base: &str, code: &str, i: usize, soft: &Mutex<SoftToken>) -> User {
    let key = common::device_key();
    let req = JoinRequest { invite_code: code.into(), device: claims(i), device_public_key: Some(key.public_key()) };
    let joined: JoinResponse =
        http.post(format!("{base}/v1/devices/join")).json(&req).send().await.expect("join").json().await.expect("json");
    let token = joined.device_token;
    let post = |path: &str| http.post(format!("{base}{path}")).bearer_auth(&token);
    let totp: TotpEnrollment = post("/v1/factors/totp").send().await.expect("totp").json().await.expect("json");
    let recovery = if i.is_multiple_of(20) {
        Some(post("/v1/factors/recovery-codes").send().await.expect("codes").json().await.expect("json"))
    } else {
        None
    };
    let ch: WebauthnChallenge =
        post("/v1/factors/security-key").send().await.expect("key").json().await.expect("challenge");
    let options: CreationChallengeResponse = serde_json::from_value(ch.options).expect("options");
    let answer = soft
        .lock()
        .expect("token")
        .do_registration(Url::parse(&ch.origin).expect("origin"), options)
        .expect("registration");
    let registered: SecurityKeyRegistered = post("/v1/factors/security-key/register")
        .json(&serde_json::json!({ "ceremony_id": ch.ceremony_id, "credential": answer }))
        .send()
        .await
        .expect("register")
        .json()
        .await
        .expect("registered");
    let options: RequestChallengeResponse = serde_json::from_value(registered.verify.options).expect("options");
    let assertion = soft
        .lock()
        .expect("token")
        .do_authentication(Url::parse(&registered.verify.origin).expect("origin"), options)
        .expect("assertion");
    let report = common::signed_report(&key, &joined.device_id, i, format!("rpt_{i:032}"), 1, SystemClock.now().0);
    let assertion = serde_json::to_value(assertion).expect("assertion json");
    User { token, totp, recovery, key_verify: (registered.verify.ceremony_id, assertion), report }
}

async fn perform(http: &reqwest::Client, base: &str, user: &User, op: Op) -> u16 {
    let post = |path: String| http.post(format!("{base}{path}")).bearer_auth(&user.token);
    let response = match op {
        Op::Totp => {
            let secret = secret_from_base32(&user.totp.secret).expect("secret");
            let code = code_at(&secret, TotpParams::default(), SystemClock.now()).expect("code");
            post(format!("/v1/factors/totp/{}/verify", user.totp.factor_id))
                .json(&serde_json::json!({ "code": code }))
                .send()
                .await
        }
        Op::Key => {
            let (ceremony, assertion) = &user.key_verify;
            post("/v1/factors/security-key/verify".into())
                .json(&serde_json::json!({ "ceremony_id": ceremony, "credential": assertion }))
                .send()
                .await
        }
        Op::Recovery => {
            let set = user.recovery.as_ref().expect("this user has recovery codes");
            post(format!("/v1/factors/recovery-codes/{}/confirm", set.factor_id))
                .json(&serde_json::json!({ "code": set.codes[0] }))
                .send()
                .await
        }
        Op::Report => {
            let (body, signature) = &user.report;
            post("/v1/posture".into())
                .header(SIGNATURE_HEADER, signature)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
        }
    };
    response.expect("request").status().as_u16()
}

#[tokio::main]
#[allow(clippy::print_stdout)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let users: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1500);
    let concurrency: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(32);

    let dir = tempfile::tempdir()?;
    let db = Db::open_sqlite(dir.path()).await?;
    let codes = common::org_with_invites(&db, users).await?;
    let state = AppState::new(db, Arc::new(SystemClock));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app(state)).await });
    let http = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;

    // Preparation (not measured): 8 clients, each with its own software authenticator.
    let softs: Arc<Vec<Mutex<SoftToken>>> =
        Arc::new((0..8).map(|_| Mutex::new(SoftToken::new(true).expect("soft token").0)).collect());
    let codes = Arc::new(codes);
    let (prepared, _, _) = run(users, 8, |i| {
        let (http, base, codes, softs) = (http.clone(), base.clone(), codes.clone(), softs.clone());
        async move { prepare(&http, &base, &codes[i], i, &softs[i % softs.len()]).await }
    })
    .await;
    let prepared = Arc::new(prepared);

    // The mix, interleaved: per user a TOTP code, a report, a key; a recovery code for one in 20.
    let mut ops: Vec<(usize, Op)> = Vec::new();
    for u in 0..users {
        ops.extend([(u, Op::Totp), (u, Op::Report), (u, Op::Key)]);
        if u % 20 == 0 {
            ops.push((u, Op::Recovery));
        }
    }
    let ops = Arc::new(ops);
    let latencies: Arc<Mutex<Vec<(Op, Duration)>>> = Arc::new(Mutex::new(Vec::new()));
    let (statuses, all, wall) = run(ops.len(), concurrency, |i| {
        let (http, base, prepared, ops, lat) =
            (http.clone(), base.clone(), prepared.clone(), ops.clone(), latencies.clone());
        async move {
            let (user, op) = ops[i];
            let started = std::time::Instant::now();
            let status = perform(&http, &base, &prepared[user], op).await;
            if let Ok(mut l) = lat.lock() {
                l.push((op, started.elapsed()));
            }
            status
        }
    })
    .await;
    let refused: Vec<u16> = statuses.iter().copied().filter(|&s| s != 200).collect();
    assert!(refused.is_empty(), "{} operations were refused: {refused:?}", refused.len());

    let lat = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    let of =
        |want: fn(Op) -> bool| -> Vec<Duration> { lat.iter().filter(|(op, _)| want(*op)).map(|(_, d)| *d).collect() };
    println!("| operation | load | requests | throughput | p50 | p99 | max |");
    println!("|---|---|---|---|---|---|---|");
    let load = format!("mixed, {concurrency} clients");
    report("mixed: all operations", &load, all, wall);
    report("mixed: TOTP verification", &load, of(|o| o == Op::Totp), wall);
    report("mixed: security-key verification", &load, of(|o| o == Op::Key), wall);
    report("mixed: posture report", &load, of(|o| o == Op::Report), wall);
    report("mixed: recovery-code confirmation", &load, of(|o| o == Op::Recovery), wall);
    Ok(())
}
