//! The Lastmile posture API server, as a library: `main.rs` only reads flags and serves.
//!
//! * [`db`]: connection (SQLite file or PostgreSQL URL) and migrations.
//! * [`store`]: every SQL statement, as functions over a connection.
//! * [`routes`]: the HTTP API (`fn app(state) -> Router`), one module per area.
//! * [`admin`]: the operations behind `lastmile-server admin ...`.
//! * [`error`]: the one error type; client mistakes are explained, internals hidden.

pub mod admin;
pub mod audit;
pub mod batch;
pub mod checkpoint;
pub mod dashboard;
pub mod db;
pub mod device_sig;
pub mod engage;
pub mod error;
pub mod kdf;
pub mod limits;
pub mod mds;
pub mod oidc;
pub mod openapi;
pub mod recovery;
pub mod routes;
pub mod seal;
pub mod secrets;
pub mod serve;
pub mod sso;
pub mod store;
pub mod urls;
pub mod views;
pub mod webauthn;

use std::sync::Arc;

use lastmile_core::clock::{Clock, UnixMillis};

pub use error::{ApiError, ServerError};
pub use routes::app;

/// Shared state of the HTTP handlers. Holds nothing that replicas would need to share:
/// everything durable is in the database.
#[derive(Clone)]
pub struct AppState {
    pub db: db::Db,
    pub clock: Arc<dyn Clock>,
    /// Every argon2id derivation goes through it: bounded to the cores, with a bounded queue.
    pub kdf: kdf::Kdf,
    /// The WebAuthn relying party (configuration only; ceremonies live in the database).
    pub rp: Arc<webauthn::RelyingParty>,
    /// FIDO metadata (models, certification, status), when configured. Each replica loads it
    /// from the same source; it is configuration, not state to share.
    pub mds: Option<Arc<mds::MetadataService>>,
    /// Where to tell users about security events on their account (a recovery sign-in).
    pub notify: Option<Arc<engage::Webhook>>,
    /// The report path's batch queues (group commit; see [`batch`]).
    pub queues: batch::Queues,
    /// The keys TOTP seeds are sealed under (held outside the database; see [`seal`]).
    pub seal: Arc<seal::SealKeys>,
    /// Rate limits on sign-ins and recovery codes (per process; see [`limits`]).
    pub limits: Arc<limits::Limits>,
    /// Whether devices that joined without a key may still report unsigned (a transition
    /// setting; off by default: such devices add a key first, `POST /v1/devices/me/key`).
    pub allow_unsigned_reports: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed for the client's address.
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// The OpenID Connect provider, when the server has an issuer (`--oidc-issuer`).
    pub oidc: Option<Arc<oidc::Provider>>,
    /// Organisations' identity providers (discovery documents and keys, kept), for joins
    /// with the organisation's sign-in.
    pub sso: Arc<sso::Idps>,
}

impl AppState {
    /// State with the development relying party (`localhost`; see [`AppState::with_rp`]) and
    /// seal keys held in memory only (see [`AppState::with_seal`]: a server whose database
    /// outlives the process must be given its key file). Starts the batch queues, so it must
    /// be called on a Tokio runtime.
    pub fn new(db: db::Db, clock: Arc<dyn Clock>) -> Self {
        Self {
            queues: batch::Queues::start(&db.pool),
            db,
            clock,
            kdf: kdf::Kdf::for_this_machine(),
            rp: Arc::new(webauthn::RelyingParty::localhost()),
            mds: None,
            notify: None,
            seal: Arc::new(seal::SealKeys::ephemeral()),
            limits: Arc::new(limits::Limits::standard()),
            trusted_proxies: Arc::from(Vec::new()),
            allow_unsigned_reports: false,
            oidc: None,
            sso: Arc::new(sso::Idps::new().expect("an HTTP client with the system's TLS configuration")),
        }
    }

    pub fn with_oidc(self, provider: Arc<oidc::Provider>) -> Self {
        Self { oidc: Some(provider), ..self }
    }

    pub fn with_seal(self, seal: seal::SealKeys) -> Self {
        Self { seal: Arc::new(seal), ..self }
    }

    pub fn with_unsigned_reports(self, allow: bool) -> Self {
        Self { allow_unsigned_reports: allow, ..self }
    }

    pub fn with_kdf(self, kdf: kdf::Kdf) -> Self {
        Self { kdf, ..self }
    }

    pub fn with_limits(self, limits: limits::Limits) -> Self {
        Self { limits: Arc::new(limits), ..self }
    }

    pub fn with_trusted_proxies(self, proxies: Vec<std::net::IpAddr>) -> Self {
        Self { trusted_proxies: Arc::from(proxies), ..self }
    }

    pub fn with_notify(self, webhook: engage::Webhook) -> Self {
        Self { notify: Some(Arc::new(webhook)), ..self }
    }

    pub fn with_mds(self, mds: Arc<mds::MetadataService>) -> Self {
        Self { mds: Some(mds), ..self }
    }

    pub fn with_rp(self, rp: webauthn::RelyingParty) -> Self {
        Self { rp: Arc::new(rp), ..self }
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("db", &self.db).finish_non_exhaustive()
    }
}

/// The wall clock, for the binary. Everything else receives a [`Clock`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixMillis {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_else(|e| -(e.duration().as_millis() as i64));
        UnixMillis(ms)
    }
}
