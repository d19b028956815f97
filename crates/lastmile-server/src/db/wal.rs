//! SQLite's WAL checkpoints, off the write path.
//!
//! By default the connection that commits copies the WAL back into the database file once
//! it holds 1,000 pages, inside that commit: the write lock is held across the copy and its
//! two `fsync`s, every queued write waits, and under load the whole report path stalls
//! behind it (measured: the CPU idle a fifth of the time, p99 of a report ~40 ms against
//! ~13 ms without). The writer's connection therefore never checkpoints; a task with a
//! connection of its own does, `PASSIVE` (it takes no lock a writer or a reader waits on),
//! woken by commits and at most once per [`PAUSE`]. A WAL it has fully copied is reused
//! from its start by the next write, as before.
//!
//! If the task cannot open its connection or a checkpoint fails, it says so in the log and
//! tries again at the next commit; the WAL keeps every write meanwhile (it grows, nothing is
//! lost), and the last connection to close checkpoints it anyway.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, Connection, Row};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// The shortest time between two checkpoints: under load each copies what this much time
/// wrote (a few MB at thousands of reports a second), instead of a checkpoint per commit.
pub const PAUSE: Duration = Duration::from_millis(100);

/// The checkpointing task of one SQLite database, started by the first commit (on the
/// runtime that commits) and again if that runtime has gone.
#[derive(Debug, Default)]
pub struct Checkpointer {
    wake: Arc<Notify>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Checkpointer {
    /// A write committed: the WAL has new pages to copy.
    pub fn committed(&self, options: &AnyConnectOptions) {
        if let Ok(mut task) = self.task.lock()
            && task.as_ref().is_none_or(JoinHandle::is_finished)
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            *task = Some(runtime.spawn(run(options.clone(), self.wake.clone())));
        }
        self.wake.notify_one();
    }
}

async fn run(options: AnyConnectOptions, wake: Arc<Notify>) {
    let mut conn: Option<AnyConnection> = None;
    loop {
        wake.notified().await;
        if let Err(e) = checkpoint(&options, &mut conn).await {
            tracing::warn!(error = %e, "the WAL checkpoint failed; the next commit tries again");
            conn = None;
        }
        tokio::time::sleep(PAUSE).await;
    }
}

/// One `PASSIVE` checkpoint on `conn` (opened first if it is not).
async fn checkpoint(options: &AnyConnectOptions, conn: &mut Option<AnyConnection>) -> Result<(), sqlx::Error> {
    let conn = match conn {
        Some(c) => c,
        None => conn.insert(AnyConnection::connect_with(options).await?),
    };
    let row = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(&mut *conn).await?;
    let (log, copied): (i32, i32) = (row.try_get(1)?, row.try_get(2)?);
    tracing::trace!(log, copied, "WAL checkpoint");
    Ok(())
}
