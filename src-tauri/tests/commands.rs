//! The window's commands are listed once (`COMMANDS`, which build.rs turns into
//! permissions); this ties that list to the handlers registered with `generate_handler!`
//! and to the permissions the window's capability file grants.

use std::collections::BTreeSet;

fn handlers() -> BTreeSet<String> {
    let src =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/gui/commands.rs")).expect("commands.rs");
    let start = src.find("generate_handler![").expect("generate_handler! in commands.rs") + "generate_handler![".len();
    let end = start + src[start..].find(']').expect("end of generate_handler!");
    src[start..end].split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn granted() -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/capabilities/main.json")).expect("capability");
    let json: serde_json::Value = serde_json::from_str(&text).expect("capability JSON");
    json["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|c| c.replace('-', "_")))
        .collect()
}

#[test]
fn every_command_is_registered_and_granted_exactly_once() {
    let listed: BTreeSet<String> = lastmile_app::COMMANDS.iter().map(|c| c.to_string()).collect();
    assert_eq!(listed.len(), lastmile_app::COMMANDS.len(), "a command is listed twice");
    assert_eq!(handlers(), listed, "generate_handler! and COMMANDS differ");
    assert_eq!(granted(), listed, "capabilities/main.json and COMMANDS differ");
}
