//! Lockouts are exact under concurrency, through the real server on loopback: an attempt is
//! counted before its code is checked, so a burst of guesses cannot pass the limit, and once
//! it is reached no code, right or wrong, is checked until the lock ends.

use super::*;
use lastmile_core::clock::{Clock, UnixMillis};
use lastmile_core::totp::{TotpParams, code_at};
use lastmile_proto::api::RecoveryCodeSet;

/// The harness's server on a loopback port: its base URL.
async fn listen(h: &Harness) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let state = h.state.clone();
    tokio::spawn(async move { axum::serve(listener, app(state)).await });
    base
}

/// Sends every body at once; returns each answer's status and error code (if any).
async fn burst(url: &str, token: Option<&str>, bodies: Vec<String>) -> Vec<(u16, Option<ErrorCode>)> {
    let http = reqwest::Client::new();
    let calls = bodies.into_iter().map(|body| {
        let (http, url, token) = (http.clone(), url.to_string(), token.map(str::to_string));
        tokio::spawn(async move {
            let mut req = http.post(url).header("content-type", "application/json").body(body);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let r = req.send().await.expect("send");
            let status = r.status().as_u16();
            let v: Value = r.json().await.expect("json");
            (status, serde_json::from_value::<ErrorBody>(v).ok().map(|b| b.error.code))
        })
    });
    let mut out = Vec::new();
    for c in calls.collect::<Vec<_>>() {
        out.push(c.await.expect("task"));
    }
    out
}

async fn failed_attempts(h: &Harness, factor: &str) -> i64 {
    sqlx::query_scalar("SELECT failed_attempts FROM factors WHERE id = $1")
        .bind(factor)
        .fetch_one(&h.state.db.pool)
        .await
        .expect("factor")
}

/// 60 wrong TOTP codes at once: exactly five are checked (four answered with the attempts
/// left, the fifth with the lock), the other 55 are refused unchecked, the count stops at
/// five, and then even the right code is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_wrong_totp_codes_counts_exactly_to_the_limit() {
    let h = harness().await;
    let base = listen(&h).await;
    let dev = h.joined().await;
    let (e, secret) = h.totp(&dev.device_token).await;
    let wrong = code_at(&secret, TotpParams::default(), UnixMillis(h.clock.now().0 + 10 * 30_000)).expect("code");
    let url = format!("{base}/v1/factors/totp/{}/verify", e.factor_id);
    let bodies = (0..60).map(|_| serde_json::json!({ "code": wrong }).to_string()).collect();
    let answers = burst(&url, Some(&dev.device_token), bodies).await;
    let checked_wrong = answers.iter().filter(|a| a.1 == Some(ErrorCode::TotpInvalid)).count();
    let locked = answers.iter().filter(|a| a.0 == 429).count();
    assert_eq!((checked_wrong, locked), (4, 56), "{answers:?}");
    assert_eq!(failed_attempts(&h, &e.factor_id).await, 5);
    let right = code_at(&secret, TotpParams::default(), h.clock.now()).expect("code");
    let answers = burst(&url, Some(&dev.device_token), vec![serde_json::json!({ "code": right }).to_string()]).await;
    assert_eq!(answers[0].0, 429, "the right code is not checked while locked");
}

/// Four wrong recovery codes, then the right one together with 24 wrong ones: only one of
/// the 25 is checked (the fifth attempt). The right code signs in only if it was that one;
/// the limit is never passed. (The rate limits are lifted and the key-derivation queue
/// widened here, to reach the lockout.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_right_recovery_code_in_a_burst_of_guesses_is_not_checked_past_the_limit() {
    let mut h = harness().await;
    h.state = h.state.clone().with_limits(unlimited()).with_kdf(lastmile_server::kdf::Kdf::new(2, 64));
    let base = listen(&h).await;
    let dev = h.joined().await;
    let (s, v) = h.call("POST", "/v1/factors/recovery-codes", Some(&dev.device_token), None).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let set: RecoveryCodeSet = serde_json::from_value(v).expect("set");
    let url = format!("{base}/v1/recovery/sign-in");
    let body = |code: &str, n: usize| {
        let mut device = claims();
        device.hostname = "hotel-pc".into();
        serde_json::json!({
            "username": "ada@acme.test", "recovery_code": code, "attempt_id": format!("attempt-{n:016}"), "device": device,
        })
        .to_string()
    };
    for n in 0..4 {
        let answers = burst(&url, None, vec![body("ZZZZ-ZZZZ-ZZZZ-ZZZZ", n)]).await;
        assert_eq!(answers[0], (401, Some(ErrorCode::RecoveryRefused)), "wrong code {n}");
    }
    let mut bodies: Vec<String> = (10..34).map(|n| body("ZZZZ-ZZZZ-ZZZZ-ZZZZ", n)).collect();
    bodies.insert(12, body(&set.codes[3], 99));
    let answers = burst(&url, None, bodies).await;
    let signed_in = answers.iter().filter(|a| a.0 == 201).count();
    let refused = answers.iter().filter(|a| a.1 == Some(ErrorCode::RecoveryRefused)).count();
    // The fifth attempt is the only one checked: the right code (201, the others refused
    // unchecked) or a wrong one (refused like the rest; a lock is not told apart).
    assert!(signed_in <= 1, "{answers:?}");
    assert_eq!(signed_in + refused, 25, "{answers:?}");
    let checked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE kind = 'recovery.signed_in' \
         OR (kind = 'recovery.sign_in_refused' AND detail LIKE '%wrong code%')",
    )
    .fetch_one(&h.state.db.pool)
    .await
    .expect("count");
    assert_eq!(checked, 5, "four wrong codes before the burst and one checked attempt in it");
}

/// One current code sent 20 times at once through the server: accepted exactly once, every
/// other use answered as a replay (not as a wrong code: nothing is counted against the
/// person), and the step is stored once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_totp_code_used_many_times_at_once_is_accepted_once() {
    let h = harness().await;
    let base = listen(&h).await;
    let dev = h.joined().await;
    let (e, secret) = h.totp(&dev.device_token).await;
    let right = code_at(&secret, TotpParams::default(), h.clock.now()).expect("code");
    let url = format!("{base}/v1/factors/totp/{}/verify", e.factor_id);
    let bodies = (0..20).map(|_| serde_json::json!({ "code": right }).to_string()).collect();
    let answers = burst(&url, Some(&dev.device_token), bodies).await;
    let accepted = answers.iter().filter(|a| a.0 == 200).count();
    let replayed = answers.iter().filter(|a| a.1 == Some(ErrorCode::TotpReplayed)).count();
    assert_eq!((accepted, replayed), (1, 19), "{answers:?}");
    assert_eq!(failed_attempts(&h, &e.factor_id).await, 0, "a replay is not a failed attempt");
    let verified: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE factor_id = $1 AND kind = 'factor.verified'")
            .bind(&e.factor_id)
            .fetch_one(&h.state.db.pool)
            .await
            .expect("events");
    assert_eq!(verified, 1, "verified once");
}

/// Failures are counted until a right code, which starts the count again: four wrong codes,
/// the right one, then four more wrong ones are all checked (none is locked out), and the
/// fifth after the reset locks.
#[tokio::test]
async fn a_right_totp_code_resets_the_failure_count() {
    let h = harness().await;
    let dev = h.joined().await;
    let (e, secret) = h.totp(&dev.device_token).await;
    let at = |steps: i64| {
        code_at(&secret, TotpParams::default(), UnixMillis(h.clock.now().0 + steps * 30_000)).expect("code")
    };
    let path = format!("/v1/factors/totp/{}/verify", e.factor_id);
    let send = |code: String| {
        let body = serde_json::json!({ "code": code }).to_string();
        h.call("POST", &path, Some(&dev.device_token), Some(body))
    };
    for _ in 0..4 {
        let (s, v) = send(at(5)).await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::TotpInvalid), "{v}");
    }
    assert_eq!(failed_attempts(&h, &e.factor_id).await, 4);
    let (s, v) = send(at(0)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(failed_attempts(&h, &e.factor_id).await, 0, "the right code resets the count");
    for n in 1..=4 {
        let (s, v) = send(at(5)).await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::TotpInvalid), "wrong code {n}: {v}");
    }
    let (s, _) = send(at(5)).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "the fifth failure since the reset locks");
}
