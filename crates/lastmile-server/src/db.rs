//! The database: an embedded SQLite file by default, PostgreSQL when given a URL.
//!
//! Both go through sqlx's `Any` driver so that one set of queries (with `$n` placeholders,
//! BIGINT millisecond timestamps and TEXT ids) serves both. The two migration folders are
//! kept in lockstep; applied migrations are never edited.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};

use crate::ServerError;

mod wal;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Creates `dir` (and its parents) if needed and makes it private: mode 0700 on Unix.
pub fn create_private_dir(dir: &Path) -> Result<(), ServerError> {
    let fail = |e: std::io::Error| ServerError::Invalid(format!("cannot create data directory {}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(fail)?;
    }
    Ok(())
}

/// Creates the database file `path` as 0600 if it is missing, and makes it and its WAL and
/// shared-memory files 0600 if they exist (Unix; elsewhere the directory's ACL decides).
fn make_private_files(path: &Path) -> Result<(), ServerError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let fail = |e: std::io::Error| ServerError::Invalid(format!("database file {}: {e}", path.display()));
        // A new file only: closing a descriptor of a database this process has open would drop
        // SQLite's POSIX locks on it (an open file is made private below, by its path).
        match std::fs::OpenOptions::new().append(true).create_new(true).mode(0o600).open(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(fail(e)),
        }
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// File name of the embedded database inside the data directory.
pub const SQLITE_FILE: &str = "lastmile.sqlite3";

/// A connection idle for this long (one of the PostgreSQL pool's, or a [`Held`] one) is pinged
/// before use.
pub const PING_AFTER_IDLE: std::time::Duration = std::time::Duration::from_secs(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A migrated connection pool.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

impl Db {
    /// Opens (creating if needed) the SQLite database in `data_dir` and migrates it.
    /// The directory is made private (0700) and the database's files 0600 (SQLite gives
    /// its WAL and shared-memory files the database file's mode).
    pub async fn open_sqlite(data_dir: &Path) -> Result<Db, ServerError> {
        create_private_dir(data_dir)?;
        let path = data_dir.join(SQLITE_FILE);
        make_private_files(&path)?;
        let url = format!("sqlite://{}?mode=rwc", path.display());
        Self::open(&url).await
    }

    /// Opens a database by URL (`sqlite://...` or `postgres://...`) and migrates it.
    pub async fn open(url: &str) -> Result<Db, ServerError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(ServerError::Invalid(format!(
                "unsupported database URL {:?}: use postgres://... (or no URL for SQLite)",
                redact_url(url)
            )));
        };
        let options = AnyConnectOptions::from_str(url)?;
        let pool = match backend {
            // SQLite allows one writer at a time (see [`begin_write`]); WAL lets readers run
            // alongside it.
            Backend::Sqlite => sqlite_pool(4).connect_with(options).await?,
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    // The default pings every connection each time it is taken from the pool:
                    // a round trip before every statement of the report path. sqlx already
                    // pings each connection as it goes back to the pool (a broken one is
                    // closed there), so one in use a moment ago is alive; one idle for a while
                    // (the database restarted, a proxy dropped it) is pinged again first.
                    .test_before_acquire(false)
                    .before_acquire(|conn, meta| {
                        Box::pin(async move {
                            if meta.idle_for < PING_AFTER_IDLE {
                                return Ok(true);
                            }
                            Ok(conn.ping().await.is_ok())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
        };
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await?;
        Ok(Db { pool, backend })
    }

    /// The bytes free on the disk that holds a SQLite database, for an unprivileged writer
    /// (`statvfs`). `None` on PostgreSQL, off Unix, or when it cannot be read.
    pub fn free_space(&self) -> Option<u64> {
        if self.backend != Backend::Sqlite {
            return None;
        }
        #[cfg(unix)]
        {
            // sqlx's own reading of the URL (it decodes what the URL encodes: spaces in
            // "Application Support", for one).
            let options = sqlx::sqlite::SqliteConnectOptions::try_from(&*self.pool.connect_options()).ok()?;
            let fs = rustix::fs::statvfs(options.get_filename().parent()?).ok()?;
            Some(fs.f_bavail.saturating_mul(fs.f_frsize))
        }
        #[cfg(not(unix))]
        None
    }

    /// `SELECT 1`, for the health endpoint.
    pub async fn ping(&self) -> Result<(), ServerError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Leaves no copy of overwritten values in the database's files, after secrets were
    /// replaced (seeds stored in the clear by an older version and now sealed, or sealed
    /// under a key that is being dropped). An `UPDATE` leaves the old bytes in the page's
    /// free space and in the WAL until something overwrites them.
    ///
    /// SQLite: `VACUUM` with `secure_delete` on rebuilds the file with zeroed free space,
    /// then a `TRUNCATE` checkpoint empties the WAL. PostgreSQL: `VACUUM FULL` rewrites
    /// `tables`; copies in WAL archives and backups are the operator's to expire. Returns
    /// false when the WAL could not be emptied within a second because another connection
    /// kept reading (a running server); the next checkpoint overwrites it.
    pub async fn scrub_freed_space(&self, tables: &[&str]) -> Result<bool, ServerError> {
        use sqlx::Row;
        match self.backend {
            Backend::Sqlite => {
                // On the writer's connection, in its turn.
                let (mut writer, _) = writer(&self.pool, None).await?;
                let conn = writer.get();
                // `VACUUM` copies the whole database into a temporary one, which the writer's
                // `temp_store` would hold in memory: a file for this.
                sqlx::query("PRAGMA secure_delete = ON; PRAGMA temp_store = FILE").execute(&mut *conn).await?;
                let vacuumed = sqlx::query("VACUUM").execute(&mut *conn).await;
                let reset =
                    sqlx::query(&format!("PRAGMA secure_delete = OFF; {WRITER_TEMP_STORE}")).execute(&mut *conn).await;
                vacuumed?;
                reset?;
                // The WAL's checkpointer (`wal`) may be copying at this moment, which a
                // `TRUNCATE` checkpoint does not wait for (it answers busy at once): try
                // again for a while, in the writer's turn, before giving up.
                for _ in 0..TRUNCATE_TRIES {
                    let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(&mut *conn).await?;
                    if row.try_get::<i32, _>(0)? == 0 {
                        return Ok(true);
                    }
                    tokio::time::sleep(TRUNCATE_PAUSE).await;
                }
                Ok(false)
            }
            Backend::Postgres => {
                for table in tables {
                    plain_table_name(table)?;
                    sqlx::query(&format!("VACUUM FULL {table}")).execute(&self.pool).await?;
                }
                Ok(true)
            }
        }
    }
}

/// How many times [`Db::scrub_freed_space`] tries to empty the WAL, [`TRUNCATE_PAUSE`] apart:
/// a second in all, many times a checkpointer's pass.
const TRUNCATE_TRIES: usize = 50;
/// The wait between two of those tries.
const TRUNCATE_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

/// The writer's place for a statement's own journal (for undoing that statement alone: an
/// upsert, a batch's insert of many rows): memory, as SQLite keeps it up to 64 KiB, instead of
/// a file created and deleted in the system's temporary directory once it grows past that
/// (measured: 1,215 files for 30,000 reports), which also made every write depend on that
/// directory being writable. The readers keep SQLite's default (their sorts can be large).
const WRITER_TEMP_STORE: &str = "PRAGMA temp_store = MEMORY";

/// A pool of SQLite connections with the server's settings.
fn sqlite_pool(size: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(size)
        // A file does not go away under an open connection; the ping before each use was a
        // round trip to the connection's thread for every statement.
        .test_before_acquire(false)
        .after_connect(|conn, _| Box::pin(async move { sqlite_settings(conn).await }))
}

/// The settings of every SQLite connection: the pool's readers' and the writer's.
async fn sqlite_settings(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    conn.execute("PRAGMA journal_mode = WAL").await?;
    conn.execute("PRAGMA synchronous = NORMAL").await?;
    conn.execute("PRAGMA foreign_keys = ON").await?;
    conn.execute("PRAGMA busy_timeout = 5000").await?;
    Ok(())
}

/// A table name as `VACUUM` takes it: letters, digits and underscores only.
fn plain_table_name(table: &str) -> Result<(), ServerError> {
    if !table.is_empty() && table.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Ok(())
    } else {
        Err(ServerError::Invalid(format!("not a table name: {table:?}")))
    }
}

/// A write transaction. On SQLite it is on the database's one writing connection, which it
/// holds alone until it ends: writers queue for it on a fair async mutex instead of polling
/// in SQLite's busy handler (which sleeps 1, 2, 5, 10... ms between tries and made the tail
/// latency of every write path). That connection stays open between writes, apart from the
/// readers' pool: its page cache stays warm (SQLite drops a connection's cache whenever
/// another one has written), and taking it costs no hand-off (a pool pings each connection
/// it gets back, on the connection's thread, before the next taker may have it). On
/// PostgreSQL it is a connection of the pool. Use `&mut **tx` (or `&mut *tx` where `tx` is
/// owned) as the executor.
///
/// It begins, commits and rolls back with plain statements, so that a transaction that fails
/// cannot outlive its request: when a statement, the commit or the rollback fails, or the
/// transaction is dropped unfinished (an error returned with `?`, a request cancelled
/// mid-write), its connection is closed instead of kept, and closing it ends whatever
/// transaction the database still holds; the next write opens another. (sqlx's own
/// transactions keep a depth counter that a failed `COMMIT` on a full disk left at one:
/// every later write on that connection then failed until a restart.)
pub struct WriteTx {
    conn: Option<WriteConn>,
    state: WriteState,
}

/// The connection a write runs on.
enum WriteConn {
    /// PostgreSQL: one of the pool's.
    Pooled(sqlx::pool::PoolConnection<sqlx::Any>),
    /// Held under its lock, apart from the pool (present: [`writer`] opens it): on SQLite
    /// the writer's, on PostgreSQL a queue's ([`Held`]).
    Own(tokio::sync::OwnedMutexGuard<Option<AnyConnection>>),
}

const OPEN: &str = "a held connection is opened before it is handed out";

/// A connection held apart from the pool by one queue of the report path (see
/// [`crate::batch`]), which runs one batch at a time on it: taking it is a lock, not a pool
/// hand-off, and giving it back costs nothing (a pool pings every connection it gets back
/// before the next taker may have it: on PostgreSQL a round trip to the server per batch,
/// on SQLite a hand-off to the connection's thread and back). It is taken from the pool
/// (`detach`: the pool's own settings, and the pool may open another in its place) when
/// first needed, and again after a use that failed or was dropped unfinished closed it. Like
/// the pool's, one idle for a while (the database restarted, a proxy dropped it) is pinged
/// before it is used again.
#[derive(Debug, Clone, Default)]
pub struct Held {
    conn: Arc<tokio::sync::Mutex<Option<AnyConnection>>>,
    /// When it was last taken.
    taken: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

/// A [`Held`] connection in use. Dropped without [`HeldConn::keep`] (an error returned with
/// `?`, a cancelled future), it is closed rather than trusted with the next batch.
pub struct HeldConn {
    conn: Option<tokio::sync::OwnedMutexGuard<Option<AnyConnection>>>,
}

impl Held {
    /// Locks the connection, taking one from `pool` when there is none.
    pub async fn take(&self, pool: &AnyPool) -> Result<HeldConn, ServerError> {
        Ok(HeldConn { conn: Some(self.lock(pool).await?) })
    }

    async fn lock(&self, pool: &AnyPool) -> Result<tokio::sync::OwnedMutexGuard<Option<AnyConnection>>, ServerError> {
        let mut conn = self.conn.clone().lock_owned().await;
        let idle = self
            .taken
            .lock()
            .map(|mut t| t.replace(std::time::Instant::now()).is_none_or(|t| t.elapsed() >= PING_AFTER_IDLE))
            .unwrap_or(true);
        if idle
            && let Some(c) = conn.as_mut()
            && c.ping().await.is_err()
        {
            *conn = None;
        }
        if conn.is_none() {
            *conn = Some(pool.acquire().await?.detach());
        }
        Ok(conn)
    }
}

impl std::fmt::Debug for HeldConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeldConn").finish_non_exhaustive()
    }
}

impl HeldConn {
    /// The use went well: the connection stays open for the next one.
    pub fn keep(mut self) {
        self.conn = None;
    }
}

impl std::ops::Deref for HeldConn {
    type Target = AnyConnection;
    fn deref(&self) -> &Self::Target {
        self.conn.as_ref().and_then(|c| c.as_ref()).expect(OPEN)
    }
}

impl std::ops::DerefMut for HeldConn {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.conn.as_mut().and_then(|c| c.as_mut()).expect(OPEN)
    }
}

impl Drop for HeldConn {
    fn drop(&mut self) {
        if let Some(mut c) = self.conn.take() {
            drop(c.take());
        }
    }
}

impl WriteConn {
    fn get(&mut self) -> &mut AnyConnection {
        match self {
            WriteConn::Pooled(c) => c,
            WriteConn::Own(c) => c.as_mut().expect(OPEN),
        }
    }

    /// Closes the connection instead of keeping it, which ends any transaction it holds.
    fn discard(self) {
        match self {
            WriteConn::Pooled(mut c) => c.close_on_drop(),
            WriteConn::Own(mut c) => drop(c.take()),
        }
    }
}

impl std::fmt::Debug for WriteTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held = matches!(self.conn, Some(WriteConn::Own(_)));
        f.debug_struct("WriteTx")
            .field("sqlite", &self.state.writer.is_some())
            .field("held", &held)
            .finish_non_exhaustive()
    }
}

const TAKEN: &str = "the write transaction's connection is present until commit or rollback";

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &Self::Target {
        match self.conn.as_ref().expect(TAKEN) {
            WriteConn::Pooled(c) => c,
            WriteConn::Own(c) => c.as_ref().expect(OPEN),
        }
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.conn.as_mut().expect(TAKEN).get()
    }
}

impl WriteTx {
    /// Commits. On failure the connection is closed (see [`WriteTx`]) and the error returned.
    pub async fn commit(mut self) -> Result<(), ServerError> {
        let mut conn = self.conn.take().expect(TAKEN);
        match sqlx::query("COMMIT").execute(conn.get()).await {
            Ok(_) => {
                self.state.committed();
                Ok(())
            }
            Err(e) => {
                self.state.health.failed(&e);
                let _ = sqlx::query("ROLLBACK").execute(conn.get()).await;
                conn.discard();
                Err(e.into())
            }
        }
    }

    /// Rolls back (nothing was meant to change, e.g. a refused request).
    pub async fn rollback(mut self) -> Result<(), ServerError> {
        let mut conn = self.conn.take().expect(TAKEN);
        if let Err(e) = sqlx::query("ROLLBACK").execute(conn.get()).await {
            conn.discard();
            return Err(e.into());
        }
        Ok(())
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        // Neither committed nor rolled back: a statement failed (and its error was returned
        // with `?`) or the request was cancelled. Closing the connection ends the transaction.
        if let Some(conn) = self.conn.take() {
            conn.discard();
            // Usually a statement that failed; health finds out with a write of its own.
            self.state.health.suspect();
        }
    }
}

/// Whether the last write transaction on a database committed; `/v1/health` reports it
/// (and, while it is in doubt, tries a write of its own).
#[derive(Debug, Default)]
pub struct WriteHealth {
    failing: std::sync::Mutex<Option<String>>,
}

impl WriteHealth {
    fn succeeded(&self) {
        if let Ok(mut f) = self.failing.lock()
            && f.is_some()
        {
            tracing::info!("database writes succeed again");
            *f = None;
        }
    }
    fn failed(&self, e: &sqlx::Error) {
        if let Ok(mut f) = self.failing.lock() {
            *f = Some(e.to_string());
        }
    }
    /// A write transaction ended unfinished: a statement failed, or its request was
    /// cancelled. Which one is not known here, so health checks with a probe write.
    fn suspect(&self) {
        if let Ok(mut f) = self.failing.lock()
            && f.is_none()
        {
            *f = Some("a write transaction ended without committing".into());
        }
    }
    /// Writes are still failing, for a reason found outside a write (a full disk).
    pub fn still_failing(&self, why: &str) {
        if let Ok(mut f) = self.failing.lock() {
            *f = Some(why.to_string());
        }
    }
    /// The error of the last write, while writes fail.
    pub fn failing(&self) -> Option<String> {
        self.failing.lock().ok().and_then(|f| f.clone())
    }
}

/// Per database (by URL): the health of its writes and, on SQLite, its one writing
/// connection.
#[derive(Debug, Clone)]
struct WriteState {
    health: Arc<WriteHealth>,
    writer: Option<Arc<Writer>>,
}

impl WriteState {
    /// A write transaction committed.
    fn committed(&self) {
        self.health.succeeded();
        if let Some(w) = &self.writer {
            w.checkpoints.committed(&w.options, &w.conn);
        }
    }
}

/// SQLite's writing connection (see [`WriteTx`]), opened when first needed and again after a
/// write that failed closed it. Its mutex is the database's write lock. It never copies the
/// WAL back into the database file: its checkpointer does, off the write path ([`wal`]).
#[derive(Debug)]
struct Writer {
    options: AnyConnectOptions,
    conn: wal::WriterConn,
    checkpoints: wal::Checkpointer,
}

fn write_state(pool: &AnyPool) -> WriteState {
    type States = std::collections::HashMap<String, WriteState>;
    static STATES: std::sync::OnceLock<std::sync::Mutex<States>> = std::sync::OnceLock::new();
    let options = pool.connect_options();
    let mut states = STATES.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    states
        .entry(options.database_url.to_string())
        .or_insert_with(|| WriteState {
            health: Arc::default(),
            writer: options.database_url.scheme().starts_with("sqlite").then(|| {
                let options = (*options).clone();
                Arc::new(Writer { options, conn: Arc::default(), checkpoints: Default::default() })
            }),
        })
        .clone()
}

/// The health of writes to the database behind `pool`.
pub fn write_health(pool: &AnyPool) -> Arc<WriteHealth> {
    write_state(pool).health
}

/// The connection to write on: on SQLite the writer's, in its turn (opened if it is not); on
/// PostgreSQL `held` when given, else one of the pool's.
async fn writer(pool: &AnyPool, held: Option<&Held>) -> Result<(WriteConn, WriteState), ServerError> {
    let state = write_state(pool);
    let conn = match &state.writer {
        Some(writer) => {
            let mut conn = writer.conn.clone().lock_owned().await;
            if conn.is_none() {
                let mut opened = AnyConnection::connect_with(&writer.options).await?;
                sqlite_settings(&mut opened).await?;
                opened.execute("PRAGMA wal_autocheckpoint = 0").await?;
                opened.execute(format!("PRAGMA journal_size_limit = {}", wal::WAL_SIZE_LIMIT).as_str()).await?;
                opened.execute(WRITER_TEMP_STORE).await?;
                *conn = Some(opened);
            }
            WriteConn::Own(conn)
        }
        None => match held {
            Some(held) => WriteConn::Own(held.lock(pool).await?),
            None => WriteConn::Pooled(pool.acquire().await?),
        },
    };
    Ok((conn, state))
}

/// Starts a transaction that will write (see [`WriteTx`]); on SQLite with SQLite's write lock
/// taken at once (`BEGIN IMMEDIATE`).
pub async fn begin_write(pool: &AnyPool) -> Result<WriteTx, ServerError> {
    begin_write_on(pool, None).await
}

/// [`begin_write`], on PostgreSQL on `held` when given.
pub async fn begin_write_on(pool: &AnyPool, held: Option<&Held>) -> Result<WriteTx, ServerError> {
    let (mut conn, state) = writer(pool, held).await?;
    let begin = if state.writer.is_some() { "BEGIN IMMEDIATE" } else { "BEGIN" };
    if let Err(e) = sqlx::query(begin).execute(conn.get()).await {
        state.health.failed(&e);
        conn.discard();
        return Err(e.into());
    }
    Ok(WriteTx { conn: Some(conn), state })
}

/// A write sent to the database in one round trip: on SQLite, statements between
/// `BEGIN IMMEDIATE` and `COMMIT` in one text (SQLite runs them one after the other, the
/// same numbered parameters bound in each); on PostgreSQL one statement, atomic by itself
/// (data-modifying `WITH` clauses make one statement of several). Where a statement's
/// outcome only decides the next one's rows (not the client's code), this saves a round
/// trip per statement: on SQLite each is a hand-off to the connection's thread and back,
/// which under load costs more than the statement.
///
/// It is a [`WriteTx`] whose statements are not sent yet: it holds the writer's connection
/// on SQLite, and when the write fails or is dropped unfinished its connection is closed,
/// which ends whatever transaction SQLite still holds (a failed statement leaves the ones
/// before it uncommitted, inside `BEGIN`).
#[derive(Debug)]
pub struct WriteOnce(WriteTx);

impl WriteOnce {
    /// Takes the connection to write on (on SQLite, the writer's; on PostgreSQL `held` when
    /// given); nothing is sent yet.
    pub async fn begin(pool: &AnyPool, held: Option<&Held>) -> Result<Self, ServerError> {
        let (conn, state) = writer(pool, held).await?;
        Ok(Self(WriteTx { conn: Some(conn), state }))
    }

    /// Whether [`Self::text`] takes several statements (SQLite) or one (PostgreSQL).
    pub fn several_statements(&self) -> bool {
        self.0.state.writer.is_some()
    }

    /// The text to send for `statements` (separated by `;` on SQLite).
    pub fn text(&self, statements: &str) -> String {
        if self.several_statements() {
            format!("BEGIN IMMEDIATE; {statements}; COMMIT")
        } else {
            statements.to_string()
        }
    }

    /// Sends the write (built on [`Self::text`]) and returns the rows its statements
    /// returned, in order. On failure the connection is closed and the error returned.
    pub async fn run<'q>(
        mut self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<Vec<sqlx::any::AnyRow>, ServerError> {
        let mut conn = self.0.conn.take().expect(TAKEN);
        match query.fetch_all(conn.get()).await {
            Ok(rows) => {
                self.0.state.committed();
                Ok(rows)
            }
            Err(e) => {
                self.0.state.health.failed(&e);
                conn.discard();
                Err(e.into())
            }
        }
    }
}

/// The writer's turn for statements that each commit on their own (no `BEGIN`): a single
/// insert, update or delete that needs no transaction around it, such as the start of a TOTP
/// enrollment, an invite, an admin session or a sweep of expired rows. On SQLite it holds the
/// writer's connection ([`WriteTx`]), so such a write queues fairly behind the others
/// instead of sleeping in SQLite's busy handler (1, 2, 5, 10... ms between tries) while a
/// batch commits, and its commit wakes the WAL's checkpointer like any other (a write on
/// a pool connection copied the WAL back inside its own commit, every 1,000 pages). On
/// PostgreSQL it is a connection of the pool.
///
/// Call [`Self::done`] once its statements succeeded ([`Self::execute`] does, for one
/// statement). Dropped without it (an error returned
/// with `?`, a cancelled request) its connection is closed rather than trusted with the next
/// write, as a [`WriteTx`]'s is.
pub struct Autocommit(WriteTx);

impl Autocommit {
    /// Waits for the writer's turn (on SQLite; on PostgreSQL takes a pool connection).
    pub async fn take(pool: &AnyPool) -> Result<Self, ServerError> {
        let (conn, state) = writer(pool, None).await?;
        Ok(Self(WriteTx { conn: Some(conn), state }))
    }

    /// One statement in the writer's turn: [`Self::take`], the statement, [`Self::done`].
    pub async fn execute<'q>(
        pool: &AnyPool,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<sqlx::any::AnyQueryResult, ServerError> {
        let mut w = Self::take(pool).await?;
        let done = query.execute(&mut *w).await?;
        w.done();
        Ok(done)
    }

    /// Its statements succeeded: the connection goes back for the next write.
    pub fn done(mut self) {
        if self.0.conn.take().is_some() {
            self.0.state.committed();
        }
    }
}

impl std::fmt::Debug for Autocommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Autocommit").field(&self.0).finish()
    }
}

impl std::ops::Deref for Autocommit {
    type Target = AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Autocommit {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

/// A URL with its password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("****"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    /// The free space is read from the database's own directory, even one whose name the URL
    /// has to encode.
    #[cfg(unix)]
    #[tokio::test]
    async fn free_space_is_read_where_the_database_is() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = super::Db::open_sqlite(&dir.path().join("Application Support")).await.expect("open");
        assert!(db.free_space().is_some_and(|free| free > 0), "{:?}", db.free_space());
    }
    /// A write of one statement (an organisation's creation) waits for the writer's turn like
    /// any write: it comes after the transaction that holds the writer and before a write
    /// transaction that asked after it. (From a pool connection it polled SQLite's lock in the
    /// busy handler, sleeping between tries, and the later transaction went first.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_statement_writes_take_their_turn() {
        use std::time::Duration;
        let dir = tempfile::tempdir().expect("tempdir");
        let db = super::Db::open_sqlite(dir.path()).await.expect("open");
        let now = lastmile_core::clock::UnixMillis(1);
        let holder = super::begin_write(&db.pool).await.expect("begin");
        let first = {
            let pool = db.pool.clone();
            tokio::spawn(async move { crate::store::create_org(&pool, "first", "First", now).await })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        let second = {
            let pool = db.pool.clone();
            tokio::spawn(async move {
                let mut tx = super::begin_write(&pool).await?;
                sqlx::query(
                    "INSERT INTO organisations (id, slug, name, created_at_ms) VALUES ('org_2', 'second', 'Second', 1)",
                )
                .execute(&mut *tx)
                .await?;
                tx.commit().await
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!first.is_finished() && !second.is_finished(), "both wait for the writer");
        holder.commit().await.expect("commit");
        first.await.expect("join").expect("first");
        second.await.expect("join").expect("second");
        let order: Vec<String> = sqlx::query_scalar("SELECT slug FROM organisations ORDER BY rowid")
            .fetch_all(&db.pool)
            .await
            .expect("read");
        assert_eq!(order, ["first", "second"]);
    }
    /// The writer keeps a statement's journal in memory: past 64 KiB SQLite otherwise writes
    /// it to a file in the system's temporary directory (1,215 files for 30,000 reports). But
    /// not a `VACUUM`'s copy of the whole database, which goes to a file.
    #[tokio::test]
    async fn the_writer_keeps_statement_journals_in_memory() {
        use sqlx::Row;
        let dir = tempfile::tempdir().expect("tempdir");
        let db = super::Db::open_sqlite(dir.path()).await.expect("open");
        let temp_store = async || {
            let mut tx = super::begin_write(&db.pool).await.expect("begin");
            let row = sqlx::query("PRAGMA temp_store").fetch_one(&mut *tx).await.expect("read");
            tx.rollback().await.expect("rollback");
            row.get::<i64, _>(0)
        };
        assert_eq!(temp_store().await, 2, "MEMORY");
        // The scrub's `VACUUM` copies the database to a temporary file, then sets it back.
        assert!(db.scrub_freed_space(&[]).await.expect("scrub"));
        assert_eq!(temp_store().await, 2, "MEMORY after a scrub");
    }

    /// Before a restart the WAL's checkpointer flushes the database file through a descriptor
    /// of its own, which it must never close: closing any descriptor of the file drops every
    /// POSIX lock the process holds on it, SQLite's included, and another process could then
    /// take the exclusive lock (with which SQLite deletes a WAL). Another process tries that
    /// lock after flushes, and on a file nobody locks, to show that it can take one.
    #[cfg(unix)]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_flushes_before_a_restart_leave_sqlites_locks_in_place() {
        let (dir, db, state) = filler_db(16).await;
        let checkpoints = &state.writer.as_ref().expect("SQLite has a writer").checkpoints;
        // 64 KiB (16 pages) a write, until a restart's rounds of flushes are done.
        for _ in 0..2_000 {
            if checkpoints.flushes() >= super::wal::CATCH_UP_ROUNDS {
                break;
            }
            write_filler(&db.pool).await;
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert!(checkpoints.flushes() >= super::wal::CATCH_UP_ROUNDS, "flushed {} times", checkpoints.flushes());
        let database = dir.path().join(super::SQLITE_FILE);
        let answer = lock_from_another_process(&database);
        assert!(answer.starts_with("refused"), "another process locked the database: {answer}");
        let unlocked = dir.path().join("nobody-locks-this");
        std::fs::write(&unlocked, b"").expect("write");
        assert_eq!(lock_from_another_process(&unlocked), "taken");
    }

    /// Opening a database that this process already has open leaves the first one's locks in
    /// place. (Making its files private used to open and close a descriptor of the database
    /// file, and that close dropped them.)
    #[cfg(unix)]
    #[tokio::test]
    async fn opening_an_open_database_again_leaves_its_locks_in_place() {
        let (dir, db, _) = filler_db(1_000).await;
        write_filler(&db.pool).await;
        let database = dir.path().join(super::SQLITE_FILE);
        assert!(lock_from_another_process(&database).starts_with("refused"), "locked once open");
        let again = super::Db::open_sqlite(dir.path()).await.expect("open again");
        let answer = lock_from_another_process(&database);
        assert!(answer.starts_with("refused"), "another process locked the database: {answer}");
        write_filler(&again.pool).await;
    }

    /// A new database with an empty table `filler`, whose WAL restarts at `restart_frames`.
    async fn filler_db(restart_frames: i64) -> (tempfile::TempDir, super::Db, super::WriteState) {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = super::Db::open_sqlite(dir.path()).await.expect("open");
        let state = super::write_state(&db.pool);
        state.writer.as_ref().expect("SQLite has a writer").checkpoints.restart_at(restart_frames);
        let mut tx = super::begin_write(&db.pool).await.expect("begin");
        sqlx::query("CREATE TABLE filler (b BLOB NOT NULL)").execute(&mut *tx).await.expect("create");
        tx.commit().await.expect("commit");
        (dir, db, state)
    }

    /// One write of 64 KiB (16 pages) into `filler`.
    async fn write_filler(pool: &sqlx::AnyPool) {
        let mut tx = super::begin_write(pool).await.expect("begin");
        sqlx::query("INSERT INTO filler (b) VALUES (zeroblob(65536))").execute(&mut *tx).await.expect("insert");
        tx.commit().await.expect("commit");
    }

    /// The environment variable that gives [`lock_probe`] its file.
    #[cfg(unix)]
    const LOCK_PROBE: &str = "LASTMILE_TEST_LOCK_PROBE";

    /// What another process (this test binary again, running [`lock_probe`]) answers when it
    /// tries an exclusive POSIX lock on `path`: "taken" or "refused (...)".
    #[cfg(unix)]
    fn lock_from_another_process(path: &std::path::Path) -> String {
        let out = std::process::Command::new(std::env::current_exe().expect("the test binary"))
            .args(["db::tests::lock_probe", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env(LOCK_PROBE, path)
            .output()
            .expect("run the probe");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let answer = stdout.lines().find_map(|l| l.split_once("lock probe: ").map(|(_, answer)| answer));
        answer.unwrap_or_else(|| panic!("no answer from the probe: {stdout}")).to_string()
    }

    /// Tries an exclusive POSIX lock on the file [`LOCK_PROBE`] names and says what came of it.
    #[cfg(unix)]
    #[test]
    #[ignore = "run by lock_from_another_process, in a process of its own"]
    #[expect(clippy::print_stdout, reason = "the probe answers its parent on standard output")]
    fn lock_probe() {
        let Some(path) = std::env::var_os(LOCK_PROBE) else { return };
        let file = std::fs::File::options().read(true).write(true).open(path).expect("open");
        match rustix::fs::fcntl_lock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => println!("lock probe: taken"),
            Err(e) => println!("lock probe: refused ({e})"),
        }
    }

    /// Under writes back to back, with readers reading all along, the WAL is started again
    /// from its beginning once it reaches its restart size, instead of growing for as long
    /// as the load lasts. (A restart size of 1 MiB stands in for the real 256 MiB.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wal_stays_bounded_under_writes_back_to_back() {
        use sqlx::Row;
        let (dir, db, _) = filler_db(256).await;
        let wal = dir.path().join(format!("{}-wal", super::SQLITE_FILE));
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (pool, done) = (db.pool.clone(), done.clone());
            tokio::spawn(async move {
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    sqlx::query("SELECT count(*) FROM filler").fetch_one(&pool).await.expect("read");
                }
            })
        };
        // Four writers, so that a write always waits for the writer's turn: 64 MiB in all,
        // 64 KiB (16 pages) a write. Without restarts the WAL holds nearly all of it.
        let writers: Vec<_> = (0..4)
            .map(|_| {
                let pool = db.pool.clone();
                tokio::spawn(async move {
                    for _ in 0..256 {
                        write_filler(&pool).await;
                    }
                })
            })
            .collect();
        let mut largest = 0;
        while !writers.iter().all(tokio::task::JoinHandle::is_finished) {
            largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        for w in writers {
            w.await.expect("writer");
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        reader.await.expect("reader");
        let rows: i64 = sqlx::query("SELECT count(*) FROM filler").fetch_one(&db.pool).await.expect("count").get(0);
        assert_eq!(rows, 1024, "every write is kept");
        assert!(largest > 0, "the WAL was seen");
        assert!(largest < 48 << 20, "the WAL grew to {largest} bytes for 64 MiB written");
    }

    /// The two migration folders are kept in lockstep: the same versions, the same names,
    /// and the same words (a quick check; `tests/schema_lockstep.rs` compares the schemas the
    /// two databases build, with types, nullability, keys and constraints).
    #[test]
    fn migrations_are_in_lockstep() {
        let names =
            |m: &sqlx::migrate::Migrator| m.iter().map(|x| (x.version, x.description.to_string())).collect::<Vec<_>>();
        assert_eq!(names(&super::SQLITE_MIGRATIONS), names(&super::POSTGRES_MIGRATIONS));
        let words = |sql: &str| {
            let mut w: Vec<String> = sql
                .lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .flat_map(|l| l.split(|c: char| !(c.is_alphanumeric() || c == '_')))
                .filter(|w| w.chars().any(char::is_lowercase) && w.len() > 2)
                .map(str::to_string)
                .collect();
            w.sort();
            w.dedup();
            w
        };
        for (s, p) in super::SQLITE_MIGRATIONS.iter().zip(super::POSTGRES_MIGRATIONS.iter()) {
            assert_eq!(words(&s.sql), words(&p.sql), "migration {} differs in names", s.version);
        }
    }
}
