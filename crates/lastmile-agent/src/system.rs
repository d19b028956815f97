//! The real adapters: this device through `lastmile-device`, secrets in the OS keyring,
//! the system clock. Binaries and end-to-end tests build their agent with [`system_agent`].

use lastmile_core::settings::RawLayer;
use lastmile_device::clock::SystemClock;
use lastmile_device::keystore::OsKeyring;
use lastmile_device::{DeviceError, fido, managed, os, paths, platform};
use lastmile_proto::app::{AppErrorCode, Authenticators, DeviceFacts};

use crate::{Agent, AgentError, DeviceProbe, LocalFiles, Managed, SecretStore};

/// This device, as `lastmile-device` sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemDevice;

impl DeviceProbe for SystemDevice {
    fn facts(&self) -> DeviceFacts {
        os::facts()
    }

    fn clock_platform(&self) -> lastmile_core::clockfix::ClockPlatform {
        platform::clock_platform()
    }

    async fn authenticators(&self) -> Authenticators {
        let scan = fido::scan().await;
        Authenticators {
            security_keys: scan.keys,
            security_keys_note: scan.note,
            security_keys_blocked: scan.blocked,
            platform: platform::platform_authenticator(),
            tpm: platform::tpm(),
        }
    }
}

/// The OS keyring.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsSecrets;

impl SecretStore for OsSecrets {
    fn probe(&self) -> Result<(), String> {
        OsKeyring.probe().map_err(|e| e.to_string())
    }
    fn store(&self, account: &str, secret: &str) -> Result<(), String> {
        OsKeyring.store(account, secret).map_err(|e| e.to_string())
    }
    fn load(&self, account: &str) -> Result<Option<String>, String> {
        OsKeyring.load(account).map_err(|e| e.to_string())
    }
    fn delete(&self, account: &str) -> Result<(), String> {
        OsKeyring.delete(account).map_err(|e| e.to_string())
    }
}

/// The agent on this device, with `cli` as the command-line settings layer.
pub fn system_agent(cli: RawLayer) -> Result<Agent<SystemDevice, OsSecrets, SystemClock>, AgentError> {
    let dir = |r: Result<std::path::PathBuf, DeviceError>| {
        r.map_err(|e| AgentError::new(AppErrorCode::Internal, e.to_string(), Some("Set HOME (or XDG_CONFIG_HOME).")))
    };
    let files = LocalFiles { config_dir: dir(paths::config_dir())?, state_dir: dir(paths::state_dir())? };
    let read = managed::read().map_err(|e| match e {
        DeviceError::ManagedInvalid { location, reason } => format!("{reason} ({location})"),
        other => other.to_string(),
    });
    let unknown = read.as_ref().ok().and_then(Option::as_ref).map(|r| r.unknown.clone()).unwrap_or_default();
    let settings = read.map(|r| r.map(|r| r.settings));
    Ok(Agent {
        device: SystemDevice,
        secrets: OsSecrets,
        clock: SystemClock,
        files,
        managed: Managed { location: managed::location(), settings, unknown },
        cli,
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        machine_status_dir: paths::machine_status_dir(),
    })
}

/// The log files' level as the settings decide it (`log_level`: managed > user > "info"),
/// read before anything else runs; settings that cannot be read give the default.
pub fn log_level() -> String {
    system_agent(RawLayer::default())
        .ok()
        .and_then(|agent| agent.resolve_settings().ok())
        .and_then(|resolved| resolved.settings.log_level.value)
        .unwrap_or_else(|| lastmile_core::settings::DEFAULT_LOG_LEVEL.to_string())
}

/// The system browser (see `lastmile_device::browser`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemBrowser;

impl crate::sso::Browser for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        lastmile_device::browser::open(url)
    }
}
