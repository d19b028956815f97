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
    #[cfg(target_os = "linux")]
    {
        let detail = match linux_fingerprint_reader() {
            Some(reader) => format!(
                "This computer has a fingerprint reader ({reader}), but on Linux it serves the login \
                 screen (fprintd), not WebAuthn, so Lastmile cannot make it a factor: use a security \
                 key, or an authenticator app with recovery codes."
            ),
            None => "Linux has no platform authenticator for WebAuthn; use a security key, or an \
                     authenticator app with recovery codes."
                .into(),
        };
        PlatformAuthenticator { kind: PlatformKind::None, available: Some(false), detail }
    }
    #[cfg(not(any(windows, target_os = "macos", target_os = "linux")))]
    {
        PlatformAuthenticator {
            kind: PlatformKind::None,
            available: Some(false),
            detail: "This OS has no platform authenticator Lastmile can use; use a security key, or an \
                     authenticator app with recovery codes."
                .into(),
        }
    }
}

/// The maker of a USB fingerprint reader, from its USB ids (the vendors libfprint drives;
/// Elan also makes touch screens, so only its fingerprint product range counts).
pub fn fingerprint_vendor(vendor: u16, product: u16) -> Option<&'static str> {
    Some(match vendor {
        0x27c6 => "Goodix",
        0x06cb => "Synaptics",
        0x138a => "Validity",
        0x147e => "Upek",
        0x08ff => "AuthenTec",
        0x2808 => "FocalTech",
        0x1c7a => "Egis",
        0x04f3 if (0x0c00..=0x0cff).contains(&product) => "Elan",
        _ => return None,
    })
}

/// A fingerprint reader on the USB bus, as "Maker (USB vvvv:pppp)".
#[cfg(target_os = "linux")]
fn linux_fingerprint_reader() -> Option<String> {
    let read_hex =
        |p: std::path::PathBuf| std::fs::read_to_string(p).ok().and_then(|s| u16::from_str_radix(s.trim(), 16).ok());
    std::fs::read_dir("/sys/bus/usb/devices").ok()?.flatten().find_map(|d| {
        let (v, p) = (read_hex(d.path().join("idVendor"))?, read_hex(d.path().join("idProduct"))?);
        fingerprint_vendor(v, p).map(|maker| format!("{maker}, USB {v:04x}:{p:04x}"))
    })
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

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprint_readers_by_usb_id() {
        let table = [
            (0x27c6, 0x5395, Some("Goodix")),
            (0x06cb, 0x00bd, Some("Synaptics")),
            (0x04f3, 0x0c7e, Some("Elan")),
            (0x04f3, 0x2a18, None), // an Elan touch screen
            (0x1050, 0x0407, None), // a YubiKey
        ];
        for (v, p, want) in table {
            assert_eq!(super::fingerprint_vendor(v, p), want, "{v:04x}:{p:04x}");
        }
    }
}
