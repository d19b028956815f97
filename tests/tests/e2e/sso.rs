//! `lastmile join --sso` end to end: the real app, the real server, the organisation's
//! identity provider (panva's oidc-provider) and a real browser (headless Chromium under
//! chromedriver) signing in on the provider's page. The app's "open the browser" step is the
//! standard `$BROWSER` hook: a script that hands the URL to the test, which drives Chromium.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use lastmile_tests::idp::{Idp, native_client};
use lastmile_tests::{Home, Server, require_keyring};
use serde_json::json;

use super::signin::{browser, chromedriver};

/// A server with Acme, Ada, a "high-risk" group and the provider trusted for joins (groups
/// mapped), and a home whose `$BROWSER` writes the sign-in URL to a file.
pub(crate) fn setup(idp: &Idp, jit: bool) -> (Server, Home, PathBuf) {
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let policy = json!({ "min_tier": "phishing_resistant" }).to_string();
    let policy_file = tempfile::NamedTempFile::new().expect("file");
    std::fs::write(policy_file.path(), policy).expect("write");
    server
        .admin(&[
            "group",
            "set",
            "--org",
            "acme",
            "--name",
            "high-risk",
            "--policy-file",
            &policy_file.path().display().to_string(),
        ])
        .expect("group");
    let mut args = vec![
        "sso",
        "add",
        "--org",
        "acme",
        "--name",
        "Acme SSO",
        "--issuer",
        &idp.issuer,
        "--client-id",
        "lastmile-desktop",
        "--domain",
        "acme.test",
        "--group-claim",
        "groups",
        "--group-map",
        "admins=high-risk",
        "--scope",
        "openid email profile groups",
    ];
    if jit {
        args.push("--jit");
    }
    server.admin(&args).expect("sso add");
    let (home, url_file) = home_with_browser();
    (server, home, url_file)
}

/// A new home (a new device) whose `$BROWSER` writes the sign-in URL to a file.
fn home_with_browser() -> (Home, PathBuf) {
    let home = Home::new().expect("home");
    let opener = home.path().join("open-url.sh");
    let url_file = home.path().join("sign-in-url");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}.tmp' && mv '{0}.tmp' '{0}'\n", url_file.display()),
    )
    .expect("script");
    std::fs::set_permissions(&opener, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    (home, url_file)
}

/// `lastmile join --sso` running, with its output collected.
fn join(home: &Home, server: &Server, extra: &[&str]) -> Child {
    let url = server.url();
    let mut args = vec!["join", "--sso", "--org", "acme", "--server", &url, "--json"];
    args.extend(extra);
    home.lastmile(&args)
        .env("BROWSER", home.path().join("open-url.sh"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lastmile")
}

fn wait_for_url(file: &Path, child: &mut Child) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(url) = std::fs::read_to_string(file) {
            return url;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut err));
            panic!("lastmile ended ({status}) before opening a browser: {err}");
        }
        assert!(Instant::now() < deadline, "no browser was opened");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn finish(child: Child) -> (i32, serde_json::Value, String) {
    let out = child.wait_with_output().expect("lastmile ends");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (out.status.code().unwrap_or(-1), json, stderr)
}

/// Signs `login` in on the provider's pages: the sign-in form, then the consent button.
pub(crate) async fn sign_in_in_the_browser(c: &Client, url: &str, login: &str) {
    c.goto(url).await.expect("the provider's page");
    c.wait()
        .for_element(Locator::Css("input[name=login]"))
        .await
        .expect("sign-in form")
        .send_keys(login)
        .await
        .expect("type");
    c.find(Locator::Css("input[name=password]")).await.expect("password").send_keys("any").await.expect("type");
    c.find(Locator::Css("button[type=submit]")).await.expect("button").click().await.expect("sign in");
    // Native clients are asked for consent on this provider.
    if let Ok(button) =
        c.wait().at_most(Duration::from_secs(5)).for_element(Locator::Css("input[value=consent] ~ button")).await
    {
        button.click().await.expect("continue");
    }
}

pub(crate) async fn page_text(c: &Client) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = c.find(Locator::Css("body")).await.ok();
        if let Some(body) = text {
            let t = body.text().await.unwrap_or_default();
            if t.contains("close this tab") {
                return t;
            }
        }
        assert!(Instant::now() < deadline, "the app's page never came");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn join_with_the_organisations_sign_in_in_a_real_browser() {
    require_keyring();
    let idp = Idp::start(json!({
        "clients": [native_client("lastmile-desktop")],
        "accounts": { "ada@acme.test": { "name": "Ada Lovelace", "groups": ["admins"] } },
    }));
    let (server, home, url_file) = setup(&idp, false);
    let driver = chromedriver();
    let c = browser(&driver).await;

    let mut child = join(&home, &server, &[]);
    let url = wait_for_url(&url_file, &mut child);
    assert!(url.starts_with(&format!("{}/auth?", idp.issuer)), "{url}");
    assert!(
        url.contains("code_challenge_method=S256") && url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A"),
        "{url}"
    );
    sign_in_in_the_browser(&c, &url, "ada@acme.test").await;
    let page = page_text(&c).await;
    assert!(page.contains("joined to Acme Ltd as ada@acme.test"), "{page}");
    let (code, outcome, err) = finish(child);
    assert_eq!(code, 0, "{outcome} {err}");
    assert_eq!(
        (outcome["user_email"].as_str(), outcome["organisation"].as_str()),
        (Some("ada@acme.test"), Some("Acme Ltd"))
    );
    c.close().await.expect("close");

    // Joined as an invite would: the device reports, her group came from the provider, the
    // join is audited with its provider.
    let (_, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!(status["enrollment"]["joined"], true, "{status}");
    assert_eq!(status["enrollment"]["server_view"]["reports_received"], 1, "{status}");
    let group = server.query_json("SELECT group_name FROM user_compliance").expect("query");
    assert_eq!(group, vec![json!({ "group_name": "high-risk" })]);
    let audit = server.admin(&["audit"]).expect("audit");
    let joined: Vec<serde_json::Value> = audit
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["kind"] == "device.joined")
        .collect();
    assert_eq!(joined.len(), 1, "{audit}");
    assert_eq!(joined[0]["detail"]["via"], "sso", "{audit}");

    // Joining again is refused locally, before any sign-in.
    let (code, v, _) = home.run_json(&["join", "--sso", "--org", "acme", "--server", &server.url(), "--json"]);
    assert_eq!((code, v["error"]["code"].as_str()), (5, Some("already_joined")), "{v}");
}

#[tokio::test]
async fn a_refused_or_abandoned_sign_in_joins_nothing() {
    require_keyring();
    let idp = Idp::start(json!({ "clients": [native_client("lastmile-desktop")] }));
    let (server, home, url_file) = setup(&idp, false);
    let driver = chromedriver();
    let c = browser(&driver).await;

    // Someone unknown to Acme (just-in-time creation is off): the tab and the app say why.
    let mut child = join(&home, &server, &[]);
    let url = wait_for_url(&url_file, &mut child);
    sign_in_in_the_browser(&c, &url, "bob@acme.test").await;
    let page = page_text(&c).await;
    assert!(page.contains("did not join") && page.contains("ask your IT team"), "{page}");
    let (code, v, _) = finish(child);
    assert_eq!((code, v["error"]["code"].as_str()), (5, Some("sso_not_allowed")), "{v}");
    std::fs::remove_file(&url_file).expect("rm");

    // A redirect that carries another state: refused, not believed.
    let mut child = join(&home, &server, &[]);
    let url = wait_for_url(&url_file, &mut child);
    let redirect = url::Url::parse(&url).expect("url");
    let redirect_uri = redirect.query_pairs().find(|(k, _)| k == "redirect_uri").expect("redirect_uri").1.into_owned();
    let forged = reqwest::get(format!("{redirect_uri}?code=stolen&state=not-yours")).await.expect("loopback");
    assert_eq!(forged.status(), 400);
    let (code, v, _) = finish(child);
    assert_eq!((code, v["error"]["code"].as_str()), (5, Some("sso_failed")), "{v}");
    std::fs::remove_file(&url_file).expect("rm");

    // The person closes the browser without signing in: the app gives up after its timeout.
    let mut child = join(&home, &server, &["--timeout", "3"]);
    let url = wait_for_url(&url_file, &mut child);
    c.goto(&url).await.expect("the provider's page");
    c.close().await.expect("the browser closed");
    let (code, v, _) = finish(child);
    assert_eq!((code, v["error"]["code"].as_str()), (5, Some("sso_cancelled")), "{v}");

    // Nothing joined, nothing kept: the device can still join.
    assert_eq!(server.query_json("SELECT COUNT(*) AS n FROM devices").expect("count"), vec![json!({ "n": 0 })]);
    let (_, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!(status["enrollment"]["joined"], false, "{status}");

    // Which organisation: none named and none set is a question, before any sign-in; one
    // set by IT cannot be swapped for another.
    let url = server.url();
    let (code, v, _) = home.run_json(&["join", "--sso", "--server", &url, "--json"]);
    assert_eq!((code, v["error"]["code"].as_str()), (2, Some("invalid_input")), "{v}");
    std::fs::write(home.managed_path(), json!({ "organisation": "acme" }).to_string()).expect("managed");
    let (code, v, _) = home.run_json(&["join", "--sso", "--org", "globex", "--server", &url, "--json"]);
    assert_eq!((code, v["error"]["code"].as_str()), (3, Some("managed_setting")), "{v}");
    assert_eq!(server.query_json("SELECT COUNT(*) AS n FROM sso_flows").expect("count"), vec![json!({ "n": 3 })]);
}

/// Time from the click (`lastmile join --sso` starting) to a joined device, with the real
/// server and identity provider on loopback and Chromium signing in, leaving out the
/// person's part: Lastmile's share is click → browser asked to open the sign-in, plus the
/// last click at the provider → joined (the redirect, the code redeemed at the provider by
/// the server, the join, the first report). The provider's own pages are shown apart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: scripts/bench.sh runs it"]
#[allow(clippy::print_stdout)] // its table is its output
async fn bench_joining_with_the_organisations_sign_in() {
    let idp = Idp::start(json!({
        "clients": [native_client("lastmile-desktop")],
        "accounts": { "ada@acme.test": { "name": "Ada Lovelace", "groups": ["admins"] } },
    }));
    let (server, _, _) = setup(&idp, false);
    let driver = chromedriver();
    let c = browser(&driver).await;
    let (mut to_browser, mut at_provider, mut to_joined, mut share) = (vec![], vec![], vec![], vec![]);
    for _ in 0..10 {
        // A new device each time (its own home), the same person, signed out at the provider
        // (its session cookie would skip the sign-in form).
        c.delete_all_cookies().await.expect("sign out at the provider");
        let (home, url_file) = home_with_browser();
        let clicked = Instant::now();
        let mut child = join(&home, &server, &[]);
        let url = loop {
            if let Ok(url) = std::fs::read_to_string(&url_file) {
                break url;
            }
            assert!(child.try_wait().expect("wait").is_none(), "lastmile ended before opening a browser");
            std::thread::sleep(Duration::from_millis(1));
        };
        let opened = Instant::now();
        c.goto(&url).await.expect("the provider's page");
        c.wait()
            .for_element(Locator::Css("input[name=login]"))
            .await
            .expect("form")
            .send_keys("ada@acme.test")
            .await
            .expect("type");
        c.find(Locator::Css("input[name=password]")).await.expect("password").send_keys("any").await.expect("type");
        let mut last_click = Instant::now();
        c.find(Locator::Css("button[type=submit]")).await.expect("button").click().await.expect("sign in");
        if let Ok(button) =
            c.wait().at_most(Duration::from_secs(5)).for_element(Locator::Css("input[value=consent] ~ button")).await
        {
            last_click = Instant::now();
            button.click().await.expect("continue");
        }
        let (code, outcome, err) = finish(child);
        let joined = Instant::now();
        assert_eq!(code, 0, "{outcome} {err}");
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        to_browser.push(ms(opened - clicked));
        at_provider.push(ms(last_click - opened));
        to_joined.push(ms(joined - last_click));
        share.push(ms(opened - clicked) + ms(joined - last_click));
    }
    c.close().await.expect("close");
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let worst = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    println!("| joining with the organisation's sign-in (loopback, 10 joins) | median | worst |\n|---|---|---|");
    for (what, v) in [
        ("click → the browser asked to open the sign-in (settings, flow started on the server)", &to_browser),
        ("last click at the provider → joined (redirect, code redeemed, device joined, first report)", &to_joined),
        ("**Lastmile's share of click → joined** (the two above)", &share),
        ("the provider's own pages in Chromium, typed by the test (not Lastmile's)", &at_provider),
    ] {
        println!("| {what} | {:.0} ms | {:.0} ms |", median(v), worst(v));
    }
}
