//! Two `lastmile-server` replicas on one PostgreSQL database: nothing a request needs lives
//! in one replica's memory, and the audit chain stays whole when both write at once.

use lastmile_proto::api::{DeviceClaims, JoinRequest, JoinResponse, WebauthnChallenge};
use lastmile_tests::{Postgres, Server};
use serde_json::Value;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softtoken::SoftToken;
use webauthn_rs_proto::{CreationChallengeResponse, RequestChallengeResponse};

fn claims(n: usize) -> DeviceClaims {
    DeviceClaims {
        hostname: format!("laptop-{n}"),
        os_name: "Debian GNU/Linux".into(),
        os_version: "12".into(),
        arch: "x86_64".into(),
        app_version: "0.1.0".into(),
    }
}

async fn post(http: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut req = http.post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_serve_one_postgres_database() {
    let pg = Postgres::start().expect("PostgreSQL (scripts/setup.sh --test installs it)");
    let url = pg.database("lastmile").expect("database");
    // One seal key for both (kept outside either data directory), as replicas must share it.
    let keys = tempfile::tempdir().expect("keys");
    let seal = keys.path().join("seal.key");
    let seal = seal.to_str().expect("utf8");
    let env = [("LASTMILE_DATABASE_URL", url.as_str()), ("LASTMILE_SEAL_KEY_FILE", seal)];
    let a = Server::start_with_env(&env).expect("replica A");
    let b = Server::start_with_env(&env).expect("replica B");
    a.seed().expect("seed");
    let http = reqwest::Client::new();

    // Ten devices join at the same moment, half through each replica.
    let mut codes = Vec::new();
    for _ in 0..10 {
        codes.push(a.invite().expect("invite").0);
    }
    let joins = codes.into_iter().enumerate().map(|(n, code)| {
        let base = if n % 2 == 0 { a.url() } else { b.url() };
        let body = serde_json::to_value(JoinRequest { invite_code: code, device: claims(n), device_public_key: None })
            .expect("json");
        let http = http.clone();
        tokio::spawn(async move { post(&http, format!("{base}/v1/devices/join"), None, body).await })
    });
    let mut tokens = Vec::new();
    for join in joins {
        let (status, v) = join.await.expect("task");
        assert_eq!(status, 201, "{v}");
        tokens.push(serde_json::from_value::<JoinResponse>(v).expect("joined").device_token);
    }

    // A token issued by A works on B; a security-key ceremony started on A finishes on B,
    // and its verification started on B finishes on A.
    let token = tokens[0].as_str();
    let (status, v) = post(&http, format!("{}/v1/factors/security-key", a.url()), Some(token), Value::Null).await;
    assert_eq!(status, 201, "{v}");
    let ch: WebauthnChallenge = serde_json::from_value(v).expect("challenge");
    let mut key = SoftToken::new(true).expect("soft token").0;
    let origin = webauthn_authenticator_rs::prelude::Url::parse(&ch.origin).expect("origin");
    let options: CreationChallengeResponse = serde_json::from_value(ch.options).expect("options");
    let answer = key.do_registration(origin.clone(), options).expect("registration");
    let body = serde_json::json!({"ceremony_id": ch.ceremony_id, "credential": answer});
    let (status, v) = post(&http, format!("{}/v1/factors/security-key/register", b.url()), Some(token), body).await;
    assert_eq!(status, 201, "{v}");
    let verify: WebauthnChallenge = serde_json::from_value(v["verify"].clone()).expect("verify");
    let options: RequestChallengeResponse = serde_json::from_value(verify.options).expect("options");
    let answer = key.do_authentication(origin, options).expect("assertion");
    let body = serde_json::json!({"ceremony_id": verify.ceremony_id, "credential": answer});
    let (status, v) = post(&http, format!("{}/v1/factors/security-key/verify", a.url()), Some(token), body).await;
    assert_eq!(status, 200, "{v}");
    let me: Value = http
        .get(format!("{}/v1/devices/me", b.url()))
        .bearer_auth(token)
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me["best_tier"], "phishing_resistant", "B sees what A recorded: {me}");

    // A TOTP seed sealed by B opens on A: the replicas share the seal key.
    let (status, v) = post(&http, format!("{}/v1/factors/totp", b.url()), Some(tokens[1].as_str()), Value::Null).await;
    assert_eq!(status, 201, "{v}");
    let secret = lastmile_core::totp::secret_from_base32(v["secret"].as_str().expect("secret")).expect("base32");
    let code = lastmile_core::totp::code_at(
        &secret,
        lastmile_core::totp::TotpParams::default(),
        lastmile_core::clock::UnixMillis(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64,
        ),
    )
    .expect("code");
    let url = format!("{}/v1/factors/totp/{}/verify", a.url(), v["factor_id"].as_str().expect("id"));
    let (status, v) = post(&http, url, Some(tokens[1].as_str()), serde_json::json!({ "code": code })).await;
    assert_eq!(status, 200, "{v}");

    // Both replicas wrote audit events concurrently; the chain is whole and complete.
    let stats = b.stats().expect("stats");
    assert_eq!(stats["devices"], 10, "{stats}");
    let out = b.admin_command(&["audit", "verify"]).output().expect("verify");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let audit = a.admin(&["audit"]).expect("audit");
    let joined = audit.lines().filter(|l| l.contains("\"device.joined\"")).count();
    assert_eq!(joined, 10, "{audit}");
}
