//! Enrolling factors in a terminal: `lastmile enroll totp` with codes from oathtool (an independent
//! TOTP implementation), and `lastmile enroll recovery-codes`.

use std::io::{Read, Write};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lastmile_tests::{Home, Server, problem_codes, require_keyring};

/// Collects a child's stdout in the background so the test can wait for prompts.
pub(crate) fn collect(mut out: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let buf = Arc::new(Mutex::new(String::new()));
    let sink = buf.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = out.read(&mut chunk) {
            if n == 0 {
                break;
            }
            if let Ok(mut b) = sink.lock() {
                b.push_str(&String::from_utf8_lossy(&chunk[..n]));
            }
        }
    });
    buf
}

pub(crate) fn wait_for(buf: &Arc<Mutex<String>>, needle: &str, count: usize) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = buf.lock().map(|b| b.clone()).unwrap_or_default();
        if text.matches(needle).count() >= count {
            return text;
        }
        assert!(Instant::now() < deadline, "waited for {needle:?} ({count}x); output so far:\n{text}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A server with Ada seeded, and a home whose device joined it.
pub(crate) fn joined() -> (Server, Home) {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let (_, link) = server.invite().expect("invite");
    let home = Home::new().expect("home");
    assert_eq!(home.run(&["join", &link]).0, 0);
    (server, home)
}

/// `lastmile ARGS` with piped stdin and stdout, its output collected in the background.
pub(crate) fn interactive(
    home: &Home,
    args: &[&str],
) -> (std::process::Child, Arc<Mutex<String>>, std::process::ChildStdin) {
    spawn_interactive(home.lastmile(args))
}

/// Spawns `cmd` with piped stdin and stdout, its output collected in the background.
pub(crate) fn spawn_interactive(
    mut cmd: std::process::Command,
) -> (std::process::Child, Arc<Mutex<String>>, std::process::ChildStdin) {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let out = collect(child.stdout.take().expect("stdout"));
    let stdin = child.stdin.take().expect("stdin");
    (child, out, stdin)
}

/// The TOTP key `lastmile enroll totp` shows (its `key:` line, spaces removed).
fn shown_secret(text: &str) -> String {
    let key_line = text.lines().find(|l| l.trim_start().starts_with("key:")).expect("key line");
    key_line.trim_start().trim_start_matches("key:").split_whitespace().collect()
}

/// The terminal's journeys speak the person's language (here Spanish, from the `locale`
/// setting): the prompts, a wrong code said as the window says it with the server's own words
/// below, the verified factor; a failure in Japanese says what to do, with the specifics.
#[test]
fn the_terminal_journeys_speak_the_persons_language() {
    let (server, home) = joined();
    let path = home.settings_path();
    let mut settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|_| "{}".into())).expect("settings");
    settings["locale"] = "es".into();
    std::fs::write(&path, settings.to_string()).expect("settings");

    let (mut child, out, mut stdin) = interactive(&home, &["enroll", "totp"]);
    let text = wait_for(&out, "Código de la aplicación: ", 1);
    assert!(text.starts_with("Escanee este código QR con su aplicación de autenticación"), "{text}");
    let key_line = text.lines().find(|l| l.trim_start().starts_with("clave:")).expect("the key, by hand");
    let secret: String = key_line.trim_start().trim_start_matches("clave:").split_whitespace().collect();
    writeln!(stdin, "000000").expect("type");
    let text = wait_for(&out, "Código de la aplicación: ", 2);
    assert!(text.contains("Ese código no es correcto.\n  Escriba el código que muestra ahora"), "{text}");
    writeln!(stdin, "{}", oathtool(&secret)).expect("type");
    assert!(child.wait().expect("wait").success());
    let text = out.lock().map(|b| b.clone()).unwrap_or_default();
    assert!(
        text.contains("Verificado por el servidor: su aplicación de autenticación es ahora un factor fuerte."),
        "{text}"
    );
    assert_eq!(server.stats().expect("stats")["factors"], 1);
    let (code, out, err) = home.run(&["report"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Informe guardado. El servidor tiene ") && out.contains("y un factor verificado."),
        "{out}"
    );

    settings["locale"] = "ja".into();
    std::fs::write(&path, settings.to_string()).expect("settings");
    let (code, _, err) = home.run(&["join", "ABCD-EFGH"]);
    assert_ne!(code, 0);
    assert!(err.starts_with("lastmile: Lastmile はそれを使えません。\n  "), "{err}");
    assert!(err.contains("(a code must be 16 letters or digits"), "the app's own words for IT: {err}");
}

/// The recovery codes `lastmile enroll recovery-codes` lists (`N. XXXX-XXXX-XXXX-XXXX`).
fn shown_codes(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().split_once(". ").map(|(_, c)| c.to_string()))
        .filter(|c| c.len() == 19)
        .collect()
}

pub(crate) fn oathtool(secret_b32: &str) -> String {
    oathtool_at(secret_b32, "now")
}

/// The code at `when` (oathtool's `--now`, e.g. `+30 seconds`: the next step's).
pub(crate) fn oathtool_at(secret_b32: &str, when: &str) -> String {
    let out = std::process::Command::new("oathtool")
        .args(["--totp", "-b", secret_b32, "--now", when])
        .output()
        .expect("oathtool is missing: apt-get install oathtool (scripts/test.sh does)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn enroll_totp_in_the_terminal_with_codes_from_oathtool() {
    let (server, home) = joined();
    // Joined, nothing verified: the default policy's gap, and the step this device can take
    // (no security key here, so the authenticator app).
    let (_, status, _) = home.run_json(&["status", "--json"]);
    let view = &status["enrollment"]["server_view"];
    assert_eq!(view["standing"]["met"], false, "{status}");
    assert_eq!(view["next_step"]["step"], "totp", "{status}");

    // The organisation recommends its apps (policy `totp_apps`); the terminal names them.
    let policy = serde_json::json!({ "min_tier": "strong", "totp_apps": ["Microsoft Authenticator", "Aegis"] });
    server.set_default_policy(&policy).expect("policy");
    let (mut child, out, mut stdin) = interactive(&home, &["enroll", "totp"]);

    let text = wait_for(&out, "Code from the app: ", 1);
    assert!(
        text.contains(
            "Scan this QR code with an authenticator app Acme Ltd recommends (Microsoft Authenticator, Aegis):"
        ),
        "{text}"
    );
    assert!(text.contains('█') || text.contains('▀'), "a QR code is drawn:\n{text}");
    assert!(!text.contains("Warning"), "the clock is fine here:\n{text}");
    let secret = shown_secret(&text);
    assert_eq!(secret.len(), 32, "160 bits in base 32: {secret}");

    writeln!(stdin, "000000").expect("type");
    let text = wait_for(&out, "Code from the app: ", 2);
    assert!(text.contains("not right"), "{text}");

    writeln!(stdin, "{}", oathtool(&secret)).expect("type");
    let status = child.wait().expect("wait");
    let text = out.lock().map(|b| b.clone()).unwrap_or_default();
    assert!(status.success(), "{text}");
    assert!(text.contains("Verified by the server"), "{text}");
    assert_eq!(server.stats().expect("stats")["factors"], 1);

    // The server now counts the factor; the device's status shows it.
    let (code, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!(code, 0, "{status}");
    assert!(problem_codes(&status).is_empty());
    assert_eq!(status["enrollment"]["server_view"]["verified_factors"], 1);
    assert_eq!(status["enrollment"]["server_view"]["best_tier"], "strong");
    // The built-in default policy (a strong factor) is met; nothing is left to do.
    assert_eq!(status["enrollment"]["server_view"]["standing"]["met"], true, "{status}");
    assert_eq!(status["enrollment"]["server_view"]["next_step"], serde_json::Value::Null);
}

#[test]
fn enroll_totp_needs_a_joined_device_and_an_answer() {
    let home = Home::new().expect("home");
    let (code, _, err) = home.run(&["enroll", "totp", "--server", "http://127.0.0.1:9"]);
    assert_eq!(code, 4, "the clock check fails first without a server: {err}");
    require_keyring();
    let server = Server::start().expect("server");
    let (code, _, err) = home.run(&["enroll", "totp", "--server", &server.url()]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("has not joined"), "{err}");
}

#[test]
fn recovery_codes_in_the_terminal_saved_and_confirmed() {
    let (server, home) = joined();
    let file = home.path().join("codes.txt");

    let (mut child, out, mut stdin) =
        interactive(&home, &["enroll", "recovery-codes", "--save", file.to_str().expect("path")]);
    let text = wait_for(&out, "confirm you kept them: ", 1);
    let codes = shown_codes(&text);
    assert_eq!(codes.len(), 10, "{text}");

    let saved = std::fs::read_to_string(&file).expect("saved file");
    assert!(codes.iter().all(|c| saved.contains(c.as_str())), "{saved}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777, 0o600);
    }

    writeln!(stdin, "ZZZZ-ZZZZ-ZZZZ-ZZZZ").expect("type");
    let text = wait_for(&out, "confirm you kept them: ", 2);
    assert!(text.contains("not one of your new codes"), "{text}");
    writeln!(stdin, "{}", codes[4].to_lowercase()).expect("type");
    let status = child.wait().expect("wait");
    let text = out.lock().map(|b| b.clone()).unwrap_or_default();
    assert!(status.success(), "{text}");
    assert!(text.contains("Confirmed by the server"), "{text}");

    let (_, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!(status["enrollment"]["server_view"]["verified_factors"], 1);
    assert_eq!(status["enrollment"]["server_view"]["best_tier"], "recovery");
    assert_eq!(server.stats().expect("stats")["recovery_codes"], 10);

    // Saving never overwrites a file: a second run keeps the first file and says so.
    let out = home
        .lastmile(&["enroll", "recovery-codes", "--save", file.to_str().expect("path")])
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("could not save"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), saved);
}

/// `lastmile enroll security-key` with the software authenticator whose state is in `soft`.
fn enroll_soft_key(home: &Home, soft: &std::path::Path) -> (i32, String, String) {
    let out = home
        .lastmile(&["enroll", "security-key"])
        .env("LASTMILE_SOFT_AUTHENTICATOR", soft)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    lastmile_tests::output(out)
}

#[test]
fn enroll_a_security_key_in_the_terminal() {
    let (server, home) = joined();
    // The crate's software authenticator stands in for a USB key (this test build only).
    let soft = home.path().join("soft-authenticator.cbor");
    let (code, stdout, stderr) = enroll_soft_key(&home, &soft);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_eq!(stdout.matches("Touch your security key now.").count(), 1, "register: {stdout}");
    assert_eq!(stdout.matches("Touch your security key again").count(), 1, "then verify: {stdout}");
    assert!(stdout.contains("is now a phishing-resistant factor"), "{stdout}");

    let (_, status, _) = home.run_json(&["status", "--json"]);
    assert_eq!(status["enrollment"]["server_view"]["best_tier"], "phishing_resistant", "{status}");
    let audit = server.admin(&["audit"]).expect("audit");
    let verified: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("event"))
        .filter(|e| e["kind"] == "factor.verified")
        .collect();
    assert_eq!(verified.len(), 1, "{audit}");
    assert_eq!(verified[0]["detail"]["kind"], "security_key");
    assert_eq!(verified[0]["detail"]["aaguid"], "0fb9bcbc-a0d4-4042-bbb0-559bc1631e28", "the model is recorded");
}

/// With FIDO metadata (a BLOB signed by the project's test chain) and attestation required:
/// the server names the model and proves it; a BLOB under an untrusted root stops the start.
#[test]
fn a_security_key_proven_by_fido_metadata() {
    use lastmile_tests::mds_blob::{Alg, CrlSpec, CrlUrls, Issuer, TestChain, entry, payload};
    require_keyring();
    let dir = tempfile::tempdir().expect("dir");
    let (token, ca) = webauthn_authenticator_rs::softtoken::SoftToken::new(true).expect("soft token");
    let soft = dir.path().join("soft-authenticator.cbor");
    std::fs::write(&soft, token.to_cbor().expect("cbor")).expect("write");
    let ca_der = lastmile_tests::mds_blob::der_of(&ca);
    // The chain names revocation lists nobody serves (port 9 on loopback): the server must
    // be given them (--mds-crl) or it does not start.
    let unreachable =
        CrlUrls { root: "http://127.0.0.1:9/root.crl".into(), intermediate: "http://127.0.0.1:9/ca.crl".into() };
    let chain = TestChain::with_crl_urls(Alg::Rs256, &unreachable);
    let crls = [("root.crl", Issuer::Root), ("ca.crl", Issuer::Intermediate)].map(|(name, issuer)| {
        let path = dir.path().join(name);
        std::fs::write(&path, chain.crl(issuer, CrlSpec::GOOD)).expect("write");
        path.to_str().expect("path").to_string()
    });
    let crls = crls.join(",");
    let reports = [("FIDO_CERTIFIED_L1", "2024-03-01"), ("FIDO_CERTIFIED_L2", "2025-09-01")];
    let blob = dir.path().join("mds.jwt");
    let aaguid = "0fb9bcbc-a0d4-4042-bbb0-559bc1631e28";
    std::fs::write(&blob, chain.sign(&payload(41, vec![entry(aaguid, "Soft Key 5 NFC", &reports, &[ca_der])])))
        .expect("write");
    let root = dir.path().join("root.pem");
    std::fs::write(&root, chain.root_pem()).expect("write");
    let other_root = dir.path().join("other-root.pem");
    std::fs::write(&other_root, TestChain::new(Alg::Rs256).root_pem()).expect("write");
    let blob_s = blob.to_str().expect("path");

    let refused = Server::start_with_env(&[
        ("LASTMILE_MDS_BLOB", blob_s),
        ("LASTMILE_MDS_ROOT", other_root.to_str().expect("path")),
    ]);
    let why = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(why.contains("FIDO metadata") && why.contains("does not chain to a trusted root"), "{why}");
    let refused =
        Server::start_with_env(&[("LASTMILE_MDS_BLOB", blob_s), ("LASTMILE_MDS_ROOT", root.to_str().expect("path"))]);
    let why = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(why.contains("no revocation list could be had") && why.contains("--mds-crl"), "{why}");
    let refused = Server::start_with_env(&[("LASTMILE_KEY_REQUIRE_ATTESTATION", "true")]);
    let why = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(why.contains("needs FIDO metadata") && why.contains("--mds-blob"), "{why}");

    let server = Server::start_with_env(&[
        ("LASTMILE_MDS_BLOB", blob_s),
        ("LASTMILE_MDS_ROOT", root.to_str().expect("path")),
        ("LASTMILE_MDS_CRL", &crls),
        ("LASTMILE_KEY_REQUIRE_ATTESTATION", "true"),
    ])
    .expect("server");
    server.seed().expect("seed");
    let (_, link) = server.invite().expect("invite");
    let home = Home::new().expect("home");
    assert_eq!(home.run(&["join", &link]).0, 0);
    let (code, stdout, stderr) = enroll_soft_key(&home, &soft);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("your Soft Key 5 NFC is now a phishing-resistant factor"), "{stdout}");
    assert!(stdout.contains("the model is genuine"), "{stdout}");
    let (_, status, _) = home.run_json(&["status", "--json"]);
    let factor = &status["enrollment"]["server_view"]["factors"][0];
    assert_eq!(
        (factor["name"].as_str(), factor["certification"].as_str()),
        (Some("Soft Key 5 NFC"), Some("L2")),
        "{status}"
    );
}

#[test]
fn enrolling_without_a_key_says_so_and_spends_nothing() {
    let (server, home) = joined();
    let (code, _, err) = home.run(&["enroll", "security-key"]);
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("no security key is plugged in") && err.contains("Plug in your security key"), "{err}");
    assert_eq!(server.stats().expect("stats")["webauthn_ceremonies"], 0, "no challenge was started");
    let (code, _, err) = home.run(&["key", "pin"]);
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("no security key is plugged in"), "{err}");
}

/// Everything in the app's log files after a whole journey at debug level.
/// The log files of a whole journey (join with an invite, an authenticator app, recovery
/// codes, a report), written at debug level, hold none of its secrets: the invite code, the
/// device token, the device key, the TOTP secret, the recovery codes.
#[test]
fn the_logs_of_a_whole_journey_hold_no_secret() {
    require_keyring();
    let server = Server::start().expect("server");
    server.seed().expect("seed");
    let (code, link) = server.invite().expect("invite");
    let home = Home::new().expect("home");
    let debug = |args: &[&str]| {
        let mut cmd = home.lastmile(args);
        cmd.env("LASTMILE_LOG", "debug");
        cmd
    };
    let out = debug(&["join", &link]).output().expect("join");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("log directory"), "the first run's log files are made quietly: {err}");

    let (mut child, out, mut stdin) = spawn_interactive(debug(&["enroll", "totp"]));
    let text = wait_for(&out, "Code from the app: ", 1);
    let secret = shown_secret(&text);
    writeln!(stdin, "{}", oathtool(&secret)).expect("type");
    assert!(child.wait().expect("wait").success());

    let (mut child, out, mut stdin) = spawn_interactive(debug(&["enroll", "recovery-codes"]));
    let text = wait_for(&out, "confirm you kept them: ", 1);
    let codes = shown_codes(&text);
    assert_eq!(codes.len(), 10, "{text}");
    writeln!(stdin, "{}", codes[0]).expect("type");
    assert!(child.wait().expect("wait").success());
    assert!(debug(&["report"]).status().expect("report").success());

    let logs = home.logs();
    assert!(logs.contains("DEBUG"), "the journey was logged at debug level:\n{logs}");
    let compact = |s: &str| s.replace('-', "");
    let mut secrets = vec![code.clone(), compact(&code), secret.clone(), "lmd_".into(), "PRIVATE KEY".into()];
    secrets.extend(codes.iter().cloned());
    secrets.extend(codes.iter().map(|c| compact(c)));
    for s in &secrets {
        assert!(!logs.contains(s.as_str()), "{s:?} is in the logs");
    }
}
