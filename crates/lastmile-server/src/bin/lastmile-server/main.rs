//! `lastmile-server`: reads the command line ([`cli`]), then serves or runs an admin
//! command ([`admin`]). Everything else is the library's.

mod admin;
mod cli;

use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use cli::{Cli, Command, LogFormat};
use lastmile_core::clock::Clock;
use lastmile_server::{AppState, SystemClock, app};

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
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
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
            trusted_proxies,
            allow_unsigned_reports,
            audit_checkpoint_file,
            audit_checkpoint_minutes,
            oidc_issuer,
            entra_authority,
            connections,
            storage,
        } => {
            let open_files = lastmile_server::serve::raise_open_files_limit();
            let policy = keys.policy()?;
            if !policy.allow.is_empty() && metadata.mds_blob.is_none() {
                anyhow::bail!(
                    "--key-allow-aaguids needs FIDO metadata to prove a key's model (any key can name any AAGUID): \
                     add --mds-blob"
                );
            }
            if policy.require_attestation && metadata.mds_blob.is_none() {
                anyhow::bail!(
                    "--key-require-attestation needs FIDO metadata to check attestations against: add --mds-blob"
                );
            }
            let mut rp =
                lastmile_server::webauthn::RelyingParty::new(&rp_id, &rp_origin, &rp_name)?.with_policy(policy);
            let issuer = oidc_issuer.as_deref().map(lastmile_server::oidc::Issuer::parse).transpose()?;
            if let Some(issuer) = &issuer {
                // The sign-in page takes security keys when it is under the RP ID.
                match rp.also_at(issuer.as_str()) {
                    Ok(at) => rp = at,
                    Err(e) => tracing::warn!(
                        "security keys cannot sign in on the OpenID Connect page (codes can; clients that take only \
                         security keys are refused): {e}"
                    ),
                }
            }
            let mds = metadata.start(clock.clone()).await?;
            let db = storage.open().await?;
            tracing::info!(backend = ?db.backend, rp = ?rp, "database ready");
            let seal = storage.seal_keys()?;
            let resealed = lastmile_server::store::seal_seeds_at_rest(&db, &seal).await?;
            tracing::info!(key = %seal.current_id(), resealed, "TOTP seeds sealed");
            let mut state = AppState::new(db, clock)
                .with_rp(rp)
                .with_trusted_proxies(trusted_proxies)
                .with_seal(seal)
                .with_unsigned_reports(allow_unsigned_reports);
            if let Some(mds) = mds {
                state = state.with_mds(mds);
            }
            if let Some(url) = notify_webhook {
                state = state.with_notify(notify_format.webhook("--notify-webhook", &url)?);
            }
            if let Some(issuer) = issuer {
                let key_file = storage.oidc_key_file();
                let provider = lastmile_server::oidc::Provider::start(issuer, key_file.clone(), state.clock.now())
                    .with_context(|| format!("loading the OIDC signing keys ({})", key_file.display()))?
                    .with_entra(lastmile_server::oidc::entra::EntraKeys::new(&entra_authority)?);
                let provider = Arc::new(provider);
                provider.spawn_key_reload(std::time::Duration::from_secs(60));
                tracing::info!(issuer = %provider.issuer(), keys = %key_file.display(), "OpenID Connect provider on");
                state = state.with_oidc(provider);
            }
            if let Some(file) = audit_checkpoint_file {
                let key = Arc::new(storage.checkpoint_key()?);
                tracing::info!(file = %file.display(), key = key.id(), "audit checkpoints on");
                let every = std::time::Duration::from_secs(audit_checkpoint_minutes * 60);
                lastmile_server::checkpoint::spawn(state.db.pool.clone(), key, file, every, state.clock.clone());
            }
            let listener =
                tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
            tracing::info!(addr = %listener.local_addr()?, "lastmile-server listening");
            let limits = connections.limits().within_open_files(open_files);
            lastmile_server::serve::serve(listener, app(state), limits, shutdown_signal()).await;
            tracing::info!("shut down cleanly");
        }
        Command::Admin { storage, command } => {
            let db = storage.open().await?;
            admin::run(&db, &storage, &*clock, command).await?;
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
