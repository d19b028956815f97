//! The WebAuthn relying party (webauthn-rs): its identity (RP ID and origin, from the
//! server's configuration) and what a registered security key tells about itself.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lastmile_core::clock::UnixMillis;
use webauthn_rs::prelude::{SecurityKey, Url, Uuid};
use webauthn_rs::{Webauthn, WebauthnBuilder};

use crate::ServerError;
use crate::mds::Metadata;

/// How long a started ceremony may be finished (the authenticator's own timeout is 60 s; a
/// PIN and two touches fit well within this).
pub const CEREMONY_MS: i64 = 5 * 60 * 1000;

/// The relying party this server is.
pub struct RelyingParty {
    pub id: String,
    pub origin: Url,
    /// Further origins it answers on (the OpenID Connect sign-in page's).
    also: Vec<Url>,
    name: String,
    pub webauthn: Webauthn,
    /// Which keys the organisation accepts.
    pub policy: KeyPolicy,
}

/// Which security keys are accepted (server-wide for now; per group with the policy module).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPolicy {
    /// When not empty, only these AAGUIDs (lower case).
    pub allow: Vec<String>,
    /// Never these AAGUIDs (lower case).
    pub deny: Vec<String>,
    /// The key must verify the person (PIN or biometrics) at registration.
    pub require_user_verification: bool,
    /// The key must prove its model: an attestation that chains to a root the FIDO
    /// metadata lists for that model.
    pub require_attestation: bool,
    /// The shortest PIN the client lets a person set on a key (the key has its own minimum).
    pub min_pin_length: Option<u32>,
}

impl KeyPolicy {
    /// Parses a comma-separated AAGUID list.
    pub fn aaguids(list: &str) -> Result<Vec<String>, ServerError> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                Uuid::try_parse(s)
                    .map(|u| u.to_string())
                    .map_err(|e| ServerError::Invalid(format!("{s:?} is not an AAGUID: {e}")))
            })
            .collect()
    }

    /// This server-wide policy made stricter by a group's key rules: both allow lists must
    /// let a model through, either deny list stops it, either requirement applies.
    pub fn with_group(&self, rules: &lastmile_core::policy::KeyRules) -> KeyPolicy {
        let lower = |v: &[String]| v.iter().map(|a| a.to_ascii_lowercase()).collect::<Vec<_>>();
        let group_allow = lower(&rules.allow_aaguids);
        let allow = match (self.allow.is_empty(), group_allow.is_empty()) {
            (true, _) => group_allow,
            (false, true) => self.allow.clone(),
            // Both restrict: only models on both lists; none in common refuses every key.
            (false, false) => {
                let both: Vec<String> = self.allow.iter().filter(|a| group_allow.contains(a)).cloned().collect();
                if both.is_empty() { vec!["00000000-0000-0000-0000-000000000000".into()] } else { both }
            }
        };
        let mut deny = self.deny.clone();
        deny.extend(lower(&rules.deny_aaguids));
        KeyPolicy {
            allow,
            deny,
            require_user_verification: self.require_user_verification || rules.require_user_verification,
            require_attestation: self.require_attestation || rules.require_attestation,
            min_pin_length: self.min_pin_length.max(rules.min_pin_length),
        }
    }

    /// Why a key is refused, if it is.
    pub fn refusal(&self, facts: &KeyFacts) -> Option<String> {
        if let Some(status) = &facts.metadata_refusal {
            let name = facts.model.as_deref().unwrap_or("this model");
            return Some(format!(
                "the FIDO Alliance reports {name} as {status}, so it cannot protect your account; use another security key"
            ));
        }
        let model = facts.aaguid.as_deref().unwrap_or("unknown");
        if facts.aaguid.as_deref().is_some_and(|a| self.deny.iter().any(|d| d.eq_ignore_ascii_case(a))) {
            return Some(format!("your organisation does not allow this model of security key (AAGUID {model})"));
        }
        if !self.allow.is_empty()
            && !facts.aaguid.as_deref().is_some_and(|a| self.allow.iter().any(|d| d.eq_ignore_ascii_case(a)))
        {
            return Some(format!(
                "your organisation allows only certain models of security key, and not this one (AAGUID {model})"
            ));
        }
        if self.require_attestation && !facts.attestation_trusted {
            return Some(format!(
                "your organisation requires keys that prove their model (attestation signed by the maker, checked \
                 against the FIDO metadata), and this one did not (attestation {}, model {model})",
                facts.attestation_format
            ));
        }
        if !self.allow.is_empty() && !facts.attestation_trusted {
            // Any authenticator can name any AAGUID: only an attestation that chains to the
            // model's root in the FIDO metadata proves it.
            return Some(format!(
                "your organisation allows only certain models of security key, proven by their maker's attestation; \
                 this key names an allowed model (AAGUID {model}) but did not prove it (attestation {})",
                facts.attestation_format
            ));
        }
        if self.require_user_verification && !facts.user_verified {
            return Some(
                "your organisation requires a key that checks a PIN or fingerprint, and this one did not".into(),
            );
        }
        None
    }
}

fn bad(why: String) -> ServerError {
    ServerError::Invalid(format!("WebAuthn relying party: {why}"))
}

impl std::fmt::Debug for RelyingParty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelyingParty")
            .field("id", &self.id)
            .field("origin", &self.origin.as_str())
            .field("also", &self.also.iter().map(Url::as_str).collect::<Vec<_>>())
            .finish()
    }
}

impl RelyingParty {
    /// `id` must be the origin's host or a registrable suffix of it (e.g. `acme.com` for
    /// `https://mfa.acme.com`); the origin must be https, or http on `localhost`.
    pub fn new(id: &str, origin: &str, name: &str) -> Result<RelyingParty, ServerError> {
        let url = Self::parse_origin(origin)?;
        let webauthn = Self::build(id, &url, &[], name)?;
        Ok(RelyingParty {
            id: id.to_string(),
            origin: url,
            also: Vec::new(),
            name: name.to_string(),
            webauthn,
            policy: KeyPolicy::default(),
        })
    }

    fn parse_origin(origin: &str) -> Result<Url, ServerError> {
        let url = Url::parse(origin).map_err(|e| bad(format!("origin {origin:?}: {e}")))?;
        let local = url.host_str() == Some("localhost");
        if url.scheme() != "https" && !(local && url.scheme() == "http") {
            return Err(bad(format!("origin {origin:?} must be https (or http://localhost for development)")));
        }
        Ok(url)
    }

    fn build(id: &str, origin: &Url, also: &[Url], name: &str) -> Result<Webauthn, ServerError> {
        let local = origin.host_str() == Some("localhost");
        let mut builder = WebauthnBuilder::new(id, origin)
            .map_err(|e| bad(format!("{id:?} is not the host of {origin} or a suffix of it ({e})")))?
            .rp_name(name)
            .allow_any_port(local);
        for o in also {
            builder = builder.append_allowed_origin(o);
        }
        builder.build().map_err(|e| bad(e.to_string()))
    }

    /// This relying party also answering on `origin` (the OpenID Connect sign-in page), which
    /// must be under the same RP ID: a key registered through the app then works there
    /// unchanged. Refused, saying why, when it is not.
    pub fn also_at(&self, origin: &str) -> Result<RelyingParty, ServerError> {
        let url = Self::parse_origin(origin)?;
        if !self.covers_host(&url) {
            return Err(bad(format!(
                "{origin} is not under the RP ID {:?}: a browser refuses security keys registered for {:?} there \
                 (serve the sign-in page under that domain, or change --rp-id)",
                self.id, self.id
            )));
        }
        let mut also = self.also.clone();
        if !self.accepts(&url) {
            also.push(url);
        }
        Ok(RelyingParty {
            id: self.id.clone(),
            origin: self.origin.clone(),
            webauthn: Self::build(&self.id, &self.origin, &also, &self.name)?,
            also,
            name: self.name.clone(),
            policy: self.policy.clone(),
        })
    }

    fn covers_host(&self, origin: &Url) -> bool {
        origin.host_str().is_some_and(|h| h == self.id || h.ends_with(&format!(".{}", self.id)))
    }

    /// Whether an assertion made on a page at `origin` is accepted.
    pub fn accepts(&self, origin: &Url) -> bool {
        let same = |o: &Url| o.origin() == origin.origin();
        let any_port = self.origin.host_str() == Some("localhost")
            && origin.scheme() == self.origin.scheme()
            && origin.host_str() == Some("localhost");
        self.covers_host(origin) && (same(&self.origin) || any_port || self.also.iter().any(same))
    }

    pub fn with_policy(self, policy: KeyPolicy) -> RelyingParty {
        RelyingParty { policy, ..self }
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
    /// Whether the attestation chain reached a root the FIDO metadata lists for the model.
    pub attestation_trusted: bool,
    /// The model's name in the FIDO metadata.
    pub model: Option<String>,
    /// Its latest certification status in the FIDO metadata (`FIDO_CERTIFIED_L1`, ...).
    pub certification: Option<String>,
    /// The status for which the FIDO metadata says the model must be refused.
    pub metadata_refusal: Option<String>,
    /// The key may be copied off the device (synced passkey) ...
    pub backup_eligible: bool,
    /// ... and is.
    pub backed_up: bool,
    /// The key verified the person (PIN, biometrics) when it registered.
    pub user_verified: bool,
}

impl KeyFacts {
    /// What `key` shows, looked up in `metadata` (when the server has FIDO metadata) at `now`.
    pub fn of(key: &SecurityKey, metadata: Option<&Metadata>, now: UnixMillis) -> Result<KeyFacts, ServerError> {
        // The credential's fields are reached through its serialised form: webauthn-rs only
        // exposes them to callers with the `danger-credential-internals` feature.
        let v = serde_json::to_value(key).map_err(|e| ServerError::Internal(format!("key as JSON: {e}")))?;
        let cred = &v["cred"];
        let text = |x: &serde_json::Value| x.as_str().map(str::to_string);
        let aaguid = ["Packed", "Tpm"].iter().find_map(|k| text(&cred["attestation"]["metadata"][k]["aaguid"]));
        let model = aaguid.as_deref().and_then(|a| metadata.and_then(|m| m.model(a)));
        // The attestation's certificate chain (DER, the attestation certificate first).
        let chain: Vec<Vec<u8>> = ["Basic", "AttCa"]
            .iter()
            .find_map(|k| cred["attestation"]["data"][k].as_array())
            .map(|certs| {
                certs.iter().filter_map(|c| c.as_str()).filter_map(|c| URL_SAFE_NO_PAD.decode(c).ok()).collect()
            })
            .unwrap_or_default();
        Ok(KeyFacts {
            credential_id: text(&cred["cred_id"]).unwrap_or_default(),
            attestation_format: text(&cred["attestation_format"]).unwrap_or_else(|| "none".into()).to_lowercase(),
            aaguid,
            // A certificate in the attestation proves nothing until its chain reaches a root
            // that the FIDO metadata lists for the model the key claims to be.
            attestation_trusted: model.is_some_and(|m| m.trusts(&chain, now)),
            model: model.map(|m| m.description.clone()),
            certification: model.and_then(|m| m.certification.clone()),
            metadata_refusal: model.and_then(|m| m.refused.clone()),
            backup_eligible: cred["backup_eligible"].as_bool().unwrap_or(false),
            backed_up: cred["backup_state"].as_bool().unwrap_or(false),
            user_verified: cred["user_verified"].as_bool().unwrap_or(false),
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

    /// The sign-in page's origin: accepted under the RP ID, refused (saying what to change)
    /// elsewhere; localhost on any port, as for the app.
    #[test]
    fn the_sign_in_page_is_an_origin_under_the_rp_id() {
        let url = |s: &str| Url::parse(s).expect("url");
        let rp = RelyingParty::new("acme.com", "https://mfa.acme.com", "Acme").expect("rp");
        assert!(rp.accepts(&url("https://mfa.acme.com")) && !rp.accepts(&url("https://sso.acme.com")));
        let rp = rp.also_at("https://sso.acme.com").expect("under acme.com");
        assert!(rp.accepts(&url("https://sso.acme.com")) && rp.accepts(&url("https://mfa.acme.com")));
        assert!(!rp.accepts(&url("https://sso.acme.com:8443")) && !rp.accepts(&url("http://sso.acme.com")));
        let err = rp.also_at("https://mfa.evil.com").expect_err("another domain");
        assert!(err.to_string().contains("not under the RP ID"), "{err}");
        assert!(
            RelyingParty::new("acme.com", "https://mfa.acme.com", "Acme")
                .expect("rp")
                .also_at("https://notacme.com")
                .is_err()
        );
        let local = RelyingParty::localhost();
        assert!(local.accepts(&url("http://localhost:41234")) && !local.accepts(&url("http://127.0.0.1:41234")));
        assert!(local.also_at("http://127.0.0.1:41234").is_err());
    }

    #[test]
    fn policy_refusals() {
        let key = |aaguid: Option<&str>, format: &str, uv: bool| KeyFacts {
            credential_id: "c".into(),
            attestation_format: format.into(),
            aaguid: aaguid.map(str::to_string),
            attestation_trusted: format != "none",
            model: None,
            certification: None,
            metadata_refusal: None,
            backup_eligible: false,
            backed_up: false,
            user_verified: uv,
        };
        const YK: &str = "cb69481e-8ff7-4039-93ec-0a2729a154a8";
        const OTHER: &str = "0fb9bcbc-a0d4-4042-bbb0-559bc1631e28";
        let open = KeyPolicy::default();
        assert_eq!(open.refusal(&key(None, "none", false)), None);
        let deny = KeyPolicy { deny: vec![OTHER.into()], ..KeyPolicy::default() };
        assert!(deny.refusal(&key(Some(OTHER), "packed", true)).is_some());
        assert_eq!(deny.refusal(&key(Some(YK), "packed", true)), None);
        let allow = KeyPolicy { allow: vec![YK.into()], ..KeyPolicy::default() };
        assert_eq!(allow.refusal(&key(Some(&YK.to_uppercase()), "packed", true)), None);
        assert!(allow.refusal(&key(Some(OTHER), "packed", true)).is_some());
        assert!(allow.refusal(&key(None, "none", true)).is_some(), "an unknown model is not on an allow list");
        let claimed = KeyFacts { attestation_trusted: false, ..key(Some(YK), "packed", true) };
        let why = allow.refusal(&claimed).expect("a claimed model does not satisfy an allow list");
        assert!(why.contains("did not prove it"), "{why}");
        let denied = KeyPolicy { deny: vec![YK.into()], ..KeyPolicy::default() };
        assert!(denied.refusal(&claimed).is_some(), "a denied model is refused on the key's word");
        let strict = KeyPolicy { require_attestation: true, require_user_verification: true, ..KeyPolicy::default() };
        assert!(strict.refusal(&key(Some(YK), "none", true)).unwrap_or_default().contains("attestation"));
        assert!(strict.refusal(&key(Some(YK), "packed", false)).unwrap_or_default().contains("PIN"));
        assert_eq!(strict.refusal(&key(Some(YK), "packed", true)), None);
        let revoked = KeyFacts {
            model: Some("Old Key".into()),
            metadata_refusal: Some("ATTESTATION_KEY_COMPROMISE".into()),
            ..key(Some(YK), "packed", true)
        };
        let why = open.refusal(&revoked).unwrap_or_default();
        assert!(why.contains("Old Key") && why.contains("ATTESTATION_KEY_COMPROMISE"), "{why}");
        assert_eq!(KeyPolicy::aaguids(&format!(" {}, {OTHER}", YK.to_uppercase())).expect("ok"), vec![YK, OTHER]);
        assert!(KeyPolicy::aaguids("not-a-uuid").is_err());
    }

    #[test]
    fn user_handles_are_the_ids_random_bits() {
        let h = user_handle("usr_0123456789abcdef0123456789abcdef").expect("handle");
        assert_eq!(h.to_string(), "01234567-89ab-cdef-0123-456789abcdef");
        assert!(user_handle("usr_nothex").is_err());
    }
}
