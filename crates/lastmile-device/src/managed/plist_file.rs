//! Managed preferences as macOS stores them: a property list (binary, as the MDM client
//! writes it, or XML) whose keys are those of [`SettingsFile`]. Compiled on every OS, so that
//! the macOS path's reader runs in the tests here against real plist files.

use std::path::Path;

use super::{ManagedRead, split_known};
use crate::DeviceError;

/// Reads a managed-preferences plist. `Ok(None)` when there is no such file. Unknown keys
/// are named in [`ManagedRead::unknown`]; known keys of the wrong type are errors.
pub fn read_plist_file(path: &Path) -> Result<Option<ManagedRead>, DeviceError> {
    let invalid = |reason: String| DeviceError::ManagedInvalid { location: path.display().to_string(), reason };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(invalid(format!("cannot read it: {e}"))),
    };
    let not_valid = |e: &dyn std::fmt::Display| invalid(format!("not a valid settings property list: {e}"));
    let dict = match plist::from_bytes::<plist::Value>(&bytes).map_err(|e| not_valid(&e))? {
        plist::Value::Dictionary(d) => d,
        _ => return Err(not_valid(&"it must hold one dictionary")),
    };
    // Through JSON, so that the plist and the JSON file follow the same rules.
    let object = match serde_json::to_value(&dict).map_err(|e| not_valid(&e))? {
        serde_json::Value::Object(map) => map,
        _ => return Err(not_valid(&"it must hold one dictionary")),
    };
    let (settings, unknown) = split_known(object).map_err(|e| not_valid(&e))?;
    let name = path.display();
    Ok(Some(ManagedRead { settings, unknown: unknown.into_iter().map(|k| format!("{k} (in {name})")).collect() }))
}
