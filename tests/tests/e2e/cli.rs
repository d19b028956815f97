//! The `lastmile` binary against the real `lastmile-server` on loopback.

use lastmile_tests::{Chrony, Home, Server, fake_http, problem_codes, require_keyring};

#[test]
fn version_and_usage_exit_codes() {
    let home = Home::new().expect("home");
    let (code, out, _) = home.run(&["--version"]);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), format!("lastmile {}", env!("CARGO_PKG_VERSION")));
    let (code, _, err) = home.run(&["status", "--bogus"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = home.run(&["join", "NOT-A-CODE"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("must be 16 letters or digits"), "{err}");
}

#[test]
fn join_report_and_read_back_through_the_server() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let (_code, link) = server.invite().expect("invite");
    let home = Home::new().expect("home");

    let (code, v, err) = home.run_json(&["join", &link, "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["user_email"], "ada@acme.test");
    assert_eq!(v["organisation"], "Acme Ltd");
    let device_id = v["device_id"].as_str().expect("device id").to_string();

    // The state file names the device; the credential is not in it.
    let state = std::fs::read_to_string(home.state_path()).expect("state file");
    assert!(state.contains(&device_id), "{state}");
    assert!(!state.contains("lmd_"), "the device token must stay in the keyring: {state}");

    // A report goes through and the server's answer is what it stored.
    let (code, view, err) = home.run_json(&["report", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(view["device_id"], device_id.as_str());
    assert_eq!(view["reports_received"], 2, "join sends a first report, then this one");
    assert_eq!(view["user"]["email"], "ada@acme.test");
    let claims = &view["last_claims"];
    assert_eq!(claims["device"]["arch"], std::env::consts::ARCH);
    assert!(claims["clock"]["offset_ms"].as_i64().is_some_and(|o| o.abs() < 1_000), "{claims}");
    assert!(view["verified_factors"].as_array().is_some_and(Vec::is_empty));
    assert_eq!(server.stats().expect("stats")["posture_reports"], 2);

    // status --json: everything fine, exit 0, the server's view included.
    let (code, status, err) = home.run_json(&["status", "--json"]);
    assert_eq!(code, 0, "{err} {status}");
    assert_eq!(status["schema_version"], 1);
    assert_eq!(status["server"]["reachable"], true);
    assert_eq!(status["server"]["source"], "user");
    assert_eq!(status["enrollment"]["joined"], true);
    assert_eq!(status["enrollment"]["server_view"]["reports_received"], 2);
    assert_eq!(status["clock"]["verdict"], "ok");
    assert_eq!(status["clock"]["source"], "server");
    assert!(problem_codes(&status).is_empty(), "{status}");

    // Leaving removes the credential and the enrollment.
    let (code, out, _) = home.run(&["leave"]);
    assert_eq!(code, 0);
    assert!(out.contains("left"), "{out}");
    let (code, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!((code, problem_codes(&status)), (5, vec!["not_joined".to_string()]));
}

#[test]
fn server_unreachable_is_reported_not_crashed() {
    require_keyring();
    let home = Home::new().expect("home");
    let port = lastmile_tests::free_port();
    let (code, status, _) = home.run_json(&["status", "--json", "--server", &format!("http://127.0.0.1:{port}")]);
    assert_eq!(code, 4);
    assert_eq!(status["server"]["reachable"], false);
    assert_eq!(status["server"]["source"], "command_line");
    assert_eq!(status["clock"]["source"], "none");
    assert!(problem_codes(&status).contains(&"server_unreachable".to_string()), "{status}");
    // The device side is still there.
    assert_eq!(status["device"]["arch"], std::env::consts::ARCH);

    let (code, v, err) =
        home.run_json(&["join", "ABCD-EFGH-JKMN-PQRS", "--json", "--server", &format!("http://127.0.0.1:{port}")]);
    assert_eq!(code, 4, "{err}");
    assert_eq!(v["error"]["code"], "server_unreachable");
    assert!(!home.state_path().exists(), "a failed join writes nothing");
}

#[test]
fn garbage_and_500_answers_are_server_errors() {
    require_keyring();
    let home = Home::new().expect("home");
    let cases: [(&'static [u8], &str); 3] = [
        (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 9\r\nconnection: close\r\n\r\nnot json!", "not the expected JSON"),
        (b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/html\r\ncontent-length: 13\r\nconnection: close\r\n\r\n<h1>oops</h1>", "HTTP 500"),
        (b"HTTP/1.1 302 Found\r\nlocation: http://portal.example/\r\ncontent-length: 0\r\nconnection: close\r\n\r\n", "captive portal"),
    ];
    for (response, needle) in cases {
        let port = fake_http(response);
        let url = format!("http://127.0.0.1:{port}");
        let (code, status, _) = home.run_json(&["status", "--json", "--server", &url]);
        assert_eq!(code, 4, "{status}");
        let problems = status["problems"].as_array().expect("problems");
        let server_problem =
            problems.iter().find(|p| p["code"] == "server_error").unwrap_or_else(|| panic!("{status}"));
        assert!(server_problem["message"].as_str().is_some_and(|m| m.contains(needle)), "{server_problem}");

        let (code, v, _) = home.run_json(&["join", "ABCD-EFGH-JKMN-PQRS", "--json", "--server", &url]);
        assert_eq!((code, v["error"]["code"].as_str()), (4, Some("server_error")), "{v}");
    }
    assert!(!home.state_path().exists());
}

#[test]
fn invalid_or_unreadable_managed_settings() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let home = Home::new().expect("home");
    let cases = [
        ("{ \"server_url\": ", "not valid settings JSON"),
        ("{ \"server_url\": 443 }", "invalid type: integer `443`, expected a string"),
        ("{ \"server_url\": \"http://mfa.example.com\" }", "use https"),
    ];
    for (content, needle) in cases {
        std::fs::write(home.managed_path(), content).expect("write managed");
        let (code, status, _) = home.run_json(&["status", "--json", "--server", &server.url()]);
        assert_eq!(code, 3, "{status}");
        let p = &status["problems"][0];
        assert_eq!(p["code"], "managed_settings_invalid", "{status}");
        assert!(p["message"].as_str().is_some_and(|m| m.contains(needle)), "{p}");

        // Joining is refused while IT's settings are broken, and the invite is not spent.
        let (_, link) = server.invite().expect("invite");
        let (code, v, _) = home.run_json(&["join", &link, "--json"]);
        assert_eq!((code, v["error"]["code"].as_str()), (3, Some("config_invalid")), "{v}");
        assert_eq!(server.stats().expect("stats")["devices"], 0);
    }
    // Unreadable (a directory where the file should be).
    std::fs::remove_file(home.managed_path()).expect("rm");
    std::fs::create_dir(home.managed_path()).expect("mkdir");
    let (code, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!(code, 3);
    assert!(status["problems"][0]["message"].as_str().is_some_and(|m| m.contains("cannot read it")), "{status}");
}

/// Configuration tools each own a fragment: `managed.d/*.json` laid over `managed.json` in
/// name order. A key this version does not know (a template for a newer one) is reported,
/// and the known keys still apply: the device joins the pinned server.
#[test]
fn managed_drop_ins_apply_in_order_and_unknown_keys_are_reported() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let home = Home::new().expect("home");
    std::fs::write(home.managed_path(), r#"{"server_url": "https://not-this-one.example.com"}"#).expect("write");
    let drop_ins = home.managed_path().with_file_name("managed.d");
    std::fs::create_dir(&drop_ins).expect("mkdir");
    std::fs::write(drop_ins.join("10-server.json"), format!(r#"{{"server_url": "{}"}}"#, server.url())).expect("write");
    std::fs::write(drop_ins.join("20-newer.json"), r#"{"organisation": "acme", "tray": "always"}"#).expect("write");
    let (code, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!(code, 5, "not joined is the only thing that matters: {status}");
    let settings = status["settings"].as_array().expect("settings");
    let setting = |key: &str| settings.iter().find(|s| s["key"] == key).cloned().unwrap_or_default();
    assert_eq!(setting("server_url")["value"], format!("{}/", server.url()), "{status}");
    assert_eq!(
        (setting("organisation")["value"].as_str(), setting("organisation")["locked"].as_bool()),
        (Some("acme"), Some(true))
    );
    let problems = status["problems"].as_array().expect("problems");
    let unknown =
        problems.iter().find(|p| p["code"] == "managed_settings_unknown").unwrap_or_else(|| panic!("{status}"));
    let message = unknown["message"].as_str().unwrap_or_default();
    assert!(message.contains("tray (in ") && message.contains("20-newer.json"), "{message}");
    assert!(!problems.iter().any(|p| p["code"] == "managed_settings_invalid"), "{status}");
    let (_, link) = server.invite().expect("invite");
    let (code, v, _) = home.run_json(&["join", &link, "--json"]);
    assert_eq!(code, 0, "{v}");
    let (code, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!(code, 0, "an unknown key alone is advice, not a failure: {status}");
}

/// The log files' level is IT's to set (`log_level`): at debug they hold the HTTP client's
/// debug lines, at the default (info) they do not, and the setting is shown as managed.
#[test]
fn the_log_level_follows_the_policy() {
    let server = Server::start().expect("server");
    let logs = |home: &Home| home.logs();
    let plain = Home::new().expect("home");
    plain.lastmile(&["--server", &server.url(), "status"]).output().expect("status");
    assert!(!logs(&plain).contains("DEBUG"), "info by default:\n{}", logs(&plain));

    let managed = Home::new().expect("home");
    std::fs::write(managed.managed_path(), r#"{"log_level": "debug"}"#).expect("write");
    let (_, status, _) = managed.run_json(&["--server", &server.url(), "status", "--json"]);
    let level = status["settings"].as_array().and_then(|s| s.iter().find(|s| s["key"] == "log_level").cloned());
    assert_eq!(
        level.map(|l| (l["value"].clone(), l["locked"].clone())),
        Some(("debug".into(), true.into())),
        "{status}"
    );
    assert!(logs(&managed).contains("DEBUG"), "debug by policy:\n{}", logs(&managed));

    std::fs::write(managed.managed_path(), r#"{"log_level": "loud"}"#).expect("write");
    let (_, status, _) = managed.run_json(&["status", "--json"]);
    let problems = serde_json::to_string(&status["problems"]).expect("json");
    assert!(problems.contains("log_level") && problems.contains("error, warn, info, debug"), "{problems}");
}

#[test]
fn a_managed_server_is_locked() {
    require_keyring();
    let server = Server::start().expect("server");
    let home = Home::new().expect("home");
    std::fs::write(
        home.managed_path(),
        format!("{{\"server_url\": \"{}\", \"report_interval_minutes\": 30}}", server.url()),
    )
    .expect("write managed");
    let (code, _, err) = home.run(&["status", "--json", "--server", "https://other.example.com"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("set by your organisation"), "{err}");

    let (_, status, _) = home.run_json(&["status", "--json"]);
    let settings = status["settings"].as_array().expect("settings");
    let server_setting = settings.iter().find(|s| s["key"] == "server_url").expect("server_url");
    assert_eq!((server_setting["source"].as_str(), server_setting["locked"].as_bool()), (Some("managed"), Some(true)));
    let interval = settings.iter().find(|s| s["key"] == "report_interval_minutes").expect("interval");
    assert_eq!(interval["value"], "30");
    assert_eq!(status["server"]["reachable"], true);

    // An invite pointing elsewhere is refused, not followed.
    let (code, v, _) = home.run_json(&[
        "join",
        "lastmile://join?code=ABCD-EFGH-JKMN-PQRS&server=https%3A%2F%2Fphish.example.com",
        "--json",
    ]);
    assert_eq!((code, v["error"]["code"].as_str()), (3, Some("managed_setting")), "{v}");
}

#[test]
fn no_keyring_is_said_clearly_and_spends_nothing() {
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let (code, _) = server.invite().expect("invite");
    let home = Home::new().expect("home");
    let no_dbus = |args: &[&str]| {
        lastmile_tests::output(
            home.lastmile(args).env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus").output().expect("run"),
        )
    };
    let (exit, out, err) = no_dbus(&["join", &code, "--server", &server.url(), "--json"]);
    assert_eq!(exit, 6, "{out} {err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["error"]["code"], "keyring_unavailable");
    assert!(err.contains("invite was not used"), "{err}");
    assert_eq!(server.stats().expect("stats")["devices"], 0);

    let (exit, out, _) = no_dbus(&["status", "--json", "--server", &server.url()]);
    let status: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(problem_codes(&status).contains(&"keyring_unavailable".to_string()), "{status}");
    assert_eq!(status["enrollment"]["keyring"]["available"], false);
    assert_eq!(exit, 6);

    // With the keyring back, the same invite still works.
    require_keyring();
    let (exit, _, err) = home.run(&["join", &code, "--server", &server.url()]);
    assert_eq!(exit, 0, "{err}");
}

#[test]
fn expired_and_reused_invites() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let home = Home::new().expect("home");

    // An invite made two hours ago with a one-hour lifetime (the admin runs under faketime).
    let out = server
        .admin_command(&["invite", "create", "--org", "acme", "--email", "ada@acme.test", "--ttl-hours", "1", "--json"])
        .env("LD_PRELOAD", faketime_lib())
        .env("FAKETIME", "-2h")
        .output()
        .expect("faketime admin");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let inv: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let expired = inv["code"].as_str().expect("code");
    let (code, v, _) = home.run_json(&["join", expired, "--json", "--server", &server.url()]);
    assert_eq!((code, v["error"]["code"].as_str()), (5, Some("invite_expired")), "{v}");

    let (good, _) = server.invite().expect("invite");
    let (code, _, err) = home.run(&["join", &good, "--server", &server.url()]);
    assert_eq!(code, 0, "{err}");
    let other = Home::new().expect("home");
    let (code, v, _) = other.run_json(&["join", &good, "--json", "--server", &server.url()]);
    assert_eq!((code, v["error"]["code"].as_str()), (5, Some("invite_used")), "{v}");
    assert!(v["error"]["hint"].as_str().is_some_and(|h| h.contains("IT")), "{v}");
    assert_eq!(server.stats().expect("stats")["devices"], 1);
}

#[test]
fn clock_offsets_under_faketime_are_measured_within_a_second() {
    let server = Server::start().expect("server");
    // (shift given to faketime, true offset in ms, verdict, exit code)
    let table =
        [("+45", 45_000, "fail", 7), ("-90", -90_000, "fail", 7), ("+3", 3_000, "ok", 0), ("+15", 15_000, "warn", 0)];
    for (shift, truth, verdict, exit) in table {
        let home = Home::new().expect("home");
        let out = home
            .lastmile(&["clock", "--json", "--server", &server.url()])
            .env("LD_PRELOAD", faketime_lib())
            .env("FAKETIME", shift)
            .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
            .output()
            .expect("run under faketime");
        let (code, stdout, stderr) = lastmile_tests::output(out);
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}"));
        let offset = v["offset_ms"].as_i64().expect("offset_ms");
        assert!((offset - truth).abs() <= 1_000, "{shift}: measured {offset} ms, truth {truth} ms");
        assert!(v["delay_ms"].as_i64().is_some_and(|d| d >= 0), "{v}");
        assert_eq!(
            (v["verdict"].as_str(), v["source"].as_str(), code),
            (Some(verdict), Some("server"), exit),
            "{shift}: {v}"
        );
        let steps = v["fix_steps"].as_array().expect("fix_steps");
        assert_eq!(steps.is_empty(), verdict == "ok", "{shift}: {v}");
    }
    // Without a server there is nothing to measure against: a clear error, not a guess.
    let home = Home::new().expect("home");
    let (code, v, _) = home.run_json(&["clock", "--json"]);
    assert_eq!((code, v["error"]["code"].as_str()), (4, Some("no_server")), "{v}");
}

/// `lastmile clock` at a terminal, in the person's language, with the steps for their desktop:
/// English by default, German from the `locale` setting; `--json` keeps its English field
/// names and gives the steps in the person's language with the platform they are for.
#[test]
fn a_fast_clock_is_explained_with_the_fix_for_this_desktop_in_the_persons_language() {
    let server = Server::start().expect("server");
    let home = Home::new().expect("home");
    let run = |args: &[&str]| {
        let out = home
            .lastmile(args)
            .env("LD_PRELOAD", faketime_lib())
            .env("FAKETIME", "+45")
            .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
            .env("XDG_CURRENT_DESKTOP", "ubuntu:GNOME")
            .output()
            .expect("run under faketime");
        lastmile_tests::output(out)
    };
    let (code, out, err) = run(&["clock", "--server", &server.url()]);
    assert_eq!(code, 7, "{out}{err}");
    assert!(out.starts_with("This device's clock is 4"), "{out}");
    assert!(out.contains(" s ahead of the server (±"), "{out}");
    assert!(
        out.contains("): authenticator codes will fail.\nTo fix it:\n  1. Open Settings > System > Date & Time.\n"),
        "{out}"
    );

    std::fs::create_dir_all(home.settings_path().parent().expect("dir")).expect("dir");
    std::fs::write(home.settings_path(), serde_json::json!({ "locale": "de" }).to_string()).expect("settings");
    let (code, out, _) = run(&["clock", "--server", &server.url()]);
    assert_eq!(code, 7, "{out}");
    assert!(out.starts_with("Die Uhr dieses Geräts geht 4"), "{out}");
    assert!(out.contains(" s vor dem Server (±"), "{out}");
    assert!(out.contains("): Authenticator-Codes werden fehlschlagen.\nSo beheben Sie es:\n"), "{out}");
    assert!(
        out.contains("  2. Schalten Sie „Automatische Datums- und Zeiteinstellung“ und „Automatische Zeitzone“ ein.\n"),
        "{out}"
    );

    let (_, out, _) = run(&["clock", "--json", "--server", &server.url()]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["fix_for"], "gnome", "{v}");
    assert_eq!(v["fix_steps"][0], "Öffnen Sie Einstellungen > System > Datum und Uhrzeit.", "{v}");
}

#[test]
fn clock_against_ntp_names_the_clock_that_is_wrong() {
    let ntp = Chrony::start().expect("chronyd");
    let server = Server::start().expect("server");
    let home = Home::new().expect("home");
    std::fs::create_dir_all(home.settings_path().parent().expect("dir")).expect("dir");
    let settings = |server: &Server| {
        serde_json::json!({ "server_url": server.url(), "ntp_servers": format!("{}, 127.0.0.1:9", ntp.setting()) })
            .to_string()
    };
    std::fs::write(home.settings_path(), settings(&server)).expect("settings");

    // This device is 45 s fast: the Lastmile server and chronyd both say so.
    let out = home
        .lastmile(&["clock", "--json"])
        .env("LD_PRELOAD", faketime_lib())
        .env("FAKETIME", "+45")
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
        .output()
        .expect("run under faketime");
    let (code, stdout, stderr) = lastmile_tests::output(out);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}"));
    assert_eq!((code, v["source"].as_str(), v["verdict"].as_str()), (7, Some("server"), Some("fail")), "{v}");
    let ntp_offset = v["ntp"][0]["offset_ms"].as_i64().expect("measured against chronyd");
    assert!((ntp_offset - 45_000).abs() <= 1_000, "{v}");
    assert_eq!(v["ntp"][0]["verdict"], "fail");
    assert!(v["ntp"][1]["error"].as_str().is_some_and(|e| e.contains("no answer")), "a dead NTP server: {v}");
    assert!(v["note"].is_null(), "the device is the one that is off: {v}");

    // Now the server's clock is 60 s slow and this device is right: the note says which.
    let slow = Server::start_with_env(&[
        ("LD_PRELOAD", faketime_lib().as_str()),
        ("FAKETIME", "-60"),
        ("FAKETIME_DONT_FAKE_MONOTONIC", "1"),
    ])
    .expect("server under faketime");
    std::fs::write(home.settings_path(), settings(&slow)).expect("settings");
    let (code, v, err) = home.run_json(&["clock", "--json"]);
    let offset = v["offset_ms"].as_i64().expect("offset");
    assert!((offset - 60_000).abs() <= 1_000, "{v} {err}");
    assert_eq!(code, 7);
    assert!(v["ntp"][0]["offset_ms"].as_i64().is_some_and(|o| o.abs() <= 1_000), "{v}");
    let note = v["note"].as_str().expect("a note about the server's clock");
    assert!(note.contains("Lastmile server's clock is 60") && note.contains("behind"), "{note}");

    // Without a Lastmile server, NTP alone gives the verdict.
    std::fs::write(home.settings_path(), serde_json::json!({ "ntp_servers": ntp.setting() }).to_string())
        .expect("settings");
    let (code, v, err) = home.run_json(&["clock", "--json"]);
    assert_eq!((code, v["source"].as_str()), (0, Some(format!("ntp:{}", ntp.setting()).as_str())), "{v} {err}");
}

#[test]
fn audit_verify_finds_a_row_changed_behind_the_servers_back() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let (code, _) = server.invite().expect("invite");
    let home = Home::new().expect("home");
    assert_eq!(home.run(&["join", &code, "--server", &server.url()]).0, 0);
    let intact = server.admin_command(&["audit", "verify"]).output().expect("verify");
    assert!(intact.status.success(), "{}", String::from_utf8_lossy(&intact.stderr));
    assert!(String::from_utf8_lossy(&intact.stdout).contains("audit log intact: 1 events chained"));

    // Exports for an auditor: CSV and JSON, with the chain hashes, for a date range.
    let csv = server.admin(&["audit", "export", "--format", "csv"]).expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("seq,at_ms,org_id,user_id,device_id,factor_id,kind,detail,prev_hash,hash"));
    assert!(lines[1].starts_with("1,") && lines[1].contains(",device.joined,"), "{csv}");
    let json: serde_json::Value =
        serde_json::from_str(&server.admin(&["audit", "export", "--format", "json"]).expect("json")).expect("json");
    assert_eq!(json[0]["hash"].as_str().map(str::len), Some(64), "{json}");
    let later = server.admin(&["audit", "export", "--from", "2999-01-01"]).expect("range");
    assert_eq!(later.lines().count(), 1, "only the header: {later}");

    // Someone with access to the database edits the log (the sqlite3 shell, or psql).
    server.sql("UPDATE audit_events SET device_id = 'dev_someone_else' WHERE seq = 1;").expect("edit");
    let tampered = server.admin_command(&["audit", "verify"]).output().expect("verify");
    let stderr = String::from_utf8_lossy(&tampered.stderr);
    assert!(!tampered.status.success());
    assert!(stderr.contains("NOT intact at event 1") && stderr.contains("changed"), "{stderr}");
}

/// Rewrites the audit chain consistently, as someone who can write the database could:
/// event 1 is given another device, and every hash from there on and the chain's head are
/// recomputed, so the chain's own check passes.
fn rewrite_chain_consistently(server: &Server) {
    let rows = server
        .query_json(
            "SELECT seq, at_ms, org_id, user_id, device_id, factor_id, kind, detail FROM audit_events \
              WHERE seq IS NOT NULL ORDER BY seq",
        )
        .expect("rows as JSON");
    let mut prev = lastmile_core::audit_chain::GENESIS.to_string();
    let mut sql = String::from("BEGIN;");
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    for r in &rows {
        let seq = r["seq"].as_i64().expect("seq");
        let device = if seq == 1 { Some("dev_someone_else".to_string()) } else { text(&r["device_id"]) };
        let (org, user, factor, kind, detail) =
            (text(&r["org_id"]), text(&r["user_id"]), text(&r["factor_id"]), text(&r["kind"]), text(&r["detail"]));
        let link = lastmile_core::audit_chain::Link {
            seq,
            at_ms: r["at_ms"].as_i64().expect("at"),
            org_id: org.as_deref().unwrap_or_default(),
            user_id: user.as_deref(),
            device_id: device.as_deref(),
            factor_id: factor.as_deref(),
            kind: kind.as_deref().unwrap_or_default(),
            detail: detail.as_deref().unwrap_or_default(),
        };
        let hash = link.hash(&prev);
        let device_sql = device.map_or("NULL".to_string(), |d| format!("'{d}'"));
        sql.push_str(&format!(
            "UPDATE audit_events SET device_id = {device_sql}, prev_hash = '{prev}', hash = '{hash}' WHERE seq = {seq};"
        ));
        prev = hash;
    }
    sql.push_str(&format!("UPDATE audit_head SET hash = '{prev}' WHERE id = 1; COMMIT;"));
    server.sql(&sql).expect("the rewrite");
}

/// The chain's own check cannot catch a chain rewritten from the start by someone who can
/// write the database; signed checkpoints kept outside it can: `audit verify --checkpoints`
/// fails on exactly that rewrite, and on a checkpoint file altered to match it.
#[test]
fn signed_checkpoints_catch_a_chain_rewritten_consistently() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let home = Home::new().expect("home");
    for _ in 0..2 {
        let (code, _) = server.invite().expect("invite");
        assert_eq!(home.run(&["join", &code, "--server", &server.url()]).0, 0);
        assert_eq!(home.run(&["leave"]).0, 0);
    }
    let outside = tempfile::tempdir().expect("a place outside the database");
    let checkpoints = outside.path().join("checkpoints.jsonl");
    let public = outside.path().join("checkpoint.pub.pem");
    let file = checkpoints.to_str().expect("utf8");
    let line = server.admin(&["audit", "checkpoint", "--file", file]).expect("checkpoint");
    let signed: serde_json::Value = serde_json::from_str(line.trim()).expect("a JSON line");
    assert!(signed["seq"].as_i64().is_some_and(|s| s >= 2), "{signed}");
    std::fs::write(&public, server.admin(&["audit", "checkpoint-key"]).expect("public key")).expect("pem");
    let verify = |extra: &[&str]| {
        let mut args = vec!["audit", "verify"];
        args.extend_from_slice(extra);
        let out = server.admin_command(&args).output().expect("verify");
        (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr))
    };
    let with_checkpoints = ["--checkpoints", file, "--checkpoint-public-key", public.to_str().expect("utf8")];
    let (ok, out) = verify(&with_checkpoints);
    assert!(ok && out.contains("matching 1 signed checkpoints"), "{out}");

    rewrite_chain_consistently(&server);
    let (ok, out) = verify(&[]);
    assert!(ok, "the chain alone looks intact after a consistent rewrite: {out}");
    let (ok, out) = verify(&with_checkpoints);
    assert!(!ok && out.contains("NOT intact") && out.contains("rewritten"), "{out}");

    // The checkpoint altered to match the rewritten chain: its signature no longer holds.
    let head = server.sql("SELECT hash FROM audit_head WHERE id = 1;").expect("head");
    let mut forged = signed.clone();
    forged["hash"] = serde_json::Value::String(head.trim().to_string());
    std::fs::write(&checkpoints, format!("{forged}\n")).expect("forge");
    let (ok, out) = verify(&with_checkpoints);
    assert!(!ok && out.contains("not signed by the checkpoint key"), "{out}");
}

pub(crate) fn faketime_lib() -> String {
    let candidates = [
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/faketime/libfaketime.so.1",
    ];
    candidates
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(|p| p.to_string())
        .expect("libfaketime is missing: apt-get install faketime (scripts/test.sh does)")
}

#[test]
fn corrupt_local_state_is_kept_and_set_aside() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let home = Home::new().expect("home");
    std::fs::create_dir_all(home.state_path().parent().expect("dir")).expect("mkdir");
    let garbage = "{\"version\": 1, \"enrollment\": {\"server_url\": tr";
    std::fs::write(home.state_path(), garbage).expect("write");

    let (code, status, _) = home.run_json(&["status", "--json", "--server", &server.url()]);
    assert_eq!(code, 3, "{status}");
    assert_eq!(status["problems"][0]["code"], "local_state_corrupt");
    assert_eq!(std::fs::read_to_string(home.state_path()).expect("kept"), garbage, "status must not touch it");

    let (_, link) = server.invite().expect("invite");
    let (code, _, err) = home.run(&["join", &link]);
    assert_eq!(code, 0, "{err}");
    let aside: Vec<_> = std::fs::read_dir(home.state_path().parent().expect("dir"))
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("state.json.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(std::fs::read_to_string(aside[0].path()).expect("aside"), garbage);

    // A broken user settings file is reported and left as it was.
    std::fs::write(home.settings_path(), "[1, 2").expect("write");
    let (code, status, _) = home.run_json(&["status", "--json", "--server", &server.url()]);
    assert!(problem_codes(&status).contains(&"user_settings_invalid".to_string()), "{status}");
    assert_eq!(code, 3);
    assert_eq!(std::fs::read_to_string(home.settings_path()).expect("kept"), "[1, 2");
}

#[test]
fn a_restarted_server_keeps_its_data_and_the_device_carries_on() {
    require_keyring();
    let data = tempfile::tempdir().expect("data dir");
    let port = lastmile_tests::free_port();
    let (server, home) = Server::joined_on(data.path(), port).expect("server and a joined device");
    let status = server.stop().expect("stop");
    assert!(status.success(), "SIGTERM must lead to a clean exit: {status:?}");

    // While the server is down the device says so ...
    let (code, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!(code, 4);
    assert!(problem_codes(&status).contains(&"server_unreachable".to_string()), "{status}");
    assert_eq!(status["enrollment"]["joined"], true, "the enrollment is not lost");

    // ... and once it is back, on the same data, everything carries on.
    let restarted = Server::start_on(data.path(), port).expect("restart");
    let (code, view, err) = home.run_json(&["report", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(view["reports_received"], 2);
    assert_eq!(restarted.stats().expect("stats")["devices"], 1);
}

/// The OpenID Connect provider through the binary: `--oidc-issuer` publishes discovery under
/// one spelling of the issuer, and `admin oidc-key` lists and rotates the signing keys in
/// their private file.
#[test]
fn the_oidc_provider_is_configured_and_its_keys_rotated_from_the_command_line() {
    let server = Server::start_with_env(&[("LASTMILE_OIDC_ISSUER", "https://mfa.acme.example:443/")]).expect("server");
    let url = format!("{}/.well-known/openid-configuration", server.url());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let doc: serde_json::Value = runtime.block_on(async { reqwest::get(url).await?.json().await }).expect("discovery");
    assert_eq!(doc["issuer"], "https://mfa.acme.example", "{doc}");
    let keys = |out: String| -> Vec<serde_json::Value> {
        out.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
    };
    let before = keys(server.admin(&["oidc-key", "list"]).expect("list"));
    let algs: Vec<&str> = before.iter().filter_map(|k| k["alg"].as_str()).collect();
    assert_eq!(algs, ["RS256", "ES256"]);
    assert!(before.iter().all(|k| k["signing"] == true), "{before:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(server.data.join("oidc-keys.json")).expect("key file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let rotated: serde_json::Value =
        serde_json::from_str(&server.admin(&["oidc-key", "rotate", "--overlap-hours", "1"]).expect("rotate"))
            .expect("json");
    assert_eq!(rotated["new"].as_array().map(Vec::len), Some(2), "{rotated}");
    let after = keys(server.admin(&["oidc-key", "list"]).expect("list"));
    assert_eq!(after.len(), 4);
    let signing: Vec<&str> = after.iter().filter(|k| k["signing"] == true).filter_map(|k| k["kid"].as_str()).collect();
    let old: Vec<&str> = before.iter().filter_map(|k| k["kid"].as_str()).collect();
    assert_eq!(signing, old, "the old pair signs during the overlap");

    // A client: registered with its secret shown once, listed without it.
    server.seed().expect("seed");
    let created: serde_json::Value = serde_json::from_str(
        &server
            .admin(&[
                "oidc-client",
                "create",
                "--org",
                "acme",
                "--name",
                "Okta",
                "--profile",
                "okta",
                "--redirect-uri",
                "https://acme.okta.com/oauth2/v1/authorize/callback",
                "--auth",
                "secret",
            ])
            .expect("create"),
    )
    .expect("json");
    let secret = created["client_secret"].as_str().expect("secret").to_string();
    let listed = server.admin(&["oidc-client", "list", "--org", "acme"]).expect("list");
    assert!(listed.contains(created["client_id"].as_str().expect("id")) && !listed.contains(&secret), "{listed}");
    let refused = server
        .admin_command(&[
            "oidc-client",
            "create",
            "--org",
            "acme",
            "--name",
            "X",
            "--profile",
            "okta",
            "--redirect-uri",
            "https://x.example/cb",
        ])
        .output()
        .expect("create");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--auth secret or private-key-jwt"));
}

/// `lastmile doctor`: every check listed, passed or not; a failure names its fix and sets the
/// exit code its problem has in `status`.
#[test]
fn doctor_lists_every_check_and_the_fix_for_each_failure() {
    require_keyring();
    let home = Home::new().expect("home");
    let (code, v, _) = home.run_json(&["doctor", "--json"]);
    assert_eq!(code, 4, "no server is a server failure: {v}");
    let checks = v["checks"].as_array().expect("checks");
    let ids: Vec<&str> = checks.iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(ids, ["settings", "keyring", "server", "clock", "enrollment", "security_keys", "outbox"]);
    let server = &checks[2];
    assert_eq!(server["verdict"], "fail", "{v}");
    assert!(server["fix"].as_str().is_some_and(|f| !f.is_empty()), "{server}");
    assert_eq!(checks[1]["verdict"], "ok", "the keyring answers here: {v}");
    // The same state as one word for device management, exit code 0 (Jamf reads the output).
    assert_eq!(home.run(&["status", "--format", "jamf"]), (0, "<result>no_server</result>\n".into(), String::new()));

    let srv = Server::start().expect("server");
    srv.seed().expect("seed");
    let (_, link) = srv.invite().expect("invite");
    assert_eq!(home.run(&["join", &link]).0, 0);
    let (code, out, err) = home.run(&["doctor"]);
    assert_eq!(code, 0, "{out}{err}");
    for line in ["ok    server", "ok    clock", "ok    enrollment    joined Acme Ltd as ada@acme.test", "ok    outbox"]
    {
        assert!(out.contains(line), "{line:?} in:\n{out}");
    }
    assert!(!out.contains("FAIL") && !out.contains("fix:"), "{out}");
    // Joined without a factor yet: a gap under the default policy.
    assert_eq!(home.run(&["status", "--format", "jamf"]).1, "<result>gap</result>\n");

    // The server goes away: its check fails with the reason and what to do.
    drop(srv);
    let (code, out, _) = home.run(&["doctor"]);
    assert_eq!(code, 4, "{out}");
    assert!(out.contains("FAIL  server") && out.contains("fix:"), "{out}");
}

/// `reset` (before imaging) forgets the device identity: its keyring entries, including those
/// of a state file set aside as unreadable, the state and the outbox; settings and logs stay,
/// and the device joins again as a new one. `leave --purge` removes the rest too.
#[test]
fn reset_forgets_the_identity_and_purge_removes_everything() {
    use lastmile_device::keystore::OsKeyring;
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let home = Home::new().expect("home");
    let joined = |home: &Home| {
        let (_, link) = server.invite().expect("invite");
        let (code, v, err) = home.run_json(&["join", &link, "--json"]);
        assert_eq!(code, 0, "{err}");
        v["device_id"].as_str().expect("device id").to_string()
    };
    let token = |id: &str| OsKeyring.load(&format!("device-token:{id}")).expect("keyring");

    // An earlier enrollment whose state file was set aside, and the current one.
    let old = joined(&home);
    let state = std::fs::read_to_string(home.state_path()).expect("state");
    let aside = home.state_path().with_file_name("state.json.corrupt-1");
    std::fs::write(&aside, state).expect("set aside");
    assert_eq!(home.run(&["leave"]).0, 0);
    OsKeyring.store(&format!("device-token:{old}"), "lmd_left_behind").expect("store");
    let current = joined(&home);
    let settings = std::fs::read_to_string(home.settings_path()).expect("joining keeps the server in the settings");
    let outbox = home.state_path().with_file_name("outbox");
    assert!(token(&old).is_some() && token(&current).is_some());

    let (code, out, err) = home.run(&["reset"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("keyring entries removed: 3"),
        "the token and key of the current device, the old token:\n{out}"
    );
    assert_eq!((token(&old), token(&current)), (None, None));
    assert!(!home.state_path().exists() && !aside.exists() && !outbox.exists(), "{out}");
    assert_eq!(std::fs::read_to_string(home.settings_path()).ok(), Some(settings), "settings stay");
    let logs = home.state_dir().join("logs");
    assert!(logs.is_dir(), "logs stay");
    let (code, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!((code, problem_codes(&status)), (5, vec!["not_joined".to_string()]));
    // Nothing left: a second reset removes nothing and says so.
    let (code, out, _) = home.run(&["reset"]);
    assert_eq!(code, 0);
    assert!(out.contains("keyring entries removed: 0") && out.contains("no files to remove"), "{out}");

    // Joined again, it is a new device.
    let again = joined(&home);
    assert_ne!(again, current);
    let (code, out, err) = home.run(&["leave", "--purge"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("keyring entries removed: 2"), "{out}");
    assert_eq!(token(&again), None);
    assert!(!home.settings_path().exists() && !logs.exists() && !home.state_path().exists(), "{out}");
}

/// An invite IT handed over (the `invite` setting) joins a fresh device with a bare
/// `lastmile join`, is never shown, and is used once: after leaving, the device does not join
/// with it again, and an invite the server refused is not sent again either. From the user's
/// own settings file (a script IT ran) it is removed after use.
#[test]
fn an_invite_set_by_it_joins_once_without_typing() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let (code, link) = server.invite().expect("invite");
    let home = Home::new().expect("home");
    std::fs::write(home.managed_path(), serde_json::json!({ "invite": link }).to_string()).expect("write");
    let (_, status, out) = home.run_json(&["status", "--json"]);
    let invite = status["settings"].as_array().and_then(|s| s.iter().find(|s| s["key"] == "invite").cloned());
    assert_eq!(invite.map(|i| (i["value"].clone(), i["locked"].clone())), Some(("(set)".into(), true.into())));
    assert!(!out.contains(&code[..4]) && !status.to_string().contains(&code), "the invite is never shown");

    let (code_, v, err) = home.run_json(&["join", "--json"]);
    assert_eq!(code_, 0, "{err}");
    assert_eq!(v["user_email"], "ada@acme.test");
    assert_eq!(home.run(&["leave"]).0, 0);
    let (exit, _, err) = home.run(&["join"]);
    assert_eq!(exit, 5, "{err}");
    assert!(err.contains("used on this device already") && err.contains("new invite"), "{err}");

    // Refused by the server (here: unknown): remembered, not sent again.
    let stranger = Home::new().expect("home");
    let unknown = format!("lastmile://join?code=ABCD-EFGH-JKMN-PQRS&server={}", server.url());
    std::fs::write(stranger.managed_path(), serde_json::json!({ "invite": unknown }).to_string()).expect("write");
    let (exit, _, err) = stranger.run(&["join"]);
    assert_eq!(exit, 5, "{err}");
    assert!(!err.contains("used on this device"), "the server's refusal first: {err}");
    let (exit, _, err) = stranger.run(&["join"]);
    assert_eq!(exit, 5, "{err}");
    assert!(err.contains("used on this device already"), "{err}");

    // From the user's settings file, removed once used; the other settings stay.
    let (_, link) = server.invite().expect("invite");
    let scripted = Home::new().expect("home");
    std::fs::create_dir_all(scripted.settings_path().parent().expect("dir")).expect("mkdir");
    std::fs::write(
        scripted.settings_path(),
        serde_json::json!({ "invite": link, "report_interval_minutes": 30 }).to_string(),
    )
    .expect("write");
    let (exit, _, err) = scripted.run(&["join"]);
    assert_eq!(exit, 0, "{err}");
    let settings = std::fs::read_to_string(scripted.settings_path()).expect("settings");
    assert!(!settings.contains("invite") && settings.contains("30"), "{settings}");

    // Nothing set: the person is asked for one.
    let (exit, _, err) = Home::new().expect("home").run(&["join"]);
    assert_eq!(exit, 2, "{err}");
    assert!(err.contains("give the invite code or link"), "{err}");
}

/// `lastmile support-bundle` writes a .tar.gz that `tar` reads back: status, doctor's checks,
/// the state and the logs, with a secret planted in a log file redacted; it never overwrites
/// a file.
#[test]
fn a_support_bundle_holds_what_the_helpdesk_needs_and_no_secret() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let (code, link) = server.invite().expect("invite");
    let home = Home::new().expect("home");
    let (exit, v, err) = home.run_json(&["join", &link, "--json"]);
    assert_eq!(exit, 0, "{err}");
    let device_id = v["device_id"].as_str().expect("device id").to_string();
    let logs = home.state_dir().join("logs");
    std::fs::write(logs.join("lastmile.2026-01-01.log"), format!("planted lmd_s3cr3t and {code}\n")).expect("plant");

    let out = home.path().join("bundle.tar.gz");
    let (exit, said, err) = home.run(&["support-bundle", "--out", out.to_str().expect("path")]);
    assert_eq!(exit, 0, "{err}");
    assert!(said.contains("bundle.tar.gz") && said.contains("doctor.json"), "{said}");
    let unpacked = tempfile::tempdir().expect("dir");
    let (exit, _, err) = lastmile_tests::output(
        std::process::Command::new("tar").arg("-xzf").arg(&out).arg("-C").arg(unpacked.path()).output().expect("tar"),
    );
    assert_eq!(exit, 0, "tar reads it: {err}");
    let root = unpacked.path().join("lastmile-support");
    let read = |name: &str| std::fs::read_to_string(root.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let status: serde_json::Value = serde_json::from_str(&read("status.json")).expect("status JSON");
    assert_eq!(status["enrollment"]["joined"], true);
    let doctor: serde_json::Value = serde_json::from_str(&read("doctor.json")).expect("doctor JSON");
    assert!(doctor["checks"].as_array().is_some_and(|c| c.len() >= 5), "{doctor}");
    assert!(read("state.json").contains(&device_id));
    assert!(read("README.txt").contains("no credentials"));
    let planted = read("logs/lastmile.2026-01-01.log");
    assert_eq!(planted, "planted lmd_[redacted] and [redacted code]\n");
    let everything: String =
        ["status.json", "doctor.json", "state.json", "logs/lastmile.2026-01-01.log"].map(read).concat();
    assert!(!everything.contains("s3cr3t") && !everything.contains(&code), "redacted");

    let before = std::fs::read(&out).expect("bundle");
    let (exit, _, err) = home.run(&["support-bundle", "--out", out.to_str().expect("path")]);
    assert_eq!(exit, 1, "{err}");
    assert!(err.contains("cannot write") && err.contains("--out"), "{err}");
    assert_eq!(std::fs::read(&out).expect("bundle"), before, "the existing file is kept");
}

/// `lastmile report --if-due`, what the systemd timer (and the LaunchAgent, the Scheduled
/// Task) runs every few minutes: on a fresh device it joins with the invite IT set and
/// reports; right after a report it reports nothing new; once the report interval has passed
/// since the last report it makes one. Not joined is not an error for a timer.
#[test]
fn the_scheduled_run_joins_reports_when_due_and_otherwise_waits() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let nobody = Home::new().expect("home");
    let (exit, out, err) = nobody.run(&["--server", &server.url(), "report", "--if-due"]);
    assert_eq!(exit, 0, "{err}");
    assert!(out.contains("has not joined"), "{out}");

    let (_, link) = server.invite().expect("invite");
    let home = Home::new().expect("home");
    std::fs::write(
        home.managed_path(),
        serde_json::json!({ "invite": link, "report_interval_minutes": 60 }).to_string(),
    )
    .expect("write");
    // Joining sends a first report: the scheduled run then has nothing to do.
    let (exit, v, err) = home.run_json(&["report", "--if-due", "--json"]);
    assert_eq!(exit, 0, "{err}");
    assert_eq!(v["due"], false, "{v}");
    assert_eq!(server.stats().expect("stats")["posture_reports"], 1);
    let (exit, out, _) = home.run(&["report", "--if-due"]);
    assert_eq!(exit, 0);
    assert!(out.contains("No report due yet") && out.contains("60 minute"), "{out}");
    assert_eq!(server.stats().expect("stats")["posture_reports"], 1);

    // An hour later (the record of the last report moved back an hour): one is due.
    let made = home.state_path().with_file_name("outbox").join("made");
    let at: i64 = std::fs::read_to_string(&made).expect("made").trim().parse().expect("ms");
    std::fs::write(&made, (at - 60 * 60_000).to_string()).expect("write");
    let (exit, v, err) = home.run_json(&["report", "--if-due", "--json"]);
    assert_eq!(exit, 0, "{err}");
    assert_eq!(v["reports_received"], 2, "{v}");
    assert_eq!(server.stats().expect("stats")["posture_reports"], 2);
}

/// Behind a TLS-inspecting proxy whose CA the device does not trust, the status says that is
/// the likely cause and what IT can do; with the CA named by the `ca_bundle` policy the same
/// device joins and reports through it. A `ca_bundle` that is not a PEM file is a
/// configuration error that names the file.
#[test]
fn an_inspecting_proxy_is_named_and_ca_bundle_trusts_it() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let home = Home::new().expect("home");
    let front = lastmile_tests::tls_front::TlsFront::start(server.port, home.path());
    let (_, link) = server.invite_via(&front.url()).expect("invite");

    let (exit, status, _) = home.run_json(&["--server", &front.url(), "status", "--json"]);
    assert_eq!(exit, 4, "{status}");
    let problems = status["problems"].to_string();
    assert!(problems.contains("inspects TLS") && problems.contains("ca_bundle"), "{problems}");

    let managed = serde_json::json!({ "ca_bundle": front.ca_pem });
    std::fs::write(home.managed_path(), managed.to_string()).expect("write");
    let (exit, v, err) = home.run_json(&["join", &link, "--json"]);
    assert_eq!(exit, 0, "{err}");
    assert_eq!(v["server_url"].as_str().map(|u| u.trim_end_matches('/')), Some(front.url().as_str()));
    let (exit, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!(exit, 0, "{status}");
    assert_eq!(status["server"]["reachable"], true);

    std::fs::write(&front.ca_pem, "not a certificate").expect("write");
    let (exit, status, _) = home.run_json(&["report", "--json"]);
    assert_eq!(exit, 3, "{status}");
    assert!(status.to_string().contains("inspecting-proxy-ca.pem"), "{status}");
}

/// The machine status file for inventory tools: `<uid>.json` in the machine status directory,
/// readable by everyone, rewritten by `status` and by the scheduled run, saying where the
/// person stands in one word, with no secret in it.
#[test]
fn the_machine_status_file_says_where_this_person_stands() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let machine = tempfile::tempdir().expect("dir");
    let home = Home::new().expect("home");
    let run = |args: &[&str]| {
        let mut cmd = home.lastmile(args);
        cmd.env("LASTMILE_MACHINE_STATUS_DIR", machine.path());
        lastmile_tests::output(cmd.output().expect("run"))
    };
    let uid = {
        use std::os::unix::fs::MetadataExt as _;
        let probe = machine.path().join("probe");
        std::fs::write(&probe, "").expect("write");
        let uid = std::fs::metadata(&probe).expect("meta").uid();
        std::fs::remove_file(probe).expect("rm");
        uid
    };
    let file = machine.path().join(format!("{uid}.json"));
    let read =
        || -> serde_json::Value { serde_json::from_str(&std::fs::read_to_string(&file).expect("file")).expect("JSON") };

    assert_eq!(run(&["--server", &server.url(), "status"]).0, 5);
    assert_eq!((read()["state"].clone(), read()["joined"].clone()), ("not_joined".into(), false.into()));
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777, 0o644);
    }

    let (_, link) = server.invite().expect("invite");
    assert_eq!(run(&["join", &link]).0, 0);
    let (exit, _, err) = run(&["report", "--if-due"]);
    assert_eq!(exit, 0, "{err}");
    let status = read();
    assert_eq!(status["joined"], true);
    assert_eq!(status["state"], "gap", "no factor yet under the default policy: {status}");
    assert_eq!(status["user_email"], "ada@acme.test");
    assert!(status["last_report_at_ms"].as_i64().is_some(), "{status}");
    let files: Vec<_> =
        std::fs::read_dir(machine.path()).expect("dir").filter_map(Result::ok).map(|e| e.file_name()).collect();
    assert_eq!(files.len(), 1, "no temporary file left: {files:?}");
    assert!(!std::fs::read_to_string(&file).expect("file").contains("lmd_"));
}

/// The desktop notification service, faked on the test's session bus: what the app shows
/// arrives here as (summary, body).
struct Notifications {
    seen: std::sync::mpsc::Sender<(String, String)>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Notifications {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        _hints: std::collections::HashMap<String, zbus::zvariant::OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let _ = self.seen.send((summary, body));
        1
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        ("lastmile-tests".into(), "Lastmile".into(), "1".into(), "1.2".into())
    }
}

/// A person with a gap is reminded on the desktop by the scheduled run: the organisation,
/// the next step, in their language; not again the same day; never in quiet hours; never when IT turned
/// reminders off. (The local time is UTC here, and the quiet hours are chosen around now.)
#[test]
fn a_reminder_reaches_the_desktop_once_a_day_never_in_quiet_hours() {
    require_keyring();
    let (seen, shown) = std::sync::mpsc::channel();
    let _service = zbus::blocking::connection::Builder::session()
        .and_then(|b| b.name("org.freedesktop.Notifications"))
        .and_then(|b| b.serve_at("/org/freedesktop/Notifications", Notifications { seen }))
        .and_then(|b| b.build())
        .expect("a notification service on the session bus");
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let now_minute = (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("time").as_secs() / 60
        % 1440) as u16;
    let window = |from: u16, to: u16| format!("{:02}:{:02}-{:02}:{:02}", from / 60, from % 60, to / 60, to % 60);
    let later = window((now_minute + 120) % 1440, (now_minute + 180) % 1440);
    let around_now = window((now_minute + 1380) % 1440, (now_minute + 60) % 1440);
    let person = |managed: serde_json::Value| {
        let home = Home::new().expect("home");
        std::fs::write(home.managed_path(), managed.to_string()).expect("managed");
        let (_, link) = server.invite().expect("invite");
        assert_eq!(home.run(&["join", &link]).0, 0);
        home
    };
    let scheduled = |home: &Home| {
        let mut cmd = home.lastmile(&["report", "--if-due"]);
        cmd.env("TZ", "UTC");
        let (exit, _, err) = lastmile_tests::output(cmd.output().expect("run"));
        assert_eq!(exit, 0, "{err}");
    };
    let quiet = std::time::Duration::from_secs(3);

    let ada = person(serde_json::json!({ "quiet_hours": later }));
    scheduled(&ada);
    let (summary, body) = shown.recv_timeout(std::time::Duration::from_secs(15)).expect("a reminder");
    assert_eq!(summary, "Acme Ltd asks you to finish setting up MFA");
    assert!(body.contains("Set up an authenticator app"), "{body}");
    scheduled(&ada);
    assert!(shown.recv_timeout(quiet).is_err(), "one a day");

    // In the person's language (IT's `locale` here; the OS's when none is set).
    let hanna = person(serde_json::json!({ "quiet_hours": later, "locale": "de" }));
    scheduled(&hanna);
    let (summary, body) = shown.recv_timeout(std::time::Duration::from_secs(15)).expect("a reminder");
    assert_eq!(summary, "Acme Ltd bittet Sie, die MFA-Einrichtung abzuschließen");
    assert!(body.starts_with("Als Nächstes: Eine Authenticator-App einrichten."), "{body}");

    let night = person(serde_json::json!({ "quiet_hours": around_now }));
    scheduled(&night);
    assert!(shown.recv_timeout(quiet).is_err(), "quiet hours");

    let off = person(serde_json::json!({ "quiet_hours": later, "reminders": "off" }));
    scheduled(&off);
    assert!(shown.recv_timeout(quiet).is_err(), "reminders off");
}

/// At login (`lastmile --autostart`, from the packages' login item): with `autostart` =
/// `never` nothing happens. (A person who is all set gets the tray and no window: the tray's
/// tests; someone with a step missing gets the window: the window's tests.)
#[test]
fn at_login_nothing_starts_when_autostart_is_never() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let home = Home::new().expect("home");
    std::fs::write(home.managed_path(), r#"{"autostart": "never"}"#).expect("managed");
    let (exit, _, err) = home.run(&["--server", &server.url(), "--autostart"]);
    assert_eq!(exit, 0, "{err}");
    assert!(home.logs().contains("decided=Off"), "{}", home.logs());
}

/// `lastmile status` at a terminal says where the person stands and the next step with the
/// command that takes it, in their language: English by default here, French once their own
/// `locale` setting says so (the same words as the window and the tray).
#[test]
fn status_at_a_terminal_speaks_the_persons_language() {
    let (_server, home) = crate::factors::joined();
    let line = |out: &str, label: &str| {
        out.lines().find(|l| l.starts_with(label)).map(|l| l[label.len()..].trim().to_string()).unwrap_or_default()
    };
    let (_, out, err) = home.run(&["status"]);
    assert_eq!(line(&out, "Standing"), "Acme Ltd asks for one more step", "{out}{err}");
    assert_eq!(line(&out, "Next"), "Set up an authenticator app: lastmile enroll totp", "{out}");
    assert_eq!(line(&out, "Joined"), "Acme Ltd as ada@acme.test", "{out}");

    let path = home.settings_path();
    let mut settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|_| "{}".into())).expect("settings");
    settings["locale"] = "fr".into();
    std::fs::write(&path, settings.to_string()).expect("settings");
    let (_, out, err) = home.run(&["status"]);
    assert_eq!(line(&out, "Situation"), "Acme Ltd vous demande une étape de plus", "{out}{err}");
    assert_eq!(line(&out, "Ensuite"), "Configurer une application d’authentification : lastmile enroll totp", "{out}");
    assert_eq!(line(&out, "Membre"), "Acme Ltd en tant que ada@acme.test", "{out}");
    // The device's notes too (this machine: Linux, no key plugged in).
    assert!(out.contains("aucune clé de sécurité USB n’est branchée"), "{out}");
    assert!(line(&out, "TPM").contains("TPM"), "{out}");
    assert!(!out.contains("Linux has no") && !out.contains("no TPM is exposed"), "no English left: {out}");
}
