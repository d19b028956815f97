//! Signed checkpoints of the audit chain, anchored outside the database (in the spirit of
//! CloudTrail's digest files): the chain's head (seq and hash) signed with a key that is not
//! in the database, appended to a file the database does not hold (and optionally posted to
//! a webhook). `admin audit verify --checkpoints FILE` then checks the chain against them: a
//! chain rewritten consistently by someone who can write the database passes the chain's own
//! check, but no longer has the checkpointed hashes.
//!
//! The key is ECDSA P-256 (OpenSSL), a PKCS#8 PEM file created 0600 on first use; its public
//! half (`admin audit checkpoint-key`) is what an auditor verifies with. A checkpoint is one
//! JSON line: `{"seq":..,"hash":..,"at_ms":..,"key_id":..,"signature":..}`, the signature
//! (base64url DER) over [`Checkpoint::message`].

use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lastmile_core::audit_chain::Checkpoint;
use lastmile_core::clock::UnixMillis;
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private, Public};
use sha2::Digest;

use crate::ServerError;

fn invalid(path: &Path, why: impl std::fmt::Display) -> ServerError {
    ServerError::Invalid(format!("{}: {why}", path.display()))
}

fn key_id(public_der: &[u8]) -> String {
    sha2::Sha256::digest(public_der)[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// A checkpoint with its signature, as written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignedCheckpoint {
    #[serde(flatten)]
    pub checkpoint: Checkpoint,
    /// Which key signed it (the first 8 hex digits of the SHA-256 of its public key).
    pub key_id: String,
    /// ECDSA P-256 over SHA-256 of the checkpoint's message, DER, base64url.
    pub signature: String,
}

/// The key checkpoints are signed with.
pub struct CheckpointKey {
    key: EcKey<Private>,
    id: String,
}

impl std::fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckpointKey").field("id", &self.id).finish_non_exhaustive()
    }
}

impl CheckpointKey {
    /// The key in `path`, or a new one written there (0600) when there is none.
    pub fn load_or_create(path: &Path) -> Result<CheckpointKey, ServerError> {
        let ssl = |e: openssl::error::ErrorStack| invalid(path, e);
        if !path.exists() {
            let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).map_err(ssl)?;
            let pem = PKey::from_ec_key(EcKey::generate(&group).map_err(ssl)?)
                .and_then(|k| k.private_key_to_pem_pkcs8())
                .map_err(ssl)?;
            crate::secrets::write_private_file(path, &pem).map_err(|e| invalid(path, e))?;
            tracing::info!(file = %path.display(), "new audit checkpoint key; keep it apart from the database");
        }
        let pem = std::fs::read(path).map_err(|e| invalid(path, e))?;
        let key = PKey::private_key_from_pem(&pem).and_then(|k| k.ec_key()).map_err(ssl)?;
        let der = key.public_key_to_der().map_err(ssl)?;
        Ok(CheckpointKey { id: key_id(&der), key })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The public key (PEM), for whoever verifies checkpoints.
    pub fn public_pem(&self) -> Result<String, ServerError> {
        let pem = self.key.public_key_to_pem().map_err(|e| ServerError::Internal(format!("public key: {e}")))?;
        String::from_utf8(pem).map_err(|e| ServerError::Internal(format!("public key: {e}")))
    }

    pub fn verifier(&self) -> Result<CheckpointVerifier, ServerError> {
        CheckpointVerifier::from_pem(self.public_pem()?.as_bytes())
    }

    pub fn sign(&self, checkpoint: Checkpoint) -> Result<SignedCheckpoint, ServerError> {
        let digest = sha2::Sha256::digest(checkpoint.message());
        let sig = EcdsaSig::sign(&digest, &self.key)
            .and_then(|s| s.to_der())
            .map_err(|e| ServerError::Internal(format!("signing a checkpoint: {e}")))?;
        Ok(SignedCheckpoint { checkpoint, key_id: self.id.clone(), signature: URL_SAFE_NO_PAD.encode(sig) })
    }
}

/// Checks checkpoint signatures with a public key.
pub struct CheckpointVerifier {
    key: EcKey<Public>,
    id: String,
}

impl std::fmt::Debug for CheckpointVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckpointVerifier").field("id", &self.id).finish_non_exhaustive()
    }
}

impl CheckpointVerifier {
    /// From a public key in PEM (SubjectPublicKeyInfo).
    pub fn from_pem(pem: &[u8]) -> Result<CheckpointVerifier, ServerError> {
        let bad = |e: openssl::error::ErrorStack| ServerError::Invalid(format!("checkpoint public key: {e}"));
        let key = EcKey::public_key_from_pem(pem).map_err(bad)?;
        let der = key.public_key_to_der().map_err(bad)?;
        Ok(CheckpointVerifier { id: key_id(&der), key })
    }

    /// Whether this key signed this checkpoint.
    pub fn verifies(&self, c: &SignedCheckpoint) -> bool {
        let Ok(der) = URL_SAFE_NO_PAD.decode(c.signature.trim()) else { return false };
        let Ok(sig) = EcdsaSig::from_der(&der) else { return false };
        let digest = sha2::Sha256::digest(c.checkpoint.message());
        c.key_id == self.id && sig.verify(&digest, &self.key).unwrap_or(false)
    }
}

/// Signs the chain's current head at `now`.
pub async fn sign_head(
    pool: &sqlx::AnyPool,
    key: &CheckpointKey,
    now: UnixMillis,
) -> Result<SignedCheckpoint, ServerError> {
    let (seq, hash) = crate::store::audit::head(pool).await?;
    key.sign(Checkpoint { seq, hash, at_ms: now.0 })
}

/// Appends a checkpoint to `path` as one JSON line, and syncs it to disk.
pub fn append(path: &Path, c: &SignedCheckpoint) -> Result<(), ServerError> {
    let line = serde_json::to_string(c).map_err(|e| ServerError::Internal(format!("checkpoint: {e}")))? + "\n";
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o644);
    let mut file = options.open(path).map_err(|e| invalid(path, e))?;
    file.write_all(line.as_bytes()).and_then(|()| file.sync_data()).map_err(|e| invalid(path, e))
}

/// The checkpoints in a file written by [`append`] (blank lines skipped).
pub fn read(path: &Path) -> Result<Vec<SignedCheckpoint>, ServerError> {
    let text = std::fs::read_to_string(path).map_err(|e| invalid(path, e))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| serde_json::from_str(l).map_err(|e| invalid(path, format!("line {}: {e}", n + 1))))
        .collect()
}

/// Writes a checkpoint every `every` while the chain grows (none when it has not moved since
/// the last), for as long as the runtime lives; a failure is logged and tried next time.
pub fn spawn(
    pool: sqlx::AnyPool,
    key: std::sync::Arc<CheckpointKey>,
    file: std::path::PathBuf,
    every: std::time::Duration,
    clock: std::sync::Arc<dyn lastmile_core::clock::Clock>,
) {
    tokio::spawn(async move {
        let mut last_seq = None;
        let mut timer = tokio::time::interval(every);
        loop {
            timer.tick().await;
            match sign_head(&pool, &key, clock.now()).await {
                Ok(c) if Some(c.checkpoint.seq) == last_seq => {}
                Ok(c) => match append(&file, &c) {
                    Ok(()) => {
                        tracing::info!(seq = c.checkpoint.seq, file = %file.display(), "audit checkpoint written");
                        last_seq = Some(c.checkpoint.seq);
                    }
                    Err(e) => tracing::warn!(error = %e, "audit checkpoint not written; tried again next time"),
                },
                Err(e) => tracing::warn!(error = %e, "audit checkpoint not signed; tried again next time"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_verify_only_unaltered_and_with_their_key() {
        let dir = tempfile::tempdir().expect("dir");
        let key = CheckpointKey::load_or_create(&dir.path().join("keys").join("checkpoint.key")).expect("key");
        let again = CheckpointKey::load_or_create(&dir.path().join("keys").join("checkpoint.key")).expect("reload");
        assert_eq!(key.id(), again.id(), "the same key on the next start");
        let signed = key.sign(Checkpoint { seq: 3, hash: "ab".repeat(32), at_ms: 9 }).expect("sign");
        let verifier = CheckpointVerifier::from_pem(key.public_pem().expect("pem").as_bytes()).expect("verifier");
        assert!(verifier.verifies(&signed));
        let changed =
            SignedCheckpoint { checkpoint: Checkpoint { seq: 4, ..signed.checkpoint.clone() }, ..signed.clone() };
        assert!(!verifier.verifies(&changed), "the seq is covered");
        let other = CheckpointKey::load_or_create(&dir.path().join("other.key")).expect("other");
        assert!(!other.verifier().expect("verifier").verifies(&signed), "another key");
        let path = dir.path().join("checkpoints.jsonl");
        append(&path, &signed).expect("append");
        append(&path, &changed).expect("append");
        assert_eq!(read(&path).expect("read"), vec![signed, changed]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("keys").join("checkpoint.key")).expect("meta").permissions();
            assert_eq!(mode.mode() & 0o777, 0o600);
        }
    }
}
