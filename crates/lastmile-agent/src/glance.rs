//! Where the person stands, in one line, and the one step to take: what the tray menu shows
//! while the window is closed. A pure function of a status report, so the tray, whatever the
//! platform draws it with, says the same as the window.

use lastmile_core::deep_link::{DeepLink, Step};
use lastmile_proto::app::{NextStepView, ProblemCode, StatusReport};

use lastmile_core::words::{Arg, Words};

/// The tray's two lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glance {
    /// Where the person stands, e.g. "You meet Acme's policy".
    pub status: String,
    /// The one step to take, if any: its menu label and the link that opens the window at it
    /// (`None` opens the window's home screen, e.g. to join).
    pub next: Option<(String, Option<String>)>,
}

/// The glance for `report`, in `words`' language.
pub fn glance(report: &StatusReport, words: &Words) -> Glance {
    let organisation = report.enrollment.organisation.as_deref().unwrap_or("");
    let org = [("organisation", Arg::Text(organisation))];
    if let Some(p) = crate::exit::blocking_problem(report) {
        let (status, next) = match p.code {
            ProblemCode::NotJoined => (words.say("tray-not-set-up", &[]), "tray-join"),
            code => (problem(words, code, report), "tray-fix"),
        };
        return Glance { status, next: Some((words.say(next, &[]), None)) };
    }
    let Some(view) = report.enrollment.server_view.as_ref() else {
        return Glance { status: words.say("tray-standing-unknown", &org), next: None };
    };
    let next = view.next_step.as_ref().map(|step| {
        let link = match step.step.as_str() {
            "security_key" | "plug_in_security_key" => Some(Step::SecurityKey),
            "totp" => Some(Step::Totp),
            "recovery_codes" => Some(Step::RecoveryCodes),
            _ => None,
        };
        let label = words.say("tray-step", &[("step", Arg::Text(&next_step(words, step)))]);
        (label, link.map(|step| DeepLink::Open { step }.to_link()))
    });
    let status = standing(words, &view.standing, organisation);
    // Someone who meets the policy is not pushed; a recommended step stays in the menu.
    Glance { status, next }
}

/// Where the person stands, in one line: met, covered by an exception, or a step asked for.
pub fn standing(words: &Words, s: &lastmile_proto::app::Standing, organisation: &str) -> String {
    let org = [("organisation", Arg::Text(organisation))];
    let id = if s.met {
        "tray-standing-met"
    } else if s.ok {
        "tray-standing-excepted"
    } else {
        "tray-standing-gap"
    };
    words.say(id, &org)
}

/// The next step as the window words it ("Register your YubiKey 5 NFC").
pub fn next_step(words: &Words, step: &NextStepView) -> String {
    let id = format!("next-{}", step.step.replace('_', "-"));
    if !words.has(&id) {
        return step.title.clone(); // a step this version does not know: the agent's own words
    }
    words.say(&id, &[("model", Arg::Text(step.model.as_deref().unwrap_or("none")))])
}

/// A problem as the window words it, with the clock's offset for the clock's problems.
pub fn problem(words: &Words, code: ProblemCode, report: &StatusReport) -> String {
    let offset = clock_offset(words, report.clock.offset_ms.unwrap_or(0));
    words.say(&format!("problem-{}", wire_name(code)), &[("offset", Arg::Text(&offset))])
}

/// What to do about a problem, as the window words it.
pub fn problem_hint(words: &Words, code: ProblemCode) -> String {
    words.say(&format!("problem-{}-hint", wire_name(code)), &[])
}

/// "12.0 s behind the server", in `words`' language.
pub fn clock_offset(words: &Words, ms: i64) -> String {
    let (amount, direction) = offset_amount(words, ms);
    words.say("clock-offset", &[("direction", Arg::Text(direction)), ("amount", Arg::Text(&amount))])
}

/// An offset as the clock messages take it: the amount worded ("45 s") and the direction
/// their selector chooses on (`ahead`, `behind`, `same`).
pub fn offset_amount(words: &Words, ms: i64) -> (String, &'static str) {
    let amount = if ms.abs() < 1000 {
        words.say("duration-ms", &[("n", Arg::Number(ms.abs()))])
    } else {
        words.say("duration-s", &[("n", Arg::Decimal(ms.abs() as f64 / 1000.0))])
    };
    let direction = match ms.signum() {
        1 => "ahead",
        -1 => "behind",
        _ => "same",
    };
    (amount, direction)
}

/// A unit enum's wire name (`server_unreachable`), as the message ids spell codes.
pub fn wire_name(code: impl serde::Serialize) -> String {
    serde_json::to_value(code).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use lastmile_proto::app::{Problem, ServerView};

    use super::*;

    fn report(problems: Vec<Problem>, view: Option<ServerView>) -> StatusReport {
        let mut r = crate::doctor::tests::report(problems);
        r.enrollment.server_view = view;
        r
    }

    fn view(met: bool, ok: bool, next: Option<(&str, &str)>) -> ServerView {
        ServerView {
            next_step: next.map(|(step, title)| NextStepView { step: step.into(), title: title.into(), model: None }),
            ..crate::doctor::tests::server_view(ok, met)
        }
    }

    fn problem(code: ProblemCode, message: &str) -> Problem {
        Problem { code, message: message.into(), hint: None }
    }

    #[test]
    fn each_standing_reads_as_a_person_would_say_it() {
        // (report, the standing's line, the next step's label and link)
        type Case<'a> = (StatusReport, &'a str, Option<(&'a str, Option<&'a str>)>);
        let cases: Vec<Case> = vec![
            (report(vec![], Some(view(true, true, None))), "You meet Acme's policy", None),
            (
                report(vec![], Some(view(false, false, Some(("totp", "Add an authenticator app"))))),
                "Acme asks for one more step",
                Some(("Set up an authenticator app…", Some("lastmile://open?step=totp"))),
            ),
            (
                report(vec![], Some(view(false, false, Some(("plug_in_security_key", "Plug in a security key"))))),
                "Acme asks for one more step",
                Some(("Plug in a security key to register it…", Some("lastmile://open?step=security_key"))),
            ),
            (
                report(vec![], Some(view(false, false, Some(("platform_authenticator", "Set up Windows Hello"))))),
                "Acme asks for one more step",
                Some(("Set up Windows Hello…", None)),
            ),
            (report(vec![], Some(view(false, true, None))), "Covered by an exception from Acme", None),
            (
                report(vec![problem(ProblemCode::NotJoined, "not joined")], None),
                "Not set up yet",
                Some(("Join your organisation…", None)),
            ),
            (
                report(vec![problem(ProblemCode::ServerUnreachable, "The server cannot be reached")], None),
                "This device cannot reach the Lastmile server.",
                Some(("Open Lastmile to fix this…", None)),
            ),
            // Advice does not hide the standing.
            (
                report(vec![problem(ProblemCode::ClockWarn, "clock")], Some(view(true, true, None))),
                "You meet Acme's policy",
                None,
            ),
            (report(vec![], None), "Joined Acme; standing not known yet", None),
        ];
        let words = Words::new("en");
        for (r, status, next) in cases {
            let g = glance(&r, words);
            assert_eq!(g.status, status);
            assert_eq!(g.next.as_ref().map(|(label, link)| (label.as_str(), link.as_deref())), next, "{status}");
        }
    }

    #[test]
    fn the_tray_speaks_the_persons_language() {
        let r = report(vec![], Some(view(false, false, Some(("recovery_codes", "Get recovery codes")))));
        let g = glance(&r, Words::new("fr"));
        assert_eq!(g.status, "Acme vous demande une étape de plus");
        assert_eq!(g.next.map(|(label, _)| label).as_deref(), Some("Obtenir des codes de récupération…"));
        // The clock's problem carries its offset, worded in that language.
        let mut r = report(vec![problem(ProblemCode::ClockFail, "clock")], None);
        r.clock.offset_ms = Some(-95_000);
        let g = glance(&r, Words::new("de"));
        assert!(g.status.contains("95"), "{}", g.status);
        assert_eq!(g.next.map(|(label, _)| label).as_deref(), Some("Lastmile öffnen, um das zu beheben…"));
    }
}
