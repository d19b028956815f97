//! The app as it ships: the .deb that `scripts/package.sh` builds (`tauri build`, release, the
//! UI embedded) into `target/packaged`, unpacked and run. It carries none of the test hooks:
//! the `LASTMILE_MANAGED_PATH` override is ignored and managed settings come from
//! `/etc/lastmile/managed.json`, written inside a private mount namespace over an overlay of
//! `/etc` (so the machine's own `/etc` is never touched, whatever happens to the test); no
//! software authenticator is in it; and a packaged build with the hooks does not compile.

use std::path::{Path, PathBuf};
use std::process::Command;

use lastmile_tests::{Home, Server, bin_dir, output, require_keyring};

/// The target directory `scripts/package.sh` built into (`LASTMILE_PACKAGED_TARGET`, or
/// `target/packaged` next to the tests' own).
fn packaged_target() -> PathBuf {
    std::env::var_os("LASTMILE_PACKAGED_TARGET").map_or_else(|| bin_dir().join("../packaged"), PathBuf::from)
}

/// The shipped binary, unpacked from the .deb into `into`.
fn unpack_shipped(into: &Path) -> PathBuf {
    let debs = packaged_target().join("release/bundle/deb");
    let deb = std::fs::read_dir(&debs)
        .ok()
        .and_then(|entries| {
            entries.filter_map(Result::ok).map(|e| e.path()).find(|p| p.extension().is_some_and(|x| x == "deb"))
        })
        .unwrap_or_else(|| {
            panic!(
                "no .deb in {}: build the app as it ships first \
                 (CARGO_TARGET_DIR=target/packaged scripts/package.sh; scripts/test.sh does)",
                debs.display()
            )
        });
    let (code, _, err) = output(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(into).output().expect("dpkg-deb"));
    assert_eq!(code, 0, "unpacking {}: {err}", deb.display());
    let bin = into.join("usr/bin/lastmile");
    assert!(bin.exists(), "{} has no usr/bin/lastmile", deb.display());
    bin
}

/// Runs `bin ARGS` in `home`, inside a private mount namespace whose `/etc` is an overlay
/// holding `/etc/lastmile/managed.json` = `managed`.
fn run_with_etc_managed(home: &Home, bin: &Path, managed: &str, args: &[&str]) -> (i32, String, String) {
    let layers = tempfile::tempdir().expect("overlay dirs");
    for d in ["upper", "work"] {
        std::fs::create_dir(layers.path().join(d)).expect("mkdir");
    }
    let script = r#"set -e
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$LAYERS/upper,workdir=$LAYERS/work" /etc
mkdir -p /etc/lastmile
printf '%s' "$MANAGED" > /etc/lastmile/managed.json
exec "$@""#;
    let mut cmd = Command::new("unshare");
    cmd.args(["--mount", "--propagation", "private", "sh", "-c", script, "sh"])
        .arg(bin)
        .args(args)
        .env("LAYERS", layers.path())
        .env("MANAGED", managed)
        .envs(home.envs())
        .env_remove("LASTMILE_SERVER");
    output(cmd.output().expect("unshare"))
}

#[test]
fn the_shipped_app_reads_managed_settings_only_where_it_manages_them() {
    require_keyring();
    let unpacked = tempfile::tempdir().expect("dir");
    let shipped = unpack_shipped(unpacked.path());
    let server = Server::start().expect("server");
    let home = Home::new().expect("home");
    // The override a user could set (it is in the home's environment) pins another server.
    std::fs::write(home.managed_path(), r#"{"server_url": "https://override.example.com"}"#).expect("write");
    let etc = format!(r#"{{"server_url": "{}", "report_interval_minutes": 45}}"#, server.url());
    let machine_etc = || std::fs::read("/etc/lastmile/managed.json").ok();
    let before = machine_etc();

    // Not joined (exit code 5), which is all this home is; the settings are what matters.
    let (code, out, err) = run_with_etc_managed(&home, &shipped, &etc, &["status", "--json"]);
    assert_eq!(code, 5, "{out}\n{err}");
    let status: serde_json::Value = serde_json::from_str(&out).expect("status JSON");
    let settings = status["settings"].as_array().expect("settings");
    let setting = |key: &str| settings.iter().find(|s| s["key"] == key).cloned().unwrap_or_default();
    assert_eq!(
        setting("server_url")["value"].as_str().map(|u| u.trim_end_matches('/')),
        Some(server.url().as_str()),
        "{status}"
    );
    assert_eq!(
        (setting("server_url")["source"].as_str(), setting("server_url")["locked"].as_bool()),
        (Some("managed"), Some(true))
    );
    assert_eq!(setting("report_interval_minutes")["value"], "45", "{status}");
    assert!(!out.contains("override.example.com"), "the override was read: {status}");
    assert_eq!(status["server"]["reachable"], true, "{status}");

    // The same binary without /etc/lastmile: nothing is managed, the override still ignored.
    let (code, out, err) = output(home.lastmile_at(&shipped, &["status", "--json"]).output().expect("run"));
    assert_eq!(code, 4, "no server configured: {out}\n{err}");
    assert!(!out.contains("override.example.com"), "{out}");
    let status: serde_json::Value = serde_json::from_str(&out).expect("status JSON");
    let settings = status["settings"].as_array().expect("settings");
    assert!(settings.iter().all(|s| s["source"] != "managed"), "nothing is managed: {status}");

    assert_eq!(machine_etc(), before, "the machine's own /etc was not touched");
}

#[test]
fn the_shipped_app_carries_no_test_hook() {
    let unpacked = tempfile::tempdir().expect("dir");
    let shipped = std::fs::read(unpack_shipped(unpacked.path())).expect("read");
    let carries = |s: &str| shipped.windows(s.len()).any(|w| w == s.as_bytes());
    for hook in
        ["LASTMILE_MANAGED_PATH", "LASTMILE_SOFT_AUTHENTICATOR", "software test authenticator", "(testing only)"]
    {
        assert!(!carries(hook), "the shipped binary carries {hook:?}");
    }
    // The test build does carry them (so the search above can find what it looks for).
    let tested = std::fs::read(lastmile_tests::bin("lastmile")).expect("read");
    assert!(tested.windows(21).any(|w| w == b"LASTMILE_MANAGED_PATH"), "the test build has the override");
}

/// `tauri build` with the hooks is refused at compile time (checked with cargo as tauri
/// builds: release, the UI embedded), and by the packaging script before it builds.
#[test]
fn a_package_with_the_test_hooks_is_refused() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (code, _, err) = output(
        Command::new(root.join("scripts/package.sh"))
            .args(["--bundles", "deb", "--features", "test-hooks"])
            .output()
            .expect("package.sh"),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a package never carries it"), "{err}");

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let (code, _, err) = output(
        Command::new(cargo)
            .args(["build", "--release", "--quiet", "-p", "lastmile", "--features", "test-hooks,tauri/custom-protocol"])
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", packaged_target())
            .output()
            .expect("cargo build"),
    );
    assert_ne!(code, 0, "a packaged build with the test hooks compiled");
    assert!(err.contains("the packaged app must not be built with it"), "{err}");
}
