//! `lastmile-server`: reads flags, opens the database, serves or runs an admin command.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use lastmile_server::db::{Db, redact_url};
use lastmile_server::{AppState, SystemClock, admin, app, mds, store};

#[derive(Parser, Debug)]
#[command(name = "lastmile-server", version, about = "The Lastmile posture API server")]
struct Cli {
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text, global = true, env = "LASTMILE_LOG_FORMAT")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "LASTMILE_LISTEN", default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        /// WebAuthn relying party ID: the domain security keys are registered for.
        #[arg(long, env = "LASTMILE_RP_ID", default_value = "localhost")]
        rp_id: String,
        /// WebAuthn origin: https://<host> under the RP ID (http://localhost for development).
        #[arg(long, env = "LASTMILE_RP_ORIGIN", default_value = "http://localhost")]
        rp_origin: String,
        /// The name security keys show for this relying party.
        #[arg(long, env = "LASTMILE_RP_NAME", default_value = "Lastmile")]
        rp_name: String,
        #[command(flatten)]
        keys: KeyFlags,
        #[command(flatten)]
        metadata: MetadataFlags,
        /// A webhook (JSON, or Slack-compatible with --notify-format slack) told of security
        /// events on a user's account, such as a sign-in with a recovery code.
        #[arg(long, env = "LASTMILE_NOTIFY_WEBHOOK")]
        notify_webhook: Option<String>,
        #[arg(long, default_value = "json", value_parser = ["json", "slack"])]
        notify_format: String,
        #[command(flatten)]
        storage: Storage,
    },
    /// Administer organisations, users, invites and devices.
    Admin {
        #[command(flatten)]
        storage: Storage,
        #[command(subcommand)]
        command: AdminCommand,
    },
}

/// Which security keys the organisation accepts.
#[derive(Args, Debug)]
struct KeyFlags {
    /// Accept only security keys of these models (comma-separated AAGUIDs).
    #[arg(long, env = "LASTMILE_KEY_ALLOW_AAGUIDS", default_value = "")]
    key_allow_aaguids: String,
    /// Refuse security keys of these models (comma-separated AAGUIDs).
    #[arg(long, env = "LASTMILE_KEY_DENY_AAGUIDS", default_value = "")]
    key_deny_aaguids: String,
    /// Refuse keys that do not verify the person (PIN or biometrics) at registration.
    #[arg(long, env = "LASTMILE_KEY_REQUIRE_UV")]
    key_require_uv: bool,
    /// Refuse keys whose attestation does not chain to a root the FIDO metadata lists for
    /// their model (needs --mds-blob).
    #[arg(long, env = "LASTMILE_KEY_REQUIRE_ATTESTATION")]
    key_require_attestation: bool,
    /// The shortest PIN the app lets people set on a key.
    #[arg(long, env = "LASTMILE_KEY_MIN_PIN_LENGTH")]
    key_min_pin_length: Option<u32>,
}

impl KeyFlags {
    fn policy(&self) -> anyhow::Result<lastmile_server::webauthn::KeyPolicy> {
        use lastmile_server::webauthn::KeyPolicy;
        Ok(KeyPolicy {
            allow: KeyPolicy::aaguids(&self.key_allow_aaguids)?,
            deny: KeyPolicy::aaguids(&self.key_deny_aaguids)?,
            require_user_verification: self.key_require_uv,
            require_attestation: self.key_require_attestation,
            min_pin_length: self.key_min_pin_length,
        })
    }
}

/// The FIDO Metadata Service BLOB: models, certification, compromised models.
#[derive(Args, Debug)]
struct MetadataFlags {
    /// FIDO metadata BLOB: a file, or an https URL such as https://mds3.fidoalliance.org/.
    /// Without it, security keys are accepted without a model check.
    #[arg(long, env = "LASTMILE_MDS_BLOB")]
    mds_blob: Option<String>,
    /// PEM file with the root(s) the BLOB must be signed under (default: the FIDO Alliance's).
    #[arg(long, env = "LASTMILE_MDS_ROOT")]
    mds_root: Option<PathBuf>,
    /// How often to load the BLOB again.
    #[arg(long, env = "LASTMILE_MDS_REFRESH_HOURS", default_value_t = 24, value_parser = clap::value_parser!(u64).range(1..))]
    mds_refresh_hours: u64,
}

impl MetadataFlags {
    /// Loads the BLOB once (the server does not start without it: it would accept revoked
    /// models) and keeps loading it on schedule.
    async fn start(&self, clock: SystemClock) -> anyhow::Result<Option<Arc<mds::MetadataService>>> {
        use lastmile_core::clock::Clock;
        let Some(blob) = &self.mds_blob else { return Ok(None) };
        let roots = match &self.mds_root {
            Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
            None => mds::FIDO_ROOT_PEM.to_string(),
        };
        let service =
            Arc::new(mds::MetadataService::new(mds::Source::parse(blob)?, mds::certificates_from_pem(&roots)?));
        let loaded = service.refresh(clock.now()).await.context("loading the FIDO metadata (--mds-blob)")?;
        tracing::info!(source = %service.source(), ?loaded, "FIDO metadata loaded");
        let every = std::time::Duration::from_secs(self.mds_refresh_hours * 3600);
        let background = service.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                match background.refresh(clock.now()).await {
                    Ok(outcome) => tracing::info!(?outcome, "FIDO metadata refreshed"),
                    Err(e) => tracing::warn!(error = %e, "FIDO metadata not refreshed; the one in use is kept"),
                }
            }
        });
        Ok(Some(service))
    }
}

#[derive(Args, Debug)]
struct Storage {
    /// Directory of the embedded SQLite database (used when no database URL is given).
    #[arg(long, env = "LASTMILE_DATA_DIR", default_value = "./lastmile-data")]
    data_dir: PathBuf,
    /// PostgreSQL URL (postgres://user:pass@host/db). Overrides --data-dir.
    #[arg(long, env = "LASTMILE_DATABASE_URL")]
    database_url: Option<String>,
}

impl Storage {
    async fn open(&self) -> anyhow::Result<Db> {
        match &self.database_url {
            Some(url) => Db::open(url).await.with_context(|| format!("opening database {}", redact_url(url))),
            None => Db::open_sqlite(&self.data_dir)
                .await
                .with_context(|| format!("opening the SQLite database in {}", self.data_dir.display())),
        }
    }
}

#[derive(Subcommand, Debug)]
enum AdminCommand {
    /// Organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Single-use, expiring enrollment invites.
    Invite {
        #[command(subcommand)]
        command: InviteCommand,
    },
    /// Devices.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// Create the demo organisation and user if missing, and issue a fresh invite.
    Demo {
        /// The server address the invite link should point the app to.
        #[arg(long)]
        server_url: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Policy groups.
    Group {
        #[command(subcommand)]
        command: GroupCommand,
    },
    /// Exceptions to the policy.
    Exception {
        #[command(subcommand)]
        command: ExceptionCommand,
    },
    /// Admin tokens for the dashboard.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Nudge users with a gap through a webhook, with a lastmile:// link to the right step
    /// (and a fresh single-use invite for users with no device). Run it from cron.
    Engage {
        #[arg(long)]
        org: String,
        /// This server's address, for invite links.
        #[arg(long)]
        server_url: String,
        /// Where to POST each nudge. Without it: a dry run that prints what would be sent.
        #[arg(long, env = "LASTMILE_ENGAGE_WEBHOOK")]
        webhook_url: Option<String>,
        /// `json` (the nudge) or `slack` ({"text": ...}).
        #[arg(long, default_value = "json", value_parser = ["json", "slack"])]
        format: String,
        /// Nudge a user at most once in this many hours.
        #[arg(long, default_value_t = 72)]
        every_hours: u32,
        /// At most this many nudges per run.
        #[arg(long, default_value_t = 500)]
        limit: u32,
    },
    /// The dashboard's data for one organisation, as JSON.
    Dashboard {
        #[arg(long)]
        org: String,
    },
    /// Row counts, as JSON.
    Stats,
    /// The audit log, one JSON event per line, oldest first; `audit verify` checks its chain.
    Audit {
        #[command(subcommand)]
        command: Option<AuditCommand>,
    },
}

#[derive(Subcommand, Debug)]
enum OrgCommand {
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Put a user in a policy group (`default` for the organisation's default).
    SetGroup {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        group: String,
    },
}

#[derive(Subcommand, Debug)]
enum GroupCommand {
    /// Create a policy group or replace its policy (JSON; see lastmile_core::policy), then
    /// re-evaluate its users. The group named `default` applies to users in no group.
    Set {
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: String,
        /// A file with the policy as JSON (`-` for standard input).
        #[arg(long, value_name = "FILE")]
        policy_file: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum ExceptionCommand {
    /// Excuse a user from the policy for some days; the owner answers for it.
    Grant {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        /// Who granted it (an email address).
        #[arg(long)]
        owner: String,
        #[arg(long)]
        reason: String,
        #[arg(long, default_value_t = 30)]
        days: u32,
    },
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// A token for the dashboard (/admin) of one organisation, shown once.
    Create {
        #[arg(long)]
        org: String,
        /// Who or what uses it.
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
enum InviteCommand {
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        /// Hours until the invite expires.
        #[arg(long, default_value_t = 72)]
        ttl_hours: u32,
        /// The server address to put in the deep link.
        #[arg(long)]
        server_url: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Recomputes the hash chain; exits 0 when intact, 1 naming the first bad event.
    Verify,
    /// Events of a date range, with their chain hashes, as CSV or JSON (one array).
    Export {
        /// First day (YYYY-MM-DD, UTC) or Unix ms; default: the beginning.
        #[arg(long, default_value = "0")]
        from: String,
        /// Last day, included (YYYY-MM-DD, UTC), or Unix ms, excluded; default: now.
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ExportFormat {
    Csv,
    Json,
}

#[derive(Subcommand, Debug)]
enum DeviceCommand {
    Revoke { device_id: String },
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LASTMILE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    let clock = SystemClock;
    match cli.command {
        Command::Serve {
            listen,
            rp_id,
            rp_origin,
            rp_name,
            keys,
            metadata,
            notify_webhook,
            notify_format,
            storage,
        } => {
            let policy = keys.policy()?;
            if policy.require_attestation && metadata.mds_blob.is_none() {
                anyhow::bail!(
                    "--key-require-attestation needs FIDO metadata to check attestations against: add --mds-blob"
                );
            }
            let rp = lastmile_server::webauthn::RelyingParty::new(&rp_id, &rp_origin, &rp_name)?.with_policy(policy);
            let mds = metadata.start(clock).await?;
            let db = storage.open().await?;
            tracing::info!(backend = ?db.backend, rp = ?rp, "database ready");
            let mut state = AppState::new(db, Arc::new(clock)).with_rp(rp);
            if let Some(mds) = mds {
                state = state.with_mds(mds);
            }
            if let Some(url) = notify_webhook {
                use lastmile_server::engage::{Format, Webhook};
                let url = url::Url::parse(&url).with_context(|| format!("--notify-webhook {url:?}"))?;
                let format = if notify_format == "slack" { Format::Slack } else { Format::Json };
                state = state.with_notify(Webhook { url, format });
            }
            let listener =
                tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
            tracing::info!(addr = %listener.local_addr()?, "lastmile-server listening");
            axum::serve(listener, app(state)).with_graceful_shutdown(shutdown_signal()).await?;
            tracing::info!("shut down cleanly");
        }
        Command::Admin { storage, command } => {
            let db = storage.open().await?;
            run_admin(&db, &clock, command).await?;
        }
    }
    Ok(())
}

#[allow(clippy::print_stdout)] // admin commands print their results
async fn run_admin(db: &Db, clock: &SystemClock, command: AdminCommand) -> anyhow::Result<()> {
    let print_invite = |inv: admin::IssuedInvite, json: bool| -> anyhow::Result<()> {
        if json {
            println!("{}", serde_json::to_string_pretty(&inv)?);
        } else {
            println!("Invite for {} ({})", inv.email, inv.organisation);
            println!("  code: {}", inv.code);
            println!("  link: {}", inv.link);
            println!("  expires: {} (Unix ms)", inv.expires_at_ms);
        }
        Ok(())
    };
    match command {
        AdminCommand::Org { command: OrgCommand::Create { slug, name } } => {
            let org = admin::create_org(db, clock, &slug, &name).await?;
            println!("created organisation {} ({})", org.slug, org.id);
        }
        AdminCommand::User { command: UserCommand::Create { org, email, name } } => {
            let user = admin::create_user(db, clock, &org, &email, &name).await?;
            println!("created user {} ({})", user.email, user.id);
        }
        AdminCommand::Invite { command: InviteCommand::Create { org, email, ttl_hours, server_url, json } } => {
            let inv = admin::create_invite(db, clock, &org, &email, ttl_hours, server_url.as_deref()).await?;
            print_invite(inv, json)?;
        }
        AdminCommand::User { command: UserCommand::SetGroup { org, email, group } } => {
            admin::set_user_group(db, clock, &org, &email, Some(&group)).await?;
            println!("{email} now follows the policy of group {group:?}");
        }
        AdminCommand::Group { command: GroupCommand::Set { org, name, policy_file } } => {
            let text = if policy_file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                std::fs::read_to_string(&policy_file).with_context(|| format!("reading {}", policy_file.display()))?
            };
            let users = admin::set_group(db, clock, &org, &name, &text).await?;
            println!("policy group {name:?} set; {users} user(s) re-evaluated");
        }
        AdminCommand::Exception { command: ExceptionCommand::Grant { org, email, owner, reason, days } } => {
            let until = admin::grant_exception(db, clock, &org, &email, &owner, &reason, days).await?;
            println!("exception for {email} granted by {owner} until {until} (Unix ms)");
        }
        AdminCommand::Token { command: TokenCommand::Create { org, name } } => {
            let token = admin::create_admin_token(db, clock, &org, &name).await?;
            println!("{token}");
            eprintln!("Shown once. Open /admin on the server and paste it, or send it as Authorization: Bearer.");
        }
        AdminCommand::Engage { org, server_url, webhook_url, format, every_hours, limit } => {
            use lastmile_core::clock::Clock;
            use lastmile_server::engage::{self, Format, Webhook};
            let org =
                store::org_by_slug(&db.pool, &org).await?.ok_or_else(|| anyhow::anyhow!("no organisation {org:?}"))?;
            let server = lastmile_core::invite::parse_server_url(&server_url)?;
            let webhook = webhook_url
                .map(|u| -> anyhow::Result<Webhook> {
                    let url = url::Url::parse(&u).with_context(|| format!("webhook URL {u:?}"))?;
                    let format = if format == "slack" { Format::Slack } else { Format::Json };
                    Ok(Webhook { url, format })
                })
                .transpose()?;
            let interval = i64::from(every_hours) * 3_600_000;
            let out =
                engage::run(&db.pool, &org, &server, webhook.as_ref(), interval, i64::from(limit), clock.now()).await?;
            println!("{}", serde_json::to_string_pretty(&out)?);
            if !out.failed.is_empty() {
                anyhow::bail!("{} nudge(s) were not delivered; they are tried again on the next run", out.failed.len());
            }
        }
        AdminCommand::Dashboard { org } => {
            use lastmile_core::clock::Clock;
            let org =
                store::org_by_slug(&db.pool, &org).await?.ok_or_else(|| anyhow::anyhow!("no organisation {org:?}"))?;
            let d = lastmile_server::dashboard::build(&db.pool, &org, clock.now()).await?;
            println!("{}", serde_json::to_string_pretty(&d)?);
        }
        AdminCommand::Device { command: DeviceCommand::Revoke { device_id } } => {
            admin::revoke_device(db, clock, &device_id).await?;
            println!("revoked device {device_id}");
        }
        AdminCommand::Demo { server_url, json } => {
            let inv = admin::demo(db, clock, &server_url).await?;
            print_invite(inv, json)?;
        }
        AdminCommand::Stats => {
            let mut out = serde_json::Map::new();
            for t in store::TABLES {
                out.insert(t.into(), store::count(&db.pool, t).await?.into());
            }
            println!("{}", serde_json::Value::Object(out));
        }
        AdminCommand::Audit { command: None } => {
            for event in lastmile_server::audit::list(&db.pool, None).await? {
                println!("{}", serde_json::to_string(&event)?);
            }
        }
        AdminCommand::Audit { command: Some(AuditCommand::Export { from, to, format }) } => {
            use lastmile_core::clock::Clock;
            let from_ms = lastmile_server::audit::parse_day(&from)?;
            let to_ms = match to {
                Some(day) if day.contains('-') => lastmile_server::audit::parse_day(&day)? + 86_400_000,
                Some(ms) => lastmile_server::audit::parse_day(&ms)?,
                None => clock.now().0 + 1,
            };
            let events = lastmile_server::audit::range(&db.pool, from_ms, to_ms).await?;
            match format {
                ExportFormat::Csv => lastmile_server::audit::write_csv(&events, std::io::stdout().lock())?,
                ExportFormat::Json => println!("{}", serde_json::to_string_pretty(&events)?),
            }
        }
        AdminCommand::Audit { command: Some(AuditCommand::Verify) } => {
            let report = lastmile_server::audit::verify(&db.pool).await?;
            match &report.first_bad {
                None => println!(
                    "audit log intact: {} events chained{}",
                    report.events,
                    if report.unchained > 0 {
                        format!(", {} older events from before the chain", report.unchained)
                    } else {
                        String::new()
                    }
                ),
                Some(bad) => {
                    let row = bad.id.map(|id| format!(" (row {id})")).unwrap_or_default();
                    anyhow::bail!("audit log NOT intact at event {}{row}: {}", bad.seq, bad.reason);
                }
            }
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown signal received, finishing in-flight requests");
}
