//! The write path when the disk fills up: writes fail cleanly (500, nothing half-written),
//! health says so, and once space is freed every write works again without a restart; the
//! reports that waited arrive exactly once and the database is intact.

use super::*;

/// A tmpfs of a few MiB mounted on a fresh directory: a real disk that really fills up
/// (ENOSPC, which SQLite reports as SQLITE_FULL). Mounting needs root, as the test machine
/// and CI run; unmounted on drop.
struct SmallDisk {
    dir: tempfile::TempDir,
    /// Unmount on drop. Not under a PostgreSQL tablespace: if the test fails before the
    /// database is dropped, the server still holds its files and would fail every later
    /// checkpoint; the small mount is left in place instead.
    unmount: bool,
}

impl SmallDisk {
    /// `owner`: the uid the disk's root belongs to (the database server's user).
    fn mount(kib: u32, owner: Option<u32>) -> SmallDisk {
        let dir = tempfile::tempdir().expect("tempdir");
        let owner = owner.map(|uid| format!(",uid={uid},mode=0700")).unwrap_or_default();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k{owner}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("run mount");
        assert!(status.success(), "mounting a small tmpfs needs root (the test machine and CI run as root)");
        SmallDisk { dir, unmount: owner.is_empty() }
    }

    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Takes every free byte with a file.
    fn fill(&self) -> std::path::PathBuf {
        use std::io::Write;
        let path = self.path().join("filler");
        let mut f = std::fs::File::create(&path).expect("filler");
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        let _ = f.flush();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        if self.unmount {
            let _ = std::process::Command::new("umount").arg("-l").arg(self.dir.path()).status();
        } else {
            // Keep the directory (and the mount) for the database server that used it.
            let _ = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("tempdir")).keep();
        }
    }
}

/// Reports in order, each sent until the server takes it (as the device's outbox does): the
/// disk fills up midway; then the space is freed and the rest go through.
async fn fill_fail_free(h: &Harness, disk: &SmallDisk) {
    let dev = h.joined().await;
    let total = 400;
    let mut queue: std::collections::VecDeque<PostureReport> = (1..=total).map(report_n).collect();
    let (s, v) = h.report(&dev, &queue[0]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    queue.pop_front();

    let filler = disk.fill();
    let mut refused = 0;
    while let Some(next) = queue.front() {
        let (s, v) = h.report(&dev, next).await;
        match s {
            StatusCode::OK => {
                queue.pop_front();
            }
            StatusCode::INTERNAL_SERVER_ERROR => {
                assert_eq!(error_code(&v), ErrorCode::Internal, "{v}");
                refused += 1;
                if refused == 3 {
                    break; // the device waits and tries again later
                }
            }
            other => panic!("unexpected answer {other} while the disk is full: {v}"),
        }
    }
    assert_eq!(refused, 3, "the disk never filled up: {total} reports were all stored");
    let (s, v) = h.call("GET", "/v1/health", None, None).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "health while the disk is full: {v}");
    assert_eq!(error_code(&v), ErrorCode::Unavailable, "{v}");
    // Its own small write may fit in reused WAL space; it stays unavailable while the disk is full.
    let (s, v) = h.call("GET", "/v1/health", None, None).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "health asked again while the disk is full: {v}");

    std::fs::remove_file(filler).expect("free the space");
    let (s, v) = h.call("GET", "/v1/health", None, None).await;
    assert_eq!(s, StatusCode::OK, "health once space is free: {v}");
    // Every report still waiting goes through on its first try now: no write is stuck
    // behind a connection that a failed transaction left open.
    while let Some(next) = queue.pop_front() {
        let (s, v) = h.report(&dev, &next).await;
        assert_eq!(s, StatusCode::OK, "report {} after the space was freed: {v}", next.sequence);
    }
    assert_eq!(h.count("posture_reports").await, total, "each report stored exactly once");
    let chain = lastmile_server::audit::verify(&h.state.db.pool).await.expect("verify");
    assert!(chain.first_bad.is_none(), "{chain:?}");
}

async fn harness_on(db: Db) -> Harness {
    let clock = Arc::new(ManualClock::at(T0));
    let state = AppState::new(db, clock.clone());
    admin::create_org(&state.db, &*clock, "acme", "Acme Ltd").await.expect("org");
    admin::create_user(&state.db, &*clock, "acme", "ada@acme.test", "Ada").await.expect("user");
    Harness { _dir: tempfile::tempdir().expect("tempdir"), state, clock, key: random_key() }
}

/// SQLite: the database file and its WAL on the small disk.
#[tokio::test]
async fn a_full_disk_fails_writes_cleanly_and_they_resume_when_space_is_freed() {
    if std::env::var("LASTMILE_TEST_DATABASE_URL").is_ok() {
        return postgres_full_disk().await;
    }
    let disk = SmallDisk::mount(16 * 1024, None);
    let h = harness_on(Db::open_sqlite(disk.path()).await.expect("open db")).await;
    fill_fail_free(&h, &disk).await;
    let check: String =
        sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&h.state.db.pool).await.expect("integrity check");
    assert_eq!(check, "ok");
}

/// PostgreSQL: the test's database in a tablespace on the small disk (its write-ahead log
/// stays in the server's data directory, as an operator would lay it out).
async fn postgres_full_disk() {
    use sqlx::{Connection, Executor};
    let admin_url = std::env::var("LASTMILE_TEST_DATABASE_URL").expect("URL");
    let uid = std::process::Command::new("id").args(["-u", "postgres"]).output().expect("id -u postgres");
    let uid: u32 = String::from_utf8_lossy(&uid.stdout).trim().parse().expect("the postgres user's uid");
    let disk = SmallDisk::mount(16 * 1024, Some(uid));
    sqlx::any::install_default_drivers();
    let mut admin = sqlx::AnyConnection::connect(&admin_url).await.expect("connect to PostgreSQL");
    let name = format!("lm_{}", lastmile_server::secrets::new_id("disk").replace(['-', '_'], ""));
    let location = disk.path().display().to_string();
    admin.execute(format!("CREATE TABLESPACE {name} LOCATION '{location}'").as_str()).await.expect("tablespace");
    admin.execute(format!("CREATE DATABASE {name} TABLESPACE {name}").as_str()).await.expect("database");
    let (base, _) = admin_url.rsplit_once('/').expect("URL with a database");
    let h = harness_on(Db::open(&format!("{base}/{name}")).await.expect("open db")).await;
    fill_fail_free(&h, &disk).await;
    h.state.db.pool.close().await;
    // FORCE: a backend whose client just closed may not have exited yet (PostgreSQL 13+).
    admin.execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str()).await.expect("drop the database");
    admin.execute(format!("DROP TABLESPACE {name}").as_str()).await.expect("drop the tablespace");
    let mut disk = disk;
    disk.unmount = true;
}

/// SQLite: what the writer commits is copied from the WAL into the database file soon after
/// (by the checkpointer, off the write path), not only once the WAL holds 1,000 pages. The
/// database file alone, copied without its WAL, holds every report within seconds.
#[tokio::test]
async fn committed_writes_reach_the_database_file_without_waiting_for_a_full_wal() {
    if std::env::var("LASTMILE_TEST_DATABASE_URL").is_ok() {
        return; // PostgreSQL checkpoints by itself
    }
    use sqlx::Connection;
    let h = harness().await;
    let dev = h.joined().await;
    for n in 1..=5 {
        let (s, v) = h.report(&dev, &report_n(n)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let file = h._dir.path().join(lastmile_server::db::SQLITE_FILE);
    let copy = tempfile::tempdir().expect("tempdir");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut seen = None;
    for attempt in 0.. {
        if std::time::Instant::now() > deadline {
            break;
        }
        let alone = copy.path().join(format!("copy{attempt}.sqlite3"));
        std::fs::copy(&file, &alone).expect("copy the database file");
        let url = format!("sqlite://{}", alone.display());
        // A copy taken mid-checkpoint may not open; the next one will.
        if let Ok(mut conn) = sqlx::AnyConnection::connect(&url).await {
            seen = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM posture_reports").fetch_one(&mut conn).await.ok();
            let _ = conn.close().await;
        }
        if seen == Some(5) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the database file alone held {seen:?} of 5 reports after 10 s: nothing checkpoints the WAL");
}

/// PostgreSQL: the report path's queues hold connections of their own; when the server drops
/// them (a restart, a proxy's idle timeout), the next report after a pause still goes
/// through: an idle connection is pinged and replaced before it is used.
#[tokio::test]
async fn reports_go_through_after_the_database_dropped_the_queues_connections() {
    if std::env::var("LASTMILE_TEST_DATABASE_URL").is_err() {
        return; // SQLite's connections are files, not sessions a server can drop
    }
    let h = harness().await;
    let dev = h.joined().await;
    let (s, v) = h.report(&dev, &report_n(1)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let dropped: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&h.state.db.pool)
    .await
    .expect("terminate the other sessions");
    assert!(dropped.len() >= 2, "the queues' connections (lookups, writes) were among them: {dropped:?}");
    tokio::time::sleep(lastmile_server::db::PING_AFTER_IDLE + std::time::Duration::from_millis(100)).await;
    for n in 2..=3 {
        let (s, v) = h.report(&dev, &report_n(n)).await;
        assert_eq!(s, StatusCode::OK, "report {n} after the connections were dropped: {v}");
    }
    assert_eq!(h.count("posture_reports").await, 3);
}
