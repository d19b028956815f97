//! The three schedulers that report with the window closed (the systemd user timer in the
//! Linux packages, the macOS LaunchAgent, the Windows Scheduled Task) are written by hand in
//! `deploy/`; this reads each as its OS would (a unit file, a property list, task XML) and
//! checks they agree: the same command, at login and every five minutes, from where each
//! package installs the app. Only the Linux one is run here (tests/e2e/shipped.rs installs
//! it); launchd and the Task Scheduler are not available on this machine.

use std::path::PathBuf;

fn deploy(path: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy").join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
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

    let agent: plist::Value = plist::from_bytes(deploy("macos/dev.lastmile.report.plist").as_bytes()).expect("plist");
    let agent = agent.as_dictionary().expect("dictionary");
    let args: Vec<&str> = agent
        .get("ProgramArguments")
        .and_then(|v| v.as_array())
        .expect("ProgramArguments")
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
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
