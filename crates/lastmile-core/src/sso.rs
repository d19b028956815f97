//! The app's half of joining with the organisation's sign-in (OAuth 2.0 for native apps, RFC
//! 8252, with PKCE, RFC 7636), as pure functions: the verifier and challenge from random bytes
//! the caller brings, the authorization request, and what the browser brought back to the
//! loopback redirect.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// The path of the app's loopback redirect URI.
pub const CALLBACK_PATH: &str = "/callback";

/// A PKCE verifier (43 characters of base64url from 32 random bytes) and its S256 challenge.
pub fn pkce(random: &[u8; 32]) -> (String, String) {
    let verifier = URL_SAFE_NO_PAD.encode(random);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// A `state` value from random bytes.
pub fn state(random: &[u8; 16]) -> String {
    URL_SAFE_NO_PAD.encode(random)
}

/// What the app sends the browser to.
#[derive(Debug, Clone, Copy)]
pub struct AuthorizationRequest<'a> {
    pub endpoint: &'a str,
    pub client_id: &'a str,
    pub scope: &'a str,
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub challenge: &'a str,
}

impl AuthorizationRequest<'_> {
    /// The URL, or why the endpoint is not one.
    pub fn url(&self) -> Result<url::Url, String> {
        let mut url = url::Url::parse(self.endpoint)
            .map_err(|e| format!("the authorization endpoint {:?}: {e}", self.endpoint))?;
        let loopback_http = url.scheme() == "http" && url.host_str().is_some_and(crate::invite::is_loopback);
        if url.scheme() != "https" && !loopback_http {
            return Err(format!("the authorization endpoint {:?} is not https", self.endpoint));
        }
        url.query_pairs_mut()
            .append_pair("client_id", self.client_id)
            .append_pair("response_type", "code")
            .append_pair("scope", self.scope)
            .append_pair("redirect_uri", self.redirect_uri)
            .append_pair("state", self.state)
            .append_pair("nonce", self.nonce)
            .append_pair("code_challenge", self.challenge)
            .append_pair("code_challenge_method", "S256");
        Ok(url)
    }
}

/// What a request to the loopback redirect brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// Not the redirect (a favicon, a stray request): answer 404 and keep waiting.
    Elsewhere,
    /// The code, for this sign-in.
    Code(String),
    /// The provider (or the person) ended the sign-in: its error and description.
    Error { error: String, description: Option<String> },
    /// A redirect for another sign-in than this one (or none): refused.
    WrongState,
}

/// Reads the request target (`/callback?code=...&state=...`) against the expected `state`.
/// The state is checked before anything else is believed, errors included.
pub fn callback(target: &str, expected_state: &str) -> Callback {
    let Ok(url) = url::Url::parse("http://127.0.0.1").and_then(|base| base.join(target)) else {
        return Callback::Elsewhere;
    };
    if url.path() != CALLBACK_PATH {
        return Callback::Elsewhere;
    }
    let param = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    if param("state").as_deref() != Some(expected_state) {
        return Callback::WrongState;
    }
    if let Some(error) = param("error") {
        return Callback::Error { error, description: param("error_description") };
    }
    match param("code") {
        Some(code) if !code.is_empty() => Callback::Code(code),
        _ => Callback::Error { error: "invalid_request".into(), description: Some("no code in the redirect".into()) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_follows_rfc_7636_appendix_b() {
        // RFC 7636 Appendix B: these octets give this verifier and challenge.
        let octets = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191,
            240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let (verifier, challenge) = pkce(&octets);
        assert_eq!(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn the_callback_is_believed_only_with_its_state() {
        let cases = [
            ("/callback?code=abc&state=s1&iss=x", Callback::Code("abc".into())),
            ("/callback?state=s1&code=abc", Callback::Code("abc".into())),
            ("/callback?code=abc&state=s2", Callback::WrongState),
            ("/callback?code=abc", Callback::WrongState),
            (
                "/callback?error=access_denied&error_description=End-User+aborted&state=s1",
                Callback::Error { error: "access_denied".into(), description: Some("End-User aborted".into()) },
            ),
            ("/callback?error=access_denied&state=other", Callback::WrongState),
            (
                "/callback?state=s1",
                Callback::Error {
                    error: "invalid_request".into(),
                    description: Some("no code in the redirect".into()),
                },
            ),
            ("/favicon.ico", Callback::Elsewhere),
            ("/callbackx?code=abc&state=s1", Callback::Elsewhere),
            ("/", Callback::Elsewhere),
        ];
        for (target, expected) in cases {
            assert_eq!(callback(target, "s1"), expected, "{target}");
        }
    }

    #[test]
    fn the_authorization_request_carries_every_parameter() {
        let req = AuthorizationRequest {
            endpoint: "https://idp.acme.test/authorize?tenant=x",
            client_id: "lastmile",
            scope: "openid email",
            redirect_uri: "http://127.0.0.1:50000/callback",
            state: "s&1",
            nonce: "n1",
            challenge: "c1",
        };
        let url = req.url().expect("url");
        let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("tenant"), Some("x"), "the endpoint's own parameters kept");
        assert_eq!(get("state"), Some("s&1"));
        assert_eq!(get("code_challenge_method"), Some("S256"));
        assert_eq!(get("redirect_uri"), Some("http://127.0.0.1:50000/callback"));
        let plain = AuthorizationRequest { endpoint: "http://idp.acme.test/authorize", ..req };
        assert!(plain.url().is_err(), "http only on loopback");
    }
}
