//! `lastmile enroll totp`: the TOTP journey in a terminal. The clock is checked first; the QR
//! code is rendered locally; the secret stays in this process's memory and is dropped when
//! the flow ends (it is never logged or written to disk).

use lastmile_agent::exit;
use lastmile_proto::app::AppErrorCode;
use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

use crate::SystemAgent;
use crate::term::{ask, explain, fail, line, read_secret, say, w, words};
use lastmile_core::words::Arg;

/// A tier's name as the terminal says it (`phishing-resistant`).
fn tier(wire: &str) -> String {
    w("cli-tier", &[("tier", Arg::Text(wire))])
}

/// How many codes a person may type before the command gives up (the server locks after 5).
const ATTEMPTS: usize = 3;

pub async fn totp(agent: &SystemAgent) -> i32 {
    // TOTP fails silently on a wrong clock: check it before anything else.
    match agent.clock().await {
        Ok(clock) => {
            let warning = crate::clock_text::clock_warning("cli-clock-totp-warning", &clock, words());
            if !warning.is_empty() {
                say(&format!("{warning}\n"));
            }
        }
        Err(e) => return fail(&e, false),
    }
    let enrollment = match agent.totp_begin().await {
        Ok(e) => e,
        Err(e) => return fail(&e, false),
    };
    let qr = match QrCode::new(enrollment.otpauth_uri.as_bytes()) {
        Ok(code) => {
            code.render::<Dense1x2>().dark_color(Dense1x2::Light).light_color(Dense1x2::Dark).quiet_zone(true).build()
        }
        Err(e) => {
            eprintln!("lastmile: cannot draw the QR code: {e}");
            return exit::INTERNAL;
        }
    };
    let recommended = &enrollment.recommended_apps;
    let apps = recommended.join(", ");
    let scan = w(
        "cli-totp-scan",
        &[
            ("recommended", Arg::Text(if recommended.is_empty() { "none" } else { "some" })),
            ("organisation", Arg::Text(&enrollment.issuer)),
            ("apps", Arg::Text(&apps)),
        ],
    );
    let by_hand = crate::status_text::aligned(
        &[
            (w("cli-totp-account", &[]), enrollment.account.clone()),
            (w("cli-totp-issuer", &[]), enrollment.issuer.clone()),
            (w("cli-totp-key", &[]), lastmile_core::totp::group_for_typing(&enrollment.secret)),
        ],
        "  ",
        1,
    );
    say(&format!("{scan}\n\n{qr}\n\n{}\n{by_hand}", w("cli-totp-by-hand", &[])));
    if !enrollment.widely_supported {
        let args = [
            ("digits", Arg::Number(i64::from(enrollment.digits))),
            ("period", Arg::Number(i64::from(enrollment.period_s))),
            ("algorithm", Arg::Text(&enrollment.algorithm)),
        ];
        say(&line("cli-totp-unusual", &args));
    }
    let factor_id = enrollment.factor_id.clone();
    drop(enrollment); // the secret is not needed past this point
    ask_for_code(
        &w("cli-totp-code", &[]),
        &w("cli-totp-abandoned", &[]),
        &[AppErrorCode::TotpInvalid, AppErrorCode::TotpReplayed],
        async |code| {
            let factor = agent.totp_verify(&factor_id, code).await?;
            Ok(w("cli-totp-verified", &[("tier", Arg::Text(&tier(&factor.tier)))]))
        },
    )
    .await
}

/// Asks for a code, up to [`ATTEMPTS`] times, and has the server check it. Errors whose code
/// is in `retry_on` are shown and asked again; others end the command with their exit code.
async fn ask_for_code(
    prompt: &str,
    when_abandoned: &str,
    retry_on: &[AppErrorCode],
    mut check: impl AsyncFnMut(&str) -> Result<String, lastmile_agent::AgentError>,
) -> i32 {
    for attempt in 1..=ATTEMPTS {
        let Some(line) = ask(&format!("\n{prompt} ")) else {
            eprintln!("\nlastmile: {when_abandoned}");
            return exit::USAGE;
        };
        match check(&line).await {
            Ok(done) => {
                say(&format!("{done}\n"));
                return exit::OK;
            }
            Err(e) if retry_on.contains(&e.code) && attempt < ATTEMPTS => say(&format!("{}\n", explain(&e, words()))),
            Err(e) => return fail(&e, false),
        }
    }
    exit::USAGE
}

/// `lastmile enroll recovery-codes`: a new set of ten, shown once, confirmed by typing one back.
pub async fn recovery_codes(agent: &SystemAgent, save: Option<&std::path::Path>) -> i32 {
    let set = match agent.recovery_codes_new().await {
        Ok(s) => s,
        Err(e) => return fail(&e, false),
    };
    let mut text = format!("{}\n\n", w("cli-codes-intro", &[]));
    for (i, code) in set.codes.iter().enumerate() {
        text += &format!("  {:>2}. {code}\n", i + 1);
    }
    say(&text);
    if let Some(path) = save {
        match lastmile_agent::files::write_recovery_codes(path, &set.codes) {
            Ok(()) => {
                say(&format!("\n{}\n", w("cli-codes-saved", &[("path", Arg::Text(&path.display().to_string()))])))
            }
            Err(e) => eprintln!(
                "lastmile: {}",
                w(
                    "cli-codes-not-saved",
                    &[("path", Arg::Text(&path.display().to_string())), ("error", Arg::Text(&e.to_string()))]
                )
            ),
        }
    }
    let factor_id = set.factor_id.clone();
    drop(set); // shown and saved; nothing keeps the codes from here on
    ask_for_code(
        &w("cli-codes-confirm", &[]),
        &w("cli-codes-abandoned", &[]),
        &[AppErrorCode::RecoveryCodeInvalid],
        async |code| {
            agent.recovery_codes_confirm(&factor_id, code).await?;
            Ok(w("cli-codes-confirmed", &[]))
        },
    )
    .await
}

/// Asks for the key's PIN without echo and says when to touch the key.
#[derive(Debug, Default)]
struct TerminalPrompt {
    verifying: std::sync::atomic::AtomicBool,
    /// `lastmile key pin`: the person asked for a new PIN (not the organisation).
    changing: bool,
}

impl lastmile_device::keys::KeyPrompt for TerminalPrompt {
    fn phase(&self, phase: lastmile_device::keys::KeyPhase) {
        let verifying = phase == lastmile_device::keys::KeyPhase::Verify;
        self.verifying.store(verifying, std::sync::atomic::Ordering::Relaxed);
    }
    fn pin(&self) -> Option<String> {
        let prompt = w(if self.changing { "cli-key-current-pin" } else { "cli-key-pin" }, &[]);
        read_secret(&format!("{prompt} ")).filter(|p| !p.is_empty())
    }
    fn insert(&self) {
        say(&line("cli-key-insert", &[]));
    }
    fn new_pin(&self, min_length: u32) -> Option<String> {
        let n = [("n", Arg::Number(i64::from(min_length)))];
        say(&line(if self.changing { "cli-key-choose-pin" } else { "cli-key-pin-required" }, &n));
        let first = read_secret(&format!("{} ", w("cli-key-new-pin", &[])))?;
        let again = read_secret(&format!("{} ", w("cli-key-new-pin-again", &[])))?;
        if first != again {
            say(&line("cli-key-pins-differ", &[]));
            return None;
        }
        Some(first)
    }
    fn system(&self) {
        say(&line("cli-key-system", &[]));
    }
    fn touch(&self) {
        let verifying = self.verifying.load(std::sync::atomic::Ordering::Relaxed);
        say(&line(if verifying { "cli-key-touch-again" } else { "cli-key-touch" }, &[]));
    }
}

/// `lastmile key pin`: set or change the PIN of the key plugged in.
pub async fn key_pin(agent: &SystemAgent) -> i32 {
    say(&line("cli-key-plug-in-for-pin", &[]));
    let wait = if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        std::time::Duration::from_secs(60)
    } else {
        std::time::Duration::ZERO
    };
    let prompt = TerminalPrompt { changing: true, ..TerminalPrompt::default() };
    match agent.change_key_pin(std::sync::Arc::new(prompt), wait).await {
        Ok(done) => {
            let args = [("key", Arg::Text(&done.name)), ("action", Arg::Text(&done.action))];
            say(&line("cli-key-pin-done", &args));
            exit::OK
        }
        Err(e) => fail(&e, false),
    }
}

/// `lastmile enroll security-key`: register, touch again to verify, done.
pub async fn security_key(agent: &SystemAgent) -> i32 {
    say(&line("cli-key-plug-in", &[]));
    // Wait for a key only when someone is there to plug it in; scripts get an answer at once.
    let wait = if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        std::time::Duration::from_secs(60)
    } else {
        std::time::Duration::ZERO
    };
    match agent.enroll_security_key(std::sync::Arc::new(TerminalPrompt::default()), wait).await {
        Ok(done) => {
            let args = [("key", Arg::Text(&done.name)), ("tier", Arg::Text(&tier(&done.tier)))];
            say(&line("cli-key-verified", &args));
            if done.attestation_trusted {
                say(&line("cli-key-genuine", &[]));
            }
            exit::OK
        }
        Err(e) => fail(&e, false),
    }
}
