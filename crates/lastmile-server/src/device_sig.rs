//! Checking a report's signature by its device key. The bytes signed are defined once, in
//! `lastmile_core::device_key`; the check here uses OpenSSL (already in the server through
//! its HTTPS client), about ten times faster than the pure-Rust P-256 the core signs with,
//! which matters at thousands of reports a second. The API tests sign with the core and
//! verify here, so the two implementations are held to each other.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::bn::BigNumContext;
use openssl::ec::{EcGroup, EcKey, EcPoint};
use openssl::ecdsa::EcdsaSig;
use openssl::nid::Nid;
use sha2::Digest;

/// The DER prefix of a P-256 SubjectPublicKeyInfo with an uncompressed point (id-ecPublicKey,
/// prime256v1, a 66-byte BIT STRING); the 65-byte point follows.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

fn p256() -> Result<&'static EcGroup, String> {
    static GROUP: std::sync::OnceLock<Option<EcGroup>> = std::sync::OnceLock::new();
    GROUP
        .get_or_init(|| EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).ok())
        .as_ref()
        .ok_or("no P-256 in OpenSSL".into())
}

/// Why a signature is not accepted. Uses OpenSSL's ECDSA directly (no EVP decoder or
/// provider lookups, which cost more than the verification itself).
pub fn verify_report(public_key: &str, device_id: &str, body: &[u8], signature: &str) -> Result<(), String> {
    let der = URL_SAFE_NO_PAD.decode(public_key.trim()).map_err(|e| format!("stored public key: {e}"))?;
    let point = der
        .strip_prefix(&P256_SPKI_PREFIX[..])
        .filter(|p| p.len() == 65)
        .ok_or("the stored public key is not an uncompressed P-256 key")?;
    let group = p256()?;
    let mut ctx = BigNumContext::new().map_err(|e| e.to_string())?;
    let point = EcPoint::from_bytes(group, point, &mut ctx).map_err(|_| "the stored public key is not on P-256")?;
    let key = EcKey::from_public_key(group, &point).map_err(|e| e.to_string())?;
    let sig = URL_SAFE_NO_PAD.decode(signature.trim()).map_err(|e| format!("signature: {e}"))?;
    let sig = EcdsaSig::from_der(&sig).map_err(|_| "the signature is not a DER ECDSA signature")?;
    let digest = sha2::Sha256::digest(lastmile_core::device_key::report_message(device_id, body));
    match sig.verify(&digest, &key) {
        Ok(true) => Ok(()),
        _ => Err("the signature does not match".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lastmile_core::device_key::DeviceKey;

    #[test]
    fn the_core_signs_and_openssl_agrees() {
        let key = DeviceKey::from_random(&[3; 32]).expect("key");
        let body = br#"{"sequence":1}"#;
        let sig = key.sign_report("dev_1", body);
        verify_report(&key.public_key(), "dev_1", body, &sig).expect("verifies");
        assert!(verify_report(&key.public_key(), "dev_2", body, &sig).is_err());
        assert!(verify_report(&key.public_key(), "dev_1", b"{}", &sig).is_err());
        let other = DeviceKey::from_random(&[4; 32]).expect("key");
        assert!(verify_report(&other.public_key(), "dev_1", body, &sig).is_err());
        assert!(verify_report(&key.public_key(), "dev_1", body, "AAAA").is_err());
        assert!(verify_report("AAAA", "dev_1", body, &sig).is_err());
    }
}
