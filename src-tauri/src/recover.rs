//! `lastmile recover`: the traveller's journey in a terminal. Sign in with a recovery code
//! (the clock is checked and explained first), see the account's factors and devices,
//! revoke the lost ones, set up a new authenticator app, get a fresh set of recovery codes,
//! end the session. Run again after an interruption, it continues where it stopped.

use lastmile_agent::{AgentError, RecoverInput, exit};
use lastmile_proto::api::AccountView;
use lastmile_proto::app::AppErrorCode;

use crate::SystemAgent;
use crate::term::{ask, fail, say};

/// What to revoke without asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RevokeChoice {
    /// Ask (the default on a terminal).
    Ask,
    /// Every factor and every other device.
    All,
    None,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub user: Option<String>,
    pub org: Option<String>,
    pub revoke: RevokeChoice,
    pub skip_totp: bool,
    pub save: Option<std::path::PathBuf>,
}

fn when(ms: i64) -> String {
    lastmile_core::clock::UnixMillis(ms).utc_time_of_day()
}

pub async fn run(agent: &SystemAgent, opts: Options) -> i32 {
    // An interrupted recovery continues: a live session on this device skips the sign-in.
    let account = match agent.recovery_account().await {
        Ok(account) if account.session_expires_at_ms.is_some() => {
            say(&format!(
                "Continuing your recovery session (it ends at {}).\n",
                when(account.session_expires_at_ms.unwrap_or_default())
            ));
            account
        }
        _ => match sign_in(agent, &opts).await {
            Ok(account) => account,
            Err(code) => return code,
        },
    };
    print_account(&account);

    let targets = match choose(&account, &opts.revoke) {
        Ok(t) => t,
        Err(code) => return code,
    };
    for target in &targets {
        let result = match target {
            Target::Factor(id) => agent.recovery_revoke_factor(id).await,
            Target::Device(id) => agent.recovery_revoke_device(id).await,
        };
        if let Err(e) = result {
            say("Nothing is lost: run `lastmile recover` again to continue.\n");
            return fail(&e, false);
        }
    }
    if !targets.is_empty() {
        say(&format!("Revoked {} item(s): they stopped working just now.\n", targets.len()));
    }

    if !opts.skip_totp {
        say("\nNow set up an authenticator app on your new phone.\n");
        let code = crate::enroll::totp(agent).await;
        if code != exit::OK {
            say("Run `lastmile recover` again to continue (your session stays open for 30 minutes).\n");
            return code;
        }
    }

    say("\nFinally, a fresh set of recovery codes (the old ones stop working now).\n");
    let code = crate::enroll::recovery_codes(agent, opts.save.as_deref()).await;
    if code != exit::OK {
        return code;
    }
    match agent.recovery_end().await {
        Ok(_) => {
            say("\nRecovered. This device is joined; the recovery session is closed.\n");
            exit::OK
        }
        Err(e) => fail(&e, false),
    }
}

async fn sign_in(agent: &SystemAgent, opts: &Options) -> Result<AccountView, i32> {
    let username = match opts.user.clone().or_else(|| ask("Your work email address: ")) {
        Some(u) if !u.is_empty() => u,
        _ => {
            eprintln!("lastmile: no email address given");
            return Err(exit::USAGE);
        }
    };
    let mut tries = 0;
    let signed = loop {
        tries += 1;
        let Some(code) = ask("One of your recovery codes: ") else {
            eprintln!("\nlastmile: no recovery code given; nothing was changed");
            return Err(exit::USAGE);
        };
        let input = RecoverInput { server: None, organisation: opts.org.clone(), username: username.clone(), code };
        match agent.recover_sign_in(&input).await {
            Ok(s) => break s,
            Err(e) if retryable(&e) && tries < 3 => say(&format!("{}\n", e.message)),
            Err(e) => return Err(fail(&e, false)),
        }
    };
    let words = lastmile_core::words::Words::new(agent.locale());
    say(&crate::clock_text::clock_warning("cli-clock-recover-note", &signed.clock, words));
    say(&format!(
        "Signed in as {} <{}> ({}){}. That code is now used up; {} left in the old set.\n\
         Your recovery session ends at {}.\n",
        signed.user_name,
        signed.user_email,
        signed.organisation,
        if signed.resumed { ", continuing an earlier attempt" } else { "" },
        signed.codes_left,
        when(signed.session_expires_at_ms)
    ));
    agent.recovery_account().await.map_err(|e| fail(&e, false))
}

fn retryable(e: &AgentError) -> bool {
    matches!(e.code, AppErrorCode::RecoveryRefused | AppErrorCode::InvalidInput)
}

#[derive(Debug, Clone)]
enum Target {
    Factor(String),
    Device(String),
}

fn print_account(a: &AccountView) {
    let mut s = String::from("\nYour factors and devices:\n");
    let mut n = 0;
    for f in &a.factors {
        n += 1;
        let extra = match (f.codes_left, &f.enrolled_from) {
            (Some(left), _) => format!(", {left} codes left"),
            (None, Some(host)) => format!(", set up from {host}"),
            (None, None) => String::new(),
        };
        s += &format!("  {n:>2}. {} ({}{extra})\n", kind_name(&f.kind), f.status);
    }
    for d in &a.devices {
        if d.current {
            s += &format!("   -  device {} ({}) - this device\n", d.hostname, d.os_name);
        } else {
            n += 1;
            s += &format!("  {n:>2}. device {} ({})\n", d.hostname, d.os_name);
        }
    }
    say(&s);
}

fn kind_name(kind: &str) -> &str {
    match kind {
        "totp" => "authenticator app",
        "recovery_codes" => "recovery codes",
        "security_key" => "security key",
        "platform_authenticator" => "built-in authenticator",
        other => other,
    }
}

fn targets(a: &AccountView) -> Vec<Target> {
    a.factors
        .iter()
        .map(|f| Target::Factor(f.id.clone()))
        .chain(a.devices.iter().filter(|d| !d.current).map(|d| Target::Device(d.id.clone())))
        .collect()
}

fn choose(a: &AccountView, choice: &RevokeChoice) -> Result<Vec<Target>, i32> {
    let all = targets(a);
    match choice {
        RevokeChoice::All => return Ok(all),
        RevokeChoice::None => return Ok(Vec::new()),
        RevokeChoice::Ask if all.is_empty() => return Ok(Vec::new()),
        RevokeChoice::Ask => {}
    }
    loop {
        let Some(line) = ask("\nWhich did you lose? Numbers separated by spaces, `all`, or Enter for none: ") else {
            eprintln!("\nlastmile: no answer; nothing was revoked");
            return Err(exit::USAGE);
        };
        match parse_selection(&line, all.len()) {
            Ok(picked) => return Ok(picked.into_iter().map(|i| all[i].clone()).collect()),
            Err(why) => say(&format!("{why}\n")),
        }
    }
}

/// `"1 3"`, `"1,3"`, `"all"` or `""` into zero-based indices.
fn parse_selection(line: &str, len: usize) -> Result<Vec<usize>, String> {
    let line = line.trim();
    if line.eq_ignore_ascii_case("all") {
        return Ok((0..len).collect());
    }
    let mut picked = Vec::new();
    for word in line.split(|c: char| c == ',' || c.is_whitespace()).filter(|w| !w.is_empty()) {
        match word.parse::<usize>() {
            Ok(n) if (1..=len).contains(&n) => {
                if !picked.contains(&(n - 1)) {
                    picked.push(n - 1);
                }
            }
            _ => return Err(format!("{word:?} is not one of the numbers 1 to {len}")),
        }
    }
    Ok(picked)
}

#[cfg(test)]
mod tests {
    use super::parse_selection;

    #[test]
    fn selections() {
        assert_eq!(parse_selection("", 3), Ok(vec![]));
        assert_eq!(parse_selection("all", 3), Ok(vec![0, 1, 2]));
        assert_eq!(parse_selection(" 3, 1 3 ", 3), Ok(vec![2, 0]));
        assert!(parse_selection("4", 3).is_err());
        assert!(parse_selection("0", 3).is_err());
        assert!(parse_selection("one", 3).is_err());
    }
}
