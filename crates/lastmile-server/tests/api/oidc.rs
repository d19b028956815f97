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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let issuer = format!("http://127.0.0.1:{}/", listener.local_addr().expect("addr").port());
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
        factors: "any".into(),
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

    let refusals: [(ClientRequest, &str); 9] = [
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
