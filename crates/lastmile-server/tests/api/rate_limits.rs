//! Rate limits through the real server on a loopback socket (so that the source address is
//! the socket's): per source address and per username on the recovery sign-in, per device
//! on new recovery-code sets; 429 with Retry-After, the same whether the username exists.

use super::*;
use lastmile_server::limits::{Limits, Rate};

/// The harness's server on a loopback port, with the source address of each connection;
/// `proxies` are trusted for X-Forwarded-For.
async fn listen(h: &Harness, proxies: Vec<std::net::IpAddr>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let state = h.state.clone().with_trusted_proxies(proxies);
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await });
    base
}

async fn sign_in(base: &str, user: &str, forwarded_for: Option<&str>) -> (u16, Option<String>, Value) {
    let body = serde_json::json!({
        "username": user, "recovery_code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ",
        "attempt_id": lastmile_server::secrets::new_id("rate"), "device": claims(),
    });
    let mut req = reqwest::Client::new().post(format!("{base}/v1/recovery/sign-in")).json(&body);
    if let Some(addr) = forwarded_for {
        req = req.header("x-forwarded-for", addr);
    }
    let r = req.send().await.expect("send");
    let status = r.status().as_u16();
    let retry = r.headers().get("retry-after").map(|v| v.to_str().expect("ascii").to_string());
    (status, retry, r.json().await.expect("json"))
}

/// Three sign-ins per username, then one a minute: the fourth is refused with 429 and a
/// Retry-After, for an existing user exactly as for one that does not exist; another
/// username is not affected, and time refills the allowance.
#[tokio::test]
async fn per_username_limits_do_not_tell_who_exists() {
    let mut h = harness().await;
    let wide = Rate { burst: 1_000, every_ms: 1 };
    h.state = h.state.clone().with_limits(Limits::with(wide, Rate { burst: 3, every_ms: 60_000 }, wide));
    let base = listen(&h, vec![]).await;
    for user in ["ada@acme.test", "nobody@acme.test"] {
        for _ in 0..3 {
            assert_eq!(sign_in(&base, user, None).await.0, 401, "{user}");
        }
        let (status, retry, body) = sign_in(&base, user, None).await;
        assert_eq!((status, retry.as_deref()), (429, Some("60")), "{user}: {body}");
        assert_eq!(error_code(&body), ErrorCode::RateLimited);
    }
    // The key is the username as a person would write it.
    assert_eq!(sign_in(&base, " ADA@acme.test", None).await.0, 429);
    assert_eq!(sign_in(&base, "bob@acme.test", None).await.0, 401);
    h.clock.advance(60_000);
    assert_eq!(sign_in(&base, "ada@acme.test", None).await.0, 401, "one more after a minute");
    assert_eq!(sign_in(&base, "ada@acme.test", None).await.0, 429);
}

/// Per source address: a client cannot escape its limit by naming other addresses in
/// X-Forwarded-For (believed only from a trusted proxy); behind a trusted proxy, each
/// forwarded client has its own allowance.
#[tokio::test]
async fn per_address_limits_believe_only_trusted_proxies() {
    let mut h = harness().await;
    let wide = Rate { burst: 1_000, every_ms: 1 };
    h.state = h.state.clone().with_limits(Limits::with(Rate { burst: 2, every_ms: 60_000 }, wide, wide));
    let direct = listen(&h, vec![]).await;
    assert_eq!(sign_in(&direct, "a1@acme.test", Some("203.0.113.1")).await.0, 401);
    assert_eq!(sign_in(&direct, "a2@acme.test", Some("203.0.113.2")).await.0, 401);
    let (status, retry, _) = sign_in(&direct, "a3@acme.test", Some("203.0.113.3")).await;
    assert_eq!((status, retry.as_deref()), (429, Some("60")), "the forged header is ignored");

    let mut h = harness().await;
    h.state = h.state.clone().with_limits(Limits::with(Rate { burst: 2, every_ms: 60_000 }, wide, wide));
    let proxied = listen(&h, vec!["127.0.0.1".parse().expect("ip")]).await;
    for client in ["203.0.113.1", "203.0.113.2"] {
        for n in 0..2 {
            assert_eq!(sign_in(&proxied, &format!("u{n}@acme.test"), Some(client)).await.0, 401, "{client}");
        }
        assert_eq!(sign_in(&proxied, "u9@acme.test", Some(client)).await.0, 429, "{client}");
    }
}

/// New recovery-code sets (ten argon2id hashes each) per device: five, then one every 10 s.
#[tokio::test]
async fn new_recovery_code_sets_are_limited_per_device() {
    let h = harness().await;
    let ada = h.joined().await;
    let t = Some(ada.device_token.as_str());
    for _ in 0..5 {
        assert_eq!(h.call("POST", "/v1/factors/recovery-codes", t, None).await.0, StatusCode::CREATED);
    }
    let (s, v) = h.call("POST", "/v1/factors/recovery-codes", t, None).await;
    assert_eq!((s, error_code(&v)), (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited), "{v}");
    let other = h.joined().await;
    let (s, _) = h.call("POST", "/v1/factors/recovery-codes", Some(&other.device_token), None).await;
    assert_eq!(s, StatusCode::CREATED, "another device has its own allowance");
    h.clock.advance(10_000);
    assert_eq!(h.call("POST", "/v1/factors/recovery-codes", t, None).await.0, StatusCode::CREATED);
}
