//! Every code the window words has its words: each `ProblemCode` and each `AppErrorCode`
//! (read from the generated bindings, so a new variant cannot be missed) has a message and a
//! hint in the English message file, and the locales test holds every other language to
//! English.

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

/// The ids of `prefix-<code>` and `prefix-<code>-hint` for every value of `union` that the
/// English file lacks.
fn missing(union_name: &str, prefix: &str, at_least: usize) -> Vec<String> {
    let bindings = read("../ui/src/ipc/bindings.ts");
    let english = read("../locales/en/window.ftl");
    let codes = union(&bindings, union_name);
    assert!(codes.len() >= at_least, "{union_name}: {codes:?}");
    codes
        .iter()
        .flat_map(|c| [format!("{prefix}-{c}"), format!("{prefix}-{c}-hint")])
        .filter(|id| !english.lines().any(|l| l.starts_with(&format!("{id} ="))))
        .collect()
}

#[test]
fn every_problem_code_has_a_message_and_a_hint() {
    let missing = missing("ProblemCode", "problem", 12);
    assert!(missing.is_empty(), "no English message for {missing:?}");
}

#[test]
fn every_error_code_has_a_message_and_a_hint() {
    let missing = missing("AppErrorCode", "error", 33);
    assert!(missing.is_empty(), "no English message for {missing:?}");
}
