//! `lastmile status` for a person at a terminal, in their language: the device, its
//! authenticators, the server, the clock, who joined, where they stand, the next step with the
//! command that takes it, and what needs attention. The words come from the same message files
//! as the window and the tray (`lastmile_core::words`), the device's notes too
//! (`lastmile_agent::notes`); a problem's specifics stay in English, as in the window.

use lastmile_agent::glance::{clock_offset, next_step, problem, problem_hint, standing};
use lastmile_agent::notes::{keys_note, platform_note, tpm_note};
use lastmile_core::words::{Arg, Words};
use lastmile_proto::app::{ClockVerdict, ProblemCode, StatusReport};

/// How many terminal columns `text` takes: two for the wide characters of East Asian
/// scripts (the labels of the Japanese messages), one for the rest. Enough for the labels,
/// which hold no combining marks or emoji.
pub(crate) fn columns(text: &str) -> usize {
    text.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// Rows of "label value", each line starting with `indent`, the values lined up `gap` columns
/// after the widest label.
pub(crate) fn aligned(rows: &[(String, String)], indent: &str, gap: usize) -> String {
    let width = rows.iter().map(|(label, _)| columns(label)).max().unwrap_or(0) + gap;
    rows.iter()
        .map(|(label, value)| format!("{indent}{label}{}{value}\n", " ".repeat(width - columns(label))))
        .collect()
}

/// The command that takes a recommended step, if the terminal has one.
fn command_for(step: &str) -> Option<&'static str> {
    match step {
        "security_key" | "plug_in_security_key" => Some("lastmile enroll security-key"),
        "totp" => Some("lastmile enroll totp"),
        "recovery_codes" => Some("lastmile enroll recovery-codes"),
        _ => None,
    }
}

/// The report as lines of "label  value", the labels padded to one width.
pub fn status_text(r: &StatusReport, words: &Words) -> String {
    let say = |id: &str| words.say(id, &[]);
    let mut rows: Vec<(String, String)> = Vec::new();
    let d = &r.device;
    rows.push((say("cli-device"), format!("{} - {} {} ({})", d.hostname, d.os_name, d.os_version, d.arch)));
    let keys = &r.authenticators.security_keys;
    if keys.is_empty() {
        let note = r.authenticators.security_keys_note.as_ref().map(|n| format!(": {}", keys_note(n, words)));
        let note = note.unwrap_or_default();
        rows.push((say("cli-keys"), format!("{}{note}", say("cli-keys-none"))));
    }
    for k in keys {
        let model = k.model.clone().or_else(|| k.aaguid.clone()).unwrap_or_else(|| say("cli-key-unknown-model"));
        let error = k.error.as_deref().map(|e| format!(" - {e}")).unwrap_or_default();
        rows.push((say("cli-key"), format!("{model} [{}]{error}", k.versions.join(", "))));
    }
    rows.push((say("cli-platform"), platform_note(&r.authenticators.platform.note, words)));
    rows.push((say("cli-tpm"), tpm_note(&r.authenticators.tpm.note, words)));
    let reachable = if r.server.reachable { say("cli-server-reachable") } else { say("cli-server-unreachable") };
    let server = match &r.server.url {
        Some(url) => format!("{url} ({reachable})"),
        None => say("cli-server-not-configured"),
    };
    rows.push((say("cli-server"), server));
    if let (Some(ms), Some(verdict)) = (r.clock.offset_ms, r.clock.verdict) {
        let verdict = match verdict {
            ClockVerdict::Ok => say("clock-verdict-ok"),
            ClockVerdict::Warn => say("clock-verdict-warn"),
            ClockVerdict::Fail => say("clock-verdict-fail"),
        };
        rows.push((say("cli-clock"), format!("{} ({verdict})", clock_offset(words, ms))));
    }
    let e = &r.enrollment;
    let joined = match (&e.organisation, &e.user_email) {
        (Some(org), Some(email)) => {
            words.say("cli-joined-as", &[("organisation", Arg::Text(org)), ("email", Arg::Text(email))])
        }
        _ => say("cli-joined-no"),
    };
    rows.push((say("cli-joined"), joined));
    if let Some(view) = &e.server_view {
        let standing = standing(words, &view.standing, e.organisation.as_deref().unwrap_or(""));
        rows.push((say("cli-standing"), standing));
        if let Some(step) = &view.next_step {
            let what = next_step(words, step);
            let next = match command_for(&step.step) {
                Some(command) => {
                    words.say("cli-next-command", &[("step", Arg::Text(&what)), ("command", Arg::Text(command))])
                }
                None => what,
            };
            rows.push((say("cli-next"), next));
        }
    }
    let mut out = aligned(&rows, "", 2);
    for p in &r.problems {
        out += &format!("! {}\n", problem(words, p.code, r));
        out += &format!("  {}\n", problem_hint(words, p.code));
        // The app's own words add the specifics (a file, an address, the network's error),
        // except where the message says it all.
        if !matches!(
            p.code,
            ProblemCode::NotJoined | ProblemCode::NoServer | ProblemCode::ClockFail | ProblemCode::ClockWarn
        ) {
            out += &format!("  ({})\n", p.message);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(super::columns("Device"), 6);
        assert_eq!(super::columns("デバイス"), 8);
        assert_eq!(super::columns("プラットフォーム"), 16);
        assert_eq!(super::columns("Gerät"), 5);
    }
}
