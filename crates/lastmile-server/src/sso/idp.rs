//! Talking to an organisation's identity provider: its discovery document and signing keys
//! (fetched, kept, and fetched again when a token names a key not among them, at most once a
//! minute, or after a day), and the token endpoint where the server redeems an authorization
//! code (as a public client with PKCE, with a client secret, or with `private_key_jwt`).
//! Redirects are never followed and answers are capped.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use lastmile_core::clock::UnixMillis;
use serde_json::Value;

use crate::ServerError;
use crate::oidc::jws;

const MAX_DOCUMENT_BYTES: usize = 256 * 1024;
/// How long a discovery document or key set is kept.
const KEEP_MS: i64 = 60 * 60 * 1000;
const KEYS_KEEP_MS: i64 = 24 * 60 * 60 * 1000;
/// A token naming an unknown key fetches the keys again at most this often.
const REFETCH_MIN_MS: i64 = 60 * 1000;
/// How long the server waits for the identity provider.
const TIMEOUT: Duration = Duration::from_secs(10);

/// What the server needs of a provider's discovery document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
}

/// How the server authenticates to the provider's token endpoint.
#[derive(Clone)]
pub enum ClientAuth {
    /// A public client: the PKCE verifier is the only proof.
    None,
    /// `client_secret_basic`.
    Secret(String),
    /// `private_key_jwt`, signed with this PEM private key (RSA: RS256, P-256: ES256).
    PrivateKeyJwt(String),
}

impl std::fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ClientAuth::None => "None",
            ClientAuth::Secret(_) => "Secret(****)",
            ClientAuth::PrivateKeyJwt(_) => "PrivateKeyJwt(****)",
        })
    }
}

impl ClientAuth {
    pub fn wire(&self) -> &'static str {
        match self {
            ClientAuth::None => "none",
            ClientAuth::Secret(_) => "client_secret_basic",
            ClientAuth::PrivateKeyJwt(_) => "private_key_jwt",
        }
    }
}

/// Why the provider did not give what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdpError {
    /// It could not be reached, or answered something that is not an OpenID provider's answer.
    Unreachable(String),
    /// It answered, and refused (an invalid or used code, a bad client credential), or its
    /// token failed the signature check.
    Refused(String),
}

/// The providers' documents and keys, kept per URL. Each replica keeps its own: this is a
/// cache of public documents, not state replicas share.
pub struct Idps {
    http: reqwest::Client,
    discovered: tokio::sync::Mutex<HashMap<String, (Discovered, i64)>>,
    keys: tokio::sync::Mutex<HashMap<String, (Value, i64)>>,
}

impl std::fmt::Debug for Idps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Idps").finish_non_exhaustive()
    }
}

/// `url` is https, or http on a loopback address.
fn check_url(what: &str, url: &str) -> Result<url::Url, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("{what} {url:?}: {e}"))?;
    if !crate::urls::https_or_loopback(&parsed) {
        return Err(format!("{what} {url:?}: https only (http on a loopback address)"));
    }
    Ok(parsed)
}

impl Idps {
    pub fn new() -> Result<Idps, ServerError> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("lastmile-server/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ServerError::Internal(format!("HTTP client: {e}")))?;
        Ok(Idps { http, discovered: Default::default(), keys: Default::default() })
    }

    async fn get_json(&self, url: &url::Url) -> Result<Value, IdpError> {
        let unreachable = |e: String| IdpError::Unreachable(format!("{url}: {e}"));
        let mut response = self.http.get(url.clone()).send().await.map_err(|e| unreachable(e.to_string()))?;
        if !response.status().is_success() {
            return Err(unreachable(format!("answered {}", response.status())));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| unreachable(e.to_string()))? {
            if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err(unreachable(format!("answered more than {MAX_DOCUMENT_BYTES} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body).map_err(|e| unreachable(format!("not JSON ({e})")))
    }

    /// The provider's discovery document (`{issuer}/.well-known/openid-configuration`), whose
    /// `issuer` must be exactly `issuer` (OpenID Connect Discovery 4.3).
    pub async fn discover(&self, issuer: &str, now: UnixMillis) -> Result<Discovered, IdpError> {
        if let Some((d, at)) = self.discovered.lock().await.get(issuer)
            && now.0 - at < KEEP_MS
        {
            return Ok(d.clone());
        }
        let url = check_url("issuer", issuer)
            .and_then(|_| {
                check_url("discovery", &format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/')))
            })
            .map_err(IdpError::Unreachable)?;
        let doc = self.get_json(&url).await?;
        let text = |name: &str| {
            doc[name]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| IdpError::Unreachable(format!("the discovery document at {url} has no {name}")))
        };
        let found = Discovered {
            issuer: text("issuer")?,
            authorization_endpoint: text("authorization_endpoint")?,
            token_endpoint: text("token_endpoint")?,
            jwks_uri: text("jwks_uri")?,
        };
        if found.issuer != issuer {
            return Err(IdpError::Unreachable(format!(
                "the discovery document at {url} names issuer {:?}, not {issuer:?} (configure the issuer exactly as \
                 the provider spells it)",
                found.issuer
            )));
        }
        for (what, u) in [
            ("authorization_endpoint", &found.authorization_endpoint),
            ("token_endpoint", &found.token_endpoint),
            ("jwks_uri", &found.jwks_uri),
        ] {
            check_url(what, u).map_err(IdpError::Unreachable)?;
        }
        self.discovered.lock().await.insert(issuer.to_string(), (found.clone(), now.0));
        Ok(found)
    }

    async fn fetch_keys(&self, jwks_uri: &str) -> Result<Value, IdpError> {
        let url = check_url("jwks_uri", jwks_uri).map_err(IdpError::Unreachable)?;
        let set = self.get_json(&url).await?;
        if set["keys"].as_array().is_none_or(Vec::is_empty) {
            return Err(IdpError::Unreachable(format!("{url}: no keys in the key set")));
        }
        Ok(set)
    }

    /// The claims of `token` if the provider's keys sign it (RS256 or ES256). Nothing about
    /// the claims is checked here (see `sso::claims::check_token`).
    pub async fn verify(&self, provider: &Discovered, token: &str, now: UnixMillis) -> Result<Value, IdpError> {
        let uri = &provider.jwks_uri;
        let held = self.keys.lock().await.get(uri).cloned().filter(|(_, at)| now.0 - at < KEYS_KEEP_MS);
        let (set, fetched_at) = match held {
            Some(h) => h,
            None => {
                let set = self.fetch_keys(uri).await?;
                self.keys.lock().await.insert(uri.clone(), (set.clone(), now.0));
                (set, now.0)
            }
        };
        match jws::verify(token, &set) {
            Ok(claims) => Ok(claims),
            // A key rollover: the token names a key published after ours were fetched.
            Err(e) if e.0.starts_with("no registered key fits") && now.0 - fetched_at >= REFETCH_MIN_MS => {
                let set = self.fetch_keys(uri).await?;
                self.keys.lock().await.insert(uri.clone(), (set.clone(), now.0));
                jws::verify(token, &set).map_err(|e| IdpError::Refused(format!("the ID token: {e}")))
            }
            Err(e) => Err(IdpError::Refused(format!("the ID token: {e}"))),
        }
    }

    /// Redeems an authorization code at the token endpoint; the ID token it answers with.
    #[allow(clippy::too_many_arguments)] // the token request's parameters, each a &str
    pub async fn redeem(
        &self,
        provider: &Discovered,
        client_id: &str,
        auth: &ClientAuth,
        code: &str,
        code_verifier: &str,
        redirect_uri: &str,
        now: UnixMillis,
    ) -> Result<String, IdpError> {
        let url = check_url("token_endpoint", &provider.token_endpoint).map_err(IdpError::Unreachable)?;
        // The form is built apart: its serializer cannot be held across an await.
        let mut authorization = None;
        let body = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "authorization_code")
                .append_pair("code", code)
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("code_verifier", code_verifier);
            match auth {
                ClientAuth::None => {
                    form.append_pair("client_id", client_id);
                }
                ClientAuth::Secret(secret) => {
                    // RFC 6749 section 2.3.1: each part form-encoded before the Basic encoding.
                    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                    authorization =
                        Some(format!("Basic {}", STANDARD.encode(format!("{}:{}", enc(client_id), enc(secret)))));
                }
                ClientAuth::PrivateKeyJwt(pem) => {
                    let assertion = client_assertion(pem, client_id, &provider.token_endpoint, now)
                        .map_err(|e| IdpError::Refused(format!("signing the client assertion: {e}")))?;
                    form.append_pair("client_id", client_id)
                        .append_pair("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                        .append_pair("client_assertion", &assertion);
                }
            }
            form.finish()
        };
        let mut request = self.http.post(url.clone()).header(reqwest::header::ACCEPT, "application/json");
        if let Some(value) = authorization {
            request = request.header(reqwest::header::AUTHORIZATION, value);
        }
        let response = request
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(|e| IdpError::Unreachable(format!("{url}: {e}")))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| IdpError::Unreachable(format!("{url}: {e}")))?;
        let answer: Value = serde_json::from_slice(&body[..body.len().min(MAX_DOCUMENT_BYTES)])
            .map_err(|_| IdpError::Unreachable(format!("{url} answered {status} with something that is not JSON")))?;
        if !status.is_success() {
            let error = answer["error"].as_str().unwrap_or("an error");
            let description = answer["error_description"].as_str().unwrap_or_default();
            return Err(IdpError::Refused(format!(
                "the identity provider refused the code: {error}{}{description}",
                if description.is_empty() { "" } else { ": " }
            )));
        }
        answer["id_token"].as_str().map(str::to_string).ok_or_else(|| {
            IdpError::Refused(
                "the identity provider answered without an ID token (is the openid scope allowed?)".into(),
            )
        })
    }
}

/// An RFC 7523 client assertion for `private_key_jwt`: the client names itself as issuer
/// and subject, addressed to the token endpoint, valid for a minute, with a fresh `jti`.
fn client_assertion(pem: &str, client_id: &str, audience: &str, now: UnixMillis) -> Result<String, ServerError> {
    let key = openssl::pkey::PKey::private_key_from_pem(pem.as_bytes())
        .map_err(|e| ServerError::Invalid(format!("the client's private key: {e}")))?;
    let alg = match key.id() {
        openssl::pkey::Id::RSA => crate::oidc::Alg::RS256,
        openssl::pkey::Id::EC => crate::oidc::Alg::ES256,
        other => return Err(ServerError::Invalid(format!("a private key of type {other:?} (RSA or EC P-256)"))),
    };
    let iat = now.0.div_euclid(1000);
    let claims = serde_json::json!({
        "iss": client_id, "sub": client_id, "aud": audience,
        "jti": crate::secrets::new_jti(),
        "iat": iat, "exp": iat + 60,
    });
    crate::oidc::keys::sign_with(&key, alg, None, &claims)
}

/// Checks a PEM private key for `private_key_jwt` (RSA of 2048 bits or more, or EC P-256).
pub fn check_private_key(pem: &str) -> Result<(), String> {
    let key =
        openssl::pkey::PKey::private_key_from_pem(pem.as_bytes()).map_err(|e| format!("not a PEM private key: {e}"))?;
    match key.id() {
        openssl::pkey::Id::RSA if key.bits() >= 2048 => Ok(()),
        openssl::pkey::Id::EC
            if key.ec_key().ok().and_then(|k| k.group().curve_name()) == Some(openssl::nid::Nid::X9_62_PRIME256V1) =>
        {
            Ok(())
        }
        _ => Err("use an RSA key of 2048 bits or more, or an EC P-256 key".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    #[test]
    fn client_assertions_verify_with_the_clients_public_key() {
        let ec = openssl::ec::EcKey::generate(
            &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).expect("group"),
        )
        .expect("key");
        let pem = String::from_utf8(ec.private_key_to_pem().expect("pem")).expect("utf8");
        assert_eq!(check_private_key(&pem), Ok(()));
        let token = client_assertion(&pem, "lastmile", "https://idp.test/token", UnixMillis(1_790_000_000_000))
            .expect("assertion");
        let mut ctx = openssl::bn::BigNumContext::new().expect("ctx");
        let (mut x, mut y) = (openssl::bn::BigNum::new().expect("x"), openssl::bn::BigNum::new().expect("y"));
        ec.public_key().affine_coordinates(ec.group(), &mut x, &mut y, &mut ctx).expect("coordinates");
        let b64 = |n: &openssl::bn::BigNum| URL_SAFE_NO_PAD.encode(n.to_vec_padded(32).expect("32 bytes"));
        let jwks = serde_json::json!({ "keys": [{ "kty": "EC", "crv": "P-256", "x": b64(&x), "y": b64(&y) }] });
        assert!(jws::verify(&token, &jwks).is_ok(), "the assertion verifies with the client's public key");
        let payload = token.split('.').nth(1).expect("payload");
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("json");
        assert_eq!(
            (claims["iss"].as_str(), claims["aud"].as_str()),
            (Some("lastmile"), Some("https://idp.test/token"))
        );
        assert_eq!(claims["exp"].as_i64(), Some(1_790_000_060));
        assert!(check_private_key("not a key").is_err());
        let small = openssl::rsa::Rsa::generate(1024).expect("rsa");
        let small = String::from_utf8(small.private_key_to_pem().expect("pem")).expect("utf8");
        assert!(check_private_key(&small).is_err());
    }
}
