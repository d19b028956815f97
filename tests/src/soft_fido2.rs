//! soft-fido2, an independent software CTAP2 authenticator, behind webauthn-authenticator-rs's
//! `Token` trait: where a USB key would be, so that the CTAP2 client Lastmile uses is what
//! the tests exercise (getInfo, PIN, makeCredential with an exclude list, getAssertion).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use soft_fido2::{AuthenticatorCallbacks, Credential, CredentialRef, UpResult, UvResult};
use webauthn_authenticator_rs::error::WebauthnCError;
use webauthn_authenticator_rs::transport::Token;
use webauthn_authenticator_rs::ui::UiCallback;

/// Approves every touch and keeps credentials in memory.
#[derive(Debug, Default)]
pub struct Approve {
    credentials: Mutex<HashMap<Vec<u8>, Credential>>,
}

impl AuthenticatorCallbacks for Approve {
    fn request_up(&self, _: &str, _: Option<&str>, _: &str) -> soft_fido2::Result<UpResult> {
        Ok(UpResult::Accepted)
    }
    fn request_uv(&self, _: &str, _: Option<&str>, _: &str) -> soft_fido2::Result<UvResult> {
        Ok(UvResult::Accepted)
    }
    fn write_credential(&self, c: &CredentialRef) -> soft_fido2::Result<()> {
        if let Ok(mut store) = self.credentials.lock() {
            store.insert(c.id.to_vec(), c.to_owned());
        }
        Ok(())
    }
    fn read_credential(&self, id: &[u8]) -> soft_fido2::Result<Option<Credential>> {
        Ok(self.credentials.lock().ok().and_then(|s| s.get(id).cloned()))
    }
    fn delete_credential(&self, id: &[u8]) -> soft_fido2::Result<()> {
        if let Ok(mut store) = self.credentials.lock() {
            store.remove(id);
        }
        Ok(())
    }
    fn list_credentials(&self, rp_id: &str, _: Option<&[u8]>) -> soft_fido2::Result<Vec<Credential>> {
        Ok(self
            .credentials
            .lock()
            .map(|s| s.values().filter(|c| c.rp.id == rp_id).cloned().collect())
            .unwrap_or_default())
    }
    fn enumerate_rps(&self) -> soft_fido2::Result<Vec<(String, Option<String>, usize)>> {
        Ok(vec![])
    }
    fn credential_count(&self) -> soft_fido2::Result<usize> {
        Ok(self.credentials.lock().map(|s| s.len()).unwrap_or(0))
    }
    fn get_timestamp_ms(&self) -> u64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
    }
}

/// One software key; clones are the same key (plugging it in again).
#[derive(Clone)]
pub struct SoftFido2(Arc<Mutex<soft_fido2::Authenticator<Approve>>>);

impl std::fmt::Debug for SoftFido2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SoftFido2")
    }
}

/// The AAGUID the test key reports.
pub const AAGUID: [u8; 16] = *b"lastmile-test-ky";

impl SoftFido2 {
    /// A key that supports a PIN (none set yet), like a new YubiKey.
    pub fn new() -> SoftFido2 {
        let options = soft_fido2::AuthenticatorOptions::new()
            .with_client_pin(Some(false))
            .with_pin_uv_auth_token(Some(true))
            .with_resident_keys(true);
        let config = soft_fido2::AuthenticatorConfig::builder().aaguid(AAGUID).options(options).build();
        #[allow(clippy::expect_used)]
        let auth = soft_fido2::Authenticator::with_config(Approve::default(), config).expect("soft-fido2");
        SoftFido2(Arc::new(Mutex::new(auth)))
    }
}

impl Default for SoftFido2 {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait::async_trait]
impl Token for SoftFido2 {
    type Id = ();

    fn get_transport(&self) -> webauthn_rs_proto::AuthenticatorTransport {
        webauthn_rs_proto::AuthenticatorTransport::Usb
    }

    async fn transmit_raw<U: UiCallback>(&mut self, cbor: &[u8], ui: &U) -> Result<Vec<u8>, WebauthnCError> {
        ui.request_touch();
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

/// The software keys "plugged in" (usually one); a test can pull them out at any moment.
#[derive(Debug, Clone, Default)]
pub struct SoftFido2Bus(std::sync::Arc<std::sync::Mutex<Vec<SoftFido2>>>);

impl SoftFido2Bus {
    pub fn new(keys: Vec<SoftFido2>) -> SoftFido2Bus {
        SoftFido2Bus(std::sync::Arc::new(std::sync::Mutex::new(keys)))
    }

    /// Pulls every key out.
    pub fn unplug(&self) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }
}

impl lastmile_device::keys::TokenSource for SoftFido2Bus {
    type Token = SoftFido2;
    async fn tokens(&self) -> Result<Vec<SoftFido2>, lastmile_device::keys::KeyFailure> {
        Ok(self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone())
    }
}
