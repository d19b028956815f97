//! The device's own key pair (ECDSA P-256, SHA-256): created when the device joins, the
//! private half kept in the OS keyring, the public half bound to the device by the server.
//! Every posture report is signed with it, so that a stolen API token alone cannot speak for
//! the device. P-256 because that is what non-exportable platform storage (TPM, Secure
//! Enclave) offers, should the key move there.
//!
//! What is signed: a domain-separation label, the device id, and the exact bytes of the
//! request body (which carries the report's idempotency key and sequence number), so a
//! signature cannot be moved to another device, another kind of message or another body.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use crypto_glue::ecdsa_p256::{
    EcdsaP256DerSignature, EcdsaP256PrivateKey, EcdsaP256PublicKey, EcdsaP256SigningKey, EcdsaP256VerifyingKey,
};
pub use crypto_glue::traits::Zeroizing;
use crypto_glue::traits::{
    Pkcs8DecodePrivateKey, Pkcs8EncodePrivateKey, Signer, SpkiDecodePublicKey, SpkiEncodePublicKey, Verifier,
};

use crate::error::CoreError;

/// Label that makes a report signature useless for anything else.
const REPORT_LABEL: &[u8] = b"lastmile posture report v1\0";

/// The bytes a report signature covers: a label, the device id and the body.
pub fn report_message(device_id: &str, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(REPORT_LABEL.len() + device_id.len() + 1 + body.len());
    m.extend_from_slice(REPORT_LABEL);
    m.extend_from_slice(device_id.as_bytes());
    m.push(0);
    m.extend_from_slice(body);
    m
}

fn bad(why: impl std::fmt::Display) -> CoreError {
    CoreError::DeviceKey(why.to_string())
}

/// A device's private key.
pub struct DeviceKey(EcdsaP256SigningKey);

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DeviceKey").field(&self.public_key()).finish()
    }
}

impl DeviceKey {
    /// A key from 32 random bytes (the caller's random source: the core reads none). Fails
    /// only for the astronomically unlikely bytes that are not a valid P-256 scalar.
    pub fn from_random(bytes: &[u8; 32]) -> Result<DeviceKey, CoreError> {
        let secret = EcdsaP256PrivateKey::from_slice(bytes).map_err(|_| bad("those bytes are not a P-256 key"))?;
        Ok(DeviceKey(EcdsaP256SigningKey::from(&secret)))
    }

    /// The key as stored (PKCS#8 DER, base64url).
    pub fn to_stored(&self) -> Result<Zeroizing<String>, CoreError> {
        let secret = EcdsaP256PrivateKey::from(&self.0);
        let der = secret.to_pkcs8_der().map_err(bad)?;
        Ok(Zeroizing::new(URL_SAFE_NO_PAD.encode(der.as_bytes())))
    }

    /// Reads a stored key.
    pub fn from_stored(stored: &str) -> Result<DeviceKey, CoreError> {
        let der = Zeroizing::new(URL_SAFE_NO_PAD.decode(stored.trim()).map_err(|e| bad(format!("stored key: {e}")))?);
        let secret = EcdsaP256PrivateKey::from_pkcs8_der(&der).map_err(|e| bad(format!("stored key: {e}")))?;
        Ok(DeviceKey(EcdsaP256SigningKey::from(&secret)))
    }

    /// The public key as the server stores it (SubjectPublicKeyInfo DER, base64url).
    pub fn public_key(&self) -> String {
        let public = EcdsaP256PublicKey::from(self.0.verifying_key());
        public.to_public_key_der().map(|d| URL_SAFE_NO_PAD.encode(d.as_bytes())).unwrap_or_default()
    }

    /// Signs a report body sent by `device_id` (DER signature, base64url).
    pub fn sign_report(&self, device_id: &str, body: &[u8]) -> String {
        let signature: EcdsaP256DerSignature = self.0.sign(&report_message(device_id, body));
        URL_SAFE_NO_PAD.encode(signature.as_bytes())
    }
}

/// Checks that a public key (as sent at join) is a P-256 SubjectPublicKeyInfo.
pub fn check_public_key(public_key: &str) -> Result<(), CoreError> {
    verifying_key(public_key).map(|_| ())
}

fn verifying_key(public_key: &str) -> Result<EcdsaP256VerifyingKey, CoreError> {
    let der = URL_SAFE_NO_PAD.decode(public_key.trim()).map_err(|e| bad(format!("public key: {e}")))?;
    let public = EcdsaP256PublicKey::from_public_key_der(&der).map_err(|e| bad(format!("public key: {e}")))?;
    Ok(EcdsaP256VerifyingKey::from(&public))
}

/// Verifies the signature of a report body sent by `device_id`.
pub fn verify_report(public_key: &str, device_id: &str, body: &[u8], signature: &str) -> Result<(), CoreError> {
    let key = verifying_key(public_key)?;
    let der = URL_SAFE_NO_PAD.decode(signature.trim()).map_err(|e| bad(format!("signature: {e}")))?;
    let signature = EcdsaP256DerSignature::try_from(der.as_slice()).map_err(|e| bad(format!("signature: {e}")))?;
    key.verify(&report_message(device_id, body), &signature).map_err(|_| bad("the signature does not match"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_from(n: u8) -> DeviceKey {
        DeviceKey::from_random(&[n; 32]).expect("key")
    }

    #[test]
    fn a_signature_binds_key_device_and_body() {
        let key = key_from(1);
        let public = key.public_key();
        check_public_key(&public).expect("valid public key");
        let body = br#"{"report_id":"r1","sequence":1}"#;
        let sig = key.sign_report("dev_1", body);
        verify_report(&public, "dev_1", body, &sig).expect("verifies");

        assert!(verify_report(&public, "dev_2", body, &sig).is_err(), "another device");
        assert!(verify_report(&public, "dev_1", br#"{"report_id":"r1","sequence":2}"#, &sig).is_err(), "another body");
        let other = key_from(7);
        assert!(verify_report(&other.public_key(), "dev_1", body, &sig).is_err(), "another key");
        assert!(verify_report(&public, "dev_1", body, "not-base64!").is_err());
        assert!(verify_report(&public, "dev_1", body, "AAAA").is_err());
        assert!(check_public_key("AAAA").is_err());
    }

    #[test]
    fn a_stored_key_comes_back_the_same() {
        let key = key_from(1);
        let stored = key.to_stored().expect("store");
        let back = DeviceKey::from_stored(&stored).expect("read");
        assert_eq!(back.public_key(), key.public_key());
        let sig = back.sign_report("dev_1", b"x");
        verify_report(&key.public_key(), "dev_1", b"x", &sig).expect("same key");
        assert!(DeviceKey::from_stored("garbage").is_err());
        assert!(!format!("{key:?}").contains(stored.as_str()), "Debug shows only the public key");
        assert!(DeviceKey::from_random(&[0; 32]).is_err(), "zero is not a key");
        assert!(DeviceKey::from_random(&[0xff; 32]).is_err(), "above the group order is not a key");
    }
}
