//! Joining with the organisation's sign-in against a real identity provider (panva's
//! oidc-provider on loopback): the server discovers it, redeems codes or checks ID tokens
//! against its keys, and joins as an invite does; every refusal of the issue, each tested.

use axum::http::StatusCode;
use lastmile_proto::api::{ErrorCode, JoinResponse, SsoJoinRequest, SsoProof, SsoStart};
use lastmile_server::admin::{self, SsoAuth, SsoRequest};
use lastmile_tests::idp::{Idp, authorization_url, native_client, pkce};
use serde_json::{Value, json};

use super::{Harness, claims, error_code, harness};

const CLIENT: &str = "lastmile-desktop";
const REDIRECT: &str = "http://127.0.0.1:49151/callback";

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_millis() as i64
}

fn idp() -> Idp {
    Idp::start(json!({
        "clients": [native_client(CLIENT), native_client("another-app"), {
            "client_id": "lastmile-confidential", "client_secret": "s3cret-for-the-server-only",
            "application_type": "native", "token_endpoint_auth_method": "client_secret_basic",
            "redirect_uris": ["http://127.0.0.1/callback"], "grant_types": ["authorization_code"], "response_types": ["code"],
        }],
        "accounts": {
            "ada@acme.test": { "name": "Ada Lovelace", "groups": ["staff", "admins"] },
            "unverified@acme.test": { "email_verified": false },
        },
    }))
}

fn provider(issuer: &str) -> SsoRequest {
    SsoRequest {
        name: "Acme SSO".into(),
        issuer: issuer.into(),
        client_id: CLIENT.into(),
        auth: SsoAuth::None,
        person: "email".into(),
        domains: vec!["acme.test".into()],
        jit: false,
        group_claim: None,
        group_map: vec![],
        scope: Some("openid email profile groups".into()),
    }
}

impl Harness {
    async fn add_provider(&self, req: &SsoRequest) -> String {
        admin::add_sso_provider(&self.state.db, &*self.clock, &self.state.seal, "acme", req).await.expect("provider").id
    }

    async fn sso_start(&self, provider: Option<&str>) -> (StatusCode, Value) {
        let body = json!({ "organisation": "acme", "provider": provider });
        self.call("POST", "/v1/sso/start", None, Some(body.to_string())).await
    }

    async fn started(&self) -> SsoStart {
        let (s, v) = self.sso_start(None).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        serde_json::from_value(v).expect("start")
    }

    async fn sso_join(&self, flow_id: &str, proof: SsoProof) -> (StatusCode, Value) {
        let req = SsoJoinRequest {
            flow_id: flow_id.into(),
            proof,
            device: claims(),
            device_public_key: Some(self.key.public_key()),
        };
        self.call("POST", "/v1/devices/join/sso", None, Some(serde_json::to_string(&req).expect("json"))).await
    }
}

/// The person signs in at the provider for `start` as `login`: the code proof (what the app
/// sends), after checking that the state came back.
fn sign_in(idp: &Idp, start: &SsoStart, client_id: &str, login: &str) -> SsoProof {
    let (verifier, challenge) = pkce();
    let url = authorization_url(
        &start.authorization_endpoint,
        client_id,
        &start.scope,
        REDIRECT,
        "state-1",
        &start.nonce,
        &challenge,
    );
    let back = idp.sign_in(&url, login, false);
    let param = |name: &str| back.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    assert_eq!(param("state").as_deref(), Some("state-1"));
    let code = param("code").unwrap_or_else(|| panic!("no code in {back}"));
    SsoProof::Code { code, code_verifier: verifier, redirect_uri: REDIRECT.into() }
}

/// The ID token the app would obtain itself by redeeming the code as `client_id`.
async fn id_token(idp: &Idp, proof: &SsoProof, client_id: &str) -> SsoProof {
    let SsoProof::Code { code, code_verifier, redirect_uri } = proof else { panic!("a code") };
    let answer = idp.redeem(client_id, code, code_verifier, redirect_uri).await;
    SsoProof::IdToken { id_token: answer["id_token"].as_str().unwrap_or_else(|| panic!("{answer}")).into() }
}

async fn live_harness() -> Harness {
    let h = harness().await;
    h.clock.set(now_ms());
    h
}

async fn audit_details(h: &Harness, kind: &str) -> Vec<Value> {
    let rows: Vec<String> = sqlx::query_scalar("SELECT detail FROM audit_events WHERE kind = $1 ORDER BY seq")
        .bind(kind)
        .fetch_all(&h.state.db.pool)
        .await
        .expect("audit");
    rows.iter().map(|d| serde_json::from_str(d).expect("json")).collect()
}

#[tokio::test]
async fn a_person_joins_with_the_organisations_sign_in() {
    let idp = idp();
    let h = live_harness().await;
    let (s, v) = h.call("GET", "/v1/orgs/acme/sign-in", None, None).await;
    assert_eq!((s, v["providers"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "invites only: {v}");
    admin::set_group(&h.state.db, &*h.clock, "acme", "high-risk", r#"{"min_tier":"phishing_resistant"}"#)
        .await
        .expect("group");
    let mut req = provider(&idp.issuer);
    req.group_claim = Some("groups".into());
    req.group_map = vec!["admins=high-risk".into(), "staff=default".into()];
    let id = h.add_provider(&req).await;
    let (s, v) = h.call("GET", "/v1/orgs/ACME/sign-in", None, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["providers"], json!([{ "id": id, "name": "Acme SSO" }]));
    assert_eq!(v["organisation"]["name"], "Acme Ltd");

    let start = h.started().await;
    assert_eq!(start.authorization_endpoint, format!("{}/auth", idp.issuer));
    assert_eq!((start.client_id.as_str(), start.provider.id.as_str()), (CLIENT, id.as_str()));
    let proof = sign_in(&idp, &start, CLIENT, "ada@acme.test");
    let (s, v) = h.sso_join(&start.flow_id, proof).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let joined: JoinResponse = serde_json::from_value(v).expect("joined");
    assert_eq!((joined.user.email.as_str(), joined.organisation.slug.as_str()), ("ada@acme.test", "acme"));
    let (s, me) = h.call("GET", "/v1/devices/me", Some(&joined.device_token), None).await;
    assert_eq!(s, StatusCode::OK, "the device token works: {me}");

    // The first mapping she matches decides her group; the join is audited with its provider.
    let group: String = sqlx::query_scalar("SELECT group_name FROM user_compliance WHERE user_id = $1")
        .bind(&joined.user.id)
        .fetch_one(&h.state.db.pool)
        .await
        .expect("compliance");
    assert_eq!(group, "high-risk");
    let joins = audit_details(&h, "device.joined").await;
    let last = joins.last().expect("a join event");
    assert_eq!((last["via"].as_str(), last["provider"].as_str()), (Some("sso"), Some(id.as_str())));
    assert_eq!(last["subject"], "ada@acme.test");
    assert_eq!(audit_details(&h, "policy.group_changed").await.len(), 1);
    let report = admin::audit_verify(&h.state.db).await.expect("verify");
    assert!(report.first_bad.is_none(), "{report:?}");

    // The same flow again (its nonce replayed): refused, nothing more joined.
    let proof = sign_in(&idp, &start, CLIENT, "ada@acme.test");
    let (s, v) = h.sso_join(&start.flow_id, proof).await;
    assert_eq!((s, error_code(&v)), (StatusCode::GONE, ErrorCode::SsoExpired), "{v}");
    assert_eq!(h.count("devices").await, 1);
}

#[tokio::test]
async fn first_sign_in_creates_the_user_only_when_the_organisation_says_so() {
    let idp = idp();
    let h = live_harness().await;
    let id = h.add_provider(&provider(&idp.issuer)).await;
    let start = h.started().await;
    let (s, v) = h.sso_join(&start.flow_id, sign_in(&idp, &start, CLIENT, "bob@acme.test")).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::SsoNotAllowed), "{v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("ask your IT team")), "{v}");
    assert_eq!(h.count("users").await, 1, "no user made");

    admin::disable_sso_provider(&h.state.db, &*h.clock, "acme", &id).await.expect("disable");
    let (s, v) = h.sso_start(None).await;
    assert_eq!((s, error_code(&v)), (StatusCode::NOT_FOUND, ErrorCode::SsoUnavailable), "a disabled provider: {v}");
    let mut jit = provider(&idp.issuer);
    jit.jit = true;
    h.add_provider(&jit).await;
    let start = h.started().await;
    let (s, v) = h.sso_join(&start.flow_id, sign_in(&idp, &start, CLIENT, "bob@acme.test")).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!((v["user"]["email"].as_str(), v["user"]["display_name"].as_str()), (Some("bob@acme.test"), Some("bob")));
    let created = audit_details(&h, "user.created").await;
    assert_eq!((created.len(), created[0]["via"].as_str()), (1, Some("sso")));
    let gap: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM user_compliance WHERE met = 0")
        .fetch_one(&h.state.db.pool)
        .await
        .expect("compliance");
    assert!(gap >= 1, "the new user is evaluated (a gap until they enroll)");
}

#[tokio::test]
async fn every_refusal_is_one_error_shape_with_its_reason() {
    let idp = idp();
    let h = live_harness().await;
    let id = h.add_provider(&provider(&idp.issuer)).await;

    // An email domain the organisation does not allow.
    let start = h.started().await;
    let (s, v) = h.sso_join(&start.flow_id, sign_in(&idp, &start, CLIENT, "eve@globex.test")).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::SsoNotAllowed), "{v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("globex.test")), "{v}");

    // An email the provider has not verified.
    let start = h.started().await;
    let (s, v) = h.sso_join(&start.flow_id, sign_in(&idp, &start, CLIENT, "unverified@acme.test")).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::SsoRefused), "{v}");

    // The nonce of another sign-in: Ada signs in for flow A, the app submits to flow B.
    let a = h.started().await;
    let b = h.started().await;
    let proof = sign_in(&idp, &a, CLIENT, "ada@acme.test");
    let (s, v) = h.sso_join(&b.flow_id, id_token(&idp, &proof, CLIENT).await).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::SsoRefused), "{v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("nonce")), "{v}");

    // A token for another audience (another app of the same provider), with this flow's nonce.
    let start = h.started().await;
    let proof = sign_in(&idp, &start, "another-app", "ada@acme.test");
    let (s, v) = h.sso_join(&start.flow_id, id_token(&idp, &proof, "another-app").await).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::SsoRefused), "{v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("another-app")), "{v}");

    // A token from another issuer (another provider with a client of the same id).
    let other = Idp::start(json!({ "clients": [native_client(CLIENT)] }));
    let start = h.started().await;
    let foreign = SsoStart { authorization_endpoint: format!("{}/auth", other.issuer), ..start.clone() };
    let proof = sign_in(&other, &foreign, CLIENT, "ada@acme.test");
    let (s, v) = h.sso_join(&start.flow_id, id_token(&other, &proof, CLIENT).await).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::SsoRefused), "{v}");
    // ... and its code, which this flow's provider does not know.
    let proof = sign_in(&other, &foreign, CLIENT, "ada@acme.test");
    let (s, v) = h.sso_join(&start.flow_id, proof).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::SsoRefused), "{v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("invalid_grant")), "{v}");

    // A redirect URI that is not a loopback address.
    let start = h.started().await;
    let SsoProof::Code { code, code_verifier, .. } = sign_in(&idp, &start, CLIENT, "ada@acme.test") else {
        panic!("code")
    };
    let proof = SsoProof::Code { code, code_verifier, redirect_uri: "https://evil.test/cb".into() };
    let (s, v) = h.sso_join(&start.flow_id, proof).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::SsoRefused), "{v}");

    // An expired token: the server's clock two hours past the provider's (its tokens live an
    // hour).
    h.clock.set(now_ms() + 2 * 3_600_000);
    let start = h.started().await;
    let proof = sign_in(&idp, &start, CLIENT, "ada@acme.test");
    let (s, v) = h.sso_join(&start.flow_id, id_token(&idp, &proof, CLIENT).await).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::SsoRefused), "{v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("expired")), "{v}");

    // Unknown and expired flows (the clock only moves forward: the rate limits follow it); an unknown provider; an unknown organisation.
    let (s, v) = h.sso_join("sso_unknown", SsoProof::IdToken { id_token: "a.b.c".into() }).await;
    assert_eq!((s, error_code(&v)), (StatusCode::GONE, ErrorCode::SsoExpired), "{v}");
    // A proof outside its documented lengths is a malformed request, whatever the flow.
    let short = SsoProof::Code {
        code: "c".into(),
        code_verifier: "too-short".into(),
        redirect_uri: "http://127.0.0.1:9/callback".into(),
    };
    let (s, v) = h.sso_join("sso_unknown", short).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("code_verifier")), "{v}");
    let start = h.started().await;
    h.clock.advance(lastmile_server::sso::FLOW_TTL_MS + 1);
    let (s, v) = h.sso_join(&start.flow_id, SsoProof::IdToken { id_token: "a.b.c".into() }).await;
    assert_eq!((s, error_code(&v)), (StatusCode::GONE, ErrorCode::SsoExpired), "{v}");
    let (s, v) = h.sso_start(Some("idp_nope")).await;
    assert_eq!((s, error_code(&v)), (StatusCode::NOT_FOUND, ErrorCode::SsoUnavailable), "{v}");
    let (s, v) = h.call("POST", "/v1/sso/start", None, Some(json!({ "organisation": "globex" }).to_string())).await;
    assert_eq!((s, error_code(&v)), (StatusCode::NOT_FOUND, ErrorCode::SsoUnavailable), "{v}");
    let (s, v) = h.call("POST", "/v1/devices/join/sso", None, Some(r#"{"flow_id":"x"}"#.into())).await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::BadRequest), "{v}");
    assert_eq!(h.count("devices").await, 0, "nothing joined");
    let _ = id;
}

#[tokio::test]
async fn an_unreachable_provider_is_said_to_be_unreachable() {
    let mut idp = idp();
    let h = live_harness().await;
    h.add_provider(&provider(&idp.issuer)).await;
    let start = h.started().await;
    let proof = sign_in(&idp, &start, CLIENT, "ada@acme.test");
    idp.stop();
    let (s, v) = h.sso_join(&start.flow_id, proof).await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_GATEWAY, ErrorCode::SsoIdpUnreachable), "{v}");
    // A server that has not discovered it yet cannot start either.
    let fresh = lastmile_server::AppState::new(h.state.db.clone(), h.clock.clone());
    let h2 = Harness { state: fresh, ..h };
    let (s, v) = h2.sso_start(None).await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_GATEWAY, ErrorCode::SsoIdpUnreachable), "{v}");
    // Adding a provider that does not answer discovery fails at once.
    let err = admin::add_sso_provider(&h2.state.db, &*h2.clock, &h2.state.seal, "acme", &provider(&idp.issuer))
        .await
        .expect_err("unreachable");
    assert!(err.to_string().contains("discovery"), "{err}");
}

#[tokio::test]
async fn a_confidential_client_redeems_with_its_sealed_secret() {
    let idp = idp();
    let h = live_harness().await;
    let mut req = provider(&idp.issuer);
    req.client_id = "lastmile-confidential".into();
    req.auth = SsoAuth::Secret("wrong".into());
    let wrong = h.add_provider(&req).await;
    let start = h.started().await;
    let (s, v) = h.sso_join(&start.flow_id, sign_in(&idp, &start, "lastmile-confidential", "ada@acme.test")).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::SsoRefused), "a wrong secret: {v}");
    admin::disable_sso_provider(&h.state.db, &*h.clock, "acme", &wrong).await.expect("disable");

    req.auth = SsoAuth::Secret("s3cret-for-the-server-only\n".into());
    h.add_provider(&req).await;
    let stored: String = sqlx::query_scalar("SELECT credential FROM sso_providers WHERE disabled_at_ms IS NULL")
        .fetch_one(&h.state.db.pool)
        .await
        .expect("credential");
    assert!(!stored.contains("s3cret"), "sealed, not stored as given: {stored}");
    let start = h.started().await;
    let (s, v) = h.sso_join(&start.flow_id, sign_in(&idp, &start, "lastmile-confidential", "ada@acme.test")).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

#[tokio::test]
async fn a_provider_is_checked_when_it_is_added() {
    let idp = idp();
    let h = live_harness().await;
    let add = |tweak: fn(&mut SsoRequest)| {
        let mut req = provider(&idp.issuer);
        tweak(&mut req);
        let h = &h;
        async move { admin::add_sso_provider(&h.state.db, &*h.clock, &h.state.seal, "acme", &req).await }
    };
    type Tweak = fn(&mut SsoRequest);
    let cases: [(Tweak, &str); 7] = [
        (|r| r.issuer.push('/'), "discovery"),
        (|r| r.issuer = r.issuer.replace("http://127.0.0.1", "http://idp.acme.test"), "https"),
        (|r| r.person = "upn".into(), "--person"),
        (
            |r| {
                r.domains = vec![];
                r.jit = true;
            },
            "--jit",
        ),
        (|r| r.group_map = vec!["admins=nope".into()], "not a policy group"),
        (|r| r.group_map = vec!["admins=default".into()], "--group-claim"),
        (|r| r.scope = Some("email".into()), "openid"),
    ];
    for (tweak, why) in cases {
        let err = add(tweak).await.expect_err(why);
        assert!(err.to_string().contains(why), "{why}: {err}");
    }
    let providers: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sso_providers").fetch_one(&h.state.db.pool).await.expect("count");
    assert_eq!(providers, 0);
}
