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

/// The package of `kind` (`deb` or `rpm`) that `scripts/package.sh` built.
fn package(kind: &str) -> PathBuf {
    let dir = packaged_target().join("release/bundle").join(kind);
    std::fs::read_dir(&dir)
        .ok()
        .and_then(|entries| {
            entries.filter_map(Result::ok).map(|e| e.path()).find(|p| p.extension().is_some_and(|x| x == kind))
        })
        .unwrap_or_else(|| {
            panic!(
                "no .{kind} in {}: build the app as it ships first \
                 (CARGO_TARGET_DIR=target/packaged scripts/package.sh; scripts/test.sh does)",
                dir.display()
            )
        })
}

/// The shipped binary, unpacked from the .deb into `into`.
fn unpack_shipped(into: &Path) -> PathBuf {
    let deb = package("deb");
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

fn run(cmd: &mut Command) -> String {
    let (code, out, err) = output(cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}")));
    assert_eq!(code, 0, "{cmd:?}: {err}");
    out
}

/// The files a package installs (directories left out), sorted.
fn payload(kind: &str) -> Vec<String> {
    let pkg = package(kind);
    let mut files: Vec<String> = match kind {
        "rpm" => run(Command::new("rpm").args(["-qp", "--qf", "[%{FILEMODES:perms} %{FILENAMES}\\n]"]).arg(&pkg))
            .lines()
            .filter(|l| !l.starts_with('d'))
            .filter_map(|l| l.split_once(' ').map(|(_, f)| f.to_string()))
            .collect(),
        _ => run(Command::new("dpkg-deb").arg("-c").arg(&pkg))
            .lines()
            .filter(|l| !l.starts_with('d'))
            .filter_map(|l| l.split_whitespace().last())
            .map(|f| format!("/{}", f.trim_start_matches("./").trim_start_matches('/')))
            .collect(),
    };
    files.sort();
    files
}

/// The .rpm as rpm's own tools read it: its digests hold, its metadata names the app, its
/// license and what it needs, it runs no scriptlets, and it installs the same files as the
/// .deb (the binary, the desktop entry with the `lastmile://` handler, the icons, the Linux
/// policy schema).
#[test]
fn the_rpm_is_well_formed_and_carries_what_the_deb_carries() {
    let rpm = package("rpm");
    let checked = run(Command::new("rpm").args(["-K", "--nosignature"]).arg(&rpm));
    assert!(checked.contains("digests OK"), "{checked}");
    let meta =
        run(Command::new("rpm").args(["-qp", "--qf", "%{NAME}|%{VERSION}|%{LICENSE}|%{ARCH}|%{SUMMARY}"]).arg(&rpm));
    assert_eq!(
        meta,
        format!(
            "lastmile|{}|Apache-2.0|{}|Get onto a strong, verified MFA factor, and prove it",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::ARCH
        )
    );
    let requires = run(Command::new("rpm").args(["-qp", "--requires"]).arg(&rpm));
    assert!(requires.lines().any(|r| r.starts_with("systemd-libs")), "libudev comes from systemd-libs: {requires}");
    assert!(
        requires.lines().any(|r| r.starts_with("libayatana-appindicator-gtk3")),
        "the tray icon's library, loaded at run time, is required: {requires}"
    );
    // The scriptlets are the project's own: enable the report timer for every user after
    // installing, disable it before removing (not on an upgrade). Desktop entries and icons
    // are registered by Fedora's file triggers.
    let scripts = run(Command::new("rpm").args(["-qp", "--scripts"]).arg(&rpm));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/linux");
    for (section, file) in [("postinstall", "postinst.sh"), ("preuninstall", "prerm.sh")] {
        let body = std::fs::read_to_string(root.join(file)).expect("script");
        let command = body.lines().find(|l| l.contains("systemctl --global")).expect("systemctl line").trim();
        let (_, from) =
            scripts.split_once(&format!("{section} scriptlet")).unwrap_or_else(|| panic!("no {section}: {scripts}"));
        assert!(from.split("scriptlet").next().is_some_and(|s| s.contains(command)), "{section}: {scripts}");
    }

    let files = payload("rpm");
    for want in [
        "/usr/bin/lastmile",
        "/usr/share/lastmile/policy/managed.schema.json",
        "/usr/lib/systemd/user/lastmile-report.service",
        "/usr/lib/systemd/user/lastmile-report.timer",
        "/etc/xdg/autostart/lastmile.desktop",
    ] {
        assert!(files.iter().any(|f| f == want), "{want} is not in the rpm: {files:?}");
    }
    assert!(files.iter().any(|f| f.starts_with("/usr/share/icons/hicolor/")), "{files:?}");
    assert!(
        files.iter().any(|f| f.starts_with("/usr/share/applications/") && f.ends_with(".desktop")),
        "a desktop entry: {files:?}"
    );
    assert_eq!(files, payload("deb"), "the two packages install the same files");
}

/// The .deb installed as IT installs it (dpkg, as root) inside a private mount namespace
/// over overlays of /usr, /etc and /var, so the machine itself is never touched: the binary
/// runs, the desktop entry opens `lastmile://` links and passes the link on (`xdg-mime`,
/// after the desktop database trigger), the policy schema is in place, the scheduled report
/// timer is enabled for every user and systemd reads its units without a complaint; removed
/// with `dpkg --purge`, nothing of it is left, no handler is registered and the timer's link
/// is gone.
#[test]
fn the_deb_installs_registers_its_link_handler_and_purges_cleanly() {
    let deb = package("deb");
    let machine_had_it = Path::new("/usr/bin/lastmile").exists();
    let layers = tempfile::tempdir().expect("overlay dirs");
    let script = r#"set -e
for d in usr etc var; do
  mkdir -p "$LAYERS/$d/upper" "$LAYERS/$d/work"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$LAYERS/$d/upper,workdir=$LAYERS/$d/work" "/$d"
done
export XDG_DATA_DIRS=/usr/local/share:/usr/share XDG_CONFIG_HOME="$LAYERS/config" XDG_DATA_HOME="$LAYERS/data"
unset XDG_CURRENT_DESKTOP DESKTOP_SESSION
echo "before: $(xdg-mime query default x-scheme-handler/lastmile)"
DEBIAN_FRONTEND=noninteractive dpkg -i "$DEB" >/dev/null
echo "status: $(dpkg-query -W -f='${Status}' lastmile)"
echo "depends: $(dpkg-query -W -f='${Depends}' lastmile)"
echo "handler: $(xdg-mime query default x-scheme-handler/lastmile)"
desktop=$(dpkg -L lastmile | grep '^/usr/share/applications/.*\.desktop$')
echo "desktop: $desktop"
grep -E '^(Exec|MimeType)=' "$desktop" | sed 's/^/entry: /'
echo "schema: $(test -f /usr/share/lastmile/policy/managed.schema.json && echo present)"
echo "version: $(/usr/bin/lastmile --version)"
echo "status dir: $(stat -c %a /var/lib/lastmile/status)"
echo "autostart: $(grep '^Exec=' /etc/xdg/autostart/lastmile.desktop) $(desktop-file-validate /etc/xdg/autostart/lastmile.desktop 2>&1 | tr '\n' ' ')"
echo "timer: $(readlink /etc/systemd/user/timers.target.wants/lastmile-report.timer)"
mkdir -p "$LAYERS/run" && chmod 700 "$LAYERS/run"
verify=$(XDG_RUNTIME_DIR="$LAYERS/run" systemd-analyze verify --user /usr/lib/systemd/user/lastmile-report.service /usr/lib/systemd/user/lastmile-report.timer 2>&1) && rc=0 || rc=$?
echo "verify: $(echo $verify) rc=$rc"
dpkg --purge lastmile >/dev/null
echo "after: $(xdg-mime query default x-scheme-handler/lastmile)"
echo "left: $(ls /usr/bin/lastmile "$desktop" /usr/share/lastmile /usr/lib/systemd/user/lastmile-report.timer /etc/systemd/user/timers.target.wants/lastmile-report.timer /var/lib/lastmile /etc/xdg/autostart/lastmile.desktop 2>/dev/null | tr '\n' ' ')"
echo "status after: $(dpkg-query -W -f='${Status}' lastmile 2>/dev/null || echo gone)"
"#;
    let out = run(Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", script])
        .env("LAYERS", layers.path())
        .env("DEB", &deb));
    let line = |key: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}: ")).map(str::trim).map(str::to_string))
            .unwrap_or_default()
    };
    assert_eq!(line("before"), "", "{out}");
    assert_eq!(line("status"), "install ok installed", "{out}");
    assert!(line("depends").contains("libayatana-appindicator3-1"), "the tray icon's library: {out}");
    let desktop = line("desktop");
    let entry = desktop.rsplit('/').next().unwrap_or_default().to_string();
    assert!(desktop.starts_with("/usr/share/applications/") && entry.ends_with(".desktop"), "{out}");
    assert_eq!(line("handler"), entry, "lastmile:// opens the app: {out}");
    let entries: Vec<&str> = out.lines().filter_map(|l| l.strip_prefix("entry: ")).collect();
    assert!(entries.iter().any(|e| e.starts_with("Exec=lastmile") && e.contains("%u")), "the link is passed: {out}");
    assert!(entries.iter().any(|e| e.starts_with("MimeType=") && e.contains("x-scheme-handler/lastmile")), "{out}");
    assert_eq!(line("schema"), "present", "{out}");
    assert_eq!(line("version"), format!("lastmile {}", env!("CARGO_PKG_VERSION")), "{out}");
    assert_eq!(line("status dir"), "1733", "each person adds their own status file: {out}");
    assert_eq!(line("autostart"), "Exec=lastmile --autostart", "a valid login item: {out}");
    assert_eq!(line("timer"), "/usr/lib/systemd/user/lastmile-report.timer", "enabled for every user: {out}");
    assert_eq!(line("verify"), "rc=0", "systemd reads the units without a complaint: {out}");
    assert_eq!(line("after"), "", "no handler after removal: {out}");
    assert_eq!(line("left"), "", "nothing left: {out}");
    assert!(!line("status after").contains("installed"), "{out}");
    assert_eq!(Path::new("/usr/bin/lastmile").exists(), machine_had_it, "the machine's own /usr was not touched");
}
