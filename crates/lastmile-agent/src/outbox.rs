//! The durable outbox: posture reports the server has not acknowledged yet.
//!
//! A report is signed once, with its idempotency key and sequence number, and written to
//! its own file (temporary file, fsync, rename, fsync of the directory) before anything is
//! sent; only the server's acknowledgement removes it. A retry sends the very same bytes,
//! so a report whose answer was lost is recognised by the server, not stored twice. Reports
//! the server refuses for good are moved to `rejected/` with the reason, never retried.
//!
//! Layout (in the state directory): `outbox/<sequence>.json` per report, `outbox/sequence`
//! (the last sequence number used), `outbox/made` (when the newest report was made),
//! `outbox/rejected/`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A queued report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub sequence: i64,
    pub report_id: String,
    /// The device the report speaks for (its signature is bound to it).
    pub device_id: String,
    /// The exact JSON body that was signed.
    pub body: String,
    /// The signature of `body` (none when the device has no key).
    pub signature: Option<String>,
    pub queued_at_ms: i64,
    pub attempts: u32,
    /// Not before this time (Unix ms) unless someone asks to send now.
    pub next_try_at_ms: i64,
    pub last_error: Option<String>,
}

/// The queue on disk.
#[derive(Debug, Clone)]
pub struct Outbox {
    dir: PathBuf,
}

/// The first retry waits about this long; each failure doubles it, up to [`MAX_BACKOFF_MS`].
pub const FIRST_BACKOFF_MS: i64 = 30_000;
pub const MAX_BACKOFF_MS: i64 = 60 * 60 * 1000;

/// The wait after `attempts` failures: exponential, capped, with "equal jitter" (between
/// half and all of it) so that a fleet that lost the server at once does not come back at
/// once. `jitter` is uniform in [0, 1).
pub fn backoff_ms(attempts: u32, jitter: f64) -> i64 {
    let exp = FIRST_BACKOFF_MS.saturating_mul(1i64 << attempts.saturating_sub(1).min(20));
    let cap = exp.min(MAX_BACKOFF_MS);
    cap / 2 + ((cap / 2) as f64 * jitter.clamp(0.0, 1.0)) as i64
}

impl Outbox {
    pub fn new(dir: PathBuf) -> Outbox {
        Outbox { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn entry_path(&self, sequence: i64) -> PathBuf {
        self.dir.join(format!("{sequence:020}.json"))
    }

    fn rejected_dir(&self) -> PathBuf {
        self.dir.join("rejected")
    }

    /// Takes the next sequence number, durably (a crash never hands out one twice).
    pub fn next_sequence(&self) -> std::io::Result<i64> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.dir.join("sequence");
        let recorded = std::fs::read_to_string(&path).ok().and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or(0);
        // The file may be older than the newest entry only if it was damaged; never go back.
        let queued = self.pending().last().map_or(0, |e| e.sequence);
        let next = recorded.max(queued) + 1;
        write_atomic(&path, next.to_string().as_bytes())?;
        Ok(next)
    }

    /// Records when the newest report was made, so that a scheduled run (the systemd timer,
    /// the LaunchAgent, the Scheduled Task) knows whether the next is due.
    pub fn mark_made(&self, at_ms: i64) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        write_atomic(&self.dir.join("made"), at_ms.to_string().as_bytes())
    }

    /// When the newest report was made (`None` before the first, or when the record is
    /// unreadable: a report is then due, which is the safe side).
    pub fn last_made(&self) -> Option<i64> {
        std::fs::read_to_string(self.dir.join("made")).ok().and_then(|s| s.trim().parse().ok())
    }

    /// Adds (or rewrites) an entry, durably.
    pub fn put(&self, entry: &Entry) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let json = serde_json::to_vec_pretty(entry).map_err(std::io::Error::other)?;
        write_atomic(&self.entry_path(entry.sequence), &json)
    }

    /// The entries waiting, oldest first. A file that cannot be read is moved to
    /// `rejected/` (kept for inspection), not retried.
    pub fn pending(&self) -> Vec<Entry> {
        let Ok(dir) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut entries: Vec<Entry> = dir
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter_map(|path| match std::fs::read(&path).ok().and_then(|b| serde_json::from_slice::<Entry>(&b).ok()) {
                Some(entry) => Some(entry),
                None => {
                    tracing::warn!(path = %path.display(), "unreadable outbox entry set aside");
                    let _ = self.set_aside(&path);
                    None
                }
            })
            .collect();
        entries.sort_by_key(|e| e.sequence);
        entries
    }

    /// The server acknowledged it.
    pub fn remove(&self, sequence: i64) -> std::io::Result<()> {
        match std::fs::remove_file(self.entry_path(sequence)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => sync_dir(&self.dir),
        }
    }

    /// The server refused it for good: kept in `rejected/` with the reason.
    pub fn reject(&self, mut entry: Entry, why: &str) -> std::io::Result<()> {
        entry.last_error = Some(why.to_string());
        let rejected = self.rejected_dir();
        std::fs::create_dir_all(&rejected)?;
        let json = serde_json::to_vec_pretty(&entry).map_err(std::io::Error::other)?;
        write_atomic(&rejected.join(format!("{:020}.json", entry.sequence)), &json)?;
        self.remove(entry.sequence)
    }

    /// How many reports were refused for good.
    pub fn rejected(&self) -> usize {
        std::fs::read_dir(self.rejected_dir()).map_or(0, |d| d.filter_map(Result::ok).count())
    }

    /// Forgets everything (leaving, or joining afresh).
    pub fn clear(&self) -> std::io::Result<()> {
        match std::fs::remove_dir_all(&self.dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    fn set_aside(&self, path: &Path) -> std::io::Result<()> {
        let rejected = self.rejected_dir();
        std::fs::create_dir_all(&rejected)?;
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".corrupt");
        std::fs::rename(path, rejected.join(name))
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(sequence: i64) -> Entry {
        Entry {
            sequence,
            report_id: format!("rpt_{sequence:032}"),
            device_id: "dev_1".into(),
            body: format!("{{\"sequence\":{sequence}}}"),
            signature: Some("sig".into()),
            queued_at_ms: 1,
            attempts: 0,
            next_try_at_ms: 0,
            last_error: None,
        }
    }

    #[test]
    fn entries_survive_and_come_back_in_order() {
        let dir = tempfile::tempdir().expect("dir");
        let outbox = Outbox::new(dir.path().join("outbox"));
        assert_eq!(outbox.next_sequence().expect("seq"), 1);
        assert_eq!(outbox.next_sequence().expect("seq"), 2);
        for s in [2, 1] {
            outbox.put(&entry(s)).expect("put");
        }
        // A new handle on the same directory (the app restarted) sees the same queue.
        let again = Outbox::new(dir.path().join("outbox"));
        assert_eq!(again.pending().iter().map(|e| e.sequence).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(again.next_sequence().expect("seq"), 3, "never reuses a number");
        again.remove(1).expect("remove");
        again.remove(1).expect("removing twice is fine");
        again.reject(entry(2), "too old").expect("reject");
        assert!(again.pending().is_empty());
        assert_eq!(again.rejected(), 1);
    }

    #[test]
    fn a_damaged_entry_is_set_aside_and_the_counter_never_goes_back() {
        let dir = tempfile::tempdir().expect("dir");
        let outbox = Outbox::new(dir.path().join("outbox"));
        outbox.put(&entry(7)).expect("put");
        std::fs::write(outbox.dir().join("00000000000000000008.json"), b"{ half a json").expect("write");
        std::fs::write(outbox.dir().join("sequence"), b"garbage").expect("write");
        assert_eq!(outbox.pending().len(), 1, "the damaged one is set aside");
        assert_eq!(outbox.rejected(), 1);
        assert_eq!(outbox.next_sequence().expect("seq"), 8, "after the newest queued entry");
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        assert_eq!(backoff_ms(1, 0.0), FIRST_BACKOFF_MS / 2);
        assert_eq!(backoff_ms(1, 0.999_999), FIRST_BACKOFF_MS - 1);
        assert_eq!(backoff_ms(2, 0.0), FIRST_BACKOFF_MS);
        assert_eq!(backoff_ms(30, 0.0), MAX_BACKOFF_MS / 2);
        assert!(backoff_ms(30, 1.0) <= MAX_BACKOFF_MS);
    }
}
