//! The local state file (`state.json` in the user's state directory): which server this
//! device joined and as whom. No secrets: the device token is in the OS keyring.

use serde::{Deserialize, Serialize};

pub const STATE_FILE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateFile {
    pub version: u32,
    pub enrollment: Option<EnrollmentRecord>,
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
}
