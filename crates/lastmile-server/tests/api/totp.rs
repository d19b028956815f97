//! Authenticator apps (TOTP): enrollment, verification, replay refusal, lockout.

use super::*;
use lastmile_core::clock::UnixMillis;
use lastmile_core::totp::{TotpParams, code_at, secret_from_base32};
use lastmile_proto::api::{FactorView, TotpEnrollment};

async fn begin(h: &Harness, token: &str) -> (TotpEnrollment, Vec<u8>) {
    let (s, v) = h.call("POST", "/v1/factors/totp", Some(token), None).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let e: TotpEnrollment = serde_json::from_value(v).expect("enrollment");
    let secret = secret_from_base32(&e.secret).expect("base32");
    (e, secret)
}

async fn verify(h: &Harness, token: &str, factor: &str, code: &str) -> (StatusCode, Value) {
    let body = serde_json::json!({ "code": code }).to_string();
    h.call("POST", &format!("/v1/factors/totp/{factor}/verify"), Some(token), Some(body)).await
}

fn code(h: &Harness, secret: &[u8], steps: i64) -> String {
    use lastmile_core::clock::Clock;
    code_at(secret, TotpParams::default(), UnixMillis(h.clock.now().0 + steps * 30_000)).expect("code")
}

#[tokio::test]
async fn enrollment_issues_a_160_bit_secret_with_default_parameters() {
    let h = harness().await;
    let dev = h.joined().await;
    let (e, secret) = begin(&h, &dev.device_token).await;
    assert_eq!(secret.len(), 20);
    assert!(e.otpauth_uri.starts_with("otpauth://totp/Acme%20Ltd:ada%40acme.test?"), "{}", e.otpauth_uri);
    assert!(e.otpauth_uri.contains(&format!("secret={}", e.secret)));
    assert_eq!((e.algorithm.as_str(), e.digits, e.period_s, e.widely_supported), ("SHA1", 6, 30, true));
    // Pending factors do not count.
    let (_, v) = h.call("GET", "/v1/devices/me", Some(&dev.device_token), None).await;
    assert_eq!(v["verified_factors"], serde_json::json!([]));
}

#[tokio::test]
async fn a_current_code_verifies_once_and_counts() {
    let h = harness().await;
    let dev = h.joined().await;
    let (e, secret) = begin(&h, &dev.device_token).await;
    let now_code = code(&h, &secret, 0);
    let (s, v) = verify(&h, &dev.device_token, &e.factor_id, &now_code).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let f: FactorView = serde_json::from_value(v).expect("factor");
    assert_eq!((f.kind.as_str(), f.tier.as_str(), f.verified_at_ms), ("totp", "strong", T0));

    // The same code again, or an older one, is a replay.
    for c in [now_code, code(&h, &secret, -1)] {
        let (s, v) = verify(&h, &dev.device_token, &e.factor_id, &c).await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::TotpReplayed), "{v}");
    }
    // The next step's code (drift of one step) is accepted.
    let (s, _) = verify(&h, &dev.device_token, &e.factor_id, &code(&h, &secret, 1)).await;
    assert_eq!(s, StatusCode::OK);

    let (_, v) = h.call("GET", "/v1/devices/me", Some(&dev.device_token), None).await;
    assert_eq!(v["best_tier"], "strong");
    assert_eq!(v["verified_factors"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn codes_outside_the_window_are_wrong_and_failures_lock() {
    let h = harness().await;
    let dev = h.joined().await;
    let (e, secret) = begin(&h, &dev.device_token).await;
    let (s, v) = verify(&h, &dev.device_token, &e.factor_id, "12 34").await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::TotpInvalid), "malformed: {v}");
    for attempt in 1..=4 {
        let (s, v) = verify(&h, &dev.device_token, &e.factor_id, &code(&h, &secret, 2)).await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::TotpInvalid), "{attempt}: {v}");
        let left = format!("{} attempts left", 5 - attempt);
        assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains(&left)), "{v}");
    }
    let (s, v) = verify(&h, &dev.device_token, &e.factor_id, "000000").await;
    assert_eq!((s, error_code(&v)), (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited), "{v}");
    // Locked: even the right code is refused, and the lockout does not verify anything.
    let (s, _) = verify(&h, &dev.device_token, &e.factor_id, &code(&h, &secret, 0)).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    h.clock.advance(5 * 60 * 1000);
    let (s, v) = verify(&h, &dev.device_token, &e.factor_id, &code(&h, &secret, 0)).await;
    assert_eq!(s, StatusCode::OK, "after the lock: {v}");
}

#[tokio::test]
async fn another_users_factor_is_not_found() {
    let h = harness().await;
    let dev = h.joined().await;
    let (e, secret) = begin(&h, &dev.device_token).await;
    admin::create_user(&h.state.db, &*h.clock, "acme", "bob@acme.test", "Bob").await.expect("bob");
    let inv = admin::create_invite(&h.state.db, &*h.clock, "acme", "bob@acme.test", 1, None).await.expect("inv");
    let bob: JoinResponse = serde_json::from_value(h.join(&inv.code).await.1).expect("bob joined");
    let (s, v) = verify(&h, &bob.device_token, &e.factor_id, &code(&h, &secret, 0)).await;
    assert_eq!((s, error_code(&v)), (StatusCode::NOT_FOUND, ErrorCode::NotFound), "{v}");
}
