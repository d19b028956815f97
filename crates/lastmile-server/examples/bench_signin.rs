//! Sign-ins through the OpenID Connect provider, measured: the authorization code flow with a
//! security key, over HTTP on loopback against a real SQLite database.
//!
//!     cargo run --release -p lastmile-server --example bench_signin [USERS] [CONCURRENCY]
//!
//! Each user's device joined and enrolled a security key (the crate's SoftToken, as the app
//! does). Then CONCURRENCY relying parties sign the users in, closed loop: the page
//! (`GET /oidc/authorize`: request checked and stored), the key's options for the email, the
//! SoftToken's assertion (on a blocking thread of this process: it shares the 2 cores), the
//! answer (`POST /oidc/authorize/key`: assertion verified, counter and last use kept, the code
//! and the audit event written), and the token endpoint (client secret, code redeemed once,
//! PKCE, an RS256 ID token signed). The sign-in rate limits are lifted: they are per source
//! address, and here every sign-in comes from one. Also the page's weight.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "common/mod.rs"]
mod common;
use common::{report, run};

use lastmile_core::clock::Clock;
use lastmile_proto::api::{SecurityKeyRegistered, WebauthnChallenge};
use lastmile_server::admin::{ClientAuth, ClientRequest, register_oidc_client};
use lastmile_server::limits::{Limits, Rate};
use lastmile_server::oidc::{Issuer, Provider};
use lastmile_server::{AppState, SystemClock, app};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softtoken::SoftToken;
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse, Url};

/// S256 of VERIFIER (checked against Python's hashlib in the provider's unit tests).
const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K1uKC3GNCwu6LfFeZlq6yqA7RJ";
const CHALLENGE: &str = "bA8_D9CS8Nyufgxxzp2GUDcSGN3mtl1L_YM338jwimU";
const REDIRECT: &str = "http://127.0.0.1:9/callback";

#[derive(Default)]
struct Latencies {
    page: Vec<Duration>,
    options: Vec<Duration>,
    answer: Vec<Duration>,
    token: Vec<Duration>,
    total: Vec<Duration>,
}

fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

fn request_id(html: &str) -> String {
    let start = html.find("name=\"request\" value=\"").expect("the form") + "name=\"request\" value=\"".len();
    html[start..].split('"').next().expect("value").to_string()
}

#[tokio::main]
#[allow(clippy::print_stdout)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let users: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let concurrency: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(16);

    let dir = tempfile::tempdir()?;
    let db = lastmile_server::db::Db::open_sqlite(dir.path()).await?;
    let codes = common::org_with_invites(&db, users).await?;
    let clock = SystemClock;
    let req = ClientRequest {
        name: "Bench relying party".into(),
        profile: "generic".into(),
        redirect_uris: vec![REDIRECT.into()],
        auth: ClientAuth::Secret,
        tenants: vec![],
        entra_app_id: None,
        factors: "any".into(),
        pkce: "required".into(),
    };
    let client = register_oidc_client(&db, &clock, "bench", &req).await?;
    let (client_id, secret) = (client.client.client_id.clone(), client.client_secret.clone().unwrap_or_default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    // On localhost: the page is under the relying party's ID, so keys answer there.
    let issuer = Issuer::parse(&format!("http://localhost:{}", listener.local_addr()?.port()))?;
    let provider = Provider::start(issuer.clone(), dir.path().join("oidc-keys.json"), clock.now())?;
    let lifted = Rate { burst: 1_000_000, every_ms: 1 };
    let state = AppState::new(db, Arc::new(SystemClock))
        .with_oidc(Arc::new(provider))
        .with_limits(Limits::with(lifted, lifted, lifted));
    tokio::spawn(async move { axum::serve(listener, app(state)).await });
    let base = issuer.to_string();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;

    // Devices join and enroll a key each (one SoftToken per client holds its users' keys).
    let tokens: Vec<Arc<Mutex<SoftToken>>> =
        (0..concurrency).map(|_| Arc::new(Mutex::new(SoftToken::new(true).expect("soft token").0))).collect();
    let tokens = Arc::new(tokens);
    let codes = Arc::new(codes);
    let (enrolled, _, enroll_wall) = run(users, concurrency, |i| {
        let (http, base, codes, tokens) = (http.clone(), base.clone(), codes.clone(), tokens.clone());
        async move {
            let joined: serde_json::Value = http
                .post(format!("{base}/v1/devices/join"))
                .json(&serde_json::json!({ "invite_code": codes[i], "device": common::claims(i) }))
                .send()
                .await
                .expect("join")
                .json()
                .await
                .expect("json");
            let device = joined["device_token"].as_str().expect("token").to_string();
            let soft = tokens[i % tokens.len()].clone();
            let ch: WebauthnChallenge = http
                .post(format!("{base}/v1/factors/security-key"))
                .bearer_auth(&device)
                .send()
                .await
                .expect("begin")
                .json()
                .await
                .expect("challenge");
            let s = soft.clone();
            let origin = ch.origin.clone();
            let options = ch.options.clone();
            let answer = tokio::task::spawn_blocking(move || {
                let options: CreationChallengeResponse = serde_json::from_value(options).expect("options");
                s.lock()
                    .expect("token")
                    .do_registration(Url::parse(&origin).expect("origin"), options)
                    .expect("register")
            })
            .await
            .expect("task");
            let reg: SecurityKeyRegistered = http
                .post(format!("{base}/v1/factors/security-key/register"))
                .bearer_auth(&device)
                .json(&serde_json::json!({ "ceremony_id": ch.ceremony_id, "credential": answer }))
                .send()
                .await
                .expect("register")
                .json()
                .await
                .expect("registered");
            let (origin, options) = (reg.verify.origin.clone(), reg.verify.options.clone());
            let assertion = tokio::task::spawn_blocking(move || {
                let options: RequestChallengeResponse = serde_json::from_value(options).expect("options");
                soft.lock()
                    .expect("token")
                    .do_authentication(Url::parse(&origin).expect("origin"), options)
                    .expect("assert")
            })
            .await
            .expect("task");
            http.post(format!("{base}/v1/factors/security-key/verify"))
                .bearer_auth(&device)
                .json(&serde_json::json!({ "ceremony_id": reg.verify.ceremony_id, "credential": assertion }))
                .send()
                .await
                .expect("verify")
                .status()
                == 200
        }
    })
    .await;
    assert_eq!(enrolled.iter().filter(|o| **o).count(), users, "every key enrolled");
    eprintln!("{users} keys enrolled in {:.1} s", enroll_wall.as_secs_f64());

    // The page's weight, as a browser fetches it.
    let authorize = format!(
        "{base}/oidc/authorize?client_id={client_id}&redirect_uri={}&response_type=code&scope=openid&state=s&nonce=n\
         &code_challenge={CHALLENGE}&code_challenge_method=S256&login_hint=user0%40bench.test",
        url::form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect::<String>()
    );
    let html_bytes = http.get(&authorize).send().await?.bytes().await?.len();
    let script_bytes = http.get(format!("{base}/oidc/signin.js")).send().await?.bytes().await?.len();

    let latencies = Arc::new(Mutex::new(Latencies::default()));
    let (oks, _, wall) = run(users, concurrency, |i| {
        let (http, base, tokens, lat) = (http.clone(), base.clone(), tokens.clone(), latencies.clone());
        let (authorize, client_id, secret) = (authorize.clone(), client_id.clone(), secret.clone());
        async move {
            let email = format!("user{i}@bench.test");
            let soft = tokens[i % tokens.len()].clone();
            let t = Instant::now();
            let html = http.get(&authorize).send().await.expect("page").text().await.expect("html");
            let page = t.elapsed();
            let request = request_id(&html);
            let t = Instant::now();
            let options: RequestChallengeResponse = http
                .post(format!("{base}/oidc/authorize/key/options"))
                .body(form(&[("request", &request), ("username", &email)]))
                .send()
                .await
                .expect("options")
                .json()
                .await
                .expect("json");
            let options_took = t.elapsed();
            let origin = base.clone();
            let assertion = tokio::task::spawn_blocking(move || {
                let answer = soft
                    .lock()
                    .expect("token")
                    .do_authentication(Url::parse(&origin).expect("origin"), options)
                    .expect("assertion");
                serde_json::to_string(&answer).expect("json")
            })
            .await
            .expect("task");
            let t = Instant::now();
            let r = http
                .post(format!("{base}/oidc/authorize/key"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form(&[("request", &request), ("username", &email), ("credential", &assertion)]))
                .send()
                .await
                .expect("answer");
            let answer = t.elapsed();
            let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            let code = url::Url::parse(&location)
                .ok()
                .and_then(|u| u.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()))
                .unwrap_or_default();
            let t = Instant::now();
            let token = http
                .post(format!("{base}/oidc/token"))
                .basic_auth(&client_id, Some(&secret))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form(&[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", VERIFIER),
                ]))
                .send()
                .await
                .expect("token");
            let status = token.status();
            let body = token.text().await.unwrap_or_default();
            let ok = status == 200 && body.contains("\"id_token\"");
            if !ok && i == 0 {
                eprintln!("sign-in 0: answer to {location:?}; token {status}: {body}");
            }
            let token_took = t.elapsed();
            if let Ok(mut l) = lat.lock() {
                l.page.push(page);
                l.options.push(options_took);
                l.answer.push(answer);
                l.token.push(token_took);
                l.total.push(page + options_took + answer + token_took);
            }
            ok
        }
    })
    .await;
    assert_eq!(oks.iter().filter(|o| **o).count(), users, "every sign-in must get its ID token");
    let l = std::mem::take(&mut *latencies.lock().expect("latencies"));
    println!(
        "\nSign-ins through the OpenID Connect provider (code flow, security key): {users} users, SQLite, HTTP on loopback\n"
    );
    println!("| operation | load | requests | throughput | p50 | p99 | max |\n|---|---|---|---|---|---|---|");
    let load = format!("{concurrency} clients");
    report("sign-in, code flow with a security key (the server's four requests)", &load, l.total, wall);
    report("  the page (request checked, stored)", &load, l.page, wall);
    report("  the key's options", &load, l.options, wall);
    report("  the key's answer (assertion verified, code, audit event)", &load, l.answer, wall);
    report("  the token endpoint (code redeemed, RS256 ID token)", &load, l.token, wall);
    println!(
        "| sign-in page weight: HTML; its script (uncompressed) | | | {:.1} KiB; {:.1} KiB | | | |",
        html_bytes as f64 / 1024.0,
        script_bytes as f64 / 1024.0
    );
    Ok(())
}
