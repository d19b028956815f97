//! The command line: every flag and subcommand of `lastmile-server`, and the validated
//! values built from them.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use lastmile_core::clock::Clock;
use lastmile_server::db::{Db, redact_url};
use lastmile_server::engage::{Format, Webhook};
use lastmile_server::mds;

#[derive(Parser, Debug)]
#[command(name = "lastmile-server", version, about = "The Lastmile posture API server")]
pub struct Cli {
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text, global = true, env = "LASTMILE_LOG_FORMAT")]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// A webhook's body: the event as JSON, or `{"text": ...}` for Slack-compatible hooks.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum WebhookFormat {
    Json,
    Slack,
}

impl WebhookFormat {
    /// The webhook at `url` (named `flag` in errors) in this format.
    pub fn webhook(self, flag: &str, url: &str) -> anyhow::Result<Webhook> {
        let url = url::Url::parse(url).with_context(|| format!("{flag} {url:?}"))?;
        let format = match self {
            WebhookFormat::Json => Format::Json,
            WebhookFormat::Slack => Format::Slack,
        };
        Webhook::new(url, format).with_context(|| flag.to_string())
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
#[allow(clippy::large_enum_variant)] // parsed once at start; boxing would only add noise
pub enum Command {
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
        #[arg(long, value_enum, default_value_t = WebhookFormat::Json)]
        notify_format: WebhookFormat,
        /// A reverse proxy in front of the server (repeat for several, or comma-separated):
        /// requests from it are attributed to the address it names in X-Forwarded-For, for
        /// the per-address rate limits. Requests from anywhere else are never.
        #[arg(long = "trusted-proxy", env = "LASTMILE_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Accept unsigned reports from devices that joined before device keys existed (a
        /// transition setting; by default they must add a key first, which the app does).
        #[arg(long, env = "LASTMILE_ALLOW_UNSIGNED_REPORTS")]
        allow_unsigned_reports: bool,
        /// Append a signed checkpoint of the audit chain to this file on a schedule (keep it
        /// where the database's writers cannot change it: another host, WORM storage).
        #[arg(long, env = "LASTMILE_AUDIT_CHECKPOINT_FILE")]
        audit_checkpoint_file: Option<PathBuf>,
        /// Minutes between checkpoints (one is written only when the chain has grown).
        #[arg(long, env = "LASTMILE_AUDIT_CHECKPOINT_MINUTES", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
        audit_checkpoint_minutes: u64,
        /// Be an OpenID Connect provider of second factors with this issuer (an https URL;
        /// http only on loopback): discovery at <issuer>/.well-known/openid-configuration.
        #[arg(long, env = "LASTMILE_OIDC_ISSUER")]
        oidc_issuer: Option<String>,
        /// Where Entra ID's keys and token issuers are (for entra-eam clients' hints):
        /// https://login.microsoftonline.com, .us for US Government, or
        /// https://login.partner.microsoftonline.cn.
        #[arg(long, env = "LASTMILE_ENTRA_AUTHORITY", default_value = lastmile_server::oidc::entra::DEFAULT_AUTHORITY)]
        entra_authority: String,
        #[command(flatten)]
        connections: ConnectionFlags,
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

/// Limits on connections, so that idle or half-sent ones cannot take the server offline.
#[derive(Args, Debug)]
pub struct ConnectionFlags {
    /// Seconds a client has to send a request's head (and an idle keep-alive connection
    /// waits for its next request).
    #[arg(long, env = "LASTMILE_HEADER_TIMEOUT_SECS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: u64,
    /// Seconds a client has to send a request's body.
    #[arg(long, env = "LASTMILE_BODY_TIMEOUT_SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout_secs: u64,
    /// Seconds a whole request may take (408 after it).
    #[arg(long, env = "LASTMILE_REQUEST_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_secs: u64,
    /// Open connections at most; more are answered 503 and closed.
    #[arg(long, env = "LASTMILE_MAX_CONNECTIONS", default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: u64,
    /// Open connections at most from one source address (a reverse proxy counts as one).
    #[arg(long, env = "LASTMILE_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections_per_address: u64,
}

impl ConnectionFlags {
    pub fn limits(&self) -> lastmile_server::serve::Limits {
        let secs = std::time::Duration::from_secs;
        let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        lastmile_server::serve::Limits {
            header_timeout: secs(self.header_timeout_secs),
            body_timeout: secs(self.body_timeout_secs),
            request_timeout: secs(self.request_timeout_secs),
            max_connections: count(self.max_connections),
            max_connections_per_address: count(self.max_connections_per_address),
        }
    }
}

/// Which security keys the organisation accepts.
#[derive(Args, Debug)]
pub struct KeyFlags {
    /// Accept only security keys of these models (comma-separated AAGUIDs), proven by an
    /// attestation the FIDO metadata vouches for (needs --mds-blob: any key can name any AAGUID).
    #[arg(long, env = "LASTMILE_KEY_ALLOW_AAGUIDS", default_value = "")]
    pub key_allow_aaguids: String,
    /// Refuse security keys of these models (comma-separated AAGUIDs).
    #[arg(long, env = "LASTMILE_KEY_DENY_AAGUIDS", default_value = "")]
    pub key_deny_aaguids: String,
    /// Refuse keys that do not verify the person (PIN or biometrics) at registration.
    #[arg(long, env = "LASTMILE_KEY_REQUIRE_UV")]
    pub key_require_uv: bool,
    /// Refuse keys whose attestation does not chain to a root the FIDO metadata lists for
    /// their model (needs --mds-blob).
    #[arg(long, env = "LASTMILE_KEY_REQUIRE_ATTESTATION")]
    pub key_require_attestation: bool,
    /// The shortest PIN the app lets people set on a key.
    #[arg(long, env = "LASTMILE_KEY_MIN_PIN_LENGTH")]
    pub key_min_pin_length: Option<u32>,
}

impl KeyFlags {
    pub fn policy(&self) -> anyhow::Result<lastmile_server::webauthn::KeyPolicy> {
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
pub struct MetadataFlags {
    /// FIDO metadata BLOB: a file, or an https URL such as https://mds3.fidoalliance.org/.
    /// Without it, security keys are accepted without a model check.
    #[arg(long, env = "LASTMILE_MDS_BLOB")]
    pub mds_blob: Option<String>,
    /// PEM file with the root(s) the BLOB must be signed under (default: the FIDO Alliance's).
    #[arg(long, env = "LASTMILE_MDS_ROOT")]
    pub mds_root: Option<PathBuf>,
    /// The name (subject CN) of the certificate that must sign the BLOB (default: the FIDO
    /// Alliance's mds.fidoalliance.org with the FIDO root; any name under a --mds-root).
    #[arg(long, env = "LASTMILE_MDS_SIGNER")]
    pub mds_signer: Option<String>,
    /// A certificate revocation list (DER or PEM) for the BLOB's signing chain, used instead
    /// of fetching it from the certificates' distribution points (for a server that cannot
    /// reach them); repeat for each issuer. A new BLOB is used only once its chain is checked.
    #[arg(long = "mds-crl", env = "LASTMILE_MDS_CRL", value_delimiter = ',')]
    pub mds_crls: Vec<PathBuf>,
    /// How often to load the BLOB again.
    #[arg(long, env = "LASTMILE_MDS_REFRESH_HOURS", default_value_t = 24, value_parser = clap::value_parser!(u64).range(1..))]
    pub mds_refresh_hours: u64,
}

impl MetadataFlags {
    /// Loads the BLOB once (the server does not start without it: it would accept revoked
    /// models) and keeps loading it on schedule.
    pub async fn start(&self, clock: Arc<dyn Clock>) -> anyhow::Result<Option<Arc<mds::MetadataService>>> {
        let Some(blob) = &self.mds_blob else { return Ok(None) };
        let roots = match &self.mds_root {
            Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
            None => mds::FIDO_ROOT_PEM.to_string(),
        };
        let signer = match (&self.mds_signer, &self.mds_root) {
            (Some(name), _) => Some(name.clone()),
            (None, None) => Some(mds::FIDO_SIGNER.to_string()),
            (None, Some(_)) => None,
        };
        let crls = self
            .mds_crls
            .iter()
            .map(|path| {
                let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                mds::GivenCrl::parse(&bytes).with_context(|| format!("reading {} (--mds-crl)", path.display()))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut service =
            mds::MetadataService::new(mds::Source::parse(blob)?, mds::certificates_from_pem(&roots)?).with_crls(crls);
        if let Some(name) = signer {
            service = service.with_signer(name);
        }
        let service = Arc::new(service);
        let loaded = service.refresh(clock.now()).await.context("loading the FIDO metadata (--mds-blob)")?;
        tracing::info!(source = %service.source(), ?loaded, "FIDO metadata loaded");
        service.spawn_refresh(std::time::Duration::from_secs(self.mds_refresh_hours * 3600), clock);
        Ok(Some(service))
    }
}

#[derive(Args, Debug)]
pub struct Storage {
    /// Directory of the embedded SQLite database (used when no database URL is given).
    #[arg(long, env = "LASTMILE_DATA_DIR", default_value = "./lastmile-data")]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (postgres://user:pass@host/db). Overrides --data-dir.
    #[arg(long, env = "LASTMILE_DATABASE_URL")]
    pub database_url: Option<String>,
    /// The key file TOTP seeds are sealed with (created 0600 when missing). Keep it out of
    /// the database's backups, and the same on every replica. Default: seal.key in --data-dir.
    #[arg(long, env = "LASTMILE_SEAL_KEY_FILE")]
    pub seal_key_file: Option<PathBuf>,
    /// The key audit checkpoints are signed with (created 0600 when missing; keep it apart
    /// from the database). Default: checkpoint.key in --data-dir.
    #[arg(long, env = "LASTMILE_AUDIT_CHECKPOINT_KEY")]
    pub audit_checkpoint_key: Option<PathBuf>,
    /// The OpenID Connect provider's signing keys (created 0600 when missing; the same file
    /// on every replica, kept out of the database's backups). Default: oidc-keys.json in
    /// --data-dir.
    #[arg(long, env = "LASTMILE_OIDC_KEY_FILE")]
    pub oidc_key_file: Option<PathBuf>,
}

impl Storage {
    /// The seal keys, from --seal-key-file or `seal.key` in the data directory.
    pub fn seal_keys(&self) -> anyhow::Result<lastmile_server::seal::SealKeys> {
        let path = self.seal_key_file.clone().unwrap_or_else(|| self.data_dir.join("seal.key"));
        Ok(lastmile_server::seal::SealKeys::load_or_create(&path)?)
    }

    /// The audit checkpoint key, from --audit-checkpoint-key or `checkpoint.key` in the data
    /// directory.
    pub fn checkpoint_key(&self) -> anyhow::Result<lastmile_server::checkpoint::CheckpointKey> {
        let path = self.audit_checkpoint_key.clone().unwrap_or_else(|| self.data_dir.join("checkpoint.key"));
        Ok(lastmile_server::checkpoint::CheckpointKey::load_or_create(&path)?)
    }

    /// Where the OpenID Connect signing keys are: --oidc-key-file or `oidc-keys.json` in the
    /// data directory.
    pub fn oidc_key_file(&self) -> PathBuf {
        self.oidc_key_file.clone().unwrap_or_else(|| self.data_dir.join("oidc-keys.json"))
    }

    pub async fn open(&self) -> anyhow::Result<Db> {
        match &self.database_url {
            Some(url) => Db::open(url).await.with_context(|| format!("opening database {}", redact_url(url))),
            None => Db::open_sqlite(&self.data_dir)
                .await
                .with_context(|| format!("opening the SQLite database in {}", self.data_dir.display())),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
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
        #[arg(long, value_enum, default_value_t = WebhookFormat::Json)]
        format: WebhookFormat,
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
    /// The key TOTP seeds are sealed under (the file named by --seal-key-file).
    SealKey {
        #[command(subcommand)]
        command: SealKeyCommand,
    },
    /// Relying parties of the OpenID Connect provider (Entra ID, Okta, Keycloak, any client).
    OidcClient {
        #[command(subcommand)]
        command: OidcClientCommand,
    },
    /// Identity providers people join devices with ("Sign in with <organisation>" in the
    /// app, `lastmile join --sso`).
    Sso {
        #[command(subcommand)]
        command: SsoCommand,
    },
    /// The OpenID Connect provider's signing keys (the file named by --oidc-key-file).
    OidcKey {
        #[command(subcommand)]
        command: OidcKeyCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum OidcClientCommand {
    /// Registers a client; prints its id (and its secret, once).
    Create {
        #[arg(long)]
        org: String,
        /// What the dashboard and the audit log call it.
        #[arg(long)]
        name: String,
        /// entra-eam (Entra ID's external authentication method: implicit id_token, form_post),
        /// okta, keycloak or generic (authorization code with PKCE).
        #[arg(long)]
        profile: String,
        /// An exact redirect URI (repeat for several).
        #[arg(long = "redirect-uri", required = true)]
        redirect_uris: Vec<String>,
        /// How it authenticates at the token endpoint: secret or private-key-jwt (not for
        /// entra-eam, which has no credential).
        #[arg(long, value_enum)]
        auth: Option<ClientAuthKind>,
        /// Its public keys, a JWK Set file (with --auth private-key-jwt).
        #[arg(long)]
        jwks_file: Option<PathBuf>,
        /// An Entra ID tenant id it serves (entra-eam; repeat for several).
        #[arg(long = "tenant")]
        tenants: Vec<String>,
        /// The Application ID of the Entra ID app registration for this method (entra-eam):
        /// the audience of the id_token_hint Entra ID sends.
        #[arg(long)]
        entra_app_id: Option<String>,
        /// Which verified factors satisfy it: any, or phishing-resistant (security keys).
        #[arg(long, default_value = "any")]
        factors: String,
        /// PKCE (S256): required, or optional for a relying party that cannot send it (it
        /// authenticates, and its requests must carry a nonce instead).
        #[arg(long, default_value = "required")]
        pkce: String,
    },
    /// The organisation's clients (JSON lines; no secrets).
    List {
        #[arg(long)]
        org: String,
    },
    /// Refuses the client's sign-ins from now on.
    Disable {
        #[arg(long)]
        org: String,
        client_id: String,
    },
}

#[derive(Subcommand, Debug)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub enum SsoCommand {
    /// Trusts an identity provider for joins (its discovery is checked first); prints it.
    Add {
        #[arg(long)]
        org: String,
        /// What the app shows: "Sign in with <name>".
        #[arg(long)]
        name: String,
        /// The provider's issuer, exactly as its discovery document spells it.
        #[arg(long)]
        issuer: String,
        /// The client id the provider gave Lastmile's desktop app (a native, public client
        /// with loopback redirects, unless it has a credential below).
        #[arg(long)]
        client_id: String,
        /// A file holding the client secret (client_secret_basic), when the client is
        /// confidential; sealed under the seal key.
        #[arg(long, conflicts_with = "client_key_file")]
        client_secret_file: Option<PathBuf>,
        /// A PEM private key (RSA or EC P-256) for private_key_jwt; sealed under the seal key.
        #[arg(long)]
        client_key_file: Option<PathBuf>,
        /// Which claim names the person: email, preferred_username, or entra (tid + oid,
        /// linked by preferred_username the first time).
        #[arg(long, default_value = "email")]
        person: String,
        /// An email domain allowed to join (repeat for several; required with --jit).
        #[arg(long = "domain")]
        domains: Vec<String>,
        /// Creates the user at their first sign-in (otherwise only existing users join).
        #[arg(long)]
        jit: bool,
        /// The ID token claim listing the person's groups.
        #[arg(long)]
        group_claim: Option<String>,
        /// theirs=ours: the provider's group and the Lastmile policy group it maps to (repeat;
        /// the first one the person has wins).
        #[arg(long = "group-map")]
        group_map: Vec<String>,
        /// The scopes asked for (default: openid email profile).
        #[arg(long)]
        scope: Option<String>,
    },
    /// The organisation's identity providers (JSON lines; no credentials).
    List {
        #[arg(long)]
        org: String,
    },
    /// Stops joins through the provider (joined devices stay joined).
    Disable {
        #[arg(long)]
        org: String,
        id: String,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ClientAuthKind {
    Secret,
    PrivateKeyJwt,
}

#[derive(Subcommand, Debug)]
pub enum OidcKeyCommand {
    /// Every key, when it signs and until when it is published (JSON lines).
    List,
    /// A new RS256 and ES256 pair, published at once and signing after the overlap (relying
    /// parties cache the key set: Entra ID for a day); the pair it replaces stays published
    /// a day longer. Running servers read the file again within a minute.
    Rotate {
        /// Hours between publishing the new keys and signing with them.
        #[arg(long, default_value_t = 48)]
        overlap_hours: u32,
    },
}

#[derive(Subcommand, Debug)]
pub enum SealKeyCommand {
    /// A new key: every seed resealed under it, then the old keys dropped. Safe while servers
    /// run (they read the key file again); back the new file up.
    Rotate,
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
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
pub enum GroupCommand {
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
pub enum ExceptionCommand {
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
pub enum TokenCommand {
    /// A token for the dashboard (/admin) of one organisation, shown once.
    Create {
        #[arg(long)]
        org: String,
        /// Who or what uses it.
        #[arg(long)]
        name: String,
    },
    /// Revoke the organisation's tokens of this name; their dashboard sessions end at once.
    Revoke {
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum InviteCommand {
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
pub enum AuditCommand {
    /// Recomputes the hash chain; exits 0 when intact, 1 naming the first bad event. With
    /// --checkpoints, also checks it against signed checkpoints kept outside the database
    /// (which a chain rewritten by someone who can write the database does not match).
    Verify {
        /// A file of signed checkpoints (written by `serve --audit-checkpoint-file`).
        #[arg(long)]
        checkpoints: Option<PathBuf>,
        /// The checkpoint key's public half (PEM; `audit checkpoint-key` prints it). Default:
        /// the key file's.
        #[arg(long)]
        checkpoint_public_key: Option<PathBuf>,
    },
    /// Signs the chain's head now and appends the checkpoint to FILE.
    Checkpoint {
        #[arg(long)]
        file: PathBuf,
    },
    /// Prints the public key checkpoints are signed with (PEM), for auditors.
    CheckpointKey,
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
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum DeviceCommand {
    Revoke {
        device_id: String,
    },
    /// Devices whose reports are not signed (joined before device keys; the app adds a key
    /// at its next report), one JSON object per line.
    Unsigned {
        #[arg(long)]
        org: String,
    },
}
