//! Recovery codes: a new set voids the old, confirmation by typing one back, lockout.

use super::*;
use lastmile_proto::api::RecoveryCodeSet;

async fn new_set(h: &Harness, token: &str) -> RecoveryCodeSet {
    let (s, v) = h.call("POST", "/v1/factors/recovery-codes", Some(token), None).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    serde_json::from_value(v).expect("set")
}

async fn confirm(h: &Harness, token: &str, set: &str, code: &str) -> (StatusCode, Value) {
    let body = serde_json::json!({ "code": code }).to_string();
    h.call("POST", &format!("/v1/factors/recovery-codes/{set}/confirm"), Some(token), Some(body)).await
}

#[tokio::test]
async fn ten_codes_hashed_confirmed_by_one_and_regeneration_voids_the_old_set() {
    let h = harness().await;
    let dev = h.joined().await;
    let set = new_set(&h, &dev.device_token).await;
    assert_eq!(set.codes.len(), 10);
    let distinct: std::collections::HashSet<_> = set.codes.iter().collect();
    assert_eq!(distinct.len(), 10);
    assert!(set.codes.iter().all(|c| c.len() == 19 && c.matches('-').count() == 3), "{:?}", set.codes);

    let (s, v) = confirm(&h, &dev.device_token, &set.factor_id, "ZZZZ-ZZZZ-ZZZZ-ZZZZ").await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::RecoveryCodeInvalid), "{v}");
    let (s, v) = confirm(&h, &dev.device_token, &set.factor_id, &set.codes[3].to_lowercase()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["kind"].as_str(), v["tier"].as_str()), (Some("recovery_codes"), Some("recovery")));
    // Confirming does not use the code up.
    assert_eq!(confirm(&h, &dev.device_token, &set.factor_id, &set.codes[3]).await.0, StatusCode::OK);

    // A new set voids the old one at once.
    let newer = new_set(&h, &dev.device_token).await;
    let (s, _) = confirm(&h, &dev.device_token, &set.factor_id, &set.codes[0]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = confirm(&h, &dev.device_token, &newer.factor_id, &set.codes[0]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "an old code is not in the new set");
    let (_, me) = h.call("GET", "/v1/devices/me", Some(&dev.device_token), None).await;
    assert_eq!(me["verified_factors"], serde_json::json!([]), "the old set no longer counts, the new one not yet");

    // The database holds argon2id hashes, never a code.
    let haystack = h.database_content().await;
    assert!(haystack.contains("$argon2id$v=19$m=19456,t=2,p=1$"), "hashes are there");
    for code in set.codes.iter().chain(&newer.codes) {
        assert!(!haystack.contains(code.as_str()) && !haystack.contains(&code.replace('-', "")), "{code} in the clear");
    }
}

#[tokio::test]
async fn wrong_codes_lock_the_set() {
    let h = harness().await;
    let dev = h.joined().await;
    let set = new_set(&h, &dev.device_token).await;
    for _ in 0..4 {
        assert_eq!(
            confirm(&h, &dev.device_token, &set.factor_id, "ZZZZ-ZZZZ-ZZZZ-ZZZZ").await.0,
            StatusCode::BAD_REQUEST
        );
    }
    let (s, v) = confirm(&h, &dev.device_token, &set.factor_id, "ZZZZ-ZZZZ-ZZZZ-ZZZZ").await;
    assert_eq!((s, error_code(&v)), (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited));
    assert_eq!(confirm(&h, &dev.device_token, &set.factor_id, &set.codes[0]).await.0, StatusCode::TOO_MANY_REQUESTS);
    h.clock.advance(5 * 60 * 1000);
    assert_eq!(confirm(&h, &dev.device_token, &set.factor_id, &set.codes[0]).await.0, StatusCode::OK);
}
