//! The database: an embedded SQLite file by default, PostgreSQL when given a URL.
//!
//! Both go through sqlx's `Any` driver so that one set of queries (with `$n` placeholders,
//! BIGINT millisecond timestamps and TEXT ids) serves both. The two migration folders are
//! kept in lockstep; applied migrations are never edited.

use std::path::Path;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::ServerError;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// File name of the embedded database inside the data directory.
pub const SQLITE_FILE: &str = "lastmile.sqlite3";

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
    pub async fn open_sqlite(data_dir: &Path) -> Result<Db, ServerError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| ServerError::Invalid(format!("cannot create data directory {}: {e}", data_dir.display())))?;
        let path = data_dir.join(SQLITE_FILE);
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
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    // SQLite allows one writer at a time; WAL lets readers run alongside it.
                    .max_connections(4)
                    // A file does not go away under an open connection; the ping before each
                    // use was a round trip to the connection's thread for every statement.
                    .test_before_acquire(false)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA busy_timeout = 5000").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => AnyPoolOptions::new().max_connections(16).connect_with(options).await?,
        };
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await?;
        Ok(Db { pool, backend })
    }

    /// `SELECT 1`, for the health endpoint.
    pub async fn ping(&self) -> Result<(), ServerError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// A write transaction. On SQLite it also holds the process's write lock, so that writers
/// queue on a fair async mutex instead of polling in SQLite's busy handler (which sleeps
/// 1, 2, 5, 10... ms between tries and made the tail latency of every write path). Use
/// `&mut **tx` as the executor.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _lock: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl std::fmt::Debug for WriteTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteTx").field("locked", &self._lock.is_some()).finish_non_exhaustive()
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::Transaction<'static, sqlx::Any>;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), ServerError> {
        Ok(self.tx.commit().await?)
    }
    pub async fn rollback(self) -> Result<(), ServerError> {
        Ok(self.tx.rollback().await?)
    }
}

/// Starts a transaction that will write (see [`WriteTx`]); on SQLite with the write lock
/// taken at once (`BEGIN IMMEDIATE`).
pub async fn begin_write(pool: &AnyPool) -> Result<WriteTx, ServerError> {
    static SQLITE_WRITER: std::sync::OnceLock<std::sync::Arc<tokio::sync::Mutex<()>>> = std::sync::OnceLock::new();
    if pool.connect_options().database_url.scheme().starts_with("sqlite") {
        let lock = SQLITE_WRITER.get_or_init(Default::default).clone().lock_owned().await;
        Ok(WriteTx { tx: pool.begin_with("BEGIN IMMEDIATE").await?, _lock: Some(lock) })
    } else {
        Ok(WriteTx { tx: pool.begin().await?, _lock: None })
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
    /// The two migration folders are kept in lockstep: the same versions, the same names,
    /// and the same tables and columns created (compared by name, not by dialect).
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
