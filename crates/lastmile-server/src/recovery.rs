//! Recovery codes at rest: argon2id, salted per code. These functions block; the server
//! calls them only through [`crate::kdf::Kdf`], which bounds and schedules them.
//!
//! Parameters: 19 MiB of memory, 2 passes, 1 lane: the OWASP minimum for argon2id. The codes
//! carry 80 bits from a CSPRNG, so the KDF guards against an offline attack on a stolen
//! database rather than against guessable inputs. Measured on this 2-core machine
//! (`examples/bench_argon2.rs`): about 49 ms per check, so checking a whole set of ten stays
//! under half a second, while online guessing is stopped by the lockout (5 wrong codes).

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::Rng;

use lastmile_core::recovery::SET_SIZE;

use crate::ServerError;

pub const M_COST_KIB: u32 = 19_456;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;
/// Bytes of argon2id output stored per code.
const OUTPUT_BYTES: usize = 32;

fn params() -> Result<Params, ServerError> {
    Params::new(M_COST_KIB, T_COST, P_COST, Some(OUTPUT_BYTES))
        .map_err(|e| ServerError::Internal(format!("argon2 parameters: {e}")))
}

/// The working memory of one argon2id derivation (19 MiB), allocated once and reused, so
/// that the server's memory stays flat however many derivations it runs: fresh buffers
/// per derivation, freed on many threads, left the allocator holding hundreds of MiB.
pub struct Memory {
    blocks: Vec<Block>,
    derivations: u64,
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Memory({} KiB, {} derivations)", self.blocks.len(), self.derivations)
    }
}

impl Memory {
    /// Enough for the current parameters.
    pub fn new() -> Memory {
        Memory { blocks: vec![Block::default(); M_COST_KIB as usize], derivations: 0 }
    }

    /// How many derivations ran in this buffer.
    pub fn derivations(&self) -> u64 {
        self.derivations
    }

    /// argon2id of `code` with `salt` under `params`, into `out`. Uses this buffer when it
    /// is large enough (always, for hashes made with the current parameters), or a
    /// temporary one for a stored hash with larger ones.
    fn derive(&mut self, params: Params, code: &[u8], salt: &[u8], out: &mut [u8]) -> Result<(), ServerError> {
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let needed = argon2.params().block_count();
        self.derivations += 1;
        let result = if needed <= self.blocks.len() {
            argon2.hash_password_into_with_memory(code, salt, out, &mut self.blocks[..needed])
        } else {
            argon2.hash_password_into_with_memory(code, salt, out, vec![Block::default(); needed])
        };
        result.map_err(|e| ServerError::Internal(format!("argon2: {e}")))
    }
}

impl Default for Memory {
    fn default() -> Memory {
        Memory::new()
    }
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) of a canonical code.
pub fn hash(code: &str, memory: &mut Memory) -> Result<String, ServerError> {
    let salt: [u8; 16] = rand::rng().random();
    let mut out = [0u8; OUTPUT_BYTES];
    memory.derive(params()?, code.as_bytes(), &salt, &mut out)?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| ServerError::Internal(format!("argon2 salt: {e}")))?;
    let out = Output::new(&out).map_err(|e| ServerError::Internal(format!("argon2 output: {e}")))?;
    Ok(format!("$argon2id$v=19$m={M_COST_KIB},t={T_COST},p={P_COST}${}${out}", salt.as_str()))
}

/// Whether `code` matches a stored PHC string (compared in constant time).
pub fn matches(code: &str, phc: &str, memory: &mut Memory) -> Result<bool, ServerError> {
    let corrupt = |e: &dyn std::fmt::Display| ServerError::Corrupt(format!("stored recovery hash: {e}"));
    let parsed = PasswordHash::new(phc).map_err(|e| corrupt(&e))?;
    if parsed.algorithm.as_str() != "argon2id" || parsed.version != Some(0x13) {
        return Err(corrupt(&"not argon2id version 19"));
    }
    let expected = parsed.hash.ok_or_else(|| corrupt(&"no hash"))?;
    let salt = parsed.salt.ok_or_else(|| corrupt(&"no salt"))?;
    let mut salt_bytes = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_bytes).map_err(|e| corrupt(&e))?;
    let params = Params::try_from(&parsed).map_err(|e| corrupt(&e))?;
    let mut out = vec![0u8; expected.len()];
    memory.derive(params, code.as_bytes(), salt, &mut out)?;
    let computed = Output::new(&out).map_err(|e| corrupt(&e))?;
    // `Output`'s equality is constant-time.
    Ok(computed == expected)
}

/// A hash nobody's code matches, for the work done when there is no real hash to check.
fn decoy(memory: &mut Memory) -> Result<&'static str, ServerError> {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(h) = DECOY.get() {
        return Ok(h);
    }
    let fresh = hash(&crate::secrets::new_id("decoy"), memory)?;
    Ok(DECOY.get_or_init(|| fresh))
}

/// Whether any of `hashes` matches `code` (stops at the first match).
pub fn any_matches(code: &str, hashes: &[String], memory: &mut Memory) -> Result<bool, ServerError> {
    for h in hashes {
        if matches(code, h, memory)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Which of `hashes` matches `code`, if any. Always computes argon2id exactly
/// [`SET_SIZE`] times when given at most that many hashes (checking decoys when fewer real
/// hashes are given, and not stopping at a match), so the time taken does not tell whether
/// the user exists, how many codes are left, or where the match was. Blocking: call it
/// from a blocking thread.
pub fn find_match(code: &str, hashes: &[String], memory: &mut Memory) -> Result<Option<usize>, ServerError> {
    let mut found = None;
    for (i, h) in hashes.iter().enumerate() {
        if matches(code, h, memory)? && found.is_none() {
            found = Some(i);
        }
    }
    for _ in hashes.len()..SET_SIZE {
        let decoy = decoy(memory)?;
        matches(code, decoy, memory)?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::Memory;
    use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

    #[test]
    fn hashes_are_salted_argon2id_and_verify() {
        let mut m = Memory::new();
        let a = super::hash("ABCDEFGHJKMNPQRS", &mut m).expect("hash");
        let b = super::hash("ABCDEFGHJKMNPQRS", &mut m).expect("hash");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(super::matches("ABCDEFGHJKMNPQRS", &a, &mut m).expect("verify"));
        assert!(!super::matches("ABCDEFGHJKMNPQRT", &a, &mut m).expect("verify"));
    }

    /// The reused-memory derivation is the argon2 crate's own: each verifies the other's
    /// PHC strings (hashes stored before the change keep working), also with other
    /// parameters (a temporary buffer when they need more memory).
    #[test]
    fn hashes_agree_with_the_argon2_crate_both_ways() {
        let mut m = Memory::new();
        let ours = super::hash("ABCDEFGHJKMNPQRS", &mut m).expect("hash");
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(argon2::Argon2::default().verify_password(b"ABCDEFGHJKMNPQRS", &parsed).is_ok());
        for (m_cost, t_cost) in [(19_456, 2), (8_192, 3), (24_576, 1)] {
            let params = argon2::Params::new(m_cost, t_cost, 1, None).expect("params");
            let theirs = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
                .hash_password(b"ABCDEFGHJKMNPQRS", &SaltString::encode_b64(&[7; 16]).expect("salt"))
                .expect("hash")
                .to_string();
            assert!(super::matches("ABCDEFGHJKMNPQRS", &theirs, &mut m).expect("verify"), "{theirs}");
            assert!(!super::matches("ABCDEFGHJKMNPQRT", &theirs, &mut m).expect("verify"), "{theirs}");
        }
        assert!(super::matches("ABCDEFGHJKMNPQRS", "$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA", &mut m).is_err());
    }

    #[test]
    fn find_match_finds_the_right_index_or_none() {
        let mut m = Memory::new();
        let hashes: Vec<String> =
            ["AAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBB"].iter().map(|c| super::hash(c, &mut m).expect("hash")).collect();
        let _ = super::decoy(&mut m).expect("decoy made once, before counting");
        let work = |m: &mut Memory, code: &str, hashes: &[String]| {
            let before = m.derivations();
            let found = super::find_match(code, hashes, m).expect("match");
            (found, m.derivations() - before)
        };
        assert_eq!(work(&mut m, "BBBBBBBBBBBBBBBB", &hashes), (Some(1), 10));
        assert_eq!(work(&mut m, "AAAAAAAAAAAAAAAA", &hashes), (Some(0), 10), "no early stop at a match");
        assert_eq!(work(&mut m, "CCCCCCCCCCCCCCCC", &hashes), (None, 10));
        assert_eq!(work(&mut m, "CCCCCCCCCCCCCCCC", &[]), (None, 10), "decoys when there are no hashes");
    }
}
