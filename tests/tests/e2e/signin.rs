//! The OpenID Connect sign-in page in a real browser: headless Chromium under chromedriver,
//! whose WebDriver virtual authenticator holds the very key `lastmile enroll security-key`
//! registered through the app (the software authenticator's private key, handed over). A
//! certified relying party (openid-client) starts the flow and redeems the code.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use lastmile_tests::{Home, Server, fake_http, free_port, require_keyring};

/// chromedriver on a loopback port, stopped when dropped.
pub(crate) struct ChromeDriver {
    child: Child,
    port: u16,
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn chromedriver() -> ChromeDriver {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is missing: scripts/setup.sh --test installs chromium and chromium-driver");
    let deadline = Instant::now() + Duration::from_secs(15);
    while !lastmile_tests::listening(port) {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    ChromeDriver { child, port }
}

pub(crate) async fn browser(driver: &ChromeDriver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "chrome".into());
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=800,900"],
        }),
    );
    ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a WebDriver session with Chromium")
}

/// A WebDriver extension command (here the W3C WebAuthn virtual authenticator endpoints,
/// which fantoccini has no wrapper for): POST `path` under the session with `body`.
#[derive(Debug)]
struct Post {
    path: String,
    body: serde_json::Value,
}

impl WebDriverCompatibleCommand for Post {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/{}", session.unwrap_or_default(), self.path))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// The accessibility violations axe-core (Deque's engine, from tests/oidc's npm packages) finds
/// on the browser's page under the WCAG 2.x A and AA rules.
pub(crate) async fn axe_violations(c: &Client) -> Vec<serde_json::Value> {
    let axe = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("oidc/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&axe).expect("axe-core is missing: scripts/setup.sh --test installs it");
    c.execute(&source, vec![]).await.expect("axe-core loaded");
    let run = "const done = arguments[arguments.length - 1]; \
               axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }) \
                 .then(r => done(r.violations.map(v => ({ id: v.id, help: v.help, nodes: v.nodes.map(n => n.html) })))) \
                 .catch(e => done([{ id: 'axe-core failed', help: String(e) }]));";
    let result = c.execute_async(run, vec![]).await.expect("axe-core ran");
    result.as_array().cloned().unwrap_or_default()
}

/// What the software authenticator keeps: its credentials' private keys (SEC1 DER) by
/// credential id, and its signature counter.
#[derive(serde::Deserialize)]
struct SoftState {
    tokens: HashMap<Vec<u8>, Vec<u8>>,
    counter: u32,
}

/// Runs tests/oidc/code_flow.mjs (openid-client's authorization code flow with PKCE).
fn code_flow(args: &[&str]) -> serde_json::Value {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("oidc/code_flow.mjs");
    let out = Command::new("node").arg(script).args(args).output().expect("node");
    assert!(out.status.success(), "code_flow.mjs {}: {}", args[0], String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON line")
}

/// A server whose issuer is on localhost (under the RP ID), seeded, with `envs`, and a home
/// joined to it whose security key the app enrolled: the software authenticator, its state in
/// the returned file.
fn joined_with_a_key(port: u16, envs: &[(&str, &str)]) -> (Server, Home, std::path::PathBuf) {
    require_keyring();
    let server = Server::start_at(port, envs).expect("server");
    server.seed().expect("seed");
    let (_, link) = server.invite().expect("invite");
    let home = Home::new().expect("home");
    assert_eq!(home.run(&["join", &link]).0, 0);
    let soft = home.path().join("soft-authenticator.cbor");
    let out = home
        .lastmile(&["enroll", "security-key"])
        .env("LASTMILE_SOFT_AUTHENTICATOR", &soft)
        .stdin(Stdio::null())
        .output()
        .expect("enroll");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (server, home, soft)
}

/// A virtual authenticator in the browser holding the software authenticator's credentials
/// (their private keys as PKCS#8, the signature counter where it stands).
async fn hand_over_the_key(c: &Client, soft: &std::path::Path) {
    let authenticator = c
        .issue_cmd(Post {
            path: "webauthn/authenticator".into(),
            body: serde_json::json!({
                "protocol": "ctap2", "transport": "usb", "hasResidentKey": false,
                "hasUserVerification": true, "isUserVerified": true, "isUserConsenting": true,
            }),
        })
        .await
        .expect("a virtual authenticator");
    let authenticator = authenticator.as_str().expect("its id").to_string();
    let state: SoftState = serde_cbor_2::from_slice(&std::fs::read(soft).expect("soft state")).expect("CBOR");
    assert_eq!(state.tokens.len(), 1, "one credential, the one enrolled");
    for (id, sec1) in &state.tokens {
        let key = openssl::ec::EcKey::private_key_from_der(sec1).expect("SEC1 P-256 key");
        let pkcs8 = openssl::pkey::PKey::from_ec_key(key).expect("key").private_key_to_pkcs8().expect("PKCS#8");
        c.issue_cmd(Post {
            path: format!("webauthn/authenticator/{authenticator}/credential"),
            body: serde_json::json!({
                "credentialId": URL_SAFE_NO_PAD.encode(id), "isResidentCredential": false, "rpId": "localhost",
                "privateKey": URL_SAFE_NO_PAD.encode(pkcs8), "signCount": state.counter,
            }),
        })
        .await
        .expect("the app's credential in the virtual authenticator");
    }
}

/// An Okta code-flow client with a secret, registered through the server's command line:
/// its id and secret.
fn okta_client(server: &Server, redirect: &str) -> (String, String) {
    let out = server
        .admin(&[
            "oidc-client",
            "create",
            "--org",
            "acme",
            "--name",
            "Acme Okta",
            "--profile",
            "okta",
            "--redirect-uri",
            redirect,
            "--auth",
            "secret",
        ])
        .expect("client");
    let created: serde_json::Value = serde_json::from_str(&out).expect("json");
    (
        created["client_id"].as_str().expect("id").to_string(),
        created["client_secret"].as_str().expect("secret").to_string(),
    )
}

/// The client's callback address the browser reached, within 20 s (or what the page said).
async fn wait_for_callback(c: &Client, redirect: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let url = c.current_url().await.expect("url").to_string();
        if url.starts_with(redirect) {
            return url;
        }
        if Instant::now() > deadline {
            let status = c.find(Locator::Id("key-status")).await.ok();
            let shown = match status {
                Some(s) => s.text().await.unwrap_or_default(),
                None => c.source().await.unwrap_or_default(),
            };
            panic!("no redirect to the client from {url}: {shown}\n{}", c.source().await.unwrap_or_default());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_enrolled_through_the_app_signs_in_on_the_page_in_a_browser() {
    // The page must be under the RP ID (localhost) for the key to answer there.
    let port = free_port();
    let issuer = format!("http://localhost:{port}");
    let (server, home, soft) = joined_with_a_key(port, &[("LASTMILE_OIDC_ISSUER", &issuer)]);

    // The relying party: a client whose redirect URI answers on a loopback port.
    let callback_port = fake_http(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\nconnection: close\r\n\r\nsigned in");
    let redirect = format!("http://127.0.0.1:{callback_port}/callback");
    let (client_id, secret) = okta_client(&server, &redirect);
    let start = code_flow(&["start", &issuer, &client_id, &secret, &redirect]);

    // The browser, with a virtual security key holding the app's credential.
    let driver = chromedriver();
    let c = browser(&driver).await;
    hand_over_the_key(&c, &soft).await;

    c.goto(start["url"].as_str().expect("url")).await.expect("the sign-in page");
    let button = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#key:not([hidden]) #key-button"))
        .await
        .expect("the script shows the key button");
    let email = c.find(Locator::Id("username")).await.expect("email");
    assert_eq!(email.prop("value").await.expect("value").as_deref(), Some("ada@acme.test"), "the login hint");
    let violations = axe_violations(&c).await;
    assert!(violations.is_empty(), "the page, by axe-core: {violations:#?}");
    let png = c.screenshot().await.expect("screenshot");
    let artifacts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../artifacts");
    std::fs::create_dir_all(&artifacts).expect("artifacts dir");
    std::fs::write(artifacts.join("oidc-signin-key.png"), png).expect("write screenshot");
    let clicked = Instant::now();
    button.click().await.expect("click");
    let callback = wait_for_callback(&c, &redirect).await;
    let took = clicked.elapsed();

    // The authenticator app, enrolled in the terminal, signs in in the same browser.
    let (mut child, out, mut stdin) = crate::factors::interactive(&home, &["enroll", "totp"]);
    let text = crate::factors::wait_for(&out, "Code from the app: ", 1);
    let key_line = text.lines().find(|l| l.trim_start().starts_with("key:")).expect("key line");
    let totp: String = key_line.trim_start().trim_start_matches("key:").split_whitespace().collect();
    {
        use std::io::Write;
        writeln!(stdin, "{}", crate::factors::oathtool(&totp)).expect("type");
    }
    assert!(child.wait().expect("enroll totp").success(), "{}", out.lock().map(|o| o.clone()).unwrap_or_default());
    let second = code_flow(&["start", &issuer, &client_id, &secret, &redirect]);
    c.goto(second["url"].as_str().expect("url")).await.expect("the page again");
    let code_field =
        c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Id("code")).await.expect("the code field");
    // A wrong code first: the page again, its error announced and tied to the field.
    code_field.send_keys("000000").await.expect("type a wrong code");
    c.find(Locator::Css("#signin button[type=submit]")).await.expect("confirm").click().await.expect("click");
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("p.error[role=alert]"))
        .await
        .expect("the error");
    let violations = axe_violations(&c).await;
    assert!(violations.is_empty(), "the page with an error, by axe-core: {violations:#?}");
    let code_field = c.find(Locator::Id("code")).await.expect("the code field");
    // The next step's code (the current one verified the factor).
    code_field.send_keys(&crate::factors::oathtool_at(&totp, "+30 seconds")).await.expect("type the code");
    c.find(Locator::Css("#signin button[type=submit]")).await.expect("confirm").click().await.expect("click");
    let callback_otp = wait_for_callback(&c, &redirect).await;
    c.close().await.expect("close");
    let claims_otp = code_flow(&[
        "finish",
        &issuer,
        &client_id,
        &secret,
        &callback_otp,
        second["verifier"].as_str().unwrap_or_default(),
        second["state"].as_str().unwrap_or_default(),
        second["nonce"].as_str().unwrap_or_default(),
    ]);
    assert_eq!(claims_otp["amr"], serde_json::json!(["otp"]), "{claims_otp}");

    let claims = code_flow(&[
        "finish",
        &issuer,
        &client_id,
        &secret,
        &callback,
        start["verifier"].as_str().unwrap_or_default(),
        start["state"].as_str().unwrap_or_default(),
        start["nonce"].as_str().unwrap_or_default(),
    ]);
    assert_eq!(claims["amr"], serde_json::json!(["hwk"]), "{claims}");
    let ada = server.query_json("SELECT id FROM users WHERE email = 'ada@acme.test'").expect("ada");
    assert_eq!(claims["sub"], ada[0]["id"], "{claims}");
    let used = server.query_json("SELECT last_used_at_ms FROM factors WHERE kind = 'security_key'").expect("factor");
    assert!(used[0]["last_used_at_ms"].as_i64().is_some(), "the key's last use is recorded: {used:?}");
    let audit = server.admin(&["audit"]).expect("audit");
    assert!(audit.contains("oidc.signed_in") && audit.contains("\"amr\":\"hwk\""), "{audit}");
    eprintln!("from the click to the client's callback: {} ms", took.as_millis());
}

/// A loopback stand-in for Entra ID: it publishes its key set, serves the page that posts the
/// sign-in request to Lastmile (Entra ID does it with a form POST), and records what is posted
/// back to its redirect URI.
struct FakeEntra {
    port: u16,
    answers: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl FakeEntra {
    fn start(jwks: String, start_page: std::sync::Arc<std::sync::Mutex<String>>) -> FakeEntra {
        let jwks = std::sync::Arc::new(jwks);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let answers = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let recorded = answers.clone();
        // A connection per thread: a browser opens connections it may never use (preconnects),
        // which must not hold up the others.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (jwks, start_page, recorded) = (jwks.clone(), start_page.clone(), recorded.clone());
                std::thread::spawn(move || serve(stream, &jwks, &start_page, &recorded));
            }
        });
        FakeEntra { port, answers }
    }

    fn authority(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Answers one connection of the [`FakeEntra`].
fn serve(
    stream: std::net::TcpStream,
    jwks: &str,
    start_page: &std::sync::Mutex<String>,
    recorded: &std::sync::Mutex<Vec<String>>,
) {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return;
    }
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    let _ = reader.read_exact(&mut body);
    let (kind, content) = if line.starts_with("GET /common/discovery/v2.0/keys") {
        ("application/json", jwks.to_string())
    } else if line.starts_with("GET /start") {
        ("text/html", start_page.lock().expect("page").clone())
    } else if line.starts_with("POST /common/federation/externalauthprovider") {
        recorded.lock().expect("answers").push(String::from_utf8_lossy(&body).to_string());
        ("text/html", "<!doctype html><title>Entra ID</title><p id=back>back at Entra ID</p>".into())
    } else {
        ("text/plain", "not found".into())
    };
    let mut stream = reader.into_inner();
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{content}",
        content.len()
    );
}

/// Runs tests/oidc/entra.mjs.
fn entra(args: &[&str]) -> serde_json::Value {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("oidc/entra.mjs");
    let out = Command::new("node").arg(script).args(args).output().expect("node");
    assert!(out.status.success(), "entra.mjs {}: {}", args[0], String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON line")
}

/// Entra ID's external authentication method in a real browser: Entra ID's form POST brings
/// the person to the page, the key the app enrolled answers, and the answer page posts itself
/// back to Entra ID: its inline script runs under the CSP only by its hash, which Chromium
/// checks. openid-client accepts the posted ID token (amr fido).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entra_id_reaches_the_page_and_gets_its_answer_posted_back_in_a_browser() {
    const TENANT: &str = "14c2f153-90a7-4689-9db7-9543bf084dad";
    const APP: &str = "600b719b-3766-4dc5-95a6-3c4a8dc31885";
    let dir = tempfile::tempdir().expect("dir");
    let key_file = dir.path().join("entra-key.json");
    let jwks = entra(&["keys", key_file.to_str().expect("path")]);
    let start_page = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let fake = FakeEntra::start(jwks.to_string(), start_page.clone());
    let port = free_port();
    let issuer = format!("http://localhost:{port}");
    let (server, _home, soft) =
        joined_with_a_key(port, &[("LASTMILE_OIDC_ISSUER", &issuer), ("LASTMILE_ENTRA_AUTHORITY", &fake.authority())]);
    let redirect = format!("{}/common/federation/externalauthprovider", fake.authority());
    let created: serde_json::Value = serde_json::from_str(
        &server
            .admin(&[
                "oidc-client",
                "create",
                "--org",
                "acme",
                "--name",
                "Contoso Entra ID",
                "--profile",
                "entra-eam",
                "--redirect-uri",
                &redirect,
                "--tenant",
                TENANT,
                "--entra-app-id",
                APP,
            ])
            .expect("client"),
    )
    .expect("json");
    let client_id = created["client_id"].as_str().expect("id").to_string();

    // Entra ID's request, as the form it posts.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    let claims = serde_json::json!({
        "ver": "2.0", "iss": format!("{}/{TENANT}/v2.0", fake.authority()), "sub": "pairwise-ada", "aud": APP,
        "exp": now - 1, "iat": now - 30, "nbf": now - 30, "preferred_username": "ada@acme.test",
        "oid": "951ddb04-b16d-45f3-bbf7-b0fa18fa7aee", "tid": TENANT,
    });
    let hint = entra(&["hint", key_file.to_str().expect("path"), &claims.to_string()]);
    let fields = [
        ("scope", "openid"),
        ("response_type", "id_token"),
        ("response_mode", "form_post"),
        ("client_id", client_id.as_str()),
        ("redirect_uri", redirect.as_str()),
        ("nonce", "nonce-from-entra"),
        ("state", "state-from-entra"),
        ("id_token_hint", hint["token"].as_str().expect("token")),
        (
            "claims",
            r#"{"id_token":{"acr":{"essential":true,"values":["possessionorinherence"]},"amr":{"essential":true,"values":["fido","otp"]}}}"#,
        ),
        ("client-request-id", "5b8c3a2e-1d4f-4e6a-9b7c-0a1b2c3d4e5f"),
    ];
    let esc = |s: &str| s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    let inputs: String =
        fields.iter().map(|(k, v)| format!("<input type=hidden name=\"{}\" value=\"{}\">", esc(k), esc(v))).collect();
    *start_page.lock().expect("page") = format!(
        "<!doctype html><title>Entra ID</title><form method=post action=\"{issuer}/oidc/authorize\">{inputs}\
         <button id=go>Continue</button></form>"
    );

    let driver = chromedriver();
    let c = browser(&driver).await;
    hand_over_the_key(&c, &soft).await;
    c.goto(&format!("{}/start", fake.authority())).await.expect("Entra ID's page");
    c.find(Locator::Id("go")).await.expect("button").click().await.expect("post to Lastmile");
    let button = match c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#key:not([hidden]) #key-button"))
        .await
    {
        Ok(button) => button,
        Err(e) => panic!("the page, with the key button: {e}: {}", c.source().await.unwrap_or_default()),
    };
    let email = c.find(Locator::Id("username")).await.expect("email");
    assert_eq!(email.attr("readonly").await.expect("attr").as_deref(), Some("true"), "the hint's person");
    button.click().await.expect("click");
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Id("back"))
        .await
        .expect("the answer posts itself back to Entra ID (its script allowed by hash)");
    c.close().await.expect("close");
    let answers = fake.answers.lock().expect("answers").clone();
    assert_eq!(answers.len(), 1, "{answers:?}");
    let claims = entra(&["check", &issuer, &client_id, &redirect, "nonce-from-entra", "state-from-entra", &answers[0]]);
    assert_eq!((claims["sub"].as_str(), claims["amr"].clone()), (Some("pairwise-ada"), serde_json::json!(["fido"])));
    assert_eq!(claims["acr"], "possessionorinherence");
}

/// Not a test: the sign-in page's load in a real browser, measured (scripts/bench.sh runs it
/// with `--ignored` against the release server and prints a Markdown table). Each of 20 loads
/// opens a fresh request; the navigation timing gives when the page became interactive (its
/// script deferred, so `domContentLoadedEventEnd` follows the script) and what was transferred.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: scripts/bench.sh runs it"]
#[allow(clippy::print_stdout)] // its table is its output
async fn bench_the_sign_in_page_in_a_browser() {
    let port = free_port();
    let issuer = format!("http://localhost:{port}");
    let server = Server::start_at(port, &[("LASTMILE_OIDC_ISSUER", &issuer)]).expect("server");
    server.seed().expect("seed");
    let (client_id, _) = okta_client(&server, "http://127.0.0.1:9/callback");
    let url = format!(
        "{issuer}/oidc/authorize?client_id={}&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&response_type=code\
         &scope=openid&state=s&nonce=n&code_challenge=bA8_D9CS8Nyufgxxzp2GUDcSGN3mtl1L_YM338jwimU\
         &code_challenge_method=S256&login_hint=ada%40acme.test",
        client_id
    );
    let driver = chromedriver();
    let c = browser(&driver).await;
    let (mut interactive, mut loaded, mut transferred) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..20 {
        c.goto(&url).await.expect("page");
        c.wait().for_element(Locator::Css("#key:not([hidden])")).await.expect("the script ran");
        let timing = c
            .execute(
                "const n = performance.getEntriesByType('navigation')[0]; \
                 const s = performance.getEntriesByType('resource').filter(r => r.name.endsWith('/oidc/signin.js')); \
                 return [n.domContentLoadedEventEnd, n.loadEventEnd, n.transferSize + s.reduce((a, r) => a + r.transferSize, 0)];",
                vec![],
            )
            .await
            .expect("timing");
        let v: Vec<f64> = timing.as_array().expect("array").iter().map(|x| x.as_f64().unwrap_or(0.0)).collect();
        interactive.push(v[0]);
        loaded.push(v[1]);
        transferred.push(v[2]);
    }
    c.close().await.expect("close");
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let worst = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    println!("| sign-in page in Chromium (headless, loopback) | median | worst |\n|---|---|---|");
    println!(
        "| interactive (DOMContentLoaded done, its script run) | {:.0} ms | {:.0} ms |",
        median(&mut interactive.clone()),
        worst(&interactive)
    );
    println!("| loaded (load event done) | {:.0} ms | {:.0} ms |", median(&mut loaded.clone()), worst(&loaded));
    println!(
        "| transferred (page and script; the script cached after the first load) | {:.1} KiB | {:.1} KiB |",
        median(&mut transferred.clone()) / 1024.0,
        worst(&transferred) / 1024.0
    );
}
