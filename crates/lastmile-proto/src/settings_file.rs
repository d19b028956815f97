//! The settings-file schema, shared by the managed file (`/etc/lastmile/managed.json`, the
//! macOS managed-preferences plist, the Windows policy registry key) and the user file.
//! Unknown keys are refused so that a typo in an MDM profile is caught, not ignored.

use lastmile_core::settings::RawLayer;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_interval_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_url: Option<String>,
    /// `host[:port]` of NTP servers to also check the clock against, comma-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ntp_servers: Option<String>,
    /// Which of the organisation's sign-ins joining uses (its id, from `admin sso list`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso_provider: Option<String>,
    /// Who manages this device, as the window says it ("Managed by Acme IT").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<String>,
    /// Where people get help: an https:// page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_url: Option<String>,
}

/// The keys a settings file may hold (for error messages).
pub const KEYS: [&str; 8] = [
    "server_url",
    "organisation",
    "report_interval_minutes",
    "proxy_url",
    "ntp_servers",
    "sso_provider",
    "managed_by",
    "support_url",
];

impl From<SettingsFile> for RawLayer {
    fn from(f: SettingsFile) -> Self {
        RawLayer {
            server_url: f.server_url,
            organisation: f.organisation,
            report_interval_minutes: f.report_interval_minutes,
            proxy_url: f.proxy_url,
            ntp_servers: f.ntp_servers,
            sso_provider: f.sso_provider,
            managed_by: f.managed_by,
            support_url: f.support_url,
        }
    }
}
