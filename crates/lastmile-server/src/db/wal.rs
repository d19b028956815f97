//! SQLite's WAL checkpoints, off the write path.
//!
//! By default the connection that commits copies the WAL back into the database file once
//! it holds 1,000 pages, inside that commit: the write lock is held across the copy and its
//! two `fsync`s, every queued write waits, and under load the whole report path stalls
//! behind it (measured: the CPU idle a fifth of the time, p99 of a report ~40 ms against
//! ~13 ms without). The writer's connection therefore never checkpoints; a task with a
//! connection of its own does, `PASSIVE` (it takes no lock a writer or a reader waits on),
//! woken by commits and at most once per [`PAUSE`].
//!
//! `PASSIVE` copies alone do not bound the WAL under sustained writes: SQLite starts the WAL
//! again from its beginning only when a write begins while every frame is copied, and with
//! writes back to back some always came in during the copy (measured: 210 MB of WAL after
//! 25 s of TOTP verifications, growing for as long as the load lasted). So once the WAL
//! holds [`RESTART_FRAMES`] after a pass, the task makes a second pass, then takes the
//! writer's turn (writes queue as behind any write) for a `RESTART` checkpoint, which copies
//! only what came in during the second pass and waits at most [`READERS_WAIT_MS`] for
//! readers of an older snapshot; the next write starts the WAL from its beginning. When
//! the load pauses, the WAL starts again by itself, as before.
//!
//! If the task cannot open its connection or a checkpoint fails, it says so in the log and
//! tries again at the next commit; the WAL keeps every write meanwhile (it grows, nothing is
//! lost), and the last connection to close checkpoints it anyway.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, Connection, Executor, Row};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// The shortest time between two checkpoints: under load each copies what this much time
/// wrote (a few MB at thousands of reports a second), instead of a checkpoint per commit.
pub const PAUSE: Duration = Duration::from_millis(100);

/// The WAL's size, in frames (pages of 4 KiB), at which it is started again from its
/// beginning in the writer's turn: 256 MiB, a few seconds of the busiest write load measured
/// here (TOTP verifications write ~70 MB of WAL a second at 2,000/s). A restart holds writes
/// for a copy, two `fsync`s and at most [`READERS_WAIT_MS`] (measured on this machine's disk:
/// the slowest of 30,000 reports rose from ~25 to ~74 ms, p99 unchanged); restarting at 128
/// MiB measured a worse p99 than without restarts, at 256 MiB the same.
pub const RESTART_FRAMES: i64 = 65_536;

/// The size the WAL file is cut back to when it starts again, in bytes (the writer's
/// `journal_size_limit`): twice what a restart leaves, so that the cut (freeing hundreds of
/// MB inside a commit, which measured stalls of ~200 ms) happens only after the WAL grew
/// abnormally (the task not running, a reader holding an old snapshot), not at every restart.
pub const WAL_SIZE_LIMIT: i64 = 2 * RESTART_FRAMES * 4096;

/// How long a restart waits for readers still reading an older snapshot (its busy timeout),
/// with writes queued behind it; when they are not done by then, the next pass tries again.
pub const READERS_WAIT_MS: u32 = 50;

/// The writer's connection, whose mutex is the database's write lock.
pub type WriterConn = Arc<tokio::sync::Mutex<Option<AnyConnection>>>;

/// The checkpointing task of one SQLite database, started by the first commit (on the
/// runtime that commits) and again if that runtime has gone.
#[derive(Debug)]
pub struct Checkpointer {
    wake: Arc<Notify>,
    task: Mutex<Option<JoinHandle<()>>>,
    restart_frames: Arc<AtomicI64>,
}

impl Default for Checkpointer {
    fn default() -> Self {
        Self { wake: Arc::default(), task: Mutex::default(), restart_frames: Arc::new(RESTART_FRAMES.into()) }
    }
}

impl Checkpointer {
    /// A write committed on `writer`: the WAL has new pages to copy.
    pub fn committed(&self, options: &AnyConnectOptions, writer: &WriterConn) {
        if let Ok(mut task) = self.task.lock()
            && task.as_ref().is_none_or(JoinHandle::is_finished)
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let restart_frames = self.restart_frames.clone();
            *task = Some(runtime.spawn(run(options.clone(), writer.clone(), self.wake.clone(), restart_frames)));
        }
        self.wake.notify_one();
    }

    /// Restarts the WAL at `frames` instead of [`RESTART_FRAMES`] (for tests, which do not
    /// write 256 MiB).
    #[cfg(test)]
    pub fn restart_at(&self, frames: i64) {
        self.restart_frames.store(frames, Ordering::Relaxed);
    }
}

async fn run(options: AnyConnectOptions, writer: WriterConn, wake: Arc<Notify>, restart_frames: Arc<AtomicI64>) {
    let mut conn: Option<AnyConnection> = None;
    loop {
        wake.notified().await;
        let restart_at = restart_frames.load(Ordering::Relaxed);
        if let Err(e) = pass(&options, &writer, &mut conn, restart_at).await {
            tracing::warn!(error = %e, "the WAL checkpoint failed; the next commit tries again");
            conn = None;
        }
        tokio::time::sleep(PAUSE).await;
    }
}

/// One `PASSIVE` checkpoint; then, if the WAL has grown to `restart_at` frames, a second one
/// and a `RESTART` one in the writer's turn.
async fn pass(
    options: &AnyConnectOptions,
    writer: &WriterConn,
    conn: &mut Option<AnyConnection>,
    restart_at: i64,
) -> Result<(), sqlx::Error> {
    let conn = match conn {
        Some(c) => c,
        None => {
            let mut opened = AnyConnection::connect_with(options).await?;
            opened.execute(format!("PRAGMA busy_timeout = {READERS_WAIT_MS}").as_str()).await?;
            conn.insert(opened)
        }
    };
    let (_, frames, copied) = checkpoint(conn, "PASSIVE").await?;
    tracing::trace!(frames, copied, "WAL checkpoint");
    if frames >= restart_at {
        checkpoint(conn, "PASSIVE").await?;
        let _turn = writer.lock().await;
        match checkpoint(conn, "RESTART").await? {
            (false, frames, _) => tracing::debug!(frames, "WAL copied; the next write starts it again"),
            (true, frames, copied) => {
                tracing::debug!(frames, copied, "WAL restart deferred: readers of an older snapshot");
            }
        }
    }
    Ok(())
}

/// A checkpoint in `mode`: whether it stopped short (SQLite's busy: a lock it waited for
/// stayed taken), the WAL's frames, and how many of them are in the database file.
async fn checkpoint(conn: &mut AnyConnection, mode: &str) -> Result<(bool, i64, i64), sqlx::Error> {
    let row = sqlx::query(&format!("PRAGMA wal_checkpoint({mode})")).fetch_one(&mut *conn).await?;
    Ok((row.try_get::<i32, _>(0)? != 0, row.try_get::<i32, _>(1)?.into(), row.try_get::<i32, _>(2)?.into()))
}
