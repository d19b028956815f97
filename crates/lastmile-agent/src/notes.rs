//! What the device found, worded: why no security key is listed, what platform authenticator
//! and TPM there are. The device crate says it as data (`KeysNote`, `PlatformNote`,
//! `TpmNote`); this words it in a language from the message files the window uses too
//! (`keys-note-*`, `platform-note-*`, `tpm-note-*`), for `lastmile status` in the person's
//! language and `lastmile doctor` in English.

use lastmile_core::words::{Arg, Words};
use lastmile_proto::app::{KeysNote, PlatformNote, TpmNote};

/// Why no security key is listed (or not every one).
pub fn keys_note(note: &KeysNote, words: &Words) -> String {
    match note {
        KeysNote::NonePlugged => words.say("keys-note-none_plugged", &[]),
        KeysNote::NoPermission { attached, nodes } => words.say(
            "keys-note-no_permission",
            &[("attached", Arg::Number(i64::from(*attached))), ("nodes", Arg::Text(&nodes.join(", ")))],
        ),
        KeysNote::WindowsAdministratorsOnly => words.say("keys-note-windows_administrators_only", &[]),
        KeysNote::NoUsbSupport => words.say("keys-note-no_usb_support", &[]),
        KeysNote::ScanFailed { error } => words.say("keys-note-scan_failed", &[("error", Arg::Text(error))]),
    }
}

/// What platform authenticator there is and what Lastmile can do with it.
pub fn platform_note(note: &PlatformNote, words: &Words) -> String {
    match note {
        PlatformNote::WindowsHello { api_version } => {
            words.say("platform-note-windows_hello", &[("api_version", Arg::Number(i64::from(*api_version)))])
        }
        PlatformNote::WindowsNoWebauthn => words.say("platform-note-windows_no_webauthn", &[]),
        PlatformNote::TouchId => words.say("platform-note-touch_id", &[]),
        PlatformNote::FingerprintReader { reader } => {
            words.say("platform-note-fingerprint_reader", &[("reader", Arg::Text(reader))])
        }
        PlatformNote::Linux => words.say("platform-note-linux", &[]),
        PlatformNote::OtherOs => words.say("platform-note-other_os", &[]),
    }
}

/// What TPM there is.
pub fn tpm_note(note: &TpmNote, words: &Words) -> String {
    match note {
        TpmNote::LinuxDevice { version } => {
            words.say("tpm-note-linux_device", &[("version", Arg::Text(version.as_deref().unwrap_or("unknown")))])
        }
        TpmNote::LinuxNone => words.say("tpm-note-linux_none", &[]),
        TpmNote::WindowsDevice => words.say("tpm-note-windows_device", &[]),
        TpmNote::WindowsNone => words.say("tpm-note-windows_none", &[]),
        TpmNote::MacSecureEnclave => words.say("tpm-note-mac_secure_enclave", &[]),
        TpmNote::Unknown => words.say("tpm-note-unknown", &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every note, in every language, is a sentence of its own (no message id left, no
    /// English in the other languages where English has a sentence of its own).
    #[test]
    fn every_note_is_worded_in_every_language() {
        let keys = [
            KeysNote::NonePlugged,
            KeysNote::NoPermission { attached: 2, nodes: vec!["/dev/hidraw3".into()] },
            KeysNote::WindowsAdministratorsOnly,
            KeysNote::NoUsbSupport,
            KeysNote::ScanFailed { error: "Io".into() },
        ];
        let platforms = [
            PlatformNote::WindowsHello { api_version: 4 },
            PlatformNote::WindowsNoWebauthn,
            PlatformNote::TouchId,
            PlatformNote::FingerprintReader { reader: "Goodix, USB 27c6:5395".into() },
            PlatformNote::Linux,
            PlatformNote::OtherOs,
        ];
        let tpms = [
            TpmNote::LinuxDevice { version: Some("2.0".into()) },
            TpmNote::LinuxDevice { version: None },
            TpmNote::LinuxNone,
            TpmNote::WindowsDevice,
            TpmNote::WindowsNone,
            TpmNote::MacSecureEnclave,
            TpmNote::Unknown,
        ];
        let all = |words: &Words| -> Vec<String> {
            keys.iter()
                .map(|n| keys_note(n, words))
                .chain(platforms.iter().map(|n| platform_note(n, words)))
                .chain(tpms.iter().map(|n| tpm_note(n, words)))
                .collect()
        };
        let english = all(Words::new("en"));
        for language in lastmile_core::locale::LOCALES {
            let theirs = all(Words::new(language));
            for (i, text) in theirs.iter().enumerate() {
                assert!(!text.contains("-note-"), "{language}: {text}");
                if language != "en" {
                    assert_ne!(text, &english[i], "{language}: not translated");
                }
            }
        }
        assert_eq!(
            english[1].split(". ").next(),
            Some("2 FIDO devices are attached, but this user may not open /dev/hidraw3")
        );
        assert_eq!(english[12], "a TPM (version unknown) is at /dev/tpm0");
        assert_eq!(tpm_note(&tpms[0], Words::new("de")), "TPM 2.0 unter /dev/tpm0 gefunden");
        assert_eq!(
            keys_note(&KeysNote::NoPermission { attached: 1, nodes: vec!["/dev/hidraw3".into()] }, Words::new("en"))
                .split(',')
                .next(),
            Some("a FIDO device is attached")
        );
    }
}
