//! MFA policy, as pure data and pure functions: what a group of users must have, by when,
//! how hard the product pushes, and who is excused. The server evaluates it over the factors
//! it has verified itself (never over device claims); the app uses [`next_step`] to pick the
//! one thing to do next on this device.
//!
//! A policy is JSON, e.g.
//!
//! ```json
//! { "min_tier": "phishing_resistant", "min_factors": 2, "recovery_codes_required": true,
//!   "deadline_ms": 1798761600000,
//!   "enforcement": [ { "from_ms": 1796083200000, "level": "remind" },
//!                    { "from_ms": 1797292800000, "level": "warn" },
//!                    { "from_ms": 1798761600000, "level": "block" } ],
//!   "keys": { "allow_aaguids": ["cb69481e-8ff7-4039-93ec-0a2729a154a8"], "require_user_verification": true },
//!   "totp_apps": ["Microsoft Authenticator", "1Password"] }
//! ```

use serde::{Deserialize, Serialize};

use crate::clock::UnixMillis;
use crate::factor::{FactorKind, Tier};

/// What one group (or risk tier) of users must have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The strongest factor must be at least this strong.
    pub min_tier: Tier,
    /// How many verified factors of any enrollable kind (recovery codes included).
    #[serde(default = "one")]
    pub min_factors: u32,
    /// A confirmed set of recovery codes is required.
    #[serde(default)]
    pub recovery_codes_required: bool,
    /// Which security keys count (and may be registered).
    #[serde(default)]
    pub keys: KeyRules,
    /// The date by which users must comply (informational; enforcement says what happens).
    #[serde(default)]
    pub deadline_ms: Option<i64>,
    /// Graduated enforcement: from each date on, the level for users with a gap.
    #[serde(default)]
    pub enforcement: Vec<Stage>,
    /// The authenticator apps the organisation recommends, by name, in its order of
    /// preference ("Microsoft Authenticator"): the app names them when a person adds one.
    /// Empty: the app names a few common ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub totp_apps: Vec<String>,
}

/// The most authenticator apps a policy may recommend, and the longest name.
pub const MAX_TOTP_APPS: usize = 8;
pub const MAX_TOTP_APP_NAME: usize = 60;

/// Whether `name` can be shown as an app's name: 1 to 60 characters, no spaces around it, no
/// control characters (which a terminal would obey).
fn is_app_name(name: &str) -> bool {
    let length = name.chars().count();
    name.trim() == name && (1..=MAX_TOTP_APP_NAME).contains(&length) && !name.chars().any(char::is_control)
}

/// The recommended apps a server sent, as the app shows them: only names `validate` would
/// accept, at most eight (a server is trusted with the policy, not with the person's terminal).
pub fn readable_app_names(names: &[String]) -> Vec<String> {
    names.iter().filter(|n| is_app_name(n)).take(MAX_TOTP_APPS).cloned().collect()
}

fn one() -> u32 {
    1
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            min_tier: Tier::Strong,
            min_factors: 1,
            recovery_codes_required: false,
            keys: KeyRules::default(),
            deadline_ms: None,
            enforcement: Vec::new(),
            totp_apps: Vec::new(),
        }
    }
}

/// Which security keys a group accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRules {
    /// When not empty, only these models (AAGUIDs, any case).
    #[serde(default)]
    pub allow_aaguids: Vec<String>,
    /// Never these models.
    #[serde(default)]
    pub deny_aaguids: Vec<String>,
    /// The key must verify the person (PIN or biometrics).
    #[serde(default)]
    pub require_user_verification: bool,
    /// The key must prove its model (attestation checked against FIDO metadata).
    #[serde(default)]
    pub require_attestation: bool,
    /// The shortest PIN the app lets a person set.
    #[serde(default)]
    pub min_pin_length: Option<u32>,
}

impl KeyRules {
    /// Whether a key of this model counts: `aaguid` is the model the key named, `attested`
    /// whether a trusted attestation proved it. A denied model is refused on the key's word;
    /// an allow list is satisfied only by a proven model (any key can claim any AAGUID).
    pub fn allows(&self, aaguid: Option<&str>, attested: bool) -> bool {
        let listed = |list: &[String]| aaguid.is_some_and(|a| list.iter().any(|x| x.eq_ignore_ascii_case(a)));
        !listed(&self.deny_aaguids) && (self.allow_aaguids.is_empty() || (attested && listed(&self.allow_aaguids)))
    }
}

/// How hard the product pushes a user with a gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A friendly reminder.
    Remind,
    /// A warning: access will be blocked.
    Warn,
    /// Blocked until fixed (the identity provider acts on it).
    Block,
}

/// From `from_ms` on, users with a gap are at `level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub from_ms: i64,
    pub level: Level,
}

/// A verified factor, as the policy sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedFactor {
    pub kind: FactorKind,
    /// Security keys: the model the key named.
    pub aaguid: Option<String>,
    /// Security keys: whether a trusted attestation proved that model.
    pub attested: bool,
}

/// A granted exception: the user counts as compliant until it expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    /// Who granted it and answers for it.
    pub owner: String,
    pub reason: String,
    pub expires_at_ms: i64,
}

/// What is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "gap", rename_all = "snake_case")]
pub enum Gap {
    /// No verified factor is strong enough.
    Tier { have: Option<Tier>, need: Tier },
    /// Fewer verified factors than required.
    Factors { have: u32, need: u32 },
    /// No confirmed recovery codes.
    RecoveryCodes,
}

impl std::fmt::Display for Gap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tier = |t: Tier| match t {
            Tier::PhishingResistant => "phishing-resistant (a security key or built-in authenticator)",
            Tier::Strong => "strong (an authenticator app or better)",
            Tier::Recovery => "recovery codes or better",
            Tier::Weak => "any",
        };
        match self {
            Gap::Tier { need, .. } => write!(f, "needs a {} factor", tier(*need)),
            Gap::Factors { have, need } => write!(f, "has {have} verified factor(s), needs {need}"),
            Gap::RecoveryCodes => f.write_str("needs confirmed recovery codes"),
        }
    }
}

/// A user's standing under a policy at a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compliance {
    /// The verified factors meet the policy.
    pub met: bool,
    /// Not met, but an exception in force covers it.
    pub excepted_until_ms: Option<i64>,
    pub gaps: Vec<Gap>,
    /// The enforcement level now, for a user with a gap and no exception.
    pub level: Option<Level>,
    /// The strongest verified tier that counts.
    pub best_tier: Option<Tier>,
}

impl Compliance {
    /// Met, or covered by an exception.
    pub fn ok(&self) -> bool {
        self.met || self.excepted_until_ms.is_some()
    }
}

impl Policy {
    /// Checks the policy's own consistency (stages in date order, levels rising).
    pub fn validate(&self) -> Result<(), String> {
        if self.min_factors == 0 || self.min_factors > 10 {
            return Err("min_factors must be between 1 and 10".into());
        }
        for w in self.enforcement.windows(2) {
            if w[1].from_ms <= w[0].from_ms {
                return Err("enforcement stages must be in date order".into());
            }
            if w[1].level <= w[0].level {
                return Err("enforcement levels must rise: remind, then warn, then block".into());
            }
        }
        if self.keys.min_pin_length.is_some_and(|n| !(4..=63).contains(&n)) {
            return Err("keys.min_pin_length must be between 4 and 63".into());
        }
        if self.totp_apps.len() > MAX_TOTP_APPS {
            return Err(format!("totp_apps names at most {MAX_TOTP_APPS} apps"));
        }
        for name in &self.totp_apps {
            if !is_app_name(name) {
                return Err(format!(
                    "totp_apps: {name:?} is not an app's name (1 to {MAX_TOTP_APP_NAME} characters, no spaces around it, \
                     no control characters)"
                ));
            }
        }
        if (1..self.totp_apps.len()).any(|i| self.totp_apps[..i].contains(&self.totp_apps[i])) {
            return Err("totp_apps names an app twice".into());
        }
        Ok(())
    }

    /// The enforcement level at `now` for a user with a gap (none before the first stage).
    pub fn level_at(&self, now: UnixMillis) -> Option<Level> {
        self.enforcement.iter().filter(|s| s.from_ms <= now.0).map(|s| s.level).max()
    }

    /// Evaluates `factors` (verified by the server) and `exceptions` at `now`. An expired
    /// exception simply stops counting.
    pub fn evaluate(&self, factors: &[VerifiedFactor], exceptions: &[Exception], now: UnixMillis) -> Compliance {
        let counting: Vec<&VerifiedFactor> = factors
            .iter()
            .filter(|f| f.kind.enrollable())
            .filter(|f| f.kind != FactorKind::SecurityKey || self.keys.allows(f.aaguid.as_deref(), f.attested))
            .collect();
        let best_tier = counting.iter().map(|f| f.kind.tier()).max();
        let mut gaps = Vec::new();
        if best_tier.is_none_or(|t| t < self.min_tier) {
            gaps.push(Gap::Tier { have: best_tier, need: self.min_tier });
        }
        let have = counting.len() as u32;
        // One missing factor is already said by a tier gap ("needs a strong factor").
        let implied = u32::from(!gaps.is_empty());
        if have + implied < self.min_factors {
            gaps.push(Gap::Factors { have, need: self.min_factors });
        }
        if self.recovery_codes_required && !counting.iter().any(|f| f.kind == FactorKind::RecoveryCodes) {
            gaps.push(Gap::RecoveryCodes);
        }
        let met = gaps.is_empty();
        let excepted_until_ms =
            if met { None } else { exceptions.iter().map(|e| e.expires_at_ms).filter(|&t| t > now.0).max() };
        let level = if met || excepted_until_ms.is_some() { None } else { self.level_at(now) };
        Compliance { met, excepted_until_ms, gaps, level, best_tier }
    }
}

/// What this device can do, for choosing the next step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceCan {
    /// A security key is plugged in: its model name when known.
    pub security_key: Option<String>,
    /// The platform authenticator (Windows Hello, Touch ID) can be enrolled from the app.
    pub platform_authenticator: bool,
}

/// The one recommended next step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum NextStep {
    /// Register the security key that is plugged in (its model, when known).
    SecurityKey { model: Option<String> },
    /// Plug in a security key (none is plugged in, and the policy needs one).
    PlugInSecurityKey,
    /// Set up the built-in authenticator.
    PlatformAuthenticator,
    /// Set up an authenticator app.
    Totp,
    /// Get recovery codes.
    RecoveryCodes,
}

/// The step that closes the most important gap with what this device has: a plugged-in key
/// first when the policy wants phishing resistance, else the platform authenticator, else
/// the authenticator app (when it is enough); recovery codes last. `None` when compliant.
pub fn next_step(policy: &Policy, compliance: &Compliance, can: &DeviceCan, have: &[FactorKind]) -> Option<NextStep> {
    if compliance.met {
        return None;
    }
    let key = || match &can.security_key {
        Some(model) => NextStep::SecurityKey { model: Some(model.clone()).filter(|m| !m.is_empty()) },
        None if can.platform_authenticator => NextStep::PlatformAuthenticator,
        None => NextStep::PlugInSecurityKey,
    };
    for gap in &compliance.gaps {
        match gap {
            Gap::Tier { need: Tier::PhishingResistant, .. } => return Some(key()),
            Gap::Tier { .. } => {
                return Some(if can.security_key.is_some() { key() } else { NextStep::Totp });
            }
            Gap::RecoveryCodes => return Some(NextStep::RecoveryCodes),
            Gap::Factors { .. } => {}
        }
    }
    // Only the number of factors is short: add what is missing, the strongest first.
    if policy.recovery_codes_required || !have.contains(&FactorKind::RecoveryCodes) {
        if !have.contains(&FactorKind::Totp) && policy.min_tier <= Tier::Strong && can.security_key.is_none() {
            return Some(NextStep::Totp);
        }
        if !have.contains(&FactorKind::RecoveryCodes) {
            return Some(NextStep::RecoveryCodes);
        }
    }
    Some(if can.security_key.is_some() || policy.min_tier == Tier::PhishingResistant { key() } else { NextStep::Totp })
}

#[cfg(test)]
mod tests {
    use super::*;

    const YK: &str = "cb69481e-8ff7-4039-93ec-0a2729a154a8";
    const OLD: &str = "0fb9bcbc-a0d4-4042-bbb0-559bc1631e28";

    fn f(kind: FactorKind) -> VerifiedFactor {
        VerifiedFactor { kind, aaguid: None, attested: false }
    }

    fn key(aaguid: &str) -> VerifiedFactor {
        VerifiedFactor { kind: FactorKind::SecurityKey, aaguid: Some(aaguid.into()), attested: true }
    }

    fn strict() -> Policy {
        Policy {
            min_tier: Tier::PhishingResistant,
            min_factors: 2,
            recovery_codes_required: true,
            keys: KeyRules { allow_aaguids: vec![YK.into()], ..KeyRules::default() },
            deadline_ms: Some(3_000),
            enforcement: vec![
                Stage { from_ms: 1_000, level: Level::Remind },
                Stage { from_ms: 2_000, level: Level::Warn },
                Stage { from_ms: 3_000, level: Level::Block },
            ],
            totp_apps: Vec::new(),
        }
    }

    #[test]
    fn a_policy_reads_from_json_and_checks_itself() {
        let p: Policy = serde_json::from_str(
            r#"{"min_tier":"phishing_resistant","min_factors":2,"recovery_codes_required":true,
                "enforcement":[{"from_ms":1,"level":"remind"},{"from_ms":2,"level":"block"}],
                "keys":{"allow_aaguids":["CB69481E-8FF7-4039-93EC-0A2729A154A8"]}}"#,
        )
        .expect("policy");
        assert!(p.validate().is_ok());
        assert!(p.keys.allows(Some(YK), true), "AAGUIDs compare in any case");
        assert!(!p.keys.allows(Some(YK), false), "an allow list needs the model proven, not claimed");
        let deny = KeyRules { deny_aaguids: vec![YK.into()], ..KeyRules::default() };
        assert!(!deny.allows(Some(YK), false), "a denied model is refused on the key's word");
        assert!(deny.allows(None, false) && KeyRules::default().allows(Some(YK), false));
        let minimal: Policy = serde_json::from_str(r#"{"min_tier":"strong"}"#).expect("defaults");
        assert_eq!(minimal, Policy::default());
        assert!(serde_json::from_str::<Policy>(r#"{"min_tier":"strong","typo":1}"#).is_err(), "unknown fields");
        let backwards = Policy {
            enforcement: vec![Stage { from_ms: 2, level: Level::Warn }, Stage { from_ms: 1, level: Level::Block }],
            ..Policy::default()
        };
        assert!(backwards.validate().is_err());
        let falling = Policy {
            enforcement: vec![Stage { from_ms: 1, level: Level::Warn }, Stage { from_ms: 2, level: Level::Remind }],
            ..Policy::default()
        };
        assert!(falling.validate().is_err());
    }

    #[test]
    fn recommended_authenticator_apps_are_names_a_person_can_read() {
        let apps =
            |names: &[&str]| Policy { totp_apps: names.iter().map(|n| n.to_string()).collect(), ..Policy::default() };
        let p: Policy =
            serde_json::from_str(r#"{"min_tier":"strong","totp_apps":["Microsoft Authenticator","1Password"]}"#)
                .expect("policy");
        assert_eq!(p, apps(&["Microsoft Authenticator", "1Password"]));
        assert!(p.validate().is_ok());
        // Unset, it is not written (policies stored before it read and write the same).
        assert_eq!(serde_json::to_value(Policy::default()).expect("json").get("totp_apps"), None);
        let long = "x".repeat(MAX_TOTP_APP_NAME + 1);
        for (names, why) in [
            (vec![""], "empty"),
            (vec![" Authy"], "spaces around"),
            (vec!["Authy\n<script>"], "a control character"),
            (vec![long.as_str()], "too long"),
            (vec!["Authy", "Authy"], "twice"),
            (vec!["a", "b", "c", "d", "e", "f", "g", "h", "i"], "more than eight"),
        ] {
            assert!(apps(&names).validate().is_err(), "{why}");
        }
        assert!(apps(&["a", "b", "c", "d", "e", "f", "g", "h"]).validate().is_ok(), "eight");
        let sent: Vec<String> = ["Aegis", "\u{1b}[2J", "", "1Password"].map(String::from).to_vec();
        assert_eq!(readable_app_names(&sent), ["Aegis", "1Password"], "what the app shows of a server's list");
        assert!(
            apps(&["Microsoft Authenticator (Android & iOS)", "Aegis", "Raivo OTP", "Google 認証システム"])
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn gaps_levels_and_exceptions() {
        let p = strict();
        let none = p.evaluate(&[], &[], UnixMillis(500));
        assert!(!none.met && none.level.is_none(), "before the first stage: no push yet");
        assert_eq!(none.gaps.len(), 3, "{:?}", none.gaps);
        assert_eq!(p.evaluate(&[], &[], UnixMillis(1_500)).level, Some(Level::Remind));
        assert_eq!(p.evaluate(&[], &[], UnixMillis(2_500)).level, Some(Level::Warn));
        assert_eq!(p.evaluate(&[], &[], UnixMillis(9_000)).level, Some(Level::Block));

        // A key of a model the group does not allow does not count.
        let c = p.evaluate(&[key(OLD), f(FactorKind::RecoveryCodes)], &[], UnixMillis(9_000));
        assert_eq!(c.best_tier, Some(Tier::Recovery));
        assert!(c.gaps.contains(&Gap::Tier { have: Some(Tier::Recovery), need: Tier::PhishingResistant }));

        let done = p.evaluate(&[key(YK), f(FactorKind::RecoveryCodes)], &[], UnixMillis(9_000));
        assert!(done.met && done.ok() && done.level.is_none() && done.gaps.is_empty(), "{done:?}");

        // An exception covers a gap until it expires, then stops counting by itself.
        let ex = Exception { owner: "it@acme.test".into(), reason: "key on order".into(), expires_at_ms: 5_000 };
        let covered = p.evaluate(&[], std::slice::from_ref(&ex), UnixMillis(4_000));
        assert!(covered.ok() && !covered.met && covered.level.is_none(), "{covered:?}");
        assert_eq!(covered.excepted_until_ms, Some(5_000));
        let expired = p.evaluate(&[], &[ex], UnixMillis(5_000));
        assert!(!expired.ok() && expired.level == Some(Level::Block), "{expired:?}");
    }

    #[test]
    fn sms_never_counts() {
        let p = Policy { min_tier: Tier::Weak, ..Policy::default() };
        assert!(!p.evaluate(&[f(FactorKind::Sms)], &[], UnixMillis(0)).met);
    }

    #[test]
    fn the_next_step_uses_what_the_device_has() {
        let p = strict();
        let c = p.evaluate(&[], &[], UnixMillis(0));
        let with_key = DeviceCan { security_key: Some("YubiKey 5 NFC".into()), platform_authenticator: false };
        assert_eq!(
            next_step(&p, &c, &with_key, &[]),
            Some(NextStep::SecurityKey { model: Some("YubiKey 5 NFC".into()) })
        );
        assert_eq!(next_step(&p, &c, &DeviceCan::default(), &[]), Some(NextStep::PlugInSecurityKey));
        let hello = DeviceCan { security_key: None, platform_authenticator: true };
        assert_eq!(next_step(&p, &c, &hello, &[]), Some(NextStep::PlatformAuthenticator));

        // A group that needs an authenticator app and recovery codes, on a laptop without keys.
        let p = Policy { min_tier: Tier::Strong, min_factors: 2, recovery_codes_required: true, ..Policy::default() };
        let c = p.evaluate(&[], &[], UnixMillis(0));
        assert_eq!(next_step(&p, &c, &DeviceCan::default(), &[]), Some(NextStep::Totp));
        let have = [FactorKind::Totp];
        let c = p.evaluate(&[f(FactorKind::Totp)], &[], UnixMillis(0));
        assert_eq!(next_step(&p, &c, &DeviceCan::default(), &have), Some(NextStep::RecoveryCodes));
        let have = [FactorKind::Totp, FactorKind::RecoveryCodes];
        let c = p.evaluate(&[f(FactorKind::Totp), f(FactorKind::RecoveryCodes)], &[], UnixMillis(0));
        assert_eq!(next_step(&p, &c, &DeviceCan::default(), &have), None);
    }
}
