//! The authorization code flow with PKCE (RFC 6749, RFC 7636, OpenID Connect Core 3.1): the
//! checks of an authorization request against its client, of a code verifier, and the ID
//! token's claims. No IO here; the routes store and look up.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::Digest;

use crate::store::oidc::OidcClient;

/// How long a person has to prove a factor once the page opened.
pub const REQUEST_MS: i64 = 10 * 60 * 1000;
/// How long an authorization code can be redeemed (RFC 6749 recommends at most 10 minutes;
/// relying parties redeem at once).
pub const CODE_MS: i64 = 60 * 1000;
/// How long an ID token is valid.
pub const ID_TOKEN_S: i64 = 300;

/// An authorization request that passed the checks that make it safe to answer at its
/// redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorize {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub acr: Option<String>,
    /// The scope asked for (`openid`, perhaps `email`; others are ignored).
    pub scope: String,
}

/// Why a request is refused: before the redirect URI is known to be the client's, the
/// person is shown the reason (never redirected); after, the client is told with an OAuth
/// error at its redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Shown on the page: the client or the redirect URI cannot be trusted.
    Shown(String),
    /// Sent to the redirect URI: `error`, `error_description`.
    Redirected { error: &'static str, description: String },
}

pub(crate) fn param<'a>(q: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    q.get(name).map(String::as_str).filter(|v| !v.is_empty())
}

/// The checks that make a request safe to answer at its redirect URI: the client it names is
/// registered and enabled, and the redirect URI is one it registered (exactly). Refused
/// requests are shown, never redirected.
pub fn trusted_client<'c>(
    q: &HashMap<String, String>,
    client: Option<&'c OidcClient>,
) -> Result<(&'c OidcClient, String), Refusal> {
    let shown = |why: &str| Err(Refusal::Shown(why.to_string()));
    let Some(client_id) = param(q, "client_id") else { return shown("the request names no client (client_id)") };
    let Some(client) = client.filter(|c| c.client_id == client_id && c.disabled_at_ms.is_none()) else {
        return shown("the application that sent you here is not registered with this server (or was disabled)");
    };
    let Some(redirect_uri) = param(q, "redirect_uri") else { return shown("the request names no redirect_uri") };
    if !client.redirect_uris.iter().any(|u| u == redirect_uri) {
        return shown("the application asked to send you back to an address it did not register");
    }
    Ok((client, redirect_uri.to_string()))
}

/// Checks an authorization request (its query parameters) against the client it names
/// (`None`: unknown). Only `response_type=code` with PKCE S256 is answered here; the
/// `acr_values` a client asks for are kept, and unknown ones tolerated.
pub fn check_authorize(q: &HashMap<String, String>, client: Option<&OidcClient>) -> Result<Authorize, Refusal> {
    let (client, redirect_uri) = trusted_client(q, client)?;
    let redirected = |error: &'static str, description: &str| {
        Err(Refusal::Redirected { error, description: description.to_string() })
    };
    if client.profile == "entra-eam" {
        return redirected(
            "unsupported_response_type",
            "this client signs in with the implicit flow (id_token, form_post)",
        );
    }
    if param(q, "response_type") != Some("code") {
        return redirected("unsupported_response_type", "only response_type=code is supported");
    }
    if !param(q, "scope").is_some_and(|s| s.split(' ').any(|v| v == "openid")) {
        return redirected("invalid_scope", "the scope must include openid");
    }
    if param(q, "request").is_some() || param(q, "request_uri").is_some() {
        return redirected("request_not_supported", "request objects are not supported");
    }
    let challenge = match param(q, "code_challenge") {
        Some(challenge) => {
            if param(q, "code_challenge_method") != Some("S256") || challenge.len() != 43 {
                return redirected("invalid_request", "code_challenge_method must be S256 (a 43-character challenge)");
            }
            challenge
        }
        // Let off PKCE, the nonce binds the ID token to the request (OpenID Connect Core 3.1.2.1).
        None if client.pkce == "optional" => {
            if param(q, "nonce").is_none() {
                return redirected("invalid_request", "without PKCE, a nonce is required");
            }
            ""
        }
        None => {
            return redirected(
                "invalid_request",
                "PKCE is required: send code_challenge with code_challenge_method=S256",
            );
        }
    };
    for name in ["state", "nonce"] {
        if param(q, name).is_some_and(|v| v.len() > 512) {
            return redirected("invalid_request", &format!("{name} is longer than 512 characters"));
        }
    }
    Ok(Authorize {
        client_id: client.client_id.clone(),
        redirect_uri,
        state: param(q, "state").map(str::to_string),
        nonce: param(q, "nonce").map(str::to_string),
        code_challenge: challenge.to_string(),
        acr: param(q, "acr_values").and_then(|v| v.split(' ').next()).map(str::to_string),
        scope: param(q, "scope").unwrap_or("openid").chars().take(256).collect(),
    })
}

/// Whether `verifier` is the one `challenge` was made from (S256), and well formed
/// (RFC 7636 section 4.1: 43 to 128 unreserved characters).
pub fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'));
    well_formed && URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes())) == challenge
}

/// `redirect_uri` with these parameters added to its query.
pub fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> String {
    let mut url = match url::Url::parse(redirect_uri) {
        Ok(u) => u,
        Err(_) => return redirect_uri.to_string(),
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
    }
    url.to_string()
}

/// The `amr` value (RFC 8176) of a factor kind.
pub fn amr_of(kind: &str) -> &'static str {
    match kind {
        "security_key" => "hwk",
        _ => "otp",
    }
}

/// The `client_assertion_type` of private_key_jwt (RFC 7523 section 2.2).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// The longest an assertion may live (its exp after now).
pub const ASSERTION_MAX_MS: i64 = 10 * 60 * 1000;

/// The checks of a client assertion's claims (RFC 7523 section 3, OpenID Connect Core 9):
/// issued by and about the client, for this provider (its issuer or token endpoint), not
/// expired and not long-lived, with a `jti`. Returns the `jti` and the expiry (ms).
pub fn check_assertion(
    claims: &serde_json::Value,
    client_id: &str,
    issuer: &str,
    token_endpoint: &str,
    now_ms: i64,
) -> Result<(String, i64), String> {
    if claims["iss"] != client_id || claims["sub"] != client_id {
        return Err("the assertion's iss and sub must be the client id".into());
    }
    let for_us = |v: &serde_json::Value| v == issuer || v == token_endpoint;
    let aud_ok = match &claims["aud"] {
        serde_json::Value::Array(list) => list.iter().any(for_us),
        one => for_us(one),
    };
    if !aud_ok {
        return Err(format!("the assertion's aud must be {issuer} or {token_endpoint}"));
    }
    let exp_ms = claims["exp"].as_i64().ok_or("the assertion has no exp")?.saturating_mul(1000);
    if exp_ms <= now_ms {
        return Err("the assertion has expired".into());
    }
    if exp_ms > now_ms + ASSERTION_MAX_MS {
        return Err("the assertion lives longer than 10 minutes".into());
    }
    let jti = claims["jti"].as_str().filter(|j| !j.is_empty() && j.len() <= 256).ok_or("the assertion has no jti")?;
    Ok((jti.to_string(), exp_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> OidcClient {
        OidcClient {
            client_id: "lmc_1".into(),
            org_id: "org_1".into(),
            name: "Okta".into(),
            profile: "okta".into(),
            secret_hash: Some("h".into()),
            jwks: None,
            redirect_uris: vec!["https://rp.example/cb".into()],
            tenants: vec![],
            entra_app_id: None,
            pkce: "required".into(),
            factors: "any".into(),
            created_at_ms: 0,
            disabled_at_ms: None,
        }
    }

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// S256 of VERIFIER, computed with Python's hashlib and base64 (an independent
    /// implementation).
    const CHALLENGE: &str = "bA8_D9CS8Nyufgxxzp2GUDcSGN3mtl1L_YM338jwimU";
    const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K1uKC3GNCwu6LfFeZlq6yqA7RJ";

    #[test]
    fn authorization_requests_are_checked_in_the_safe_order() {
        let good = [
            ("client_id", "lmc_1"),
            ("redirect_uri", "https://rp.example/cb"),
            ("response_type", "code"),
            ("scope", "openid email"),
            ("state", "s"),
            ("nonce", "n"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("acr_values", "urn:unknown mfa"),
        ];
        let a = check_authorize(&query(&good), Some(&client())).expect("good");
        assert_eq!(
            (a.state.as_deref(), a.nonce.as_deref(), a.acr.as_deref()),
            (Some("s"), Some("n"), Some("urn:unknown"))
        );
        let with = |name: &str, value: &str| {
            let mut q = query(&good);
            q.insert(name.into(), value.into());
            check_authorize(&q, Some(&client()))
        };
        // Shown, never redirected: the redirect URI is not the client's.
        assert!(matches!(with("redirect_uri", "https://evil.example/cb"), Err(Refusal::Shown(_))));
        assert!(matches!(with("client_id", "lmc_2"), Err(Refusal::Shown(_))));
        assert!(matches!(check_authorize(&query(&good), None), Err(Refusal::Shown(_))));
        let mut disabled = client();
        disabled.disabled_at_ms = Some(1);
        assert!(matches!(check_authorize(&query(&good), Some(&disabled)), Err(Refusal::Shown(_))));
        // Redirected with the OAuth error.
        let error = |r: Result<Authorize, Refusal>| match r {
            Err(Refusal::Redirected { error, .. }) => error,
            other => panic!("{other:?}"),
        };
        assert_eq!(error(with("response_type", "token")), "unsupported_response_type");
        assert_eq!(error(with("scope", "email")), "invalid_scope");
        assert_eq!(error(with("code_challenge_method", "plain")), "invalid_request");
        assert_eq!(error(with("code_challenge", "")), "invalid_request");
        assert_eq!(error(with("request", "eyJ...")), "request_not_supported");
        // A client let off PKCE: no challenge is fine with a nonce, a challenge is still checked.
        let mut lenient = client();
        lenient.pkce = "optional".into();
        let mut q = query(&good);
        q.remove("code_challenge");
        assert_eq!(check_authorize(&q, Some(&lenient)).expect("no PKCE").code_challenge, "");
        q.remove("nonce");
        assert_eq!(error(check_authorize(&q, Some(&lenient))), "invalid_request");
        let mut q = query(&good);
        q.insert("code_challenge_method".into(), "plain".into());
        assert_eq!(error(check_authorize(&q, Some(&lenient))), "invalid_request");
        q.remove("code_challenge");
        assert!(check_authorize(&q, Some(&client())).is_err(), "required by default");
    }

    #[test]
    fn pkce_s256_matches_an_independent_computation() {
        assert!(pkce_matches(VERIFIER, CHALLENGE));
        assert!(!pkce_matches("dBjftJeZ4CVP-mJ92K1uKC3GNCwu6LfFeZlq6yqA7RK", CHALLENGE));
        assert!(!pkce_matches("short", CHALLENGE));
    }

    #[test]
    fn client_assertions_are_for_us_short_lived_and_named() {
        let now = 1_790_000_000_000_i64;
        let good = serde_json::json!({
            "iss": "lmc_1", "sub": "lmc_1", "aud": ["https://mfa.example/oidc/token"], "exp": now / 1000 + 60, "jti": "j",
        });
        let check = |c: &serde_json::Value| {
            check_assertion(c, "lmc_1", "https://mfa.example", "https://mfa.example/oidc/token", now)
        };
        assert_eq!(check(&good), Ok(("j".to_string(), (now / 1000 + 60) * 1000)));
        let with = |name: &str, value: serde_json::Value| {
            let mut c = good.clone();
            c[name] = value;
            check(&c).expect_err(name)
        };
        assert!(
            check(&{
                let mut c = good.clone();
                c["aud"] = "https://mfa.example".into();
                c
            })
            .is_ok(),
            "the issuer is an audience too"
        );
        assert!(with("sub", "lmc_2".into()).contains("iss and sub"));
        assert!(with("aud", "https://other.example".into()).contains("aud must be"));
        assert!(with("exp", (now / 1000 - 1).into()).contains("expired"));
        assert!(with("exp", (now / 1000 + 3600).into()).contains("longer than 10 minutes"));
        assert!(with("jti", "".into()).contains("no jti"));
    }

    #[test]
    fn redirects_keep_the_clients_query() {
        assert_eq!(
            redirect_with("https://rp.example/cb?x=1", &[("code", "a b"), ("state", "s")]),
            "https://rp.example/cb?x=1&code=a+b&state=s"
        );
    }
}
