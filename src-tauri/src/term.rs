//! The terminal: writing to it, reading a line or a secret from it, and turning an agent
//! error into its message and exit code. Shared by the headless commands and journeys.

use std::io::{BufRead, Write};

use lastmile_agent::{AgentError, exit};
use lastmile_proto::app::AppErrorCode;

/// Writes to stdout and flushes; a closed pipe (`| head`) is not an error.
pub(crate) fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Writes a value as pretty JSON to stdout.
pub(crate) fn print_json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => say(&format!("{s}\n")),
        Err(e) => eprintln!("lastmile: cannot encode JSON: {e}"),
    }
}

/// Tells the person what failed (and, with `json`, prints it as JSON for scripts); returns
/// the exit code of the failure.
pub(crate) fn fail(e: &AgentError, json: bool) -> i32 {
    if json {
        print_json(&serde_json::json!({ "error": e.to_app_error() }));
    }
    eprintln!("lastmile: {}", e.message);
    if let Some(hint) = &e.hint {
        eprintln!("  {hint}");
    }
    if e.code == AppErrorCode::Internal { exit::INTERNAL } else { exit::for_error(e.code) }
}

/// Shows `prompt` and reads one line (trimmed); `None` at the end of input.
pub(crate) fn ask(prompt: &str) -> Option<String> {
    say(prompt);
    read_line().map(|l| l.trim().to_string())
}

/// One line from stdin, as typed; `None` at the end of input or on an error.
pub(crate) fn read_line() -> Option<String> {
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line),
    }
}

/// A secret such as a PIN: without echo on a terminal, as a plain line when stdin is a pipe
/// (scripts and tests); the line ending removed.
pub(crate) fn read_secret(prompt: &str) -> Option<String> {
    let secret = if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        rpassword::prompt_password(prompt).ok()
    } else {
        say(prompt);
        read_line()
    };
    secret.map(|p| p.trim_end_matches(['\r', '\n']).to_string())
}
