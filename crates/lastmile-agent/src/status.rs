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
                Ok(view) => side.view = Some(server_view(&view)),
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
        let ((facts, authenticators), side) = tokio::join!(device_future, server_future);
        problems.extend(side.problems);

        if server.is_none() {
            problems.push(problem(
                ProblemCode::NoServer,
                "no Lastmile server is configured",
                "Open the invite link from your IT team, or run `lastmile join <code> --server <url>`.",
            ));
        }
        if enrollment_record.is_none() {
            problems.push(problem(
                ProblemCode::NotJoined,
                "this device has not joined an organisation yet",
                "Enter the invite code from your IT team, or open the invite link.",
            ));
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

        Ok(StatusReport {
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
        })
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
    ServerView {
        verified_factors: v.verified_factors.len() as u32,
        factors: v.verified_factors.iter().map(crate::factor_summary).collect(),
        best_tier: v.best_tier.clone(),
        reports_received: v.reports_received,
        last_report_at_ms: v.last_report_at_ms,
    }
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
