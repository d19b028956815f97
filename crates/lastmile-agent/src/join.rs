//! Joining an organisation with an invite, and leaving it.

use lastmile_core::clock::Clock;
use lastmile_core::invite::JoinInput;
use lastmile_core::settings::Source;
use lastmile_proto::api::JoinRequest;
use lastmile_proto::app::{AppErrorCode, JoinOutcome};
use lastmile_proto::state_file::{EnrollmentRecord, StateFile};

use crate::status::{device_claims, posture_report};
use crate::{Agent, AgentError, DeviceProbe, Resolved, SecretStore, token_account};

impl<D: DeviceProbe, S: SecretStore, C: Clock> Agent<D, S, C> {
    /// Joins with an invite code or `lastmile://join?...` link.
    ///
    /// Order matters, so that a failure loses nothing: everything that can be checked
    /// locally (input, settings, keyring, state) is checked before the single-use invite is
    /// spent; the token goes into the keyring before the state file records the join.
    pub async fn join(&self, input: &str) -> Result<JoinOutcome, AgentError> {
        let join = JoinInput::parse(input).map_err(|e| {
            AgentError::new(
                AppErrorCode::InvalidInput,
                e.to_string(),
                Some("Paste the whole code or link from your invite."),
            )
        })?;
        self.join_with(join).await
    }

    async fn join_with(&self, join: JoinInput) -> Result<JoinOutcome, AgentError> {
        let resolved = self.resolve_settings()?;
        let server = self.pick_server(&resolved, join.server.as_ref(), "this invite")?;
        self.check_can_join("Your invite was not used.").await?;

        let api = self.api(&resolved, &server)?;
        let facts = self.device.facts();
        let (joined, key_account) = self
            .spend_with_new_device_key(|public_key| {
                let req = JoinRequest {
                    invite_code: join.code.canonical().to_string(),
                    device: device_claims(&facts, &self.app_version),
                    device_public_key: Some(public_key),
                };
                let api = &api;
                async move { api.join(&req).await }
            })
            .await?;

        self.finish_join(
            &resolved,
            &server,
            &api,
            &facts,
            key_account,
            joined,
            "Ask your IT team for a new invite; this one has been used.",
        )
        .await
    }

    /// Makes the device key and keeps it in the keyring, then `spend`s the single-use invite
    /// or sign-in with its public key: a keyring that refuses the key costs nothing, and a
    /// refused join leaves no key behind. The server's answer and the key's keyring account.
    pub(crate) async fn spend_with_new_device_key<F, Fut>(
        &self,
        spend: F,
    ) -> Result<(lastmile_proto::api::JoinResponse, String), AgentError>
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = Result<lastmile_proto::api::JoinResponse, lastmile_client::ClientError>>,
    {
        let (key, key_account) = self.new_device_key().await?;
        match spend(key.public_key()).await {
            Ok(joined) => Ok((joined, key_account)),
            Err(e) => {
                let account = key_account.clone();
                let _ = self.secrets(move |s| s.delete(&account)).await;
                Err(AgentError::from_client(e))
            }
        }
    }

    /// What must hold before a single-use invite or sign-in is spent: this device has not
    /// joined, and the OS keyring can keep its credential. `unspent` tells the person what
    /// was not used up.
    pub(crate) async fn check_can_join(&self, unspent: &str) -> Result<(), AgentError> {
        let state = self.state_or_fresh()?;
        if let Some(rec) = &state.enrollment {
            return Err(AgentError::new(
                AppErrorCode::AlreadyJoined,
                format!("this device already joined {} as {}", rec.organisation, rec.user_email),
                Some("To join again, run `lastmile leave` first."),
            ));
        }
        self.secrets(|s| s.probe()).await.map_err(|e| {
            AgentError::new(
                AppErrorCode::KeyringUnavailable,
                format!("no OS keyring, so this device cannot keep its credential: {e}"),
                Some(&format!("{unspent} On Linux, start and unlock GNOME Keyring or KWallet, then try again.")),
            )
        })?;

        Ok(())
    }

    /// Everything after the server said yes: the token into the keyring, then the state file,
    /// then a first report (best effort). `spent` tells the person what to do when the
    /// keyring refuses the token after the server joined the device.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn finish_join(
        &self,
        resolved: &Resolved,
        server: &url::Url,
        api: &lastmile_client::ApiClient,
        facts: &lastmile_proto::app::DeviceFacts,
        key_account: String,
        joined: lastmile_proto::api::JoinResponse,
        spent: &str,
    ) -> Result<JoinOutcome, AgentError> {
        let token = joined.device_token.clone();
        let account = token_account(&joined.device_id);
        self.secrets(move |s| s.store(&account, &token)).await.map_err(|e| {
            AgentError::new(
                AppErrorCode::KeyringUnavailable,
                format!("joined, but the keyring refused the device credential: {e}"),
                Some(spent),
            )
        })?;
        let record = EnrollmentRecord {
            server_url: server.to_string(),
            device_id: joined.device_id.clone(),
            user_email: joined.user.email.clone(),
            user_name: joined.user.display_name.clone(),
            organisation: joined.organisation.name.clone(),
            joined_at_ms: self.clock.now().0,
            recovery_until_ms: None,
            device_key_account: Some(key_account),
        };
        let _ = self.outbox().clear(); // a new device starts its report sequence afresh
        self.write_state(&StateFile {
            enrollment: Some(record.clone()),
            used_invites: self.used_invites(),
            ..StateFile::empty()
        })?;
        self.remember_server(resolved, server);

        // A first report, so the server knows this device's facts at once. Best effort:
        // the next status or report run sends it again.
        let auth = self.device.authenticators().await;
        let clock = self
            .measure_clock(api)
            .await
            .ok()
            .map(|(o, _)| lastmile_proto::api::ClockClaim { offset_ms: o.offset_ms, delay_ms: o.delay_ms });
        let report = posture_report(self.clock.now(), facts, &auth, clock, &self.app_version);
        let token = lastmile_client::DeviceToken::new(joined.device_token);
        let sent = match self.queue_report(&record, report).await {
            Ok(_) => self.send_outbox_to(api, &token).await,
            Err(e) => Err(e),
        };
        if let Err(e) = sent {
            tracing::warn!(error = %e.message, "first posture report not sent yet (kept in the outbox)");
        }

        Ok(JoinOutcome {
            device_id: joined.device_id,
            user_email: joined.user.email,
            user_name: joined.user.display_name,
            organisation: joined.organisation.name,
            server_url: server.to_string(),
        })
    }

    /// Forgets this device's enrollment: the keyring entry and the state file.
    pub async fn leave(&self) -> Result<bool, AgentError> {
        let enrolled = match self.files.read_state() {
            Ok(StateFile { enrollment: Some(rec), .. }) => Some(rec),
            _ => None,
        };
        if let Some(rec) = &enrolled {
            let accounts: Vec<String> =
                std::iter::once(token_account(&rec.device_id)).chain(rec.device_key_account.clone()).collect();
            self.secrets(move |s| accounts.iter().try_for_each(|a| s.delete(a))).await.map_err(|e| {
                AgentError::new(
                    AppErrorCode::KeyringUnavailable,
                    format!("cannot remove the device credential: {e}"),
                    None,
                )
            })?;
        }
        let _ = self.outbox().clear();
        self.write_state(&StateFile { used_invites: self.used_invites(), ..StateFile::empty() })?;
        Ok(enrolled.is_some())
    }

    /// The invites IT set that this device used (kept across joins and leaves).
    fn used_invites(&self) -> Vec<String> {
        self.files.read_state().map(|s| s.used_invites).unwrap_or_default()
    }

    /// Joins with the invite IT handed over in the settings (`invite`), once: a device that
    /// has not joined uses it by itself (the window at start and on its timer, `lastmile join`
    /// without an argument), and remembers its fingerprint once the server has used it up
    /// (joined, or refused it as used, expired or unknown), so that leaving does not join
    /// again with it. From the user's own settings file it is then removed; managed sources
    /// are not the app's to change, and IT removes it there. A failure that spent nothing
    /// (no network, no keyring) is tried again next time.
    pub async fn join_preseeded(&self) -> Result<Preseeded, AgentError> {
        let resolved = self.resolve_settings()?;
        let Some(invite) = resolved.settings.invite.value.clone() else { return Ok(Preseeded::NotSet) };
        let state = self.state_or_fresh()?;
        if state.enrollment.is_some() {
            return Ok(Preseeded::AlreadyJoined);
        }
        let fingerprint = invite.code.fingerprint();
        if state.used_invites.contains(&fingerprint) {
            return Ok(Preseeded::AlreadyUsed);
        }
        let result = self.join_with(invite).await;
        let spent = match &result {
            Ok(_) => true,
            Err(e) => {
                matches!(e.code, AppErrorCode::InviteInvalid | AppErrorCode::InviteExpired | AppErrorCode::InviteUsed)
            }
        };
        if spent {
            let mut state = self.files.read_state().unwrap_or_else(|_| StateFile::empty());
            state.used_invites.push(fingerprint);
            // The newest few are enough: an invite is single-use on the server anyway.
            let excess = state.used_invites.len().saturating_sub(MAX_USED_INVITES);
            state.used_invites.drain(..excess);
            self.write_state(&state)?;
            if resolved.settings.invite.source == Source::User
                && let Ok(mut file) = self.files.read_settings()
            {
                file.invite = None;
                if let Err(e) = self.files.write_settings(&file) {
                    tracing::warn!(error = %e, "the used invite stays in the settings file");
                }
            }
        }
        result.map(Preseeded::Joined)
    }

    /// Forgets this device's identity, for a machine about to be imaged (`lastmile reset`)
    /// or a person removing Lastmile (`leave --purge`, `purge: true`): the keyring entries of
    /// every enrollment the state files name (the current one and any set aside as
    /// unreadable), the state file and those set aside, and the report outbox. A purge also
    /// removes the log files and the user settings file. The server is not needed; the device
    /// stays listed there until IT removes it. Only files Lastmile names are removed, never
    /// a directory's unknown contents.
    pub async fn reset(&self, purge: bool) -> Result<Reset, AgentError> {
        let state_dir = &self.files.state_dir;
        let mut files: Vec<std::path::PathBuf> = Vec::new();
        let mut accounts: Vec<String> = Vec::new();
        let state_name = crate::files::STATE_FILE;
        if let Ok(entries) = std::fs::read_dir(state_dir) {
            for entry in entries.filter_map(Result::ok) {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name == state_name || name.starts_with(&format!("{state_name}.")) {
                    accounts.extend(accounts_named_in(&entry.path()));
                    files.push(entry.path());
                }
            }
        }
        accounts.sort();
        accounts.dedup();
        let keyring_entries = self
            .secrets(move |s| {
                let mut deleted = 0;
                for a in &accounts {
                    if s.load(a)?.is_some() {
                        s.delete(a)?;
                        deleted += 1;
                    }
                }
                Ok(deleted)
            })
            .await
            .map_err(|e| {
                AgentError::new(
                    AppErrorCode::KeyringUnavailable,
                    format!("cannot remove the device credential: {e}; nothing was removed"),
                    Some("Unlock the keyring (log in to the desktop session), then run this again."),
                )
            })?;
        let mut removed = Vec::new();
        let mut remove = |path: &std::path::Path| -> Result<(), AgentError> {
            let result = if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
            match result {
                Ok(()) => {
                    removed.push(path.display().to_string());
                    Ok(())
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(AgentError::new(
                    AppErrorCode::Internal,
                    format!("cannot remove {}: {e}", path.display()),
                    Some("Check the file's permissions, then run this again."),
                )),
            }
        };
        remove(&state_dir.join("outbox"))?;
        for file in &files {
            remove(file)?;
        }
        if purge {
            remove(&state_dir.join("logs"))?;
            remove(&self.files.settings_path())?;
            // The directories themselves, when nothing else is in them.
            let _ = std::fs::remove_dir(state_dir);
            let _ = std::fs::remove_dir(&self.files.config_dir);
        }
        Ok(Reset { keyring_entries, removed })
    }

    /// The server to talk to: managed beats the command line beats `link` (an invite link
    /// or an address the user typed) beats the user's settings. A link that contradicts a
    /// managed address is refused: it may be a phishing attempt.
    pub(crate) fn pick_server(
        &self,
        resolved: &Resolved,
        link: Option<&url::Url>,
        what: &str,
    ) -> Result<url::Url, AgentError> {
        if resolved.managed_broken {
            return Err(AgentError::new(
                AppErrorCode::ConfigInvalid,
                resolved.problems.first().map(|p| p.message.clone()).unwrap_or_default(),
                Some("Tell your IT team: the device-management profile for Lastmile has an error."),
            ));
        }
        let configured = &resolved.settings.server_url;
        match (link, configured.source, &configured.value) {
            (Some(link), Source::Managed, Some(pinned)) if link != pinned => Err(AgentError::new(
                AppErrorCode::ManagedSetting,
                format!("{what} points to {link}, but your organisation pins this device to {pinned}"),
                Some("Only use links from your own IT team. If this one is, tell them the addresses differ."),
            )),
            (_, Source::Managed | Source::CommandLine, Some(url)) => Ok(url.clone()),
            (Some(link), _, _) => Ok(link.clone()),
            (None, _, Some(url)) => Ok(url.clone()),
            (None, _, None) => Err(AgentError::new(
                AppErrorCode::NoServer,
                format!("no Lastmile server is configured and {what} does not name one"),
                Some("Give the server address (from your IT team), or pass --server <url>."),
            )),
        }
    }

    /// The state file, or a fresh one when it is unreadable (the bad file is kept, moved aside).
    pub(crate) fn state_or_fresh(&self) -> Result<StateFile, AgentError> {
        match self.files.read_state() {
            Ok(state) => Ok(state),
            Err(problem) => {
                let aside = self.files.set_aside(&problem.path, self.clock.now().0).map_err(|e| {
                    AgentError::new(
                        AppErrorCode::LocalState,
                        format!("{problem}; and it cannot be moved aside: {e}"),
                        None,
                    )
                })?;
                tracing::warn!(path = %aside.display(), "unreadable state file moved aside");
                Ok(StateFile::empty())
            }
        }
    }

    pub(crate) fn write_state(&self, state: &StateFile) -> Result<(), AgentError> {
        self.files
            .write_state(state)
            .map_err(|e| AgentError::new(AppErrorCode::LocalState, format!("cannot write the local state: {e}"), None))
    }

    /// Remembers the server for next time, unless IT manages it. A broken user file is left
    /// alone (it was reported), not overwritten.
    pub(crate) fn remember_server(&self, resolved: &Resolved, server: &url::Url) {
        if resolved.settings.server_url.source != Source::Managed
            && let Ok(mut user) = self.files.read_settings()
            && user.server_url.as_deref() != Some(server.as_str())
        {
            user.server_url = Some(server.to_string());
            if let Err(e) = self.files.write_settings(&user) {
                tracing::warn!(error = %e, "could not remember the server address");
            }
        }
    }
}

/// What [`Agent::reset`] removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reset {
    /// How many keyring entries were deleted.
    pub keyring_entries: usize,
    /// The files and directories removed.
    pub removed: Vec<String>,
}

/// The keyring accounts a state file (current or set aside) names, read leniently: a file
/// set aside as unreadable may still name its device.
fn accounts_named_in(path: &std::path::Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else { return Vec::new() };
    let enrollment = &value["enrollment"];
    let mut accounts = Vec::new();
    if let Some(id) = enrollment["device_id"].as_str() {
        accounts.push(token_account(id));
    }
    if let Some(key) = enrollment["device_key_account"].as_str() {
        accounts.push(key.to_string());
    }
    accounts
}

/// How many used invites' fingerprints a device keeps.
const MAX_USED_INVITES: usize = 16;

/// What [`Agent::join_preseeded`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preseeded {
    /// No invite is set.
    NotSet,
    /// The device has joined already; the invite was left alone.
    AlreadyJoined,
    /// This device used that invite before (and left since).
    AlreadyUsed,
    /// Joined with it.
    Joined(JoinOutcome),
}
