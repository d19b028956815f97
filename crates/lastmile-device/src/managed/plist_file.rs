//! Managed preferences as macOS stores them: a property list (binary, as the MDM client
//! writes it, or XML) whose keys are those of [`SettingsFile`]. Compiled on every OS, so that
//! the macOS path's reader runs in the tests here against real plist files.

use std::path::Path;

use lastmile_proto::settings_file::{KEYS, SettingsFile};

use crate::DeviceError;

/// Reads a managed-preferences plist. `Ok(None)` when there is no such file.
pub fn read_plist_file(path: &Path) -> Result<Option<SettingsFile>, DeviceError> {
    let invalid = |reason: String| DeviceError::ManagedInvalid { location: path.display().to_string(), reason };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(invalid(format!("cannot read it: {e}"))),
    };
    plist::from_bytes::<SettingsFile>(&bytes).map(Some).map_err(|e| {
        let msg = e.to_string();
        invalid(if msg.contains("unknown field") {
            format!("{msg}; the known settings are {}", KEYS.join(", "))
        } else {
            format!("not a valid settings property list: {msg}")
        })
    })
}
