//! Factor kinds and their strength tiers: phishing-resistant (security keys, platform
//! authenticators), strong (authenticator apps), recovery (recovery codes), weak (SMS, voice).

/// How strong a factor is. Ordered: `Weak < Recovery < Strong < PhishingResistant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Weak,
    Recovery,
    Strong,
    PhishingResistant,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Weak, Tier::Recovery, Tier::Strong, Tier::PhishingResistant];

    /// The wire name (`phishing_resistant`, `strong`, `recovery`, `weak`): the one spelling
    /// the API, the database and the policy documents use.
    pub fn wire(self) -> &'static str {
        match self {
            Tier::Weak => "weak",
            Tier::Recovery => "recovery",
            Tier::Strong => "strong",
            Tier::PhishingResistant => "phishing_resistant",
        }
    }

    /// The tier from its wire name.
    pub fn from_wire(name: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.wire() == name)
    }
}

/// The kinds of factor Lastmile knows about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    SecurityKey,
    PlatformAuthenticator,
    Totp,
    RecoveryCodes,
    Sms,
    Voice,
}

impl FactorKind {
    pub const ALL: [FactorKind; 6] = [
        FactorKind::SecurityKey,
        FactorKind::PlatformAuthenticator,
        FactorKind::Totp,
        FactorKind::RecoveryCodes,
        FactorKind::Sms,
        FactorKind::Voice,
    ];

    pub fn tier(self) -> Tier {
        match self {
            FactorKind::SecurityKey | FactorKind::PlatformAuthenticator => Tier::PhishingResistant,
            FactorKind::Totp => Tier::Strong,
            FactorKind::RecoveryCodes => Tier::Recovery,
            FactorKind::Sms | FactorKind::Voice => Tier::Weak,
        }
    }

    /// The kind from its wire name (`security_key`, `totp`, ...).
    pub fn from_wire(name: &str) -> Option<FactorKind> {
        FactorKind::ALL.into_iter().find(|k| k.wire() == name)
    }

    /// The wire name.
    pub fn wire(self) -> &'static str {
        match self {
            FactorKind::SecurityKey => "security_key",
            FactorKind::PlatformAuthenticator => "platform_authenticator",
            FactorKind::Totp => "totp",
            FactorKind::RecoveryCodes => "recovery_codes",
            FactorKind::Sms => "sms",
            FactorKind::Voice => "voice",
        }
    }

    /// Whether Lastmile ever enrolls this kind (SMS and voice are only ever reported).
    pub fn enrollable(self) -> bool {
        !matches!(self, FactorKind::Sms | FactorKind::Voice)
    }
}

/// The strongest tier among `factors`, or `None` when there are none.
pub fn best_tier(factors: impl IntoIterator<Item = FactorKind>) -> Option<Tier> {
    factors.into_iter().map(FactorKind::tier).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wire names are the serde names (policy documents) and round-trip.
    #[test]
    fn wire_names_match_serde_and_round_trip() {
        for t in Tier::ALL {
            let json = format!("\"{}\"", t.wire());
            assert_eq!(serde_json::from_str::<Tier>(&json).expect("serde"), t);
            assert_eq!(Tier::from_wire(t.wire()), Some(t));
        }
        for k in FactorKind::ALL {
            let json = format!("\"{}\"", k.wire());
            assert_eq!(serde_json::from_str::<FactorKind>(&json).expect("serde"), k);
        }
        assert_eq!(Tier::from_wire("Strong"), None);
    }

    #[test]
    fn tiers_follow_the_design_table() {
        let table = [
            (FactorKind::SecurityKey, Tier::PhishingResistant, true),
            (FactorKind::PlatformAuthenticator, Tier::PhishingResistant, true),
            (FactorKind::Totp, Tier::Strong, true),
            (FactorKind::RecoveryCodes, Tier::Recovery, true),
            (FactorKind::Sms, Tier::Weak, false),
            (FactorKind::Voice, Tier::Weak, false),
        ];
        assert_eq!(table.len(), FactorKind::ALL.len());
        for (kind, tier, enrollable) in table {
            assert_eq!(FactorKind::from_wire(kind.wire()), Some(kind));
            assert_eq!(serde_json::to_value(kind).ok(), Some(serde_json::json!(kind.wire())), "serde agrees");
            assert_eq!(kind.tier(), tier, "{kind:?}");
            assert_eq!(kind.enrollable(), enrollable, "{kind:?}");
        }
    }

    #[test]
    fn best_tier_picks_the_strongest() {
        let cases: [(&[FactorKind], Option<Tier>); 4] = [
            (&[], None),
            (&[FactorKind::Sms], Some(Tier::Weak)),
            (&[FactorKind::Sms, FactorKind::Totp, FactorKind::RecoveryCodes], Some(Tier::Strong)),
            (&[FactorKind::Totp, FactorKind::SecurityKey], Some(Tier::PhishingResistant)),
        ];
        for (factors, want) in cases {
            assert_eq!(best_tier(factors.iter().copied()), want, "{factors:?}");
        }
    }
}
