//! The CTAP2 client Lastmile uses (webauthn-authenticator-rs's `CtapAuthenticator`) against
//! an independent software CTAP2 authenticator (soft-fido2), put behind the crate's `Token`
//! trait where a USB key would be: getInfo facts, setting and changing a PIN, and the PIN
//! errors a person meets, mapped to Lastmile's messages.

use std::sync::Mutex;

use lastmile_device::keys::KeyFailure;
use soft_fido2::{AuthenticatorCallbacks, Credential, CredentialRef, UpResult, UvResult};
use webauthn_authenticator_rs::ctap2::CtapAuthenticator;
use webauthn_authenticator_rs::error::WebauthnCError;
use webauthn_authenticator_rs::transport::Token;
use webauthn_authenticator_rs::ui::UiCallback;

/// Approves every touch; keeps no credentials (these tests make none).
struct Approve;

impl AuthenticatorCallbacks for Approve {
    fn request_up(&self, _: &str, _: Option<&str>, _: &str) -> soft_fido2::Result<UpResult> {
        Ok(UpResult::Accepted)
    }
    fn request_uv(&self, _: &str, _: Option<&str>, _: &str) -> soft_fido2::Result<UvResult> {
        Ok(UvResult::Accepted)
    }
    fn write_credential(&self, _: &CredentialRef) -> soft_fido2::Result<()> {
        Ok(())
    }
    fn read_credential(&self, _: &[u8]) -> soft_fido2::Result<Option<Credential>> {
        Ok(None)
    }
    fn delete_credential(&self, _: &[u8]) -> soft_fido2::Result<()> {
        Ok(())
    }
    fn list_credentials(&self, _: &str, _: Option<&[u8]>) -> soft_fido2::Result<Vec<Credential>> {
        Ok(vec![])
    }
    fn enumerate_rps(&self) -> soft_fido2::Result<Vec<(String, Option<String>, usize)>> {
        Ok(vec![])
    }
    fn credential_count(&self) -> soft_fido2::Result<usize> {
        Ok(0)
    }
    fn get_timestamp_ms(&self) -> u64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
    }
}

/// soft-fido2 as a token: CTAP2 messages in, status and CBOR out.
struct SoftFido2(Mutex<soft_fido2::Authenticator<Approve>>);

impl std::fmt::Debug for SoftFido2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SoftFido2")
    }
}

#[async_trait::async_trait]
impl Token for SoftFido2 {
    type Id = ();

    fn get_transport(&self) -> webauthn_rs_proto::AuthenticatorTransport {
        webauthn_rs_proto::AuthenticatorTransport::Usb
    }

    async fn transmit_raw<U: UiCallback>(&mut self, cbor: &[u8], _ui: &U) -> Result<Vec<u8>, WebauthnCError> {
        let mut response = Vec::new();
        let mut auth = self.0.lock().map_err(|_| WebauthnCError::PoisonedMutex)?;
        auth.handle(cbor, &mut response).map_err(|_| WebauthnCError::Internal)?;
        match response.split_first() {
            Some((0, body)) => Ok(body.to_vec()),
            Some((status, _)) => Err(WebauthnCError::Ctap((*status).into())),
            None => Err(WebauthnCError::MessageTooShort),
        }
    }

    async fn cancel(&mut self) -> Result<(), WebauthnCError> {
        Ok(())
    }
    async fn init(&mut self) -> Result<(), WebauthnCError> {
        Ok(())
    }
    async fn close(&mut self) -> Result<(), WebauthnCError> {
        Ok(())
    }
}

#[derive(Debug)]
struct NoPrompt;

impl UiCallback for NoPrompt {
    fn request_pin(&self) -> Option<String> {
        None
    }
    fn request_touch(&self) {}
    fn processing(&self) {}
    fn fingerprint_enrollment_feedback(&self, _: u32, _: Option<webauthn_authenticator_rs::types::EnrollSampleStatus>) {
    }
    fn cable_qr_code(&self, _: webauthn_authenticator_rs::types::CableRequestType, _: String) {}
    fn dismiss_qr_code(&self) {}
    fn cable_status_update(&self, _: webauthn_authenticator_rs::types::CableState) {}
}

/// A key that supports a PIN (none set yet), like a YubiKey out of the box.
fn token() -> SoftFido2 {
    let options = soft_fido2::AuthenticatorOptions::new()
        .with_client_pin(Some(false))
        .with_pin_uv_auth_token(Some(true))
        .with_resident_keys(true);
    let config = soft_fido2::AuthenticatorConfig::builder().aaguid(*b"lastmile-test-ky").options(options).build();
    SoftFido2(Mutex::new(soft_fido2::Authenticator::with_config(Approve, config).expect("soft-fido2")))
}

#[tokio::test]
async fn get_info_pin_set_change_and_wrong_pins_through_the_ctap2_client() {
    let ui = NoPrompt;
    let mut auth = CtapAuthenticator::new(token(), &ui).await.expect("the client speaks CTAP2 to it");

    // getInfo, as the first screen shows it: no PIN yet.
    let key = lastmile_device::fido::security_key_from_info(auth.get_info(), lastmile_proto::app::Transport::Usb);
    assert!(key.versions.iter().any(|v| v.starts_with("FIDO_2")), "{key:?}");
    assert_eq!(key.pin_set, Some(false), "{key:?}");

    // Set a PIN; a too-short one is refused by the key.
    assert!(auth.set_new_pin("12").await.is_err(), "shorter than the key's minimum");
    auth.set_new_pin("correct-horse").await.expect("set PIN");
    let key = lastmile_device::fido::security_key_from_info(auth.get_info(), lastmile_proto::app::Transport::Usb);
    assert_eq!(key.pin_set, Some(true), "{key:?}");

    // A wrong current PIN: the key says so, and Lastmile says what to do.
    let wrong = auth.change_pin("wrong-pin", "new-pin-1234").await.expect_err("wrong PIN");
    assert_eq!(KeyFailure::from(wrong), KeyFailure::PinWrong);
    auth.change_pin("correct-horse", "new-pin-1234").await.expect("change PIN");
}

#[tokio::test]
async fn repeated_wrong_pins_end_in_a_blocked_pin() {
    let ui = NoPrompt;
    let mut auth = CtapAuthenticator::new(token(), &ui).await.expect("CTAP2");
    auth.set_new_pin("correct-horse").await.expect("set PIN");
    let mut seen = Vec::new();
    for _ in 0..12 {
        match auth.change_pin("wrong-pin", "new-pin-1234").await {
            Ok(()) => panic!("a wrong PIN was accepted"),
            Err(e) => seen.push(KeyFailure::from(e)),
        }
        if seen.last() == Some(&KeyFailure::PinBlocked) {
            break;
        }
    }
    // Three wrong PINs in a row: the key wants to be plugged in again (CTAP2 pinAuthBlocked).
    assert_eq!(seen[..3], [KeyFailure::PinWrong, KeyFailure::PinWrong, KeyFailure::PinAuthBlocked], "{seen:?}");
    // Out of retries (8): blocked. (A real key then refuses even the right PIN until it is
    // reset; soft-fido2 0.17 does not model that, so it is not asserted here.)
    assert_eq!(seen.last(), Some(&KeyFailure::PinBlocked), "{seen:?}");
    assert_eq!(seen.len(), 8, "one failure per retry: {seen:?}");
}
