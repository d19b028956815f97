//! The local state file (`state.json` in the user's state directory): which server this
//! device joined and as whom. No secrets: the device token is in the OS keyring.

use serde::{Deserialize, Serialize};

pub const STATE_FILE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateFile {
    pub version: u32,
    pub enrollment: Option<EnrollmentRecord>,
    /// A recovery sign-in that was started and may not have been answered: retries reuse
    /// its attempt key, so that a lost answer does not cost the user's recovery code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_recovery: Option<PendingRecovery>,
    /// Fingerprints (`InviteCode::fingerprint`) of invites IT set that this device has used,
    /// so that a policy's invite joins once, not again after the person leaves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub used_invites: Vec<String>,
}

impl StateFile {
    pub fn empty() -> Self {
        Self { version: STATE_FILE_VERSION, enrollment: None, pending_recovery: None, used_invites: Vec::new() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PendingRecovery {
    pub server_url: String,
    pub username: String,
    /// Random, not secret on its own (the server also needs the code).
    pub attempt_id: String,
    pub started_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentRecord {
    pub server_url: String,
    pub device_id: String,
    pub user_email: String,
    pub user_name: String,
    pub organisation: String,
    pub joined_at_ms: i64,
    /// Until when (server clock) this device holds a recovery session, so that the app can
    /// take the user back to it after a restart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_until_ms: Option<i64>,
    /// The keyring account holding this device's private key (reports are signed with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_key_account: Option<String>,
}
