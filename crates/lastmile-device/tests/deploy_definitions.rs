//! The three schedulers that report with the window closed (the systemd user timer in the
//! Linux packages, the macOS LaunchAgent, the Windows Scheduled Task) and the login items
//! (the XDG autostart entry, a LaunchAgent, the MSI's Run key) are written by hand in
//! `deploy/` or generated; this reads each as its OS would (a unit file, a property list,
//! task XML, a desktop entry) and checks they agree: the same command, at login and every
//! five minutes, from where each package installs the app. Only the Linux one is run here (tests/e2e/shipped.rs installs
//! it); launchd and the Task Scheduler are not available on this machine.

use std::path::PathBuf;

fn deploy(path: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy").join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn program_arguments(path: &str) -> (Vec<String>, plist::Dictionary) {
    let agent: plist::Value = plist::from_bytes(deploy(path).as_bytes()).expect("plist");
    let agent = agent.into_dictionary().expect("dictionary");
    let args = agent
        .get("ProgramArguments")
        .and_then(|v| v.as_array())
        .expect("ProgramArguments")
        .iter()
        .filter_map(|v| v.as_string().map(str::to_string))
        .collect();
    (args, agent)
}

fn unit_value(unit: &str, key: &str) -> String {
    unit.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("no {key} in\n{unit}"))
        .trim()
        .to_string()
}

#[test]
fn the_schedulers_run_the_same_report_at_login_and_every_five_minutes() {
    let service = deploy("linux/lastmile-report.service");
    let timer = deploy("linux/lastmile-report.timer");
    assert_eq!(unit_value(&service, "ExecStart"), "/usr/bin/lastmile report --if-due");
    assert_eq!(unit_value(&timer, "OnUnitActiveSec"), "5min");
    assert_eq!(unit_value(&timer, "OnStartupSec"), "60");

    let (args, agent) = program_arguments("macos/dev.lastmile.report.plist");
    assert_eq!(args, ["/Applications/Lastmile.app/Contents/MacOS/lastmile", "report", "--if-due"]);
    assert_eq!(agent.get("StartInterval").and_then(|v| v.as_unsigned_integer()), Some(300));
    assert_eq!(agent.get("RunAtLoad").and_then(|v| v.as_boolean()), Some(true));

    let xml = deploy("windows/lastmile-report.task.xml");
    let task = roxmltree::Document::parse(&xml).expect("task XML");
    let text = |tag: &str| {
        task.descendants()
            .find(|n| n.has_tag_name(tag))
            .and_then(|n| n.text())
            .unwrap_or_else(|| panic!("no {tag}"))
            .to_string()
    };
    assert_eq!(text("Command"), r#""C:\Program Files\Lastmile\lastmile.exe""#);
    assert_eq!(text("Arguments"), "report --if-due");
    assert_eq!(text("Interval"), "PT5M");
    assert!(task.descendants().any(|n| n.has_tag_name("LogonTrigger")), "at login");
    assert_eq!(text("RunLevel"), "LeastPrivilege", "as the user: the keyring is theirs");
}

/// Every user's login item starts the app with `--autostart`, which decides from the
/// autostart setting; none keeps it alive (Quit stays quit until the next login).
#[test]
fn the_login_items_start_the_app_to_decide_at_each_login() {
    let entry = deploy("linux/lastmile-autostart.desktop");
    assert_eq!(unit_value(&entry, "Exec"), "lastmile --autostart");

    let (args, agent) = program_arguments("macos/dev.lastmile.login.plist");
    assert_eq!(args, ["/Applications/Lastmile.app/Contents/MacOS/lastmile", "--autostart"]);
    assert_eq!(agent.get("RunAtLoad").and_then(|v| v.as_boolean()), Some(true));
    assert_eq!(agent.get("KeepAlive").and_then(|v| v.as_boolean()), Some(false));
    assert_eq!(agent.get("StartInterval"), None, "once per login");

    let wxs = deploy("policy/windows/lastmile-policy.wxs");
    let doc = roxmltree::Document::parse(&wxs).expect("the MSI fragment");
    let run = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("RegistryValue") && n.attribute("Key").is_some_and(|k| k.ends_with(r"\CurrentVersion\Run"))
        })
        .expect("the Run key");
    assert_eq!(run.attribute("Value"), Some("\"[#Path]\" --autostart"));
}
