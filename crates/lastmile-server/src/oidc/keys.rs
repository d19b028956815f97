//! The provider's signing keys: RSA 2048 for RS256 (the only algorithm Entra ID accepts) and
//! P-256 for ES256, each with a self-signed certificate that the JWKS publishes as `x5c`.
//!
//! They live in one JSON file outside the database (0600, written atomically, like the seal
//! and checkpoint keys), which replicas share. Rotation has an overlap: [`rotate`] adds a new
//! pair that is published at once but signs only from `signs_from_ms` (relying parties cache
//! metadata, Entra ID for a day, and must see a key before a token uses it); the pair it
//! replaces stays published for [`RETIRED_PUBLISHED_MS`] after the switch, and is dropped from
//! the file at the next rotation after that.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use lastmile_core::clock::UnixMillis;
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Signer;
use openssl::x509::{X509, X509NameBuilder};
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::ServerError;

/// How long a replaced key stays published after its successor starts signing (tokens it
/// signed are minutes old at most; a day covers caches of the key set too).
pub const RETIRED_PUBLISHED_MS: i64 = 24 * 3600 * 1000;

/// The default overlap: a new key is published this long before it signs.
pub const DEFAULT_OVERLAP_MS: i64 = 48 * 3600 * 1000;

/// A JWS algorithm the provider signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Alg {
    RS256,
    ES256,
}

impl Alg {
    pub fn name(self) -> &'static str {
        match self {
            Alg::RS256 => "RS256",
            Alg::ES256 => "ES256",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredKey {
    kid: String,
    alg: Alg,
    /// PKCS#8 PEM.
    private_pem: String,
    certificate_pem: String,
    created_at_ms: i64,
    /// From when it signs (before that it is only published).
    signs_from_ms: i64,
    /// Until when it is published (set when a successor is made).
    published_until_ms: Option<i64>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct KeyFile {
    keys: Vec<StoredKey>,
}

/// One key, ready to sign.
struct Key {
    stored: StoredKey,
    private: PKey<Private>,
    jwk: serde_json::Value,
}

/// The signing keys as loaded from their file.
pub struct SigningKeys {
    keys: Vec<Key>,
}

impl std::fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kids: Vec<_> = self.keys.iter().map(|k| (&k.stored.kid, k.stored.alg)).collect();
        f.debug_struct("SigningKeys").field("keys", &kids).finish()
    }
}

/// What a key's state is at some moment, for `admin oidc-key list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    pub kid: String,
    pub alg: &'static str,
    pub created_at_ms: i64,
    pub signs_from_ms: i64,
    pub published_until_ms: Option<i64>,
    /// Whether it is the key that signs with its algorithm now.
    pub signing: bool,
}

fn invalid(path: &Path, why: impl std::fmt::Display) -> ServerError {
    ServerError::Invalid(format!("{}: {why}", path.display()))
}

fn ssl(e: openssl::error::ErrorStack) -> ServerError {
    ServerError::Internal(format!("OpenSSL: {e}"))
}

impl SigningKeys {
    /// The keys in `path`; a first pair (RS256 and ES256, signing at once) is made and written
    /// there when the file does not exist.
    pub fn load_or_create(path: &Path, now: UnixMillis) -> Result<SigningKeys, ServerError> {
        if !path.exists() {
            let file = KeyFile { keys: vec![new_key(Alg::RS256, now, now.0)?, new_key(Alg::ES256, now, now.0)?] };
            write(path, &file)?;
        }
        SigningKeys::load(path)
    }

    /// The keys in `path`.
    pub fn load(path: &Path) -> Result<SigningKeys, ServerError> {
        let text = std::fs::read_to_string(path).map_err(|e| invalid(path, format!("cannot read it: {e}")))?;
        let file: KeyFile = serde_json::from_str(&text).map_err(|e| invalid(path, format!("not a key file: {e}")))?;
        let keys = file
            .keys
            .into_iter()
            .map(|s| Key::from_stored(s).map_err(|e| invalid(path, e)))
            .collect::<Result<_, _>>()?;
        Ok(SigningKeys { keys })
    }

    /// The key that signs with `alg` at `now`: the newest whose time has come.
    fn signer(&self, alg: Alg, now: UnixMillis) -> Option<&Key> {
        self.keys
            .iter()
            .filter(|k| k.stored.alg == alg && k.stored.signs_from_ms <= now.0 && k.published(now))
            .max_by_key(|k| k.stored.signs_from_ms)
    }

    /// The published keys as a JWK Set (RFC 7517), each with its certificate.
    pub fn jwks(&self, now: UnixMillis) -> serde_json::Value {
        let keys: Vec<_> = self.keys.iter().filter(|k| k.published(now)).map(|k| k.jwk.clone()).collect();
        serde_json::json!({ "keys": keys })
    }

    /// Signs `claims` as a compact JWS with the current key of `alg`.
    pub fn sign(&self, alg: Alg, claims: &serde_json::Value, now: UnixMillis) -> Result<String, ServerError> {
        let key = self
            .signer(alg, now)
            .ok_or_else(|| ServerError::Internal(format!("no {} signing key is current", alg.name())))?;
        sign_with(&key.private, alg, Some(&key.stored.kid), claims)
    }

    /// Every key in the file and its state at `now`.
    pub fn list(&self, now: UnixMillis) -> Vec<KeyInfo> {
        self.keys
            .iter()
            .map(|k| KeyInfo {
                kid: k.stored.kid.clone(),
                alg: k.stored.alg.name(),
                created_at_ms: k.stored.created_at_ms,
                signs_from_ms: k.stored.signs_from_ms,
                published_until_ms: k.stored.published_until_ms,
                signing: self.signer(k.stored.alg, now).is_some_and(|s| s.stored.kid == k.stored.kid),
            })
            .collect()
    }
}

impl Key {
    fn from_stored(stored: StoredKey) -> Result<Key, String> {
        let private = PKey::private_key_from_pem(stored.private_pem.as_bytes())
            .map_err(|e| format!("key {}: {e}", stored.kid))?;
        let certificate =
            X509::from_pem(stored.certificate_pem.as_bytes()).map_err(|e| format!("key {}: {e}", stored.kid))?;
        let certificate_der = certificate.to_der().map_err(|e| e.to_string())?;
        let mut jwk = public_jwk(&private, stored.alg).map_err(|e| e.to_string())?;
        if thumbprint(&jwk) != stored.kid {
            return Err(format!("key {}: its id is not its thumbprint", stored.kid));
        }
        let object = jwk.as_object_mut().ok_or("a JWK is an object")?;
        object.insert("kid".into(), stored.kid.clone().into());
        object.insert("use".into(), "sig".into());
        object.insert("alg".into(), stored.alg.name().into());
        object.insert("x5c".into(), serde_json::json!([STANDARD.encode(&certificate_der)]));
        object.insert("x5t#S256".into(), URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&certificate_der)).into());
        Ok(Key { stored, private, jwk })
    }

    fn published(&self, now: UnixMillis) -> bool {
        self.stored.published_until_ms.is_none_or(|until| now.0 < until)
    }
}

/// The public JWK members of a key (no kid, use, alg).
/// Signs `claims` as a compact JWS with `key` (RSA for RS256, P-256 for ES256), naming `kid`
/// in the header when given.
pub fn sign_with(
    key: &PKey<Private>,
    alg: Alg,
    kid: Option<&str>,
    claims: &serde_json::Value,
) -> Result<String, ServerError> {
    let mut header = serde_json::json!({ "alg": alg.name(), "typ": "JWT" });
    if let Some(kid) = kid {
        header["kid"] = kid.into();
    }
    let input =
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let mut signer = Signer::new(MessageDigest::sha256(), key).map_err(ssl)?;
    signer.update(input.as_bytes()).map_err(ssl)?;
    let der = signer.sign_to_vec().map_err(ssl)?;
    let signature = match alg {
        Alg::RS256 => der,
        // JWS wants ECDSA as r || s, 32 bytes each (RFC 7518 section 3.4).
        Alg::ES256 => {
            let sig = EcdsaSig::from_der(&der).map_err(ssl)?;
            let mut raw = sig.r().to_vec_padded(32).map_err(ssl)?;
            raw.extend(sig.s().to_vec_padded(32).map_err(ssl)?);
            raw
        }
    };
    Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

fn public_jwk(key: &PKey<Private>, alg: Alg) -> Result<serde_json::Value, ServerError> {
    let b64 = |bytes: Vec<u8>| URL_SAFE_NO_PAD.encode(bytes);
    match alg {
        Alg::RS256 => {
            let rsa = key.rsa().map_err(ssl)?;
            Ok(serde_json::json!({ "kty": "RSA", "n": b64(rsa.n().to_vec()), "e": b64(rsa.e().to_vec()) }))
        }
        Alg::ES256 => {
            let ec = key.ec_key().map_err(ssl)?;
            let mut ctx = openssl::bn::BigNumContext::new().map_err(ssl)?;
            let (mut x, mut y) = (BigNum::new().map_err(ssl)?, BigNum::new().map_err(ssl)?);
            ec.public_key().affine_coordinates(ec.group(), &mut x, &mut y, &mut ctx).map_err(ssl)?;
            Ok(serde_json::json!({
                "kty": "EC", "crv": "P-256",
                "x": b64(x.to_vec_padded(32).map_err(ssl)?), "y": b64(y.to_vec_padded(32).map_err(ssl)?),
            }))
        }
    }
}

/// The JWK thumbprint (RFC 7638): SHA-256 of the required members in lexicographic order.
fn thumbprint(jwk: &serde_json::Value) -> String {
    let member = |name: &str| jwk[name].as_str().unwrap_or_default().to_string();
    let canonical = match jwk["kty"].as_str() {
        Some("RSA") => format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, member("e"), member("n")),
        _ => format!(r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#, member("crv"), member("x"), member("y")),
    };
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(canonical.as_bytes()))
}

fn new_key(alg: Alg, now: UnixMillis, signs_from_ms: i64) -> Result<StoredKey, ServerError> {
    let private = match alg {
        Alg::RS256 => PKey::from_rsa(Rsa::generate(2048).map_err(ssl)?).map_err(ssl)?,
        Alg::ES256 => {
            let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).map_err(ssl)?;
            PKey::from_ec_key(EcKey::generate(&group).map_err(ssl)?).map_err(ssl)?
        }
    };
    let kid = thumbprint(&public_jwk(&private, alg)?);
    // A self-signed certificate for x5c: some relying parties (and Entra's tooling) want one.
    let mut name = X509NameBuilder::new().map_err(ssl)?;
    // A common name is at most 64 characters: the key id's first 16 name it.
    name.append_entry_by_nid(Nid::COMMONNAME, &format!("Lastmile OIDC signing key {}", &kid[..16])).map_err(ssl)?;
    let name = name.build();
    let mut b = X509::builder().map_err(ssl)?;
    b.set_version(2).map_err(ssl)?;
    let mut serial = BigNum::new().map_err(ssl)?;
    serial.rand(120, MsbOption::MAYBE_ZERO, false).map_err(ssl)?;
    let serial = serial.to_asn1_integer().map_err(ssl)?;
    b.set_serial_number(&serial).map_err(ssl)?;
    b.set_subject_name(&name).map_err(ssl)?;
    b.set_issuer_name(&name).map_err(ssl)?;
    b.set_pubkey(&private).map_err(ssl)?;
    let secs = now.0.div_euclid(1000);
    let (not_before, not_after) =
        (Asn1Time::from_unix(secs - 3600).map_err(ssl)?, Asn1Time::from_unix(secs + 5 * 365 * 86_400).map_err(ssl)?);
    b.set_not_before(&not_before).map_err(ssl)?;
    b.set_not_after(&not_after).map_err(ssl)?;
    b.sign(&private, MessageDigest::sha256()).map_err(ssl)?;
    let certificate_pem =
        String::from_utf8(b.build().to_pem().map_err(ssl)?).map_err(|e| ServerError::Internal(e.to_string()))?;
    let private_pem = String::from_utf8(private.private_key_to_pem_pkcs8().map_err(ssl)?)
        .map_err(|e| ServerError::Internal(e.to_string()))?;
    Ok(StoredKey {
        kid,
        alg,
        private_pem,
        certificate_pem,
        created_at_ms: now.0,
        signs_from_ms,
        published_until_ms: None,
    })
}

fn write(path: &Path, file: &KeyFile) -> Result<(), ServerError> {
    let text = serde_json::to_vec_pretty(file).map_err(|e| ServerError::Internal(e.to_string()))?;
    crate::secrets::write_private_file(path, &text).map_err(|e| invalid(path, format!("cannot write it: {e}")))
}

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rotation {
    /// The new keys' ids.
    pub new: Vec<String>,
    /// When they start signing (and the replaced ones stop).
    pub signs_from_ms: i64,
    /// Keys dropped from the file (retired and no longer published).
    pub dropped: Vec<String>,
}

/// Adds a new RS256 and ES256 pair to the file in `path`, signing from `now + overlap_ms`;
/// the keys they replace stay published until [`RETIRED_PUBLISHED_MS`] after that, and keys
/// no longer published are dropped.
pub fn rotate(path: &Path, now: UnixMillis, overlap_ms: i64) -> Result<Rotation, ServerError> {
    let text = std::fs::read_to_string(path).map_err(|e| invalid(path, format!("cannot read it: {e}")))?;
    let mut file: KeyFile = serde_json::from_str(&text).map_err(|e| invalid(path, format!("not a key file: {e}")))?;
    let signs_from_ms = now.0 + overlap_ms.max(0);
    let before = file.keys.len();
    let mut dropped = Vec::new();
    file.keys.retain(|k| {
        let keep = k.published_until_ms.is_none_or(|until| now.0 < until);
        if !keep {
            dropped.push(k.kid.clone());
        }
        keep
    });
    debug_assert!(file.keys.len() + dropped.len() == before);
    for k in &mut file.keys {
        if k.published_until_ms.is_none() {
            k.published_until_ms = Some(signs_from_ms + RETIRED_PUBLISHED_MS);
        }
    }
    let new = vec![new_key(Alg::RS256, now, signs_from_ms)?, new_key(Alg::ES256, now, signs_from_ms)?];
    let ids = new.iter().map(|k| k.kid.clone()).collect();
    file.keys.extend(new);
    write(path, &file)?;
    Ok(Rotation { new: ids, signs_from_ms, dropped })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_made_published_and_rotated_with_overlap() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("oidc-keys.json");
        let t0 = UnixMillis(1_790_000_000_000);
        let keys = SigningKeys::load_or_create(&path, t0).expect("keys");
        let jwks = keys.jwks(t0);
        let published: Vec<&str> =
            jwks["keys"].as_array().expect("keys").iter().filter_map(|k| k["alg"].as_str()).collect();
        assert_eq!(published, ["RS256", "ES256"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
        }
        let first = keys.list(t0);
        assert!(first.iter().all(|k| k.signing), "{first:?}");

        // Rotation: the new pair is published at once and signs after the overlap.
        let overlap = 3_600_000;
        let r = rotate(&path, UnixMillis(t0.0 + 1000), overlap).expect("rotate");
        let keys = SigningKeys::load(&path).expect("load");
        let during = UnixMillis(t0.0 + 2000);
        assert_eq!(keys.jwks(during)["keys"].as_array().map(Vec::len), Some(4), "old and new published");
        let signing: Vec<String> = keys.list(during).into_iter().filter(|k| k.signing).map(|k| k.kid).collect();
        assert!(signing.iter().all(|kid| !r.new.contains(kid)), "the old pair signs during the overlap");
        let after = UnixMillis(r.signs_from_ms);
        let signing: Vec<String> = keys.list(after).into_iter().filter(|k| k.signing).map(|k| k.kid).collect();
        assert_eq!(signing, r.new, "the new pair signs from the switch");
        let later = UnixMillis(r.signs_from_ms + RETIRED_PUBLISHED_MS);
        assert_eq!(keys.jwks(later)["keys"].as_array().map(Vec::len), Some(2), "the old pair is retired");
        let r2 = rotate(&path, later, 0).expect("rotate again");
        assert_eq!(r2.dropped.len(), 2, "retired keys leave the file");
    }

    #[test]
    fn a_key_file_that_was_tampered_with_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("oidc-keys.json");
        SigningKeys::load_or_create(&path, UnixMillis(1_790_000_000_000)).expect("keys");
        let text = std::fs::read_to_string(&path).expect("read");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        let kid = v["keys"][0]["kid"].as_str().expect("kid").to_string();
        std::fs::write(&path, text.replace(&kid, "someone-elses-key")).expect("write");
        let err = SigningKeys::load(&path).expect_err("tampered").to_string();
        assert!(err.contains("its id is not its thumbprint"), "{err}");
        std::fs::write(&path, "{").expect("write");
        assert!(SigningKeys::load(&path).expect_err("broken").to_string().contains("not a key file"));
    }
}
