//! SQLite's WAL checkpoints, off the write path.
//!
//! By default the connection that commits copies the WAL back into the database file once
//! it holds 1,000 pages, inside that commit: the write lock is held across the copy and its
//! two `fsync`s, every queued write waits, and under load the whole report path stalls
//! behind it (measured: the CPU idle a fifth of the time, p99 of a report ~40 ms against
//! ~13 ms without). The writer's connection therefore never checkpoints; a task with a
//! connection of its own does, `PASSIVE` (it takes no lock a writer or a reader waits on),
//! woken by commits and [`PAUSE`] after its last pass at the soonest.
//!
//! `PASSIVE` copies alone do not bound the WAL under sustained writes: SQLite starts the WAL
//! again from its beginning only when a write begins while every frame is copied, and with
//! writes back to back some always came in during the copy (measured: 210 MB of WAL after
//! 25 s of TOTP verifications, growing for as long as the load lasted). So once the WAL
//! holds [`RESTART_FRAMES`] after a pass, the task catches up outside the writer's turn,
//! then takes that turn (writes queue as behind any write) for a `RESTART` checkpoint, which
//! copies only what came in meanwhile and waits at most [`READERS_WAIT_MS`] for readers of
//! an older snapshot; the next write starts the WAL from its beginning. When the load
//! pauses, the WAL starts again by itself, as before.
//!
//! Catching up is more than copying. SQLite syncs the database file only in a checkpoint
//! that copied every frame, which under load is only the restart: its `fsync` flushed every
//! page that the copies of the last few seconds had dirtied, with writes held (measured on
//! this machine's disk: the restart held writes 7.5-38.9 ms, 16.5-29.6 ms in 14 of 17; an
//! `fsync` costs about 0.5 ms and 1 ms per MB written).
//! So the task flushes the database file itself between copies ([`CATCH_UP_ROUNDS`]), and
//! the restart's own `fsync`s find little left to write (measured: 1.4-11.5 ms held).
//!
//! If the task cannot open its connection or a checkpoint fails, it says so in the log and
//! tries again at the next commit; the WAL keeps every write meanwhile (it grows, nothing is
//! lost), and the last connection to close checkpoints it anyway.

use std::fs::File;
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, Connection, Executor, Row};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// The time between the end of a checkpoint and the next one, under load (at rest, a commit
/// wakes the task): each checkpoint copies what this much time and its own pass wrote,
/// instead of one checkpoint per commit.
///
/// Short, because a checkpoint begins with an `fsync` of the WAL, and writes appended to a
/// file while the kernel writes it back can wait for that write-back: the fewer MB each
/// `fsync` has to write, the shorter the wait. Measured with `bench_totp 8000`, TOTP
/// verification's p99 at 1,200/s: 39.7-56.7 ms with a pause of 300 ms, 5.8-7.5 ms with
/// 100 ms, 3.9-6.2 ms with 30 ms and 3.9-4.8 ms with 10 ms (interleaved runs, with the
/// flushes before a restart); the closed-loop throughput and the reports' (`bench_reports`)
/// did not change measurably.
pub const PAUSE: Duration = Duration::from_millis(20);

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

/// How many times, before a restart, the task flushes the database file, with a `PASSIVE`
/// copy of what came in between two flushes. Each round has less to do than the one before
/// (measured: a first flush of 9-31 ms, the third of 0.1-3 ms).
pub const CATCH_UP_ROUNDS: usize = 3;

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
    shared: Arc<Shared>,
}

/// What the task shares with its [`Checkpointer`]: a setting tests change, a count they read.
#[derive(Debug)]
struct Shared {
    restart_frames: AtomicI64,
    flushes: AtomicUsize,
}

impl Default for Checkpointer {
    fn default() -> Self {
        let shared = Shared { restart_frames: RESTART_FRAMES.into(), flushes: AtomicUsize::new(0) };
        Self { wake: Arc::default(), task: Mutex::default(), shared: Arc::new(shared) }
    }
}

impl Checkpointer {
    /// A write committed on `writer`: the WAL has new pages to copy.
    pub fn committed(&self, options: &AnyConnectOptions, writer: &WriterConn) {
        if let Ok(mut task) = self.task.lock()
            && task.as_ref().is_none_or(JoinHandle::is_finished)
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let shared = self.shared.clone();
            *task = Some(runtime.spawn(run(options.clone(), writer.clone(), self.wake.clone(), shared)));
        }
        self.wake.notify_one();
    }

    /// Restarts the WAL at `frames` instead of [`RESTART_FRAMES`] (for tests, which do not
    /// write 256 MiB).
    #[cfg(test)]
    pub fn restart_at(&self, frames: i64) {
        self.shared.restart_frames.store(frames, Ordering::Relaxed);
    }

    /// How many times the task flushed the database file.
    #[cfg(test)]
    pub fn flushes(&self) -> usize {
        self.shared.flushes.load(Ordering::Relaxed)
    }
}

/// The database file, as the task flushes it: opened once, and never closed. Closing any
/// descriptor of a file drops every POSIX lock that the process holds on it, SQLite's
/// included (SQLite keeps its own descriptors open until the last connection closes for that
/// reason); another process could then take the database's exclusive lock and delete the WAL
/// this one writes to. Only unsafe code, which the workspace denies, could drop the
/// `ManuallyDrop`: one descriptor per database and task, for the life of the process.
type DbFile = Arc<ManuallyDrop<File>>;

async fn run(options: AnyConnectOptions, writer: WriterConn, wake: Arc<Notify>, shared: Arc<Shared>) {
    let mut conn: Option<AnyConnection> = None;
    let mut file: Option<DbFile> = None;
    loop {
        wake.notified().await;
        if let Err(e) = pass(&options, &writer, &mut conn, &mut file, &shared).await {
            tracing::warn!(error = %e, "the WAL checkpoint failed; the next commit tries again");
            conn = None;
        }
        tokio::time::sleep(PAUSE).await;
    }
}

/// One `PASSIVE` checkpoint; then, if the WAL has grown to its restart size, the rounds of
/// flushes and copies that catch up, and a `RESTART` checkpoint in the writer's turn.
async fn pass(
    options: &AnyConnectOptions,
    writer: &WriterConn,
    conn: &mut Option<AnyConnection>,
    file: &mut Option<DbFile>,
    shared: &Shared,
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
    if frames >= shared.restart_frames.load(Ordering::Relaxed) {
        for round in 0..CATCH_UP_ROUNDS {
            if round > 0 {
                checkpoint(conn, "PASSIVE").await?;
            }
            if let Err(e) = flush(options, file).await {
                // The restart syncs the file anyway, with writes held for longer.
                tracing::warn!(error = %e, "could not flush the database file ahead of a WAL restart");
                break;
            }
            shared.flushes.fetch_add(1, Ordering::Relaxed);
        }
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

/// Writes the database file's dirty pages to disk (`fdatasync`), opening it the first time.
async fn flush(options: &AnyConnectOptions, file: &mut Option<DbFile>) -> std::io::Result<()> {
    // The open handle, or the path to open.
    let source = match file.clone() {
        Some(handle) => Ok(handle),
        None => Err(sqlx::sqlite::SqliteConnectOptions::try_from(options)
            .map_err(std::io::Error::other)?
            .get_filename()
            .to_owned()),
    };
    let flushed = tokio::task::spawn_blocking(move || {
        let handle = match source {
            Ok(handle) => handle,
            // Write access: Windows flushes only a handle that may write.
            Err(path) => Arc::new(ManuallyDrop::new(File::options().write(true).open(path)?)),
        };
        let flushed = handle.sync_data();
        Ok::<_, std::io::Error>((handle, flushed))
    })
    .await
    .map_err(std::io::Error::other)??;
    // Kept even when the flush failed: a handle dropped and opened again is one more leaked.
    *file = Some(flushed.0);
    flushed.1
}

/// A checkpoint in `mode`: whether it stopped short (SQLite's busy: a lock it waited for
/// stayed taken), the WAL's frames, and how many of them are in the database file.
async fn checkpoint(conn: &mut AnyConnection, mode: &str) -> Result<(bool, i64, i64), sqlx::Error> {
    let row = sqlx::query(&format!("PRAGMA wal_checkpoint({mode})")).fetch_one(&mut *conn).await?;
    Ok((row.try_get::<i32, _>(0)? != 0, row.try_get::<i32, _>(1)?.into(), row.try_get::<i32, _>(2)?.into()))
}
