//! The OpenID Connect provider's published documents, checked by a certified relying-party
//! library (panva's openid-client and jose, `tests/oidc/verify.mjs`) against the server on a
//! loopback socket: discovery with the exact issuer, and ID tokens signed with each of the
//! provider's algorithms verified through its JWKS, before and after a key rotation.

use super::*;
use lastmile_core::clock::{Clock, UnixMillis};
use lastmile_server::oidc::{Alg, Issuer, Provider, keys};

/// Runs tests/oidc/verify.mjs; returns its JSON line, or its error.
fn relying_party(args: &[&str]) -> Result<Value, String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc");
    assert!(
        dir.join("node_modules/openid-client").exists(),
        "openid-client is missing: run scripts/setup.sh --test (it runs npm ci in tests/oidc)"
    );
    let out = std::process::Command::new("node").arg(dir.join("verify.mjs")).args(args).output().expect("node");
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).expect("one JSON line"))
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

/// The harness's server with a provider on a loopback port; returns it and the issuer.
async fn provider(h: &mut Harness, dir: &std::path::Path) -> (Arc<Provider>, String) {
    provider_on(h, dir, "127.0.0.1").await
}

/// The same, with the issuer's host named `host` (the socket is on 127.0.0.1). On
/// `localhost` the page is under the harness's RP ID and takes security keys.
async fn provider_on(h: &mut Harness, dir: &std::path::Path, host: &str) -> (Arc<Provider>, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let issuer = format!("http://{host}:{}/", listener.local_addr().expect("addr").port());
    let issuer = Issuer::parse(&issuer).expect("issuer");
    let provider = Arc::new(Provider::start(issuer.clone(), dir.join("oidc-keys.json"), h.clock.now()).expect("keys"));
    h.state = h.state.clone().with_oidc(provider.clone());
    let state = h.state.clone();
    tokio::spawn(async move { axum::serve(listener, app(state)).await });
    (provider, issuer.to_string())
}

fn token(p: &Provider, alg: Alg, now: UnixMillis, aud: &str) -> String {
    let claims = serde_json::json!({
        "iss": p.issuer().as_str(), "aud": aud, "sub": "usr_test",
        "iat": now.0 / 1000, "exp": now.0 / 1000 + 300,
    });
    p.keys().sign(alg, &claims, now).expect("sign")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relying_parties_discover_the_provider_and_verify_its_tokens() {
    let mut h = harness().await;
    // The relying party checks exp against the real clock.
    h.clock.set(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64);
    let dir = tempfile::tempdir().expect("dir");
    let (p, issuer) = provider(&mut h, dir.path()).await;
    assert!(!issuer.ends_with('/'), "{issuer}");
    let now = h.clock.now();
    let (rs, es) = (token(&p, Alg::RS256, now, "client-a"), token(&p, Alg::ES256, now, "client-a"));
    let seen = relying_party(&[&issuer, &rs, "client-a", &es, "client-a"]).expect("discovered and verified");
    assert_eq!(seen["issuer"], issuer.as_str());
    assert_eq!(seen["jwks_uri"], format!("{issuer}/oidc/jwks"));
    let algs: Vec<&str> =
        seen["verified"].as_array().expect("verified").iter().filter_map(|v| v["alg"].as_str()).collect();
    assert_eq!(algs, ["RS256", "ES256"]);

    // Refused as a relying party must: another audience, a token signed by a key the
    // provider does not publish, a tampered payload, a discovery under another issuer name.
    let err = relying_party(&[&issuer, &rs, "client-b"]).expect_err("audience");
    assert!(err.contains("aud"), "{err}");
    let other = tempfile::tempdir().expect("dir");
    let stranger =
        Provider::start(Issuer::parse(&issuer).expect("issuer"), other.path().join("k.json"), now).expect("keys");
    let err =
        relying_party(&[&issuer, &token(&stranger, Alg::RS256, now, "client-a"), "client-a"]).expect_err("unknown key");
    assert!(err.contains("JWKSNoMatchingKey") || err.contains("no applicable key"), "{err}");
    let mut parts: Vec<String> = rs.split('.').map(str::to_string).collect();
    parts[1] = parts[1].replace('A', "B");
    let err = relying_party(&[&issuer, &parts.join("."), "client-a"]).expect_err("tampered");
    assert!(err.contains("signature") || err.contains("JWS"), "{err}");
    // Another spelling of the issuer (a trailing slash) does not match the tokens' iss.
    let err = relying_party(&[&format!("{issuer}/"), &rs, "client-a"]).expect_err("the issuer is one spelling");
    assert!(err.contains("\"iss\"") || err.contains("issuer"), "{err}");

    // A rotation: the new pair is published at once (a token it signs after the switch
    // verifies), and a token signed before the switch still verifies during the overlap.
    let r = keys::rotate(&dir.path().join("oidc-keys.json"), now, 1000).expect("rotate");
    assert!(p.reload_keys().expect("reload"), "the changed file is read again");
    let after = UnixMillis(r.signs_from_ms);
    let new = token(&p, Alg::RS256, after, "client-a");
    let seen = relying_party(&[&issuer, &new, "client-a", &rs, "client-a"]).expect("both verify");
    let kids: Vec<&str> =
        seen["verified"].as_array().expect("verified").iter().filter_map(|v| v["kid"].as_str()).collect();
    assert!(r.new.iter().any(|k| k == kids[0]) && !r.new.iter().any(|k| k == kids[1]), "{seen}");
}

#[tokio::test]
async fn discovery_is_one_exact_document_and_absent_without_an_issuer() {
    let h = harness().await;
    let (s, v) = h.call("GET", "/.well-known/openid-configuration", None, None).await;
    assert_eq!((s, error_code(&v)), (StatusCode::NOT_FOUND, ErrorCode::NotFound), "{v}");
    let dir = tempfile::tempdir().expect("dir");
    let issuer = Issuer::parse("https://mfa.acme.example:443/").expect("issuer");
    let p = Arc::new(Provider::start(issuer, dir.path().join("k.json"), h.clock.now()).expect("keys"));
    let state = h.state.clone().with_oidc(p);
    let resp = app(state)
        .oneshot(Request::builder().uri("/.well-known/openid-configuration").body(Body::empty()).expect("request"))
        .await
        .expect("response");
    assert_eq!(resp.status(), StatusCode::OK);
    let length = resp.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).map(str::to_string);
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(length, Some(bytes.len().to_string()), "a Content-Length");
    let doc: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(doc["issuer"], "https://mfa.acme.example");
    for endpoint in ["authorization_endpoint", "token_endpoint", "jwks_uri"] {
        assert!(doc[endpoint].as_str().is_some_and(|u| u.starts_with("https://mfa.acme.example/oidc/")), "{doc}");
    }
    assert_eq!(doc["code_challenge_methods_supported"], serde_json::json!(["S256"]));
}

/// Registering clients: each profile with the credential it needs, the secret shown once and
/// stored only as its hash, and every mismatch refused with what to change.
#[tokio::test]
async fn clients_are_registered_with_what_their_profile_needs() {
    use lastmile_server::admin::{ClientAuth, ClientRequest, disable_oidc_client, oidc_clients, register_oidc_client};
    let h = harness().await;
    let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47".to_string();
    let request = |profile: &str, auth: ClientAuth, tenants: Vec<String>, uris: &[&str]| ClientRequest {
        name: format!("{profile} client"),
        profile: profile.into(),
        redirect_uris: uris.iter().map(|u| u.to_string()).collect(),
        auth,
        tenants,
        entra_app_id: (profile == "entra-eam").then(|| "600b719b-3766-4dc5-95a6-3c4a8dc31885".to_string()),
        factors: "any".into(),
        pkce: "required".into(),
    };
    let entra_uri = "https://login.microsoftonline.com/common/federation/externalauthprovider";
    let entra = register_oidc_client(
        &h.state.db,
        &*h.clock,
        "acme",
        &request("entra-eam", ClientAuth::None, vec![tenant.to_uppercase()], &[entra_uri]),
    )
    .await
    .expect("entra");
    assert!(entra.client_secret.is_none() && entra.client.client_id.starts_with("lmc_"));
    assert_eq!(entra.client.tenants, vec![tenant.clone()], "tenant ids stored in one case");
    let okta = register_oidc_client(
        &h.state.db,
        &*h.clock,
        "acme",
        &request("okta", ClientAuth::Secret, vec![], &["https://acme.okta.com/oauth2/v1/authorize/callback"]),
    )
    .await
    .expect("okta");
    let secret = okta.client_secret.clone().expect("a secret, shown once");
    assert!(secret.starts_with("lmcs_") && secret.len() > 40, "{secret}");
    let stored = okta.client.secret_hash.clone().expect("stored");
    assert_eq!(stored, lastmile_server::secrets::hash_secret(&secret), "only the hash is stored");
    assert!(!serde_json::to_string(&okta.client).expect("json").contains(&stored), "the hash is never printed");
    let jwks = r#"{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;
    register_oidc_client(
        &h.state.db,
        &*h.clock,
        "acme",
        &request(
            "keycloak",
            ClientAuth::PrivateKeyJwt(jwks.into()),
            vec![],
            &["http://127.0.0.1:8080/realms/acme/broker/lastmile/endpoint"],
        ),
    )
    .await
    .expect("keycloak with private_key_jwt on loopback");

    let without_app_id = ClientRequest {
        entra_app_id: None,
        ..request("entra-eam", ClientAuth::None, vec![tenant.clone()], &[entra_uri])
    };
    let app_id_for_okta = ClientRequest {
        entra_app_id: Some(tenant.clone()),
        ..request("okta", ClientAuth::Secret, vec![], &["https://x.example/cb"])
    };
    let bad_app_id = ClientRequest {
        entra_app_id: Some("app".into()),
        ..request("entra-eam", ClientAuth::None, vec![tenant.clone()], &[entra_uri])
    };
    let refusals: [(ClientRequest, &str); 12] = [
        (without_app_id, "--entra-app-id"),
        (app_id_for_okta, "for entra-eam clients only"),
        (bad_app_id, "not an Application ID"),
        (request("azure", ClientAuth::Secret, vec![], &["https://x.example/cb"]), "use one of entra-eam, okta"),
        (request("okta", ClientAuth::Secret, vec![], &[]), "at least one redirect URI"),
        (request("okta", ClientAuth::Secret, vec![], &["http://x.example/cb"]), "use https"),
        (request("okta", ClientAuth::Secret, vec![], &["https://x.example/cb#frag"]), "no fragment"),
        (request("okta", ClientAuth::None, vec![], &["https://x.example/cb"]), "--auth secret or private-key-jwt"),
        (request("entra-eam", ClientAuth::Secret, vec![tenant.clone()], &[entra_uri]), "leave out --auth"),
        (request("entra-eam", ClientAuth::None, vec![], &[entra_uri]), "tenant ids it serves"),
        (request("entra-eam", ClientAuth::None, vec!["contoso".into()], &[entra_uri]), "not an Entra ID tenant id"),
        (
            request("generic", ClientAuth::PrivateKeyJwt(r#"{"keys":[]}"#.into()), vec![], &["https://x.example/cb"]),
            "has no keys",
        ),
    ];
    for (req, needle) in refusals {
        let err = register_oidc_client(&h.state.db, &*h.clock, "acme", &req).await.expect_err(needle).to_string();
        assert!(err.contains(needle), "{req:?}: {err}");
    }
    let listed = oidc_clients(&h.state.db, "acme").await.expect("list");
    assert_eq!(listed.len(), 3);
    disable_oidc_client(&h.state.db, &*h.clock, "acme", &okta.client.client_id).await.expect("disable");
    let err = disable_oidc_client(&h.state.db, &*h.clock, "acme", &okta.client.client_id).await.expect_err("twice");
    assert!(err.to_string().contains("not found"), "{err}");
    let listed = oidc_clients(&h.state.db, "acme").await.expect("list");
    assert!(listed.iter().any(|c| c.client_id == okta.client.client_id && c.disabled_at_ms.is_some()));
}

/// Runs tests/oidc/code_flow.mjs (openid-client's authorization code flow with PKCE).
fn code_flow(args: &[&str]) -> Result<Value, String> {
    code_flow_with(args, &[])
}

fn code_flow_with(args: &[&str], envs: &[(&str, &str)]) -> Result<Value, String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc");
    let out = std::process::Command::new("node")
        .arg(dir.join("code_flow.mjs"))
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .expect("node");
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).expect("one JSON line"))
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

/// The sign-in page's request id (its hidden form field).
pub(super) fn request_id(html: &str) -> String {
    let start = html.find("name=\"request\" value=\"").expect("the form") + "name=\"request\" value=\"".len();
    html[start..].split('"').next().expect("value").to_string()
}

/// Ada, with a device and a verified authenticator app; returns her TOTP secret.
async fn ada_with_totp(h: &Harness) -> Vec<u8> {
    use lastmile_core::totp::{TotpParams, code_at};
    let dev = h.joined().await;
    let (e, secret) = h.totp(&dev.device_token).await;
    let code = code_at(&secret, TotpParams::default(), h.clock.now()).expect("code");
    let body = serde_json::json!({ "code": code }).to_string();
    let (s, v) =
        h.call("POST", &format!("/v1/factors/totp/{}/verify", e.factor_id), Some(&dev.device_token), Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    secret
}

/// The authorization code flow end to end with a certified relying-party library: openid-client
/// builds the request (PKCE S256, state, nonce), the person proves the authenticator app
/// Lastmile verified on the server's page, openid-client redeems the code and validates the
/// ID token (signature through the JWKS, iss, aud, nonce, expiry). Then the refusals.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_flow_signs_in_with_the_authenticator_app_lastmile_verified() {
    use lastmile_core::totp::{TotpParams, code_at};
    use lastmile_server::admin::{ClientAuth, ClientRequest, register_oidc_client};
    let mut h = harness().await;
    h.clock.set(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64);
    let dir = tempfile::tempdir().expect("dir");
    let (_p, issuer) = provider(&mut h, dir.path()).await;
    let secret = ada_with_totp(&h).await;
    let redirect = "http://127.0.0.1:9/callback";
    let req = ClientRequest {
        name: "Acme Keycloak".into(),
        profile: "keycloak".into(),
        redirect_uris: vec![redirect.into()],
        auth: ClientAuth::Secret,
        tenants: vec![],
        entra_app_id: None,
        factors: "any".into(),
        pkce: "required".into(),
    };
    let admin_token = admin::create_admin_token(&h.state.db, &*h.clock, "acme", "IT").await.expect("token");
    let dashboard = || async {
        let (s, v) = h
            .call_with("GET", "/admin/api/dashboard", None, None, &[("authorization", format!("Bearer {admin_token}"))])
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    };
    let before = dashboard().await;
    assert_eq!(before["sign_in_clients"], 0, "{before}");
    let client = register_oidc_client(&h.state.db, &*h.clock, "acme", &req).await.expect("client");
    let (client_id, client_secret) = (client.client.client_id.clone(), client.client_secret.clone().expect("secret"));
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    // Proof of use before: Ada's authenticator app is verified and never used to sign in.
    let before = dashboard().await;
    assert_eq!(before["sign_in_clients"], 1);
    assert_eq!(
        before["factor_use"],
        serde_json::json!([{"kind": "totp", "verified": 1, "used": 0, "never_used": 1, "last_used_at_ms": null}])
    );
    assert_eq!(before["never_used"][0]["email"], "ada@acme.test", "{before}");

    let start = code_flow(&["start", &issuer, &client_id, &client_secret, redirect]).expect("start");
    let url = start["url"].as_str().expect("url");
    let resp = http.get(url).send().await.expect("the page");
    assert_eq!(resp.status(), 200);
    let csp =
        resp.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(csp.contains("form-action 'self' http://127.0.0.1:9") && csp.contains("default-src 'none'"), "{csp}");
    let html = resp.text().await.expect("html");
    assert!(html.contains("Acme Keycloak") && html.contains("value=\"ada@acme.test\""), "{html}");
    // No script at all, and every field has its label.
    assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
    assert!(!html.contains("aria-describedby"), "nothing to describe the field with yet");
    for id in ["username", "code"] {
        assert!(
            html.contains(&format!("<label for=\"{id}\">")) && html.contains(&format!("id=\"{id}\"")),
            "{id}: {html}"
        );
    }
    let request = request_id(&html);
    let post = |code: String, request: String| {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("request", &request)
            .append_pair("username", "Ada@Acme.test")
            .append_pair("code", &code)
            .finish();
        let (http, to) = (http.clone(), format!("{issuer}/oidc/authorize/totp"));
        async move {
            let r = http
                .post(to)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .expect("post");
            let status = r.status().as_u16();
            let location = r.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
            (status, location, r.text().await.unwrap_or_default())
        }
    };
    // A wrong code: the page again, with a message that does not say whether the email exists.
    let (status, _, html) = post("000000".into(), request.clone()).await;
    assert_eq!(status, 400);
    assert!(html.contains("that email and code do not match"), "{html}");
    assert!(html.contains("aria-describedby=\"error\"") && html.contains("role=\"alert\""), "{html}");
    // The next step's code (the current one was used when the app verified the factor).
    let next = code_at(&secret, TotpParams::default(), UnixMillis(h.clock.now().0 + 30_000)).expect("code");
    let (status, location, _) = post(next.clone(), request.clone()).await;
    assert_eq!(status, 303);
    let callback = location.expect("back to the client");
    assert!(callback.starts_with(&format!("{redirect}?code=")) && callback.contains("&iss="), "{callback}");

    let (verifier, state, nonce) = (
        start["verifier"].as_str().unwrap_or_default(),
        start["state"].as_str().unwrap_or_default(),
        start["nonce"].as_str().unwrap_or_default(),
    );
    let claims =
        code_flow(&["finish", &issuer, &client_id, &client_secret, &callback, verifier, state, nonce]).expect("finish");
    let ada: String = sqlx::query_scalar("SELECT id FROM users WHERE email = 'ada@acme.test'")
        .fetch_one(&h.state.db.pool)
        .await
        .expect("ada");
    assert_eq!(
        (claims["sub"].as_str(), claims["aud"].as_str()),
        (Some(ada.as_str()), Some(client_id.as_str())),
        "{claims}"
    );
    assert_eq!(claims["amr"], serde_json::json!(["otp"]));
    assert_eq!(claims["nonce"].as_str(), Some(nonce));
    assert_eq!(
        (claims["email"].as_str(), claims["email_verified"].as_bool()),
        (Some("ada@acme.test"), Some(true)),
        "the email scope"
    );
    // Proof of use after: the last use is the sign-in's; no factor is left unused.
    let after = dashboard().await;
    assert_eq!(after["factor_use"][0]["used"], 1, "{after}");
    assert_eq!(after["factor_use"][0]["last_used_at_ms"], h.clock.now().0);
    assert_eq!(after["never_used"], serde_json::json!([]));
    let kinds: Vec<String> = sqlx::query_scalar("SELECT kind FROM audit_events ORDER BY id")
        .fetch_all(&h.state.db.pool)
        .await
        .expect("events");
    assert!(
        kinds.iter().any(|k| k == "oidc.signed_in") && kinds.iter().any(|k| k == "oidc.sign_in_refused"),
        "{kinds:?}"
    );

    // The same code again: refused by the token endpoint, and openid-client says so.
    let err = code_flow(&["finish", &issuer, &client_id, &client_secret, &callback, verifier, state, nonce])
        .expect_err("reused");
    assert!(err.contains("invalid_grant"), "{err}");
    // A completed request takes no more codes.
    let (status, _, html) = post(next, request).await;
    assert_eq!(status, 400);
    assert!(html.contains("expired or was already completed"), "{html}");

    // A second sign-in whose code is redeemed with another verifier (PKCE mismatch).
    let start = code_flow(&["start", &issuer, &client_id, &client_secret, redirect]).expect("start");
    let html = http.get(start["url"].as_str().expect("url")).send().await.expect("page").text().await.expect("html");
    let code = code_at(&secret, TotpParams::default(), UnixMillis(h.clock.now().0 + 60_000)).expect("code");
    h.clock.advance(30_000);
    let (status, location, _) = post(code, request_id(&html)).await;
    assert_eq!(status, 303);
    let callback = location.expect("callback");
    let (state, nonce) = (start["state"].as_str().unwrap_or_default(), start["nonce"].as_str().unwrap_or_default());
    let wrong_verifier = "x".repeat(43);
    let err = code_flow(&["finish", &issuer, &client_id, &client_secret, &callback, &wrong_verifier, state, nonce])
        .expect_err("pkce");
    assert!(err.contains("invalid_grant"), "{err}");
    // A wrong client secret is refused before the code is looked at.
    let err = code_flow(&["finish", &issuer, &client_id, "lmcs_wrong", &callback, &wrong_verifier, state, nonce])
        .expect_err("secret");
    assert!(err.contains("invalid_client"), "{err}");

    // A redirect URI the client did not register: shown, never redirected.
    let bad = start["url"].as_str().expect("url").replace("127.0.0.1%3A9%2Fcallback", "evil.example%2Fcallback");
    let resp = http.get(bad).send().await.expect("page");
    assert_eq!(resp.status(), 400);
    assert!(resp.headers().get("location").is_none());
    // Without PKCE: back to the client with invalid_request.
    let no_pkce = format!(
        "{issuer}/oidc/authorize?client_id={client_id}&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&response_type=code&scope=openid&state=s1"
    );
    let resp = http.get(no_pkce).send().await.expect("page");
    let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(
        location.starts_with(redirect) && location.contains("error=invalid_request") && location.contains("state=s1"),
        "{location}"
    );
}

/// A client that authenticates with private_key_jwt (RFC 7523): openid-client signs its
/// assertion with the client's EC key, the server verifies it with the keys registered for
/// the client, and accepts each assertion once. A code older than a minute is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_with_private_key_jwt_redeems_codes_and_old_codes_are_refused() {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use lastmile_core::totp::{TotpParams, code_at};
    use lastmile_server::admin::{ClientAuth, ClientRequest, register_oidc_client};
    let mut h = harness().await;
    // The server's clock starts 61 s behind the real one (see the expired code below).
    let real = UnixMillis(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64,
    );
    h.clock.set(real.0 - 61_000);
    let dir = tempfile::tempdir().expect("dir");
    let (_p, issuer) = provider(&mut h, dir.path()).await;
    let secret = ada_with_totp(&h).await;

    // The client's key pair: the private JWK for openid-client, the public one registered.
    let group = openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).expect("P-256");
    let key = openssl::ec::EcKey::generate(&group).expect("key");
    let mut ctx = openssl::bn::BigNumContext::new().expect("bn");
    let (mut x, mut y) = (openssl::bn::BigNum::new().expect("x"), openssl::bn::BigNum::new().expect("y"));
    key.public_key().affine_coordinates(&group, &mut x, &mut y, &mut ctx).expect("point");
    let b64 = |n: &openssl::bn::BigNumRef| URL_SAFE_NO_PAD.encode(n.to_vec_padded(32).expect("32 bytes"));
    let public =
        serde_json::json!({ "kty": "EC", "crv": "P-256", "x": b64(&x), "y": b64(&y), "kid": "rp-1", "alg": "ES256" });
    let mut private = public.clone();
    private["d"] = b64(key.private_key()).into();
    let jwk_file = dir.path().join("rp-key.json");
    std::fs::write(&jwk_file, private.to_string()).expect("write");
    let auth = format!("jwk:{}", jwk_file.display());
    let redirect = "http://127.0.0.1:9/cb";
    let req = ClientRequest {
        name: "Generic RP".into(),
        profile: "generic".into(),
        redirect_uris: vec![redirect.into()],
        auth: ClientAuth::PrivateKeyJwt(serde_json::json!({ "keys": [public] }).to_string()),
        tenants: vec![],
        entra_app_id: None,
        factors: "any".into(),
        pkce: "required".into(),
    };
    let client_id = register_oidc_client(&h.state.db, &*h.clock, "acme", &req).await.expect("client").client.client_id;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    let sign_in = |steps: i64| {
        let (http, issuer, client_id, auth) = (http.clone(), issuer.clone(), client_id.clone(), auth.clone());
        let code = code_at(&secret, TotpParams::default(), UnixMillis(h.clock.now().0 + steps * 30_000)).expect("code");
        async move {
            let start = code_flow(&["start", &issuer, &client_id, &auth, redirect]).expect("start");
            let html =
                http.get(start["url"].as_str().expect("url")).send().await.expect("page").text().await.expect("html");
            let body = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("request", &request_id(&html))
                .append_pair("username", "ada@acme.test")
                .append_pair("code", &code)
                .finish();
            let r = http
                .post(format!("{issuer}/oidc/authorize/totp"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .expect("post");
            let callback = r.headers().get("location").and_then(|v| v.to_str().ok()).expect("redirected").to_string();
            (start, callback)
        }
    };
    // A code redeemed after a minute is refused (the client authenticates fine): the sign-in
    // happens with the server's clock 61 s back, the redemption at the real time (which the
    // assertion's exp is made from).
    let finish = |start: &Value, callback: &str| {
        let field = |name: &str| start[name].as_str().unwrap_or_default().to_string();
        code_flow(&[
            "finish",
            &issuer,
            &client_id,
            &auth,
            callback,
            &field("verifier"),
            &field("state"),
            &field("nonce"),
        ])
    };
    let (start, old_callback) = sign_in(1).await;
    h.clock.set(real.0);
    let err = finish(&start, &old_callback).expect_err("an expired code");
    assert!(err.contains("invalid_grant") && err.contains("expired"), "{err}");

    let (start, callback) = sign_in(1).await;
    let claims = finish(&start, &callback).expect("private_key_jwt");
    assert_eq!(claims["aud"].as_str(), Some(client_id.as_str()), "{claims}");

    // The client's secret path is closed to it, and another key is not its key.
    let other = dir.path().join("other-key.json");
    let stranger = openssl::ec::EcKey::generate(&group).expect("key");
    stranger.public_key().affine_coordinates(&group, &mut x, &mut y, &mut ctx).expect("point");
    let forged = serde_json::json!({
        "kty": "EC", "crv": "P-256", "x": b64(&x), "y": b64(&y), "d": b64(stranger.private_key()), "kid": "rp-1", "alg": "ES256",
    });
    std::fs::write(&other, forged.to_string()).expect("write");
    let err = code_flow(&[
        "finish",
        &issuer,
        &client_id,
        &format!("jwk:{}", other.display()),
        &callback,
        start["verifier"].as_str().unwrap_or_default(),
        start["state"].as_str().unwrap_or_default(),
        start["nonce"].as_str().unwrap_or_default(),
    ])
    .expect_err("wrong key");
    assert!(err.contains("invalid_client"), "{err}");

    // One assertion sent twice (made here: ES256 over header.claims with the client's key):
    // the first authenticates (the code is then unknown), the second is refused by its jti.
    let header = URL_SAFE_NO_PAD.encode(serde_json::json!({ "alg": "ES256", "kid": "rp-1" }).to_string());
    let exp = h.clock.now().0 / 1000 + 60;
    let claims = serde_json::json!({ "iss": client_id, "sub": client_id, "aud": issuer, "exp": exp, "jti": "once" });
    let input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims.to_string()));
    let pkey = openssl::pkey::PKey::from_ec_key(key).expect("pkey");
    let mut signer = openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &pkey).expect("signer");
    signer.update(input.as_bytes()).expect("update");
    let der = openssl::ecdsa::EcdsaSig::from_der(&signer.sign_to_vec().expect("sign")).expect("der");
    let mut raw = der.r().to_vec_padded(32).expect("r");
    raw.extend(der.s().to_vec_padded(32).expect("s"));
    let assertion = format!("{input}.{}", URL_SAFE_NO_PAD.encode(raw));
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("code", "not-a-code")
        .append_pair("redirect_uri", redirect)
        .append_pair("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        .append_pair("client_assertion", &assertion)
        .finish();
    let mut answers = Vec::new();
    for _ in 0..2 {
        let r = http
            .post(format!("{issuer}/oidc/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .expect("token");
        let v: Value = r.json().await.expect("json");
        answers.push((
            v["error"].as_str().unwrap_or_default().to_string(),
            v["error_description"].as_str().unwrap_or_default().to_string(),
        ));
    }
    assert_eq!(answers[0].0, "invalid_grant", "the assertion authenticated: {answers:?}");
    assert_eq!(answers[1].0, "invalid_client", "{answers:?}");
    assert!(answers[1].1.contains("used before"), "{answers:?}");
}

/// A form post to the page; returns the status, the redirect and the page.
async fn post_form(http: &reqwest::Client, to: &str, fields: &[(&str, &str)]) -> (u16, Option<String>, String) {
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    let r = http
        .post(to)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("post");
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
    (status, location, r.text().await.unwrap_or_default())
}

/// The structure of a JSON value: its object keys and value types, recursively (array items
/// by the first one), without the values.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
        Value::Array(a) => Value::Array(a.first().map(shape).into_iter().collect()),
        Value::String(_) => "string".into(),
        Value::Number(_) => "number".into(),
        Value::Bool(_) => "bool".into(),
        Value::Null => Value::Null,
    }
}

/// A security key enrolled the way the app does it (a SoftToken answering the device API's
/// ceremonies) signs in on the page: the page asks for options for the email, the key answers
/// on the page's origin, the code is redeemed by openid-client and the ID token says `hwk`.
/// An email without keys gets options of the same shape with a stand-in credential, the same
/// every time; another key, a replayed answer, a page without JavaScript and a code typed
/// for a client that takes only security keys are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_security_key_enrolled_through_the_app_signs_in_on_the_page() {
    use super::security_keys::{enrolled_key, token};
    use lastmile_server::admin::{ClientAuth, ClientRequest, register_oidc_client};
    use webauthn_authenticator_rs::WebauthnAuthenticator;
    use webauthn_rs::prelude::{RequestChallengeResponse, Url};
    let mut h = harness().await;
    h.clock.set(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64);
    let dir = tempfile::tempdir().expect("dir");
    let (_p, issuer) = provider_on(&mut h, dir.path(), "localhost").await;
    let dev = h.joined().await;
    let mut key = token();
    let factor = enrolled_key(&h, &dev.device_token, &mut key).await;
    let redirect = "http://127.0.0.1:9/callback";
    let client = |name: &str, factors: &str| ClientRequest {
        name: name.into(),
        profile: "okta".into(),
        redirect_uris: vec![redirect.into()],
        auth: ClientAuth::Secret,
        tenants: vec![],
        entra_app_id: None,
        factors: factors.into(),
        pkce: "required".into(),
    };
    let any = register_oidc_client(&h.state.db, &*h.clock, "acme", &client("Acme Okta", "any")).await.expect("client");
    let (client_id, client_secret) = (any.client.client_id.clone(), any.client_secret.clone().expect("secret"));
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");

    let start = code_flow(&["start", &issuer, &client_id, &client_secret, redirect]).expect("start");
    let resp = http.get(start["url"].as_str().expect("url")).send().await.expect("the page");
    let csp =
        resp.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"), "{csp}");
    let html = resp.text().await.expect("html");
    assert!(html.contains("id=\"key-button\"") && html.contains("id=\"code\""), "a key or a code: {html}");
    assert!(html.contains(&format!("<script src=\"{issuer}/oidc/signin.js\" defer></script>")), "{html}");
    let script = http.get(format!("{issuer}/oidc/signin.js")).send().await.expect("script");
    assert_eq!(script.headers()["content-type"], "text/javascript; charset=utf-8");
    assert!(script.text().await.expect("js").contains("navigator.credentials.get"));
    let request = request_id(&html);

    let options_for = |request: String, email: &'static str| {
        let (http, to) = (http.clone(), format!("{issuer}/oidc/authorize/key/options"));
        async move {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs([("request", request.as_str()), ("username", email)])
                .finish();
            let r = http.post(to).body(body).send().await.expect("options");
            (r.status().as_u16(), r.json::<Value>().await.expect("json"))
        }
    };
    // An email without keys: the same shape as Ada's, one stand-in credential, stable.
    let (status, nobody) = options_for(request.clone(), "nobody@acme.test").await;
    assert_eq!(status, 200, "{nobody}");
    let (_, nobody_again) = options_for(request.clone(), "nobody@acme.test").await;
    let (status, options) = options_for(request.clone(), "Ada@Acme.test").await;
    assert_eq!(status, 200, "{options}");
    assert_eq!(shape(&nobody), shape(&options), "{nobody} vs {options}");
    let ids = |v: &Value| v["publicKey"]["allowCredentials"][0]["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(ids(&nobody), ids(&nobody_again), "the stand-in is the same every time");
    assert_ne!(nobody["publicKey"]["challenge"], nobody_again["publicKey"]["challenge"]);
    assert_eq!(options["publicKey"]["rpId"], "localhost");

    // The key answers on the page's origin; the answer signs in.
    let assert_on_page = |key: &mut webauthn_authenticator_rs::softtoken::SoftToken, options: &Value| {
        let options: RequestChallengeResponse = serde_json::from_value(options.clone()).expect("options");
        key.do_authentication(Url::parse(&issuer).expect("origin"), options)
            .map(|a| serde_json::to_string(&a).expect("json"))
    };
    let answer = assert_on_page(&mut key, &options).expect("the key answers");
    let to = format!("{issuer}/oidc/authorize/key");
    let fields = |answer: &str| {
        [("request", request.clone()), ("username", "ada@acme.test".into()), ("credential", answer.to_string())]
    };
    let f = fields(&answer);
    let (status, location, html) =
        post_form(&http, &to, &f.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(status, 303, "{html}");
    let callback = location.expect("back to the client");
    let claims = code_flow(&[
        "finish",
        &issuer,
        &client_id,
        &client_secret,
        &callback,
        start["verifier"].as_str().unwrap_or_default(),
        start["state"].as_str().unwrap_or_default(),
        start["nonce"].as_str().unwrap_or_default(),
    ])
    .expect("openid-client redeems the code");
    assert_eq!(claims["amr"], serde_json::json!(["hwk"]), "{claims}");
    let used: Option<i64> = sqlx::query_scalar("SELECT last_used_at_ms FROM factors WHERE id = $1")
        .bind(&factor)
        .fetch_one(&h.state.db.pool)
        .await
        .expect("factor");
    assert_eq!(used, Some(h.clock.now().0), "the key's last use is recorded");
    // The same answer again: the request is completed.
    let (status, _, html) = post_form(&http, &to, &f.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(status, 400);
    assert!(html.contains("expired or was already completed"), "{html}");

    // A new sign-in: a key that is not Ada's, then the stand-in's, then no JavaScript.
    let start = code_flow(&["start", &issuer, &client_id, &client_secret, redirect]).expect("start");
    let html = http.get(start["url"].as_str().expect("url")).send().await.expect("page").text().await.expect("html");
    let request = request_id(&html);
    let post_answer = |answer: String, request: String| {
        let (http, to) = (http.clone(), to.clone());
        async move {
            post_form(&http, &to, &[("request", &request), ("username", "ada@acme.test"), ("credential", &answer)])
                .await
        }
    };
    let mut stranger = token();
    let (_, options) = options_for(request.clone(), "ada@acme.test").await;
    assert!(assert_on_page(&mut stranger, &options).is_err(), "a key without Ada's credential cannot answer");
    // It answers with a credential of its own (a browser lets any key it holds answer
    // through a tampered page; the server must check whose it is).
    let ch = super::security_keys::begin(&h, &dev.device_token).await;
    let registered = super::security_keys::register(&mut stranger, &ch, &ch.origin);
    let theirs = assert_on_page(&mut stranger, &naming(&options, registered["id"].as_str().expect("id")))
        .expect("an answer from another key");
    let (status, location, html) = post_answer(theirs, request.clone()).await;
    assert_eq!((status, location), (400, None));
    assert!(html.contains("not one Lastmile verified for this email"), "{html}");
    // The answer was for that assertion: it is spent, and a fresh one is needed.
    let own = assert_on_page(&mut key, &options).expect("Ada's key");
    let (status, _, html) = post_answer(own, request.clone()).await;
    assert_eq!(status, 400);
    assert!(html.contains("not for this page any more"), "{html}");
    // The stand-in: nothing satisfies it (any answer gets the same message as a wrong key).
    let (_, options) = options_for(request.clone(), "nobody@acme.test").await;
    let ada_id = options_for_ada_id(&h, &factor).await;
    let answer =
        assert_on_page(&mut key, &naming(&options, &ada_id)).expect("Ada's key answers the stand-in's challenge");
    let (status, _, html) = post_answer(answer, request.clone()).await;
    assert_eq!(status, 400);
    assert!(html.contains("not one Lastmile verified for this email"), "{html}");
    // No JavaScript: the form posts no answer.
    let (status, _, html) = post_answer(String::new(), request.clone()).await;
    assert_eq!(status, 400);
    assert!(html.contains("needs JavaScript"), "{html}");
    let refused: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE kind = 'oidc.sign_in_refused' ORDER BY id")
            .fetch_all(&h.state.db.pool)
            .await
            .expect("events");
    assert_eq!(refused.len(), 1, "the wrong key, Ada's: {refused:?}");

    // A client that takes only security keys: no code field, and a code posted is refused.
    let strict = register_oidc_client(&h.state.db, &*h.clock, "acme", &client("Acme VPN", "phishing-resistant"))
        .await
        .expect("client");
    let start = code_flow(&[
        "start",
        &issuer,
        &strict.client.client_id,
        strict.client_secret.as_deref().unwrap_or_default(),
        redirect,
    ])
    .expect("start");
    let html = http.get(start["url"].as_str().expect("url")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("id=\"key-button\"") && !html.contains("id=\"code\""), "{html}");
    let (status, location, html) = post_form(
        &http,
        &format!("{issuer}/oidc/authorize/totp"),
        &[("request", &request_id(&html)), ("username", "ada@acme.test"), ("code", "123456")],
    )
    .await;
    assert_eq!((status, location), (403, None));
    assert!(html.contains("accepts only a security key"), "{html}");
}

/// The options with their allowed credentials replaced by one (base64url) id.
fn naming(options: &Value, id: &str) -> Value {
    let mut named = options.clone();
    named["publicKey"]["allowCredentials"] = serde_json::json!([{ "type": "public-key", "id": id }]);
    named
}

/// A security key factor's credential id (base64url).
async fn options_for_ada_id(h: &Harness, factor: &str) -> String {
    sqlx::query_scalar("SELECT credential_id FROM factors WHERE id = $1")
        .bind(factor)
        .fetch_one(&h.state.db.pool)
        .await
        .expect("credential id")
}

/// On a server whose page is not under the RP ID, a client that takes only security keys is
/// sent back with access_denied and why; the page for other clients has no script.
#[tokio::test]
async fn a_page_that_cannot_take_keys_refuses_clients_that_need_them() {
    use lastmile_server::admin::{ClientAuth, ClientRequest, register_oidc_client};
    let mut h = harness().await;
    let dir = tempfile::tempdir().expect("dir");
    let (_p, issuer) = provider(&mut h, dir.path()).await;
    let req = ClientRequest {
        name: "Acme VPN".into(),
        profile: "generic".into(),
        redirect_uris: vec!["http://127.0.0.1:9/callback".into()],
        auth: ClientAuth::Secret,
        tenants: vec![],
        entra_app_id: None,
        factors: "phishing-resistant".into(),
        pkce: "required".into(),
    };
    let c = register_oidc_client(&h.state.db, &*h.clock, "acme", &req).await.expect("client");
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    let url = format!(
        "{issuer}/oidc/authorize?client_id={}&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&response_type=code\
         &scope=openid&state=s1&code_challenge={}&code_challenge_method=S256",
        c.client.client_id, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    let resp = http.get(url).send().await.expect("page");
    let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(location.contains("error=access_denied") && location.contains("state=s1"), "{location}");
    assert!(location.contains("RP+ID") || location.contains("RP%20ID"), "says why: {location}");
}

/// A relying party that cannot send PKCE, registered with `--pkce optional`: its requests
/// without a challenge are answered when they carry a nonce, and its code is redeemed without
/// a verifier; a client that requires PKCE still refuses such a request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_let_off_pkce_signs_in_with_a_nonce() {
    use lastmile_core::totp::{TotpParams, code_at};
    use lastmile_server::admin::{ClientAuth, ClientRequest, register_oidc_client};
    let mut h = harness().await;
    h.clock.set(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64);
    let dir = tempfile::tempdir().expect("dir");
    let (_p, issuer) = provider(&mut h, dir.path()).await;
    let secret = ada_with_totp(&h).await;
    let redirect = "http://127.0.0.1:9/callback";
    let request = |pkce: &str| ClientRequest {
        name: format!("Legacy portal ({pkce})"),
        profile: "generic".into(),
        redirect_uris: vec![redirect.into()],
        auth: ClientAuth::Secret,
        tenants: vec![],
        entra_app_id: None,
        factors: "any".into(),
        pkce: pkce.into(),
    };
    let lenient = register_oidc_client(&h.state.db, &*h.clock, "acme", &request("optional")).await.expect("client");
    let strict = register_oidc_client(&h.state.db, &*h.clock, "acme", &request("required")).await.expect("client");
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    let no_pkce = [("LASTMILE_NO_PKCE", "1")];
    let (id, sec) = (lenient.client.client_id.as_str(), lenient.client_secret.as_deref().unwrap_or_default());
    let start = code_flow_with(&["start", &issuer, id, sec, redirect], &no_pkce).expect("start");
    let url = start["url"].as_str().expect("url");
    assert!(!url.contains("code_challenge"), "{url}");
    let html = http.get(url).send().await.expect("page").text().await.expect("html");
    let code = code_at(&secret, TotpParams::default(), UnixMillis(h.clock.now().0 + 30_000)).expect("code");
    let (status, location, html) = post_form(
        &http,
        &format!("{issuer}/oidc/authorize/totp"),
        &[("request", &request_id(&html)), ("username", "ada@acme.test"), ("code", &code)],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let callback = location.expect("callback");
    let claims = code_flow_with(
        &[
            "finish",
            &issuer,
            id,
            sec,
            &callback,
            "",
            start["state"].as_str().unwrap_or_default(),
            start["nonce"].as_str().unwrap_or_default(),
        ],
        &no_pkce,
    )
    .expect("redeemed without a verifier");
    assert_eq!(claims["amr"], serde_json::json!(["otp"]), "{claims}");
    // The same request to the client that requires PKCE: invalid_request.
    let strict_url = url.replace(id, &strict.client.client_id);
    let resp = http.get(strict_url).send().await.expect("page");
    let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(location.contains("error=invalid_request") && location.contains("PKCE"), "{location}");
}

/// On the page, an unknown email, an email without an authenticator app and a wrong code get
/// the same answer after the same work: one queued write each (the request's attempt; the
/// wrong code's also counts on the factor and records the refusal). A page takes ten tries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_email_costs_what_a_wrong_code_costs() {
    let mut h = harness().await;
    let dir = tempfile::tempdir().expect("dir");
    let (_p, issuer) = provider(&mut h, dir.path()).await;
    ada_with_totp(&h).await;
    admin::create_user(&h.state.db, &*h.clock, "acme", "bob@acme.test", "Bob").await.expect("bob, no factor");
    let url = okta_authorize_url(&h, &issuer).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    let request = request_id(&http.get(url).send().await.expect("page").text().await.expect("html"));
    let refused_events = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_events WHERE kind = 'oidc.sign_in_refused'")
            .fetch_one(&h.state.db.pool)
            .await
            .expect("count")
    };
    let to = format!("{issuer}/oidc/authorize/totp");
    let mut tries = 0;
    for (email, events) in [("nobody@acme.test", 0), ("bob@acme.test", 0), ("ada@acme.test", 1)] {
        for _ in 0..3 {
            let (writes_before, events_before) = (h.state.queues.writes.counts().1, refused_events().await);
            let (status, location, html) =
                post_form(&http, &to, &[("request", &request), ("username", email), ("code", "000000")]).await;
            tries += 1;
            assert_eq!((status, location), (400, None), "{email}");
            assert!(html.contains("that email and code do not match"), "{email}: {html}");
            assert_eq!(h.state.queues.writes.counts().1 - writes_before, 1, "{email}: one queued write");
            assert_eq!(refused_events().await - events_before, events, "{email}: a refusal only for a known factor");
        }
    }
    assert_eq!(tries, 9);
    let attempts: i64 = sqlx::query_scalar("SELECT attempts FROM oidc_requests WHERE id = $1")
        .bind(&request)
        .fetch_one(&h.state.db.pool)
        .await
        .expect("attempts");
    assert_eq!(attempts, 9, "every try counted on the request");
    let (status, _, _) =
        post_form(&http, &to, &[("request", &request), ("username", "x@acme.test"), ("code", "1")]).await;
    assert_eq!(status, 400, "the tenth");
    let (status, _, html) =
        post_form(&http, &to, &[("request", &request), ("username", "ada@acme.test"), ("code", "000000")]).await;
    assert_eq!(status, 429, "{html}");
    assert!(html.contains("too many attempts on this page"), "{html}");
}

/// The refusals that concern the factor itself: an assertion made for another origin, a
/// TOTP factor locked by wrong codes (even the right code is then refused), a revoked key and
/// a key registered but never verified (neither is offered; an answer from either is refused).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_unverified_locked_and_foreign_origin_factors_do_not_sign_in() {
    use super::security_keys::{begin, enrolled_key, register, token};
    use lastmile_core::totp::{TotpParams, code_at};
    use webauthn_authenticator_rs::WebauthnAuthenticator;
    use webauthn_rs::prelude::{RequestChallengeResponse, Url};
    let mut h = harness().await;
    let dir = tempfile::tempdir().expect("dir");
    let (_p, issuer) = provider_on(&mut h, dir.path(), "localhost").await;
    let dev = h.joined().await;
    let mut key = token();
    let factor = enrolled_key(&h, &dev.device_token, &mut key).await;
    let secret = ada_with_totp(&h).await;
    let url = okta_authorize_url(&h, &issuer).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    let page = || async { request_id(&http.get(&url).send().await.expect("page").text().await.expect("html")) };
    let options = |request: String| {
        let (http, to) = (http.clone(), format!("{issuer}/oidc/authorize/key/options"));
        async move {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs([("request", request.as_str()), ("username", "ada@acme.test")])
                .finish();
            http.post(to).body(body).send().await.expect("options").json::<Value>().await.expect("json")
        }
    };
    let answer = |key: &mut webauthn_authenticator_rs::softtoken::SoftToken, options: &Value, origin: &str| {
        let options: RequestChallengeResponse = serde_json::from_value(options.clone()).expect("options");
        serde_json::to_string(&key.do_authentication(Url::parse(origin).expect("origin"), options).expect("answer"))
            .expect("json")
    };
    let key_to = format!("{issuer}/oidc/authorize/key");

    // An assertion made for another origin (a page on a subdomain, which the browser lets use
    // the RP ID but the relying party does not accept).
    let request = page().await;
    let opts = options(request.clone()).await;
    let foreign = answer(&mut key, &opts, "https://evil.localhost");
    let (status, location, html) =
        post_form(&http, &key_to, &[("request", &request), ("username", "ada@acme.test"), ("credential", &foreign)])
            .await;
    assert_eq!((status, location), (400, None), "{html}");
    assert!(html.contains("not one Lastmile verified for this email"), "{html}");
    let why: String = sqlx::query_scalar(
        "SELECT detail FROM audit_events WHERE kind = 'oidc.sign_in_refused' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&h.state.db.pool)
    .await
    .expect("event");
    assert!(why.to_lowercase().contains("origin"), "the refusal says why: {why}");

    // A TOTP factor locked by five wrong codes: the right one is refused too, until the lock ends.
    let request = page().await;
    let to = format!("{issuer}/oidc/authorize/totp");
    for n in 1..=5 {
        let (status, _, html) =
            post_form(&http, &to, &[("request", &request), ("username", "ada@acme.test"), ("code", "000000")]).await;
        assert_eq!(status, 400, "wrong code {n}: {html}");
    }
    let right = code_at(&secret, TotpParams::default(), UnixMillis(h.clock.now().0 + 30_000)).expect("code");
    let (status, location, html) =
        post_form(&http, &to, &[("request", &request), ("username", "ada@acme.test"), ("code", &right)]).await;
    assert_eq!((status, location), (429, None), "{html}");
    assert!(html.contains("too many wrong codes"), "{html}");

    // A revoked key is no longer offered, and its answer is refused; a key registered but
    // never verified is not offered either.
    // Revoked as the recovery flow revokes a lost key (its tests cover that path).
    let revoked = sqlx::query("UPDATE factors SET status = 'revoked', revoked_at_ms = $1 WHERE id = $2")
        .bind(h.clock.now().0)
        .bind(&factor)
        .execute(&h.state.db.pool)
        .await
        .expect("revoke");
    assert_eq!(revoked.rows_affected(), 1);
    let mut pending = token();
    let ch = begin(&h, &dev.device_token).await;
    let registered = register(&mut pending, &ch, &ch.origin);
    let (s, v) = super::security_keys::finish(
        &h,
        &dev.device_token,
        super::security_keys::REGISTER,
        &ch.ceremony_id,
        registered.clone(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "registered, not verified: {v}");
    let request = page().await;
    let opts = options(request.clone()).await;
    let listed: Vec<&str> = opts["publicKey"]["allowCredentials"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    let revoked_id: String = sqlx::query_scalar("SELECT credential_id FROM factors WHERE id = $1")
        .bind(&factor)
        .fetch_one(&h.state.db.pool)
        .await
        .expect("id");
    assert_eq!(listed.len(), 1, "the stand-in only: {opts}");
    assert!(
        !listed.contains(&revoked_id.as_str()) && !listed.contains(&registered["id"].as_str().unwrap_or_default()),
        "{opts}"
    );
    let old = answer(&mut key, &naming(&opts, &revoked_id), &issuer);
    let (status, location, html) =
        post_form(&http, &key_to, &[("request", &request), ("username", "ada@acme.test"), ("credential", &old)]).await;
    assert_eq!((status, location), (400, None));
    assert!(html.contains("not one Lastmile verified for this email"), "{html}");
}

/// A code-flow client (Okta, with a secret) registered for Acme; the address of a sign-in
/// request it would send people to (PKCE, no login hint).
async fn okta_authorize_url(h: &Harness, issuer: &str) -> String {
    use lastmile_server::admin::{ClientAuth, ClientRequest, register_oidc_client};
    let req = ClientRequest {
        name: "Acme Okta".into(),
        profile: "okta".into(),
        redirect_uris: vec!["http://127.0.0.1:9/callback".into()],
        auth: ClientAuth::Secret,
        tenants: vec![],
        entra_app_id: None,
        factors: "any".into(),
        pkce: "required".into(),
    };
    let c = register_oidc_client(&h.state.db, &*h.clock, "acme", &req).await.expect("client");
    format!(
        "{issuer}/oidc/authorize?client_id={}&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&response_type=code\
         &scope=openid&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
        c.client.client_id
    )
}

/// The sign-in page speaks the browser's language (Accept-Language, by weight, among the
/// languages Lastmile has; English otherwise): its lang, title, heading, labels and buttons,
/// also after a refusal, which is said in the page's language too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_page_speaks_the_browsers_language() {
    let mut h = harness().await;
    let dir = tempfile::tempdir().expect("dir");
    let (_p, issuer) = provider(&mut h, dir.path()).await;
    ada_with_totp(&h).await;
    let url = okta_authorize_url(&h, &issuer).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    let page = |language: Option<&'static str>| {
        let mut get = http.get(&url);
        if let Some(l) = language {
            get = get.header("accept-language", l);
        }
        async move { get.send().await.expect("page").text().await.expect("html") }
    };
    let english = page(None).await;
    assert!(english.contains("<html lang=\"en\">") && english.contains("<h1>Confirm it is you</h1>"), "{english}");
    let german = page(Some("fr;q=0.5, de-AT, en;q=0.1")).await;
    assert!(german.contains("<html lang=\"de\">"), "{german}");
    assert!(german.contains("<title>Mit Lastmile anmelden</title>"), "{german}");
    assert!(german.contains("<h1>Bestätigen Sie, dass Sie es sind</h1>"), "{german}");
    assert!(german.contains(">Geschäftliche E-Mail</label>") && german.contains(">Mit dem Code bestätigen</button>"));
    assert!(page(Some("pt-BR, *;q=0.5")).await.contains("<html lang=\"en\">"), "a language Lastmile lacks");
    let japanese = page(Some("ja")).await;
    assert!(japanese.contains("<h1>ご本人であることを確認してください</h1>"), "{japanese}");

    let request = request_id(&german);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("request", request.as_str()), ("username", "ada@acme.test"), ("code", "000000")])
        .finish();
    let answer = http
        .post(format!("{issuer}/oidc/authorize/totp"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept-language", "de")
        .body(body)
        .send()
        .await
        .expect("post");
    let status = answer.status().as_u16();
    let html = answer.text().await.expect("html");
    assert_eq!(status, 400);
    assert!(html.contains("<h1>Bestätigen Sie, dass Sie es sind</h1>"), "{html}");
    assert!(html.contains(">E-Mail-Adresse und Code passen nicht zusammen; prüfen Sie beides"), "{html}");
    assert!(!html.contains("lang=\"en\""), "the refusal is in the page's language: {html}");
}
