//! Security keys on the server, measured: WebAuthn registration plus the verifying
//! assertion (webauthn-rs as the relying party) over HTTP on loopback, SQLite.
//!
//!     cargo run --release -p lastmile-server --example bench_webauthn [USERS] [CONCURRENCY]
//!
//! Each user's device starts a registration, the crate's SoftToken answers it (on a
//! blocking thread of this process: it shares the 2 cores with the server), the server
//! checks it and starts the assertion, the SoftToken signs, the server verifies. The table
//! gives the server's latency per request and the ceremonies completed per second.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "common/mod.rs"]
mod common;
use common::{report, run};

use lastmile_proto::api::{SecurityKeyRegistered, WebauthnChallenge};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softtoken::SoftToken;
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse, Url};

#[derive(Default)]
struct Latencies {
    begin: Vec<Duration>,
    register: Vec<Duration>,
    verify: Vec<Duration>,
}

#[tokio::main]
#[allow(clippy::print_stdout)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let users: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let concurrency: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(16);

    let (_dir, base, http, tokens) = common::joined_users(users, concurrency).await?;
    // One software authenticator per client (making one creates a CA: not part of the measure).
    let authenticators: Vec<Arc<Mutex<SoftToken>>> =
        (0..concurrency).map(|_| Arc::new(Mutex::new(SoftToken::new(true).expect("soft token").0))).collect();
    let authenticators = Arc::new(authenticators);
    let latencies = Arc::new(Mutex::new(Latencies::default()));

    let (oks, _, wall) = run(users, concurrency, |i| {
        let (http, base, tokens, auths, lat) =
            (http.clone(), base.clone(), tokens.clone(), authenticators.clone(), latencies.clone());
        async move {
            let token = &tokens[i];
            let soft = auths[i % auths.len()].clone();
            let t = Instant::now();
            let ch: WebauthnChallenge = http
                .post(format!("{base}/v1/factors/security-key"))
                .bearer_auth(token)
                .send()
                .await
                .expect("begin")
                .json()
                .await
                .expect("challenge");
            let begin = t.elapsed();
            let (s2, origin) = (soft.clone(), ch.origin.clone());
            let answer = tokio::task::spawn_blocking(move || {
                let options: CreationChallengeResponse = serde_json::from_value(ch.options).expect("options");
                let mut soft = s2.lock().expect("token");
                soft.do_registration(Url::parse(&origin).expect("origin"), options).expect("registration")
            })
            .await
            .expect("task");
            let t = Instant::now();
            let registered: SecurityKeyRegistered = http
                .post(format!("{base}/v1/factors/security-key/register"))
                .bearer_auth(token)
                .json(&serde_json::json!({ "ceremony_id": ch.ceremony_id, "credential": answer }))
                .send()
                .await
                .expect("register")
                .json()
                .await
                .expect("registered");
            let register = t.elapsed();
            let verify = registered.verify;
            let origin = verify.origin.clone();
            let options = verify.options.clone();
            let assertion = tokio::task::spawn_blocking(move || {
                let options: RequestChallengeResponse = serde_json::from_value(options).expect("options");
                let mut soft = soft.lock().expect("token");
                soft.do_authentication(Url::parse(&origin).expect("origin"), options).expect("assertion")
            })
            .await
            .expect("task");
            let t = Instant::now();
            let r = http
                .post(format!("{base}/v1/factors/security-key/verify"))
                .bearer_auth(token)
                .json(&serde_json::json!({ "ceremony_id": verify.ceremony_id, "credential": assertion }))
                .send()
                .await
                .expect("verify");
            let ok = r.status() == 200;
            let verified = t.elapsed();
            if let Ok(mut l) = lat.lock() {
                l.begin.push(begin);
                l.register.push(register);
                l.verify.push(verified);
            }
            ok
        }
    })
    .await;
    assert_eq!(oks.iter().filter(|o| **o).count(), users, "every key must be verified");
    let l = std::mem::take(&mut *latencies.lock().expect("latencies"));
    println!("\nSecurity keys on the server: {users} users, {concurrency} clients, SQLite, HTTP on loopback\n");
    println!(
        "{users} registrations + verifications in {:.1} s: {:.0} ceremonies/s (the software authenticator's signing included)\n",
        wall.as_secs_f64(),
        users as f64 / wall.as_secs_f64()
    );
    println!("| server request | load | requests | rate | p50 | p99 | max |\n|---|---|---|---|---|---|---|");
    let load = format!("{concurrency} clients");
    report("start registration (options, ceremony row)", &load, l.begin, wall);
    report("finish registration (attestation checked, key stored, assertion started)", &load, l.register, wall);
    report("finish verification (signature, counter, factor verified, audit event)", &load, l.verify, wall);
    Ok(())
}
