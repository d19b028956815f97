//! The real `lastmile` window (WebKitGTK) under Xvfb, driven through tauri-driver and
//! WebKitWebDriver, against the real server. Screenshots go to `artifacts/`.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use lastmile_tests::{Home, Server, bin, free_port, require_keyring};

/// tauri-driver for one test, living in `home`; killed on drop.
struct Driver {
    /// tauri-driver and its port: started again, once, when a window never came.
    running: std::sync::Mutex<(Child, u16)>,
    /// Its environment: the home's and the test's own variables.
    envs: Vec<(String, std::ffi::OsString)>,
    /// The home: its app's logs, for a window that never came, and its app to end.
    home: std::path::PathBuf,
    state: std::path::PathBuf,
}

/// Ends tauri-driver and what it started (WebKitWebDriver, the app): its process group.
fn stop(driver: &mut Child) {
    let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", driver.id())]).status();
    let _ = driver.kill();
    let _ = driver.wait();
}

/// A test that ends, or fails, with its window open leaves nothing running.
impl Drop for Driver {
    fn drop(&mut self) {
        stop(&mut self.running.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner).0);
    }
}

impl Driver {
    fn port(&self) -> u16 {
        self.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner).1
    }

    /// Ends tauri-driver, what it started (WebKitWebDriver, the app: its process group) and
    /// the home's app, and starts tauri-driver again.
    fn restart(&self) {
        let mut running = self.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        stop(&mut running.0);
        end_apps(&self.home);
        *running = spawn_driver(&self.envs);
    }
}

fn require_display() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "the UI tests need a display: run them through scripts/test.sh, which uses xvfb-run"
    );
}

fn driver(home: &Home) -> Driver {
    driver_with(home, &[])
}

/// tauri-driver (and so the app it starts) with extra environment variables.
fn driver_with(home: &Home, envs: &[(&str, &std::path::Path)]) -> Driver {
    let mut all: Vec<(String, std::ffi::OsString)> = home.envs().into_iter().map(|(k, v)| (k, v.into())).collect();
    all.extend(envs.iter().map(|(k, v)| ((*k).to_string(), v.as_os_str().to_owned())));
    let running = spawn_driver(&all);
    Driver {
        running: std::sync::Mutex::new(running),
        envs: all,
        home: home.path().to_path_buf(),
        state: home.state_dir(),
    }
}

/// Starts tauri-driver with `envs` and waits until it listens; its process and port.
fn spawn_driver(envs: &[(String, std::ffi::OsString)]) -> (Child, u16) {
    let port = free_port();
    let native_port = free_port();
    let child = Command::new(tauri_driver())
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        // A group of its own, which a restart ends whole.
        .process_group(0)
        .envs(envs.iter().map(|(k, v)| (k, v)))
        // WebKit's own compositing: with it off (as the app ships, `gui::lean_webview`),
        // WebKitWebDriver's screenshot stopped answering on this machine late in session 13,
        // in every test, though it had worked an hour before; with it on, it answers. The
        // shipped setting is still what the benchmarks measure.
        .env("LASTMILE_WEBKIT_COMPOSITING", "1")
        .env_remove("LASTMILE_SERVER")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tauri-driver is missing: cargo install tauri-driver --locked (scripts/test.sh does)");
    let deadline = Instant::now() + Duration::from_secs(15);
    while !lastmile_tests::listening(port) {
        assert!(Instant::now() < deadline, "tauri-driver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    (child, port)
}

fn tauri_driver() -> String {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        let p = std::path::Path::new(&home).join("bin/tauri-driver");
        if p.exists() {
            return p.display().to_string();
        }
    }
    let p = std::path::Path::new(&std::env::var("HOME").unwrap_or_default()).join(".cargo/bin/tauri-driver");
    if p.exists() { p.display().to_string() } else { "tauri-driver".into() }
}

async fn open(driver: &Driver, args: &[&str]) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert("tauri:options".into(), serde_json::json!({ "application": bin("lastmile"), "args": args }));
    let mut builder = ClientBuilder::native();
    builder.capabilities(caps);
    // tauri-driver listens before the WebKitWebDriver behind it does: a session asked for in
    // between gets a connection closed mid-answer (seen once the UI tests ran fast), and is
    // asked for again, up to three times.
    let mut restarted = false;
    for attempt in 1..=3 {
        let url = format!("http://127.0.0.1:{}", driver.port());
        // A window that never comes (the app exited at once, e.g. handing over to another
        // instance) would leave WebKitWebDriver waiting forever: fail instead. Once in a
        // while (sessions 10, 17 and 21, cause unknown, its app's logs empty) a window did not
        // come for no reason the test could see: then tauri-driver and the home's app are
        // started again and the window asked for once more, which the standard error says.
        let Ok(session) = tokio::time::timeout(Duration::from_secs(90), builder.connect(&url)).await else {
            let logs = app_logs(driver);
            assert!(!restarted && attempt < 3, "no lastmile window within 90 s (args {args:?}); its logs:\n{logs}");
            eprintln!("no lastmile window within 90 s (args {args:?}); its logs:\n{logs}\ntauri-driver started again");
            driver.restart();
            restarted = true;
            continue;
        };
        match session {
            Ok(c) => return c,
            Err(
                e @ (fantoccini::error::NewSessionError::Failed(_)
                | fantoccini::error::NewSessionError::FailedC(_)
                | fantoccini::error::NewSessionError::Lost(_)),
            ) if attempt < 3 => {
                eprintln!("new session, attempt {attempt}: {e}; again");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(e) => panic!("WebDriver session with the lastmile window: {e:?}"),
        }
    }
    unreachable!("the third attempt returns or panics")
}

/// The last lines of the logs of the driver's home (the app's own account of a window that
/// never came), or why there are none.
fn app_logs(driver: &Driver) -> String {
    let dir = driver.state.join("logs");
    let Ok(entries) = std::fs::read_dir(&dir) else { return format!("(no log directory {})", dir.display()) };
    let mut lines = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        lines.extend(text.lines().map(|l| format!("{}: {l}", entry.file_name().to_string_lossy())));
    }
    lines.split_off(lines.len().saturating_sub(40)).join("\n")
}

/// Whether an app of `home` still runs (a process named lastmile whose HOME is this one).
fn app_running(home: &Home) -> bool {
    !apps_of(home.path()).is_empty()
}

/// The processes named lastmile whose HOME is `home`.
fn apps_of(home: &std::path::Path) -> Vec<std::path::PathBuf> {
    let want = format!("HOME={}", home.display());
    let Ok(procs) = std::fs::read_dir("/proc") else { return Vec::new() };
    let procs = procs.filter_map(Result::ok).map(|p| p.path());
    procs
        .filter(|p| {
            std::fs::read_to_string(p.join("comm")).is_ok_and(|c| c.trim() == "lastmile")
                && std::fs::read(p.join("environ"))
                    .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == want.as_bytes()))
        })
        .collect()
}

/// Kills the apps of `home` (one that never showed its window would take the next one's
/// arguments and exit: one app runs per home).
fn end_apps(home: &std::path::Path) {
    for proc in apps_of(home) {
        if let Some(pid) = proc.file_name() {
            let _ = Command::new("kill").arg("-KILL").arg(pid).status();
        }
    }
}

/// The name on the session bus that makes `home`'s app a single instance.
fn instance_name(home: &Home) -> zbus::names::WellKnownName<'static> {
    let name = format!("{}.SingleInstance", lastmile_device::paths::instance_name(&home.state_dir()));
    zbus::names::WellKnownName::try_from(name).expect("a bus name")
}

/// Ends the session and waits for its app to be gone: one app runs per home, and a window
/// opened while the last one is still exiting would hand its arguments over to it and exit.
async fn close(c: Client, home: &Home) {
    let name = zbus::names::BusName::from(instance_name(home));
    let bus = zbus::Connection::session().await.expect("session bus");
    let dbus = zbus::fdo::DBusProxy::new(&bus).await.expect("bus proxy");
    assert!(dbus.name_has_owner(name.clone()).await.expect("NameHasOwner"), "the open app holds {name}");
    c.close().await.expect("close");
    let deadline = Instant::now() + Duration::from_secs(20);
    while app_running(home) {
        assert!(Instant::now() < deadline, "the closed window's app kept running");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Gone from /proc is not yet gone from the session bus: the bus daemon releases the name
    // only once it has seen the connection close, and a process whose main thread has exited
    // may no longer show its environment while its other threads still hold it. A window
    // opened in between finds the name taken, hands its arguments over to the exiting app and
    // exits itself: the likeliest reading of the traveller test's reopening that never came.
    while dbus.name_has_owner(name.clone()).await.expect("NameHasOwner") {
        assert!(Instant::now() < deadline, "the closed window's app kept its single-instance name");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn find(c: &Client, testid: &str) -> Element {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!("[data-testid={testid}]")))
        .await
        .unwrap_or_else(|e| panic!("[data-testid={testid}] did not appear: {e}"))
}

/// Text as a person reads it: without the invisible marks (FSI, PDI) that isolate the values
/// placed in a sentence.
fn plain(text: String) -> String {
    text.replace(['\u{2068}', '\u{2069}'], "")
}

async fn text(c: &Client, testid: &str) -> String {
    plain(find(c, testid).await.text().await.expect("text"))
}

/// Saves a screenshot of the window in `artifacts/` (for the README). A screenshot that
/// never answers leaves the session dead (every later command waits behind it), so one that
/// takes over 30 s fails the test at once instead of stalling the suite (see `driver_with`
/// for the one time it happened).
async fn screenshot(c: &Client, name: &str) {
    let png = tokio::time::timeout(Duration::from_secs(30), c.screenshot())
        .await
        .unwrap_or_else(|_| panic!("screenshot {name}: no answer from WebKitWebDriver within 30 s"))
        .expect("screenshot");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    std::fs::write(dir.join(name), png).expect("write screenshot");
}

/// Clicks the element with `testid`: one action of the person. An element the page drew anew
/// between finding and clicking it (the success screen redraws its buttons when the server's
/// view arrives) is found again, up to three times.
async fn click(c: &Client, testid: &str) {
    for attempt in 1..=3 {
        match find(c, testid).await.click().await {
            Ok(()) => return,
            Err(e) if attempt < 3 && (e.to_string().contains("not found") || e.to_string().contains("stale")) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("click [data-testid={testid}]: {e}"),
        }
    }
}

/// The screen as axe-core (Deque's engine) judges it under the WCAG 2.x A and AA rules:
/// violations, by screen. Collected along a journey and checked at its end, so that one
/// run names every screen that fails.
async fn audit(c: &Client, screen: &str, found: &mut Vec<String>) {
    let violations = tokio::time::timeout(Duration::from_secs(60), super::signin::axe_violations(c))
        .await
        .unwrap_or_else(|_| panic!("{screen}: axe-core did not answer within 60 s"));
    for v in violations {
        found.push(format!("{screen}: {v}"));
    }
}

/// Opens the Details view, where the device, the server, the clock and the settings are.
async fn details(c: &Client) {
    click(c, "details-open").await;
    find(c, "details").await;
}

/// Back to the overview from the Details view.
async fn overview(c: &Client) {
    click(c, "details-back").await;
    find(c, "home").await;
}

/// Opens the security key's flow with no key plugged in, and waits until it asks for one.
async fn ask_for_a_key(c: &Client) {
    click(c, "add-security_key").await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid=security-key][data-step=insert]"))
        .await
        .expect("the window asks for the key");
}

/// Waits for the step of the flow on screen: "Step n of m".
async fn at_step(c: &Client, n: u32, of: u32) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!("[data-testid=progress][data-step='{n}'][data-steps='{of}']")))
        .await
        .unwrap_or_else(|e| panic!("step {n} of {of} did not appear: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_screen_shows_the_device_and_joins_with_an_invite() {
    require_display();
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let (code, _) = server.invite().expect("invite");
    let home = Home::new().expect("home");
    // IT pins the server: the window must show it as locked.
    std::fs::write(home.managed_path(), format!("{{\"server_url\": \"{}\"}}", server.url())).expect("managed");
    let (_, expected, _) = home.run_json(&["status", "--json"]);
    let mut violations = Vec::new();

    let driver = driver(&home);
    let c = open(&driver, &[]).await;

    // The first screen asks to join; the device's facts are behind Details.
    find(&c, "invite-input").await;
    let not_joined = c.find(Locator::Css("[data-testid=problems] li[data-code=not_joined]")).await;
    assert!(not_joined.is_ok(), "the not-joined advice is shown");
    assert!(c.find(Locator::Css("[data-testid=device]")).await.is_err(), "the device's facts wait behind Details");
    screenshot(&c, "ui-first-screen.png").await;
    audit(&c, "joining", &mut violations).await;
    details(&c).await;
    let os = text(&c, "device-os").await;
    let want_os = format!(
        "{} {}",
        expected["device"]["os_name"].as_str().unwrap_or(""),
        expected["device"]["os_version"].as_str().unwrap_or("")
    );
    assert_eq!(os, want_os);
    assert_eq!(text(&c, "device-arch").await, std::env::consts::ARCH);
    assert_eq!(text(&c, "device-hostname").await, expected["device"]["hostname"].as_str().unwrap_or(""));
    assert!(text(&c, "keys-none").await.starts_with("None found"), "no security key is attached here");
    assert!(text(&c, "platform").await.contains("Linux has no platform authenticator"));
    assert!(text(&c, "server-reachable").await.starts_with("Reachable"));
    let clock = find(&c, "clock-offset").await;
    assert_eq!(clock.attr("data-verdict").await.expect("attr").as_deref(), Some("ok"));
    let server_row = find(&c, "setting-server_url").await;
    assert_eq!(server_row.attr("data-locked").await.expect("attr").as_deref(), Some("true"));
    assert!(server_row.text().await.expect("text").contains("Set by your organisation"));
    screenshot(&c, "ui-details.png").await;
    audit(&c, "details", &mut violations).await;
    overview(&c).await;

    // A mistyped code: a clear message, nothing joined.
    let input = find(&c, "invite-input").await;
    input.send_keys("ABCD-EFGH").await.expect("type");
    click(&c, "join-button").await;
    let err = find(&c, "join-error").await;
    assert_eq!(err.attr("data-code").await.expect("attr").as_deref(), Some("invalid_input"));
    assert!(err.text().await.expect("text").contains("16 letters or digits"));
    audit(&c, "joining, with an error", &mut violations).await;

    // The real code joins.
    input.clear().await.expect("clear");
    input.send_keys(&code).await.expect("type");
    click(&c, "join-button").await;
    assert!(text(&c, "join-done").await.contains("Joined Acme Ltd as Ada Lovelace"));
    assert_eq!(server.stats().expect("stats")["devices"], 1);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !text(&c, "header-user").await.contains("ada@acme.test") {
        assert!(Instant::now() < deadline, "the header shows who is signed in");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Where Ada stands under the default policy, in her terms, and the one step this laptop
    // (no key) can take, as the screen's main button.
    assert_eq!(text(&c, "standing-gap").await, "Acme Ltd asks for one more step");
    let needs = text(&c, "standing-needs").await;
    assert!(needs.contains("A strong way to sign in: an authenticator app or a security key"), "{needs}");
    let next = find(&c, "next-step").await;
    assert_eq!(next.attr("data-step").await.expect("attr").as_deref(), Some("totp"));
    assert_eq!(text(&c, "next-step-start").await, "Set up an authenticator app");
    screenshot(&c, "ui-joined.png").await;
    audit(&c, "overview, a step missing", &mut violations).await;
    details(&c).await;
    assert_eq!(text(&c, "account-name").await, "Ada Lovelace");
    overview(&c).await;

    // No security key is plugged in here: the flow asks for one and waits; cancelling ends
    // it and returns to the overview with nothing begun on the server.
    ask_for_a_key(&c).await;
    at_step(&c, 1, 3).await;
    assert!(text(&c, "security-key-waiting").await.starts_with("Insert your security key"));
    screenshot(&c, "ui-security-key-insert.png").await;
    audit(&c, "security key: insert", &mut violations).await;
    click(&c, "security-key-cancel").await;
    // Back at the overview only once the enrollment has ended: only then is the absence of
    // an error an answer.
    find(&c, "home").await;
    assert!(c.find(Locator::Css("[data-testid=security-key-error]")).await.is_err(), "a cancel is not an error");
    assert_eq!(server.stats().expect("stats")["webauthn_ceremonies"], 0);

    // The next step: an authenticator app. The QR code the window rendered must decode
    // (zbarimg) to an otpauth URI with exactly the key it shows, and a code from oathtool
    // must verify.
    click(&c, "next-step-start").await;
    at_step(&c, 1, 2).await;
    let qr = find(&c, "totp-qr").await.attr("src").await.expect("attr").expect("src");
    let uri = decode_qr(&qr);
    assert!(uri.starts_with("otpauth://totp/Acme%20Ltd:ada%40acme.test?"), "{uri}");
    let shown: String = text(&c, "totp-secret").await.split_whitespace().collect();
    assert!(uri.contains(&format!("secret={shown}&")) || uri.ends_with(&format!("secret={shown}")), "{uri} vs {shown}");
    screenshot(&c, "ui-totp.png").await;
    audit(&c, "authenticator app: scan", &mut violations).await;
    click(&c, "totp-next").await;
    at_step(&c, 2, 2).await;
    let input = find(&c, "totp-code").await;
    input.send_keys("000000").await.expect("type");
    click(&c, "totp-verify").await;
    let err = find(&c, "totp-error").await;
    assert_eq!(err.attr("data-code").await.expect("attr").as_deref(), Some("totp_invalid"));
    screenshot(&c, "ui-totp-code.png").await;
    audit(&c, "authenticator app: a wrong code", &mut violations).await;
    input.clear().await.expect("clear");
    input.send_keys(&oathtool(&shown)).await.expect("type");
    click(&c, "totp-verify").await;
    assert_eq!(text(&c, "success-what").await, "Your authenticator app is verified by Acme Ltd.");
    assert_eq!(text(&c, "success-standing").await, "You meet Acme Ltd's policy.");
    // The policy is met; recovery codes are still offered, so that a lost phone locks nobody out.
    let next = find(&c, "success-next").await;
    assert_eq!(next.attr("data-step").await.expect("attr").as_deref(), Some("recovery_codes"));
    assert_eq!(plain(next.text().await.expect("text")), "Next: Get recovery codes");
    assert_eq!(server.stats().expect("stats")["factors"], 1);
    screenshot(&c, "ui-totp-verified.png").await;
    audit(&c, "authenticator app: verified", &mut violations).await;

    // Recovery codes, straight from the success screen: shown once, saved to a file only the
    // user can read, confirmed by one.
    next.click().await.expect("click");
    at_step(&c, 1, 2).await;
    let list = find(&c, "recovery-codes").await;
    let mut codes = Vec::new();
    for li in list.find_all(Locator::Css("li")).await.expect("codes") {
        codes.push(li.text().await.expect("text"));
    }
    assert_eq!(codes.len(), 10, "{codes:?}");
    assert!(!find(&c, "recovery-next").await.is_enabled().await.expect("enabled"), "not before they are kept");
    click(&c, "recovery-save").await;
    let note = text(&c, "recovery-note").await;
    let path =
        note.strip_prefix("Saved to ").and_then(|n| n.strip_suffix(" (readable only by you).")).expect("saved path");
    let saved = std::fs::read_to_string(path).expect("saved file");
    assert!(codes.iter().all(|code| saved.contains(code.as_str())), "{saved}");
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(path).expect("meta").permissions().mode() & 0o777, 0o600);
    }
    screenshot(&c, "ui-recovery-codes.png").await;
    audit(&c, "recovery codes: save", &mut violations).await;
    click(&c, "recovery-next").await;
    at_step(&c, 2, 2).await;
    let input = find(&c, "recovery-input").await;
    input.send_keys("ZZZZ-ZZZZ-ZZZZ-ZZZZ").await.expect("type");
    click(&c, "recovery-confirm").await;
    let err = find(&c, "recovery-error").await;
    assert_eq!(err.attr("data-code").await.expect("attr").as_deref(), Some("recovery_code_invalid"));
    audit(&c, "recovery codes: a wrong code", &mut violations).await;
    input.clear().await.expect("clear");
    input.send_keys(&codes[2]).await.expect("type");
    click(&c, "recovery-confirm").await;
    assert_eq!(text(&c, "success-what").await, "Your recovery codes are confirmed by Acme Ltd.");
    assert_eq!(text(&c, "success-standing").await, "You meet Acme Ltd's policy.");
    assert!(c.find(Locator::Css("[data-testid=success-next]")).await.is_err(), "nothing more to do");
    assert_eq!(server.stats().expect("stats")["recovery_codes"], 10);
    audit(&c, "recovery codes: confirmed", &mut violations).await;
    click(&c, "success-done").await;
    assert_eq!(text(&c, "standing-met").await, "You're all set");
    let factors = find(&c, "server-view").await;
    assert_eq!(factors.attr("data-factors").await.expect("attr").as_deref(), Some("2"), "both verified factors");
    screenshot(&c, "ui-compliant.png").await;
    audit(&c, "overview, all set", &mut violations).await;
    // New codes would void these: the flow asks first, and going back keeps them.
    click(&c, "add-recovery_codes").await;
    assert!(text(&c, "recovery-replace-warning").await.contains("stop working at once"));
    audit(&c, "recovery codes: replace?", &mut violations).await;
    click(&c, "flow-back").await;
    find(&c, "standing-met").await;
    let sets = server.query_json("SELECT COUNT(*) AS n FROM factors WHERE kind = 'recovery_codes'").expect("query");
    assert_eq!(sets, vec![serde_json::json!({ "n": 1 })], "no new set was made");
    c.close().await.expect("close");
    assert!(violations.is_empty(), "accessibility violations (axe-core):\n{}", violations.join("\n"));
}

/// Decodes a `data:image/svg+xml;base64,...` QR code with independent tools:
/// base64 (coreutils), rsvg-convert (librsvg) and zbarimg (zbar).
fn decode_qr(data_url: &str) -> String {
    let b64 = data_url.strip_prefix("data:image/svg+xml;base64,").expect("an SVG data URL");
    let dir = tempfile::tempdir().expect("dir");
    let svg = dir.path().join("qr.svg");
    let png = dir.path().join("qr.png");
    let mut child = Command::new("base64")
        .args(["-d"])
        .stdin(Stdio::piped())
        .stdout(std::fs::File::create(&svg).expect("svg file"))
        .spawn()
        .expect("base64");
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), b64.as_bytes()).expect("write");
    drop(child.stdin.take());
    assert!(child.wait().expect("base64").success());
    let ok = Command::new("rsvg-convert").arg("-o").arg(&png).arg(&svg).status().expect("rsvg-convert (librsvg2-bin)");
    assert!(ok.success());
    let out = Command::new("zbarimg").args(["--raw", "-q"]).arg(&png).output().expect("zbarimg (zbar-tools)");
    assert!(out.status.success(), "zbarimg could not read the QR code");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn oathtool(secret_b32: &str) -> String {
    let out = Command::new("oathtool").args(["--totp", "-b", secret_b32]).output().expect("oathtool");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_explained_on_screen() {
    require_display();
    require_keyring();
    let home = Home::new().expect("home");
    let driver = driver(&home);
    let dead = format!("http://127.0.0.1:{}", free_port());
    let c = open(&driver, &["--server", &dead]).await;
    let problem = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid=problems] li[data-code=server_unreachable]"))
        .await
        .expect("server problem shown");
    assert!(problem.text().await.expect("text").to_lowercase().contains("cannot reach the lastmile server"));
    screenshot(&c, "ui-server-unreachable.png").await;
    // The details say the same, and the device side still shows.
    details(&c).await;
    assert_eq!(text(&c, "server-reachable").await, "Not reachable");
    assert!(text(&c, "clock-offset").await.starts_with("Not measured"));
    assert_eq!(text(&c, "device-arch").await, std::env::consts::ARCH);
    c.close().await.expect("close");
}

/// The traveller in the window: a fresh device with no server configured, a recovery code,
/// the lost laptop revoked, the window closed mid-way and reopened (the session continues),
/// a new authenticator app, fresh codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_traveller_recovers_in_the_window_across_a_restart() {
    require_display();
    let (server, laptop, codes) = crate::recover::laptop_with_codes();
    let home = Home::new().expect("home");
    let driver = driver(&home);
    let c = open(&driver, &[]).await;

    click(&c, "recover-open").await;
    at_step(&c, 1, 4).await;
    find(&c, "recover-server").await.send_keys(&server.url()).await.expect("type");
    find(&c, "recover-user").await.send_keys("ada@acme.test").await.expect("type");
    let code_input = find(&c, "recover-code").await;
    code_input.send_keys("ZZZZ-ZZZZ-ZZZZ-ZZZZ").await.expect("type");
    find(&c, "recover-sign-in").await.click().await.expect("click");
    let err = find(&c, "recover-error").await;
    assert_eq!(err.attr("data-code").await.expect("attr").as_deref(), Some("recovery_refused"));
    code_input.clear().await.expect("clear");
    code_input.send_keys(&codes[0]).await.expect("type");
    find(&c, "recover-sign-in").await.click().await.expect("click");
    let notice = text(&c, "recover-notice").await;
    assert!(notice.contains("Signed in as Ada Lovelace") && notice.contains("9 left"), "{notice}");
    at_step(&c, 2, 4).await;
    let factors = c.find_all(Locator::Css("[data-testid=recover-factor]")).await.expect("factors");
    assert_eq!(factors.len(), 1, "the laptop's recovery codes");
    let devices = c.find_all(Locator::Css("[data-testid=recover-device]")).await.expect("devices");
    assert_eq!(devices.len(), 2, "the laptop and this device");
    screenshot(&c, "ui-recover.png").await;

    // Revoke the lost laptop; its credential stops working at once.
    c.find(Locator::Css("[data-testid=recover-device][data-current=false] button"))
        .await
        .expect("revoke button")
        .click()
        .await
        .expect("click");
    assert!(text(&c, "recover-revoked").await.starts_with("Revoked:"));
    let (code, _, err) = laptop.run(&["report"]);
    assert_eq!(code, 5, "{err}");

    // The window goes away mid-recovery; reopened, it continues the open session.
    close(c, &home).await;
    let c = open(&driver, &[]).await;
    let notice = text(&c, "recover-notice").await;
    assert!(notice.contains("Continuing your recovery session"), "{notice}");
    let devices = c.find_all(Locator::Css("[data-testid=recover-device]")).await.expect("devices");
    assert_eq!(devices.len(), 1, "the laptop stays revoked");

    click(&c, "recover-next").await;
    at_step(&c, 3, 4).await;
    let shown: String = text(&c, "totp-secret").await.split_whitespace().collect();
    click(&c, "totp-next").await;
    find(&c, "totp-code").await.send_keys(&oathtool(&shown)).await.expect("type");
    click(&c, "totp-verify").await;
    // Verified, the recovery moves on to fresh codes by itself.
    at_step(&c, 4, 4).await;
    let list = find(&c, "recovery-codes").await;
    let first = list.find(Locator::Css("li")).await.expect("a code").text().await.expect("text");
    assert!(!codes.contains(&first), "a fresh set");
    click(&c, "recovery-save").await;
    click(&c, "recovery-next").await;
    find(&c, "recovery-input").await.send_keys(&first).await.expect("type");
    find(&c, "recovery-confirm").await.click().await.expect("click");
    assert!(text(&c, "recover-done").await.starts_with("Recovered."));
    screenshot(&c, "ui-recover-done.png").await;
    c.close().await.expect("close");

    let (_, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!(status["enrollment"]["server_view"]["verified_factors"], 2, "{status}");
    assert!(status["enrollment"]["recovery_session_until_ms"].is_null(), "{status}");
    let kinds = crate::recover::audit_kinds(&server);
    assert_eq!(kinds.last().map(String::as_str), Some("recovery.session_ended"), "{kinds:?}");
}

/// A launch while the last app of the same home is exiting: the launch finds that app's
/// name on the session bus and asks it to take over, and the app goes away without
/// answering (here: a connection of the test's own that holds the name, answers nothing and
/// then closes). The launch then becomes the app, instead of exiting with nothing shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_while_the_last_app_is_exiting_opens_once_it_has_gone() {
    require_display();
    let home = Home::new().expect("home");
    let name = instance_name(&home);
    let exiting = zbus::Connection::session().await.expect("session bus");
    exiting.request_name(name.clone()).await.expect("the name, held as the exiting app holds it");
    let mut app = home.lastmile(&[]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("launch");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let waited = app.try_wait().expect("the app's status");
    exiting.close().await.expect("the exiting app's connection closes");
    assert!(waited.is_none(), "the launch did not wait for the exiting app: {waited:?}");
    let bus = zbus::Connection::session().await.expect("session bus");
    let dbus = zbus::fdo::DBusProxy::new(&bus).await.expect("bus proxy");
    let deadline = Instant::now() + Duration::from_secs(20);
    let owner = loop {
        if let Ok(pid) = dbus.get_connection_unix_process_id(name.clone().into()).await {
            break pid;
        }
        let gone = app.try_wait().expect("the app's status");
        assert!(gone.is_none() && Instant::now() < deadline, "no app took the name once it was free ({gone:?})");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let id = app.id();
    let _ = app.kill();
    let _ = app.wait();
    assert_eq!(owner, id, "the launch became the app");
    assert!(home.logs().contains("did not take this launch"), "{}", home.logs());
}

/// What a person does to get to a verified factor, counted: clicks and keys pressed that are
/// not part of a code (the code itself is counted apart), from the window's first screen.
#[derive(Default, serde::Serialize)]
struct Actions {
    clicks: u32,
    other_keys: u32,
    code_keys: u32,
}

impl Actions {
    async fn click(&mut self, c: &Client, testid: &str) {
        click(c, testid).await;
        self.clicks += 1;
    }

    /// Types a code and presses Enter (one action) to send it.
    async fn type_code_and_enter(&mut self, c: &Client, testid: &str, code: &str) {
        find(c, testid).await.send_keys(&format!("{code}\u{E007}")).await.expect("type");
        self.code_keys += code.chars().count() as u32;
        self.other_keys += 1;
    }

    fn beyond_the_code(&self) -> u32 {
        self.clicks + self.other_keys
    }
}

/// A security key in the window, with the crate's software authenticator standing in for
/// the USB key (this test build only; it answers both touches by itself): from the first
/// screen, one click to a verified key, then the key is in the list of factors. And an
/// authenticator app, from another person's first screen: three actions beyond the code.
/// The counts are written to journey-actions.json in artifacts/, for the README.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_security_key_is_registered_and_verified_in_the_window() {
    require_display();
    let (server, home) = crate::factors::joined();
    let soft = home.path().join("soft-authenticator.cbor");
    let driver = driver_with(&home, &[("LASTMILE_SOFT_AUTHENTICATOR", &soft)]);
    let c = open(&driver, &[]).await;

    let mut key = Actions::default();
    key.click(&c, "add-security_key").await;
    let done = text(&c, "success-what").await;
    assert!(done.contains("SoftToken") && done.ends_with("is verified by Acme Ltd."), "{done}");
    screenshot(&c, "ui-security-key-verified.png").await;
    click(&c, "success-done").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let listed = loop {
        let listed = c.find(Locator::Css("[data-testid=factors] li[data-kind=security_key]")).await.ok();
        if let Some(li) = listed {
            break li.text().await.expect("text");
        }
        assert!(Instant::now() < deadline, "the key appears in the list of verified factors");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(listed.contains("Phishing-resistant") && listed.contains("verified"), "{listed}");
    screenshot(&c, "ui-security-key.png").await;
    c.close().await.expect("close");
    let (_, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!(status["enrollment"]["server_view"]["best_tier"], "phishing_resistant", "{status}");
    assert_eq!(server.stats().expect("stats")["webauthn_ceremonies"], 0, "both ceremonies were finished");

    // An authenticator app, as a person does it: the next step's button, "I have added it",
    // the code and Enter.
    let (_server, other) = crate::factors::joined();
    let driver = self::driver(&other);
    let c = open(&driver, &[]).await;
    let mut app = Actions::default();
    app.click(&c, "next-step-start").await;
    let shown: String = text(&c, "totp-secret").await.split_whitespace().collect();
    app.click(&c, "totp-next").await;
    app.type_code_and_enter(&c, "totp-code", &oathtool(&shown)).await;
    assert_eq!(text(&c, "success-what").await, "Your authenticator app is verified by Acme Ltd.");
    c.close().await.expect("close");

    let counts = serde_json::json!({ "security_key": key, "authenticator_app": app });
    eprintln!("actions from the first screen to a verified factor: {counts}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    std::fs::write(dir.join("journey-actions.json"), counts.to_string()).expect("write counts");
    assert_eq!(key.beyond_the_code(), 1, "a key: one click, then the touches");
    assert!(app.beyond_the_code() <= 3, "an app: three actions or fewer beyond the code: {counts}");
}

/// A nudge's link (`lastmile://open?step=...`) opens the window at that step; a link that is
/// not Lastmile's own is ignored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_opens_the_window_at_its_step() {
    require_display();
    let (server, home) = super::factors::joined();
    let driver = driver(&home);
    let c = open(&driver, &["lastmile://open?step=recovery_codes"]).await;
    let asked = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid=flow][data-flow=recovery_codes]"))
        .await
        .expect("the link's step opens");
    assert!(asked.text().await.expect("text").contains("Get recovery codes"));
    find(&c, "recovery-codes").await;
    c.close().await.expect("close");

    // Another device (its own home and driver): reopening one home's window with a link
    // right after closing it hung in the full suite, not alone (see the session notes).
    let (_, link) = server.invite().expect("invite");
    let other = Home::new().expect("home");
    assert_eq!(other.run(&["join", &link]).0, 0);
    let driver = self::driver(&other);
    let c = open(&driver, &["lastmile://open?step=format_disk"]).await;
    find(&c, "standing").await;
    assert!(c.find(Locator::Css("[data-testid=flow]")).await.is_err(), "an unknown step opens nothing");
    c.close().await.expect("close");
}

/// IT set the server and the organisation: the window opens at "Sign in with Acme Ltd".
/// The person gives up once (Cancel: nothing joined), then signs in on the organisation's
/// identity provider (panva's oidc-provider) in a real browser (Chromium, reached through
/// the app's `$BROWSER`), and the window follows to a joined device.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_joins_with_the_organisations_sign_in() {
    use lastmile_tests::idp::{Idp, native_client};
    use serde_json::json;
    require_display();
    require_keyring();
    let idp = Idp::start(json!({
        "clients": [native_client("lastmile-desktop")],
        "accounts": { "ada@acme.test": { "name": "Ada Lovelace", "groups": ["admins"] } },
    }));
    let (server, home, url_file) = super::sso::setup(&idp, false);
    let managed = json!({
        "server_url": server.url(),
        "organisation": "acme",
        "managed_by": "Acme IT",
        "support_url": "https://help.acme.example/lastmile",
    });
    std::fs::write(home.managed_path(), managed.to_string()).expect("managed");
    let opener = home.path().join("open-url.sh");
    let driver = driver_with(&home, &[("BROWSER", &opener)]);
    let c = open(&driver, &[]).await;

    let start = find(&c, "sso-start").await;
    assert_eq!(plain(start.text().await.expect("text")), "Sign in with Acme Ltd");
    assert_eq!(text(&c, "managed-by").await, "Managed by Acme IT");
    screenshot(&c, "ui-sso.png").await;
    details(&c).await;
    let org_row = find(&c, "setting-organisation").await;
    assert_eq!(org_row.attr("data-locked").await.expect("attr").as_deref(), Some("true"));
    overview(&c).await;
    let start = find(&c, "sso-start").await;

    // Started, then given up in the window: the sign-in ends, nothing joined.
    start.click().await.expect("click");
    let shown = text(&c, "sso-url").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let opened = loop {
        if let Ok(url) = std::fs::read_to_string(&url_file) {
            break url;
        }
        assert!(Instant::now() < deadline, "the browser was not asked to open the sign-in");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(shown, opened, "the window shows the address the browser was given");
    assert!(opened.starts_with(&format!("{}/auth?", idp.issuer)), "{opened}");
    screenshot(&c, "ui-sso-waiting.png").await;
    find(&c, "sso-cancel").await.click().await.expect("cancel");
    let err = find(&c, "sso-error").await;
    assert_eq!(err.attr("data-code").await.expect("attr").as_deref(), Some("sso_cancelled"));
    assert_eq!(server.stats().expect("stats")["devices"], 0);
    // The cancelled sign-in's redirect has nobody listening any more.
    let redirect = url::Url::parse(&opened).expect("url");
    let redirect_uri = redirect.query_pairs().find(|(k, _)| k == "redirect_uri").expect("redirect_uri").1.into_owned();
    assert!(reqwest::get(&redirect_uri).await.is_err(), "the loopback listener closed with the cancel");
    std::fs::remove_file(&url_file).expect("rm");

    // Again, to the end, in a real browser.
    find(&c, "sso-start").await.click().await.expect("click");
    let url = text(&c, "sso-url").await;
    let chrome = super::signin::chromedriver();
    let b = super::signin::browser(&chrome).await;
    super::sso::sign_in_in_the_browser(&b, &url, "ada@acme.test").await;
    let page = super::sso::page_text(&b).await;
    assert!(page.contains("joined to Acme Ltd as ada@acme.test"), "{page}");
    b.close().await.expect("close");
    assert!(text(&c, "join-done").await.contains("Joined Acme Ltd as Ada Lovelace"));
    find(&c, "standing").await;
    assert_eq!(server.stats().expect("stats")["devices"], 1);
    let group = server.query_json("SELECT group_name FROM user_compliance").expect("query");
    assert_eq!(group, vec![json!({ "group_name": "high-risk" })]);
    screenshot(&c, "ui-sso-joined.png").await;

    // IT's help page opens in the system browser (the window names no address itself).
    std::fs::remove_file(&url_file).expect("rm");
    find(&c, "support").await.click().await.expect("click");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_to_string(&url_file).ok().as_deref() != Some("https://help.acme.example/lastmile") {
        assert!(Instant::now() < deadline, "the help page was not opened: {:?}", std::fs::read_to_string(&url_file));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.close().await.expect("close");
}

/// Launches `lastmile <link>` as a clicked link would while the window runs: it must hand the
/// link over and exit, not open a second window.
fn second_launch(home: &Home, link: &str) {
    let mut child = home.lastmile(&[link]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("lastmile");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            let _ = std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err);
            assert!(status.success(), "the second launch failed ({status}): {err}");
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the second launch kept running: a second window instead of one app");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One running app: a second launch with a link (a reminder's link clicked while the window
/// is open) hands the link to the running window, which opens its step, and exits; a later
/// link moves the window on. (Links are checked as the first launch's are: `launch_link`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_launch_hands_its_link_to_the_running_window() {
    require_display();
    let (_server, home) = super::factors::joined();
    let driver = driver(&home);
    let c = open(&driver, &[]).await;
    find(&c, "standing").await;
    assert!(c.find(Locator::Css("[data-testid=flow]")).await.is_err(), "no link yet, no flow");

    second_launch(&home, "lastmile://open?step=recovery_codes");
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid=flow][data-flow=recovery_codes]"))
        .await
        .expect("the running window opens the step the second launch's link names");

    second_launch(&home, "lastmile://open?step=totp");
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid=flow][data-flow=totp]"))
        .await
        .expect("a later link moves the window on");
    assert!(c.find(Locator::Css("[data-flow=recovery_codes]")).await.is_err(), "one flow at a time");
    c.close().await.expect("close");
}

/// A fresh install on a device where IT set the server and an invite: the window joins by
/// itself at start, with nothing typed or clicked, and shows who joined.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_joins_with_the_invite_it_set_without_a_click() {
    require_display();
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let (code, link) = server.invite().expect("invite");
    let home = Home::new().expect("home");
    let managed = serde_json::json!({ "server_url": server.url(), "invite": link, "managed_by": "Acme IT", "autostart": "always" });
    std::fs::write(home.managed_path(), managed.to_string()).expect("managed");
    let driver = driver(&home);
    let c = open(&driver, &[]).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while !text(&c, "header-user").await.contains("ada@acme.test") {
        assert!(Instant::now() < deadline, "the window joined by itself");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(server.stats().expect("stats")["devices"], 1);
    details(&c).await;
    let invite = find(&c, "setting-invite").await;
    assert_eq!(invite.attr("data-locked").await.expect("attr").as_deref(), Some("true"));
    let shown = c.source().await.expect("page source");
    assert!(!shown.contains(&code) && !shown.contains(&code.replace('-', "")), "the invite is never shown");
    // IT decides about starting at login: the person's toggle is shown, on and locked.
    let toggle = find(&c, "start-at-login").await.find(Locator::Css("input")).await.expect("checkbox");
    assert!(toggle.is_selected().await.expect("checked"), "on");
    assert!(!toggle.is_enabled().await.expect("enabled"), "locked by IT");
    assert!(text(&c, "settings").await.contains("Your organisation decides this."));
    screenshot(&c, "ui-joined-by-policy.png").await;
    close(c, &home).await;
}

/// At login (`--autostart`) a person with a step missing gets the window, with that step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_login_the_window_opens_for_a_missing_step() {
    require_display();
    require_keyring();
    let (_server, home) = crate::factors::joined();
    let driver = driver(&home);
    let c = open(&driver, &["--autostart"]).await;
    let next = find(&c, "next-step").await;
    assert_eq!(next.attr("data-step").await.expect("attr").as_deref(), Some("totp"));
    details(&c).await;
    // The person turns starting at login off: kept in their own settings file, shown as theirs,
    // and the next login starts nothing.
    let toggle = find(&c, "start-at-login").await.find(Locator::Css("input")).await.expect("checkbox");
    assert!(toggle.is_selected().await.expect("checked") && toggle.is_enabled().await.expect("enabled"));
    c.execute("arguments[0].scrollIntoView({block: 'center'})", vec![serde_json::to_value(&toggle).expect("element")])
        .await
        .expect("scroll");
    screenshot(&c, "ui-start-at-login.png").await;
    toggle.click().await.expect("click");
    let deadline = Instant::now() + Duration::from_secs(10);
    while find(&c, "setting-autostart").await.text().await.expect("text").contains("always") {
        assert!(Instant::now() < deadline, "the setting changed in the window");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(text(&c, "setting-autostart").await.contains("never"));
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(home.settings_path()).expect("settings file")).expect("json");
    assert_eq!(file["autostart"], "never", "{file}");
    assert!(
        !find(&c, "start-at-login")
            .await
            .find(Locator::Css("input"))
            .await
            .expect("checkbox")
            .is_selected()
            .await
            .expect("checked")
    );
    close(c, &home).await;
    let (exit, _, err) = home.run(&["--autostart"]);
    assert_eq!(exit, 0, "{err}");
    assert!(home.logs().contains("decided=Off"), "{}", home.logs());
}

/// The person's language, set in their own settings file (kept with what joining wrote).
fn set_locale(home: &Home, tag: &str) {
    let path = home.settings_path();
    let mut file: serde_json::Value = std::fs::read_to_string(&path)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(|| serde_json::json!({}));
    file["locale"] = tag.into();
    std::fs::write(&path, file.to_string()).expect("settings");
}

/// The words of the window that did not come from the message files: in en-XA every letter a
/// message holds is an accented look-alike, so plain ASCII words are text left in the code.
/// Not counted: values (inside <bdi>, or isolated inside a message by FSI … PDI), text
/// still sent by the app in English (data-untranslated, inside <bdi> too), and text marked as
/// being in another language (the language picker's names, each in its own language). Visible labels in
/// attributes (aria-label, alt, title) count.
async fn unextracted(c: &Client) -> Vec<String> {
    let script = r#"
        const root = document.body.cloneNode(true);
        root.querySelectorAll("bdi, script, style, svg, [lang]").forEach((e) => e.remove());
        const texts = [root.textContent];
        for (const el of root.querySelectorAll("[aria-label], [alt], [title]")) {
          for (const a of ["aria-label", "alt", "title"]) texts.push(el.getAttribute(a) || "");
        }
        const words = texts.join(" ").replace(/\u2068[^\u2069]*\u2069/g, " ").match(/[A-Za-z]{2,}/g) || [];
        return [...new Set(words)];
    "#;
    let found = c.execute(script, vec![]).await.expect("script");
    serde_json::from_value(found).expect("a list of words")
}

/// A joined person's window, open and showing their standing, with `locale` in their own
/// settings and the OS's `languages` in LANGUAGE when given. Each in its own home and driver:
/// reopening a window for the same home right after closing it is what the suite's one
/// unexplained hang needed (see `a_link_opens_the_window_at_its_step`).
async fn window_of_a_person(locale: Option<&str>, languages: Option<&str>) -> (Server, Home, Driver, Client) {
    let (server, home) = crate::factors::joined();
    if let Some(tag) = locale {
        set_locale(&home, tag);
    }
    let driver = match languages {
        Some(l) => driver_with(&home, &[("LANGUAGE", std::path::Path::new(l))]),
        None => driver(&home),
    };
    let c = open(&driver, &[]).await;
    find(&c, "standing").await;
    (server, home, driver, c)
}

/// An attribute of the page's root element (`lang`, `dir`).
async fn html_attr(c: &Client, name: &str) -> Option<String> {
    c.find(Locator::Css("html")).await.expect("html").attr(name).await.expect("attribute")
}

/// How far the page sticks out sideways, in CSS pixels.
async fn sideways_overflow(c: &Client) -> serde_json::Value {
    c.execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth", vec![])
        .await
        .expect("widths")
}

/// The window in the pseudo-locales the tests use instead of real languages. en-XA: every
/// visible string of every screen of the journeys comes from the message files (a string
/// left in the code shows up as plain ASCII), and the lengthened words still fit. ar-XB: the
/// window lays itself out right to left (html dir), without anything overflowing sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_visible_string_comes_from_the_message_files() {
    require_display();
    require_keyring();
    let (_server, home, _driver, c) = window_of_a_person(Some("en-XA"), None).await;
    assert_eq!(html_attr(&c, "lang").await.as_deref(), Some("en-XA"));
    let mut screens = vec![("overview", unextracted(&c).await)];
    details(&c).await;
    screens.push(("details", unextracted(&c).await));
    overview(&c).await;
    // Every screen of the authenticator-app flow, a wrong code and the success screen.
    click(&c, "next-step-start").await;
    let shown: String = text(&c, "totp-secret").await.split_whitespace().collect();
    screens.push(("authenticator app: scan", unextracted(&c).await));
    click(&c, "totp-next").await;
    find(&c, "totp-code").await.send_keys("000000").await.expect("type");
    click(&c, "totp-verify").await;
    find(&c, "totp-error").await;
    screens.push(("authenticator app: a wrong code", unextracted(&c).await));
    let input = find(&c, "totp-code").await;
    input.clear().await.expect("clear");
    input.send_keys(&oathtool(&shown)).await.expect("type");
    click(&c, "totp-verify").await;
    find(&c, "success").await;
    screens.push(("authenticator app: verified", unextracted(&c).await));
    click(&c, "success-done").await;
    screens.push(("overview, all set", unextracted(&c).await));
    // Recovery codes, from the overview's list of what can be added.
    click(&c, "add-recovery_codes").await;
    find(&c, "recovery-codes").await;
    screens.push(("recovery codes: save", unextracted(&c).await));
    click(&c, "recovery-save").await;
    find(&c, "recovery-note").await;
    click(&c, "recovery-next").await;
    find(&c, "recovery-input").await;
    screens.push(("recovery codes: confirm", unextracted(&c).await));
    click(&c, "flow-back").await;
    // A security key, while the window waits for one.
    ask_for_a_key(&c).await;
    screens.push(("security key: insert", unextracted(&c).await));
    click(&c, "security-key-cancel").await;
    find(&c, "home").await;
    click(&c, "recover-open").await;
    find(&c, "recover").await;
    screens.push(("recovery after a loss", unextracted(&c).await));
    assert_eq!(
        sideways_overflow(&c).await,
        serde_json::json!(0),
        "the lengthened words fit: nothing sticks out sideways"
    );
    screenshot(&c, "ui-pseudo-en-XA.png").await;
    let untranslated =
        c.execute("return document.querySelectorAll('[data-untranslated]').length", vec![]).await.expect("count");
    eprintln!("text still sent by the app in English, marked data-untranslated: {untranslated}");
    close(c, &home).await;
    for (screen, words) in &screens {
        assert!(words.is_empty(), "on the {screen} screen, text not from the message files: {words:?}");
    }

    let (_server, home, _driver, c) = window_of_a_person(Some("ar-XB"), None).await;
    assert_eq!(html_attr(&c, "dir").await.as_deref(), Some("rtl"));
    assert_eq!(sideways_overflow(&c).await, serde_json::json!(0), "nothing sticks out sideways");
    screenshot(&c, "ui-pseudo-ar-XB.png").await;
    close(c, &home).await;
}

/// The window speaks the person's language: the OS's when nothing is set (here French, from
/// LANGUAGE), and the `locale` setting over it (here German, over the same OS languages).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_speaks_the_persons_language() {
    require_display();
    require_keyring();
    let (_server, home, _driver, c) = window_of_a_person(None, Some("fr:de")).await;
    assert_eq!(html_attr(&c, "lang").await.as_deref(), Some("fr"));
    assert_eq!(text(&c, "refresh").await, "Vérifier à nouveau");
    assert_eq!(text(&c, "next-step-start").await, "Configurer une application d’authentification");
    close(c, &home).await;

    let (server, home, _driver, c) = window_of_a_person(Some("de"), Some("fr:de")).await;
    assert_eq!(html_attr(&c, "lang").await.as_deref(), Some("de"));
    assert_eq!(text(&c, "refresh").await, "Erneut prüfen");
    screenshot(&c, "ui-de.png").await;
    details(&c).await;
    assert!(text(&c, "setting-locale").await.contains("Ihre Einstellung"), "the person's own setting");
    // What the device found is worded from its notes, in German too (this machine's answers:
    // no key plugged in, Linux, with or without a fingerprint reader or a TPM).
    assert!(text(&c, "keys-none").await.starts_with("Keiner gefunden: es ist kein USB-Sicherheitsschlüssel"));
    let platform = text(&c, "platform").await;
    assert!(platform.contains("Linux hat keinen") || platform.contains("Fingerabdruckleser"), "{platform}");
    let tpm = text(&c, "tpm").await;
    assert!(tpm.contains("der Kernel stellt kein TPM bereit") || tpm.contains("/dev/tpm0"), "{tpm}");
    overview(&c).await;
    // The journeys in German, for the README: a key asked for, an app, codes, recovery.
    ask_for_a_key(&c).await;
    assert!(text(&c, "security-key-waiting").await.starts_with("Stecken Sie Ihren Sicherheitsschlüssel ein"));
    // Without the OS asking for more contrast or less motion: muted text is muted, and the
    // touch picture pulses (what the contrast and motion test sees change).
    let (same, pulse) = contrast_and_motion(&c).await;
    assert!(!same && pulse.ends_with("pulse"), "{same} {pulse}");
    screenshot(&c, "ui-de-security-key-insert.png").await;
    click(&c, "security-key-cancel").await;
    // The apps the organisation recommends (its policy), listed as German lists them.
    let policy = serde_json::json!({ "min_tier": "strong", "totp_apps": ["Microsoft Authenticator", "1Password"] });
    server.set_default_policy(&policy).expect("policy");
    click(&c, "next-step-start").await;
    let shown: String = text(&c, "totp-secret").await.split_whitespace().collect();
    assert_eq!(
        text(&c, "totp-recommended").await,
        "Acme Ltd empfiehlt Microsoft Authenticator oder 1Password. Öffnen Sie eine davon, fügen Sie ein Konto \
         hinzu und scannen Sie diesen Code."
    );
    screenshot(&c, "ui-de-totp.png").await;
    click(&c, "totp-next").await;
    find(&c, "totp-code").await.send_keys(&format!("{}{ENTER}", oathtool(&shown))).await.expect("type");
    assert_eq!(text(&c, "success-what").await, "Ihre Authenticator-App ist von Acme Ltd bestätigt.");
    screenshot(&c, "ui-de-totp-verified.png").await;
    click(&c, "success-next").await;
    find(&c, "recovery-codes").await;
    screenshot(&c, "ui-de-recovery-codes.png").await;
    click(&c, "flow-back").await;
    click(&c, "recover-open").await;
    find(&c, "recover").await;
    screenshot(&c, "ui-de-recover.png").await;
    close(c, &home).await;
}

/// An X display of the test's own (Xvfb, killed on drop).
struct OwnDisplay {
    child: Child,
    name: String,
}

impl OwnDisplay {
    /// Starts Xvfb on the first free display from :200; a number another test took at the
    /// same moment makes that Xvfb exit (its lock file), and the next number is tried.
    fn start() -> OwnDisplay {
        for n in 200..300 {
            let socket = std::path::PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
            if socket.exists() || std::path::Path::new(&format!("/tmp/.X{n}-lock")).exists() {
                continue;
            }
            let mut child = Command::new("Xvfb")
                .args([&format!(":{n}"), "-screen", "0", "1280x860x24", "-nolisten", "tcp", "-ac"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb (the xvfb package; scripts/setup.sh --test installs it)");
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if child.try_wait().expect("Xvfb").is_some() {
                    break; // taken: try the next number
                }
                if socket.exists() {
                    return OwnDisplay { child, name: format!(":{n}") };
                }
                assert!(Instant::now() < deadline, "Xvfb :{n} did not start");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("no free X display between :200 and :299");
    }
}

impl Drop for OwnDisplay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Presses `keys` where the keyboard focus is, as a person does without a mouse.
async fn press(c: &Client, keys: &str) {
    c.active_element().await.expect("the focused element").send_keys(keys).await.expect("keys");
}

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

/// The journey with the keyboard alone, in the OS's dark theme: from the overview to a
/// verified authenticator app and confirmed recovery codes, and back to the overview, with
/// Tab and Enter and the codes typed, never a click. Each new screen puts the focus where the
/// person goes on (its heading, its first field or its main button), and axe-core finds no
/// violation on any screen in dark colours.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_completes_the_journey_with_the_keyboard_alone_in_the_dark() {
    require_display();
    let (_server, home) = crate::factors::joined();
    // Keys go to the window that has the keyboard focus: on the display the tests share,
    // another test's window can take it (the suite hung so once), hence a display of its own.
    let display = OwnDisplay::start();
    let driver = driver_with(
        &home,
        &[("GTK_THEME", std::path::Path::new("Adwaita:dark")), ("DISPLAY", std::path::Path::new(&display.name))],
    );
    let c = open(&driver, &[]).await;
    find(&c, "standing-gap").await;
    let dark = c.execute("return matchMedia('(prefers-color-scheme: dark)').matches", vec![]).await.expect("media");
    assert_eq!(dark, serde_json::json!(true), "the window follows the OS's dark theme");
    let mut violations = Vec::new();
    audit(&c, "overview (dark)", &mut violations).await;
    screenshot(&c, "ui-dark.png").await;

    // The focus starts on the standing; the next step's button is the next stop.
    press(&c, TAB).await;
    press(&c, ENTER).await;
    let shown: String = text(&c, "totp-secret").await.split_whitespace().collect();
    audit(&c, "authenticator app: scan (dark)", &mut violations).await;
    // "I have added it" has the focus once the code is shown.
    press(&c, ENTER).await;
    find(&c, "totp-code").await;
    // The step change is said to screen readers (the polite live region).
    // (Read as a screen reader does: the region is not drawn, so WebDriver's text is empty.)
    let announced = || async {
        let said = c.execute("return document.querySelector('[data-testid=announce]').textContent", vec![]).await;
        plain(said.expect("script").as_str().unwrap_or_default().to_string())
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while announced().await != "Step 2 of 2: Type a code" {
        assert!(Instant::now() < deadline, "announced: {:?}", announced().await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    press(&c, &format!("{}{ENTER}", oathtool(&shown))).await;
    find(&c, "success").await;
    audit(&c, "authenticator app: verified (dark)", &mut violations).await;
    // The success screen's heading has the focus; its next step follows.
    press(&c, TAB).await;
    press(&c, ENTER).await;
    find(&c, "recovery-codes").await;
    let first =
        find(&c, "recovery-codes").await.find(Locator::Css("li")).await.expect("a code").text().await.expect("text");
    audit(&c, "recovery codes (dark)", &mut violations).await;
    // Save has the focus; then Print, Copy and "I have kept them".
    press(&c, ENTER).await;
    find(&c, "recovery-note").await;
    for _ in 0..3 {
        press(&c, TAB).await;
    }
    press(&c, ENTER).await;
    find(&c, "recovery-input").await;
    press(&c, &format!("{first}{ENTER}")).await;
    assert_eq!(text(&c, "success-what").await, "Your recovery codes are confirmed by Acme Ltd.");
    press(&c, TAB).await;
    press(&c, ENTER).await;
    assert_eq!(text(&c, "standing-met").await, "You're all set");
    audit(&c, "overview, all set (dark)", &mut violations).await;
    screenshot(&c, "ui-dark-all-set.png").await;
    close(c, &home).await;
    let (_, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!(status["enrollment"]["server_view"]["verified_factors"], 2, "{status}");
    assert!(violations.is_empty(), "accessibility violations (axe-core):\n{}", violations.join("\n"));
}

/// A device whose clock is 45 s fast (libfaketime under the window), on GNOME, in German:
/// the overview names the problem, Details and the authenticator app's flow give the steps
/// for this desktop in the person's language, with the commands as typed. axe-core on both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_clock_is_explained_with_the_fix_for_this_desktop() {
    require_display();
    require_keyring();
    let (_server, home) = crate::factors::joined();
    set_locale(&home, "de");
    let faketime = super::cli::faketime_lib();
    let driver = driver_with(
        &home,
        &[
            ("LD_PRELOAD", std::path::Path::new(&faketime)),
            ("FAKETIME", std::path::Path::new("+45")),
            ("FAKETIME_DONT_FAKE_MONOTONIC", std::path::Path::new("1")),
            ("XDG_CURRENT_DESKTOP", std::path::Path::new("ubuntu:GNOME")),
        ],
    );
    let c = open(&driver, &[]).await;
    find(&c, "standing").await;
    let problems = text(&c, "problems").await;
    assert!(problems.contains("Die Uhr dieses Geräts geht 4"), "{problems}");
    let mut violations = Vec::new();
    details(&c).await;
    let steps = text(&c, "clock-fix").await;
    assert!(steps.starts_with("Öffnen Sie Einstellungen > System > Datum und Uhrzeit."), "{steps}");
    assert!(steps.contains("Schalten Sie „Automatische Datums- und Zeiteinstellung“"), "{steps}");
    let commands = c
        .execute(
            "return [...document.querySelectorAll('[data-testid=clock-fix] code')].map((e) => e.textContent)",
            vec![],
        )
        .await
        .expect("commands");
    assert_eq!(commands, serde_json::json!(["timedatectl set-ntp true", "timedatectl timesync-status"]));
    audit(&c, "details, the clock 45 s fast", &mut violations).await;
    screenshot(&c, "ui-de-clock.png").await;
    overview(&c).await;
    click(&c, "next-step-start").await;
    let warning = text(&c, "totp-clock").await;
    assert!(warning.contains("Stellen Sie sie zuerst richtig"), "{warning}");
    assert!(warning.contains("Öffnen Sie Einstellungen > System > Datum und Uhrzeit."), "{warning}");
    audit(&c, "authenticator app, the clock 45 s fast", &mut violations).await;
    close(c, &home).await;
    assert!(violations.is_empty(), "{violations:#?}");
}

/// What the OS's accessibility settings do to the window, as the page's CSS sees them: the
/// muted text colour (the same as the text's when more contrast is asked for) and the touch
/// picture's pulse on the security key screen (none when less motion is asked for).
async fn contrast_and_motion(c: &Client) -> (bool, String) {
    let script = r#"
        const root = getComputedStyle(document.documentElement);
        const same = root.getPropertyValue('--muted').trim() === root.getPropertyValue('--text').trim();
        const picture = document.querySelector('svg.picture');
        picture.setAttribute('data-touch', 'true');
        const pulse = getComputedStyle(picture.querySelector('.pad')).animationName;
        picture.setAttribute('data-touch', 'false');
        return [same, pulse];
    "#;
    let v = c.execute(script, vec![]).await.expect("styles");
    (v[0].as_bool().expect("bool"), v[1].as_str().expect("name").to_string())
}

/// The OS asks for more contrast and less motion (GTK's high-contrast theme and
/// gtk-enable-animations=0, which WebKitGTK turns into prefers-contrast: more and
/// prefers-reduced-motion: reduce): muted text takes the text's colour, borders darken, the
/// key's touch picture stops pulsing; axe-core finds nothing on the overview, the key screen
/// and Details. (forced-colors is a Windows setting WebKitGTK does not report: its rules are
/// not exercised here.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_follows_the_os_asking_for_more_contrast_and_less_motion() {
    require_display();
    require_keyring();
    let (_server, home) = crate::factors::joined();
    let gtk = home.path().join(".config/gtk-3.0");
    std::fs::create_dir_all(&gtk).expect("dir");
    std::fs::write(gtk.join("settings.ini"), "[Settings]\ngtk-enable-animations=0\n").expect("GTK settings");
    let driver = driver_with(&home, &[("GTK_THEME", std::path::Path::new("HighContrast"))]);
    let c = open(&driver, &[]).await;
    find(&c, "standing").await;
    let asked = c
        .execute(
            "return ['(prefers-contrast: more)', '(prefers-reduced-motion: reduce)'].map((q) => matchMedia(q).matches)",
            vec![],
        )
        .await
        .expect("media");
    assert_eq!(asked, serde_json::json!([true, true]), "the OS's settings reach the window");
    let mut violations = Vec::new();
    audit(&c, "overview (more contrast)", &mut violations).await;
    screenshot(&c, "ui-high-contrast.png").await;
    ask_for_a_key(&c).await;
    assert_eq!(contrast_and_motion(&c).await, (true, "none".to_string()));
    audit(&c, "security key (more contrast)", &mut violations).await;
    click(&c, "security-key-cancel").await;
    details(&c).await;
    audit(&c, "details (more contrast)", &mut violations).await;
    close(c, &home).await;
    assert!(violations.is_empty(), "{violations:#?}");
}

/// The window in Japanese (CJK text, no spaces to break at): every screen of the app's
/// journey fits without sideways scrolling, and axe-core finds nothing, the page's language
/// included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_in_japanese_fits_every_screen() {
    require_display();
    require_keyring();
    let (_server, home, _driver, c) = window_of_a_person(Some("ja"), None).await;
    assert_eq!(html_attr(&c, "lang").await.as_deref(), Some("ja"));
    let mut violations = Vec::new();
    let mut overflow = Vec::new();
    let mut check = async |c: &Client, screen: &str| {
        audit(c, screen, &mut violations).await;
        if sideways_overflow(c).await != serde_json::json!(0) {
            overflow.push(screen.to_string());
        }
    };
    check(&c, "overview").await;
    screenshot(&c, "ui-ja.png").await;
    details(&c).await;
    check(&c, "details").await;
    overview(&c).await;
    click(&c, "next-step-start").await;
    let shown: String = text(&c, "totp-secret").await.split_whitespace().collect();
    check(&c, "authenticator app: scan").await;
    click(&c, "totp-next").await;
    find(&c, "totp-code").await.send_keys(&format!("{}{ENTER}", oathtool(&shown))).await.expect("type");
    find(&c, "success").await;
    check(&c, "authenticator app: verified").await;
    screenshot(&c, "ui-ja-totp-verified.png").await;
    click(&c, "success-next").await;
    find(&c, "recovery-codes").await;
    check(&c, "recovery codes").await;
    click(&c, "flow-back").await;
    click(&c, "recover-open").await;
    find(&c, "recover").await;
    check(&c, "recovery after a loss").await;
    close(c, &home).await;
    assert!(violations.is_empty(), "{violations:#?}");
    assert!(overflow.is_empty(), "sticking out sideways: {overflow:?}");
}

/// Where the OS shows its own dialog for the key (Windows: Windows Security, for Windows Hello
/// or a security key), the window says so and waits, twice (register, then verify), with
/// the progress moving on; then the key is verified. Windows' dialog cannot run here: the
/// software authenticator stands in for it (`LASTMILE_SOFT_AUTHENTICATOR_SYSTEM_MS`: it
/// announces the OS's dialog the way the Windows authenticator does, then answers after a
/// while), so what is tested is the window's side of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_says_when_the_systems_own_dialog_asks_for_the_key() {
    require_display();
    let (_server, home) = crate::factors::joined();
    set_locale(&home, "fr");
    let soft = home.path().join("soft-authenticator.cbor");
    let driver = driver_with(
        &home,
        &[
            ("LASTMILE_SOFT_AUTHENTICATOR", &soft),
            ("LASTMILE_SOFT_AUTHENTICATOR_SYSTEM_MS", std::path::Path::new("2500")),
        ],
    );
    let c = open(&driver, &[]).await;
    click(&c, "add-security_key").await;
    let waiting = |c: &Client| {
        let c = c.clone();
        async move {
            c.wait()
                .at_most(Duration::from_secs(20))
                .for_element(Locator::Css("[data-testid=security-key][data-step=system]"))
                .await
                .expect("the OS's dialog screen");
            text(&c, "security-key-waiting").await
        }
    };
    let first = waiting(&c).await;
    assert!(first.starts_with("Windows affiche maintenant sa propre fenêtre"), "{first}");
    at_step(&c, 2, 3).await;
    let mut violations = Vec::new();
    audit(&c, "the OS's own dialog", &mut violations).await;
    screenshot(&c, "ui-fr-security-key-system.png").await;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(
            "//*[@data-testid='security-key-waiting'][starts-with(., 'Windows demande une fois de plus')]",
        ))
        .await
        .expect("the second time, to verify");
    at_step(&c, 3, 3).await;
    let done = text(&c, "success-what").await;
    assert!(done.ends_with("est vérifiée par Acme Ltd."), "{done}");
    close(c, &home).await;
    assert!(violations.is_empty(), "{violations:#?}");
}

/// The person chooses the window's language in Details: the window switches at once, the
/// choice is kept in their own settings file (so the terminal speaks it too), and "the
/// system's language" hands it back to the OS. When IT sets the language, the picker is
/// locked and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_person_chooses_the_language_in_the_window_unless_it_sets_it() {
    require_display();
    require_keyring();
    let (_server, home, _driver, c) = window_of_a_person(None, None).await;
    assert_eq!(html_attr(&c, "lang").await.as_deref(), Some("en"));
    details(&c).await;
    let names = c
        .execute(
            "return [...document.querySelectorAll('[data-testid=language-choice] option')].map((o) => o.textContent)",
            vec![],
        )
        .await
        .expect("options");
    assert_eq!(
        names,
        serde_json::json!(["The system's language", "Deutsch", "English", "Español", "Français", "日本語"])
    );
    let choose = |value: &'static str| {
        let c = c.clone();
        async move {
            find(&c, "language-choice").await.select_by_value(value).await.expect("choose");
        }
    };
    choose("de").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while html_attr(&c, "lang").await.as_deref() != Some("de") {
        assert!(Instant::now() < deadline, "the window switched to German");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(text(&c, "refresh").await, "Erneut prüfen");
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(home.settings_path()).expect("settings")).expect("json");
    assert_eq!(file["locale"], "de", "kept in the person's own settings: {file}");
    let (_, out, _) = home.run(&["status"]);
    assert!(out.lines().any(|l| l.starts_with("Stand ")), "the terminal speaks it too: {out}");
    let mut violations = Vec::new();
    audit(&c, "details, the language chosen", &mut violations).await;
    choose("").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while html_attr(&c, "lang").await.as_deref() != Some("en") {
        assert!(Instant::now() < deadline, "back to the system's language");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(home.settings_path()).expect("settings")).expect("json");
    assert!(file.get("locale").is_none_or(serde_json::Value::is_null), "{file}");
    close(c, &home).await;

    // IT sets the language: the window speaks it, the picker is locked and says why.
    let (_server, home) = crate::factors::joined();
    std::fs::write(home.managed_path(), r#"{"locale": "fr"}"#).expect("managed");
    let driver = driver(&home);
    let c = open(&driver, &[]).await;
    find(&c, "standing").await;
    assert_eq!(html_attr(&c, "lang").await.as_deref(), Some("fr"));
    details(&c).await;
    let picker = find(&c, "language-choice").await;
    assert!(!picker.is_enabled().await.expect("enabled"), "locked");
    assert_eq!(picker.prop("value").await.expect("value").as_deref(), Some("fr"));
    assert!(text(&c, "language").await.starts_with("Langue"));
    assert_eq!(text(&c, "language-note").await, "Votre organisation fixe la langue.");
    audit(&c, "details, the language set by IT", &mut violations).await;
    close(c, &home).await;
    assert!(violations.is_empty(), "{violations:#?}");
}

/// Moves the keyboard focus with Tab (at most 40 presses) until it is on the element `css`
/// names, as a person without a mouse does; fails if Tab never gets there.
async fn tab_to(c: &Client, css: &str) {
    let script = "return document.activeElement && document.activeElement.matches(arguments[0])";
    for _ in 0..40 {
        if c.execute(script, vec![serde_json::json!(css)]).await.expect("focus") == serde_json::json!(true) {
            return;
        }
        press(c, TAB).await;
    }
    panic!("Tab never reached {css}");
}

/// The other journeys with the keyboard alone: joining with an invite, a security key, and
/// the traveller's recovery (sign in with a recovery code, revoke the lost laptop, a new authenticator app,
/// fresh codes), with Tab, Enter and typing only, axe-core on each screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_and_recovering_work_with_the_keyboard_alone() {
    require_display();
    require_keyring();
    let display = OwnDisplay::start();
    let on_display = |home: &Home| driver_with(home, &[("DISPLAY", std::path::Path::new(&display.name))]);
    let mut violations = Vec::new();

    // Joining: the invite's field, the link typed, Enter.
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let (_, link) = server.invite().expect("invite");
    let home = Home::new().expect("home");
    let soft = home.path().join("soft-authenticator.cbor");
    let driver =
        driver_with(&home, &[("DISPLAY", std::path::Path::new(&display.name)), ("LASTMILE_SOFT_AUTHENTICATOR", &soft)]);
    let c = open(&driver, &[]).await;
    find(&c, "invite-input").await;
    audit(&c, "joining (keyboard)", &mut violations).await;
    tab_to(&c, "[data-testid=invite-input]").await;
    press(&c, &format!("{link}{ENTER}")).await;
    find(&c, "standing-gap").await;
    // Then a security key (the software authenticator answers the touches): Tab to it, Enter.
    tab_to(&c, "[data-testid=add-security_key]").await;
    press(&c, ENTER).await;
    let done = text(&c, "success-what").await;
    assert!(done.ends_with("is verified by Acme Ltd."), "{done}");
    close(c, &home).await;

    // Recovering on a new computer after losing the laptop.
    let (server, _laptop, codes) = crate::recover::laptop_with_codes();
    let home = Home::new().expect("home");
    let driver = on_display(&home);
    let c = open(&driver, &[]).await;
    find(&c, "invite-input").await;
    tab_to(&c, "[data-testid=recover-open]").await;
    press(&c, ENTER).await;
    at_step(&c, 1, 4).await;
    audit(&c, "recovery: sign in (keyboard)", &mut violations).await;
    tab_to(&c, "[data-testid=recover-server]").await;
    press(&c, &server.url()).await;
    tab_to(&c, "[data-testid=recover-user]").await;
    press(&c, "ada@acme.test").await;
    tab_to(&c, "[data-testid=recover-code]").await;
    press(&c, &format!("{}{ENTER}", codes[0])).await;
    at_step(&c, 2, 4).await;
    audit(&c, "recovery: what was lost (keyboard)", &mut violations).await;
    tab_to(&c, "[data-testid=recover-device][data-current=false] button").await;
    press(&c, ENTER).await;
    find(&c, "recover-revoked").await;
    tab_to(&c, "[data-testid=recover-next]").await;
    press(&c, ENTER).await;
    at_step(&c, 3, 4).await;
    let shown: String = text(&c, "totp-secret").await.split_whitespace().collect();
    tab_to(&c, "[data-testid=totp-next]").await;
    press(&c, ENTER).await;
    tab_to(&c, "[data-testid=totp-code]").await;
    press(&c, &format!("{}{ENTER}", oathtool(&shown))).await;
    at_step(&c, 4, 4).await;
    audit(&c, "recovery: fresh codes (keyboard)", &mut violations).await;
    let first =
        find(&c, "recovery-codes").await.find(Locator::Css("li")).await.expect("a code").text().await.expect("text");
    tab_to(&c, "[data-testid=recovery-save]").await;
    press(&c, ENTER).await;
    find(&c, "recovery-note").await;
    tab_to(&c, "[data-testid=recovery-next]").await;
    press(&c, ENTER).await;
    tab_to(&c, "[data-testid=recovery-input]").await;
    press(&c, &format!("{first}{ENTER}")).await;
    assert!(text(&c, "recover-done").await.starts_with("Recovered."));
    audit(&c, "recovery: done (keyboard)", &mut violations).await;
    close(c, &home).await;
    assert!(violations.is_empty(), "{violations:#?}");
}
