//! Recovery after device loss: sign in with a recovery code on this device, see the
//! account's factors and devices, revoke the lost ones, then enroll anew (TOTP and recovery
//! codes use the ordinary enrollment calls) and end the session.
//!
//! Nothing the user did is lost to a flaky network: the sign-in's attempt key is written
//! to the state file before the request goes out and reused by every retry (in this run or
//! the next), so the server continues a sign-in whose answer was lost instead of finding
//! the code used; revocations are idempotent; and the token is stored in the keyring
//! before the attempt is forgotten.

use std::time::Duration;

use lastmile_client::{ClientError, DeviceToken};
use lastmile_core::clock::Clock;
use lastmile_core::invite::parse_server_url;
use lastmile_core::recovery::RecoveryCode;
use lastmile_proto::api::{AccountView, ErrorCode, RecoverySession, RecoverySignInRequest};
use lastmile_proto::app::{AppErrorCode, RecoverySignedIn};
use lastmile_proto::state_file::{EnrollmentRecord, PendingRecovery, StateFile};

use crate::status::device_claims;
use crate::{Agent, AgentError, DeviceProbe, SecretStore, token_account};

/// How long an unanswered attempt key is reused (the server's session length).
const ATTEMPT_REUSE_MS: i64 = 30 * 60 * 1000;
/// Pauses between tries of one sign-in when the network fails.
const RETRY_PAUSES: [Duration; 2] = [Duration::from_millis(500), Duration::from_millis(1500)];

/// What the user typed to start a recovery.
#[derive(Clone)]
pub struct RecoverInput {
    /// The server's address, when neither IT nor the command line gives it.
    pub server: Option<String>,
    /// The organisation's short name, when the server hosts several.
    pub organisation: Option<String>,
    /// The user's email address.
    pub username: String,
    pub code: String,
}

impl std::fmt::Debug for RecoverInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoverInput")
            .field("server", &self.server)
            .field("organisation", &self.organisation)
            .field("username", &self.username)
            .field("code", &"****")
            .finish()
    }
}

fn new_attempt_id() -> Result<String, AgentError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        AgentError::new(AppErrorCode::Internal, format!("the OS random number generator failed: {e}"), None)
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl<D: DeviceProbe, S: SecretStore, C: Clock> Agent<D, S, C> {
    /// Signs in with a recovery code. Checks, before the code is sent: the input, the
    /// settings, the state, the keyring, the server and this device's clock.
    pub async fn recover_sign_in(&self, input: &RecoverInput) -> Result<RecoverySignedIn, AgentError> {
        let username = input.username.trim().to_string();
        if username.is_empty() || !username.contains('@') {
            return Err(AgentError::new(AppErrorCode::InvalidInput, "enter the email address you use at work", None));
        }
        let code = RecoveryCode::parse(&input.code).map_err(|e| {
            AgentError::new(
                AppErrorCode::InvalidInput,
                e.to_string(),
                Some("Type one of your saved recovery codes, e.g. ABCD-EFGH-JKMN-PQRS."),
            )
        })?;
        let typed_server = match input.server.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(parse_server_url(s).map_err(|e| {
                AgentError::new(AppErrorCode::InvalidInput, e.to_string(), Some("Use the address IT gave you."))
            })?),
            None => None,
        };
        let resolved = self.resolve_settings()?;
        let server = self.pick_server(&resolved, typed_server.as_ref(), "the address you entered")?;

        let mut state = self.state_or_fresh()?;
        let current = match &state.enrollment {
            Some(rec) if rec.server_url != server.as_str() => {
                return Err(AgentError::new(
                    AppErrorCode::AlreadyJoined,
                    format!("this device is joined to another server ({}) as {}", rec.server_url, rec.user_email),
                    Some("Run `lastmile leave` first, then recover."),
                ));
            }
            Some(rec) => {
                let account = token_account(&rec.device_id);
                self.secrets(move |s| s.load(&account)).await.ok().flatten().map(DeviceToken::new)
            }
            None => None,
        };
        self.secrets(|s| s.probe()).await.map_err(|e| {
            AgentError::new(
                AppErrorCode::KeyringUnavailable,
                format!("no OS keyring, so this device cannot keep its credential: {e}"),
                Some("Your recovery code was not used. On Linux, start and unlock GNOME Keyring or KWallet, then try again."),
            )
        })?;

        // The clock first: it does not stop the sign-in, but a wrong clock is explained
        // before the user goes on to set up TOTP. This also proves the server is reachable
        // before the code is sent.
        let api = self.api(&resolved, &server)?;
        let measured = self.measure_clock(&api).await.map_err(AgentError::from_client)?;
        let clock = self.clock_status(Some(measured));

        let now = self.clock.now().0;
        let attempt_id = match &state.pending_recovery {
            Some(p)
                if p.server_url == server.as_str()
                    && p.username.eq_ignore_ascii_case(&username)
                    && now - p.started_at_ms < ATTEMPT_REUSE_MS =>
            {
                p.attempt_id.clone()
            }
            _ => {
                let id = new_attempt_id()?;
                state.pending_recovery = Some(PendingRecovery {
                    server_url: server.to_string(),
                    username: username.clone(),
                    attempt_id: id.clone(),
                    started_at_ms: now,
                });
                self.write_state(&state)?;
                id
            }
        };
        // A new device key: a device that lost its keyring lost its key too.
        let (key, key_account) = self.new_device_key().await?;
        let req = RecoverySignInRequest {
            organisation: input.organisation.clone().filter(|o| !o.trim().is_empty()),
            username,
            recovery_code: code.canonical().to_string(),
            attempt_id,
            device: device_claims(&self.device.facts(), &self.app_version),
            device_public_key: Some(key.public_key()),
        };
        let session = match self.sign_in_with_retries(&api, &req, current.as_ref()).await {
            Ok(session) => session,
            Err(e) => {
                let account = key_account.clone();
                let _ = self.secrets(move |s| s.delete(&account)).await;
                return Err(e);
            }
        };

        let token = session.device_token.clone();
        let account = token_account(&session.device_id);
        self.secrets(move |s| s.store(&account, &token)).await.map_err(|e| {
            AgentError::new(
                AppErrorCode::KeyringUnavailable,
                format!("signed in, but the keyring refused the device credential: {e}"),
                Some("Fix the keyring, then try again with the same code: the sign-in continues where it stopped."),
            )
        })?;
        if let Some(old) = state.enrollment.as_ref().filter(|r| r.device_id != session.device_id) {
            let account = token_account(&old.device_id);
            let _ = self.secrets(move |s| s.delete(&account)).await;
        }
        if let Some(old_key) = state.enrollment.as_ref().and_then(|r| r.device_key_account.clone()) {
            let _ = self.secrets(move |s| s.delete(&old_key)).await;
        }
        // Reports signed with the old key would be refused; the sequence starts again.
        let _ = self.outbox().clear();
        let record = EnrollmentRecord {
            server_url: server.to_string(),
            device_id: session.device_id.clone(),
            user_email: session.user.email.clone(),
            user_name: session.user.display_name.clone(),
            organisation: session.organisation.name.clone(),
            joined_at_ms: state.enrollment.as_ref().map_or(self.clock.now().0, |r| r.joined_at_ms),
            recovery_until_ms: Some(session.session_expires_at_ms),
            device_key_account: Some(key_account),
        };
        self.write_state(&StateFile { enrollment: Some(record), pending_recovery: None, ..state })?;
        self.remember_server(&resolved, &server);
        tracing::info!(device = %session.device_id, resumed = session.resumed, "recovery sign-in");
        Ok(RecoverySignedIn {
            device_id: session.device_id,
            user_email: session.user.email,
            user_name: session.user.display_name,
            organisation: session.organisation.name,
            server_url: server.to_string(),
            session_expires_at_ms: session.session_expires_at_ms,
            codes_left: session.codes_left,
            resumed: session.resumed,
            clock,
        })
    }

    async fn sign_in_with_retries(
        &self,
        api: &lastmile_client::ApiClient,
        req: &RecoverySignInRequest,
        current: Option<&DeviceToken>,
    ) -> Result<RecoverySession, AgentError> {
        let mut pauses = RETRY_PAUSES.iter();
        loop {
            match api.recovery_sign_in(req, current).await {
                Ok(session) => return Ok(session),
                Err(e) if e.is_transient() => match pauses.next() {
                    Some(pause) => {
                        tracing::warn!(error = %e, "recovery sign-in failed; retrying with the same attempt");
                        tokio::time::sleep(*pause).await;
                    }
                    None => {
                        let mut err = AgentError::from_client(e);
                        err.hint = Some(
                            "Your code is safe: try again with the same code when the network is back; \
                             the sign-in continues where it stopped."
                                .into(),
                        );
                        return Err(err);
                    }
                },
                Err(e) => {
                    if matches!(&e, ClientError::Api { code: ErrorCode::BadRequest, .. }) {
                        // An ended attempt: forget it, so that the next try starts afresh.
                        self.forget_pending_recovery();
                    }
                    return Err(AgentError::from_client(e));
                }
            }
        }
    }

    fn forget_pending_recovery(&self) {
        if let Ok(mut state) = self.files.read_state()
            && state.pending_recovery.take().is_some()
            && let Err(e) = self.write_state(&state)
        {
            tracing::warn!(error = %e, "could not forget the pending recovery");
        }
    }

    /// Records locally that the recovery session is over (ended, or the server says so).
    fn forget_session(&self) {
        if let Ok(mut state) = self.files.read_state()
            && let Some(rec) = state.enrollment.as_mut()
            && rec.recovery_until_ms.take().is_some()
            && let Err(e) = self.write_state(&state)
        {
            tracing::warn!(error = %e, "could not record the end of the recovery session");
        }
    }

    /// Runs a call of the recovery session; an answer saying the session is over is
    /// recorded, so the app stops offering it.
    async fn in_session(
        &self,
        call: impl AsyncFnOnce(lastmile_client::ApiClient, DeviceToken) -> Result<AccountView, ClientError>,
    ) -> Result<AccountView, AgentError> {
        let (api, token) = self.enrolled_api().await?;
        let result = call(api, token).await.map_err(AgentError::from_client);
        if matches!(&result, Err(e) if e.code == AppErrorCode::RecoverySessionExpired) {
            self.forget_session();
        }
        result
    }

    /// The account's factors and devices, during a recovery session.
    pub async fn recovery_account(&self) -> Result<AccountView, AgentError> {
        self.in_session(async |api, token| api.recovery_account(&token).await).await
    }

    /// Revokes one of the account's factors (idempotent: safe to retry).
    pub async fn recovery_revoke_factor(&self, factor_id: &str) -> Result<AccountView, AgentError> {
        self.in_session(async |api, token| api.recovery_revoke_factor(&token, factor_id).await).await
    }

    /// Revokes another of the account's devices (idempotent: safe to retry).
    pub async fn recovery_revoke_device(&self, device_id: &str) -> Result<AccountView, AgentError> {
        self.in_session(async |api, token| api.recovery_revoke_device(&token, device_id).await).await
    }

    /// Ends the recovery session; this device stays joined.
    pub async fn recovery_end(&self) -> Result<AccountView, AgentError> {
        let view = self.in_session(async |api, token| api.recovery_end(&token).await).await?;
        self.forget_session();
        Ok(view)
    }
}
