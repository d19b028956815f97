//! Platform authenticators and the TPM, per OS. Each answer says honestly what exists and
//! what Lastmile can do with it; `None` means "cannot tell here", never a guess.

use lastmile_proto::app::{PlatformAuthenticator, PlatformKind, PlatformNote, Tpm, TpmNote};

pub fn platform_authenticator() -> PlatformAuthenticator {
    #[cfg(windows)]
    {
        let api_version = webauthn_authenticator_rs::win10::Win10::api_version();
        if api_version >= 1 {
            PlatformAuthenticator {
                kind: PlatformKind::WindowsHello,
                available: None,
                note: PlatformNote::WindowsHello { api_version },
            }
        } else {
            PlatformAuthenticator {
                kind: PlatformKind::WindowsHello,
                available: Some(false),
                note: PlatformNote::WindowsNoWebauthn,
            }
        }
    }
    #[cfg(target_os = "macos")]
    {
        PlatformAuthenticator { kind: PlatformKind::TouchId, available: None, note: PlatformNote::TouchId }
    }
    #[cfg(target_os = "linux")]
    {
        let note = match linux_fingerprint_reader() {
            Some(reader) => PlatformNote::FingerprintReader { reader },
            None => PlatformNote::Linux,
        };
        PlatformAuthenticator { kind: PlatformKind::None, available: Some(false), note }
    }
    #[cfg(not(any(windows, target_os = "macos", target_os = "linux")))]
    {
        PlatformAuthenticator { kind: PlatformKind::None, available: Some(false), note: PlatformNote::OtherOs }
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
            Tpm { present: Some(true), note: TpmNote::LinuxDevice { version: version.clone() }, version }
        } else {
            Tpm { present: Some(false), version: None, note: TpmNote::LinuxNone }
        }
    }
    #[cfg(windows)]
    {
        // TPM 2.0 devices enumerate under the ACPI id MSFT0101.
        let present = windows_registry::LOCAL_MACHINE
            .open(r"SYSTEM\CurrentControlSet\Enum\ACPI\MSFT0101")
            .and_then(|k| k.keys().map(|mut i| i.next().is_some()));
        match present {
            Ok(true) => Tpm { present: Some(true), version: Some("2.0".into()), note: TpmNote::WindowsDevice },
            Ok(false) | Err(_) => Tpm { present: Some(false), version: None, note: TpmNote::WindowsNone },
        }
    }
    #[cfg(target_os = "macos")]
    {
        Tpm { present: Some(false), version: None, note: TpmNote::MacSecureEnclave }
    }
    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    {
        Tpm { present: None, version: None, note: TpmNote::Unknown }
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
