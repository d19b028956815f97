//! Secrets the server must be able to read back (TOTP seeds), sealed at rest with AES-256-GCM
//! under a key held outside the database: a key file, created 0600 on first start (or named
//! by the operator), so that a copy of the database alone (a backup, a replica, an injection
//! that reads tables) reveals no seed.
//!
//! A sealed value is `lm1:<key id>:<base64url(nonce | ciphertext | tag)>`, with a fresh
//! 96-bit nonce and the factor's id as associated data (a sealed seed moved to another row
//! does not open). The key file holds one key per line, `<key id> <base64url key>`, the
//! first sealing new values and all of them opening; rotation puts a new key first, reseals
//! every value, then drops the old keys. A running server reads the file again when it has
//! changed before sealing, and when it meets a key id it does not hold, so a rotation done
//! by `admin seal-key rotate` while it runs needs no restart.

use std::path::{Path, PathBuf};
use std::sync::RwLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::symm::{Cipher, decrypt_aead, encrypt_aead};
use rand::Rng;
use sha2::Digest;

use crate::ServerError;

const PREFIX: &str = "lm1:";
const NONCE: usize = 12;
const TAG: usize = 16;

/// One AES-256 key and its id (the first 8 hex digits of its SHA-256).
#[derive(Clone)]
struct Key {
    id: String,
    bytes: [u8; 32],
}

impl Key {
    fn new(bytes: [u8; 32]) -> Key {
        let digest = sha2::Sha256::digest(bytes);
        let id = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        Key { id, bytes }
    }

    fn random() -> Key {
        Key::new(rand::rng().random())
    }

    fn line(&self) -> String {
        format!("{} {}\n", self.id, URL_SAFE_NO_PAD.encode(self.bytes))
    }
}

/// The keys that seal and open secrets (see the module documentation).
pub struct SealKeys {
    /// Where they were read from, to read again (none: in memory only).
    file: Option<PathBuf>,
    keys: RwLock<Vec<Key>>,
    /// The file's modification time when it was last read.
    read_at: std::sync::Mutex<Option<std::time::SystemTime>>,
}

impl std::fmt::Debug for SealKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<String> = self.keys.read().map(|k| k.iter().map(|k| k.id.clone()).collect()).unwrap_or_default();
        f.debug_struct("SealKeys").field("file", &self.file).field("key_ids", &ids).finish()
    }
}

fn invalid(path: &Path, why: impl std::fmt::Display) -> ServerError {
    ServerError::Invalid(format!("seal key file {}: {why}", path.display()))
}

fn parse(path: &Path, text: &str) -> Result<Vec<Key>, ServerError> {
    let mut keys = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#')) {
        let (id, b64) = line.trim().split_once(' ').ok_or_else(|| invalid(path, format!("line {}: no key", n + 1)))?;
        let bytes: [u8; 32] = URL_SAFE_NO_PAD
            .decode(b64.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| invalid(path, format!("line {}: not a 32-byte base64url key", n + 1)))?;
        let key = Key::new(bytes);
        if key.id != id {
            return Err(invalid(path, format!("line {}: the key id does not match the key", n + 1)));
        }
        keys.push(key);
    }
    if keys.is_empty() {
        return Err(invalid(path, "no key in it"));
    }
    Ok(keys)
}

/// Writes `keys` to `path` (0600, atomically).
fn write_file(path: &Path, keys: &[Key]) -> Result<(), ServerError> {
    let text: String = std::iter::once(
        "# Lastmile seal keys: the first seals, all open. Keep it secret and backed up apart from the database.\n"
            .to_string(),
    )
    .chain(keys.iter().map(Key::line))
    .collect();
    crate::secrets::write_private_file(path, text.as_bytes()).map_err(|e| invalid(path, e))
}

impl SealKeys {
    /// One random key held in memory only: for tests and benchmarks, whose databases do not
    /// outlive the process.
    pub fn ephemeral() -> SealKeys {
        SealKeys { file: None, keys: RwLock::new(vec![Key::random()]), read_at: std::sync::Mutex::new(None) }
    }

    /// The keys in `path`, or a new file there with one new key (0600) when there is none.
    /// A file readable by others is refused.
    pub fn load_or_create(path: &Path) -> Result<SealKeys, ServerError> {
        if !path.exists() {
            write_file(path, &[Key::random()])?;
            tracing::info!(file = %path.display(), "new seal key created; back it up apart from the database");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map_err(|e| invalid(path, e))?.permissions().mode();
            if mode & 0o077 != 0 {
                return Err(invalid(path, format!("readable by others (mode {:o}); chmod 600 it", mode & 0o777)));
            }
        }
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let text = std::fs::read_to_string(path).map_err(|e| invalid(path, e))?;
        Ok(SealKeys {
            file: Some(path.to_path_buf()),
            keys: RwLock::new(parse(path, &text)?),
            read_at: std::sync::Mutex::new(modified),
        })
    }

    /// The id of the key that seals.
    pub fn current_id(&self) -> String {
        self.keys.read().map(|k| k[0].id.clone()).unwrap_or_default()
    }

    /// `secret` sealed for the row `row` (the associated data).
    pub fn seal(&self, secret: &[u8], row: &str) -> Result<String, ServerError> {
        if let Some(path) = &self.file {
            let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
            let changed = self.read_at.lock().map(|at| *at != modified).unwrap_or(true);
            if changed {
                self.reload()?;
            }
        }
        let key = self.keys.read().map_err(|_| ServerError::Internal("seal keys poisoned".into()))?[0].clone();
        let nonce: [u8; NONCE] = rand::rng().random();
        let mut tag = [0u8; TAG];
        let ct = encrypt_aead(Cipher::aes_256_gcm(), &key.bytes, Some(&nonce), row.as_bytes(), secret, &mut tag)
            .map_err(|e| ServerError::Internal(format!("sealing: {e}")))?;
        let mut out = Vec::with_capacity(NONCE + ct.len() + TAG);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out.extend_from_slice(&tag);
        Ok(format!("{PREFIX}{}:{}", key.id, URL_SAFE_NO_PAD.encode(out)))
    }

    /// Whether `stored` is a sealed value (rather than one stored before sealing existed).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }

    /// The key id a sealed value is under.
    pub fn key_id_of(stored: &str) -> Option<&str> {
        stored.strip_prefix(PREFIX).and_then(|rest| rest.split_once(':')).map(|(id, _)| id)
    }

    /// The secret in `stored`, sealed for `row`. A value that does not open (another key,
    /// another row, altered bytes) is [`ServerError::Corrupt`].
    pub fn open(&self, stored: &str, row: &str) -> Result<Vec<u8>, ServerError> {
        let corrupt = |why: &str| ServerError::Corrupt(format!("sealed secret of {row}: {why}"));
        let rest = stored.strip_prefix(PREFIX).ok_or_else(|| corrupt("not sealed"))?;
        let (id, b64) = rest.split_once(':').ok_or_else(|| corrupt("malformed"))?;
        let raw = URL_SAFE_NO_PAD.decode(b64).map_err(|_| corrupt("malformed"))?;
        if raw.len() < NONCE + TAG {
            return Err(corrupt("too short"));
        }
        let key = match self.key(id) {
            Some(key) => key,
            None => {
                self.reload()?;
                self.key(id)
                    .ok_or_else(|| corrupt(&format!("sealed under key {id}, which the key file does not hold")))?
            }
        };
        let (nonce, rest) = raw.split_at(NONCE);
        let (ct, tag) = rest.split_at(rest.len() - TAG);
        decrypt_aead(Cipher::aes_256_gcm(), &key.bytes, Some(nonce), row.as_bytes(), ct, tag)
            .map_err(|_| corrupt("does not open (altered, or sealed for another row)"))
    }

    /// HMAC-SHA256 of `data` under the oldest key, for `label`: a value that stays the same
    /// across restarts and replicas until a rotation drops that key, and that nobody without
    /// the key file can compute. For stand-ins that must look the same every time they are
    /// shown (the sign-in page's credential ids for an email without security keys).
    pub fn derive(&self, label: &str, data: &[u8]) -> Result<[u8; 32], ServerError> {
        let key = self
            .keys
            .read()
            .ok()
            .and_then(|k| k.last().cloned())
            .ok_or_else(|| ServerError::Internal("seal keys poisoned".into()))?;
        let fail = |e: openssl::error::ErrorStack| ServerError::Internal(format!("HMAC: {e}"));
        let pkey = openssl::pkey::PKey::hmac(&key.bytes).map_err(fail)?;
        let mut mac = openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &pkey).map_err(fail)?;
        mac.update(label.as_bytes()).map_err(fail)?;
        mac.update(&[0]).map_err(fail)?;
        mac.update(data).map_err(fail)?;
        let out = mac.sign_to_vec().map_err(fail)?;
        out.try_into().map_err(|_| ServerError::Internal("HMAC-SHA256 is 32 bytes".into()))
    }

    fn key(&self, id: &str) -> Option<Key> {
        self.keys.read().ok()?.iter().find(|k| k.id == id).cloned()
    }

    /// Reads the key file again (after a rotation by another process).
    fn reload(&self) -> Result<(), ServerError> {
        let Some(path) = &self.file else { return Ok(()) };
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let text = std::fs::read_to_string(path).map_err(|e| invalid(path, e))?;
        let keys = parse(path, &text)?;
        tracing::info!(file = %path.display(), current = %keys[0].id, "seal keys read again");
        if let Ok(mut held) = self.keys.write() {
            *held = keys;
        }
        if let Ok(mut at) = self.read_at.lock() {
            *at = modified;
        }
        Ok(())
    }

    /// Rotation, first half: a new key first in the file (the old ones still open). Returns
    /// the new key's id. The caller reseals, then calls [`SealKeys::drop_old`].
    pub fn add_new_key(&self) -> Result<String, ServerError> {
        let path = self.file.as_ref().ok_or_else(|| ServerError::Invalid("these seal keys have no file".into()))?;
        let mut keys = self.keys.write().map_err(|_| ServerError::Internal("seal keys poisoned".into()))?;
        let new = Key::random();
        let id = new.id.clone();
        keys.insert(0, new);
        write_file(path, &keys)?;
        self.mark_read(path);
        Ok(id)
    }

    /// Rotation, second half: only the current key is kept, in memory and in the file.
    pub fn drop_old(&self) -> Result<(), ServerError> {
        let path = self.file.as_ref().ok_or_else(|| ServerError::Invalid("these seal keys have no file".into()))?;
        let mut keys = self.keys.write().map_err(|_| ServerError::Internal("seal keys poisoned".into()))?;
        keys.truncate(1);
        write_file(path, &keys)?;
        self.mark_read(path);
        Ok(())
    }

    fn mark_read(&self, path: &Path) {
        if let Ok(mut at) = self.read_at.lock() {
            *at = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_for_their_row_and_unaltered() {
        let keys = SealKeys::ephemeral();
        let sealed = keys.seal(b"twenty bytes of seed", "fac_1").expect("seal");
        assert!(SealKeys::is_sealed(&sealed) && !sealed.contains("twenty"));
        assert_ne!(sealed, keys.seal(b"twenty bytes of seed", "fac_1").expect("seal"), "a fresh nonce each time");
        assert_eq!(keys.open(&sealed, "fac_1").expect("open"), b"twenty bytes of seed");
        assert!(matches!(keys.open(&sealed, "fac_2"), Err(ServerError::Corrupt(_))), "another row");
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 5;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).expect("utf8");
        assert!(matches!(keys.open(&altered, "fac_1"), Err(ServerError::Corrupt(_))), "altered");
        assert!(matches!(SealKeys::ephemeral().open(&sealed, "fac_1"), Err(ServerError::Corrupt(_))), "another key");
    }

    #[test]
    fn the_key_file_is_created_private_and_rotates() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("keys").join("seal.key");
        let keys = SealKeys::load_or_create(&path).expect("created");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let old = keys.seal(b"seed", "fac_1").expect("seal");
        let again = SealKeys::load_or_create(&path).expect("loaded");
        assert_eq!(again.current_id(), keys.current_id(), "the same key on the next start");

        let new_id = keys.add_new_key().expect("rotate");
        assert_eq!(keys.current_id(), new_id);
        assert_eq!(SealKeys::key_id_of(&keys.seal(b"seed", "fac_1").expect("seal")), Some(new_id.as_str()));
        // Another process (the running server) learns of the new key when it meets it.
        let resealed = keys.seal(&keys.open(&old, "fac_1").expect("old opens"), "fac_1").expect("reseal");
        assert_eq!(again.open(&resealed, "fac_1").expect("reloaded"), b"seed");
        assert_eq!(
            SealKeys::key_id_of(&again.seal(b"seed", "fac_2").expect("seal")),
            Some(new_id.as_str()),
            "the other process seals with the new key once the file changed"
        );
        keys.drop_old().expect("drop");
        assert!(keys.open(&old, "fac_1").is_err(), "the old key is gone");
        assert_eq!(SealKeys::load_or_create(&path).expect("loaded").current_id(), new_id);
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_readable_by_others_or_malformed_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("seal.key");
        SealKeys::load_or_create(&path).expect("created");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let e = SealKeys::load_or_create(&path).expect_err("too open");
        assert!(e.to_string().contains("chmod 600"), "{e}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        std::fs::write(&path, "abcd1234 c2hvcnQ\n").expect("write");
        let e = SealKeys::load_or_create(&path).expect_err("bad key");
        assert!(e.to_string().contains("32-byte"), "{e}");
    }
}
