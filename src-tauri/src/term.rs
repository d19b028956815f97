//! The terminal: writing to it, reading a line or a secret from it, and turning an agent
//! error into its message and exit code. Shared by the headless commands and journeys.

use std::io::{BufRead, Write};

use lastmile_agent::{AgentError, exit};
use lastmile_core::words::{Arg, Words};
use lastmile_proto::app::AppErrorCode;

/// The language of this command's words, chosen once (`speak`); English until then.
static LANGUAGE: std::sync::OnceLock<&'static Words> = std::sync::OnceLock::new();

/// Sets the language the terminal speaks for the rest of the process: the person's, as the
/// agent chose it (`Agent::locale`, the `locale` setting else the OS's languages).
pub(crate) fn speak(tag: &str) {
    let _ = LANGUAGE.set(Words::new(tag));
}

/// The terminal's words.
pub(crate) fn words() -> &'static Words {
    LANGUAGE.get().copied().unwrap_or_else(|| Words::new("en"))
}

/// The message `id` in the terminal's language.
pub(crate) fn w(id: &str, args: &[(&str, Arg)]) -> String {
    words().say(id, args)
}

/// The message `id` in the terminal's language, on a line of its own.
pub(crate) fn line(id: &str, args: &[(&str, Arg)]) -> String {
    format!("{}\n", w(id, args))
}

/// What went wrong, as the window says it: the error code's message and what to do, in the
/// person's language, then the app's own words with the specifics, in English, for IT
/// support (and for the specifics themselves: how many PIN tries are left, which code).
pub(crate) fn explain(e: &AgentError, words: &Words) -> String {
    let code = lastmile_agent::glance::wire_name(e.code);
    let hint = e.hint.as_deref().map(|h| format!(". {h}")).unwrap_or_default();
    format!(
        "{}\n  {}\n  ({}{hint})",
        words.say(&format!("error-{code}"), &[]),
        words.say(&format!("error-{code}-hint"), &[]),
        e.message
    )
}

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
    eprintln!("lastmile: {}", explain(e, words()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_said_in_the_persons_language_with_the_apps_own_words_below() {
        let e = AgentError::new(AppErrorCode::TotpInvalid, "that code is not right for this factor", None);
        assert_eq!(
            explain(&e, Words::new("en")),
            "That code is not right.\n  Type the code your authenticator app shows now; codes change every 30 \
             seconds.\n  (that code is not right for this factor)"
        );
        let e = AgentError::new(AppErrorCode::InviteExpired, "the invite expired at 12:00 UTC", Some("ask IT"));
        let de = explain(&e, Words::new("de"));
        assert!(de.ends_with("\n  (the invite expired at 12:00 UTC. ask IT)"), "{de}");
        assert!(!de.contains("error-"), "every code has its message: {de}");
    }
}
