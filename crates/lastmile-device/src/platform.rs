//! Platform authenticators and the TPM, per OS. Each answer says honestly what exists and
//! what Lastmile can do with it; `None` means "cannot tell here", never a guess.

use lastmile_proto::app::{PlatformAuthenticator, PlatformKind, Tpm};

pub fn platform_authenticator() -> PlatformAuthenticator {
    #[cfg(windows)]
    {
        let version = webauthn_authenticator_rs::win10::Win10::api_version();
        if version >= 1 {
            PlatformAuthenticator {
                kind: PlatformKind::WindowsHello,
                available: None,
                detail: format!(
                    "The Windows WebAuthn API (version {version}) is present; Windows asks for Hello \
                     (face, fingerprint or PIN) when you enroll it."
                ),
            }
        } else {
            PlatformAuthenticator {
                kind: PlatformKind::WindowsHello,
                available: Some(false),
                detail: "This Windows has no WebAuthn API (Windows 10 1903 or later is needed).".into(),
            }
        }
    }
    #[cfg(target_os = "macos")]
    {
        PlatformAuthenticator {
            kind: PlatformKind::TouchId,
            available: None,
            detail: "Touch ID is registered through the browser or the Passwords app; Lastmile \
                     cannot enroll it directly, so use a security key or an authenticator app here."
                .into(),
        }
    }
    #[cfg(not(any(windows, target_os = "macos")))]
    {
        PlatformAuthenticator {
            kind: PlatformKind::None,
            available: Some(false),
            detail: "Linux has no platform authenticator for WebAuthn; use a security key, or an \
                     authenticator app with recovery codes."
                .into(),
        }
    }
}

pub fn tpm() -> Tpm {
    #[cfg(target_os = "linux")]
    {
        let base = std::path::Path::new("/sys/class/tpm/tpm0");
        if base.exists() {
            let major = std::fs::read_to_string(base.join("tpm_version_major")).ok();
            let version = major.map(|m| format!("{}.0", m.trim()));
            Tpm {
                present: Some(true),
                detail: format!("TPM {} found at /dev/tpm0", version.as_deref().unwrap_or("(version unknown)")),
                version,
            }
        } else {
            Tpm {
                present: Some(false),
                version: None,
                detail: "no TPM is exposed by the kernel (/sys/class/tpm)".into(),
            }
        }
    }
    #[cfg(windows)]
    {
        // TPM 2.0 devices enumerate under the ACPI id MSFT0101.
        let present = windows_registry::LOCAL_MACHINE
            .open(r"SYSTEM\CurrentControlSet\Enum\ACPI\MSFT0101")
            .and_then(|k| k.keys().map(|mut i| i.next().is_some()));
        match present {
            Ok(true) => {
                Tpm { present: Some(true), version: Some("2.0".into()), detail: "TPM 2.0 device present".into() }
            }
            Ok(false) => Tpm { present: Some(false), version: None, detail: "no TPM 2.0 device is enumerated".into() },
            Err(_) => Tpm { present: Some(false), version: None, detail: "no TPM 2.0 device is enumerated".into() },
        }
    }
    #[cfg(target_os = "macos")]
    {
        Tpm {
            present: Some(false),
            version: None,
            detail: "Macs have no TPM; Apple silicon and T2 Macs have a Secure Enclave instead".into(),
        }
    }
    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    {
        Tpm { present: None, version: None, detail: "TPM detection is not available on this OS".into() }
    }
}

/// Which clock-fixing instructions apply here: the OS, and on Linux the desktop
/// (`XDG_CURRENT_DESKTOP`) or else systemd-timesyncd.
pub fn clock_platform() -> lastmile_core::clockfix::ClockPlatform {
    use lastmile_core::clockfix::ClockPlatform;
    if cfg!(windows) {
        return ClockPlatform::Windows;
    }
    if cfg!(target_os = "macos") {
        return ClockPlatform::MacOs;
    }
    let desktop = std::env::var("XDG_CURRENT_DESKTOP").unwrap_or_default().to_ascii_uppercase();
    if desktop.split(':').any(|d| d == "GNOME" || d == "UNITY" || d == "BUDGIE") {
        ClockPlatform::Gnome
    } else if desktop.split(':').any(|d| d == "KDE") {
        ClockPlatform::Kde
    } else if std::path::Path::new("/run/systemd/system").exists() {
        ClockPlatform::LinuxSystemd
    } else {
        ClockPlatform::Other
    }
}
