//! The WebAuthn relying party (webauthn-rs): its identity (RP ID and origin, from the
//! server's configuration) and what a registered security key tells about itself.

use webauthn_rs::prelude::{SecurityKey, Url, Uuid};
use webauthn_rs::{Webauthn, WebauthnBuilder};

use crate::ServerError;

/// How long a started ceremony may be finished (the authenticator's own timeout is 60 s; a
/// PIN and two touches fit well within this).
pub const CEREMONY_MS: i64 = 5 * 60 * 1000;

/// The relying party this server is.
pub struct RelyingParty {
    pub id: String,
    pub origin: Url,
    pub webauthn: Webauthn,
}

impl std::fmt::Debug for RelyingParty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelyingParty").field("id", &self.id).field("origin", &self.origin.as_str()).finish()
    }
}

impl RelyingParty {
    /// `id` must be the origin's host or a registrable suffix of it (e.g. `acme.com` for
    /// `https://mfa.acme.com`); the origin must be https, or http on `localhost`.
    pub fn new(id: &str, origin: &str, name: &str) -> Result<RelyingParty, ServerError> {
        let bad = |why: String| ServerError::Invalid(format!("WebAuthn relying party: {why}"));
        let url = Url::parse(origin).map_err(|e| bad(format!("origin {origin:?}: {e}")))?;
        let local = url.host_str() == Some("localhost");
        if url.scheme() != "https" && !(local && url.scheme() == "http") {
            return Err(bad(format!("origin {origin:?} must be https (or http://localhost for development)")));
        }
        let webauthn = WebauthnBuilder::new(id, &url)
            .map_err(|e| bad(format!("{id:?} is not the host of {origin:?} or a suffix of it ({e})")))?
            .rp_name(name)
            .allow_any_port(local)
            .build()
            .map_err(|e| bad(e.to_string()))?;
        Ok(RelyingParty { id: id.to_string(), origin: url, webauthn })
    }

    /// For development and tests: `localhost`.
    pub fn localhost() -> RelyingParty {
        #[allow(clippy::expect_used)] // a constant configuration, checked by the tests
        RelyingParty::new("localhost", "http://localhost", "Lastmile").expect("localhost is a valid relying party")
    }
}

/// The WebAuthn user handle of a user: the 128 random bits of the user's id.
pub fn user_handle(user_id: &str) -> Result<Uuid, ServerError> {
    let hex = user_id.rsplit('_').next().unwrap_or_default();
    Uuid::try_parse(hex).map_err(|e| ServerError::Corrupt(format!("user id {user_id:?} as a WebAuthn handle: {e}")))
}

/// What registration showed of the authenticator, as recorded with the factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFacts {
    pub credential_id: String,
    /// `packed`, `fido-u2f`, `tpm`, `none`, ...
    pub attestation_format: String,
    /// The AAGUID (authenticator model), when the attestation carried one.
    pub aaguid: Option<String>,
    /// Whether the attestation chain reached a root the server trusts.
    pub attestation_trusted: bool,
    /// The key may be copied off the device (synced passkey) ...
    pub backup_eligible: bool,
    /// ... and is.
    pub backed_up: bool,
}

impl KeyFacts {
    pub fn of(key: &SecurityKey) -> Result<KeyFacts, ServerError> {
        // The credential's fields are reached through its serialised form: webauthn-rs only
        // exposes them to callers with the `danger-credential-internals` feature.
        let v = serde_json::to_value(key).map_err(|e| ServerError::Invalid(e.to_string()))?;
        let cred = &v["cred"];
        let text = |x: &serde_json::Value| x.as_str().map(str::to_string);
        let metadata = &cred["attestation"]["metadata"];
        let aaguid = ["Packed", "Tpm"].iter().find_map(|k| text(&metadata[k]["aaguid"]));
        Ok(KeyFacts {
            credential_id: text(&cred["cred_id"]).unwrap_or_default(),
            attestation_format: text(&cred["attestation_format"]).unwrap_or_else(|| "none".into()).to_lowercase(),
            aaguid,
            // A certificate in the attestation proves nothing until its chain is checked
            // against roots the server trusts (FIDO metadata); none are configured yet.
            attestation_trusted: false,
            backup_eligible: cred["backup_eligible"].as_bool().unwrap_or(false),
            backed_up: cred["backup_state"].as_bool().unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relying_party_configuration_is_checked() {
        assert!(RelyingParty::new("acme.com", "https://mfa.acme.com", "Acme").is_ok());
        assert!(RelyingParty::new("mfa.acme.com", "https://mfa.acme.com:8443", "Acme").is_ok());
        for (id, origin) in
            [("evil.com", "https://mfa.acme.com"), ("acme.com", "http://mfa.acme.com"), ("acme.com", "not a url")]
        {
            assert!(RelyingParty::new(id, origin, "Acme").is_err(), "{id} {origin}");
        }
        assert_eq!(RelyingParty::localhost().id, "localhost");
    }

    #[test]
    fn user_handles_are_the_ids_random_bits() {
        let h = user_handle("usr_0123456789abcdef0123456789abcdef").expect("handle");
        assert_eq!(h.to_string(), "01234567-89ab-cdef-0123-456789abcdef");
        assert!(user_handle("usr_nothex").is_err());
    }
}
