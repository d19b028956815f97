//! Recovery codes at rest: argon2id, salted per code. These functions block; the server
//! calls them only through [`crate::kdf::Kdf`], which bounds and schedules them.
//!
//! Parameters: 19 MiB of memory, 2 passes, 1 lane: the OWASP minimum for argon2id. The codes
//! carry 80 bits from a CSPRNG, so the KDF guards against an offline attack on a stolen
//! database rather than against guessable inputs. Measured on this 2-core machine
//! (`examples/bench_argon2.rs`): about 49 ms per check, so checking a whole set of ten stays
//! under half a second, while online guessing is stopped by the lockout (5 wrong codes).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;

use lastmile_core::recovery::SET_SIZE;

use crate::ServerError;

pub const M_COST_KIB: u32 = 19_456;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;

fn argon2() -> Result<Argon2<'static>, ServerError> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None)
        .map_err(|e| ServerError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) of a canonical code.
pub fn hash(code: &str) -> Result<String, ServerError> {
    let salt_bytes: [u8; 16] = rand::rng().random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| ServerError::Internal(format!("argon2 salt: {e}")))?;
    let hash =
        argon2()?.hash_password(code.as_bytes(), &salt).map_err(|e| ServerError::Internal(format!("argon2: {e}")))?;
    Ok(hash.to_string())
}

/// Whether `code` matches a stored PHC string.
pub fn matches(code: &str, phc: &str) -> Result<bool, ServerError> {
    let parsed = PasswordHash::new(phc).map_err(|e| ServerError::Corrupt(format!("stored recovery hash: {e}")))?;
    Ok(argon2()?.verify_password(code.as_bytes(), &parsed).is_ok())
}

/// A hash nobody's code matches, for the work done when there is no real hash to check.
fn decoy() -> Result<&'static str, ServerError> {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(h) = DECOY.get() {
        return Ok(h);
    }
    let fresh = hash(&crate::secrets::new_id("decoy"))?;
    Ok(DECOY.get_or_init(|| fresh))
}

/// Whether any of `hashes` matches `code` (stops at the first match).
pub fn any_matches(code: &str, hashes: &[String]) -> Result<bool, ServerError> {
    for h in hashes {
        if matches(code, h)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Which of `hashes` matches `code`, if any. Always computes argon2id at least
/// [`SET_SIZE`] times (checking decoys when fewer real hashes are given, and not stopping
/// at a match), so the time taken does not tell whether the user exists, how many codes
/// are left, or where the match was. Blocking: call it from a blocking thread.
pub fn find_match(code: &str, hashes: &[String]) -> Result<Option<usize>, ServerError> {
    let mut found = None;
    for (i, h) in hashes.iter().enumerate() {
        if matches(code, h)? && found.is_none() {
            found = Some(i);
        }
    }
    for _ in hashes.len()..SET_SIZE {
        matches(code, decoy()?)?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_are_salted_argon2id_and_verify() {
        let a = super::hash("ABCDEFGHJKMNPQRS").expect("hash");
        let b = super::hash("ABCDEFGHJKMNPQRS").expect("hash");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(super::matches("ABCDEFGHJKMNPQRS", &a).expect("verify"));
        assert!(!super::matches("ABCDEFGHJKMNPQRT", &a).expect("verify"));
    }

    #[test]
    fn find_match_finds_the_right_index_or_none() {
        let hashes: Vec<String> =
            ["AAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBB"].iter().map(|c| super::hash(c).expect("hash")).collect();
        assert_eq!(super::find_match("BBBBBBBBBBBBBBBB", &hashes).expect("match"), Some(1));
        assert_eq!(super::find_match("CCCCCCCCCCCCCCCC", &hashes).expect("match"), None);
        assert_eq!(super::find_match("CCCCCCCCCCCCCCCC", &[]).expect("match"), None);
    }
}
