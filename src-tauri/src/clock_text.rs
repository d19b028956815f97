//! `lastmile clock` for a person at a terminal, and the clock warnings `lastmile enroll totp`
//! and `lastmile recover` give, in their language: the offset against the server (or the NTP
//! server measured instead), what it means for codes, each NTP server measured, and the
//! steps to fix the clock on this OS and desktop. The agent's own remark on the reference
//! (`note`) and an NTP server's error stay in English, as in the window.

use lastmile_agent::glance::{clock_offset, offset_amount};
use lastmile_core::words::{Arg, Words};
use lastmile_proto::app::{ClockStatus, ClockVerdict};

/// "(±12 ms)": half the round trip, the most the offset can be wrong by.
fn uncertainty(words: &Words, delay_ms: Option<i64>) -> String {
    let ms = delay_ms.unwrap_or_default().saturating_abs().saturating_add(1) / 2;
    words.say("clock-uncertainty", &[("ms", Arg::Number(ms))])
}

/// "45 s ahead of NTP server 127.0.0.1:123".
fn ntp_offset(words: &Words, server: &str, ms: i64) -> String {
    let (amount, direction) = offset_amount(words, ms);
    words.say(
        "cli-clock-offset-ntp",
        &[("server", Arg::Text(server)), ("direction", Arg::Text(direction)), ("amount", Arg::Text(&amount))],
    )
}

/// The heading and the numbered steps to fix the clock; nothing when there are none.
fn fix(c: &ClockStatus, heading: String) -> String {
    if c.fix_steps.is_empty() {
        return String::new();
    }
    let mut s = heading + "\n";
    for (i, step) in c.fix_steps.iter().enumerate() {
        s += &format!("  {}. {step}\n", i + 1);
    }
    s
}

/// What `lastmile clock` prints.
pub fn clock_text(c: &ClockStatus, words: &Words) -> String {
    let mut ntp = String::new();
    for n in &c.ntp {
        let line = match (n.offset_ms, &n.error) {
            (Some(ms), _) => format!("{} {}", ntp_offset(words, &n.server, ms), uncertainty(words, n.delay_ms)),
            (None, reason) => words.say(
                "cli-clock-ntp-unmeasured",
                &[("server", Arg::Text(&n.server)), ("reason", Arg::Text(reason.as_deref().unwrap_or("-")))],
            ),
        };
        ntp += &format!("  {line}\n");
    }
    let (Some(ms), Some(verdict)) = (c.offset_ms, c.verdict) else {
        return format!("{}\n{ntp}", words.say("cli-clock-unmeasured", &[]));
    };
    let offset = match c.source.strip_prefix("ntp:") {
        Some(server) => ntp_offset(words, server, ms),
        None => clock_offset(words, ms),
    };
    let verdict = match verdict {
        ClockVerdict::Ok => "ok",
        ClockVerdict::Warn => "warn",
        ClockVerdict::Fail => "fail",
    };
    let uncertainty = uncertainty(words, c.delay_ms);
    let args =
        [("offset", Arg::Text(&offset)), ("uncertainty", Arg::Text(&uncertainty)), ("verdict", Arg::Text(verdict))];
    let mut s = words.say("cli-clock-is", &args) + "\n" + &ntp;
    if let Some(note) = &c.note {
        s += &words.say("cli-clock-note", &[("note", Arg::Text(note))]);
        s += "\n";
    }
    s + &fix(c, words.say("cli-clock-fix", &[]))
}

/// The warning before a flow that a wrong clock affects (`cli-clock-totp-warning`,
/// `cli-clock-recover-note`), with the steps to fix it; nothing when the clock is fine or
/// was not measured.
pub fn clock_warning(id: &str, c: &ClockStatus, words: &Words) -> String {
    match (c.verdict, c.offset_ms) {
        (Some(ClockVerdict::Warn | ClockVerdict::Fail), Some(ms)) => {
            let heading = words.say(id, &[("offset", Arg::Text(&clock_offset(words, ms)))]);
            let text = fix(c, heading.clone());
            if text.is_empty() { heading + "\n" } else { text }
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lastmile_proto::app::NtpCheck;

    fn fast(words: &Words) -> ClockStatus {
        ClockStatus {
            offset_ms: Some(45_200),
            delay_ms: Some(7),
            verdict: Some(ClockVerdict::Fail),
            source: "server".into(),
            samples: 4,
            fix_steps: lastmile_core::clockfix::fix_steps(lastmile_core::clockfix::ClockPlatform::Gnome, words),
            fix_for: Some("gnome".into()),
            ntp: vec![
                NtpCheck {
                    server: "ntp.acme.test:123".into(),
                    offset_ms: Some(-300),
                    delay_ms: Some(20),
                    verdict: Some(ClockVerdict::Ok),
                    error: None,
                },
                NtpCheck {
                    server: "127.0.0.1:9".into(),
                    offset_ms: None,
                    delay_ms: None,
                    verdict: None,
                    error: Some("no answer".into()),
                },
            ],
            note: None,
        }
    }

    #[test]
    fn a_fast_clock_is_worded_with_its_fix_in_english_and_german() {
        let en = Words::new("en");
        assert_eq!(
            clock_text(&fast(en), en),
            "This device's clock is 45.2 s ahead of the server (±4 ms): authenticator codes will fail.\n\
             \x20 300 ms behind NTP server ntp.acme.test:123 (±10 ms)\n\
             \x20 NTP server 127.0.0.1:9: not measured (no answer)\n\
             To fix it:\n\
             \x20 1. Open Settings > System > Date & Time.\n\
             \x20 2. Turn on \"Automatic Date & Time\" and \"Automatic Time Zone\".\n\
             \x20 3. If the clock stays wrong, run `timedatectl set-ntp true` and check `timedatectl timesync-status`.\n"
        );
        let de = Words::new("de");
        let text = clock_text(&fast(de), de);
        assert!(
            text.starts_with(
                "Die Uhr dieses Geräts geht 45,2 s vor dem Server (±4 ms): Authenticator-Codes werden fehlschlagen.\n"
            ),
            "{text}"
        );
        assert!(text.contains("  300 ms hinter dem NTP-Server ntp.acme.test:123 (±10 ms)\n"), "{text}");
        assert!(
            text.contains("So beheben Sie es:\n  1. Öffnen Sie Einstellungen > System > Datum und Uhrzeit.\n"),
            "{text}"
        );
    }

    #[test]
    fn the_warning_before_a_flow_names_the_offset_and_the_fix_and_is_silent_when_the_clock_is_right() {
        let fr = Words::new("fr");
        let text = clock_warning("cli-clock-totp-warning", &fast(fr), fr);
        assert!(text.starts_with("Attention : l’horloge de cet appareil a 45,2 s d’avance sur le serveur."), "{text}");
        assert!(text.contains("  1. Ouvrez Paramètres > Système > Date et heure.\n"), "{text}");
        let right = ClockStatus { verdict: Some(ClockVerdict::Ok), fix_steps: vec![], fix_for: None, ..fast(fr) };
        assert_eq!(clock_warning("cli-clock-totp-warning", &right, fr), "");
        let unmeasured = ClockStatus { offset_ms: None, verdict: None, ..fast(fr) };
        assert_eq!(clock_warning("cli-clock-recover-note", &unmeasured, fr), "");
    }

    #[test]
    fn measured_against_ntp_alone_the_reference_is_named() {
        let ja = Words::new("ja");
        let c = ClockStatus { source: "ntp:ntp.acme.test:123".into(), ntp: vec![], ..fast(ja) };
        let text = clock_text(&c, ja);
        assert!(
            text.starts_with("このデバイスの時計はNTP サーバー ntp.acme.test:123 より 45.2 秒 進んでいます"),
            "{text}"
        );
        let none = ClockStatus { offset_ms: None, verdict: None, ntp: vec![], ..fast(ja) };
        assert_eq!(clock_text(&none, ja), "時計を測定できませんでした。\n");
    }
}
