//! Tidy: the invariants ARCHITECTURE.md states, checked on the source tree (in the manner of
//! rust-analyzer's tidy tests). A failure names the file and the rule; fix the code, or, if
//! the architecture really changes, change ARCHITECTURE.md and the rule here together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repository root").to_path_buf()
}

/// Files under `dir` (relative to the root) with one of `exts`, skipping build output.
fn files(dir: &str, exts: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !matches!(name.as_str(), "target" | "node_modules" | "dist" | "artifacts" | "gen")
                    && !name.starts_with('.')
                {
                    walk(&path, exts, out);
                }
            } else if exts.iter().any(|e| name.ends_with(&format!(".{e}"))) {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join(dir), exts, &mut out);
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

/// The code of a Rust file without its test module (by convention the file's tail from
/// `#[cfg(test)]`) and without comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read source");
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string literal (a URL) is kept when an odd number of quotes precede it.
            Some(i) if l[..i].matches('"').count() % 2 == 0 => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// **Invariant:** every SQL statement lives in the server's `store/` (and the database
/// plumbing, `db.rs` and its modules in `db/`).
#[test]
fn sql_only_in_the_store() {
    let mut offenders = Vec::new();
    for dir in ["crates", "src-tauri/src"] {
        for f in files(dir, &["rs"]) {
            let rel = relative(&f);
            let allowed = rel.starts_with("crates/lastmile-server/src/store/")
                || rel.starts_with("crates/lastmile-server/src/db/")
                || rel == "crates/lastmile-server/src/db.rs";
            if allowed || !rel.contains("/src/") {
                continue;
            }
            let code = code(&f);
            let sql = ["sqlx::query", "query_scalar(", "query_as(", "\"SELECT ", "\"INSERT ", "\"UPDATE ", "\"DELETE "];
            if let Some(hit) = sql.iter().find(|s| code.contains(**s)) {
                offenders.push(format!("{rel}: {hit}"));
            }
        }
    }
    assert!(offenders.is_empty(), "SQL outside crates/lastmile-server/src/store/:\n{}", offenders.join("\n"));
}

/// **Invariant:** the core does no IO and reads no clock and no random source.
#[test]
fn core_does_no_io() {
    let forbidden = [
        "SystemTime",
        "Instant::",
        "std::fs",
        "TcpStream",
        "TcpListener",
        "ToSocketAddrs",
        "std::env",
        "std::process",
        "File::",
        "UdpSocket",
        "rand::",
        "getrandom",
        "OsRng",
        "thread_rng",
        "tokio",
        "reqwest",
    ];
    let mut offenders = Vec::new();
    for f in files("crates/lastmile-core/src", &["rs"]) {
        let code = code(&f);
        for word in forbidden.iter().filter(|w| code.contains(**w)) {
            offenders.push(format!("{}: {word}", relative(&f)));
        }
    }
    assert!(
        offenders.is_empty(),
        "the core must not read clocks, randomness, files or the network:\n{}",
        offenders.join("\n")
    );
}

/// The crates a manifest depends on (normal and build dependencies, every target), not its
/// dev-dependencies.
fn dependencies(manifest: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join(manifest)).expect("manifest");
    let mut in_deps = false;
    let mut out = BTreeSet::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_deps = (line.ends_with("dependencies]") && !line.ends_with("dev-dependencies]"))
                || line.ends_with("build-dependencies]");
            continue;
        }
        if in_deps && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['=', '.', ' ']).next().unwrap_or_default();
            out.insert(name.to_string());
        }
    }
    out
}

const CRATES: [(&str, &str); 8] = [
    ("lastmile-core", "crates/lastmile-core/Cargo.toml"),
    ("lastmile-proto", "crates/lastmile-proto/Cargo.toml"),
    ("lastmile-device", "crates/lastmile-device/Cargo.toml"),
    ("lastmile-client", "crates/lastmile-client/Cargo.toml"),
    ("lastmile-agent", "crates/lastmile-agent/Cargo.toml"),
    ("lastmile-server", "crates/lastmile-server/Cargo.toml"),
    ("lastmile", "src-tauri/Cargo.toml"),
    ("lastmile-tests", "tests/Cargo.toml"),
];

/// **Invariant:** the layers of ARCHITECTURE.md. The core depends on nothing of ours; wire
/// types only on the core; the server never on the app's crates; only the app knows Tauri;
/// only the device crate touches hardware and OS services; only the server speaks SQL.
#[test]
fn crates_depend_only_on_their_layers() {
    let ours: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("lastmile-core", &[][..]),
        ("lastmile-proto", &["lastmile-core"][..]),
        ("lastmile-device", &["lastmile-core", "lastmile-proto"][..]),
        ("lastmile-client", &["lastmile-core", "lastmile-proto"][..]),
        ("lastmile-agent", &["lastmile-core", "lastmile-proto", "lastmile-device", "lastmile-client"][..]),
        ("lastmile-server", &["lastmile-core", "lastmile-proto"][..]),
        ("lastmile", &["lastmile-core", "lastmile-proto", "lastmile-device", "lastmile-agent"][..]),
        ("lastmile-tests", &["lastmile-device"][..]),
    ]);
    // External crates that belong to exactly one layer (the tests crate drives them all).
    let exclusive: [(&str, &[&str]); 10] = [
        ("tauri", &["lastmile"]),
        ("tauri-build", &["lastmile"]),
        ("webkit2gtk", &["lastmile"]),
        ("sqlx", &["lastmile-server"]),
        ("axum", &["lastmile-server"]),
        ("webauthn-rs", &["lastmile-server"]),
        ("argon2", &["lastmile-server"]),
        ("keyring", &["lastmile-device"]),
        ("sysinfo", &["lastmile-device"]),
        ("webauthn-authenticator-rs", &["lastmile-device", "lastmile-tests"]),
    ];
    let mut problems = Vec::new();
    for (name, manifest) in CRATES {
        let deps = dependencies(manifest);
        for dep in deps.iter().filter(|d| d.starts_with("lastmile")) {
            if !ours[name].contains(&dep.as_str()) {
                problems.push(format!("{name} must not depend on {dep}"));
            }
        }
        for (ext, owners) in exclusive {
            if deps.contains(ext) && !owners.contains(&name) {
                problems.push(format!("{name} must not depend on {ext} (only {owners:?})"));
            }
        }
    }
    assert!(problems.is_empty(), "layering broken:\n{}", problems.join("\n"));
}

/// The top-level modules of a crate's `src` and which others each names (`crate::x`).
fn module_graph(src: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let base = root().join(src);
    for f in files(src, &["rs"]) {
        let rel = f.strip_prefix(&base).expect("under src").to_string_lossy().into_owned();
        let top = rel.split('/').next().unwrap_or_default().trim_end_matches(".rs").to_string();
        if matches!(top.as_str(), "lib" | "main" | "bin") {
            continue;
        }
        let code = code(&f);
        let mut refs = BTreeSet::new();
        for (i, _) in code.match_indices("crate::") {
            let after = &code[i + "crate::".len()..];
            if let Some(group) = after.strip_prefix('{') {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                for item in group.split(',') {
                    let head = item.trim().split("::").next().unwrap_or_default();
                    if head.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                        refs.insert(head.to_string());
                    }
                }
            } else {
                let head: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if head.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                    refs.insert(head);
                }
            }
        }
        refs.remove(&top);
        graph.entry(top).or_default().extend(refs);
    }
    graph
}

/// A cycle through `start`, if any.
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![start.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().expect("non-empty");
        for next in graph.get(last).into_iter().flatten() {
            if next == start {
                return Some(path.iter().cloned().chain([start.to_string()]).collect());
            }
            if seen.insert(next.clone()) {
                stack.push(path.iter().cloned().chain([next.clone()]).collect());
            }
        }
    }
    None
}

/// **Invariant:** no two modules of a crate import each other, directly or around a circle:
/// the server is layered (`store` at the bottom, then the domain services, then `routes`
/// and `admin`), the app shell too (the terminal helpers at the bottom).
#[test]
fn no_module_cycles() {
    let mut cycles = Vec::new();
    for src in
        ["crates/lastmile-server/src", "src-tauri/src", "crates/lastmile-agent/src", "crates/lastmile-device/src"]
    {
        let graph = module_graph(src);
        for module in graph.keys() {
            if let Some(cycle) = cycle_from(&graph, module) {
                cycles.push(format!("{src}: {}", cycle.join(" -> ")));
            }
        }
    }
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

/// **Invariant:** a file that a comment or a document names exists in the repository.
#[test]
fn referenced_files_exist() {
    let all: Vec<String> =
        files(".", &["rs", "md", "sh", "py", "json", "toml", "sql", "pem", "svg", "ts", "svelte", "yml"])
            .iter()
            .map(|p| relative(p))
            .collect();
    let exists = |reference: &str| all.iter().any(|f| f == reference || f.ends_with(&format!("/{reference}")));
    let extensions = [".md", ".rs", ".sh", ".py", ".json", ".toml", ".sql", ".pem", ".svg", ".svelte"];
    let mut missing = Vec::new();
    for f in files(".", &["rs", "md", "sh", "toml", "ts", "svelte"]) {
        let rel = relative(&f);
        if rel.ends_with("bindings.ts") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            let prose = rel.ends_with(".md")
                || ["//", "#", "*", "<!--"].iter().any(|p| trimmed.starts_with(p))
                || line.contains(" // ");
            if !prose {
                continue;
            }
            let words = line.split(|c: char| !(c.is_ascii_alphanumeric() || "._/-".contains(c)));
            for word in words {
                if word.starts_with('/') {
                    continue; // a path on the machine (/etc/...), not in the repository
                }
                let word = word.trim_matches(|c: char| c == '.' || c == '/');
                let named_file = extensions.iter().any(|e| word.ends_with(e));
                let is_path = word.contains('/') || word.ends_with(".md");
                if named_file && is_path && !word.starts_with("http") && !word.contains("://") && !exists(word) {
                    missing.push(format!("{rel}:{}: {word}", n + 1));
                }
            }
        }
    }
    assert!(missing.is_empty(), "references to files that are not in the repository:\n{}", missing.join("\n"));
}
