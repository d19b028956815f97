//! USB FIDO2 security keys, through webauthn-authenticator-rs.
//!
//! [`scan`] lists the keys with their authenticatorGetInfo facts and, when a key cannot be
//! used, says why (Linux hidraw permissions, Windows needing its WebAuthn API, no USB
//! support). [`watch`] calls back when a key is plugged in or pulled out.

use std::time::Duration;

use lastmile_proto::app::{KeysNote, SecurityKey, Transport};
use webauthn_authenticator_rs::ctap2::commands::GetInfoResponse;

/// How long one key may take to answer getInfo before it is reported as not answering.
pub const GET_INFO_TIMEOUT: Duration = Duration::from_secs(3);

/// The keys found, and why there are none (or fewer than plugged in) when that is known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub keys: Vec<SecurityKey>,
    pub note: Option<KeysNote>,
    /// FIDO devices attached that this user may not open.
    pub blocked: u32,
}

/// Model names for well-known AAGUIDs. The FIDO Metadata Service is the full source.
pub fn model_name(aaguid: &str) -> Option<&'static str> {
    const KNOWN: [(&str, &str); 4] = [
        ("cb69481e-8ff7-4039-93ec-0a2729a154a8", "YubiKey 5 Series"),
        ("ee882879-721c-4913-9775-3dfcce97072a", "YubiKey 5 NFC"),
        ("2fc0579f-8113-47ea-b116-bb5a8db9202a", "YubiKey 5 Series with NFC"),
        ("c5ef55ff-ad9a-4b9f-b580-adebafe026d0", "YubiKey 5Ci"),
    ];
    // The software authenticator of the test builds, named only where it can exist.
    #[cfg(feature = "test-hooks")]
    if aaguid.eq_ignore_ascii_case("0fb9bcbc-a0d4-4042-bbb0-559bc1631e28") {
        return Some("webauthn-authenticator-rs SoftToken (testing only)");
    }
    KNOWN.iter().find(|(id, _)| id.eq_ignore_ascii_case(aaguid)).map(|(_, name)| *name)
}

/// Turns getInfo into the facts the app shows.
pub fn security_key_from_info(info: &GetInfoResponse, transport: Transport) -> SecurityKey {
    let option = |name: &str| info.options.as_ref().and_then(|o| o.get(name)).copied();
    let aaguid = info.aaguid.map(|u| u.hyphenated().to_string());
    SecurityKey {
        transport,
        model: aaguid.as_deref().and_then(model_name).map(str::to_string),
        aaguid,
        versions: info.versions.iter().cloned().collect(),
        firmware_version: info.firmware_version.map(|v| v.to_string()),
        pin_set: option("clientPin"),
        built_in_uv: option("uv"),
        resident_keys: option("rk").unwrap_or(false),
        credential_management: option("credMgmt").or(option("credentialMgmtPreview")).unwrap_or(false),
        min_pin_length: info.min_pin_length.and_then(|l| u32::try_from(l).ok()),
        error: None,
    }
}

/// Lists the USB FIDO2 keys attached now.
#[cfg(feature = "usb")]
pub async fn scan() -> Scan {
    use webauthn_authenticator_rs::ctap2::CtapAuthenticator;
    use webauthn_authenticator_rs::transport::Transport as _;
    use webauthn_authenticator_rs::usb::USBTransport;

    let transport = match USBTransport::new().await {
        Ok(t) => t,
        Err(e) => {
            return Scan {
                keys: Vec::new(),
                note: Some(KeysNote::ScanFailed { error: format!("cannot enumerate USB devices: {e:?}") }),
                blocked: blocked_count(),
            };
        }
    };
    let tokens = match transport.tokens().await {
        Ok(t) => t,
        Err(e) => {
            return Scan {
                keys: Vec::new(),
                note: Some(KeysNote::ScanFailed { error: format!("cannot list USB FIDO devices: {e:?}") }),
                blocked: blocked_count(),
            };
        }
    };
    let mut keys = Vec::with_capacity(tokens.len());
    let ui = Silent;
    for token in tokens {
        match tokio::time::timeout(GET_INFO_TIMEOUT, CtapAuthenticator::new(token, &ui)).await {
            Ok(Some(auth)) => keys.push(security_key_from_info(auth.get_info(), Transport::Usb)),
            Ok(None) => keys.push(unreadable("the key did not answer authenticatorGetInfo (CTAP2)")),
            Err(_) => keys.push(unreadable("the key did not answer within 3 seconds; unplug it and plug it in again")),
        }
    }
    let note = why_not_found(keys.len());
    Scan { keys, note, blocked: blocked_count() }
}

#[cfg(not(feature = "usb"))]
pub async fn scan() -> Scan {
    Scan { keys: Vec::new(), note: Some(KeysNote::NoUsbSupport), blocked: 0 }
}

/// How many FIDO devices are attached that this user may not open (Linux: the permissions of
/// `/dev/hidraw*`; elsewhere the OS brokers access, so none).
pub fn blocked_count() -> u32 {
    #[cfg(target_os = "linux")]
    {
        linux::fido_hidraw_devices().iter().filter(|d| !d.accessible).count() as u32
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

fn unreadable(why: &str) -> SecurityKey {
    SecurityKey {
        transport: Transport::Usb,
        aaguid: None,
        model: None,
        versions: Vec::new(),
        firmware_version: None,
        pin_set: None,
        built_in_uv: None,
        resident_keys: false,
        credential_management: false,
        min_pin_length: None,
        error: Some(why.into()),
    }
}

/// Explains an empty (or short) list, from what the OS shows.
pub(crate) fn why_not_found(found: usize) -> Option<KeysNote> {
    #[cfg(target_os = "linux")]
    {
        linux::explain(found, &linux::fido_hidraw_devices())
    }
    #[cfg(windows)]
    {
        (found == 0).then_some(KeysNote::WindowsAdministratorsOnly)
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    {
        (found == 0).then_some(KeysNote::NonePlugged)
    }
}

#[cfg(target_os = "linux")]
mod linux {
    //! FIDO HID devices as the kernel sees them, to explain keys the library could not open.

    use super::KeysNote;

    #[derive(Debug)]
    pub struct HidDevice {
        pub node: String,
        pub accessible: bool,
    }

    /// Why `found` keys is all there is, given the FIDO HID devices the kernel shows.
    pub fn explain(found: usize, hid: &[HidDevice]) -> Option<KeysNote> {
        let nodes: Vec<_> = hid.iter().filter(|d| !d.accessible).map(|d| d.node.clone()).collect();
        if !nodes.is_empty() {
            let attached = u32::try_from(hid.len()).unwrap_or(u32::MAX);
            return Some(KeysNote::NoPermission { attached, nodes });
        }
        (found == 0).then_some(KeysNote::NonePlugged)
    }

    /// The FIDO usage page 0xF1D0 as it appears in a HID report descriptor (Usage Page, 2 bytes).
    const FIDO_USAGE_PAGE: [u8; 3] = [0x06, 0xd0, 0xf1];

    pub fn fido_hidraw_devices() -> Vec<HidDevice> {
        let Ok(entries) = std::fs::read_dir("/sys/class/hidraw") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Ok(desc) = std::fs::read(e.path().join("device/report_descriptor")) else {
                continue;
            };
            if desc.windows(3).any(|w| w == FIDO_USAGE_PAGE) {
                let node = format!("/dev/{name}");
                let accessible = std::fs::OpenOptions::new().read(true).write(true).open(&node).is_ok();
                out.push(HidDevice { node, accessible });
            }
        }
        out
    }
}

/// A UI callback for non-interactive reads (getInfo needs no PIN and no touch).
#[derive(Debug)]
struct Silent;

impl webauthn_authenticator_rs::ui::UiCallback for Silent {
    fn request_pin(&self) -> Option<String> {
        None
    }
    fn request_touch(&self) {}
    fn processing(&self) {}
    fn fingerprint_enrollment_feedback(
        &self,
        _remaining_samples: u32,
        _feedback: Option<webauthn_authenticator_rs::types::EnrollSampleStatus>,
    ) {
    }
    fn cable_qr_code(&self, _request_type: webauthn_authenticator_rs::types::CableRequestType, _url: String) {}
    fn dismiss_qr_code(&self) {}
    fn cable_status_update(&self, _state: webauthn_authenticator_rs::types::CableState) {}
}

/// Calls `on_change` whenever a USB FIDO key is plugged in or pulled out, until the
/// returned task is aborted. Falls back to polling when the OS cannot notify.
pub fn watch<F>(on_change: F) -> tokio::task::JoinHandle<()>
where
    F: Fn() + Send + Sync + 'static,
{
    tokio::spawn(async move {
        #[cfg(feature = "usb")]
        {
            use futures::StreamExt;
            use webauthn_authenticator_rs::transport::{TokenEvent, Transport as _};
            use webauthn_authenticator_rs::usb::USBTransport;

            if let Ok(transport) = USBTransport::new().await
                && let Ok(mut events) = transport.watch().await
            {
                let mut enumerated = false;
                while let Some(event) = events.next().await {
                    match event {
                        TokenEvent::EnumerationComplete => enumerated = true,
                        TokenEvent::Added(_) | TokenEvent::Removed(_) if enumerated => on_change(),
                        _ => {}
                    }
                }
            }
            tracing::debug!("USB watch unavailable; polling for security keys");
        }
        let mut last = scan().await.keys.len();
        loop {
            tokio::time::sleep(Duration::from_secs(3)).await;
            let now = scan().await.keys.len();
            if now != last {
                last = now;
                on_change();
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn get_info_maps_to_facts() {
        let info = GetInfoResponse {
            versions: BTreeSet::from(["FIDO_2_0".to_string(), "FIDO_2_1".to_string(), "U2F_V2".to_string()]),
            aaguid: Some("ee882879-721c-4913-9775-3dfcce97072a".parse().expect("uuid")),
            options: Some(BTreeMap::from([
                ("clientPin".to_string(), false),
                ("rk".to_string(), true),
                ("credMgmt".to_string(), true),
            ])),
            min_pin_length: Some(6),
            firmware_version: Some(328_707),
            ..GetInfoResponse::default()
        };
        let key = security_key_from_info(&info, Transport::Usb);
        assert_eq!(key.model.as_deref(), Some("YubiKey 5 NFC"));
        assert_eq!(key.versions, ["FIDO_2_0", "FIDO_2_1", "U2F_V2"]);
        assert_eq!((key.pin_set, key.built_in_uv), (Some(false), None));
        assert!(key.resident_keys && key.credential_management);
        assert_eq!((key.min_pin_length, key.firmware_version.as_deref()), (Some(6), Some("328707")));

        let bare = security_key_from_info(&GetInfoResponse::default(), Transport::Nfc);
        assert_eq!((bare.aaguid, bare.model, bare.pin_set), (None, None, None));
        assert!(!bare.resident_keys);
    }

    /// Why a scan found what it found, from the devices the kernel shows: the same answers
    /// whatever is plugged into the machine running the test.
    #[cfg(target_os = "linux")]
    #[test]
    fn an_empty_or_short_scan_is_explained() {
        use super::linux::{HidDevice, explain};
        let device = |node: &str, accessible| HidDevice { node: node.into(), accessible };
        assert_eq!(explain(0, &[]), Some(KeysNote::NonePlugged));
        assert_eq!(explain(0, &[device("/dev/hidraw3", true)]), Some(KeysNote::NonePlugged));
        assert_eq!(
            explain(0, &[device("/dev/hidraw3", false), device("/dev/hidraw4", true)]),
            Some(KeysNote::NoPermission { attached: 2, nodes: vec!["/dev/hidraw3".into()] })
        );
        assert_eq!(
            explain(1, &[device("/dev/hidraw3", false)]),
            Some(KeysNote::NoPermission { attached: 1, nodes: vec!["/dev/hidraw3".into()] })
        );
        assert_eq!(explain(1, &[device("/dev/hidraw3", true)]), None, "every key was read");
    }
}
