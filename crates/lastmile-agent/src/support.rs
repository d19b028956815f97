//! `lastmile support-bundle`: what a helpdesk needs for a ticket, in one `.tar.gz` the person
//! attaches: the status document, `doctor`'s checklist, the local state file and the recent
//! log files. Nothing secret is in any of them by design (tests read whole journeys' logs);
//! the bundle still passes every text through [`redact`], so that a secret that reached a
//! file by some future mistake does not travel further.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use lastmile_core::clock::Clock;
use lastmile_proto::app::AppErrorCode;

use crate::{Agent, AgentError, DeviceProbe, SecretStore};

/// How much of each log file goes in (its end: the most recent lines).
const LOG_TAIL_BYTES: usize = 2 * 1024 * 1024;

/// What went into a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    pub path: PathBuf,
    /// The names of the files in it.
    pub files: Vec<String>,
}

impl<D: DeviceProbe, S: SecretStore, C: Clock> Agent<D, S, C> {
    /// Writes the bundle to `out` (a new file: an existing one is never overwritten), with the
    /// log files of `log_dir`. The status is measured now; a status that cannot be made is
    /// recorded as its error, so that a bundle is made however broken the device is.
    pub async fn support_bundle(&self, log_dir: Option<&Path>, out: &Path) -> Result<Bundle, AgentError> {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let json = |v: &dyn erased::Json| v.pretty().into_bytes();
        match self.status().await {
            Ok(report) => {
                files.push(("status.json".into(), json(&report)));
                let checks = crate::doctor::doctor(&report, &self.managed.location);
                files.push(("doctor.json".into(), json(&checks)));
            }
            Err(e) => files.push(("status-error.txt".into(), format!("{:?}: {}\n", e.code, e.message).into_bytes())),
        }
        match std::fs::read(self.files.state_path()) {
            Ok(bytes) => files.push(("state.json".into(), bytes)),
            Err(e) => files.push(("state-error.txt".into(), format!("{e}\n").into_bytes())),
        }
        if let Some(dir) = log_dir {
            let mut logs: Vec<PathBuf> = std::fs::read_dir(dir)
                .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect())
                .unwrap_or_default();
            logs.sort();
            for log in logs {
                let Ok(bytes) = std::fs::read(&log) else { continue };
                let tail = &bytes[bytes.len().saturating_sub(LOG_TAIL_BYTES)..];
                let name = log.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                files.push((format!("logs/{name}"), tail.to_vec()));
            }
        }
        let files: Vec<(String, Vec<u8>)> = files
            .into_iter()
            .map(|(name, bytes)| (name, redact(&String::from_utf8_lossy(&bytes)).into_bytes()))
            .collect();
        let readme = format!(
            "Lastmile support bundle, made {} by lastmile {}.\n\nstatus.json: what `lastmile status --json` says; doctor.json: `lastmile doctor --json`;\nstate.json: this device's enrollment record (no credentials: those stay in the OS keyring);\nlogs/: the end of each recent log file.\n\nDevice tokens, keys, invite and recovery codes and authenticator secrets are never logged;\neverything here was also passed through a filter that replaces any of them with [redacted].\n",
            self.clock.now().0,
            self.app_version
        );
        let mut names = vec!["README.txt".to_string()];
        names.extend(files.iter().map(|(n, _)| n.clone()));
        write_tar_gz(
            out,
            std::iter::once(("README.txt".to_string(), readme.into_bytes())).chain(files),
            self.clock.now().0,
        )
        .map_err(|e| {
            AgentError::new(
                AppErrorCode::Internal,
                format!("cannot write {}: {e}", out.display()),
                Some("Choose another place with --out (the file must not exist yet)."),
            )
        })?;
        Ok(Bundle { path: out.to_path_buf(), files: names })
    }
}

/// Serialising the status documents without naming their types twice.
mod erased {
    pub trait Json {
        fn pretty(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn pretty(&self) -> String {
            serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
        }
    }
}

fn write_tar_gz(out: &Path, files: impl Iterator<Item = (String, Vec<u8>)>, now_ms: i64) -> std::io::Result<()> {
    // create_new: never over someone's file; readable only by the person (logs name them).
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(out)?;
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    let result = (|| {
        for (name, bytes) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o600);
            header.set_mtime(u64::try_from(now_ms / 1000).unwrap_or_default());
            tar.append_data(&mut header, format!("lastmile-support/{name}"), bytes.as_slice())?;
        }
        let mut gz = tar.into_inner()?;
        gz.flush()?;
        gz.finish()?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(out);
    }
    result
}

/// Replaces anything that looks like a Lastmile secret with `[redacted]`: device tokens
/// (`lmd_...`), PEM private keys, `otpauth://` URIs (they carry the TOTP secret), JSON
/// `"secret"` values, and 16-character codes (invite and recovery codes, grouped or not).
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    const PEM_END: &str = "PRIVATE KEY-----";
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("-----BEGIN ")
            && let Some(head) = after.find(PEM_END)
            && after[..head].chars().all(|c| c.is_ascii_uppercase() || c == ' ')
        {
            let body = &after[head + PEM_END.len()..];
            let end = body.find(PEM_END).map_or(body.len(), |i| i + PEM_END.len());
            out.push_str("[redacted private key]");
            rest = &body[end..];
            continue;
        }
        if let Some(after) = rest.strip_prefix("lmd_") {
            out.push_str("lmd_[redacted]");
            rest = &after[token_len(after)..];
            continue;
        }
        if rest.starts_with("otpauth://") {
            let end = rest.find(|c: char| c.is_whitespace() || c == '"' || c == '\'').unwrap_or(rest.len());
            out.push_str("otpauth://[redacted]");
            rest = &rest[end..];
            continue;
        }
        if let Some(after) = rest.strip_prefix("\"secret\":") {
            let value = after.trim_start();
            if let Some(quoted) = value.strip_prefix('"') {
                let end = quoted.find('"').map_or(quoted.len(), |i| i + 1);
                out.push_str("\"secret\": \"[redacted]\"");
                rest = &quoted[end..];
                continue;
            }
        }
        // A word: a run of letters, digits and dashes, starting at a word boundary.
        let at_boundary = out.chars().next_back().is_none_or(|c| !c.is_ascii_alphanumeric() && c != '-');
        let first = rest.chars().next().unwrap_or_default();
        if at_boundary && first.is_ascii_alphanumeric() {
            let len = rest.find(|c: char| !c.is_ascii_alphanumeric() && c != '-').unwrap_or(rest.len());
            let word = &rest[..len];
            if looks_like_code(word) {
                out.push_str("[redacted code]");
            } else {
                out.push_str(word);
            }
            rest = &rest[len..];
            continue;
        }
        out.push(first);
        rest = &rest[first.len_utf8()..];
    }
    out
}

/// The length of a token's characters (letters, digits, `_`, `-`, `.`).
fn token_len(s: &str) -> usize {
    s.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))).unwrap_or(s.len())
}

/// A 16-character code as people write it: four groups of four, or sixteen in a row, each
/// character of the codes' alphabet, with at least one digit (so that ordinary words pass).
fn looks_like_code(word: &str) -> bool {
    let compact: String = word.chars().filter(|c| *c != '-').collect();
    let grouped = word.len() == 19 && word.split('-').all(|g| g.len() == 4);
    (grouped || word.len() == 16)
        && compact.chars().any(|c| c.is_ascii_digit())
        && lastmile_core::code80::normalize(&compact).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_table() {
        let cases = [
            ("token lmd_AbC-12_x.y done", "token lmd_[redacted] done"),
            ("code ABCD-EFGH-JKMN-PQR5 used", "code [redacted code] used"),
            ("code abcdefghjkmnpqr5.", "code [redacted code]."),
            ("uri otpauth://totp/Acme:ada?secret=JBSWY3DP&issuer=Acme end", "uri otpauth://[redacted] end"),
            (r#"{"secret": "JBSWY3DPEHPK3PXP", "x": 1}"#, r#"{"secret": "[redacted]", "x": 1}"#),
            ("a\n-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\nb", "a\n[redacted private key]\nb"),
            // Left alone: words, ids, times, a longer or shorter run.
            ("Authentications dev_01HXABCDEFGHJKMNPQRSTVWXYZ", "Authentications dev_01HXABCDEFGHJKMNPQRSTVWXYZ"),
            ("2026-12-02T18:00:00Z INFO joined", "2026-12-02T18:00:00Z INFO joined"),
            ("ABCD-EFGH-JKMN-PQR5-WXYZ", "ABCD-EFGH-JKMN-PQR5-WXYZ"),
            ("xABCD-EFGH-JKMN-PQR5", "xABCD-EFGH-JKMN-PQR5"),
            ("ünïcödé lmd_ ok", "ünïcödé lmd_[redacted] ok"),
        ];
        for (input, want) in cases {
            assert_eq!(redact(input), want, "{input}");
        }
    }
}
