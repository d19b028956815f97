//! The command line. Without a subcommand the window opens; with one, it runs headless and
//! exits with a documented code (`lastmile_agent::exit`): 0 means nothing to do.

use clap::{Parser, Subcommand};
use lastmile_agent::{exit, system::system_agent};
use lastmile_core::clock::Clock as _;
use lastmile_core::settings::RawLayer;
use lastmile_core::words::Arg;
use lastmile_proto::app::{CheckVerdict, DoctorReport};

use crate::term::{fail, line, print_json, say, w};

#[derive(Parser, Debug)]
#[command(
    name = "lastmile",
    version,
    about = "Get onto a strong, verified MFA factor, and prove it.",
    after_help = "Exit codes: 0 ok, 1 internal error, 2 usage, 3 configuration, 4 server, \
                  5 not joined or invite refused, 6 no OS keyring, 7 clock off by a TOTP step or more, \
                  8 security key problem."
)]
struct Cli {
    /// The Lastmile server to use, unless your organisation pins one (managed setting).
    #[arg(long, global = true, env = "LASTMILE_SERVER", value_name = "URL")]
    server: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
    /// A lastmile:// link to open in the window (the OS passes it when a link is clicked).
    #[arg(value_name = "LINK")]
    link: Option<String>,
    /// Started at login (the login items the packages install): report, and open the
    /// window only when something needs doing; nothing when the autostart setting is never.
    #[arg(long, hide = true, conflicts_with = "link")]
    autostart: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Show this device, its authenticators, the server and the clock.
    Status {
        /// Print the status document as JSON (schema_version 1).
        #[arg(long, conflicts_with = "format")]
        json: bool,
        /// `jamf`: one word as a Jamf extension attribute (`<result>compliant</result>`;
        /// also excepted, gap, unknown or a problem's code), exit code 0.
        #[arg(long, value_parser = ["jamf"])]
        format: Option<String>,
    },
    /// Check everything Lastmile depends on (settings, keyring, server, clock, enrollment,
    /// security-key access, unsent reports) and say what to do about each failure.
    Doctor {
        /// Print the checks as JSON (schema_version 1).
        #[arg(long)]
        json: bool,
    },
    /// Join your organisation with an invite code or lastmile:// link, or by signing in with
    /// your organisation's account in your browser (--sso).
    Join {
        /// The invite code (ABCD-EFGH-JKMN-PQRS) or link; by default the one your
        /// organisation set (the `invite` setting), which a device uses once.
        #[arg(conflicts_with = "sso")]
        invite: Option<String>,
        /// Sign in with your organisation's identity provider in the system browser instead.
        #[arg(long)]
        sso: bool,
        /// The organisation to sign in with (its short name, from your IT team); by default
        /// the `organisation` setting's.
        #[arg(long, requires = "sso")]
        org: Option<String>,
        /// Which of the organisation's sign-ins, when it has several; by default the
        /// `sso_provider` setting's.
        #[arg(long, requires = "sso")]
        provider: Option<String>,
        /// Seconds to wait for the sign-in to come back from the browser.
        #[arg(long, requires = "sso", default_value_t = 300)]
        timeout: u64,
        #[arg(long)]
        json: bool,
    },
    /// Send a posture report now and show what the server believes.
    Report {
        /// Only when one is due (the report interval has passed since the last), else send
        /// what is queued; joins first with an invite IT set. For the systemd timer, the
        /// LaunchAgent and the Scheduled Task; exits 0 when there is nothing to do.
        #[arg(long)]
        if_due: bool,
        #[arg(long)]
        json: bool,
    },
    /// Enroll a factor, verified by the server.
    Enroll {
        #[command(subcommand)]
        factor: EnrollFactor,
    },
    /// Check this device's clock against the server (TOTP codes fail on a wrong clock).
    Clock {
        /// Print offset_ms (positive: this device is ahead), delay_ms, verdict, source, fix_steps.
        #[arg(long)]
        json: bool,
    },
    /// Lost your phone or key? Sign in with a recovery code, revoke what you lost, set up a
    /// new authenticator app and get fresh recovery codes. Run again to continue after an
    /// interruption.
    Recover {
        /// Your work email address (asked for when left out).
        #[arg(long, value_name = "EMAIL")]
        user: Option<String>,
        /// Your organisation's short name, when the server hosts several.
        #[arg(long, value_name = "SLUG")]
        org: Option<String>,
        /// Revoke every factor and every other device (`all`), nothing (`none`), or ask.
        #[arg(long, value_enum, default_value_t = crate::recover::RevokeChoice::Ask)]
        revoke: crate::recover::RevokeChoice,
        /// Do not set up an authenticator app now.
        #[arg(long)]
        skip_totp: bool,
        /// Also save the new recovery codes to this new file (readable only by you).
        #[arg(long, value_name = "FILE")]
        save: Option<std::path::PathBuf>,
    },
    /// Your security key itself (no server needed).
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Forget this device's enrollment (keyring credential and local state).
    Leave {
        /// Also remove everything else Lastmile keeps for you here: the log files, the
        /// outbox, state files set aside, your settings file.
        #[arg(long)]
        purge: bool,
    },
    /// Write a redacted archive for a helpdesk ticket: status, doctor's checks, the local
    /// state and the recent logs.
    SupportBundle {
        /// Where to write it (a new file); by default lastmile-support-<time>.tar.gz in your
        /// documents folder.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    /// Before imaging a machine: forget the device identity (keyring entries, state, outbox)
    /// so that clones do not share it; settings and logs stay. No server needed.
    Reset,
}

#[derive(Subcommand, Debug)]
enum KeyCommand {
    /// Set a PIN on a key that has none, or change it (asks for the current one first).
    Pin,
}

#[derive(Subcommand, Debug)]
enum EnrollFactor {
    /// An authenticator app (TOTP): scan the QR code, then type a code.
    Totp,
    /// A FIDO2 security key (on Windows also Windows Hello): register it, then touch it again
    /// so the server verifies it. Asks for the key's PIN when it has one.
    SecurityKey,
    /// Ten single-use recovery codes (replaces any previous set), confirmed by typing one back.
    RecoveryCodes {
        /// Also save them to this new file (readable only by you; never overwrites).
        #[arg(long, value_name = "FILE")]
        save: Option<std::path::PathBuf>,
    },
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { exit::USAGE } else { exit::OK };
        }
    };
    init_tracing(cli.command.is_some());
    let layer = RawLayer { server_url: cli.server.clone(), ..RawLayer::default() };
    let mut window = true;
    if cli.autostart && cli.command.is_none() {
        match at_login(layer.clone()) {
            lastmile_agent::AtLogin::OpenWindow => {}
            // All set: the tray only, where there is one (it keeps reporting and reminding).
            lastmile_agent::AtLogin::AllSet if crate::gui::tray_available() => {
                tracing::info!(decided = ?lastmile_agent::AtLogin::AllSet, "at login: the tray, no window");
                window = false;
            }
            decided => {
                tracing::info!(?decided, "at login: no window");
                return exit::OK;
            }
        }
    }
    let Some(command) = cli.command else {
        return match crate::gui::run(layer, cli.link, window) {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("lastmile: cannot open the window: {e:#}");
                exit::INTERNAL
            }
        };
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lastmile: cannot start: {e}");
            return exit::INTERNAL;
        }
    };
    runtime.block_on(run(command, layer))
}

/// The login check, on a runtime of its own that is gone before the window starts. A check
/// that cannot run opens the window, which says what is wrong.
fn at_login(layer: RawLayer) -> lastmile_agent::AtLogin {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return lastmile_agent::AtLogin::OpenWindow;
    };
    runtime
        .block_on(async move {
            // No reminder here: a person with a step missing gets the window itself.
            let agent = system_agent(layer).map_err(|e| e.message)?;
            agent.at_login().await.map_err(|e| e.message)
        })
        .unwrap_or_else(|e: String| {
            tracing::warn!(error = %e, "at login: the check failed; opening the window");
            lastmile_agent::AtLogin::OpenWindow
        })
}

/// How many daily log files are kept.
const LOG_FILES_KEPT: usize = 7;

fn init_tracing(headless: bool) {
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;

    // Headless output is for scripts: only warnings on stderr unless LASTMILE_LOG says otherwise.
    let filter = |default: &str| {
        tracing_subscriber::EnvFilter::try_from_env("LASTMILE_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default))
    };
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_filter(filter(if headless { "warn" } else { "info" }));
    // The log files, for the helpdesk: every run, window or command, at the `log_level`
    // setting (IT's policy, or info) unless LASTMILE_LOG says otherwise. Nothing secret is logged (tests read the files of whole
    // journeys for tokens, keys and codes). Without a place for them, stderr only.
    let file = lastmile_device::paths::log_dir().ok().and_then(|dir| {
        // Made first: the appender prunes old files at start and says so on stderr when it
        // finds no directory, which a script reading stderr would see.
        std::fs::create_dir_all(&dir).ok()?;
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("lastmile")
            .filename_suffix("log")
            .max_log_files(LOG_FILES_KEPT)
            .build(dir)
            .ok()
    });
    let file = file.map(|appender| {
        tracing_subscriber::fmt::layer()
            .with_writer(appender)
            .with_ansi(false)
            .with_filter(filter(&lastmile_agent::system::log_level()))
    });
    let _ = tracing_subscriber::registry().with(stderr).with(file).try_init();
}

async fn run(command: Command, layer: RawLayer) -> i32 {
    let agent = match system_agent(layer) {
        Ok(a) => a,
        Err(e) => return fail(&e, false),
    };
    crate::term::speak(agent.locale());
    match command {
        Command::Status { format: Some(_), .. } => match agent.status().await {
            Ok(report) => {
                say(&format!("<result>{}</result>\n", exit::mdm_state(&report)));
                exit::OK
            }
            Err(e) => {
                say(&format!("<result>error: {}</result>\n", e.message.replace(['<', '>'], "")));
                exit::OK
            }
        },
        Command::Status { json, .. } => match agent.status().await {
            Ok(report) => {
                let code = exit::for_status(&report);
                if json {
                    print_json(&report)
                } else {
                    say(&crate::status_text::status_text(&report, crate::term::words()))
                }
                code
            }
            Err(e) => fail(&e, json),
        },
        Command::Doctor { json } => match agent.status().await {
            Ok(report) => {
                let checks = lastmile_agent::doctor::doctor(&report, &agent.managed.location);
                let failed = checks.checks.iter().any(|c| c.verdict == CheckVerdict::Fail);
                if json {
                    print_json(&checks);
                } else {
                    print_doctor(&checks);
                }
                // A failed check's exit code is its problem's, as in `status`; the one check
                // that is not a status problem (keys this user may not open) is a key problem.
                match (failed, exit::for_status(&report)) {
                    (false, _) => exit::OK,
                    (true, exit::OK) => exit::KEY,
                    (true, code) => code,
                }
            }
            Err(e) => fail(&e, json),
        },
        Command::Join { sso: true, org, provider, timeout, json, .. } => {
            let join = lastmile_agent::sso::SsoJoin {
                organisation: org,
                provider,
                timeout: std::time::Duration::from_secs(timeout),
            };
            let started = |start: &lastmile_proto::api::SsoStart, url: &str| {
                eprintln!(
                    "Sign in with {} in your browser. If no browser opened, open this address:\n  {url}\nWaiting for the sign-in (Ctrl-C to cancel)...",
                    start.provider.name
                );
            };
            let browser = lastmile_agent::system::SystemBrowser;
            joined(agent.join_sso(&join, &browser, started, std::future::pending()).await, json)
        }
        Command::Join { invite: Some(invite), json, .. } => joined(agent.join(&invite).await, json),
        Command::Join { invite: None, json, .. } => {
            use lastmile_agent::{AgentError, Preseeded};
            use lastmile_proto::app::AppErrorCode;
            let outcome = agent.join_preseeded().await.and_then(|p| match p {
                Preseeded::Joined(outcome) => Ok(outcome),
                Preseeded::NotSet => Err(AgentError::new(
                    AppErrorCode::InvalidInput,
                    "give the invite code or link (your organisation set none)",
                    Some("Paste the code or link from your invite: lastmile join ABCD-EFGH-JKMN-PQRS"),
                )),
                Preseeded::AlreadyJoined => Err(AgentError::new(
                    AppErrorCode::AlreadyJoined,
                    "this device has already joined",
                    Some("To join again, run `lastmile leave` first."),
                )),
                Preseeded::AlreadyUsed => Err(AgentError::new(
                    AppErrorCode::InviteUsed,
                    "the invite your organisation set was used on this device already",
                    Some("Ask your IT team for a new invite."),
                )),
            });
            joined(outcome, json)
        }
        Command::Report { if_due: true, json } => {
            let (outcome, status) = agent.scheduled_report().await;
            if let Some(status) = status {
                remind(&agent, &status);
            }
            scheduled(outcome, json)
        }
        Command::Report { json, .. } => match agent.report().await {
            Ok(view) => {
                if json {
                    print_json(&view);
                } else {
                    let factors = i64::try_from(view.verified_factors.len()).unwrap_or(i64::MAX);
                    let args = [("reports", Arg::Number(view.reports_received)), ("factors", Arg::Number(factors))];
                    say(&line("cli-report-stored", &args));
                }
                exit::OK
            }
            Err(e) => fail(&e, json),
        },
        Command::Enroll { factor: EnrollFactor::Totp } => crate::enroll::totp(&agent).await,
        Command::Enroll { factor: EnrollFactor::SecurityKey } => crate::enroll::security_key(&agent).await,
        Command::Key { command: KeyCommand::Pin } => crate::enroll::key_pin(&agent).await,
        Command::Enroll { factor: EnrollFactor::RecoveryCodes { save } } => {
            crate::enroll::recovery_codes(&agent, save.as_deref()).await
        }
        Command::Clock { json } => match agent.clock().await {
            Ok(clock) => {
                if json {
                    print_json(&clock);
                } else {
                    say(&crate::clock_text::clock_text(&clock, crate::term::words()));
                }
                if clock.verdict == Some(lastmile_proto::app::ClockVerdict::Fail) { exit::CLOCK } else { exit::OK }
            }
            Err(e) => fail(&e, json),
        },
        Command::Recover { user, org, revoke, skip_totp, save } => {
            crate::recover::run(&agent, crate::recover::Options { user, org, revoke, skip_totp, save }).await
        }
        Command::Leave { purge: true } => match agent.reset(true).await {
            Ok(reset) => {
                say(&describe_reset(&w("cli-reset-gone", &[]), &reset));
                exit::OK
            }
            Err(e) => fail(&e, false),
        },
        Command::SupportBundle { out } => {
            let out = match out {
                Some(path) => path,
                None => match lastmile_device::paths::documents_dir() {
                    Ok(dir) => dir.join(format!("lastmile-support-{}.tar.gz", agent.clock.now().0 / 1000)),
                    Err(e) => {
                        eprintln!("lastmile: {e}; choose where with --out FILE");
                        return exit::USAGE;
                    }
                },
            };
            let logs = lastmile_device::paths::log_dir().ok();
            match agent.support_bundle(logs.as_deref(), &out).await {
                Ok(bundle) => {
                    let path = bundle.path.display().to_string();
                    let files = bundle.files.join(", ");
                    say(&format!(
                        "{}\n",
                        w("cli-support-bundle", &[("path", Arg::Text(&path)), ("files", Arg::Text(&files))])
                    ));
                    exit::OK
                }
                Err(e) => fail(&e, false),
            }
        }
        Command::Reset => match agent.reset(false).await {
            Ok(reset) => {
                say(&describe_reset(&w("cli-reset-imaging", &[]), &reset));
                exit::OK
            }
            Err(e) => fail(&e, false),
        },
        Command::Leave { purge: false } => match agent.leave().await {
            Ok(true) => {
                say(&line("cli-left", &[]));
                exit::OK
            }
            Ok(false) => {
                say(&line("cli-not-joined", &[]));
                exit::OK
            }
            Err(e) => fail(&e, false),
        },
    }
}

/// What `report --if-due` prints and exits with.
fn scheduled(outcome: Result<lastmile_agent::Scheduled, lastmile_agent::AgentError>, json: bool) -> i32 {
    match outcome {
        Ok(lastmile_agent::Scheduled::Reported(view)) => {
            if json {
                print_json(&view);
            } else {
                let args = [("reports", Arg::Number(view.reports_received))];
                say(&line("cli-report-stored-count", &args));
            }
            exit::OK
        }
        Ok(lastmile_agent::Scheduled::NotDue { next_at_ms, wait_ms }) => {
            if json {
                print_json(&serde_json::json!({ "due": false, "next_at_ms": next_at_ms }));
            } else {
                let minutes = (wait_ms + 59_999) / 60_000;
                say(&line("cli-report-not-due", &[("minutes", Arg::Number(minutes))]));
            }
            exit::OK
        }
        Ok(lastmile_agent::Scheduled::NotJoined) => {
            if json {
                print_json(&serde_json::json!({ "joined": false }));
            } else {
                say(&line("cli-report-not-joined", &[]));
            }
            exit::OK
        }
        Err(e) => fail(&e, json),
    }
}

/// Shows the reminder due now, if any (at most one a day, never in quiet hours).
fn remind(agent: &crate::SystemAgent, status: &lastmile_proto::app::StatusReport) {
    // The agent's clock, the one the reminder's day is counted with.
    let local_minute = lastmile_device::notify::local_minute_of_day(agent.clock.now().0);
    if let Some(reminder) = agent.take_reminder(status, local_minute) {
        match lastmile_device::notify::show(&reminder.summary, &reminder.body) {
            Ok(()) => tracing::info!("reminder shown"),
            Err(e) => tracing::warn!(error = %e, "reminder not shown"),
        }
    }
}

fn describe_reset(headline: &str, reset: &lastmile_agent::Reset) -> String {
    let entries = i64::try_from(reset.keyring_entries).unwrap_or(i64::MAX);
    let mut out = format!("{headline}\n  {}\n", w("cli-reset-keyring", &[("n", Arg::Number(entries))]));
    if reset.removed.is_empty() {
        out.push_str(&format!("  {}\n", w("cli-reset-no-files", &[])));
    }
    for path in &reset.removed {
        out.push_str(&format!("  {}\n", w("cli-reset-removed", &[("path", Arg::Text(path))])));
    }
    out.push_str(&format!("{}\n", w("cli-reset-server", &[])));
    out
}

/// Says how a join (with an invite or by signing in) ended; its exit code.
fn joined(outcome: Result<lastmile_proto::app::JoinOutcome, lastmile_agent::AgentError>, json: bool) -> i32 {
    match outcome {
        Ok(outcome) if json => {
            print_json(&outcome);
            exit::OK
        }
        Ok(outcome) => {
            let args = [
                ("organisation", Arg::Text(&outcome.organisation)),
                ("name", Arg::Text(&outcome.user_name)),
                ("email", Arg::Text(&outcome.user_email)),
                ("device", Arg::Text(&outcome.device_id)),
                ("server", Arg::Text(&outcome.server_url)),
            ];
            say(&line("cli-joined", &args));
            exit::OK
        }
        Err(e) => fail(&e, json),
    }
}

/// The checklist, one line per check and the fix under each that did not pass.
fn print_doctor(report: &DoctorReport) {
    let mut out = String::new();
    for c in &report.checks {
        let mark = match c.verdict {
            CheckVerdict::Ok => "ok  ",
            CheckVerdict::Warn => "warn",
            CheckVerdict::Fail => "FAIL",
        };
        out.push_str(&format!("{mark}  {:<13} {}\n", c.id, c.summary));
        if let Some(fix) = &c.fix {
            out.push_str(&format!("      {:<13} fix: {fix}\n", ""));
        }
    }
    say(&out);
}
