//! The durable outbox with real processes: a dead network, a server restart, an answer that
//! never arrives, and the app killed while it waits. Rows are counted on the server.

use std::time::{Duration, Instant};

use lastmile_tests::{FlakyProxy, Home, Server, require_keyring};

fn reports(server: &Server) -> i64 {
    server.stats().expect("stats")["posture_reports"].as_i64().expect("count")
}

fn pending(home: &Home) -> serde_json::Value {
    let (_, status, _) = home.run_json(&["status", "--json"]);
    status["enrollment"]["outbox"].clone()
}

#[test]
fn reports_wait_out_a_dead_server_and_arrive_once() {
    require_keyring();
    let data = tempfile::tempdir().expect("data dir");
    let port = lastmile_tests::free_port();
    let (server, home) = Server::joined_on(data.path(), port).expect("server and a joined device");
    assert_eq!(reports(&server), 1, "the first report, at join");
    assert_eq!(pending(&home)["pending"], 0);
    server.stop().expect("stop");

    // The server is gone: each report is kept, and the person is told so.
    for n in 1..=2 {
        let (code, _, err) = home.run(&["report"]);
        assert_eq!(code, 4, "{err}");
        assert!(err.contains(&format!("{n} report(s) kept on this device")), "{err}");
    }
    let outbox = pending(&home);
    assert_eq!(outbox["pending"], 2, "{outbox}");
    assert!(outbox["next_try_at_ms"].as_i64().is_some() && outbox["last_error"].is_string(), "{outbox}");

    // Back on the same data: the two waiting reports go first, then the new one.
    let server = Server::start_on(data.path(), port).expect("restart");
    let (code, view, err) = home.run_json(&["report", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(view["reports_received"], 4, "{view}");
    assert_eq!(reports(&server), 4, "1 + 2 kept + 1 new, none twice");
    assert_eq!(pending(&home)["pending"], 0);
}

#[test]
fn a_lost_answer_and_a_killed_app_do_not_double_a_report() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let proxy = FlakyProxy::start(server.port, "/v1/posture");
    let (_, link) = server.invite_via(&proxy.url()).expect("invite");
    let home = Home::new().expect("home");
    assert_eq!(home.run(&["join", &link]).0, 0);
    assert_eq!(reports(&server), 1);

    // The server stores the report, the answer is lost: the app keeps it.
    proxy.drop_next(1);
    let (code, _, err) = home.run(&["report"]);
    assert_ne!(code, 0, "{err}");
    assert_eq!(reports(&server), 2, "the server has it");
    assert_eq!(pending(&home)["pending"], 1, "the app does not know that");

    // The next run sends it again, byte for byte: recognised, not stored twice.
    let (code, _, err) = home.run(&["report"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(reports(&server), 3, "the lost one once, and the new one");

    // The app is killed after the server stored a new report and before the answer came.
    proxy.hold_next(1);
    let mut child = home.lastmile(&["report"]).spawn().expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    while proxy.held() < 1 {
        assert!(Instant::now() < deadline, "the report never reached the server");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill");
    let _ = child.wait();
    assert_eq!(reports(&server), 4, "the server has it");
    assert_eq!(pending(&home)["pending"], 1, "the killed app kept it");

    let (code, view, err) = home.run_json(&["report", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(pending(&home)["pending"], 0);
    assert_eq!(reports(&server), 5, "the killed one once, and the new one: {view}");
    assert_eq!(view["reports_received"], 5);
}
