//! TOTP (RFC 6238) on top of totp-rs: otpauth URIs, codes, and verification with one step
//! of drift each way and replay refusal (a step, once accepted, never is again).
//!
//! Defaults are SHA-1, 6 digits, 30 s, because common authenticator apps ignore other
//! parameters. The secret is 20 bytes (160 bits) from the caller's CSPRNG.

use totp_rs::{Algorithm, Builder, Secret, Totp};

use crate::CoreError;
use crate::clock::UnixMillis;

/// Secret length in bytes (RFC 4226 recommends 160 bits).
pub const SECRET_BYTES: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpAlgorithm {
    Sha1,
    Sha256,
    Sha512,
}

impl TotpAlgorithm {
    pub fn name(self) -> &'static str {
        match self {
            TotpAlgorithm::Sha1 => "SHA1",
            TotpAlgorithm::Sha256 => "SHA256",
            TotpAlgorithm::Sha512 => "SHA512",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "SHA1" => Some(TotpAlgorithm::Sha1),
            "SHA256" => Some(TotpAlgorithm::Sha256),
            "SHA512" => Some(TotpAlgorithm::Sha512),
            _ => None,
        }
    }
}

/// The parameters of one TOTP factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TotpParams {
    pub algorithm: TotpAlgorithm,
    pub digits: u8,
    pub period_s: u64,
}

impl Default for TotpParams {
    fn default() -> Self {
        Self { algorithm: TotpAlgorithm::Sha1, digits: 6, period_s: 30 }
    }
}

impl TotpParams {
    /// Whether common authenticator apps honour these parameters (they ignore others).
    pub fn widely_supported(&self) -> bool {
        *self == TotpParams::default()
    }
}

fn totp(secret: &[u8], params: TotpParams, issuer: Option<&str>, account: &str) -> Result<Totp, CoreError> {
    let algorithm = match params.algorithm {
        TotpAlgorithm::Sha1 => Algorithm::SHA1,
        TotpAlgorithm::Sha256 => Algorithm::SHA256,
        TotpAlgorithm::Sha512 => Algorithm::SHA512,
    };
    Builder::new()
        .with_algorithm(algorithm)
        .with_digits(params.digits)
        .with_skew(1)
        .with_step_duration(params.period_s)
        .with_secret(Secret::from(secret.to_vec()))
        .with_issuer(issuer)
        .with_account_name(account)
        .build()
        .map_err(|e| CoreError::Totp(e.to_string()))
}

/// The `otpauth://totp/...` URI an authenticator app scans.
pub fn otpauth_uri(secret: &[u8], params: TotpParams, issuer: &str, account: &str) -> Result<String, CoreError> {
    totp(secret, params, Some(issuer), account)?.to_url().map_err(|e| CoreError::Totp(e.to_string()))
}

/// The code for a moment (for tests and tools; the server only verifies).
pub fn code_at(secret: &[u8], params: TotpParams, at: UnixMillis) -> Result<String, CoreError> {
    Ok(totp(secret, params, None, "")?.generate(unix_seconds(at)).to_string())
}

fn unix_seconds(at: UnixMillis) -> u64 {
    u64::try_from(at.0.div_euclid(1000)).unwrap_or(0)
}

/// The outcome of checking a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// Right code, in the window; remember `step` so it is never accepted again.
    Accepted { step: u64 },
    /// Right code, but its step (or a later one) was already used.
    Replayed,
    /// Not the code of any step in the window.
    Wrong,
    /// Not a code at all (wrong length, not digits).
    Malformed,
}

/// Checks `code` at `now`, with one step of drift each way, refusing steps at or before
/// `last_step` (RFC 6238 section 5.2: a code is accepted once).
pub fn verify(
    secret: &[u8],
    params: TotpParams,
    code: &str,
    now: UnixMillis,
    last_step: Option<u64>,
) -> Result<Verification, CoreError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if code.len() != usize::from(params.digits) || !code.chars().all(|c| c.is_ascii_digit()) {
        return Ok(Verification::Malformed);
    }
    let t = totp(secret, params, None, "")?;
    Ok(match t.check(&code, unix_seconds(now)) {
        Some(step) if last_step.is_some_and(|last| step <= last) => Verification::Replayed,
        Some(step) => Verification::Accepted { step },
        None => Verification::Wrong,
    })
}

/// The secret in base 32 (RFC 4648, no padding), as otpauth URIs and apps carry it.
pub fn secret_to_base32(secret: &[u8]) -> String {
    Secret::from(secret.to_vec()).to_base32()
}

/// Parses a base-32 secret.
pub fn secret_from_base32(text: &str) -> Result<Vec<u8>, CoreError> {
    Secret::try_from_base32(text).map(|s| s.to_vec()).map_err(|e| CoreError::Totp(format!("{e:?}")))
}

/// A base-32 secret grouped in fours for typing: `JBSW Y3DP EHPK 3PXP`.
pub fn group_for_typing(base32: &str) -> String {
    let clean: Vec<char> = base32.chars().filter(|c| *c != '=').collect();
    clean.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA1_KEY: &[u8] = b"12345678901234567890";
    const SHA256_KEY: &[u8] = b"12345678901234567890123456789012";
    const SHA512_KEY: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    #[test]
    fn rfc6238_appendix_b_vectors() {
        // (time in seconds, SHA-1, SHA-256, SHA-512), 8 digits, 30 s.
        let table = [
            (59, "94287082", "46119246", "90693936"),
            (1_111_111_109, "07081804", "68084774", "25091201"),
            (1_111_111_111, "14050471", "67062674", "99943326"),
            (1_234_567_890, "89005924", "91819424", "93441116"),
            (2_000_000_000, "69279037", "90698825", "38618901"),
            (20_000_000_000, "65353130", "77737706", "47863826"),
        ];
        for (t, sha1, sha256, sha512) in table {
            let at = UnixMillis(t * 1000);
            for (alg, key, want) in [
                (TotpAlgorithm::Sha1, SHA1_KEY, sha1),
                (TotpAlgorithm::Sha256, SHA256_KEY, sha256),
                (TotpAlgorithm::Sha512, SHA512_KEY, sha512),
            ] {
                let params = TotpParams { algorithm: alg, digits: 8, period_s: 30 };
                assert_eq!(code_at(key, params, at).expect("code"), want, "{alg:?} at {t}");
            }
        }
    }

    #[test]
    fn verification_window_and_replay() {
        let p = TotpParams::default();
        let now = UnixMillis(1_700_000_015_000); // inside step 56_666_667
        let step = 1_700_000_015 / 30;
        let code = |offset_steps: i64| code_at(SHA1_KEY, p, UnixMillis(now.0 + offset_steps * 30_000)).expect("code");
        let table = [
            (code(0), None, Verification::Accepted { step }),
            (code(-1), None, Verification::Accepted { step: step - 1 }),
            (code(1), None, Verification::Accepted { step: step + 1 }),
            (code(-2), None, Verification::Wrong),
            (code(2), None, Verification::Wrong),
            (code(0), Some(step), Verification::Replayed),
            (code(-1), Some(step), Verification::Replayed),
            (code(1), Some(step), Verification::Accepted { step: step + 1 }),
            ("12345".to_string(), None, Verification::Malformed),
            ("12a456".to_string(), None, Verification::Malformed),
        ];
        for (input, last, want) in table {
            assert_eq!(verify(SHA1_KEY, p, &input, now, last).expect("verify"), want, "{input} last={last:?}");
        }
        // Spaces and dashes people type are ignored.
        let spaced = format!("{} {}", &code(0)[..3], &code(0)[3..]);
        assert_eq!(verify(SHA1_KEY, p, &spaced, now, None).expect("verify"), Verification::Accepted { step });
    }

    #[test]
    fn otpauth_uri_has_issuer_account_and_defaults() {
        let uri = otpauth_uri(SHA1_KEY, TotpParams::default(), "Acme Ltd", "ada@acme.test").expect("uri");
        assert!(uri.starts_with("otpauth://totp/Acme%20Ltd:ada%40acme.test?"), "{uri}");
        assert!(uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), "{uri}");
        assert!(uri.contains("issuer=Acme%20Ltd"), "{uri}");
        assert!(TotpParams::default().widely_supported());
        assert!(!TotpParams { digits: 8, ..TotpParams::default() }.widely_supported());
        assert!(otpauth_uri(&[1; 10], TotpParams::default(), "Acme", "a").is_err(), "80-bit secrets are refused");
    }

    #[test]
    fn base32_round_trip() {
        assert_eq!(secret_to_base32(SHA1_KEY), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(secret_from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").expect("b32"), SHA1_KEY);
        assert!(secret_from_base32("not base32!").is_err());
    }

    #[test]
    fn secrets_group_for_typing() {
        assert_eq!(group_for_typing("JBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP");
        assert_eq!(group_for_typing("JBSWY3DPEH======"), "JBSW Y3DP EH");
    }
}
