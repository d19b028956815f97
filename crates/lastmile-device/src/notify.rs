//! Desktop notifications (the reminders): the freedesktop notification service over D-Bus on
//! Linux and toast notifications on Windows (under the app's id, which its installer
//! registers), through notify-rust; Notification Center on macOS through `osascript`.

use crate::DeviceError;

/// The app's identity for notifications (the bundle id, the Windows AppUserModelID).
pub const APP_ID: &str = "dev.lastmile.desktop";

/// Shows a notification; returns once the OS took it.
#[cfg(not(target_os = "macos"))]
pub fn show(summary: &str, body: &str) -> Result<(), DeviceError> {
    let mut n = notify_rust::Notification::new();
    n.summary(summary).body(body).appname("Lastmile");
    #[cfg(target_os = "linux")]
    n.icon("lastmile").hint(notify_rust::Hint::DesktopEntry("Lastmile".into()));
    #[cfg(windows)]
    n.app_id(APP_ID);
    n.show().map(|_| ()).map_err(|e| DeviceError::Notification(e.to_string()))
}

/// Shows a notification; returns once the OS took it.
#[cfg(target_os = "macos")]
pub fn show(summary: &str, body: &str) -> Result<(), DeviceError> {
    // AppleScript string literals: a backslash and a double quote are escaped.
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let script = format!("display notification {} with title {}", quote(body), quote(summary));
    let out = std::process::Command::new("/usr/bin/osascript")
        .args(["-e", &script])
        .output()
        .map_err(|e| DeviceError::Notification(e.to_string()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(DeviceError::Notification(String::from_utf8_lossy(&out.stderr).trim().to_string()))
    }
}

/// The minute of the local day (0..1440) at `ms` (Unix), in this device's time zone.
pub fn local_minute_of_day(ms: i64) -> u16 {
    use chrono::Timelike as _;
    let local = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().with_timezone(&chrono::Local);
    u16::try_from(local.hour() * 60 + local.minute()).unwrap_or_default()
}
