//! `lastmile doctor`: the status as a checklist. Every check appears, passed or not, so that
//! a helpdesk reading the output (or its JSON in a support ticket) sees what was checked,
//! not only what failed; each failure carries what to do. Made from a [`StatusReport`], so it
//! says exactly what `status` found.

use lastmile_proto::app::{
    CheckVerdict, ClockVerdict, DoctorCheck, DoctorReport, Problem, ProblemCode, SettingSource, StatusReport,
};

fn check(id: &str, verdict: CheckVerdict, summary: String, fix: Option<String>) -> DoctorCheck {
    DoctorCheck { id: id.into(), verdict, summary, fix }
}

/// The checklist for `report`; `managed_location` names where managed settings are read.
pub fn doctor(report: &StatusReport, managed_location: &str) -> DoctorReport {
    // The doctor speaks English, for IT support, whatever the person's language.
    let english = lastmile_core::words::Words::new("en");
    let problem = |codes: &[ProblemCode]| report.problems.iter().find(|p| codes.contains(&p.code));
    let from = |p: &Problem, verdict: CheckVerdict, id: &str| check(id, verdict, p.message.clone(), p.hint.clone());
    let ok = |id: &str, summary: String| check(id, CheckVerdict::Ok, summary, None);
    let mut checks = Vec::new();

    // Settings: where they come from, and whether IT's can be used.
    let count =
        |source: SettingSource| report.settings.iter().filter(|s| s.source == source && s.value.is_some()).count();
    checks.push(if let Some(p) = problem(&[ProblemCode::ManagedSettingsInvalid]) {
        from(p, CheckVerdict::Fail, "settings")
    } else if let Some(p) = problem(&[ProblemCode::UserSettingsInvalid, ProblemCode::ManagedSettingsUnknown]) {
        from(p, CheckVerdict::Warn, "settings")
    } else {
        ok(
            "settings",
            format!(
                "{} set by your organisation ({managed_location}), {} in your own settings file",
                count(SettingSource::Managed),
                count(SettingSource::User)
            ),
        )
    });

    checks.push(if let Some(p) = problem(&[ProblemCode::KeyringUnavailable]) {
        from(p, CheckVerdict::Fail, "keyring")
    } else {
        ok("keyring", "the OS keyring stores and returns a secret".into())
    });

    let server_problems = [
        ProblemCode::NoServer,
        ProblemCode::ServerUnreachable,
        ProblemCode::ServerError,
        ProblemCode::DeviceNotRecognised,
    ];
    checks.push(if let Some(p) = problem(&server_problems) {
        from(p, CheckVerdict::Fail, "server")
    } else {
        let url = report.server.url.as_deref().unwrap_or("?");
        let version = report.server.version.as_deref().unwrap_or("unknown");
        ok("server", format!("{url} answers (version {version})"))
    });

    let clock = &report.clock;
    checks.push(match (problem(&[ProblemCode::ClockFail, ProblemCode::ClockWarn]), clock.offset_ms) {
        (Some(p), _) => {
            let verdict = if p.code == ProblemCode::ClockFail { CheckVerdict::Fail } else { CheckVerdict::Warn };
            let steps = crate::clock::english_fix_steps(clock);
            let fix = if steps.is_empty() { p.hint.clone() } else { Some(steps.join(" ")) };
            check("clock", verdict, p.message.clone(), fix)
        }
        (None, Some(offset)) if clock.verdict == Some(ClockVerdict::Ok) => {
            let side = if offset >= 0 { "ahead of" } else { "behind" };
            let reference = if clock.source == "server" { "the server" } else { clock.source.as_str() };
            ok("clock", format!("{} ms {side} {reference}; codes work", offset.abs()))
        }
        (None, _) => check(
            "clock",
            CheckVerdict::Warn,
            "not measured: nothing to compare the clock with".into(),
            Some("Make the server reachable (or set ntp_servers), then run lastmile doctor again.".into()),
        ),
    });

    let e = &report.enrollment;
    checks.push(if let Some(p) = problem(&[ProblemCode::LocalStateCorrupt]) {
        from(p, CheckVerdict::Fail, "enrollment")
    } else if let Some(p) = problem(&[ProblemCode::NotJoined]) {
        from(p, CheckVerdict::Warn, "enrollment")
    } else {
        let who = e.user_email.as_deref().unwrap_or("?");
        let org = e.organisation.as_deref().unwrap_or("?");
        ok("enrollment", format!("joined {org} as {who}"))
    });

    let a = &report.authenticators;
    checks.push(if a.security_keys_blocked > 0 {
        check(
            "security_keys",
            CheckVerdict::Fail,
            format!("{} security key(s) attached that this user may not open", a.security_keys_blocked),
            a.security_keys_note.as_ref().map(|n| crate::notes::keys_note(n, english)),
        )
    } else if a.security_keys.is_empty() {
        let why =
            a.security_keys_note.as_ref().map_or_else(|| "none found".into(), |n| crate::notes::keys_note(n, english));
        ok("security_keys", format!("none attached ({why})"))
    } else {
        let names: Vec<&str> = a.security_keys.iter().map(|k| k.model.as_deref().unwrap_or("unknown model")).collect();
        ok("security_keys", format!("{} attached: {}", names.len(), names.join(", ")))
    });

    let o = &e.outbox;
    checks.push(if o.rejected > 0 {
        check(
            "outbox",
            CheckVerdict::Warn,
            format!("the server refused {} report(s) for good; they are kept on this device", o.rejected),
            Some("Tell your IT team: the server refused them for good, and they will not be sent again.".into()),
        )
    } else if o.pending > 0 {
        let why = o.last_error.as_deref().unwrap_or("not sent yet");
        check(
            "outbox",
            CheckVerdict::Warn,
            format!("{} report(s) waiting to be sent ({why})", o.pending),
            Some("They are sent on their own once the server answers; nothing is lost.".into()),
        )
    } else {
        ok("outbox", "no reports waiting".into())
    });

    DoctorReport { schema_version: 1, checks }
}

#[cfg(test)]
pub(crate) mod tests {
    use lastmile_proto::app::{
        Authenticators, ClockStatus, DeviceFacts, Enrollment, KeyringStatus, KeysNote, OutboxView,
        PlatformAuthenticator, PlatformKind, PlatformNote, ServerStatus, SettingView, Tpm, TpmNote,
    };

    use super::*;

    /// A whole status report, joined to Acme, with `problems` (also the glance's tests).
    pub(crate) fn report(problems: Vec<Problem>) -> StatusReport {
        StatusReport {
            schema_version: 1,
            app_version: "0.1.0".into(),
            generated_at_ms: 0,
            device: DeviceFacts {
                os_name: "Debian".into(),
                os_version: "12".into(),
                kernel_version: None,
                hostname: "vm".into(),
                arch: "x86_64".into(),
            },
            authenticators: Authenticators {
                security_keys: vec![],
                security_keys_note: Some(KeysNote::NonePlugged),
                security_keys_blocked: 0,
                platform: PlatformAuthenticator {
                    kind: PlatformKind::None,
                    available: Some(false),
                    note: PlatformNote::Linux,
                },
                tpm: Tpm { present: Some(false), version: None, note: TpmNote::LinuxNone },
            },
            server: ServerStatus {
                url: Some("https://mfa.acme.test/".into()),
                source: SettingSource::Managed,
                reachable: true,
                version: Some("0.1.0".into()),
            },
            clock: ClockStatus {
                offset_ms: Some(-120),
                delay_ms: Some(2),
                verdict: Some(ClockVerdict::Ok),
                source: "server".into(),
                samples: 4,
                fix_steps: vec![],
                fix_for: None,
                ntp: vec![],
                note: None,
            },
            enrollment: Enrollment {
                joined: true,
                device_id: Some("dev_1".into()),
                user_email: Some("ada@acme.test".into()),
                user_name: Some("Ada".into()),
                organisation: Some("Acme".into()),
                keyring: KeyringStatus { available: true, detail: None },
                server_view: None,
                recovery_session_until_ms: None,
                outbox: OutboxView::default(),
            },
            settings: vec![SettingView {
                key: "server_url".into(),
                value: Some("https://mfa.acme.test/".into()),
                source: SettingSource::Managed,
                locked: true,
            }],
            problems,
        }
    }

    /// The server's view of a person with no factor, standing as given, no next step (also
    /// the glance's tests).
    pub(crate) fn server_view(ok: bool, met: bool) -> lastmile_proto::app::ServerView {
        lastmile_proto::app::ServerView {
            verified_factors: 0,
            factors: vec![],
            best_tier: None,
            reports_received: 1,
            last_report_at_ms: None,
            standing: lastmile_proto::app::Standing {
                ok,
                met,
                group: None,
                gaps: vec![],
                needs: vec![],
                level: None,
                deadline_ms: None,
                excepted_until_ms: None,
            },
            next_step: None,
        }
    }

    fn verdicts(r: &DoctorReport) -> Vec<(&str, CheckVerdict)> {
        r.checks.iter().map(|c| (c.id.as_str(), c.verdict)).collect()
    }

    fn p(code: ProblemCode, message: &str, hint: &str) -> Problem {
        Problem { code, message: message.into(), hint: Some(hint.into()) }
    }

    #[test]
    fn every_check_appears_when_all_is_well() {
        let r = doctor(&report(vec![]), "/etc/lastmile/managed.json");
        use CheckVerdict::Ok;
        let want = [
            ("settings", Ok),
            ("keyring", Ok),
            ("server", Ok),
            ("clock", Ok),
            ("enrollment", Ok),
            ("security_keys", Ok),
            ("outbox", Ok),
        ];
        assert_eq!(verdicts(&r), want);
        assert!(r.checks.iter().all(|c| c.fix.is_none()));
        assert_eq!(
            r.checks[0].summary,
            "1 set by your organisation (/etc/lastmile/managed.json), 0 in your own settings file"
        );
        assert_eq!(r.checks[3].summary, "120 ms behind the server; codes work");
        assert_eq!(r.checks[4].summary, "joined Acme as ada@acme.test");
    }

    #[test]
    fn each_problem_fails_or_warns_its_own_check_with_its_fix() {
        let cases = [
            (ProblemCode::ManagedSettingsInvalid, "settings", CheckVerdict::Fail),
            (ProblemCode::ManagedSettingsUnknown, "settings", CheckVerdict::Warn),
            (ProblemCode::UserSettingsInvalid, "settings", CheckVerdict::Warn),
            (ProblemCode::KeyringUnavailable, "keyring", CheckVerdict::Fail),
            (ProblemCode::NoServer, "server", CheckVerdict::Fail),
            (ProblemCode::ServerUnreachable, "server", CheckVerdict::Fail),
            (ProblemCode::ServerError, "server", CheckVerdict::Fail),
            (ProblemCode::DeviceNotRecognised, "server", CheckVerdict::Fail),
            (ProblemCode::ClockFail, "clock", CheckVerdict::Fail),
            (ProblemCode::ClockWarn, "clock", CheckVerdict::Warn),
            (ProblemCode::LocalStateCorrupt, "enrollment", CheckVerdict::Fail),
            (ProblemCode::NotJoined, "enrollment", CheckVerdict::Warn),
        ];
        for (code, id, verdict) in cases {
            let r = doctor(&report(vec![p(code, "what happened", "what to do")]), "(test)");
            let check = r.checks.iter().find(|c| c.id == id).expect("check");
            assert_eq!(
                (check.verdict, check.summary.as_str(), check.fix.as_deref()),
                (verdict, "what happened", Some("what to do")),
                "{code:?}"
            );
            let others = r.checks.iter().filter(|c| c.id != id).all(|c| c.verdict == CheckVerdict::Ok);
            assert!(others, "{code:?}: only {id} is affected: {:?}", verdicts(&r));
        }
    }

    #[test]
    fn one_word_for_device_management() {
        let state = |problems: Vec<Problem>, standing: Option<(bool, bool)>| {
            let mut r = report(problems);
            r.enrollment.server_view = standing.map(|(ok, met)| server_view(ok, met));
            crate::exit::mdm_state(&r)
        };
        assert_eq!(state(vec![], Some((true, true))), "compliant");
        assert_eq!(state(vec![], Some((true, false))), "excepted");
        assert_eq!(state(vec![], Some((false, false))), "gap");
        assert_eq!(state(vec![], None), "unknown");
        // Advice does not hide the standing; a problem does.
        assert_eq!(state(vec![p(ProblemCode::ClockWarn, "m", "h")], Some((true, true))), "compliant");
        assert_eq!(state(vec![p(ProblemCode::ManagedSettingsUnknown, "m", "h")], Some((false, false))), "gap");
        assert_eq!(state(vec![p(ProblemCode::ServerUnreachable, "m", "h")], Some((true, true))), "server_unreachable");
    }

    #[test]
    fn keys_clock_and_outbox_from_their_own_facts() {
        let mut r = report(vec![]);
        r.authenticators.security_keys_blocked = 1;
        r.authenticators.security_keys_note =
            Some(KeysNote::NoPermission { attached: 1, nodes: vec!["/dev/hidraw3".into()] });
        r.clock.offset_ms = None;
        r.clock.verdict = None;
        r.enrollment.outbox = OutboxView {
            pending: 2,
            next_try_at_ms: Some(1),
            last_error: Some("connection refused".into()),
            rejected: 0,
        };
        let d = doctor(&r, "(test)");
        let check = |id: &str| d.checks.iter().find(|c| c.id == id).cloned().expect("check");
        assert_eq!(check("security_keys").verdict, CheckVerdict::Fail);
        let fix = check("security_keys").fix.expect("a fix");
        assert!(fix.starts_with("a FIDO device is attached, but this user may not open /dev/hidraw3."), "{fix}");
        assert!(fix.contains("udev rule") && fix.contains("TAG+=\"uaccess\""), "{fix}");
        assert_eq!(check("clock").verdict, CheckVerdict::Warn);
        assert_eq!(check("outbox").summary, "2 report(s) waiting to be sent (connection refused)");
        r.enrollment.outbox.rejected = 1;
        assert!(doctor(&r, "(test)").checks[6].summary.contains("refused 1 report(s) for good"));
    }
}
