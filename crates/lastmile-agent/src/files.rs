//! The user's local files: `settings.json` (user settings layer) and `state.json`
//! (enrollment). Writes are atomic (temporary file, fsync, rename), so a crash leaves
//! either the old file or the new one. A file that cannot be parsed is never overwritten
//! silently: it is moved aside to `<name>.corrupt-<ms>` first, so nothing is lost.

use std::io::Write;
use std::path::{Path, PathBuf};

use lastmile_proto::settings_file::SettingsFile;
use lastmile_proto::state_file::{STATE_FILE_VERSION, StateFile};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub const SETTINGS_FILE: &str = "settings.json";
pub const STATE_FILE: &str = "state.json";

/// Where the user's files live (injected, so tests use a fresh directory).
#[derive(Debug, Clone)]
pub struct LocalFiles {
    pub config_dir: PathBuf,
    pub state_dir: PathBuf,
}

/// A file that exists but could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub path: PathBuf,
    pub reason: String,
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

impl LocalFiles {
    pub fn settings_path(&self) -> PathBuf {
        self.config_dir.join(SETTINGS_FILE)
    }
    pub fn state_path(&self) -> PathBuf {
        self.state_dir.join(STATE_FILE)
    }

    pub fn read_settings(&self) -> Result<SettingsFile, FileProblem> {
        read_json(&self.settings_path()).map(Option::unwrap_or_default)
    }

    pub fn read_state(&self) -> Result<StateFile, FileProblem> {
        let state = read_json::<StateFile>(&self.state_path())?.unwrap_or_else(StateFile::empty);
        if state.version != STATE_FILE_VERSION {
            return Err(FileProblem {
                path: self.state_path(),
                reason: format!("version {} is not supported (expected {STATE_FILE_VERSION})", state.version),
            });
        }
        Ok(state)
    }

    pub fn write_settings(&self, s: &SettingsFile) -> std::io::Result<()> {
        write_json_atomic(&self.settings_path(), s)
    }

    pub fn write_state(&self, s: &StateFile) -> std::io::Result<()> {
        write_json_atomic(&self.state_path(), s)
    }

    /// Moves an unreadable file aside so a new one can be written without losing it.
    pub fn set_aside(&self, path: &Path, now_ms: i64) -> std::io::Result<PathBuf> {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".corrupt-{now_ms}"));
        let target = path.with_file_name(name);
        std::fs::rename(path, &target)?;
        Ok(target)
    }
}

/// Writes recovery codes to a new file (never over an existing one), readable only by the
/// user. The user chose to keep them there; nothing else in Lastmile writes them down.
pub fn write_recovery_codes(path: &Path, codes: &[String]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    let mut text = String::from("Lastmile recovery codes. Each works once. Getting new codes voids these.\n\n");
    for code in codes {
        text += code;
        text.push('\n');
    }
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Saves recovery codes to a new file in `dir` named `Lastmile recovery codes.txt`, or
/// `... (2).txt` and so on when that exists; returns its path.
pub fn save_recovery_codes_in(dir: &Path, codes: &[String]) -> std::io::Result<PathBuf> {
    for n in 1..100 {
        let name = if n == 1 {
            "Lastmile recovery codes.txt".to_string()
        } else {
            format!("Lastmile recovery codes ({n}).txt")
        };
        let path = dir.join(name);
        match write_recovery_codes(&path, codes) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            other => return other.map(|()| path),
        }
    }
    Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "99 files of recovery codes are already there"))
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, FileProblem> {
    let problem = |reason: String| FileProblem { path: path.to_path_buf(), reason };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(problem(format!("cannot read it: {e}"))),
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| problem(format!("cannot parse it: {e}")))
}

fn write_json_atomic<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer_pretty(&mut tmp, value).map_err(std::io::Error::other)?;
    tmp.write_all(b"\n")?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable.
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lastmile_proto::state_file::EnrollmentRecord;

    fn files() -> (tempfile::TempDir, LocalFiles) {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = LocalFiles { config_dir: dir.path().join("config"), state_dir: dir.path().join("state") };
        (dir, f)
    }

    /// A second save never overwrites the first: it takes the next free name.
    #[test]
    fn saved_codes_take_a_free_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let codes = vec!["ABCD-EFGH-JKMN-PQRS".to_string()];
        let first = save_recovery_codes_in(dir.path(), &codes).expect("first");
        let second = save_recovery_codes_in(dir.path(), &codes).expect("second");
        assert!(first.ends_with("Lastmile recovery codes.txt"), "{first:?}");
        assert!(second.ends_with("Lastmile recovery codes (2).txt"), "{second:?}");
        assert!(std::fs::read_to_string(&second).expect("read").contains("ABCD-EFGH-JKMN-PQRS"));
    }

    #[test]
    fn missing_files_are_empty_and_round_trip() {
        let (_d, f) = files();
        assert_eq!(f.read_settings(), Ok(SettingsFile::default()));
        assert_eq!(f.read_state().map(|s| s.enrollment), Ok(None));
        let state = StateFile {
            version: STATE_FILE_VERSION,
            pending_recovery: None,
            used_invites: vec!["0123456789abcdef0123456789abcdef".into()],
            enrollment: Some(EnrollmentRecord {
                device_key_account: None,
                server_url: "https://mfa.example.com/".into(),
                device_id: "dev_1".into(),
                user_email: "a@b.test".into(),
                user_name: "A".into(),
                organisation: "Acme".into(),
                joined_at_ms: 5,
                recovery_until_ms: None,
            }),
        };
        f.write_state(&state).expect("write");
        assert_eq!(f.read_state(), Ok(state));
    }

    #[test]
    fn corrupt_files_are_reported_and_set_aside_not_lost() {
        let (_d, f) = files();
        std::fs::create_dir_all(&f.state_dir).expect("mkdir");
        std::fs::write(f.state_path(), "{\"version\": 1, \"enrollment\": {tru").expect("write");
        let problem = f.read_state().expect_err("corrupt");
        assert!(problem.reason.contains("cannot parse"), "{problem}");
        let aside = f.set_aside(&f.state_path(), 42).expect("set aside");
        assert!(aside.ends_with("state.json.corrupt-42"));
        assert_eq!(std::fs::read_to_string(aside).expect("kept"), "{\"version\": 1, \"enrollment\": {tru");
        assert_eq!(f.read_state().map(|s| s.enrollment), Ok(None));

        std::fs::write(f.state_path(), "{\"version\": 9, \"enrollment\": null}").expect("write");
        assert!(f.read_state().expect_err("future version").reason.contains("version 9"));
    }
}
