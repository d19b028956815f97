//! Where the person stands, in one line, and the one step to take: what the tray menu shows
//! while the window is closed. A pure function of a status report, so the tray, whatever the
//! platform draws it with, says the same as the window.

use lastmile_core::deep_link::{DeepLink, Step};
use lastmile_proto::app::{ProblemCode, StatusReport};

/// The tray's two lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glance {
    /// Where the person stands, e.g. "You meet Acme's policy".
    pub status: String,
    /// The one step to take, if any: its menu label and the link that opens the window at it
    /// (`None` opens the window's home screen, e.g. to join).
    pub next: Option<(String, Option<String>)>,
}

/// The glance for `report`.
pub fn glance(report: &StatusReport) -> Glance {
    let organisation = report.enrollment.organisation.as_deref().unwrap_or("your organisation");
    if let Some(p) = crate::exit::blocking_problem(report) {
        let next = match p.code {
            ProblemCode::NotJoined => "Join your organisation…",
            _ => "Open Lastmile to fix this…",
        };
        let status = if p.code == ProblemCode::NotJoined { "Not set up yet".to_string() } else { p.message.clone() };
        return Glance { status, next: Some((next.into(), None)) };
    }
    let Some(view) = report.enrollment.server_view.as_ref() else {
        return Glance { status: format!("Joined {organisation}; standing not known yet"), next: None };
    };
    let next = view.next_step.as_ref().map(|step| {
        let link = match step.step.as_str() {
            "security_key" | "plug_in_security_key" => Some(Step::SecurityKey),
            "totp" => Some(Step::Totp),
            "recovery_codes" => Some(Step::RecoveryCodes),
            _ => None,
        };
        (format!("{}…", step.title), link.map(|step| DeepLink::Open { step }.to_link()))
    });
    let status = match &view.standing {
        s if s.met => format!("You meet {organisation}'s policy"),
        s if s.ok => format!("Covered by an exception from {organisation}"),
        _ => format!("{organisation} asks for one more step"),
    };
    // Someone who meets the policy is not pushed; a recommended step stays in the menu.
    Glance { status, next }
}

#[cfg(test)]
mod tests {
    use lastmile_proto::app::{NextStepView, Problem, ServerView};

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
                Some(("Add an authenticator app…", Some("lastmile://open?step=totp"))),
            ),
            (
                report(vec![], Some(view(false, false, Some(("plug_in_security_key", "Plug in a security key"))))),
                "Acme asks for one more step",
                Some(("Plug in a security key…", Some("lastmile://open?step=security_key"))),
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
                "The server cannot be reached",
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
        for (r, status, next) in cases {
            let g = glance(&r);
            assert_eq!(g.status, status);
            assert_eq!(g.next.as_ref().map(|(label, link)| (label.as_str(), link.as_deref())), next, "{status}");
        }
    }
}
