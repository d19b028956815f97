//! `lastmile recover`: the traveller's journey in a terminal. Sign in with a recovery code
//! (the clock is checked and explained first), see the account's factors and devices,
//! revoke the lost ones, set up a new authenticator app, get a fresh set of recovery codes,
//! end the session. Run again after an interruption, it continues where it stopped.

use lastmile_agent::{AgentError, RecoverInput, exit};
use lastmile_proto::api::AccountView;
use lastmile_proto::app::AppErrorCode;

use crate::SystemAgent;
use crate::term::{ask, explain, fail, line, say, w, words};
use lastmile_core::words::Arg;

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
            let time = when(account.session_expires_at_ms.unwrap_or_default());
            say(&line("cli-recover-continuing", &[("time", Arg::Text(&time))]));
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
            say(&line("cli-recover-nothing-lost", &[]));
            return fail(&e, false);
        }
    }
    if !targets.is_empty() {
        let n = i64::try_from(targets.len()).unwrap_or(i64::MAX);
        say(&line("cli-recover-revoked", &[("n", Arg::Number(n))]));
    }

    if !opts.skip_totp {
        say(&format!("\n{}", line("cli-recover-now-app", &[])));
        let code = crate::enroll::totp(agent).await;
        if code != exit::OK {
            say(&line("cli-recover-run-again", &[]));
            return code;
        }
    }

    say(&format!("\n{}", line("cli-recover-finally", &[])));
    let code = crate::enroll::recovery_codes(agent, opts.save.as_deref()).await;
    if code != exit::OK {
        return code;
    }
    match agent.recovery_end().await {
        Ok(_) => {
            say(&format!("\n{}", line("cli-recover-done", &[])));
            exit::OK
        }
        Err(e) => fail(&e, false),
    }
}

async fn sign_in(agent: &SystemAgent, opts: &Options) -> Result<AccountView, i32> {
    let username = match opts.user.clone().or_else(|| ask(&format!("{} ", w("cli-recover-email", &[])))) {
        Some(u) if !u.is_empty() => u,
        _ => {
            eprintln!("lastmile: {}", w("cli-recover-no-email", &[]));
            return Err(exit::USAGE);
        }
    };
    let mut tries = 0;
    let signed = loop {
        tries += 1;
        let Some(code) = ask(&format!("{} ", w("cli-recover-code", &[]))) else {
            eprintln!("\nlastmile: {}", w("cli-recover-no-code", &[]));
            return Err(exit::USAGE);
        };
        let input = RecoverInput { server: None, organisation: opts.org.clone(), username: username.clone(), code };
        match agent.recover_sign_in(&input).await {
            Ok(s) => break s,
            Err(e) if retryable(&e) && tries < 3 => say(&format!("{}\n", explain(&e, words()))),
            Err(e) => return Err(fail(&e, false)),
        }
    };
    say(&crate::clock_text::clock_warning("cli-clock-recover-note", &signed.clock, words()));
    let signed_in = [
        ("name", Arg::Text(&signed.user_name)),
        ("email", Arg::Text(&signed.user_email)),
        ("organisation", Arg::Text(&signed.organisation)),
        ("resumed", Arg::Text(if signed.resumed { "yes" } else { "no" })),
        ("left", Arg::Number(i64::from(signed.codes_left))),
    ];
    let time = when(signed.session_expires_at_ms);
    say(&(line("cli-recover-signed-in", &signed_in) + &line("cli-recover-session-ends", &[("time", Arg::Text(&time))])));
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
    let mut s = format!("\n{}", line("cli-recover-list", &[]));
    let mut n = 0;
    for f in &a.factors {
        n += 1;
        let extra = match (f.codes_left, &f.enrolled_from) {
            (Some(left), _) => format!(", {}", w("cli-recover-codes-left", &[("n", Arg::Number(i64::from(left)))])),
            (None, Some(host)) => format!(", {}", w("cli-recover-set-up-from", &[("host", Arg::Text(host))])),
            (None, None) => String::new(),
        };
        let kind = w("cli-kind", &[("kind", Arg::Text(&f.kind))]);
        let status = w("cli-status-word", &[("status", Arg::Text(&f.status))]);
        s += &format!("  {n:>2}. {kind} ({status}{extra})\n");
    }
    for d in &a.devices {
        let device = w("cli-recover-device", &[("host", Arg::Text(&d.hostname)), ("os", Arg::Text(&d.os_name))]);
        if d.current {
            s += &format!("   -  {device} - {}\n", w("cli-recover-this-device", &[]));
        } else {
            n += 1;
            s += &format!("  {n:>2}. {device}\n");
        }
    }
    say(&s);
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
        let Some(answer) = ask(&format!("\n{} ", w("cli-recover-which", &[]))) else {
            eprintln!("\nlastmile: {}", w("cli-recover-no-answer", &[]));
            return Err(exit::USAGE);
        };
        match parse_selection(&answer, all.len()) {
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
            _ => {
                let n = i64::try_from(len).unwrap_or(i64::MAX);
                return Err(w("cli-recover-not-a-number", &[("word", Arg::Text(word)), ("n", Arg::Number(n))]));
            }
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
