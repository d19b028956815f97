//! Where the user's own files live: `settings.json` (the user layer of the settings) and
//! `state.json` (this device's enrollment, no secrets). Both follow each OS's conventions
//! (XDG on Linux, Application Support on macOS, AppData on Windows).

use std::path::{Path, PathBuf};

use crate::DeviceError;

const APP_DIR: &str = "lastmile";

/// Directory of the user settings file.
pub fn config_dir() -> Result<PathBuf, DeviceError> {
    dirs::config_dir().map(|d| d.join(APP_DIR)).ok_or(DeviceError::NoHomeDirectory("configuration"))
}

/// Directory of the local state (enrollment facts, later the outbox).
pub fn state_dir() -> Result<PathBuf, DeviceError> {
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|d| d.join(APP_DIR))
        .ok_or(DeviceError::NoHomeDirectory("state"))
}

/// The name that makes the app a single instance on Linux's session bus, for the state
/// directory `state_dir` (the single-instance plugin appends `.SingleInstance`): one running
/// app per state directory, so that a second launch by the same person hands over its link
/// and exits, while two state directories on one bus (the test suite's homes, or a person's
/// second profile) each keep their own. FNV-1a, so that every version of the app computes the
/// same name.
pub fn instance_name(state_dir: &Path) -> String {
    let dir = state_dir.display().to_string();
    let hash = dir.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{IDENTIFIER}.s{hash:016x}")
}

/// The app's identifier (`tauri.conf.json`), the base of its single-instance name.
const IDENTIFIER: &str = "dev.lastmile.desktop";

/// Where the app's log files go, by each OS's convention: `$XDG_STATE_HOME/lastmile/logs`
/// on Linux (logs are state in the XDG spec), `~/Library/Logs/Lastmile` on macOS,
/// `%LOCALAPPDATA%\lastmile\logs` on Windows.
pub fn log_dir() -> Result<PathBuf, DeviceError> {
    #[cfg(target_os = "macos")]
    {
        dirs::home_dir().map(|h| h.join("Library/Logs/Lastmile")).ok_or(DeviceError::NoHomeDirectory("logs"))
    }
    #[cfg(not(target_os = "macos"))]
    {
        state_dir().map(|d| d.join("logs"))
    }
}

/// The machine status directory, which the packages create (Linux: mode 1733, so that each
/// person can add their own file, read by anyone, and change no one else's). `None` on an
/// OS without one. Builds with `test-hooks` honour `LASTMILE_MACHINE_STATUS_DIR`.
pub fn machine_status_dir() -> Option<PathBuf> {
    #[cfg(feature = "test-hooks")]
    if let Some(dir) = std::env::var_os("LASTMILE_MACHINE_STATUS_DIR") {
        return Some(dir.into());
    }
    #[cfg(target_os = "linux")]
    return Some(PathBuf::from("/var/lib/lastmile/status"));
    #[cfg(target_os = "macos")]
    return Some(PathBuf::from("/Library/Application Support/Lastmile/status"));
    #[cfg(windows)]
    return std::env::var_os("ProgramData").map(|d| PathBuf::from(d).join("Lastmile").join("status"));
    #[allow(unreachable_code)]
    None
}

/// Where the user keeps documents (for files the user asks the app to save).
pub fn documents_dir() -> Result<PathBuf, DeviceError> {
    dirs::document_dir().or_else(dirs::home_dir).ok_or(DeviceError::NoHomeDirectory("documents"))
}
