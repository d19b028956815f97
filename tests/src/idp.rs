//! The organisation's identity provider in tests: panva's oidc-provider (`tests/oidc/idp.mjs`)
//! on a loopback port, killed when dropped; `sign_in` goes through its pages over HTTP
//! (`tests/oidc/login.mjs`), and `redeem` plays a public client at its token endpoint.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

fn oidc_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc")
}

/// A running identity provider.
#[derive(Debug)]
pub struct Idp {
    pub issuer: String,
    child: Child,
    stderr: Arc<Mutex<String>>,
}

/// The desktop app's client: native, public, loopback redirects on any port.
pub fn native_client(client_id: &str) -> Value {
    json!({
        "client_id": client_id, "application_type": "native", "token_endpoint_auth_method": "none",
        "redirect_uris": ["http://127.0.0.1/callback"], "grant_types": ["authorization_code"], "response_types": ["code"],
    })
}

impl Idp {
    /// Starts a provider with `clients` and `accounts` (login → claims; see idp.mjs).
    pub fn start(config: Value) -> Idp {
        let mut child = Command::new("node")
            .arg(oidc_dir().join("idp.mjs"))
            .arg(config.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("node (scripts/setup.sh --test installs it and tests/oidc's packages)");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        out.read_line(&mut line).expect("the provider's first line");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (sink, mut err) = (stderr.clone(), child.stderr.take().expect("stderr"));
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = err.read(&mut buf) {
                sink.lock().expect("lock").push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let started: Value = serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("the provider did not start: {line:?} {}", stderr.lock().expect("lock")));
        Idp { issuer: started["issuer"].as_str().expect("issuer").to_string(), child, stderr }
    }

    /// What the provider wrote to stderr so far (its errors).
    pub fn log(&self) -> String {
        self.stderr.lock().expect("lock").clone()
    }

    /// Stops the provider (it becomes unreachable).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Signs `login` in through the provider's pages, starting at `authorization_url`; where the
    /// provider redirects in the end (the redirect URI with the code and state, or an error).
    /// `abort`: the person cancels on the sign-in page.
    pub fn sign_in(&self, authorization_url: &str, login: &str, abort: bool) -> url::Url {
        let mut cmd = Command::new("node");
        cmd.arg(oidc_dir().join("login.mjs")).arg(authorization_url).arg(login);
        if abort {
            cmd.arg("abort");
        }
        let out = cmd.output().expect("node");
        assert!(out.status.success(), "login.mjs: {}\n{}", String::from_utf8_lossy(&out.stderr), self.log());
        url::Url::parse(String::from_utf8_lossy(&out.stdout).trim()).expect("a redirect URL")
    }

    /// Redeems `code` at the token endpoint as the public client `client_id`; the answer.
    pub async fn redeem(&self, client_id: &str, code: &str, verifier: &str, redirect_uri: &str) -> Value {
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "authorization_code")
            .append_pair("code", code)
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("code_verifier", verifier)
            .finish();
        reqwest::Client::new()
            .post(format!("{}/token", self.issuer))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .expect("token endpoint")
            .json()
            .await
            .expect("JSON")
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A PKCE pair (RFC 7636): the verifier and its S256 challenge.
pub fn pkce() -> (String, String) {
    let mut bytes = [0u8; 32];
    openssl::rand::rand_bytes(&mut bytes).expect("random bytes");
    let verifier = URL_SAFE_NO_PAD.encode(bytes);
    let challenge = URL_SAFE_NO_PAD.encode(openssl::sha::sha256(verifier.as_bytes()));
    (verifier, challenge)
}

/// The authorization request an app makes for a started join.
pub fn authorization_url(
    endpoint: &str,
    client_id: &str,
    scope: &str,
    redirect_uri: &str,
    state: &str,
    nonce: &str,
    challenge: &str,
) -> String {
    let mut url = url::Url::parse(endpoint).expect("endpoint");
    url.query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("response_type", "code")
        .append_pair("scope", scope)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state)
        .append_pair("nonce", nonce)
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256");
    url.into()
}
