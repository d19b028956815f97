//! Lastmile's use cases: what the app does, independent of how it is shown.
//!
//! The desktop window (Tauri commands) and the headless CLI both drive an [`Agent`]. The
//! agent is generic over the device ([`DeviceProbe`]), the secret store ([`SecretStore`])
//! and the clock, so that tests run it with a fresh directory and a manual clock. The
//! server API is not abstracted: tests use the real server on loopback.

pub mod clock;
pub mod doctor;
mod enrolled;
mod error;
pub mod exit;
pub mod files;
pub mod glance;
mod join;
pub mod machine_status;
pub mod notes;
pub mod outbox;
mod recover;
pub mod reminders;
mod reporting;
mod security_key;
mod settings;
pub mod sso;
mod status;
pub mod support;
pub mod system;

use std::future::Future;

use lastmile_client::{ApiClient, ClientOptions};
use lastmile_core::clock::Clock;
use lastmile_core::settings::RawLayer;
use lastmile_proto::app::{Authenticators, DeviceFacts};
use lastmile_proto::settings_file::SettingsFile;

pub use error::AgentError;
pub use files::LocalFiles;
pub use join::{Preseeded, Reset};
pub use recover::RecoverInput;
pub use reporting::{AtLogin, Scheduled};
pub use settings::Resolved;

/// A verified factor as the window and `status --json` show it.
pub fn factor_summary(f: &lastmile_proto::api::FactorView) -> lastmile_proto::app::FactorSummary {
    lastmile_proto::app::FactorSummary {
        id: f.id.clone(),
        kind: f.kind.clone(),
        tier: f.tier.clone(),
        verified_at_ms: f.verified_at_ms,
        name: f
            .model
            .clone()
            .or_else(|| f.aaguid.as_deref().and_then(lastmile_device::fido::model_name).map(str::to_string)),
        certification: f.certification.as_deref().map(certification_level),
    }
}

/// `FIDO_CERTIFIED_L2` -> `L2`; `FIDO_CERTIFIED` -> `L1` (the level before levels had names).
fn certification_level(status: &str) -> String {
    match status.strip_prefix("FIDO_CERTIFIED") {
        Some("") => "L1".into(),
        Some(level) => level.trim_start_matches('_').to_string(),
        None => status.to_string(),
    }
}

/// The keyring account that holds the API token of the device `device_id`.
pub fn token_account(device_id: &str) -> String {
    format!("device-token:{device_id}")
}

/// What the agent reads from the device.
pub trait DeviceProbe: Send + Sync {
    fn facts(&self) -> DeviceFacts;
    /// Which clock-fixing instructions apply on this device.
    fn clock_platform(&self) -> lastmile_core::clockfix::ClockPlatform;
    fn authenticators(&self) -> impl Future<Output = Authenticators> + Send;
    /// How to reach the authenticator for a ceremony (the OS's, by default). Blocking.
    fn key_opener(&self) -> KeyOpener {
        std::sync::Arc::new(lastmile_device::keys::open)
    }
    /// The person's preferred languages, most preferred first (the OS's, by default).
    fn locales(&self) -> Vec<String> {
        lastmile_device::locale::os_locales()
    }
}

/// Opens the authenticator a ceremony uses, given the prompt for PIN and touch.
pub type KeyOpener = std::sync::Arc<
    dyn Fn(
            std::sync::Arc<dyn lastmile_device::keys::KeyPrompt>,
        ) -> Result<Box<dyn lastmile_device::keys::Authenticator>, lastmile_device::keys::KeyFailure>
        + Send
        + Sync,
>;

/// Where secrets are kept (the OS keyring in production). Calls may block; the agent runs
/// them on a blocking thread. Errors are sentences for people.
pub trait SecretStore: Clone + Send + Sync + 'static {
    /// Whether the store can be used at all.
    fn probe(&self) -> Result<(), String>;
    fn store(&self, account: &str, secret: &str) -> Result<(), String>;
    fn load(&self, account: &str) -> Result<Option<String>, String>;
    fn delete(&self, account: &str) -> Result<(), String>;
}

/// The managed (MDM) settings as the binary read them, with where they came from.
#[derive(Debug, Clone)]
pub struct Managed {
    pub location: String,
    /// `Ok(None)`: nothing managed. `Err`: the source exists but is unusable.
    pub settings: Result<Option<SettingsFile>, String>,
    /// Keys the sources hold that this version does not know (`key (in source)`).
    pub unknown: Vec<String>,
}

/// The agent: everything one run of the app or of a command needs.
#[derive(Debug)]
pub struct Agent<D, S, C> {
    pub device: D,
    pub secrets: S,
    pub clock: C,
    pub files: LocalFiles,
    pub managed: Managed,
    /// Settings given on the command line (`--server`).
    pub cli: RawLayer,
    pub app_version: String,
    /// Where the machine status file goes (`lastmile_device::paths::machine_status_dir`);
    /// `None`: nowhere.
    pub machine_status_dir: Option<std::path::PathBuf>,
}

impl<D: DeviceProbe, S: SecretStore, C: Clock> Agent<D, S, C> {
    fn api(&self, resolved: &Resolved, server: &url::Url) -> Result<ApiClient, AgentError> {
        let options = ClientOptions {
            proxy: resolved.settings.proxy_url.value.clone(),
            ca_bundle: resolved.settings.ca_bundle.value.clone(),
            ..ClientOptions::default()
        };
        ApiClient::new(server, &options).map_err(AgentError::from_client)
    }

    async fn secrets<T: Send + 'static>(
        &self,
        f: impl FnOnce(&S) -> Result<T, String> + Send + 'static,
    ) -> Result<T, String> {
        let s = self.secrets.clone();
        tokio::task::spawn_blocking(move || f(&s)).await.map_err(|e| format!("keyring task failed: {e}"))?
    }
}

/// Saves recovery codes the person is looking at to a new file in their documents folder
/// (after checking that they are recovery codes); returns the file's path.
pub fn save_recovery_codes(codes: &[String]) -> Result<std::path::PathBuf, AgentError> {
    use lastmile_proto::app::AppErrorCode;
    let valid = !codes.is_empty()
        && codes.len() <= lastmile_core::recovery::SET_SIZE
        && codes.iter().all(|c| lastmile_core::recovery::RecoveryCode::parse(c).is_ok());
    if !valid {
        return Err(AgentError::new(AppErrorCode::InvalidInput, "these are not recovery codes", None));
    }
    let dir = lastmile_device::paths::documents_dir()
        .map_err(|e| AgentError::new(AppErrorCode::LocalState, e.to_string(), None))?;
    files::save_recovery_codes_in(&dir, codes).map_err(|e| {
        AgentError::new(
            AppErrorCode::LocalState,
            format!("cannot save to {}: {e}", dir.display()),
            Some("Use Print or Copy instead."),
        )
    })
}
