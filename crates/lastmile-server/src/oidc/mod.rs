//! Lastmile as an OpenID Connect provider of second factors: identity providers (Entra ID's
//! external authentication methods, Okta, Keycloak) and any OIDC relying party send people
//! here to prove a factor Lastmile verified, and get a signed ID token back.
//!
//! This module holds what every flow shares: the issuer (one spelling everywhere), the
//! discovery document, and the signing keys ([`keys`]), reloaded from their file when an
//! administrator rotates them so that replicas agree.

pub mod entra;
pub mod flow;
pub mod jws;
pub mod keys;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use lastmile_core::clock::{Clock, UnixMillis};

pub use keys::{Alg, SigningKeys};

use crate::ServerError;

/// The issuer identifier: an https URL (http only on loopback) with no query or fragment,
/// no default port and no trailing slash, so that discovery, tokens and the relying parties'
/// configuration name it identically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer(String);

impl Issuer {
    pub fn parse(text: &str) -> Result<Issuer, ServerError> {
        let bad = |why: &str| ServerError::Invalid(format!("OIDC issuer {text:?}: {why}"));
        let url = url::Url::parse(text.trim()).map_err(|e| bad(&e.to_string()))?;
        if !crate::urls::https_or_loopback(&url) {
            return Err(bad("use https (http only on a loopback address)"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("an issuer has no query or fragment"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("an issuer has no user name or password"));
        }
        // The url crate already leaves out a scheme's default port.
        let text = url.as_str().trim_end_matches('/').to_string();
        Ok(Issuer(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A URL under the issuer.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

impl std::fmt::Display for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The provider: its issuer and keys.
#[derive(Debug)]
pub struct Provider {
    issuer: Issuer,
    key_file: PathBuf,
    keys: RwLock<Loaded>,
    /// Where Entra ID's hints are checked against.
    entra: entra::EntraKeys,
    /// When expired requests and assertions were last dropped.
    purged_at_ms: std::sync::atomic::AtomicI64,
}

/// How often expired requests and client assertions are dropped.
pub const PURGE_EVERY_MS: i64 = 60_000;

#[derive(Debug)]
struct Loaded {
    keys: Arc<SigningKeys>,
    modified: Option<SystemTime>,
}

fn modified(path: &std::path::Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl Provider {
    /// The provider for `issuer`, its keys in `key_file` (made there when missing).
    pub fn start(issuer: Issuer, key_file: PathBuf, now: UnixMillis) -> Result<Provider, ServerError> {
        let keys = SigningKeys::load_or_create(&key_file, now)?;
        let loaded = Loaded { keys: Arc::new(keys), modified: modified(&key_file) };
        Ok(Provider {
            issuer,
            key_file,
            keys: RwLock::new(loaded),
            entra: entra::EntraKeys::new(entra::DEFAULT_AUTHORITY)?,
            purged_at_ms: std::sync::atomic::AtomicI64::new(0),
        })
    }

    /// Whether it is time to drop expired requests (true for one caller a minute at most).
    pub fn purge_due(&self, now: UnixMillis) -> bool {
        use std::sync::atomic::Ordering;
        let last = self.purged_at_ms.load(Ordering::Relaxed);
        now.0 - last >= PURGE_EVERY_MS
            && self.purged_at_ms.compare_exchange(last, now.0, Ordering::Relaxed, Ordering::Relaxed).is_ok()
    }

    /// The same provider checking Entra ID's hints against another authority (a national
    /// cloud, or a test's).
    pub fn with_entra(self, entra: entra::EntraKeys) -> Provider {
        Provider { entra, ..self }
    }

    pub fn entra(&self) -> &entra::EntraKeys {
        &self.entra
    }

    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }

    /// The keys in use.
    pub fn keys(&self) -> Arc<SigningKeys> {
        self.keys.read().unwrap_or_else(std::sync::PoisonError::into_inner).keys.clone()
    }

    /// Loads the key file again if it changed (a rotation by `admin oidc-key rotate`, maybe on
    /// another replica's host). A file that no longer loads keeps the keys in use.
    pub fn reload_keys(&self) -> Result<bool, ServerError> {
        let now = modified(&self.key_file);
        if now == self.keys.read().unwrap_or_else(std::sync::PoisonError::into_inner).modified {
            return Ok(false);
        }
        let keys = SigningKeys::load(&self.key_file)?;
        *self.keys.write().unwrap_or_else(std::sync::PoisonError::into_inner) =
            Loaded { keys: Arc::new(keys), modified: now };
        Ok(true)
    }

    /// Checks the key file every `every`, for as long as the runtime lives.
    pub fn spawn_key_reload(self: &Arc<Self>, every: std::time::Duration) {
        let provider = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                match provider.reload_keys() {
                    Ok(true) => tracing::info!(file = %provider.key_file.display(), "OIDC signing keys reloaded"),
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "OIDC signing keys not reloaded; the ones in use are kept"),
                }
            }
        });
    }

    /// The discovery document (OpenID Connect Discovery 1.0, section 3).
    pub fn discovery(&self) -> serde_json::Value {
        let i = &self.issuer;
        serde_json::json!({
            "issuer": i.as_str(),
            "authorization_endpoint": i.at("/oidc/authorize"),
            "token_endpoint": i.at("/oidc/token"),
            "jwks_uri": i.at("/oidc/jwks"),
            "scopes_supported": ["openid", "email"],
            "response_types_supported": ["code", "id_token"],
            "response_modes_supported": ["query", "form_post"],
            "grant_types_supported": ["authorization_code", "implicit"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [Alg::RS256.name(), Alg::ES256.name()],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": [Alg::RS256.name(), Alg::ES256.name()],
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": true,
            "claims_supported": [
                "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "email", "email_verified"
            ],
            "claim_types_supported": ["normal"],
            "claims_parameter_supported": true,
            "request_parameter_supported": false,
            "request_uri_parameter_supported": false,
        })
    }

    /// The published keys at `now`.
    pub fn jwks(&self, clock: &dyn Clock) -> serde_json::Value {
        self.keys().jwks(clock.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issuer_has_one_spelling() {
        let same = [
            "https://mfa.acme.example",
            "https://mfa.acme.example/",
            "https://mfa.acme.example:443/",
            "HTTPS://MFA.acme.example",
        ];
        for text in same {
            assert_eq!(Issuer::parse(text).expect(text).as_str(), "https://mfa.acme.example", "{text}");
        }
        assert_eq!(
            Issuer::parse("https://acme.example/lastmile/").expect("path").as_str(),
            "https://acme.example/lastmile"
        );
        assert_eq!(Issuer::parse("https://acme.example:8443").expect("port").as_str(), "https://acme.example:8443");
        assert_eq!(Issuer::parse("http://127.0.0.1:8080/").expect("loopback").as_str(), "http://127.0.0.1:8080");
        for bad in ["http://mfa.acme.example", "https://mfa.acme.example/?x=1", "https://a@mfa.acme.example", "mfa", ""]
        {
            assert!(Issuer::parse(bad).is_err(), "{bad}");
        }
    }
}
