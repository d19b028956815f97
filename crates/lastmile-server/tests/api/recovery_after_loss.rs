//! Recovery after device loss: sign-in with a recovery code, the session, revocations.

use super::*;
use lastmile_core::clock::Clock;
use lastmile_core::totp::{TotpParams, code_at, secret_from_base32};
use lastmile_proto::api::{AccountView, RecoveryCodeSet, RecoverySession, TotpEnrollment};

/// Ada's laptop, joined, with a verified TOTP factor and confirmed recovery codes.
struct Ada {
    laptop: JoinResponse,
    totp: String,
    codes: RecoveryCodeSet,
}

async fn ada(h: &Harness) -> Ada {
    let laptop = h.joined().await;
    let t = Some(laptop.device_token.as_str());
    let (_, v) = h.call("POST", "/v1/factors/totp", t, None).await;
    let e: TotpEnrollment = serde_json::from_value(v).expect("enrollment");
    let secret = secret_from_base32(&e.secret).expect("base32");
    let code = code_at(&secret, TotpParams::default(), h.clock.now()).expect("code");
    let body = serde_json::json!({ "code": code }).to_string();
    let (s, v) = h.call("POST", &format!("/v1/factors/totp/{}/verify", e.factor_id), t, Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    h.clock.advance(1_000); // so that the listing's order (oldest first) is defined
    let (_, v) = h.call("POST", "/v1/factors/recovery-codes", t, None).await;
    let codes: RecoveryCodeSet = serde_json::from_value(v).expect("codes");
    let body = serde_json::json!({ "code": codes.codes[9] }).to_string();
    let (s, v) =
        h.call("POST", &format!("/v1/factors/recovery-codes/{}/confirm", codes.factor_id), t, Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    Ada { laptop, totp: e.factor_id, codes }
}

fn sign_in_body(user: &str, code: &str, attempt: &str) -> String {
    let mut device = claims();
    device.hostname = "hotel-pc".into();
    serde_json::json!({ "username": user, "recovery_code": code, "attempt_id": attempt, "device": device }).to_string()
}

async fn sign_in(h: &Harness, user: &str, code: &str, attempt: &str) -> (StatusCode, Value) {
    h.call("POST", "/v1/recovery/sign-in", None, Some(sign_in_body(user, code, attempt))).await
}

/// Bob, without recovery codes, and his joined device.
async fn bob(h: &Harness) -> JoinResponse {
    admin::create_user(&h.state.db, &*h.clock, "acme", "bob@acme.test", "Bob").await.expect("bob");
    let invite = admin::create_invite(&h.state.db, &*h.clock, "acme", "bob@acme.test", 1, None).await.expect("invite");
    serde_json::from_value(h.join(&invite.code).await.1).expect("bob joined")
}

async fn kinds(h: &Harness) -> Vec<String> {
    lastmile_server::audit::list(&h.state.db.pool, None).await.expect("audit").into_iter().map(|e| e.kind).collect()
}

/// A sign-in with a recovery code is told to the user's other channels (the notify
/// webhook); a refused guess is not.
#[tokio::test]
async fn a_recovery_sign_in_is_told_to_the_users_other_channels() {
    use lastmile_server::engage::{Format, Webhook};
    let mut h = harness().await;
    let ada = ada(&h).await;
    let (url, got) = super::engagement::receiver(200).await;
    h.state = h.state.clone().with_notify(Webhook::new(url, Format::Json).expect("webhook"));
    let (s, _) = sign_in(&h, "ada@acme.test", "AAAA-BBBB-CCCC-DDDD", "attempt-0003-abcdefgh").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = sign_in(&h, "ada@acme.test", &ada.codes.codes[1], "attempt-0004-abcdefgh").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while got.lock().expect("lock").is_empty() {
        assert!(std::time::Instant::now() < deadline, "the notice was not sent");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let notices = got.lock().expect("lock").clone();
    assert_eq!(notices.len(), 1, "one notice, for the sign-in that succeeded: {notices:?}");
    assert_eq!(
        (notices[0]["event"].as_str(), notices[0]["email"].as_str(), notices[0]["device"].as_str()),
        (Some("recovery.signed_in"), Some("ada@acme.test"), Some("hotel-pc"))
    );
}

#[tokio::test]
async fn a_code_opens_a_session_that_lists_and_revokes_what_was_lost() {
    let h = harness().await;
    let ada = ada(&h).await;
    h.clock.advance(3_600_000);

    // Any case and separators, as typed from paper.
    let (s, v) = sign_in(&h, " ADA@acme.test", &ada.codes.codes[0].to_lowercase(), "attempt-0001-abcdefgh").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let session: RecoverySession = serde_json::from_value(v).expect("session");
    assert_ne!(session.device_id, ada.laptop.device_id, "a new device");
    assert_eq!((session.codes_left, session.resumed), (9, false));
    assert_eq!(session.session_expires_at_ms, h.clock.now().0 + 30 * 60 * 1000);
    let t = Some(session.device_token.as_str());

    // The code is used up, whatever the attempt.
    let (s, v) = sign_in(&h, "ada@acme.test", &ada.codes.codes[0], "attempt-0002-abcdefgh").await;
    assert_eq!((s, error_code(&v)), (StatusCode::UNAUTHORIZED, ErrorCode::RecoveryRefused), "{v}");

    let (s, v) = h.call("GET", "/v1/recovery/account", t, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let account: AccountView = serde_json::from_value(v).expect("account");
    let kinds_listed: Vec<_> = account.factors.iter().map(|f| (f.kind.as_str(), f.status.as_str())).collect();
    assert_eq!(kinds_listed, [("totp", "verified"), ("recovery_codes", "verified")]);
    assert_eq!(account.factors[0].enrolled_from.as_deref(), Some("ada-laptop"));
    assert_eq!(account.factors[1].codes_left, Some(9));
    let devices: Vec<_> = account.devices.iter().map(|d| (d.hostname.as_str(), d.current)).collect();
    assert_eq!(devices, [("ada-laptop", false), ("hotel-pc", true)]);

    // The session cannot revoke its own device, nor anyone else's things.
    let own = format!("/v1/recovery/devices/{}/revoke", session.device_id);
    assert_eq!(h.call("POST", &own, t, None).await.0, StatusCode::CONFLICT);
    assert_eq!(h.call("POST", "/v1/recovery/factors/fac_nope/revoke", t, None).await.0, StatusCode::NOT_FOUND);

    // Revoke the lost laptop and its TOTP factor: both stop working at once.
    let (s, v) = h.call("POST", &format!("/v1/recovery/devices/{}/revoke", ada.laptop.device_id), t, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = h.call("GET", "/v1/devices/me", Some(&ada.laptop.device_token), None).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::DeviceRevoked));
    let (s, v) = h.call("POST", &format!("/v1/recovery/factors/{}/revoke", ada.totp), t, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let account: AccountView = serde_json::from_value(v).expect("account");
    assert_eq!(account.factors.len(), 1, "{account:?}");
    assert_eq!(account.devices.len(), 1);
    // Idempotent: revoking again changes nothing and is not an error.
    let (s, _) = h.call("POST", &format!("/v1/recovery/factors/{}/revoke", ada.totp), t, None).await;
    assert_eq!(s, StatusCode::OK);
    let (_, me) = h.call("GET", "/v1/devices/me", t, None).await;
    assert_eq!(me["verified_factors"].as_array().map(Vec::len), Some(1), "{me}");
    assert_eq!(me["best_tier"], "recovery");

    // A new set of codes voids the old one, including the codes not used yet.
    let (s, _) = h.call("POST", "/v1/factors/recovery-codes", t, None).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = sign_in(&h, "ada@acme.test", &ada.codes.codes[1], "attempt-0003-abcdefgh").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Ending the session keeps the device joined but closes the account endpoints.
    let (s, v) = h.call("POST", "/v1/recovery/end", t, None).await;
    assert_eq!((s, v["session_expires_at_ms"].is_null()), (StatusCode::OK, true), "{v}");
    let (s, v) = h.call("GET", "/v1/recovery/account", t, None).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::RecoverySessionRequired));
    assert_eq!(h.call("GET", "/v1/devices/me", t, None).await.0, StatusCode::OK);

    assert_eq!(
        kinds(&h).await,
        [
            "device.joined",
            "factor.verified",
            "recovery_codes.issued",
            "factor.verified",
            "recovery.signed_in",
            "recovery.sign_in_refused",
            "device.revoked",
            "factor.revoked",
            "recovery_codes.issued",
            "recovery.sign_in_refused",
            "recovery.session_ended",
        ]
    );
}

#[tokio::test]
async fn a_retry_after_a_lost_answer_continues_the_same_sign_in() {
    let h = harness().await;
    let ada = ada(&h).await;
    let code = &ada.codes.codes[2];
    let (s, v) = sign_in(&h, "ada@acme.test", code, "lost-answer-attempt-1").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let first: RecoverySession = serde_json::from_value(v).expect("session");

    // The answer never arrived; the client retries with the same attempt and code.
    h.clock.advance(60_000);
    let (s, v) = sign_in(&h, "ada@acme.test", code, "lost-answer-attempt-1").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let again: RecoverySession = serde_json::from_value(v).expect("session");
    assert_eq!((again.device_id.as_str(), again.resumed), (first.device_id.as_str(), true));
    assert_eq!(again.session_expires_at_ms, first.session_expires_at_ms, "the session is not extended");
    assert_eq!(h.count("devices").await, 2, "no second device");
    assert_eq!(h.call("GET", "/v1/devices/me", Some(&first.device_token), None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(h.call("GET", "/v1/recovery/account", Some(&again.device_token), None).await.0, StatusCode::OK);

    // The attempt key alone is worth nothing: another code with it is refused.
    let (s, _) = sign_in(&h, "ada@acme.test", &ada.codes.codes[3], "lost-answer-attempt-1").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Once the session is over, the attempt cannot be resumed.
    h.clock.advance(30 * 60 * 1000);
    let (s, _) = sign_in(&h, "ada@acme.test", code, "lost-answer-attempt-1").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        h.call("GET", "/v1/recovery/account", Some(&again.device_token), None).await.0,
        StatusCode::FORBIDDEN,
        "the session expired"
    );
}

#[tokio::test]
async fn guesses_get_one_answer_and_lock_the_codes() {
    let h = harness().await;
    let ada = ada(&h).await;
    let (s1, unknown) = sign_in(&h, "nobody@acme.test", "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "guess-attempt-0001").await;
    let (s2, wrong) = sign_in(&h, "ada@acme.test", "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "guess-attempt-0002").await;
    assert_eq!((s1, s2), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    assert_eq!(unknown, wrong, "an unknown user and a wrong code are told the same");
    for i in 3..6 {
        let (s, _) = sign_in(&h, "ada@acme.test", "ZZZZ-ZZZZ-ZZZZ-ZZZZ", &format!("guess-attempt-000{i}")).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    // Locked after five: the lock is not told apart from a wrong code, and even the right
    // code is refused, unchecked and not used up.
    let (s, v) = sign_in(&h, "ada@acme.test", "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "guess-attempt-0006").await;
    assert_eq!((s, &v), (StatusCode::UNAUTHORIZED, &wrong));
    let (s, v) = sign_in(&h, "ada@acme.test", &ada.codes.codes[0], "guess-attempt-0007").await;
    assert_eq!((s, &v), (StatusCode::UNAUTHORIZED, &wrong));
    h.clock.advance(5 * 60 * 1000);
    let (s, v) = sign_in(&h, "ada@acme.test", &ada.codes.codes[0], "guess-attempt-0008").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let k = kinds(&h).await;
    assert_eq!(k.iter().filter(|k| *k == "recovery.sign_in_refused").count(), 6, "5 wrong, 1 locked: {k:?}");
    assert_eq!(k.iter().filter(|k| *k == "recovery.locked_out").count(), 1, "{k:?}");

    // Malformed input is refused before any work.
    let (s, _) = sign_in(&h, "ada@acme.test", "not a code", "guess-attempt-0009").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = sign_in(&h, "ada@acme.test", &ada.codes.codes[1], "short").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Without a session, the account endpoints are closed to an ordinary device.
    let (s, v) = h.call("GET", "/v1/recovery/account", Some(&ada.laptop.device_token), None).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::RecoverySessionRequired));
}

#[tokio::test]
async fn a_joined_device_recovers_in_place_and_never_for_someone_else() {
    let h = harness().await;
    let ada = ada(&h).await;
    let t = Some(ada.laptop.device_token.as_str());
    let (s, v) = h
        .call(
            "POST",
            "/v1/recovery/sign-in",
            t,
            Some(sign_in_body("ada@acme.test", &ada.codes.codes[4], "in-place-attempt-01")),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let session: RecoverySession = serde_json::from_value(v).expect("session");
    assert_eq!(session.device_id, ada.laptop.device_id, "the same device, with a new token");
    assert_eq!(h.count("devices").await, 1);

    // Another user's device cannot be used to recover Ada (told only once the code matched).
    let bob = bob(&h).await;
    let (s, v) = h
        .call(
            "POST",
            "/v1/recovery/sign-in",
            Some(&bob.device_token),
            Some(sign_in_body("ada@acme.test", &ada.codes.codes[5], "other-user-attempt-1")),
        )
        .await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, ErrorCode::Conflict), "{v}");

    // With two organisations, the user must say which.
    admin::create_org(&h.state.db, &*h.clock, "other", "Other Ltd").await.expect("org");
    let (s, _) = sign_in(&h, "ada@acme.test", &ada.codes.codes[5], "which-org-attempt-1").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let body = serde_json::json!({
        "organisation": "acme", "username": "ada@acme.test", "recovery_code": ada.codes.codes[5],
        "attempt_id": "which-org-attempt-2", "device": claims(),
    });
    let (s, v) = h.call("POST", "/v1/recovery/sign-in", None, Some(body.to_string())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

/// Every refused sign-in is one answer (status and body) after the same work (ten argon2id
/// derivations): an unknown user, a user without codes, a wrong code, a wrong code from a
/// device joined for someone else, and a locked set (even with the right code). Before,
/// another user's device answered 409 at once and a locked set 429 at once: both told that
/// the user exists.
#[tokio::test]
async fn every_refusal_is_one_answer_after_the_same_work() {
    let h = harness().await;
    let ada = ada(&h).await;
    let bob = bob(&h).await;
    let wrong = "ZZZZ-ZZZZ-ZZZZ-ZZZZ";
    let attempt = |user: &str, code: &str, token: Option<String>| {
        let body = sign_in_body(user, code, &format!("uniform-{}", lastmile_server::secrets::new_id("a")));
        let h = &h;
        async move {
            let before = h.state.kdf.derivations();
            let (s, v) = h.call("POST", "/v1/recovery/sign-in", token.as_deref(), Some(body)).await;
            (s, v, h.state.kdf.derivations() - before)
        }
    };
    // One wrong code first, so that the decoy hash (made once) is not counted below.
    let (s, reference, _) = attempt("ada@acme.test", wrong, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let cases = [
        ("an unknown user", attempt("nobody@acme.test", wrong, None).await),
        ("a user without codes", attempt("bob@acme.test", wrong, None).await),
        ("a wrong code", attempt("ada@acme.test", wrong, None).await),
        ("another user's device", attempt("ada@acme.test", wrong, Some(bob.device_token.clone())).await),
        ("the fifth wrong code", attempt("ada@acme.test", wrong, None).await),
        ("a locked set", attempt("ada@acme.test", wrong, None).await),
        ("the right code while locked", attempt("ada@acme.test", &ada.codes.codes[2], None).await),
        (
            "the right code, locked, another device",
            attempt("ada@acme.test", &ada.codes.codes[2], Some(bob.device_token.clone())).await,
        ),
    ];
    for (what, (status, body, derivations)) in &cases {
        assert_eq!((*status, body), (StatusCode::UNAUTHORIZED, &reference), "{what}");
        assert_eq!(*derivations, 10, "{what}: the same argon2id work");
    }
    // Only a code that matched learns that the device belongs to someone else.
    h.clock.advance(5 * 60 * 1000);
    let (s, v, derivations) = attempt("ada@acme.test", &ada.codes.codes[2], Some(bob.device_token.clone())).await;
    assert_eq!((s, error_code(&v), derivations), (StatusCode::CONFLICT, ErrorCode::Conflict, 10), "{v}");
}
