//! The traveller: `lastmile recover` on a fresh device, with a wrong clock and a network
//! that loses answers, against the real server.

use std::io::Write;
use std::sync::{Arc, Mutex};

use lastmile_tests::{FlakyProxy, Home, Server};

use crate::cli::faketime_lib;
use crate::factors::{interactive, joined, wait_for};

/// The `ABCD-EFGH-JKMN-PQRS` codes in a piece of output, in order.
fn codes_in(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().split_once(". ").map(|(_, c)| c.trim().to_string()))
        .filter(|c| c.len() == 19 && c.matches('-').count() == 3)
        .collect()
}

/// Ada's laptop, joined, with confirmed recovery codes (returned).
pub(crate) fn laptop_with_codes() -> (Server, Home, Vec<String>) {
    let (server, laptop) = joined();
    let (mut child, out, mut stdin) = interactive(&laptop, &["enroll", "recovery-codes"]);
    let codes = codes_in(&wait_for(&out, "confirm you kept them: ", 1));
    assert_eq!(codes.len(), 10);
    writeln!(stdin, "{}", codes[9]).expect("type");
    assert!(child.wait().expect("wait").success());
    (server, laptop, codes)
}

fn text(out: &Arc<Mutex<String>>) -> String {
    out.lock().map(|b| b.clone()).unwrap_or_default()
}

pub(crate) fn audit_kinds(server: &Server) -> Vec<String> {
    server
        .admin(&["audit"])
        .expect("audit")
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("event")["kind"].as_str().unwrap_or("").to_string()
        })
        .collect()
}

#[test]
fn the_traveller_recovers_on_a_new_device_with_a_wrong_clock() {
    let (server, laptop, codes) = laptop_with_codes();
    let traveller = Home::new().expect("home");
    let file = traveller.path().join("new-codes.txt");
    let url = server.url();
    let args = [
        "--server",
        url.as_str(),
        "recover",
        "--user",
        "Ada@acme.test",
        "--revoke",
        "all",
        "--skip-totp",
        "--save",
        file.to_str().expect("path"),
    ];
    // The hotel computer's clock is 90 s fast.
    let mut cmd = traveller.lastmile(&args);
    cmd.env("LD_PRELOAD", faketime_lib()).env("FAKETIME", "+90").env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
    let (mut child, out, mut stdin) = crate::factors::spawn_interactive(cmd);

    wait_for(&out, "One of your recovery codes: ", 1);
    writeln!(stdin, "ZZZZ-ZZZZ-ZZZZ-ZZZZ").expect("type");
    let shown = wait_for(&out, "One of your recovery codes: ", 2);
    assert!(shown.contains("do not match"), "{shown}");
    writeln!(stdin, "{}", codes[0].to_lowercase()).expect("type");

    let shown = wait_for(&out, "confirm you kept them: ", 1);
    assert!(
        shown.contains("clock is 90.0 s ahead of the server. Recovery works regardless"),
        "the clock first: {shown}"
    );
    assert!(shown.contains("before setting up an authenticator app:\n  1. "), "with the steps to fix it: {shown}");
    assert!(shown.contains("9 left in the old set"), "{shown}");
    assert!(shown.contains("Revoked 2 item(s)"), "the laptop and its recovery codes: {shown}");
    let fresh = codes_in(shown.split("Finally").nth(1).expect("new codes shown"));
    assert_eq!(fresh.len(), 10, "{shown}");
    assert!(fresh.iter().all(|c| !codes.contains(c)));
    writeln!(stdin, "{}", fresh[2]).expect("type");
    let status = child.wait().expect("wait");
    let shown = text(&out);
    assert!(status.success(), "{shown}");
    assert!(shown.contains("Recovered."), "{shown}");
    let saved = std::fs::read_to_string(&file).expect("saved codes");
    assert!(fresh.iter().all(|c| saved.contains(c.as_str())));

    // The traveller's device is joined and holds the new codes as its verified factor.
    let (code, status, err) = traveller.run_json(&["status", "--json"]);
    assert_eq!(status["enrollment"]["user_email"], "ada@acme.test", "{status} {err}");
    assert_eq!(status["enrollment"]["server_view"]["best_tier"], "recovery", "{status}");
    assert_eq!(code, 0, "{status}");
    // The lost laptop no longer gets in.
    let (code, _, err) = laptop.run(&["report"]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("revoked"), "{err}");
    // The old set is void: every old code is refused, whatever the device.
    let stranger = Home::new().expect("home");
    let mut child = stranger
        .lastmile(&["--server", &url, "recover", "--user", "ada@acme.test", "--skip-totp", "--revoke", "none"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut input = child.stdin.take().expect("stdin");
    writeln!(input, "{}\n{}\n{}", codes[1], codes[2], codes[9]).expect("type");
    drop(input);
    let (code, _, err) = lastmile_tests::output(child.wait_with_output().expect("wait"));
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("do not match"), "{err}");

    let kinds = audit_kinds(&server);
    for want in [
        "recovery.signed_in",
        "device.revoked",
        "factor.revoked",
        "recovery_codes.issued",
        "recovery.session_ended",
        "recovery.sign_in_refused",
    ] {
        assert!(kinds.iter().any(|k| k == want), "{want} missing from {kinds:?}");
    }
    let signed = kinds.iter().position(|k| k == "recovery.signed_in").expect("signed in");
    let ended = kinds.iter().position(|k| k == "recovery.session_ended").expect("ended");
    assert!(signed < ended, "{kinds:?}");
}

#[test]
fn a_lost_answer_does_not_cost_the_recovery_code() {
    let (server, _laptop, codes) = laptop_with_codes();
    let proxy = FlakyProxy::start(server.port, "/v1/recovery/sign-in");
    let traveller = Home::new().expect("home");
    let url = proxy.url();
    let args = ["--server", url.as_str(), "recover", "--user", "ada@acme.test", "--revoke", "none", "--skip-totp"];

    // Every answer to the sign-in is lost: the server uses the code, the app never hears.
    proxy.drop_next(3);
    let (mut child, out, mut stdin) = interactive(&traveller, &args);
    wait_for(&out, "One of your recovery codes: ", 1);
    writeln!(stdin, "{}", codes[0]).expect("type");
    let status = child.wait().expect("wait");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err).expect("stderr");
    assert_eq!(status.code(), Some(4), "{err}");
    assert!(err.contains("Your code is safe"), "{err}");
    assert_eq!(proxy.dropped(), 3, "the app retried twice with the same attempt");
    let stats = server.stats().expect("stats");
    assert_eq!((stats["recovery_signins"].as_i64(), stats["devices"].as_i64()), (Some(1), Some(2)), "{stats}");

    // The network is back; the same code continues that sign-in, now or in a later run.
    continues_with_the_same_code(&server, &traveller, &args, &codes[0]);
}

/// A run of `lastmile recover ARGS` with `code` continues the sign-in an earlier run started:
/// the app says so, the person confirms a new code, and the server has one sign-in (audited as
/// resumed) and one new device.
fn continues_with_the_same_code(server: &Server, traveller: &Home, args: &[&str], code: &str) {
    let (mut child, out, mut stdin) = interactive(traveller, args);
    wait_for(&out, "One of your recovery codes: ", 1);
    writeln!(stdin, "{code}").expect("type");
    let shown = wait_for(&out, "confirm you kept them: ", 1);
    assert!(shown.contains("continuing an earlier attempt"), "{shown}");
    let fresh = codes_in(shown.split("Finally").nth(1).expect("new codes"));
    writeln!(stdin, "{}", fresh[0]).expect("type");
    assert!(child.wait().expect("wait").success(), "{}", text(&out));
    let stats = server.stats().expect("stats");
    assert_eq!(
        (stats["recovery_signins"].as_i64(), stats["devices"].as_i64()),
        (Some(1), Some(2)),
        "one sign-in, one new device: {stats}"
    );
    assert!(audit_kinds(server).iter().any(|k| k == "recovery.sign_in_resumed"));
}

/// The app is killed (SIGKILL) after the server used the code and before the answer arrived:
/// the attempt it wrote down before signing in lets the next run continue that sign-in with
/// the same code, on the same device record.
#[test]
fn a_killed_recover_run_is_continued_by_the_next() {
    let (server, _laptop, codes) = laptop_with_codes();
    let proxy = FlakyProxy::start(server.port, "/v1/recovery/sign-in");
    let traveller = Home::new().expect("home");
    let url = proxy.url();
    let args = ["--server", url.as_str(), "recover", "--user", "ada@acme.test", "--revoke", "none", "--skip-totp"];

    proxy.hold_next(1);
    let (mut child, out, mut stdin) = interactive(&traveller, &args);
    wait_for(&out, "One of your recovery codes: ", 1);
    writeln!(stdin, "{}", codes[0]).expect("type");
    // The server has signed in and the app waits for its answer: now the app dies.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while proxy.held() < 1 {
        assert!(std::time::Instant::now() < deadline, "the sign-in reached the server");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let stats = server.stats().expect("stats");
    assert_eq!((stats["recovery_signins"].as_i64(), stats["devices"].as_i64()), (Some(1), Some(2)), "{stats}");

    continues_with_the_same_code(&server, &traveller, &args, &codes[0]);
}
