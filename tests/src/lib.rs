//! Helpers for the end-to-end tests: the real `lastmile-server` on loopback with its own
//! SQLite directory, and the real `lastmile` binary with its own home directory.
//!
//! The binaries are the ones cargo put next to the test executable (`target/debug`):
//! `cargo test --workspace --no-run --features lastmile/test-hooks` builds them with the
//! tests (`scripts/test.sh` does). Tests that need the OS keyring
//! expect the Secret Service that `scripts/test.sh` starts (dbus-run-session with an
//! unlocked gnome-keyring); without it they fail with a message saying so.

pub mod idp;
pub mod mds_blob;
pub mod soft_fido2;
pub mod tls_front;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// The directory holding the workspace's binaries (`target/debug`).
pub fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("LASTMILE_BIN_DIR") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().expect("test executable path");
    // target/debug/deps/<test> -> target/debug
    exe.parent().and_then(Path::parent).expect("target dir").to_path_buf()
}

pub fn bin(name: &str) -> PathBuf {
    let path = bin_dir().join(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo test --workspace --no-run --features lastmile/test-hooks` first (scripts/test.sh does)",
        path.display()
    );
    path
}

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// Whether something listens on `port` on loopback. A connection whose two ends are the
/// same address does not count: while nothing listens, a connect to a port in the
/// ephemeral range can pick that very port as its source and connect to itself (TCP
/// simultaneous open), which a plain "did connect succeed" mistakes for a listener.
pub fn listening(port: u16) -> bool {
    match std::net::TcpStream::connect(("127.0.0.1", port)) {
        Ok(s) => matches!((s.local_addr(), s.peer_addr()), (Ok(local), Ok(peer)) if local != peer),
        Err(_) => false,
    }
}

/// Fails the test with a clear message when there is no Secret Service to use.
pub fn require_keyring() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "these tests use the real OS keyring: run them through scripts/test.sh, which starts a D-Bus session \
         with an unlocked gnome-keyring"
    );
}

/// A running `lastmile-server serve` with a fresh SQLite directory; killed on drop.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// The PostgreSQL database, when the server uses one instead of SQLite.
    pub database_url: Option<String>,
    /// Holds the log (and the data, unless it was given).
    pub dir: tempfile::TempDir,
    pub data: PathBuf,
    pub port: u16,
}

/// The PostgreSQL server the end-to-end tests' servers use instead of SQLite: the URL of its
/// `postgres` database in `LASTMILE_E2E_POSTGRES` (scripts/test.sh sets it to run the
/// journeys a second time), or none.
pub fn e2e_postgres() -> Option<String> {
    std::env::var("LASTMILE_E2E_POSTGRES").ok().filter(|u| !u.is_empty())
}

/// The database of a server on `data` under `LASTMILE_E2E_POSTGRES`, made when new.
fn e2e_database_for(data: &Path) -> anyhow::Result<Option<String>> {
    use std::hash::{Hash, Hasher};
    let Some(admin) = e2e_postgres() else { return Ok(None) };
    let mut hash = std::collections::hash_map::DefaultHasher::new();
    data.hash(&mut hash);
    let name = format!("e2e_{:016x}", hash.finish());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/postgres.sh");
    let out = Command::new(script).args(["createdb", &admin, &name]).output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && !stderr.contains("already exists") {
        bail!("createdb {name}: {stderr}");
    }
    let (base, _) = admin.rsplit_once('/').context("LASTMILE_E2E_POSTGRES names no database")?;
    Ok(Some(format!("{base}/{name}")))
}

impl Server {
    pub fn start() -> anyhow::Result<Server> {
        Self::start_with_env(&[])
    }

    /// Starts with extra environment variables (e.g. `LD_PRELOAD` and `FAKETIME`).
    pub fn start_with_env(envs: &[(&str, &str)]) -> anyhow::Result<Server> {
        Self::start_wrapped(&[], envs)
    }

    /// Starts on a given port with extra environment variables (when a setting names the
    /// server's own address, e.g. the OpenID Connect issuer).
    pub fn start_at(port: u16, envs: &[(&str, &str)]) -> anyhow::Result<Server> {
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("data");
        Self::spawn(dir, data, port, envs)
    }

    /// Starts on a given data directory and port (to restart a server on the same data).
    pub fn start_on(data: &Path, port: u16) -> anyhow::Result<Server> {
        Self::spawn(tempfile::tempdir()?, data.to_path_buf(), port, &[])
    }

    /// Starts under a wrapper command (e.g. `prlimit --nofile=256:256 --`), with extra
    /// environment variables.
    pub fn start_wrapped(wrapper: &[&str], envs: &[(&str, &str)]) -> anyhow::Result<Server> {
        // free_port() releases the port before the server binds it; another process can
        // take it in between. The server then exits saying so, and another port is tried.
        let mut attempt = 0;
        loop {
            let dir = tempfile::tempdir()?;
            let data = dir.path().join("data");
            match Self::spawn_with(wrapper, dir, data, free_port(), envs) {
                Err(e) if attempt < 3 && format!("{e:#}").contains("Address already in use") => attempt += 1,
                result => return result,
            }
        }
    }

    fn spawn(dir: tempfile::TempDir, data: PathBuf, port: u16, envs: &[(&str, &str)]) -> anyhow::Result<Server> {
        Self::spawn_with(&[], dir, data, port, envs)
    }

    fn spawn_with(
        wrapper: &[&str],
        dir: tempfile::TempDir,
        data: PathBuf,
        port: u16,
        envs: &[(&str, &str)],
    ) -> anyhow::Result<Server> {
        let log = std::fs::File::create(dir.path().join("server.log"))?;
        // With LASTMILE_E2E_POSTGRES, every server without a database URL of its own gets a
        // PostgreSQL database (one per data directory, so a restart finds its rows).
        let own_url = envs.iter().find(|(k, _)| *k == "LASTMILE_DATABASE_URL").map(|(_, v)| (*v).to_string());
        let database_url = match own_url {
            Some(url) => Some(url),
            None => e2e_database_for(&data)?,
        };
        let mut command = match wrapper.split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(bin("lastmile-server"));
                c
            }
            None => Command::new(bin("lastmile-server")),
        };
        let child = command
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
            .arg(&data)
            .envs(envs.iter().copied())
            .envs(database_url.iter().map(|u| ("LASTMILE_DATABASE_URL", u.as_str())))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .context("starting lastmile-server")?;
        let mut server = Server { child, database_url, dir, data, port };
        server.wait_ready()?;
        // Each run says which database it used; a test that meant PostgreSQL and got SQLite
        // (or the reverse) fails here instead of passing on the wrong one.
        let backend = if server.database_url.is_some() { "backend=Postgres" } else { "backend=Sqlite" };
        if !server.log().contains(backend) {
            bail!("lastmile-server did not log {backend}; log:\n{}", server.log());
        }
        Ok(server)
    }

    fn wait_ready(&mut self) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                bail!("lastmile-server exited ({status}) before listening; log:\n{}", self.log());
            }
            // Listening means this server said so and the port answers: a port another
            // process took after free_port() released it answers too, but not in this log.
            if self.log().contains("lastmile-server listening") && listening(self.port) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("lastmile-server did not listen on {} within 20 s; log:\n{}", self.port, self.log())
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Sets the organisation's `default` group policy (`admin group set`) from JSON.
    pub fn set_default_policy(&self, policy: &serde_json::Value) -> anyhow::Result<()> {
        let file = tempfile::NamedTempFile::new()?;
        std::fs::write(file.path(), policy.to_string())?;
        let path = file.path().display().to_string();
        self.admin(&["group", "set", "--org", "acme", "--name", "default", "--policy-file", &path])?;
        Ok(())
    }

    /// Runs `lastmile-server admin ...` against this server's database.
    pub fn admin(&self, args: &[&str]) -> anyhow::Result<String> {
        let out = self.admin_command(args).output()?;
        if !out.status.success() {
            bail!("admin {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8(out.stdout)?)
    }

    pub fn admin_command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin("lastmile-server"));
        cmd.arg("admin").arg("--data-dir").arg(&self.data).args(args);
        if let Some(url) = &self.database_url {
            cmd.env("LASTMILE_DATABASE_URL", url);
        }
        cmd
    }

    /// Creates an organisation and a user, once per server.
    pub fn seed(&self) -> anyhow::Result<()> {
        self.admin(&["org", "create", "--slug", "acme", "--name", "Acme Ltd"])?;
        self.admin(&["user", "create", "--org", "acme", "--email", "ada@acme.test", "--name", "Ada Lovelace"])?;
        Ok(())
    }

    /// Issues an invite for ada@acme.test; returns (code, link).
    pub fn invite(&self) -> anyhow::Result<(String, String)> {
        self.invite_via(&self.url())
    }

    /// Issues an invite whose link names `server_url` (e.g. a proxy in front of this server).
    pub fn invite_via(&self, server_url: &str) -> anyhow::Result<(String, String)> {
        let out = self.admin(&[
            "invite",
            "create",
            "--org",
            "acme",
            "--email",
            "ada@acme.test",
            "--server-url",
            server_url,
            "--json",
        ])?;
        let v: serde_json::Value = serde_json::from_str(&out)?;
        Ok((v["code"].as_str().unwrap_or_default().into(), v["link"].as_str().unwrap_or_default().into()))
    }

    /// A server on `data` and `port` (to be restarted there later), seeded, and a home
    /// whose device has joined it.
    pub fn joined_on(data: &Path, port: u16) -> anyhow::Result<(Server, Home)> {
        let server = Server::start_on(data, port)?;
        server.seed()?;
        let (_, link) = server.invite()?;
        let home = Home::new()?;
        let (code, _, err) = home.run(&["join", &link]);
        if code != 0 {
            bail!("join failed ({code}): {err}");
        }
        Ok((server, home))
    }

    /// Runs SQL statements directly on this server's database (SQLite's shell or psql), as
    /// someone with access to the database could; returns what they print.
    pub fn sql(&self, statements: &str) -> anyhow::Result<String> {
        let out = match &self.database_url {
            Some(url) => Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/postgres.sh"))
                .args(["psql", url, statements])
                .output()?,
            None => Command::new("sqlite3")
                .arg(self.data.join("lastmile.sqlite3"))
                .arg(statements)
                .output()
                .context("sqlite3 (scripts/setup.sh --test installs it)")?,
        };
        if !out.status.success() {
            bail!("SQL failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8(out.stdout)?)
    }

    /// The rows of one query (no trailing semicolon), as JSON objects, from either database.
    pub fn query_json(&self, query: &str) -> anyhow::Result<Vec<serde_json::Value>> {
        let text = match &self.database_url {
            Some(_) => self.sql(&format!("SELECT COALESCE(json_agg(q), '[]'::json) FROM ({query}) q"))?,
            None => {
                let out =
                    Command::new("sqlite3").arg("-json").arg(self.data.join("lastmile.sqlite3")).arg(query).output()?;
                String::from_utf8(out.stdout)?
            }
        };
        // sqlite3 -json prints nothing for no rows.
        if text.trim().is_empty() { Ok(Vec::new()) } else { Ok(serde_json::from_str(text.trim())?) }
    }

    /// Row counts from `admin stats`.
    pub fn stats(&self) -> anyhow::Result<serde_json::Value> {
        Ok(serde_json::from_str(&self.admin(&["stats"])?)?)
    }

    /// Stops the server with SIGTERM (graceful) and waits for it.
    pub fn stop(mut self) -> anyhow::Result<std::process::ExitStatus> {
        #[cfg(unix)]
        {
            let pid = self.child.id().to_string();
            Command::new("kill").args(["-TERM", &pid]).status()?;
        }
        Ok(self.child.wait()?)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A throwaway PostgreSQL server on a loopback port (`scripts/postgres.sh`, fsync off);
/// stopped on drop.
#[derive(Debug)]
pub struct Postgres {
    dir: tempfile::TempDir,
    /// The server's `postgres` database (for creating others).
    pub url: String,
}

impl Postgres {
    fn script() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/postgres.sh")
    }

    pub fn start() -> anyhow::Result<Postgres> {
        let dir = tempfile::tempdir()?;
        let out = Command::new(Self::script())
            .arg("start")
            .arg(dir.path())
            .arg(free_port().to_string())
            .env("PG_FAST", "1")
            .output()
            .context("running scripts/postgres.sh")?;
        if !out.status.success() {
            bail!("PostgreSQL did not start: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(Postgres { dir, url: String::from_utf8(out.stdout)?.trim().to_string() })
    }

    /// Creates a database; returns its URL.
    pub fn database(&self, name: &str) -> anyhow::Result<String> {
        let out = Command::new(Self::script()).args(["createdb", &self.url, name]).output()?;
        if !out.status.success() {
            bail!("createdb {name}: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8(out.stdout)?.trim().to_string())
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = Command::new(Self::script()).arg("stop").arg(self.dir.path()).status();
    }
}

/// A user's home for the `lastmile` binary: its settings, state and managed-settings path.
#[derive(Debug)]
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> anyhow::Result<Home> {
        Ok(Home { dir: tempfile::tempdir()? })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Where this home's managed settings are read from (builds with the test hooks only).
    pub fn managed_path(&self) -> PathBuf {
        self.path().join("managed.json")
    }

    /// The app's state directory in this home (`$XDG_STATE_HOME/lastmile`).
    pub fn state_dir(&self) -> PathBuf {
        self.path().join(".local/state/lastmile")
    }

    pub fn state_path(&self) -> PathBuf {
        self.state_dir().join("state.json")
    }

    /// Everything in this home's log files (the window's and the commands').
    pub fn logs(&self) -> String {
        let dir = self.state_dir().join("logs");
        let mut all = String::new();
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("no log directory {}: {e}", dir.display())) {
            all.push_str(&std::fs::read_to_string(entry.expect("entry").path()).expect("log file"));
        }
        all
    }

    pub fn settings_path(&self) -> PathBuf {
        self.path().join(".config/lastmile/settings.json")
    }

    /// The environment a `lastmile` process needs to live in this home.
    pub fn envs(&self) -> Vec<(String, String)> {
        let p = self.path().display().to_string();
        vec![
            ("HOME".into(), p.clone()),
            ("XDG_CONFIG_HOME".into(), format!("{p}/.config")),
            ("XDG_STATE_HOME".into(), format!("{p}/.local/state")),
            ("XDG_DATA_HOME".into(), format!("{p}/.local/share")),
            ("LASTMILE_MANAGED_PATH".into(), self.managed_path().display().to_string()),
        ]
    }

    pub fn lastmile(&self, args: &[&str]) -> Command {
        self.lastmile_at(&bin("lastmile"), args)
    }

    /// Like [`Home::lastmile`], with another build of the app (the packaged one).
    pub fn lastmile_at(&self, program: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args).envs(self.envs()).env_remove("LASTMILE_SERVER");
        cmd
    }

    /// Runs `lastmile ARGS` and returns (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        output(self.lastmile(args).output().expect("run lastmile"))
    }

    /// Runs `lastmile ARGS --json` style commands and parses stdout.
    pub fn run_json(&self, args: &[&str]) -> (i32, serde_json::Value, String) {
        let (code, out, err) = self.run(args);
        let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {out}\nstderr: {err}"));
        (code, v, err)
    }
}

pub fn output(o: Output) -> (i32, String, String) {
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Problem codes in a `status --json` document.
pub fn problem_codes(status: &serde_json::Value) -> Vec<String> {
    status["problems"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["code"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// A one-shot HTTP server that answers every request with `response` (raw bytes), to play
/// a broken server: garbage, a 500 page, a captive portal.
pub fn fake_http(response: &'static [u8]) -> u16 {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(response);
        }
    });
    port
}

/// A loopback HTTP/1.1 proxy in front of a real server that can lose answers: it forwards
/// each request, lets the server act on it, and then, while `drops` is above zero and the
/// request line contains `path`, closes the connection instead of passing the answer back.
/// That is exactly a network dropping out after the request went through.
#[derive(Debug, Clone)]
pub struct FlakyProxy {
    pub port: u16,
    drops: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    dropped: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    holds: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    held: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl FlakyProxy {
    pub fn start(upstream_port: u16, path: &'static str) -> FlakyProxy {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let drops = Arc::new(AtomicUsize::new(0));
        let dropped = Arc::new(AtomicUsize::new(0));
        let holds = Arc::new(AtomicUsize::new(0));
        let held = Arc::new(AtomicUsize::new(0));
        let (d, dd, h, hh) = (drops.clone(), dropped.clone(), holds.clone(), held.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (d, dd, h, hh) = (d.clone(), dd.clone(), h.clone(), hh.clone());
                std::thread::spawn(move || {
                    let mut client = std::io::BufReader::new(client);
                    while let Some(request) = read_http_message(&mut client) {
                        let Ok(mut upstream) = std::net::TcpStream::connect(("127.0.0.1", upstream_port)) else {
                            return;
                        };
                        if std::io::Write::write_all(&mut upstream, &request).is_err() {
                            return;
                        }
                        let mut upstream = std::io::BufReader::new(upstream);
                        let Some(response) = read_http_message(&mut upstream) else { return };
                        let first_line = request.split(|&b| b == b'\r').next().unwrap_or_default();
                        let matches = String::from_utf8_lossy(first_line).contains(path);
                        if matches && d.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
                            dd.fetch_add(1, Ordering::SeqCst);
                            return; // the answer is lost; the connection closes
                        }
                        if matches && h.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
                            hh.fetch_add(1, Ordering::SeqCst);
                            // The server has acted; the client waits for an answer that does
                            // not come (until it gives up or is killed).
                            std::thread::sleep(Duration::from_secs(120));
                            return;
                        }
                        if std::io::Write::write_all(client.get_mut(), &response).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        FlakyProxy { port, drops, dropped, holds, held }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Loses the answers of the next `n` matching requests.
    pub fn drop_next(&self, n: usize) {
        self.drops.store(n, std::sync::atomic::Ordering::SeqCst);
    }

    /// Holds back the answers of the next `n` matching requests (the server acts).
    pub fn hold_next(&self, n: usize) {
        self.holds.store(n, std::sync::atomic::Ordering::SeqCst);
    }

    /// How many answers are being held back.
    pub fn held(&self) -> usize {
        self.held.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many answers were lost so far.
    pub fn dropped(&self) -> usize {
        self.dropped.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// One HTTP/1.1 message (head and a Content-Length body), as raw bytes.
fn read_http_message(r: &mut impl std::io::BufRead) -> Option<Vec<u8>> {
    let mut msg = Vec::new();
    let mut content_length = 0usize;
    loop {
        let mut line = Vec::new();
        if r.read_until(b'\n', &mut line).ok()? == 0 {
            return None;
        }
        let text = String::from_utf8_lossy(&line).to_ascii_lowercase();
        if let Some(v) = text.strip_prefix("content-length:") {
            content_length = v.trim().parse().ok()?;
        }
        msg.extend_from_slice(&line);
        if line == b"\r\n" {
            break;
        }
    }
    let mut body = vec![0u8; content_length];
    std::io::Read::read_exact(r, &mut body).ok()?;
    msg.extend_from_slice(&body);
    Some(msg)
}

/// chronyd (an independent NTP implementation) serving this machine's time on a loopback
/// port, without touching the system clock; killed on drop. `scripts/setup.sh --test`
/// unpacks it into `<target dir>/tools/chrony`.
#[derive(Debug)]
pub struct Chrony {
    child: Child,
    _dir: tempfile::TempDir,
    pub port: u16,
}

impl Chrony {
    pub fn start() -> anyhow::Result<Chrony> {
        let unpacked = bin_dir().join("../tools/chrony/usr/sbin/chronyd");
        let chronyd = if unpacked.exists() { unpacked } else { PathBuf::from("chronyd") };
        let dir = tempfile::tempdir()?;
        let port = free_udp_port();
        let d = dir.path().display();
        std::fs::write(
            dir.path().join("chrony.conf"),
            format!(
                "port {port}\nbindaddress 127.0.0.1\nallow 127.0.0.1\nlocal stratum 8\ncmdport 0\n\
                 pidfile {d}/chronyd.pid\ndriftfile {d}/drift\n"
            ),
        )?;
        // Run as whoever runs the tests (its packaged user `_chrony` does not exist here).
        let me = Command::new("id").arg("-un").output()?;
        let me = String::from_utf8_lossy(&me.stdout).trim().to_string();
        let child = Command::new(&chronyd)
            .args(["-x", "-d", "-u", &me, "-f"])
            .arg(dir.path().join("chrony.conf"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("chronyd.log"))?)
            .spawn()
            .with_context(|| format!("starting {} (scripts/setup.sh --test unpacks it)", chronyd.display()))?;
        let chrony = Chrony { child, _dir: dir, port };
        // Ready once it answers a client request.
        let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
        socket.set_read_timeout(Some(Duration::from_millis(200)))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut request = [0u8; 48];
        request[0] = 0x23;
        request[40] = 1;
        while Instant::now() < deadline {
            socket.send_to(&request, ("127.0.0.1", port))?;
            let mut buf = [0u8; 64];
            if socket.recv(&mut buf).is_ok() {
                return Ok(chrony);
            }
        }
        bail!("chronyd did not answer on port {port}")
    }

    /// The `ntp_servers` setting that names it.
    pub fn setting(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Chrony {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0").and_then(|s| s.local_addr()).map(|a| a.port()).expect("free UDP port")
}
