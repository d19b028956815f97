//! The status use case: everything the first screen and `lastmile status --json` show.

use lastmile_client::{ApiClient, ClientError, DeviceToken};
use lastmile_core::clock::{Clock, UnixMillis};
use lastmile_core::offset::Offset;
use lastmile_proto::api::{
    AuthenticatorClaims, ClockClaim, DeviceClaims, ErrorCode, PostureReport, PostureView, SecurityKeyClaim,
};
use lastmile_proto::app::{
    Authenticators, DeviceFacts, Enrollment, KeyringStatus, Problem, ProblemCode, STATUS_SCHEMA_VERSION, ServerStatus,
    ServerView, StatusReport,
};
use lastmile_proto::state_file::EnrollmentRecord;

use crate::clock::clock_problem;
use crate::{Agent, AgentError, DeviceProbe, SecretStore, token_account};

/// The server's side of the status, gathered concurrently with the device's side.
#[derive(Debug, Default)]
struct ServerSide {
    status: Option<ServerStatus>,
    clock: Option<(Offset, u32)>,
    view: Option<ServerView>,
    /// The server's answer behind `view`.
    posture: Option<PostureView>,
    problems: Vec<Problem>,
}

fn problem(code: ProblemCode, message: impl Into<String>, hint: &str) -> Problem {
    Problem { code, message: message.into(), hint: Some(hint.into()) }
}

fn server_problem(e: &ClientError) -> Problem {
    match e {
        ClientError::Unreachable { .. } => problem(
            ProblemCode::ServerUnreachable,
            e.to_string(),
            "Check your network connection. Lastmile keeps working offline and reports when the server is back.",
        ),
        ClientError::Api { code: ErrorCode::Unauthorized | ErrorCode::DeviceRevoked, .. } => problem(
            ProblemCode::DeviceNotRecognised,
            e.to_string(),
            "Ask your IT team for a new invite, then run `lastmile leave` and join again.",
        ),
        _ => problem(ProblemCode::ServerError, e.to_string(), "Try again later, or tell your IT team."),
    }
}

impl<D: DeviceProbe, S: SecretStore, C: Clock> Agent<D, S, C> {
    async fn server_side(&self, api: &ApiClient, token: Option<&DeviceToken>) -> ServerSide {
        let mut side = ServerSide::default();
        let mut status = ServerStatus {
            url: Some(api.base().to_string()),
            source: lastmile_proto::app::SettingSource::Default,
            reachable: false,
            version: None,
        };
        match api.health().await {
            Ok(h) => {
                status.reachable = true;
                status.version = Some(h.version);
            }
            Err(e) => {
                side.problems.push(server_problem(&e));
                side.status = Some(status);
                return side;
            }
        }
        side.status = Some(status);
        match self.measure_clock(api).await {
            Ok(c) => side.clock = Some(c),
            Err(e) => side.problems.push(server_problem(&e)),
        }
        if let Some(token) = token {
            match api.me(token).await {
                Ok(view) => {
                    side.view = Some(server_view(&view));
                    side.posture = Some(view);
                }
                Err(e) => side.problems.push(server_problem(&e)),
            }
        }
        side
    }

    /// Everything the first screen shows. Never fails: what cannot be known becomes a problem.
    pub async fn status(&self) -> Result<StatusReport, AgentError> {
        let resolved = self.resolve_settings()?;
        let mut problems = resolved.problems.clone();

        let (enrollment_record, state_problem) = match self.files.read_state() {
            Ok(s) => (s.enrollment, None),
            Err(p) => (
                None,
                Some(problem(
                    ProblemCode::LocalStateCorrupt,
                    format!("the local enrollment state cannot be read: {p}"),
                    "Lastmile kept the file. Joining again moves it aside and starts fresh.",
                )),
            ),
        };
        problems.extend(state_problem);

        // The keyring: load the token when joined, otherwise check that one exists.
        let keyring = if let Some(rec) = &enrollment_record {
            let account = token_account(&rec.device_id);
            self.secrets(move |s| s.load(&account)).await
        } else {
            self.secrets(|s| s.probe().map(|()| None)).await
        };
        let (token, keyring_status) = match keyring {
            Ok(t) => (t.map(DeviceToken::new), KeyringStatus { available: true, detail: None }),
            Err(e) => {
                problems.push(problem(
                    ProblemCode::KeyringUnavailable,
                    format!("no OS keyring: {e}"),
                    "Lastmile keeps its device credential only in the OS keyring. On Linux, start a Secret Service \
                     (GNOME Keyring or KWallet) and unlock it; then try again.",
                ));
                (None, KeyringStatus { available: false, detail: Some(e) })
            }
        };
        if let (Some(rec), true, None) = (&enrollment_record, keyring_status.available, &token) {
            problems.push(problem(
                ProblemCode::DeviceNotRecognised,
                format!("this device joined {} but its credential is missing from the keyring", rec.organisation),
                "Ask your IT team for a new invite, then run `lastmile leave` and join again.",
            ));
        }

        // The server from the settings (a join records it in the user settings).
        let server = resolved.settings.server_url.value.clone();
        let device_future = async { (self.device.facts(), self.device.authenticators().await) };
        let server_future = async {
            match &server {
                None => ServerSide::default(),
                Some(url) => match self.api(&resolved, url) {
                    Ok(api) => {
                        let same_server = enrollment_record.as_ref().is_some_and(|r| r.server_url == url.as_str());
                        self.server_side(&api, token.as_ref().filter(|_| same_server)).await
                    }
                    Err(e) => ServerSide {
                        problems: vec![problem(ProblemCode::ServerError, e.message, "Check the proxy setting.")],
                        ..ServerSide::default()
                    },
                },
            }
        };
        let ((facts, authenticators), mut side) = tokio::join!(device_future, server_future);
        problems.extend(side.problems);
        if let (Some(view), Some(posture)) = (side.view.as_mut(), side.posture.as_ref()) {
            view.next_step = next_step(posture, &authenticators);
        }

        if server.is_none() {
            problems.push(problem(
                ProblemCode::NoServer,
                "no Lastmile server is configured",
                "Open the invite link from your IT team, or run `lastmile join <code> --server <url>`.",
            ));
        }
        if enrollment_record.is_none() {
            let how = if resolved.settings.organisation.value.is_some() {
                "Sign in with your organisation's account, or enter the invite code from your IT team."
            } else {
                "Enter the invite code from your IT team, or open the invite link."
            };
            problems.push(problem(ProblemCode::NotJoined, "this device has not joined an organisation yet", how));
        }
        let clock = self.clock_status(side.clock);
        problems.extend(clock_problem(&clock));
        problems.sort_by_key(|p| p.code);
        problems.dedup_by_key(|p| p.code);

        let mut server_status = side.status.unwrap_or(ServerStatus {
            url: server.as_ref().map(ToString::to_string),
            source: resolved.server_source(),
            reachable: false,
            version: None,
        });
        server_status.source = resolved.server_source();

        let report = StatusReport {
            schema_version: STATUS_SCHEMA_VERSION,
            app_version: self.app_version.clone(),
            generated_at_ms: self.clock.now().0,
            device: facts,
            authenticators,
            server: server_status,
            clock,
            enrollment: enrollment(enrollment_record.as_ref(), keyring_status, side.view, self.outbox_view()),
            settings: resolved.views(),
            problems,
        };
        if let Some(dir) = &self.machine_status_dir {
            crate::machine_status::write(dir, &crate::machine_status::from_report(&report));
        }
        Ok(report)
    }
}

/// The claims a posture report carries.
pub(crate) fn posture_report(
    now: UnixMillis,
    facts: &DeviceFacts,
    auth: &Authenticators,
    clock: Option<ClockClaim>,
    app_version: &str,
) -> PostureReport {
    PostureReport {
        // Numbered and named when queued (see `reporting`).
        report_id: String::new(),
        sequence: 0,
        generated_at_ms: now.0,
        device: device_claims(facts, app_version),
        authenticators: AuthenticatorClaims {
            security_keys: auth
                .security_keys
                .iter()
                .map(|k| SecurityKeyClaim { aaguid: k.aaguid.clone(), versions: k.versions.clone() })
                .collect(),
            platform_authenticator: auth.platform.available,
            tpm: auth.tpm.present,
        },
        clock,
    }
}

pub(crate) fn device_claims(facts: &DeviceFacts, app_version: &str) -> DeviceClaims {
    DeviceClaims {
        hostname: facts.hostname.clone(),
        os_name: facts.os_name.clone(),
        os_version: facts.os_version.clone(),
        arch: facts.arch.clone(),
        app_version: app_version.into(),
    }
}

fn server_view(v: &PostureView) -> ServerView {
    let c = &v.compliance;
    ServerView {
        verified_factors: v.verified_factors.len() as u32,
        factors: v.verified_factors.iter().map(crate::factor_summary).collect(),
        best_tier: v.best_tier.clone(),
        reports_received: v.reports_received,
        last_report_at_ms: v.last_report_at_ms,
        standing: lastmile_proto::app::Standing {
            ok: c.ok,
            met: c.met,
            group: c.group.clone(),
            gaps: c.gaps.clone(),
            needs: gaps(v).iter().map(need).collect(),
            level: c.level.clone(),
            deadline_ms: c.deadline_ms,
            excepted_until_ms: c.excepted_until_ms,
        },
        next_step: None,
    }
}

/// A tier as the server spells it.
fn tier(t: &str) -> Option<lastmile_core::factor::Tier> {
    use lastmile_core::factor::Tier;
    match t {
        "phishing_resistant" => Some(Tier::PhishingResistant),
        "strong" => Some(Tier::Strong),
        "recovery" => Some(Tier::Recovery),
        "weak" => Some(Tier::Weak),
        _ => None,
    }
}

/// What the user's verified factors lack, from the server's view of their compliance.
fn gaps(v: &PostureView) -> Vec<lastmile_core::policy::Gap> {
    use lastmile_core::policy::Gap;
    let c = &v.compliance;
    let mut gaps = Vec::new();
    if let Some(need) = c.missing_tier.as_deref().and_then(tier) {
        gaps.push(Gap::Tier { have: v.best_tier.as_deref().and_then(tier), need });
    }
    if c.missing_recovery_codes {
        gaps.push(Gap::RecoveryCodes);
    }
    if !c.met && gaps.is_empty() {
        gaps.push(Gap::Factors { have: v.verified_factors.len() as u32, need: c.min_factors });
    }
    gaps
}

/// A gap as the window words it.
fn need(gap: &lastmile_core::policy::Gap) -> lastmile_proto::app::Need {
    use lastmile_core::policy::Gap;
    use lastmile_proto::app::Need;
    match gap {
        Gap::Tier { need, .. } => Need::Tier { tier: need.wire().into() },
        Gap::Factors { have, need } => Need::Factors { have: *have, need: *need },
        Gap::RecoveryCodes => Need::RecoveryCodes,
    }
}

/// The next step for this user on this device: the server's view of the policy and the
/// gaps, and what is plugged in here.
fn next_step(v: &PostureView, auth: &Authenticators) -> Option<lastmile_proto::app::NextStepView> {
    use lastmile_core::factor::Tier;
    use lastmile_core::policy::{Compliance, DeviceCan, NextStep, Policy};
    let c = &v.compliance;
    let policy = Policy {
        min_tier: tier(&c.min_tier).unwrap_or(Tier::Strong),
        min_factors: c.min_factors,
        recovery_codes_required: c.recovery_codes_required,
        ..Policy::default()
    };
    let compliance = Compliance { met: c.met, excepted_until_ms: None, gaps: gaps(v), level: None, best_tier: None };
    // A key that is plugged in and that the group accepts (any, when the list is empty).
    let key = auth.security_keys.iter().find(|k| {
        k.error.is_none()
            && (c.allowed_key_models.is_empty()
                || k.aaguid.as_deref().is_some_and(|a| c.allowed_key_models.iter().any(|m| m.eq_ignore_ascii_case(a))))
    });
    let can = DeviceCan {
        security_key: key.map(|k| k.model.clone().unwrap_or_default()),
        // Only Windows Hello can be enrolled from the app (macOS and Linux say why not).
        platform_authenticator: auth.platform.kind == lastmile_proto::app::PlatformKind::WindowsHello
            && auth.platform.available == Some(true),
    };
    let have: Vec<_> =
        v.verified_factors.iter().filter_map(|f| lastmile_core::factor::FactorKind::from_wire(&f.kind)).collect();
    let step = lastmile_core::policy::next_step(&policy, &compliance, &can, &have)?;
    let (name, title, model) = match step {
        NextStep::SecurityKey { model: Some(m) } => ("security_key", format!("Register your {m}"), Some(m)),
        NextStep::SecurityKey { model: None } => {
            ("security_key", "Register the security key that is plugged in".into(), None)
        }
        NextStep::PlugInSecurityKey => ("plug_in_security_key", "Plug in a security key to register it".into(), None),
        NextStep::PlatformAuthenticator => ("platform_authenticator", "Set up Windows Hello".into(), None),
        NextStep::Totp => ("totp", "Set up an authenticator app".into(), None),
        NextStep::RecoveryCodes => ("recovery_codes", "Get recovery codes".into(), None),
    };
    Some(lastmile_proto::app::NextStepView { step: name.into(), title, model })
}

fn enrollment(
    rec: Option<&EnrollmentRecord>,
    keyring: KeyringStatus,
    view: Option<ServerView>,
    outbox: lastmile_proto::app::OutboxView,
) -> Enrollment {
    Enrollment {
        joined: rec.is_some(),
        device_id: rec.map(|r| r.device_id.clone()),
        user_email: rec.map(|r| r.user_email.clone()),
        user_name: rec.map(|r| r.user_name.clone()),
        organisation: rec.map(|r| r.organisation.clone()),
        keyring,
        server_view: view,
        recovery_session_until_ms: rec.and_then(|r| r.recovery_until_ms),
        outbox,
    }
}

#[cfg(test)]
mod tests {
    use lastmile_proto::api::PostureView;
    use lastmile_proto::app::Need;

    /// The server's view of a user with `factors` verified kinds, under a policy of
    /// `min_tier`, `min_factors` and recovery codes, missing what the flags say.
    fn view(missing_tier: Option<&str>, missing_codes: bool, met: bool, factors: u32) -> PostureView {
        let factor = |i: u32| {
            serde_json::json!({ "id": format!("f{i}"), "kind": "totp", "tier": "strong", "status": "verified",
                "created_at_ms": 0, "verified_at_ms": 0 })
        };
        serde_json::from_value(serde_json::json!({
            "device_id": "d", "user": { "id": "u", "email": "ada@acme.test", "display_name": "Ada" },
            "organisation": { "slug": "acme", "name": "Acme Ltd" },
            "verified_factors": (0..factors).map(factor).collect::<Vec<_>>(),
            "best_tier": if factors > 0 { Some("strong") } else { None },
            "reports_received": 1, "last_report_at_ms": null, "last_claims": null,
            "compliance": { "met": met, "ok": met, "group": null, "min_tier": "phishing_resistant", "min_factors": 2,
                "recovery_codes_required": true, "gaps": [], "missing_tier": missing_tier,
                "missing_recovery_codes": missing_codes, "level": null, "deadline_ms": null,
                "excepted_until_ms": null, "allowed_key_models": [] }
        }))
        .expect("a posture view")
    }

    #[test]
    fn the_standing_names_what_is_missing_as_data_the_window_words() {
        let needs = |v: &PostureView| super::server_view(v).standing.needs;
        assert_eq!(
            needs(&view(Some("phishing_resistant"), true, false, 1)),
            vec![Need::Tier { tier: "phishing_resistant".into() }, Need::RecoveryCodes]
        );
        // Strong enough, codes confirmed, but one factor short.
        assert_eq!(needs(&view(None, false, false, 1)), vec![Need::Factors { have: 1, need: 2 }]);
        assert_eq!(needs(&view(None, false, true, 2)), vec![]);
    }
}
