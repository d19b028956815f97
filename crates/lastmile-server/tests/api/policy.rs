//! Policy groups, exceptions, compliance and the dashboard.

use super::*;
use lastmile_core::clock::{Clock, UnixMillis};
use lastmile_core::totp::{TotpParams, code_at, secret_from_base32};
use lastmile_proto::api::{ComplianceView, TotpEnrollment};

const DAY: i64 = 86_400_000;

async fn join_as(h: &Harness, email: &str) -> JoinResponse {
    if email != "ada@acme.test" {
        admin::create_user(&h.state.db, &*h.clock, "acme", email, "").await.expect("user");
    }
    let code = admin::create_invite(&h.state.db, &*h.clock, "acme", email, 1, None).await.expect("invite").code;
    let (s, v) = h.join(&code).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    serde_json::from_value(v).expect("joined")
}

async fn add_totp(h: &Harness, token: &str) {
    let (_, v) = h.call("POST", "/v1/factors/totp", Some(token), None).await;
    let e: TotpEnrollment = serde_json::from_value(v).expect("enrollment");
    let secret = secret_from_base32(&e.secret).expect("base32");
    let code = code_at(&secret, TotpParams::default(), UnixMillis(h.clock.now().0)).expect("code");
    let body = serde_json::json!({ "code": code }).to_string();
    let (s, v) = h.call("POST", &format!("/v1/factors/totp/{}/verify", e.factor_id), Some(token), Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

async fn standing(h: &Harness, token: &str) -> ComplianceView {
    let (_, v) = h.call("GET", "/v1/devices/me", Some(token), None).await;
    serde_json::from_value(v["compliance"].clone()).expect("compliance")
}

async fn dashboard(h: &Harness, token: &str) -> (StatusCode, Value) {
    h.call_with("GET", "/admin/api/dashboard", None, None, &[("authorization", format!("Bearer {token}"))]).await
}

#[tokio::test]
async fn groups_exceptions_enforcement_and_the_dashboard() {
    let h = harness().await;
    let db = &h.state.db;
    let clock = &*h.clock;
    let strict = serde_json::json!({
        "min_tier": "phishing_resistant", "recovery_codes_required": true,
        "deadline_ms": T0 + 10 * DAY,
        "enforcement": [{"from_ms": T0 - DAY, "level": "remind"}, {"from_ms": T0 + DAY, "level": "warn"},
                        {"from_ms": T0 + 10 * DAY, "level": "block"}],
        "keys": {"allow_aaguids": ["cb69481e-8ff7-4039-93ec-0a2729a154a8"]}
    });
    admin::set_group(db, clock, "acme", "engineering", &strict.to_string()).await.expect("group");
    admin::set_group(db, clock, "acme", "default", r#"{"min_tier":"strong"}"#).await.expect("default");
    assert!(admin::set_group(db, clock, "acme", "x", r#"{"min_tier":"strong","min_factors":0}"#).await.is_err());
    assert!(admin::set_group(db, clock, "acme", "x", r#"{"min_tier":"ultra"}"#).await.is_err());

    let ada = join_as(&h, "ada@acme.test").await;
    let bob = join_as(&h, "bob@acme.test").await;
    let _cy = join_as(&h, "cy@acme.test").await;
    admin::set_user_group(db, clock, "acme", "ada@acme.test", Some("engineering")).await.expect("ada's group");
    assert!(admin::set_user_group(db, clock, "acme", "bob@acme.test", Some("nope")).await.is_err());

    // Ada (engineering) adds an authenticator app: not enough for her group.
    h.clock.advance(3_600_000);
    add_totp(&h, &ada.device_token).await;
    let c = standing(&h, &ada.device_token).await;
    assert!(!c.met && !c.ok, "{c:?}");
    assert_eq!(c.group.as_deref(), Some("engineering"));
    assert_eq!((c.missing_tier.as_deref(), c.missing_recovery_codes), (Some("phishing_resistant"), true));
    assert_eq!(c.level.as_deref(), Some("remind"));
    // Bob (default) is done with the same factor.
    add_totp(&h, &bob.device_token).await;
    assert!(standing(&h, &bob.device_token).await.met);

    // Cy is excused for 7 days.
    admin::grant_exception(db, clock, "acme", "cy@acme.test", "it@acme.test", "new starter", 7).await.expect("grant");

    let token = admin::create_admin_token(db, clock, "acme", "IT").await.expect("token");
    let (s, v) = dashboard(&h, &token).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let d: Value = v;
    assert_eq!(d["totals"], serde_json::json!({"users": 3, "compliant": 1, "excepted": 1, "with_gap": 1}), "{d}");
    assert_eq!(d["mean_time_to_remediate_ms"], 3_600_000, "bob: a gap since joining, closed an hour later");
    assert_eq!(d["gaps"][0]["email"], "ada@acme.test");
    assert_eq!(d["exceptions"][0]["owner"], "it@acme.test");
    let engineering = d["groups"].as_array().and_then(|g| g.iter().find(|g| g["group"] == "engineering").cloned());
    assert_eq!(engineering.map(|g| g["level"].clone()), Some(serde_json::json!("remind")));

    // Eight days later: the exception has expired by itself and enforcement has moved on.
    h.clock.advance(8 * DAY);
    let (_, d) = dashboard(&h, &token).await;
    assert_eq!(d["totals"]["excepted"], 0, "{d}");
    assert_eq!(d["totals"]["with_gap"], 2, "{d}");
    assert_eq!(standing(&h, &ada.device_token).await.level.as_deref(), Some("warn"));

    // Without a token, with a wrong one, or another organisation's: nothing of Acme's.
    assert_eq!(dashboard(&h, "lma_wrong").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(h.call("GET", "/admin/api/dashboard", None, None).await.0, StatusCode::UNAUTHORIZED);
    admin::create_org(db, clock, "other", "Other Ltd").await.expect("org");
    let other = admin::create_admin_token(db, clock, "other", "them").await.expect("token");
    let (_, d) = dashboard(&h, &other).await;
    assert_eq!(d["totals"]["users"], 0, "{d}");
}

#[tokio::test]
async fn a_groups_key_rules_apply_at_registration() {
    use webauthn_authenticator_rs::WebauthnAuthenticator;
    use webauthn_authenticator_rs::softtoken::SoftToken;
    use webauthn_rs::prelude::{CreationChallengeResponse, Url};
    let h = harness().await;
    let only_yubikeys = r#"{"min_tier":"phishing_resistant",
        "keys":{"allow_aaguids":["cb69481e-8ff7-4039-93ec-0a2729a154a8"],"require_user_verification":true,"min_pin_length":8}}"#;
    admin::set_group(&h.state.db, &*h.clock, "acme", "finance", only_yubikeys).await.expect("group");
    let ada = join_as(&h, "ada@acme.test").await;
    admin::set_user_group(&h.state.db, &*h.clock, "acme", "ada@acme.test", Some("finance")).await.expect("group");
    let (_, v) = h.call("POST", "/v1/factors/security-key", Some(&ada.device_token), None).await;
    assert_eq!(
        (v["pin_required"].clone(), v["min_pin_length"].clone()),
        (serde_json::json!(true), serde_json::json!(8))
    );
    let options: CreationChallengeResponse = serde_json::from_value(v["options"].clone()).expect("options");
    let mut key = SoftToken::new(true).expect("soft token").0;
    let answer = key.do_registration(Url::parse("http://localhost").expect("url"), options).expect("register");
    let body = serde_json::json!({"ceremony_id": v["ceremony_id"], "credential": answer}).to_string();
    let (s, v) = h.call("POST", "/v1/factors/security-key/register", Some(&ada.device_token), Some(body)).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::KeyNotAllowed), "{v}");
}

/// The page: a sign-in form, an HttpOnly cookie, then HTML with everything escaped.
#[tokio::test]
async fn the_dashboard_page_signs_in_with_a_token_and_escapes_what_it_shows() {
    let h = harness().await;
    admin::create_user(&h.state.db, &*h.clock, "acme", "eve@acme.test", "Eve").await.expect("user");
    let reason = "<script>alert(1)</script>";
    admin::grant_exception(&h.state.db, &*h.clock, "acme", "eve@acme.test", "it@acme.test", reason, 3)
        .await
        .expect("x");
    let token = admin::create_admin_token(&h.state.db, &*h.clock, "acme", "IT").await.expect("token");
    let get = |headers: Vec<(&'static str, String)>| {
        let req = headers
            .into_iter()
            .fold(Request::builder().uri("/admin"), |r, (k, v)| r.header(k, v))
            .body(Body::empty())
            .expect("request");
        app(h.state.clone()).oneshot(req)
    };
    let resp = get(vec![]).await.expect("response");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-security-policy"].to_str().unwrap_or_default().contains("default-src 'none'"));
    let body = String::from_utf8(resp.into_body().collect().await.expect("body").to_bytes().to_vec()).expect("utf8");
    assert!(body.contains("action=/admin/login"), "the sign-in form: {body}");

    let login = |form: String, headers: Vec<(&'static str, &'static str)>| {
        let req = headers
            .into_iter()
            .fold(Request::builder().method("POST").uri("/admin/login"), |r, (k, v)| r.header(k, v))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .expect("request");
        app(h.state.clone()).oneshot(req)
    };
    assert_eq!(login("token=lma_wrong".into(), vec![]).await.expect("response").status(), StatusCode::UNAUTHORIZED);
    let resp = login(format!("token={token}"), vec![("sec-fetch-site", "same-origin")]).await.expect("response");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let cookie = resp.headers()["set-cookie"].to_str().expect("cookie").to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Secure"), "{cookie}");
    assert!(
        cookie.starts_with("lastmile_admin=lms_") && !cookie.contains(&token),
        "a session id, not the token: {cookie}"
    );

    let session = cookie.split(';').next().unwrap_or_default().to_string();
    let resp = get(vec![("cookie", session)]).await.expect("response");
    assert_eq!(resp.status(), StatusCode::OK);
    let body = String::from_utf8(resp.into_body().collect().await.expect("body").to_bytes().to_vec()).expect("utf8");
    assert!(body.contains("eve@acme.test") && body.contains("Open gaps"), "{body}");
    assert!(body.contains("action=/admin/logout"), "a way to sign out");
    assert!(body.contains("No application signs people in with Lastmile yet"), "proof of use, before any: {body}");
    assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the reason is shown, escaped: {body}");
    assert!(!body.contains("<script>"), "nothing an administrator typed reaches the page unescaped");
}

async fn page_of(resp: axum::response::Response) -> (StatusCode, String) {
    let status = resp.status();
    let body = String::from_utf8(resp.into_body().collect().await.expect("body").to_bytes().to_vec()).expect("utf8");
    (status, body)
}

/// The dashboard's cookie is a server-side session, not the token: cross-site sign-ins and
/// sign-outs are refused; a session ends at sign-out, after eight hours, and when its token
/// is revoked; the token itself in a cookie opens nothing.
#[tokio::test]
async fn dashboard_sessions_refuse_cross_site_posts_and_end() {
    let h = harness().await;
    let token = admin::create_admin_token(&h.state.db, &*h.clock, "acme", "IT").await.expect("token");
    let send = |method: &'static str, uri: &'static str, headers: Vec<(&'static str, String)>, body: String| {
        let req = headers
            .into_iter()
            .fold(Request::builder().method(method).uri(uri), |r, (k, v)| r.header(k, v))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        app(h.state.clone()).oneshot(req)
    };
    let form = format!("token={token}");
    let host = ("host", "mfa.acme.test".to_string());
    // A form on another site posting the token (login CSRF) is refused, by either header.
    for from in [("sec-fetch-site", "cross-site".to_string()), ("origin", "https://evil.example".to_string())] {
        let resp = send("POST", "/admin/login", vec![from.clone(), host.clone()], form.clone()).await.expect("resp");
        assert!(resp.headers().get("set-cookie").is_none(), "{from:?}");
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{from:?}");
    }
    let signed_in = |origin: &'static str| {
        let send = &send;
        let (form, host) = (form.clone(), host.clone());
        async move {
            let resp =
                send("POST", "/admin/login", vec![("origin", origin.to_string()), host], form).await.expect("resp");
            assert_eq!(resp.status(), StatusCode::SEE_OTHER);
            let cookie = resp.headers()["set-cookie"].to_str().expect("cookie").to_string();
            cookie.split(';').next().unwrap_or_default().to_string()
        }
    };
    let session = signed_in("https://mfa.acme.test").await;
    let dashboard = |cookie: String| send("GET", "/admin", vec![("cookie", cookie)], String::new());
    let is_dashboard = |body: &str| body.contains("Open gaps");
    assert!(is_dashboard(&page_of(dashboard(session.clone()).await.expect("resp")).await.1));
    let (s, body) = page_of(dashboard(format!("lastmile_admin={token}")).await.expect("resp")).await;
    assert!(s == StatusCode::OK && !is_dashboard(&body), "the token as a cookie opens nothing");

    // Sign-out from another site is refused; from the page it ends the session.
    let out = |from: (&'static str, String)| {
        send("POST", "/admin/logout", vec![("cookie", session.clone()), from], String::new())
    };
    assert_eq!(out(("sec-fetch-site", "cross-site".into())).await.expect("resp").status(), StatusCode::FORBIDDEN);
    assert!(is_dashboard(&page_of(dashboard(session.clone()).await.expect("resp")).await.1), "still signed in");
    let resp = out(("sec-fetch-site", "same-origin".into())).await.expect("resp");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(resp.headers()["set-cookie"].to_str().expect("cookie").contains("Max-Age=0"));
    let (_, body) = page_of(dashboard(session.clone()).await.expect("resp")).await;
    assert!(!is_dashboard(&body) && body.contains("session has ended"), "{body}");

    // Eight hours later a session has ended.
    let session = signed_in("http://mfa.acme.test").await;
    h.clock.advance(8 * 3600 * 1000);
    assert!(!is_dashboard(&page_of(dashboard(session).await.expect("resp")).await.1), "expired");

    // Revoking the token ends its sessions at once.
    let session = signed_in("https://mfa.acme.test").await;
    assert_eq!(admin::revoke_admin_tokens(&h.state.db, &*h.clock, "acme", "IT").await.expect("revoke"), 1);
    assert!(!is_dashboard(&page_of(dashboard(session).await.expect("resp")).await.1), "revoked");
    assert!(admin::revoke_admin_tokens(&h.state.db, &*h.clock, "acme", "IT").await.is_err(), "none left");
}

/// The answer to a report, read in the report's own write, is the device's whole view: its
/// user's factors oldest first with when each was verified, the group's policy, and an
/// exception in force; and it is what the device reads back on its own a moment later.
#[tokio::test]
async fn a_reports_answer_is_the_devices_view_with_its_factors_policy_and_exception() {
    let h = harness().await;
    let (db, clock) = (&h.state.db, &*h.clock);
    let strict = r#"{"min_tier":"phishing_resistant","recovery_codes_required":true}"#;
    admin::set_group(db, clock, "acme", "engineering", strict).await.expect("group");
    let dev = join_as(&h, "dee@acme.test").await;
    admin::set_user_group(db, clock, "acme", "dee@acme.test", Some("engineering")).await.expect("group");
    let first = clock.now().0;
    add_totp(&h, &dev.device_token).await;
    h.clock.advance(60_000);
    add_totp(&h, &dev.device_token).await;
    admin::grant_exception(db, clock, "acme", "dee@acme.test", "it@acme.test", "waiting for a key", 3)
        .await
        .expect("grant");

    let (s, answer) = h.report(&dev, &report_n(1)).await;
    assert_eq!(s, StatusCode::OK, "{answer}");
    let view: PostureView = serde_json::from_value(answer.clone()).expect("a view");
    let verified: Vec<(&str, i64)> =
        view.verified_factors.iter().map(|f| (f.kind.as_str(), f.verified_at_ms)).collect();
    assert_eq!(verified, [("totp", first), ("totp", first + 60_000)], "oldest first, when each was verified");
    assert_eq!(view.best_tier.as_deref(), Some("strong"));
    let c = &view.compliance;
    assert_eq!(
        (c.group.as_deref(), c.min_tier.as_str(), c.recovery_codes_required),
        (Some("engineering"), "phishing_resistant", true)
    );
    assert!(!c.met && c.ok, "the gap is covered by the exception: {c:?}");
    assert_eq!(c.excepted_until_ms, Some(clock.now().0 + 3 * DAY));
    assert_eq!((view.user.email.as_str(), view.organisation.slug.as_str()), ("dee@acme.test", "acme"));
    assert_eq!((view.reports_received, view.last_claims.map(|r| r.sequence)), (1, Some(1)));
    let (_, mine) = h.call("GET", "/v1/devices/me", Some(&dev.device_token), None).await;
    assert_eq!(answer, mine, "the answer is what the device reads back");
}
