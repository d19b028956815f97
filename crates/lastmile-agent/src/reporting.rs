//! Posture reports: made, signed with the device key, queued durably in the [`Outbox`], and
//! sent oldest first. A report is in the outbox before the first byte goes out; only the
//! server's answer takes it out, so pulling the network or killing the app loses nothing,
//! and the idempotency key makes sure a resend is not counted twice.

use lastmile_client::{ApiClient, ClientError, DeviceToken};
use lastmile_core::clock::Clock;
use lastmile_core::device_key::DeviceKey;
use lastmile_proto::api::{ErrorCode, PostureReport, PostureView};
use lastmile_proto::app::{AppErrorCode, OutboxView};
use lastmile_proto::state_file::EnrollmentRecord;

use crate::outbox::{Entry, Outbox, backoff_ms};
use crate::status::posture_report;
use crate::{Agent, AgentError, DeviceProbe, SecretStore};

/// The keyring account for a new device key.
pub(crate) fn new_key_account() -> String {
    format!("device-key:{}", random_hex(8))
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    // The OS random source failing is not something to carry on from quietly; but a
    // report id or a keyring account name from a weaker source is still unique enough.
    if getrandom::fill(&mut b).is_err() {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        b.iter_mut().enumerate().for_each(|(i, x)| *x = (t >> (8 * (i % 16))) as u8);
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A device key from the OS random source.
fn fresh_device_key() -> Result<DeviceKey, AgentError> {
    loop {
        let mut seed = lastmile_core::device_key::Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut *seed).map_err(|e| {
            AgentError::new(AppErrorCode::Internal, format!("no random source for the device key: {e}"), None)
        })?;
        if let Ok(key) = DeviceKey::from_random(&seed) {
            return Ok(key);
        }
    }
}

fn jitter() -> f64 {
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

fn outbox_error(e: std::io::Error) -> AgentError {
    AgentError::new(
        AppErrorCode::LocalState,
        format!("cannot keep the report on disk: {e}"),
        Some("Check that your home directory is writable and not full."),
    )
}

impl<D: DeviceProbe, S: SecretStore, C: Clock> Agent<D, S, C> {
    pub(crate) fn outbox(&self) -> Outbox {
        Outbox::new(self.files.state_dir.join("outbox"))
    }

    /// What is waiting to be sent.
    pub fn outbox_view(&self) -> OutboxView {
        let outbox = self.outbox();
        let pending = outbox.pending();
        OutboxView {
            pending: pending.len() as u32,
            next_try_at_ms: pending.iter().map(|e| e.next_try_at_ms).min(),
            last_error: pending.iter().rev().find_map(|e| e.last_error.clone()),
            rejected: outbox.rejected() as u32,
        }
    }

    /// Makes a report of this device now, queues it, and sends everything waiting.
    pub async fn report(&self) -> Result<PostureView, AgentError> {
        let (api, token, mut rec) = self.enrolled().await?;
        if rec.device_key_account.is_none() {
            // Joined before device keys existed: add one, so that reports can be signed.
            // If the server cannot be reached, the report waits unsigned and is signed when
            // it is sent, once the key is in place.
            match self.add_device_key(&api, &token, &rec).await {
                Ok(keyed) => rec = keyed,
                Err(e) => tracing::warn!(error = %e.message, "no device key yet; the report waits in the outbox"),
            }
        }
        let facts = self.device.facts();
        let authenticators = self.device.authenticators().await;
        let clock = self
            .measure_clock(&api)
            .await
            .ok()
            .map(|(o, _)| lastmile_proto::api::ClockClaim { offset_ms: o.offset_ms, delay_ms: o.delay_ms });
        let report = posture_report(self.clock.now(), &facts, &authenticators, clock, &self.app_version);
        self.queue_report(&rec, report).await?;
        match self.send_queued(&api, &token, true).await? {
            Some(view) => Ok(view),
            None => api.me(&token).await.map_err(AgentError::from_client),
        }
    }

    /// One turn of the background reporter: a new report when the last one is older than
    /// the report interval (or there was none this run), else the queued reports that are
    /// due. Returns when the last report was made. Does nothing before joining.
    pub async fn background_tick(&self, last_report_ms: Option<i64>) -> Result<Option<i64>, AgentError> {
        if !matches!(self.files.read_state(), Ok(s) if s.enrollment.is_some()) {
            return Ok(last_report_ms);
        }
        let interval_ms = self.report_interval_ms()?;
        let now = self.clock.now().0;
        if last_report_ms.is_none_or(|t| now - t >= interval_ms) {
            // Made and queued even when the send fails: it then waits in the outbox.
            let _ = self.report().await;
            return Ok(Some(now));
        }
        self.send_outbox().await.map(|_| last_report_ms)
    }

    /// One run of the scheduled reporter (`lastmile report --if-due`, which the systemd user
    /// timer, the LaunchAgent and the Scheduled Task start every few minutes, window or not):
    /// joins with an invite IT set if the device has not joined, then makes a report when
    /// the newest is older than the report interval, else sends whatever queued reports are
    /// due. Many runs a day cost a file read each.
    /// Also returns the status after the turn (which keeps the machine status file current
    /// for inventory tools, whatever happened), for the reminder the caller may show.
    pub async fn scheduled_report(&self) -> (Result<Scheduled, AgentError>, Option<lastmile_proto::app::StatusReport>) {
        let result = self.scheduled_turn().await;
        (result, self.status().await.ok())
    }

    async fn scheduled_turn(&self) -> Result<Scheduled, AgentError> {
        if let Err(e) = self.join_preseeded().await {
            tracing::warn!(error = %e.message, "the invite IT set was not used");
        }
        if !matches!(self.files.read_state(), Ok(s) if s.enrollment.is_some()) {
            return Ok(Scheduled::NotJoined);
        }
        let interval_ms = self.report_interval_ms()?;
        let now = self.clock.now().0;
        match self.outbox().last_made() {
            Some(last) if now - last < interval_ms && last <= now => {
                self.send_outbox().await?;
                Ok(Scheduled::NotDue { next_at_ms: last + interval_ms, wait_ms: last + interval_ms - now })
            }
            _ => self.report().await.map(|view| Scheduled::Reported(Box::new(view))),
        }
    }

    /// What to do at login (`lastmile --autostart`, from the login items the packages
    /// install): nothing when `autostart` is `never`; otherwise the scheduled run (join with
    /// an invite IT set, report if due), then the window only when something needs doing:
    /// not joined, a step the organisation asks for, or a problem that blocks. A person who
    /// is all set is not shown a window at every login.
    pub async fn at_login(&self) -> Result<AtLogin, AgentError> {
        let settings = self.resolve_settings()?.settings;
        if settings.autostart.value.as_deref() == Some("never") {
            return Ok(AtLogin::Off);
        }
        let (_, status) = self.scheduled_report().await;
        Ok(if status.as_ref().is_some_and(crate::exit::all_set) { AtLogin::AllSet } else { AtLogin::OpenWindow })
    }

    /// The time between reports (`report_interval_minutes`).
    fn report_interval_ms(&self) -> Result<i64, AgentError> {
        let minutes = self
            .resolve_settings()?
            .settings
            .report_interval_minutes
            .value
            .unwrap_or(lastmile_core::settings::DEFAULT_REPORT_INTERVAL_MINUTES);
        Ok(i64::from(minutes) * 60_000)
    }

    /// Sends what is due (or everything, when the person asked), for the background timer.
    pub async fn send_outbox(&self) -> Result<Option<PostureView>, AgentError> {
        if self.outbox().pending().is_empty() {
            return Ok(None);
        }
        let (api, token, _) = self.enrolled().await?;
        self.send_queued(&api, &token, false).await
    }

    /// Sends what is waiting (right after joining or recovering, with a fresh token).
    pub(crate) async fn send_outbox_to(&self, api: &ApiClient, token: &DeviceToken) -> Result<(), AgentError> {
        self.send_queued(api, token, true).await.map(|_| ())
    }

    /// A new device key, already stored in the keyring; with its account name.
    pub(crate) async fn new_device_key(&self) -> Result<(DeviceKey, String), AgentError> {
        let account = new_key_account();
        let key = self.store_new_device_key(&account).await?;
        Ok((key, account))
    }

    /// A fresh device key, stored in the keyring under `account`.
    async fn store_new_device_key(&self, account: &str) -> Result<DeviceKey, AgentError> {
        let key = fresh_device_key()?;
        let stored =
            key.to_stored().map_err(|e| AgentError::new(AppErrorCode::Internal, format!("device key: {e}"), None))?;
        let (a, secret) = (account.to_string(), stored.to_string());
        self.secrets(move |s| s.store(&a, &secret)).await.map_err(|e| {
            AgentError::new(
                AppErrorCode::KeyringUnavailable,
                format!("the keyring refused this device's signing key: {e}"),
                Some("Nothing was used up. On Linux, start and unlock GNOME Keyring or KWallet, then try again."),
            )
        })?;
        Ok(key)
    }

    /// The device key the keyring holds under `account`, if any.
    async fn load_device_key(&self, account: &str) -> Result<Option<DeviceKey>, AgentError> {
        let a = account.to_string();
        let stored = self
            .secrets(move |s| s.load(&a))
            .await
            .map_err(|e| AgentError::new(AppErrorCode::KeyringUnavailable, format!("no OS keyring: {e}"), None))?;
        stored
            .map(|stored| {
                DeviceKey::from_stored(&stored).map_err(|e| {
                    AgentError::new(AppErrorCode::LocalState, format!("the keyring's device key: {e}"), None)
                })
            })
            .transpose()
    }

    /// Gives this device (joined before device keys existed) a key: made once and kept in the
    /// keyring under an account named after the device, so that a retry after a lost answer
    /// offers the same key (the server answers that it already has it); recorded in the
    /// state file once the server has it.
    pub(crate) async fn add_device_key(
        &self,
        api: &ApiClient,
        token: &DeviceToken,
        rec: &EnrollmentRecord,
    ) -> Result<EnrollmentRecord, AgentError> {
        let account = format!("device-key:{}", rec.device_id);
        let key = match self.load_device_key(&account).await? {
            Some(key) => key,
            None => self.store_new_device_key(&account).await?,
        };
        api.add_device_key(token, &key.public_key()).await.map_err(AgentError::from_client)?;
        let mut state = self.files.read_state().map_err(|p| {
            AgentError::new(AppErrorCode::LocalState, format!("the local enrollment state cannot be read: {p}"), None)
        })?;
        if let Some(r) = state.enrollment.as_mut().filter(|r| r.device_id == rec.device_id) {
            r.device_key_account = Some(account.clone());
        }
        self.write_state(&state)?;
        tracing::info!(device = %rec.device_id, "device key added; reports are signed from now");
        Ok(EnrollmentRecord { device_key_account: Some(account), ..rec.clone() })
    }

    /// The device key of an enrollment, from the keyring (none for a device that joined
    /// before device keys existed and has not added one yet).
    async fn device_key(&self, rec: &EnrollmentRecord) -> Result<Option<DeviceKey>, AgentError> {
        let Some(account) = &rec.device_key_account else { return Ok(None) };
        let key = self.load_device_key(account).await?.ok_or_else(|| {
            AgentError::new(
                AppErrorCode::KeyringUnavailable,
                "this device's signing key is missing from the keyring, so the server cannot trust its reports",
                Some("Recover with a recovery code (`lastmile recover`), or leave and join again."),
            )
        })?;
        Ok(Some(key))
    }

    /// Numbers, signs and durably queues a report.
    pub(crate) async fn queue_report(
        &self,
        rec: &EnrollmentRecord,
        mut report: PostureReport,
    ) -> Result<Entry, AgentError> {
        let key = self.device_key(rec).await?;
        let outbox = self.outbox();
        report.sequence = outbox.next_sequence().map_err(outbox_error)?;
        outbox.mark_made(self.clock.now().0).map_err(outbox_error)?;
        report.report_id = format!("rpt_{}", random_hex(16));
        let body = serde_json::to_string(&report)
            .map_err(|e| AgentError::new(AppErrorCode::Internal, format!("report: {e}"), None))?;
        let entry = Entry {
            sequence: report.sequence,
            report_id: report.report_id.clone(),
            device_id: rec.device_id.clone(),
            signature: key.as_ref().map(|k| k.sign_report(&rec.device_id, body.as_bytes())),
            body,
            queued_at_ms: self.clock.now().0,
            attempts: 0,
            next_try_at_ms: 0,
            last_error: None,
        };
        outbox.put(&entry).map_err(outbox_error)?;
        Ok(entry)
    }

    /// Sends queued reports oldest first. A failure worth retrying keeps the report and
    /// schedules the next try; a report the server refuses for good is set aside.
    async fn send_queued(
        &self,
        api: &ApiClient,
        token: &DeviceToken,
        now_please: bool,
    ) -> Result<Option<PostureView>, AgentError> {
        let outbox = self.outbox();
        let mut last = None;
        // Reports queued before this device had a key are signed now that it has one.
        let rec = self.files.read_state().ok().and_then(|s| s.enrollment);
        let key = match &rec {
            Some(rec) if outbox.pending().iter().any(|e| e.signature.is_none()) => self.device_key(rec).await?,
            _ => None,
        };
        for mut entry in outbox.pending() {
            let now = self.clock.now().0;
            if !now_please && entry.next_try_at_ms > now {
                break; // in order: later reports wait for earlier ones
            }
            if let (None, Some(key)) = (&entry.signature, &key) {
                entry.signature = Some(key.sign_report(&entry.device_id, entry.body.as_bytes()));
                outbox.put(&entry).map_err(outbox_error)?;
            }
            match api.report_signed(token, entry.body.clone(), entry.signature.as_deref()).await {
                Ok(view) => {
                    outbox.remove(entry.sequence).map_err(outbox_error)?;
                    last = Some(view);
                }
                Err(ClientError::Api {
                    code: ErrorCode::SignatureInvalid | ErrorCode::ReportReplayed | ErrorCode::BadRequest,
                    message,
                    ..
                }) => {
                    tracing::warn!(sequence = entry.sequence, %message, "report refused for good; set aside");
                    outbox.reject(entry, &message).map_err(outbox_error)?;
                }
                Err(e) if e.is_transient() => {
                    entry.attempts += 1;
                    entry.next_try_at_ms = now + backoff_ms(entry.attempts, jitter());
                    entry.last_error = Some(e.to_string());
                    outbox.put(&entry).map_err(outbox_error)?;
                    let waiting = outbox.pending().len();
                    let mut error = AgentError::from_client(e);
                    error.hint = Some(format!(
                        "{waiting} report(s) kept on this device; they are sent automatically when the server can be \
                         reached (next try in about {} s), or run `lastmile report` again.",
                        (entry.next_try_at_ms - now) / 1000
                    ));
                    return Err(error);
                }
                Err(e) => return Err(AgentError::from_client(e)),
            }
        }
        Ok(last)
    }
}

/// What a scheduled run did.
#[derive(Debug, Clone, PartialEq)]
pub enum Scheduled {
    /// Not joined (and no invite IT set could join it): nothing to report.
    NotJoined,
    /// A report was made and sent (or queued).
    Reported(Box<PostureView>),
    /// The newest report is recent; the next is due then.
    NotDue { next_at_ms: i64, wait_ms: i64 },
}

/// What [`Agent::at_login`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtLogin {
    /// `autostart` is `never`.
    Off,
    /// Nothing needs doing: no window.
    AllSet,
    /// Something needs doing: open the window.
    OpenWindow,
}
