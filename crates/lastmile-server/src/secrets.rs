//! Random identifiers and bearer secrets, and how the server stores them (hashed).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use sha2::{Digest, Sha256};

/// A random identifier with a type prefix, e.g. `dev_3f2a...` (128 bits).
pub fn new_id(prefix: &str) -> String {
    let bytes: [u8; 16] = rand::rng().random();
    let mut s = String::with_capacity(prefix.len() + 1 + 32);
    s.push_str(prefix);
    s.push('_');
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// A device bearer token (256 bits from the OS-seeded CSPRNG).
pub fn new_device_token() -> String {
    bearer("lmd_")
}

/// A new admin token (dashboard): 256 random bits; only its hash is stored.
pub fn new_admin_token() -> String {
    bearer("lma_")
}

/// A new OpenID Connect client secret: 256 random bits; only its hash is stored.
pub fn new_client_secret() -> String {
    bearer("lmcs_")
}

/// An OAuth authorization code (or an opaque access token): 256 random bits; only its hash
/// is stored.
pub fn new_authorization_code() -> String {
    bearer("")
}

/// A nonce for an ID token the server will be shown (a join with the organisation's sign-in):
/// 256 random bits; only its hash is stored.
pub fn new_nonce() -> String {
    bearer("")
}

/// A JWT id (`jti`): 128 random bits, base64url.
pub fn new_jti() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// 256 bits from the OS-seeded CSPRNG, base64url, after `prefix` (which names what it is).
fn bearer(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::rng().random();
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Entropy for an invite code.
pub fn new_invite_entropy() -> [u8; lastmile_core::invite::CODE_BYTES] {
    rand::rng().random()
}

/// A TOTP shared secret (160 bits from the OS-seeded CSPRNG).
pub fn new_totp_secret() -> [u8; lastmile_core::totp::SECRET_BYTES] {
    rand::rng().random()
}

/// Writes a key file readable only by its owner (0600 on Unix; its directory made private
/// when it is created): atomically, through a temporary file beside it and a rename, synced
/// to disk. For the server's keys that live outside the database (seal, checkpoint).
pub fn write_private_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    }
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// SHA-256, hex. Used for high-entropy secrets only (tokens, invite codes), where a slow
/// KDF adds nothing: there is no dictionary to attack.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_tokens_are_unique_and_well_formed() {
        let a = new_id("dev");
        let b = new_id("dev");
        assert_ne!(a, b);
        assert!(a.starts_with("dev_") && a.len() == 4 + 32, "{a}");
        let t = new_device_token();
        assert!(t.starts_with("lmd_") && t.len() == 4 + 43, "{t}");
        assert_ne!(t, new_device_token());
    }

    #[test]
    fn hash_is_sha256_hex() {
        assert_eq!(hash_secret("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
