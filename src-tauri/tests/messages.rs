//! Every code the window words has its words: each `ProblemCode` (read from the generated
//! bindings, so a new variant cannot be missed) has a message and a hint in the English
//! message file, and the locales test holds every other language to English.

use std::path::Path;

fn read(path: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The string values of a TypeScript union type in the generated bindings.
fn union(bindings: &str, name: &str) -> Vec<String> {
    let start = bindings.find(&format!("export type {name} =")).unwrap_or_else(|| panic!("no type {name}"));
    let body = &bindings[start..];
    let body = &body[..body.find(";\n").unwrap_or(body.len())];
    body.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn every_problem_code_has_a_message_and_a_hint() {
    let bindings = read("../ui/src/ipc/bindings.ts");
    let english = read("../locales/en/window.ftl");
    let codes = union(&bindings, "ProblemCode");
    assert!(codes.len() >= 12 && codes.contains(&"clock_fail".to_string()), "{codes:?}");
    let missing: Vec<String> = codes
        .iter()
        .flat_map(|c| [format!("problem-{c}"), format!("problem-{c}-hint")])
        .filter(|id| !english.lines().any(|l| l.starts_with(&format!("{id} ="))))
        .collect();
    assert!(missing.is_empty(), "no English message for {missing:?}");
}
