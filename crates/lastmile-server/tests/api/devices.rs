//! Devices: health and time, joining with invites, posture reports, malformed and forged
//! requests, secrets at rest, the OpenAPI document, admin input checks.

use super::*;

#[tokio::test]
async fn health_and_time() {
    let h = harness().await;
    let (s, v) = h.call("GET", "/v1/health", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "ok");
    assert_eq!(v["api_version"], 1);
    h.clock.set(T0 + 1234);
    let (s, v) = h.call("GET", "/v1/time", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let t: ServerTime = serde_json::from_value(v).expect("time");
    assert_eq!((t.receive_ms, t.transmit_ms), (T0 + 1234, T0 + 1234));
}

#[tokio::test]
async fn join_then_report_then_read_back() {
    let h = harness().await;
    let code = h.invite(72).await;
    let (s, v) = h.join(&code.to_lowercase()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let joined: JoinResponse = serde_json::from_value(v).expect("join response");
    assert_eq!(joined.user.email, "ada@acme.test");
    assert_eq!(joined.organisation.slug, "acme");

    let (s, v) = h.call("GET", "/v1/devices/me", Some(&joined.device_token), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let view: PostureView = serde_json::from_value(v).expect("view");
    assert_eq!((view.reports_received, view.last_claims), (0, None));

    h.clock.advance(5_000);
    let (s, v) = h.report(&joined, &report()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let view: PostureView = serde_json::from_value(v).expect("view");
    assert_eq!(view.device_id, joined.device_id);
    assert_eq!(view.reports_received, 1);
    assert_eq!(view.last_report_at_ms, Some(T0 + 5_000));
    assert_eq!(view.last_claims, Some(report()));
    assert!(view.verified_factors.is_empty(), "claims never count as verified factors");
    assert_eq!(h.count("posture_reports").await, 1);
}

#[tokio::test]
async fn invites_are_single_use_and_expire() {
    let h = harness().await;
    let code = h.invite(1).await;
    assert_eq!(h.join(&code).await.0, StatusCode::CREATED);
    let (s, v) = h.join(&code).await;
    assert_eq!((s, error_code(&v)), (StatusCode::GONE, ErrorCode::InviteUsed));

    let code = h.invite(1).await;
    h.clock.advance(3_600_000);
    let (s, v) = h.join(&code).await;
    assert_eq!((s, error_code(&v)), (StatusCode::GONE, ErrorCode::InviteExpired));
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("IT")), "{v}");

    let (s, v) = h.join("ZZZZ-ZZZZ-ZZZZ-ZZZZ").await;
    assert_eq!((s, error_code(&v)), (StatusCode::NOT_FOUND, ErrorCode::InvalidInvite));
    let (s, v) = h.join("not a code").await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::InvalidInvite));

    // Only the first join created a device.
    assert_eq!(h.count("devices").await, 1);
}

#[tokio::test]
async fn malformed_requests_get_the_error_shape() {
    let h = harness().await;
    let cases: [(&str, &str, Option<&str>, StatusCode, ErrorCode); 5] = [
        ("POST", "/v1/devices/join", Some("{not json"), StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
        ("POST", "/v1/devices/join", Some("{\"invite_code\": 5}"), StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
        ("POST", "/v1/posture", Some("{}"), StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
        ("GET", "/v1/devices/me", None, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
        ("GET", "/v1/nope", None, StatusCode::NOT_FOUND, ErrorCode::NotFound),
    ];
    for (method, uri, body, status, code) in cases {
        let (s, v) = h.call(method, uri, None, body.map(str::to_string)).await;
        assert_eq!((s, error_code(&v)), (status, code), "{method} {uri} {body:?}: {v}");
    }
    // A device claim with control characters is refused and nothing is stored.
    let code = h.invite(1).await;
    let mut req = serde_json::to_value(JoinRequest { invite_code: code, device: claims(), device_public_key: None })
        .expect("json");
    req["device"]["hostname"] = "evil\u{1b}[31m".into();
    let (s, v) = h.call("POST", "/v1/devices/join", None, Some(req.to_string())).await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::BadRequest), "{v}");
    assert_eq!(h.count("devices").await, 0);
}

#[tokio::test]
async fn oversized_and_forged_reports_are_refused() {
    let h = harness().await;
    let code = h.invite(1).await;
    let (_, v) = h.join(&code).await;
    let joined: JoinResponse = serde_json::from_value(v).expect("joined");

    let mut big = report();
    big.device.hostname = "x".repeat(100_000);
    let (s, v) = h.report(&joined, &big).await;
    assert_eq!((s, error_code(&v)), (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge));

    let body = serde_json::to_string(&report()).expect("json");
    let forged = format!("{}x", &joined.device_token[..joined.device_token.len() - 1]);
    let (s, v) = h.call("POST", "/v1/posture", Some(&forged), Some(body.clone())).await;
    assert_eq!((s, error_code(&v)), (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized));

    admin::revoke_device(&h.state.db, &*h.clock, &joined.device_id).await.expect("revoke");
    let (s, v) = h.call("POST", "/v1/posture", Some(&joined.device_token), Some(body)).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::DeviceRevoked));
    assert_eq!(h.count("posture_reports").await, 0);
}

#[tokio::test]
async fn the_database_never_holds_codes_or_tokens_in_the_clear() {
    let h = harness().await;
    let code = h.invite(1).await;
    let (_, v) = h.join(&code).await;
    let joined: JoinResponse = serde_json::from_value(v).expect("joined");
    let haystack = h.database_content().await;
    assert!(haystack.contains("ada@acme.test"), "the scan must see the database content");
    for secret in [code.replace('-', ""), code.clone(), joined.device_token.clone()] {
        assert!(!haystack.contains(&secret), "{secret} is stored in the clear");
    }
}

#[tokio::test]
async fn openapi_document_is_generated_from_the_code() {
    let h = harness().await;
    let (s, v) = h.call("GET", "/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["openapi"].as_str().is_some_and(|o| o.starts_with("3.")), "{}", v["openapi"]);
    for path in ["/v1/health", "/v1/time", "/v1/devices/join", "/v1/devices/me", "/v1/posture"] {
        assert!(v["paths"][path].is_object(), "{path} missing");
    }
    for schema in ["PostureReport", "PostureView", "JoinRequest", "ErrorBody", "ErrorCode"] {
        assert!(v["components"]["schemas"][schema].is_object(), "{schema} missing");
    }
    assert!(v["components"]["securitySchemes"]["device_token"].is_object());
}

#[tokio::test]
async fn admin_refuses_bad_input() {
    let h = harness().await;
    let c = &*h.clock;
    let db = &h.state.db;
    assert!(admin::create_org(db, c, "Acme Corp", "x").await.is_err());
    assert!(admin::create_org(db, c, "acme", "dup").await.is_err());
    assert!(admin::create_user(db, c, "acme", "not-an-email", "").await.is_err());
    assert!(admin::create_user(db, c, "nope", "a@b.test", "").await.is_err());
    assert!(admin::create_invite(db, c, "acme", "ada@acme.test", 0, None).await.is_err());
    assert!(admin::create_invite(db, c, "acme", "ada@acme.test", 1, Some("http://evil.example")).await.is_err());
    assert!(admin::create_invite(db, c, "acme", "bob@acme.test", 1, None).await.is_err());
    let inv = admin::demo(db, c, "http://127.0.0.1:8443").await.expect("demo");
    assert!(inv.link.starts_with("lastmile://join?code="), "{}", inv.link);
    admin::demo(db, c, "http://127.0.0.1:8443").await.expect("demo is repeatable");
    assert!(admin::revoke_device(db, c, "dev_nope").await.is_err());
}

/// An internal fault (here: a stored policy that no longer parses) answers 500 with a
/// correlation id and nothing of the fault's detail.
#[tokio::test]
async fn internal_faults_answer_500_without_internal_text() {
    let h = harness().await;
    let dev = h.joined().await;
    let org = store::org_by_slug(&h.state.db.pool, "acme").await.expect("org").expect("acme");
    sqlx::query(
        "INSERT INTO policy_groups (id, org_id, name, policy, updated_at_ms) VALUES ('grp_x', $1, 'default', $2, 0)",
    )
    .bind(&org.id)
    .bind("{ not json: SELECT secret FROM policy_groups")
    .execute(&h.state.db.pool)
    .await
    .expect("corrupt the stored policy");
    let (s, v) = h.call("GET", "/v1/devices/me", Some(&dev.device_token), None).await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR, "{v}");
    assert_eq!(error_code(&v), ErrorCode::Internal);
    let id = v["error"]["correlation_id"].as_str().expect("a correlation id").to_string();
    let text = v.to_string();
    for leak in ["policy", "SELECT", "json", "expected", "line"] {
        assert!(!text.contains(leak), "{leak:?} leaked: {text}");
    }
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains(&id)), "{v}");
}
