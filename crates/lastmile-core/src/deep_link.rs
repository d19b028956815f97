//! `lastmile://` links: `lastmile://join?code=...&server=...[&step=...]` joins with an invite
//! and then opens a step; `lastmile://open?step=...` opens a step of an app that has joined.
//! Steps are a closed list, so a link can never make the app do anything else.

use url::Url;

use crate::error::CoreError;
use crate::invite::JoinInput;

/// A screen a link can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    SecurityKey,
    Totp,
    RecoveryCodes,
    Recover,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::SecurityKey, Step::Totp, Step::RecoveryCodes, Step::Recover];

    pub fn wire(self) -> &'static str {
        match self {
            Step::SecurityKey => "security_key",
            Step::Totp => "totp",
            Step::RecoveryCodes => "recovery_codes",
            Step::Recover => "recover",
        }
    }

    pub fn from_wire(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|st| st.wire() == s)
    }
}

/// A parsed `lastmile://` link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeepLink {
    Join { input: JoinInput, step: Option<Step> },
    Open { step: Step },
}

fn bad(why: impl Into<String>) -> CoreError {
    CoreError::InviteLink(why.into())
}

fn step_of(url: &Url) -> Result<Option<Step>, CoreError> {
    match url.query_pairs().find(|(k, _)| k == "step") {
        None => Ok(None),
        Some((_, v)) => Step::from_wire(&v).map(Some).ok_or_else(|| bad(format!("unknown step {v:?}"))),
    }
}

impl DeepLink {
    pub fn parse(link: &str) -> Result<DeepLink, CoreError> {
        let url = Url::parse(link.trim()).map_err(|e| bad(e.to_string()))?;
        if !url.scheme().eq_ignore_ascii_case("lastmile") {
            return Err(bad(format!("not a lastmile:// link ({})", url.scheme())));
        }
        let action = url.host_str().unwrap_or_else(|| url.path()).trim_matches('/').to_ascii_lowercase();
        match action.as_str() {
            "join" => Ok(DeepLink::Join { input: JoinInput::parse(link)?, step: step_of(&url)? }),
            "open" => Ok(DeepLink::Open { step: step_of(&url)?.ok_or_else(|| bad("the link names no step"))? }),
            other => Err(bad(format!("unknown action {other:?}: expected join or open"))),
        }
    }

    /// The link as text.
    pub fn to_link(&self) -> String {
        match self {
            DeepLink::Join { input, step } => {
                let mut url =
                    Url::parse(&input.to_link()).unwrap_or_else(|_| Url::parse("lastmile://join").expect("static"));
                if let Some(step) = step {
                    url.query_pairs_mut().append_pair("step", step.wire());
                }
                url.to_string()
            }
            DeepLink::Open { step } => format!("lastmile://open?step={}", step.wire()),
        }
    }

    pub fn step(&self) -> Option<Step> {
        match self {
            DeepLink::Join { step, .. } => *step,
            DeepLink::Open { step } => Some(*step),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_round_trip_and_strangers_are_refused() {
        let open = DeepLink::parse("lastmile://open?step=totp").expect("open");
        assert_eq!(open, DeepLink::Open { step: Step::Totp });
        assert_eq!(DeepLink::parse(&open.to_link()).expect("again"), open);

        let join = DeepLink::parse(
            "lastmile://join?code=ABCD-EFGH-JKMN-PQRS&server=https%3A%2F%2Fmfa.acme.test%2F&step=security_key",
        )
        .expect("join");
        assert_eq!(join.step(), Some(Step::SecurityKey));
        assert_eq!(DeepLink::parse(&join.to_link()).expect("again"), join);
        let plain = DeepLink::parse("lastmile://join?code=ABCD-EFGH-JKMN-PQRS").expect("no step");
        assert_eq!(plain.step(), None);

        for bad in [
            "https://evil.test/open?step=totp",
            "lastmile://open",
            "lastmile://open?step=format_disk",
            "lastmile://delete?step=totp",
            "lastmile://join?step=totp",
        ] {
            assert!(DeepLink::parse(bad).is_err(), "{bad}");
        }
    }
}
