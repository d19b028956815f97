//! Entra ID's external authentication method against the real server on loopback: Entra ID's
//! side is played by panva's jose (its signing key, published by a loopback stand-in for
//! login.microsoftonline.com, and the id_token_hint) and openid-client (validating the
//! form_post answer as a certified relying party does), `tests/oidc/entra.mjs`.

use super::security_keys::{enrolled_key, token};
use super::*;
use lastmile_core::clock::{Clock, UnixMillis};
use lastmile_server::admin::{ClientAuth, ClientRequest, register_oidc_client};
use lastmile_server::oidc::entra::EntraKeys;
use lastmile_server::oidc::{Issuer, Provider};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_rs::prelude::{RequestChallengeResponse, Url};

const TENANT: &str = "14c2f153-90a7-4689-9db7-9543bf084dad";
const APP: &str = "600b719b-3766-4dc5-95a6-3c4a8dc31885";
const ADA_OID: &str = "951ddb04-b16d-45f3-bbf7-b0fa18fa7aee";
const REDIRECT: &str = "http://127.0.0.1:9/common/federation/externalauthprovider";
/// The claims request of Microsoft's EAM reference.
const CLAIMS: &str = r#"{"id_token":{"acr":{"essential":true,"values":["possessionorinherence"]},"amr":{"essential":true,"values":["face","fido","fpt","hwk","iris","otp","pop","retina","sc","sms","swk","tel","vbm"]}}}"#;

/// Runs tests/oidc/entra.mjs; its JSON line, or its error.
fn entra(args: &[&str]) -> Result<Value, String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc");
    let out = std::process::Command::new("node").arg(dir.join("entra.mjs")).args(args).output().expect("node");
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).expect("one JSON line"))
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

/// A stand-in for Entra ID's key endpoint on loopback, serving `keys` (changeable).
async fn entra_authority(keys: Arc<std::sync::Mutex<Value>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let authority = format!("http://127.0.0.1:{}", listener.local_addr().expect("addr").port());
    let router = axum::Router::new().route(
        "/common/discovery/v2.0/keys",
        axum::routing::get(move || {
            let keys = keys.clone();
            async move { axum::Json(keys.lock().expect("keys").clone()) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    authority
}

/// The harness's server as a provider on `localhost` (under the RP ID) checking hints
/// against `authority`; returns the issuer.
async fn provider(h: &mut Harness, dir: &std::path::Path, authority: &str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let issuer =
        Issuer::parse(&format!("http://localhost:{}", listener.local_addr().expect("addr").port())).expect("issuer");
    let provider = Provider::start(issuer.clone(), dir.join("oidc-keys.json"), h.clock.now())
        .expect("keys")
        .with_entra(EntraKeys::new(authority).expect("authority"));
    h.state = h.state.clone().with_oidc(Arc::new(provider));
    let state = h.state.clone();
    tokio::spawn(async move { axum::serve(listener, app(state)).await });
    issuer.to_string()
}

/// The hidden fields of a form_post answer, unescaped.
fn form_fields(html: &str) -> Vec<(String, String)> {
    let unescape = |s: &str| {
        s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    };
    html.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|rest| {
            let (name, rest) = rest.split_once("\" value=\"")?;
            let (value, _) = rest.split_once('"')?;
            Some((unescape(name), unescape(value)))
        })
        .collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

struct Entra {
    http: reqwest::Client,
    issuer: String,
    client_id: String,
    key_file: std::path::PathBuf,
    authority: String,
}

impl Entra {
    /// An id_token_hint for this account, issued `age_s` ago and already expired.
    fn hint(&self, oid: &str, username: &str, age_s: i64, tweak: impl FnOnce(&mut Value)) -> String {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64;
        let mut claims = serde_json::json!({
            "ver": "2.0", "iss": format!("{}/{TENANT}/v2.0", self.authority), "sub": format!("pairwise-{oid}"),
            "aud": APP, "exp": now - age_s + 1, "iat": now - age_s, "nbf": now - age_s,
            "name": "Ada Lovelace", "preferred_username": username, "oid": oid, "tid": TENANT,
        });
        tweak(&mut claims);
        let signed = entra(&["hint", self.key_file.to_str().expect("path"), &claims.to_string()]).expect("hint");
        signed["token"].as_str().expect("token").to_string()
    }

    /// Entra ID's POST to the authorization endpoint; (status, page).
    async fn start(&self, hint: &str, claims: &str, tweak: &[(&str, &str)]) -> (u16, String, String) {
        let mut fields: Vec<(&str, &str)> = vec![
            ("scope", "openid"),
            ("response_type", "id_token"),
            ("response_mode", "form_post"),
            ("client_id", &self.client_id),
            ("redirect_uri", REDIRECT),
            ("nonce", "nonce-from-entra"),
            ("state", "state-from-entra"),
            ("id_token_hint", hint),
            ("claims", claims),
            ("client-request-id", "5b8c3a2e-1d4f-4e6a-9b7c-0a1b2c3d4e5f"),
        ];
        for (name, value) in tweak {
            fields.retain(|(n, _)| n != name);
            fields.push((name, value));
        }
        self.post("/oidc/authorize", &fields).await
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let r = self
            .http
            .post(format!("{}{path}", self.issuer))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("post");
        let status = r.status().as_u16();
        let csp =
            r.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        (status, csp, r.text().await.expect("page"))
    }

    /// The answer validated by openid-client: its claims.
    fn check(&self, fields: &[(String, String)]) -> Result<Value, String> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .finish();
        entra(&["check", &self.issuer, &self.client_id, REDIRECT, "nonce-from-entra", "state-from-entra", &body])
    }

    /// The refusal sent back by form POST: (error, description).
    fn refusal(html: &str) -> (String, String) {
        let fields = form_fields(html);
        assert_eq!(field(&fields, "state"), Some("state-from-entra"), "{html}");
        (
            field(&fields, "error").unwrap_or_default().to_string(),
            field(&fields, "error_description").unwrap_or_default().to_string(),
        )
    }
}

/// The external authentication method end to end: Entra ID posts its implicit request with an
/// expired hint for Ada; the page is for Ada (her email shown, not asked), her security key
/// signs in, and the answer, posted back by a form that submits itself under a hash-pinned
/// script, is an ID token openid-client accepts with the hint's sub, the nonce, the requested
/// acr and amr fido. Then an authenticator app (amr otp), the link by object id surviving a
/// username change, and every refusal Entra ID can meet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entra_id_signs_in_with_the_factor_lastmile_verified() {
    use lastmile_core::totp::{TotpParams, code_at};
    let mut h = harness().await;
    h.clock.set(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64);
    let dir = tempfile::tempdir().expect("dir");
    let key_file = dir.path().join("entra-key.json");
    let published = Arc::new(std::sync::Mutex::new(entra(&["keys", key_file.to_str().expect("path")]).expect("keys")));
    let authority = entra_authority(published.clone()).await;
    let issuer = provider(&mut h, dir.path(), &authority).await;
    let dev = h.joined().await;
    let mut key = token();
    enrolled_key(&h, &dev.device_token, &mut key).await;
    let (e, secret) = h.totp(&dev.device_token).await;
    let code = code_at(&secret, TotpParams::default(), h.clock.now()).expect("code");
    let (s, v) = h
        .call(
            "POST",
            &format!("/v1/factors/totp/{}/verify", e.factor_id),
            Some(&dev.device_token),
            Some(serde_json::json!({ "code": code }).to_string()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let req = ClientRequest {
        name: "Contoso Entra ID".into(),
        profile: "entra-eam".into(),
        redirect_uris: vec![REDIRECT.into()],
        auth: ClientAuth::None,
        tenants: vec![TENANT.into()],
        entra_app_id: Some(APP.into()),
        factors: "any".into(),
        pkce: "required".into(),
    };
    let client = register_oidc_client(&h.state.db, &*h.clock, "acme", &req).await.expect("client");
    let en = Entra {
        http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http"),
        issuer: issuer.clone(),
        client_id: client.client.client_id.clone(),
        key_file: key_file.clone(),
        authority: authority.clone(),
    };

    // The page: for Ada, her email shown read-only; a key or a code.
    let (status, _, html) = en.start(&en.hint(ADA_OID, "Ada@Acme.test", 30, |_| {}), CLAIMS, &[]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("value=\"ada@acme.test\" readonly"), "{html}");
    assert!(html.contains("id=\"key-button\"") && html.contains("id=\"code\""), "{html}");
    let request = super::oidc::request_id(&html);

    // The key: the options are Ada's whatever email is posted.
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("request", request.as_str()), ("username", "mallory@acme.test")])
        .finish();
    let options: Value = en
        .http
        .post(format!("{issuer}/oidc/authorize/key/options"))
        .body(body)
        .send()
        .await
        .expect("options")
        .json()
        .await
        .expect("json");
    let options: RequestChallengeResponse = serde_json::from_value(options).expect("options");
    let answer = key.do_authentication(Url::parse(&issuer).expect("origin"), options).expect("Ada's key answers");
    let answer = serde_json::to_string(&answer).expect("json");
    let (status, csp, html) = en.post("/oidc/authorize/key", &[("request", &request), ("credential", &answer)]).await;
    assert_eq!(status, 200, "{html}");
    assert!(csp.contains("script-src 'sha256-") && csp.contains("form-action http://127.0.0.1:9"), "{csp}");
    assert!(html.contains(&format!("<form method=\"post\" action=\"{REDIRECT}\">")), "{html}");
    let fields = form_fields(&html);
    let claims = en.check(&fields).expect("openid-client accepts the answer");
    assert_eq!(claims["sub"], format!("pairwise-{ADA_OID}"), "the hint's subject: {claims}");
    assert_eq!(
        (claims["amr"].clone(), claims["acr"].clone()),
        (serde_json::json!(["fido"]), "possessionorinherence".into())
    );
    assert_eq!(
        (claims["nonce"].as_str(), claims["aud"].as_str()),
        (Some("nonce-from-entra"), Some(en.client_id.as_str()))
    );
    let header: Value = {
        use base64::Engine;
        let token = field(&fields, "id_token").expect("id_token");
        let h = token.split('.').next().expect("header");
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(h).expect("b64")).expect("json")
    };
    assert_eq!(header["alg"], "RS256", "Entra ID accepts RS256 only");
    let details: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE kind = 'oidc.signed_in' ORDER BY id")
            .fetch_all(&h.state.db.pool)
            .await
            .expect("events");
    assert!(
        details[0].contains("5b8c3a2e-1d4f-4e6a-9b7c-0a1b2c3d4e5f") && details[0].contains("\"fido\""),
        "{details:?}"
    );

    // An authenticator app, for a request that accepts only otp: no key offered. The username
    // changed in Entra ID; the account is linked by its object id.
    let only_otp = CLAIMS.replace(
        r#"["face","fido","fpt","hwk","iris","otp","pop","retina","sc","sms","swk","tel","vbm"]"#,
        r#"["otp"]"#,
    );
    let (status, _, html) =
        en.start(&en.hint(ADA_OID, "ada.lovelace@contoso.example", 30, |_| {}), &only_otp, &[]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("value=\"ada@acme.test\" readonly") && !html.contains("key-button"), "{html}");
    let next = code_at(&secret, TotpParams::default(), UnixMillis(h.clock.now().0 + 30_000)).expect("code");
    let (status, _, html) =
        en.post("/oidc/authorize/totp", &[("request", &super::oidc::request_id(&html)), ("code", &next)]).await;
    assert_eq!(status, 200, "{html}");
    let claims = en.check(&form_fields(&html)).expect("accepted");
    assert_eq!(claims["amr"], serde_json::json!(["otp"]), "{claims}");

    // Refusals, each sent back to Entra ID by form POST with its state.
    let stranger_keys = dir.path().join("stranger.json");
    entra(&["keys", stranger_keys.to_str().expect("path")]).expect("keys");
    let forged = Entra {
        key_file: stranger_keys,
        ..Entra {
            http: en.http.clone(),
            issuer: issuer.clone(),
            client_id: en.client_id.clone(),
            key_file: key_file.clone(),
            authority: authority.clone(),
        }
    };
    let cases: Vec<(String, String, &str, &str)> = vec![
        (forged.hint(ADA_OID, "ada@acme.test", 30, |_| {}), CLAIMS.into(), "access_denied", "id_token_hint"),
        (
            en.hint(ADA_OID, "ada@acme.test", 30, |c| {
                c["tid"] = "72f988bf-86f1-41af-91ab-2d7cd011db47".into();
                c["iss"] = format!("{authority}/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0").into();
            }),
            CLAIMS.into(),
            "access_denied",
            "does not serve",
        ),
        (
            en.hint(ADA_OID, "ada@acme.test", 30, |c| c["aud"] = "another-app".into()),
            CLAIMS.into(),
            "access_denied",
            "app registration",
        ),
        (en.hint(ADA_OID, "ada@acme.test", 11 * 60, |_| {}), CLAIMS.into(), "access_denied", "older than ten minutes"),
        (
            en.hint("0b1c2d3e-0000-4000-8000-000000000001", "nobody@acme.test", 30, |_| {}),
            CLAIMS.into(),
            "access_denied",
            "no Lastmile account",
        ),
        // Another Entra ID account given Ada's username: not linked to her.
        (
            en.hint("0b1c2d3e-0000-4000-8000-000000000002", "ada@acme.test", 30, |_| {}),
            CLAIMS.into(),
            "access_denied",
            "belongs to another Entra ID account",
        ),
        (
            en.hint(ADA_OID, "ada@acme.test", 30, |_| {}),
            CLAIMS.replace("possessionorinherence", "knowledge"),
            "access_denied",
            "possession factors",
        ),
        (
            en.hint(ADA_OID, "ada@acme.test", 30, |_| {}),
            CLAIMS.replace(r#""fido","#, "").replace(r#""otp","#, ""),
            "access_denied",
            "fido or otp",
        ),
    ];
    for (hint, claims, error, needle) in cases {
        let (status, _, html) = en.start(&hint, &claims, &[]).await;
        assert_eq!(status, 200, "{needle}: {html}");
        let (got, why) = Entra::refusal(&html);
        assert_eq!(got, error, "{needle}: {html}");
        assert!(why.contains(needle), "{needle}: {why}");
    }
    let (_, _, html) =
        en.start(&en.hint(ADA_OID, "ada@acme.test", 30, |_| {}), CLAIMS, &[("response_mode", "query")]).await;
    assert_eq!(Entra::refusal(&html).0, "invalid_request");
    let (_, _, html) = en.start(&en.hint(ADA_OID, "ada@acme.test", 30, |_| {}), CLAIMS, &[("nonce", "")]).await;
    assert_eq!(Entra::refusal(&html).0, "invalid_request");
    // A redirect URI Entra ID's client did not register: shown, never posted to.
    let (status, _, html) = en
        .start(&en.hint(ADA_OID, "ada@acme.test", 30, |_| {}), CLAIMS, &[("redirect_uri", "https://evil.example/")])
        .await;
    assert_eq!(status, 400);
    assert!(form_fields(&html).is_empty() && html.contains("did not register"), "{html}");

    // Entra ID rolls its key over: a hint signed with the new key is accepted once the keys
    // are fetched again (an unknown kid, more than a minute after the last fetch).
    let rolled = dir.path().join("rolled.json");
    let new_keys = entra(&["keys", rolled.to_str().expect("path")]).expect("keys");
    let mut both = published.lock().expect("keys").clone();
    both["keys"].as_array_mut().expect("keys").extend(new_keys["keys"].as_array().expect("keys").iter().cloned());
    *published.lock().expect("keys") = both;
    let after = Entra { key_file: rolled, ..en };
    let (_, _, html) = after.start(&after.hint(ADA_OID, "ada@acme.test", 30, |_| {}), CLAIMS, &[]).await;
    assert!(Entra::refusal(&html).1.contains("no registered key fits"), "fetched less than a minute ago: {html}");
    h.clock.advance(61_000);
    let (status, _, html) = after.start(&after.hint(ADA_OID, "ada@acme.test", 30, |_| {}), CLAIMS, &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains("value=\"ada@acme.test\" readonly"), "the new key is fetched: {html}");
}

/// Entra ID's keys out of reach: Entra ID is told to try again (temporarily_unavailable), not
/// that the person was refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_entra_keys_are_temporarily_unavailable() {
    let mut h = harness().await;
    h.clock.set(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64);
    let dir = tempfile::tempdir().expect("dir");
    let key_file = dir.path().join("entra-key.json");
    entra(&["keys", key_file.to_str().expect("path")]).expect("keys");
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://127.0.0.1:{}", l.local_addr().expect("addr").port())
    };
    let issuer = provider(&mut h, dir.path(), &closed).await;
    let req = ClientRequest {
        name: "Contoso Entra ID".into(),
        profile: "entra-eam".into(),
        redirect_uris: vec![REDIRECT.into()],
        auth: ClientAuth::None,
        tenants: vec![TENANT.into()],
        entra_app_id: Some(APP.into()),
        factors: "any".into(),
        pkce: "required".into(),
    };
    let client = register_oidc_client(&h.state.db, &*h.clock, "acme", &req).await.expect("client");
    let en =
        Entra { http: reqwest::Client::new(), issuer, client_id: client.client.client_id, key_file, authority: closed };
    let (status, _, html) = en.start(&en.hint(ADA_OID, "ada@acme.test", 30, |_| {}), CLAIMS, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(Entra::refusal(&html).0, "temporarily_unavailable", "{html}");
}
