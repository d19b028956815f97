//! Verifying compact JWS tokens signed by someone else's keys (a JWK Set): a client's
//! `private_key_jwt` assertions now, an identity provider's hints later. RS256 and ES256,
//! through OpenSSL; the key is chosen by `kid` (or tried in turn when the token names none).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Public};
use openssl::rsa::Rsa;
use openssl::sign::Verifier;

/// Why a token was not accepted (said to the client, logged on the server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected(pub String);

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn rejected(why: impl Into<String>) -> Rejected {
    Rejected(why.into())
}

/// The public key of a JWK (RSA, or EC on P-256).
fn public_key(jwk: &serde_json::Value) -> Result<PKey<Public>, Rejected> {
    let member = |name: &str| -> Result<Vec<u8>, Rejected> {
        let text = jwk[name].as_str().ok_or_else(|| rejected(format!("a JWK without {name}")))?;
        URL_SAFE_NO_PAD.decode(text).map_err(|_| rejected(format!("a JWK whose {name} is not base64url")))
    };
    let ssl = |e: openssl::error::ErrorStack| rejected(format!("a JWK that is not a valid key: {e}"));
    match jwk["kty"].as_str() {
        Some("RSA") => {
            let rsa = Rsa::from_public_components(
                BigNum::from_slice(&member("n")?).map_err(ssl)?,
                BigNum::from_slice(&member("e")?).map_err(ssl)?,
            )
            .map_err(ssl)?;
            if rsa.size() < 256 {
                return Err(rejected("an RSA key shorter than 2048 bits"));
            }
            PKey::from_rsa(rsa).map_err(ssl)
        }
        Some("EC") if jwk["crv"] == "P-256" => {
            let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).map_err(ssl)?;
            let (x, y) =
                (BigNum::from_slice(&member("x")?).map_err(ssl)?, BigNum::from_slice(&member("y")?).map_err(ssl)?);
            let key = EcKey::from_public_key_affine_coordinates(&group, &x, &y).map_err(ssl)?;
            key.check_key().map_err(ssl)?;
            PKey::from_ec_key(key).map_err(ssl)
        }
        other => Err(rejected(format!("a key of type {other:?} (RSA or EC P-256 only)"))),
    }
}

/// The claims of `token` if one of `jwks`'s keys signed it with RS256 or ES256. Nothing about
/// the claims is checked here.
pub fn verify(token: &str, jwks: &serde_json::Value) -> Result<serde_json::Value, Rejected> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(rejected("not a compact JWS (three parts)"));
    };
    let decode = |what: &str, part: &str| {
        URL_SAFE_NO_PAD.decode(part).map_err(|_| rejected(format!("its {what} is not base64url")))
    };
    let header: serde_json::Value =
        serde_json::from_slice(&decode("header", h)?).map_err(|_| rejected("its header is not JSON"))?;
    let alg = header["alg"].as_str().unwrap_or_default();
    let (kty, signature) = match alg {
        "RS256" => ("RSA", decode("signature", s)?),
        "ES256" => {
            let raw = decode("signature", s)?;
            if raw.len() != 64 {
                return Err(rejected("an ES256 signature is 64 bytes"));
            }
            let ssl = |e: openssl::error::ErrorStack| rejected(format!("an ES256 signature: {e}"));
            let sig = EcdsaSig::from_private_components(
                BigNum::from_slice(&raw[..32]).map_err(ssl)?,
                BigNum::from_slice(&raw[32..]).map_err(ssl)?,
            )
            .map_err(ssl)?;
            ("EC", sig.to_der().map_err(ssl)?)
        }
        other => return Err(rejected(format!("signature algorithm {other:?} (RS256 or ES256 only)"))),
    };
    let keys = jwks["keys"].as_array().map(Vec::as_slice).unwrap_or_default();
    let kid = header["kid"].as_str();
    let candidates: Vec<&serde_json::Value> = keys
        .iter()
        .filter(|k| k["kty"] == kty)
        .filter(|k| kid.is_none_or(|kid| k["kid"] == kid))
        .filter(|k| k["use"].as_str().is_none_or(|u| u == "sig"))
        .collect();
    if candidates.is_empty() {
        return Err(rejected(format!("no registered key fits it (kid {kid:?}, {alg})")));
    }
    let input = format!("{h}.{p}");
    for jwk in candidates {
        let key = public_key(jwk)?;
        let ok = Verifier::new(MessageDigest::sha256(), &key)
            .and_then(|mut v| {
                v.update(input.as_bytes())?;
                v.verify(&signature)
            })
            .unwrap_or(false);
        if ok {
            return serde_json::from_slice(&decode("payload", p)?).map_err(|_| rejected("its payload is not JSON"));
        }
    }
    Err(rejected("the signature does not verify with the registered keys"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oidc::keys::SigningKeys;
    use lastmile_core::clock::UnixMillis;

    /// Tokens our own signer makes verify against our own published keys, and nothing else.
    #[test]
    fn tokens_verify_only_with_the_keys_that_signed_them() {
        let dir = tempfile::tempdir().expect("dir");
        let now = UnixMillis(1_790_000_000_000);
        let keys = SigningKeys::load_or_create(&dir.path().join("a.json"), now).expect("keys");
        let other = SigningKeys::load_or_create(&dir.path().join("b.json"), now).expect("keys");
        let claims = serde_json::json!({ "sub": "x" });
        for alg in [crate::oidc::Alg::RS256, crate::oidc::Alg::ES256] {
            let token = keys.sign(alg, &claims, now).expect("sign");
            assert_eq!(verify(&token, &keys.jwks(now)).expect("verifies"), claims);
            let err = verify(&token, &other.jwks(now)).expect_err("another key set");
            assert!(err.0.contains("no registered key fits") || err.0.contains("does not verify"), "{err}");
            let mut parts: Vec<&str> = token.split('.').collect();
            let forged = URL_SAFE_NO_PAD.encode(br#"{"sub":"y"}"#);
            parts[1] = &forged;
            assert!(verify(&parts.join("."), &keys.jwks(now)).is_err(), "a changed payload");
        }
        assert!(verify("a.b", &keys.jwks(now)).is_err());
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#), URL_SAFE_NO_PAD.encode(b"{}"));
        assert!(verify(&none, &keys.jwks(now)).expect_err("alg none").0.contains("RS256 or ES256 only"));
    }
}
