//! `lastmile enroll totp`: the TOTP journey in a terminal. The clock is checked first; the QR
//! code is rendered locally; the secret stays in this process's memory and is dropped when
//! the flow ends (it is never logged or written to disk).

use lastmile_agent::exit;
use lastmile_proto::app::AppErrorCode;
use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

use crate::SystemAgent;
use crate::term::{ask, fail, read_secret, say};

/// How many codes a person may type before the command gives up (the server locks after 5).
const ATTEMPTS: usize = 3;

pub async fn totp(agent: &SystemAgent) -> i32 {
    // TOTP fails silently on a wrong clock: check it before anything else.
    match agent.clock().await {
        Ok(clock) => {
            let words = lastmile_core::words::Words::new(agent.locale());
            let warning = crate::clock_text::clock_warning("cli-clock-totp-warning", &clock, words);
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
    let recommended = lastmile_core::policy::readable_app_names(&enrollment.recommended_apps);
    let apps = if recommended.is_empty() {
        "your authenticator app (Microsoft Authenticator, Google Authenticator, 1Password, Authy, ...)".to_string()
    } else {
        format!("an authenticator app {} recommends ({})", enrollment.issuer, recommended.join(", "))
    };
    say(&format!(
        "Scan this QR code with {apps}:\n\n{qr}\n\nOr add it by hand as a time-based key:\n  account: {}\n  issuer:  {}\n  key:     {}\n",
        enrollment.account,
        enrollment.issuer,
        lastmile_core::totp::group_for_typing(&enrollment.secret),
    ));
    if !enrollment.widely_supported {
        say(&format!(
            "Note: your organisation asks for {} digits every {} s with {}; some apps ignore these settings.\n",
            enrollment.digits, enrollment.period_s, enrollment.algorithm
        ));
    }
    let factor_id = enrollment.factor_id.clone();
    drop(enrollment); // the secret is not needed past this point
    ask_for_code(
        "Code from the app: ",
        "no code entered; the authenticator app was not verified",
        &[AppErrorCode::TotpInvalid, AppErrorCode::TotpReplayed],
        async |code| {
            let factor = agent.totp_verify(&factor_id, code).await?;
            Ok(format!(
                "Verified by the server: your authenticator app is now a {} factor.",
                factor.tier.replace('_', "-")
            ))
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
        let Some(line) = ask(&format!("\n{prompt}")) else {
            eprintln!("\nlastmile: {when_abandoned}");
            return exit::USAGE;
        };
        match check(&line).await {
            Ok(done) => {
                say(&format!("{done}\n"));
                return exit::OK;
            }
            Err(e) if retry_on.contains(&e.code) && attempt < ATTEMPTS => say(&format!("{}\n", e.message)),
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
    let mut text = String::from(
        "Your new recovery codes (any previous ones stopped working just now). Each works once.\n\
         Keep them somewhere safe and away from this device: a password manager, or on paper.\n\n",
    );
    for (i, code) in set.codes.iter().enumerate() {
        text += &format!("  {:>2}. {code}\n", i + 1);
    }
    say(&text);
    if let Some(path) = save {
        match lastmile_agent::files::write_recovery_codes(path, &set.codes) {
            Ok(()) => say(&format!("\nSaved to {} (readable only by you).\n", path.display())),
            Err(e) => eprintln!("lastmile: could not save the codes to {}: {e}", path.display()),
        }
    }
    let factor_id = set.factor_id.clone();
    drop(set); // shown and saved; nothing keeps the codes from here on
    ask_for_code(
        "Type one of the codes to confirm you kept them: ",
        "not confirmed; the codes work, but count only once you confirm one",
        &[AppErrorCode::RecoveryCodeInvalid],
        async |code| {
            agent.recovery_codes_confirm(&factor_id, code).await?;
            Ok("Confirmed by the server: your recovery codes now count.".to_string())
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
        read_secret(if self.changing {
            "Current PIN of your security key (not shown): "
        } else {
            "PIN of your security key (not shown): "
        })
        .filter(|p| !p.is_empty())
    }
    fn insert(&self) {
        say("Insert your security key (waiting up to a minute; Ctrl+C to stop).\n");
    }
    fn new_pin(&self, min_length: u32) -> Option<String> {
        if self.changing {
            say(&format!("Choose the new PIN ({min_length} characters or more).\n"));
        } else {
            say(&format!(
                "Your organisation requires a PIN on the key, and it has none yet. Choose one \
                 ({min_length} characters or more); the key will ask for it from now on.\n"
            ));
        }
        let first = read_secret("New PIN (not shown): ")?;
        let again = read_secret("The same PIN again: ")?;
        if first != again {
            say("The two PINs differ; nothing was set.\n");
            return None;
        }
        Some(first)
    }
    fn touch(&self) {
        if self.verifying.load(std::sync::atomic::Ordering::Relaxed) {
            say("Touch your security key again, so the server can verify it.\n");
        } else {
            say("Touch your security key now.\n");
        }
    }
}

/// `lastmile key pin`: set or change the PIN of the key plugged in.
pub async fn key_pin(agent: &SystemAgent) -> i32 {
    say("Plug in your security key (only that one).\n");
    let wait = if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        std::time::Duration::from_secs(60)
    } else {
        std::time::Duration::ZERO
    };
    let prompt = TerminalPrompt { changing: true, ..TerminalPrompt::default() };
    match agent.change_key_pin(std::sync::Arc::new(prompt), wait).await {
        Ok(done) => {
            say(&format!(
                "The PIN of your {} is {}. The key asks for it from now on; nobody else knows it.\n",
                done.name, done.action
            ));
            exit::OK
        }
        Err(e) => fail(&e, false),
    }
}

/// `lastmile enroll security-key`: register, touch again to verify, done.
pub async fn security_key(agent: &SystemAgent) -> i32 {
    say("Plug in your security key (only that one), then follow the prompts.\n");
    // Wait for a key only when someone is there to plug it in; scripts get an answer at once.
    let wait = if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        std::time::Duration::from_secs(60)
    } else {
        std::time::Duration::ZERO
    };
    match agent.enroll_security_key(std::sync::Arc::new(TerminalPrompt::default()), wait).await {
        Ok(done) => {
            say(&format!(
                "Verified by the server: your {} is now a {} factor.\n",
                done.name,
                done.tier.replace('_', "-")
            ));
            if done.attestation_trusted {
                say("The server checked the key's attestation against the FIDO metadata: the model is genuine.\n");
            }
            exit::OK
        }
        Err(e) => fail(&e, false),
    }
}
