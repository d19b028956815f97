//! Authenticator apps (TOTP): enrollment, verification, replay refusal, lockout.

use super::*;
use lastmile_core::clock::UnixMillis;
use lastmile_core::totp::{TotpParams, code_at};
use lastmile_proto::api::{FactorView, TotpEnrollment};

async fn begin(h: &Harness, token: &str) -> (TotpEnrollment, Vec<u8>) {
    h.totp(token).await
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

/// The authenticator apps the user's group recommends come with the enrollment, in the
/// policy's order; none when the policy names none.
#[tokio::test]
async fn the_enrollment_names_the_apps_the_policy_recommends() {
    let h = harness().await;
    let dev = h.joined().await;
    assert_eq!(begin(&h, &dev.device_token).await.0.recommended_apps, Vec::<String>::new());
    let policy = r#"{"min_tier":"strong","totp_apps":["Microsoft Authenticator","1Password"]}"#;
    admin::set_group(&h.state.db, &*h.clock, "acme", "default", policy).await.expect("group");
    assert_eq!(begin(&h, &dev.device_token).await.0.recommended_apps, ["Microsoft Authenticator", "1Password"]);
    let bad = r#"{"min_tier":"strong","totp_apps":["Authy\u001b[2J"]}"#;
    let refused = admin::set_group(&h.state.db, &*h.clock, "acme", "default", bad).await.expect_err("refused");
    assert!(refused.to_string().contains("not an app's name"), "{refused}");
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

/// Seeds are sealed at rest: the whole database (SQLite's files byte for byte, or every
/// PostgreSQL row) holds no seed, in base 32 or hex, yet codes verify; a seed stored in the
/// clear before sealing existed is sealed by `seal_seeds_at_rest` (run at every start), keeps
/// working, and leaves no copy in the files' free space or the WAL; a sealed seed copied onto another factor's row does not open there.
#[tokio::test]
async fn seeds_are_sealed_at_rest_and_older_clear_seeds_are_sealed_at_start() {
    let h = harness().await;
    let dev = h.joined().await;
    let (e, secret) = begin(&h, &dev.device_token).await;
    let (s, v) = verify(&h, &dev.device_token, &e.factor_id, &code(&h, &secret, 0)).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // A factor as an older server stored it: the seed in the clear.
    let (old, old_secret) = begin(&h, &dev.device_token).await;
    sqlx::query("UPDATE factors SET totp_secret = $1 WHERE id = $2")
        .bind(&old.secret)
        .bind(&old.factor_id)
        .execute(&h.state.db.pool)
        .await
        .expect("store in the clear");
    // Rows written after it, as years of them would be: the clear bytes are not at the edge
    // of the page's free space, where the sealed value would overwrite them.
    let (third, _) = begin(&h, &dev.device_token).await;
    assert_eq!(store::seal_seeds_at_rest(&h.state.db, &h.state.seal).await.expect("reseal"), 1);
    assert_eq!(store::seal_seeds_at_rest(&h.state.db, &h.state.seal).await.expect("again"), 0, "idempotent");
    let (s, v) = verify(&h, &dev.device_token, &old.factor_id, &code(&h, &old_secret, 0)).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // A sealed seed moved to another row does not open (the row id is bound to it).
    sqlx::query("UPDATE factors SET totp_secret = (SELECT totp_secret FROM factors WHERE id = $1) WHERE id = $2")
        .bind(&e.factor_id)
        .bind(&third.factor_id)
        .execute(&h.state.db.pool)
        .await
        .expect("swap");
    let (s, _) = verify(&h, &dev.device_token, &third.factor_id, &code(&h, &secret, 1)).await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR, "a seed that does not open is a fault, never a match");

    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let content = h.database_content().await;
    for (b32, raw) in [(&e.secret, &secret), (&old.secret, &old_secret)] {
        assert!(!content.contains(b32.as_str()), "a seed in base 32 is in the database");
        assert!(!content.to_lowercase().contains(&hex(raw)), "a seed in hex is in the database");
    }
}

/// Revoking a TOTP factor (in a recovery session) erases its seed.
#[tokio::test]
async fn a_revoked_factor_keeps_no_seed() {
    let h = harness().await;
    let dev = h.joined().await;
    let (e, secret) = begin(&h, &dev.device_token).await;
    let (s, _) = verify(&h, &dev.device_token, &e.factor_id, &code(&h, &secret, 0)).await;
    assert_eq!(s, StatusCode::OK);
    let t = Some(dev.device_token.as_str());
    let (_, v) = h.call("POST", "/v1/factors/recovery-codes", t, None).await;
    let set: lastmile_proto::api::RecoveryCodeSet = serde_json::from_value(v).expect("codes");
    let body = serde_json::json!({
        "username": "ada@acme.test", "recovery_code": set.codes[0], "attempt_id": "revoke-seed-attempt-1", "device": claims(),
    });
    let (s, v) = h.call("POST", "/v1/recovery/sign-in", t, Some(body.to_string())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let session: lastmile_proto::api::RecoverySession = serde_json::from_value(v).expect("session");
    let uri = format!("/v1/recovery/factors/{}/revoke", e.factor_id);
    let (s, v) = h.call("POST", &uri, Some(&session.device_token), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let seed: Option<String> = sqlx::query_scalar("SELECT totp_secret FROM factors WHERE id = $1")
        .bind(&e.factor_id)
        .fetch_one(&h.state.db.pool)
        .await
        .expect("row");
    assert_eq!(seed, None);
}

/// The SQLite data directory is private (0700) and the database's files 0600, including a
/// directory and files that existed with wider modes.
#[cfg(unix)]
#[tokio::test]
async fn the_data_directory_and_database_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().expect("dir");
    let dir = parent.path().join("data");
    let db = Db::open_sqlite(&dir).await.expect("open");
    sqlx::query("INSERT INTO write_probe (id, at_ms) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET at_ms = 2")
        .execute(&db.pool)
        .await
        .expect("a write, so that the WAL exists");
    let mode = |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    let check = |what: &str| {
        assert_eq!(mode(&dir), 0o700, "{what}: directory");
        for entry in std::fs::read_dir(&dir).expect("list") {
            let path = entry.expect("entry").path();
            assert_eq!(mode(&path), 0o600, "{what}: {}", path.display());
        }
    };
    check("created");
    db.pool.close().await;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let file = dir.join(lastmile_server::db::SQLITE_FILE);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let db = Db::open_sqlite(&dir).await.expect("open again");
    check("reopened");
    db.pool.close().await;
}

/// `admin seal-key rotate`: every seed resealed under a new key, the old key dropped from the
/// file, codes still verify; a server started afterwards with the file verifies them too.
#[tokio::test]
async fn rotating_the_seal_key_reseals_every_seed() {
    use lastmile_server::seal::SealKeys;
    let mut h = harness().await;
    let keys_dir = tempfile::tempdir().expect("dir");
    let key_file = keys_dir.path().join("seal.key");
    h.state = h.state.clone().with_seal(SealKeys::load_or_create(&key_file).expect("keys"));
    let old_id = h.state.seal.current_id();
    let dev = h.joined().await;
    let (a, secret_a) = begin(&h, &dev.device_token).await;
    let (b, secret_b) = begin(&h, &dev.device_token).await;
    let (new_id, resealed) =
        admin::rotate_seal_key(&h.state.db, &h.state.seal, std::time::Duration::ZERO).await.expect("rotate");
    assert_ne!(new_id, old_id);
    assert_eq!(resealed, 2);
    let file = std::fs::read_to_string(&key_file).expect("key file");
    assert!(file.contains(&new_id) && !file.contains(&old_id), "{file}");
    h.state = h.state.clone().with_seal(SealKeys::load_or_create(&key_file).expect("keys after"));
    for (f, secret) in [(&a, &secret_a), (&b, &secret_b)] {
        let (s, v) = verify(&h, &dev.device_token, &f.factor_id, &code(&h, secret, 0)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
}
