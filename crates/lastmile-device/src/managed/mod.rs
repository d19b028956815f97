//! Managed settings: what IT pushes through MDM, which the user cannot override.
//!
//! * Linux: `/etc/lastmile/managed.json` (JSON, the keys of `SettingsFile`), then the
//!   drop-ins `/etc/lastmile/managed.d/*.json` in name order (a later file's keys win), so
//!   that configuration tools can each own a fragment.
//! * macOS: the managed-preferences plist of the bundle id `dev.lastmile.desktop`
//!   (`/Library/Managed Preferences/dev.lastmile.desktop.plist`, or the per-user one).
//! * Windows: values under `SOFTWARE\Policies\Lastmile` (REG_SZ strings, numbers as
//!   REG_DWORD), in HKCU (user policy) with HKLM (machine policy) laid over it.
//!
//! A missing source means "nothing managed". A source that exists but cannot be read or
//! parsed, or holds a known setting of the wrong type, is an error: the app then refuses to
//! act on settings IT meant to pin. A key this version does not know (a profile written for a
//! newer one) is not: it is reported ([`ManagedRead::unknown`]) and the known keys apply.
//!
//! Builds with the feature `test-hooks` (the end-to-end tests) honour `LASTMILE_MANAGED_PATH`
//! to read a JSON fixture instead of the OS location; the packaged app cannot be built with
//! it, so a user cannot unpin a managed setting.

use lastmile_proto::settings_file::{SettingsFile, spec};

use crate::DeviceError;

mod plist_file;
mod registry;
pub mod templates;

pub use plist_file::read_plist_file;
pub use registry::{RegValue, parse_reg_file, settings_from_registry};

/// What the managed sources hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManagedRead {
    pub settings: SettingsFile,
    /// Keys this version does not know, each with where it was found (`key (in source)`).
    pub unknown: Vec<String>,
}

impl ManagedRead {
    /// Lays `later` over `self`: its keys win.
    fn overlay(&mut self, later: ManagedRead) {
        let object = |s: &SettingsFile| match serde_json::to_value(s) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        let mut merged = object(&self.settings);
        merged.extend(object(&later.settings));
        // Both halves came from a SettingsFile, so the merge is one too.
        if let Ok(settings) = serde_json::from_value(serde_json::Value::Object(merged)) {
            self.settings = settings;
        }
        self.unknown.extend(later.unknown);
    }
}

/// Splits a settings object into the keys this version knows, checked strictly (a wrong type
/// is an error), and the names of the others.
pub fn split_known(
    object: serde_json::Map<String, serde_json::Value>,
) -> Result<(SettingsFile, Vec<String>), serde_json::Error> {
    let (known, unknown): (serde_json::Map<_, _>, serde_json::Map<_, _>) =
        object.into_iter().partition(|(k, _)| spec(k).is_some());
    let settings = serde_json::from_value(serde_json::Value::Object(known))?;
    Ok((settings, unknown.into_iter().map(|(k, _)| k).collect()))
}

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
pub fn read() -> Result<Option<ManagedRead>, DeviceError> {
    #[cfg(feature = "test-hooks")]
    if let Ok(p) = std::env::var("LASTMILE_MANAGED_PATH") {
        return read_json_with_drop_ins(std::path::Path::new(&p));
    }
    read_os()
}

/// Reads a managed JSON file, then the `*.json` files of the `managed.d` directory next to
/// it in name order, each laid over the ones before. `Ok(None)` when none exists. Used on
/// Linux and by tests on every OS.
pub fn read_json_with_drop_ins(path: &std::path::Path) -> Result<Option<ManagedRead>, DeviceError> {
    let mut merged = read_json_file(path)?;
    let dir = path.with_file_name("managed.d");
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(merged),
        Err(e) => {
            return Err(DeviceError::ManagedInvalid {
                location: dir.display().to_string(),
                reason: format!("cannot list it: {e}"),
            });
        }
    };
    let mut drop_ins: Vec<std::path::PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    drop_ins.sort();
    for file in drop_ins {
        if let Some(fragment) = read_json_file(&file)? {
            merged.get_or_insert_with(ManagedRead::default).overlay(fragment);
        }
    }
    Ok(merged)
}

/// Parses one managed JSON file. `Ok(None)` when there is no such file.
pub fn read_json_file(path: &std::path::Path) -> Result<Option<ManagedRead>, DeviceError> {
    let invalid = |reason: String| DeviceError::ManagedInvalid { location: path.display().to_string(), reason };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(invalid(format!("cannot read it: {e}"))),
    };
    let (settings, unknown) = parse_json(&bytes).map_err(invalid)?;
    let name = path.display();
    Ok(Some(ManagedRead { settings, unknown: unknown.into_iter().map(|k| format!("{k} (in {name})")).collect() }))
}

/// Parses managed JSON into the known settings and the names of unknown keys, explaining
/// what is wrong in terms an administrator can fix.
pub fn parse_json(bytes: &[u8]) -> Result<(SettingsFile, Vec<String>), String> {
    let object = match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(map)) => map,
        Ok(_) => return Err("not valid settings JSON: the file must hold one JSON object".into()),
        Err(e) => return Err(format!("not valid settings JSON: {e}")),
    };
    split_known(object).map_err(|e| format!("not valid settings JSON: {e}"))
}

#[cfg(target_os = "linux")]
fn os_location() -> String {
    "/etc/lastmile/managed.json and /etc/lastmile/managed.d/*.json".into()
}

#[cfg(target_os = "linux")]
fn read_os() -> Result<Option<ManagedRead>, DeviceError> {
    read_json_with_drop_ins(std::path::Path::new("/etc/lastmile/managed.json"))
}

#[cfg(target_os = "macos")]
fn os_location() -> String {
    format!("/Library/Managed Preferences/{BUNDLE_ID}.plist")
}

#[cfg(target_os = "macos")]
fn read_os() -> Result<Option<ManagedRead>, DeviceError> {
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
    r"HKLM\SOFTWARE\Policies\Lastmile and HKCU\SOFTWARE\Policies\Lastmile".into()
}

/// The machine's policy laid over the user's, key by key, as Group Policy means it: a
/// computer setting wins over the same user setting.
#[cfg(windows)]
fn read_os() -> Result<Option<ManagedRead>, DeviceError> {
    let user = read_policy_key(&windows_registry::CURRENT_USER, "HKCU")?;
    let machine = read_policy_key(&windows_registry::LOCAL_MACHINE, "HKLM")?;
    Ok(match (user, machine) {
        (None, None) => None,
        (Some(one), None) | (None, Some(one)) => Some(one),
        (Some(mut user), Some(machine)) => {
            user.overlay(machine);
            Some(user)
        }
    })
}

#[cfg(windows)]
fn read_policy_key(root: &windows_registry::Key, hive: &str) -> Result<Option<ManagedRead>, DeviceError> {
    use windows_registry::Type;

    let location = format!(r"{hive}\{}", registry::POLICY_KEY);
    let invalid = |reason: String| DeviceError::ManagedInvalid { location: location.clone(), reason };
    let key = match root.open(registry::POLICY_KEY) {
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
    settings_from_registry(values, &location).map(Some)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn os_location() -> String {
    "(no managed settings on this OS)".into()
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn read_os() -> Result<Option<ManagedRead>, DeviceError> {
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_table() {
        let server = SettingsFile { server_url: Some("https://mfa.example.com".into()), ..SettingsFile::default() };
        let ok: [(&str, SettingsFile, Vec<String>); 3] = [
            ("{}", SettingsFile::default(), vec![]),
            (
                r#"{"server_url": "https://mfa.example.com", "report_interval_minutes": 60}"#,
                SettingsFile { report_interval_minutes: Some(60), ..server.clone() },
                vec![],
            ),
            // A key of a newer version (or a typo) is named; the known keys apply.
            (r#"{"server_url": "https://mfa.example.com", "tray": true}"#, server, vec!["tray".into()]),
        ];
        for (input, want, unknown) in ok {
            assert_eq!(parse_json(input.as_bytes()), Ok((want, unknown)), "{input}");
        }
        let bad = [
            (r#"{"report_interval_minutes": "sixty"}"#, "not valid settings JSON"),
            (r#"["server_url"]"#, "one JSON object"),
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

    #[test]
    fn drop_ins_are_laid_over_in_name_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let main = dir.path().join("managed.json");
        assert_eq!(read_json_with_drop_ins(&main).expect("nothing"), None, "no file, no drop-ins: nothing managed");
        let d = dir.path().join("managed.d");
        std::fs::create_dir(&d).expect("mkdir");
        std::fs::write(d.join("20-ntp.json"), r#"{"ntp_servers": "time.b", "organisation": "acme"}"#).expect("write");
        std::fs::write(d.join("10-server.json"), r#"{"server_url": "https://b", "ntp_servers": "time.a"}"#)
            .expect("write");
        std::fs::write(d.join("30-newer.json"), r#"{"tray": "always"}"#).expect("write");
        std::fs::write(d.join("README"), "not json, not read").expect("write");
        std::fs::write(d.join("40-old.json.dpkg-old"), "{ broken").expect("write");
        std::fs::write(&main, r#"{"server_url": "https://a", "report_interval_minutes": 60}"#).expect("write");
        let read = read_json_with_drop_ins(&main).expect("read").expect("something");
        assert_eq!(
            read.settings,
            SettingsFile {
                server_url: Some("https://b".into()),
                organisation: Some("acme".into()),
                report_interval_minutes: Some(60),
                ntp_servers: Some("time.b".into()),
                ..SettingsFile::default()
            }
        );
        assert_eq!(read.unknown, vec![format!("tray (in {})", d.join("30-newer.json").display())]);
        // A broken drop-in breaks the whole: IT's intent cannot be known.
        std::fs::write(d.join("25-broken.json"), r#"{"report_interval_minutes": "hourly"}"#).expect("write");
        let err = read_json_with_drop_ins(&main).expect_err("broken").to_string();
        assert!(err.contains("25-broken.json"), "{err}");
    }
}
