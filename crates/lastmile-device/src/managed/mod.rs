//! Managed settings: what IT pushes through MDM, which the user cannot override.
//!
//! * Linux: `/etc/lastmile/managed.json` (JSON, the keys of `SettingsFile`).
//! * macOS: the managed-preferences plist of the bundle id `dev.lastmile.desktop`
//!   (`/Library/Managed Preferences/dev.lastmile.desktop.plist`, or the per-user one).
//! * Windows: values under `HKLM\SOFTWARE\Policies\Lastmile` (REG_SZ strings,
//!   `report_interval_minutes` as REG_DWORD).
//!
//! A missing source means "nothing managed". A source that exists but cannot be read or
//! parsed is an error: the app then refuses to act on settings IT meant to pin.
//!
//! Builds with the feature `test-hooks` (the end-to-end tests) honour `LASTMILE_MANAGED_PATH`
//! to read a JSON fixture instead of the OS location; the packaged app cannot be built with
//! it, so a user cannot unpin a managed setting.

use lastmile_proto::settings_file::{KEYS, SettingsFile};

use crate::DeviceError;

mod plist_file;
mod registry;

pub use plist_file::read_plist_file;
pub use registry::{RegValue, parse_reg_file, settings_from_registry};

/// The macOS bundle identifier, which names the managed-preferences domain.
pub const BUNDLE_ID: &str = "dev.lastmile.desktop";

/// Where the managed settings come from on this OS (for messages and the UI).
pub fn location() -> String {
    #[cfg(feature = "test-hooks")]
    if let Ok(p) = std::env::var("LASTMILE_MANAGED_PATH") {
        return p;
    }
    os_location()
}

/// Reads the managed settings. `Ok(None)` when IT has configured nothing.
pub fn read() -> Result<Option<SettingsFile>, DeviceError> {
    #[cfg(feature = "test-hooks")]
    if let Ok(p) = std::env::var("LASTMILE_MANAGED_PATH") {
        return read_json_file(std::path::Path::new(&p));
    }
    read_os()
}

/// Parses a managed JSON file. Used on Linux and by tests on every OS.
pub fn read_json_file(path: &std::path::Path) -> Result<Option<SettingsFile>, DeviceError> {
    let invalid = |reason: String| DeviceError::ManagedInvalid { location: path.display().to_string(), reason };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(invalid(format!("cannot read it: {e}"))),
    };
    parse_json(&bytes).map(Some).map_err(invalid)
}

/// Parses managed JSON, explaining what is wrong in terms an administrator can fix.
pub fn parse_json(bytes: &[u8]) -> Result<SettingsFile, String> {
    serde_json::from_slice(bytes).map_err(|e| {
        let msg = e.to_string();
        if msg.contains("unknown field") {
            format!("{msg}; the known settings are {}", KEYS.join(", "))
        } else {
            format!("not valid settings JSON: {msg}")
        }
    })
}

#[cfg(target_os = "linux")]
fn os_location() -> String {
    "/etc/lastmile/managed.json".into()
}

#[cfg(target_os = "linux")]
fn read_os() -> Result<Option<SettingsFile>, DeviceError> {
    read_json_file(std::path::Path::new("/etc/lastmile/managed.json"))
}

#[cfg(target_os = "macos")]
fn os_location() -> String {
    format!("/Library/Managed Preferences/{BUNDLE_ID}.plist")
}

#[cfg(target_os = "macos")]
fn read_os() -> Result<Option<SettingsFile>, DeviceError> {
    // A per-user profile wins over the computer-wide one, as with CFPreferences.
    let mut candidates = Vec::new();
    if let Ok(user) = std::env::var("USER") {
        candidates.push(format!("/Library/Managed Preferences/{user}/{BUNDLE_ID}.plist"));
    }
    candidates.push(os_location());
    for path in candidates {
        if let Some(settings) = read_plist_file(std::path::Path::new(&path))? {
            return Ok(Some(settings));
        }
    }
    Ok(None)
}

#[cfg(windows)]
fn os_location() -> String {
    r"HKLM\SOFTWARE\Policies\Lastmile".into()
}

#[cfg(windows)]
fn read_os() -> Result<Option<SettingsFile>, DeviceError> {
    use windows_registry::{LOCAL_MACHINE, Type};

    let invalid = |reason: String| DeviceError::ManagedInvalid { location: os_location(), reason };
    let key = match LOCAL_MACHINE.open(registry::POLICY_KEY) {
        Ok(k) => k,
        // ERROR_FILE_NOT_FOUND: no policy configured.
        Err(e) if e.code().0 as u32 == 0x8007_0002 => return Ok(None),
        Err(e) => return Err(invalid(format!("cannot open the key: {e}"))),
    };
    let values = key.values().map_err(|e| invalid(format!("cannot list values: {e}")))?;
    let values = values.map(|(name, value)| {
        let ours = match value.ty() {
            Type::String | Type::ExpandString => {
                String::try_from(value.clone()).map_or(RegValue::Other("an unreadable string"), RegValue::String)
            }
            Type::U32 => {
                u32::try_from(value.clone()).map_or(RegValue::Other("an unreadable REG_DWORD"), RegValue::Dword)
            }
            Type::U64 => RegValue::Other("REG_QWORD"),
            Type::MultiString => RegValue::Other("REG_MULTI_SZ"),
            Type::Bytes => RegValue::Other("REG_BINARY"),
            _ => RegValue::Other("another type"),
        };
        (name, ours)
    });
    settings_from_registry(values, &os_location()).map(Some)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn os_location() -> String {
    "(no managed settings on this OS)".into()
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn read_os() -> Result<Option<SettingsFile>, DeviceError> {
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_table() {
        let ok: [(&str, SettingsFile); 2] = [
            ("{}", SettingsFile::default()),
            (
                r#"{"server_url": "https://mfa.example.com", "report_interval_minutes": 60}"#,
                SettingsFile {
                    server_url: Some("https://mfa.example.com".into()),
                    report_interval_minutes: Some(60),
                    ..SettingsFile::default()
                },
            ),
        ];
        for (input, want) in ok {
            assert_eq!(parse_json(input.as_bytes()), Ok(want), "{input}");
        }
        let bad = [
            (r#"{"server_ulr": "https://x"}"#, "known settings are server_url"),
            (r#"{"report_interval_minutes": "sixty"}"#, "not valid settings JSON"),
            ("{", "not valid settings JSON"),
            ("", "not valid settings JSON"),
        ];
        for (input, needle) in bad {
            let err = parse_json(input.as_bytes()).expect_err(input);
            assert!(err.contains(needle), "{input}: {err}");
        }
    }

    #[test]
    fn files_missing_unreadable_or_broken() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(read_json_file(&dir.path().join("absent.json")), Ok(None)));
        let broken = dir.path().join("managed.json");
        std::fs::write(&broken, "{ nope").expect("write");
        let err = read_json_file(&broken).expect_err("broken");
        assert!(err.to_string().contains("managed.json"), "{err}");
        // A directory where the file should be is unreadable, not "nothing managed".
        let err = read_json_file(dir.path()).expect_err("a directory");
        assert!(err.to_string().contains("cannot read it"), "{err}");
    }
}
