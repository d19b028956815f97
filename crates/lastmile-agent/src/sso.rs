//! Joining with the organisation's sign-in (RFC 8252): the person signs in with the
//! organisation's identity provider in the system browser (never an embedded webview, RFC
//! 8252 section 8.12), which comes back to a loopback redirect on 127.0.0.1 with a random
//! port (sections 7.3 and 8.3); PKCE S256 and a state of the app's, the nonce the server's.
//! The server redeems the code and joins the device; the browser's tab is answered with the
//! outcome ("you can close this tab"). How the browser is opened is the caller's
//! ([`Browser`]): the system's in the app, a driven browser in tests.

use std::time::Duration;

use lastmile_core::clock::Clock;
use lastmile_core::sso::{AuthorizationRequest, CALLBACK_PATH, Callback};
use lastmile_proto::api::{SsoJoinRequest, SsoProof, SsoStart, SsoStartRequest};
use lastmile_proto::app::{AppErrorCode, JoinOutcome};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::status::device_claims;
use crate::{Agent, AgentError, DeviceProbe, SecretStore};

/// Opens a URL in a browser the person uses.
pub trait Browser: Send + Sync {
    fn open(&self, url: &str) -> Result<(), String>;
}

/// How long the person has to sign in, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// How long a connection to the loopback redirect may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_REQUEST_BYTES: usize = 16 * 1024;

/// What to join with.
#[derive(Debug, Clone)]
pub struct SsoJoin {
    /// The organisation's slug (`None`: the `organisation` setting's).
    pub organisation: Option<String>,
    /// One of its sign-ins (`None`: the `sso_provider` setting's, else the organisation's
    /// first).
    pub provider: Option<String>,
    pub timeout: Duration,
}

/// The organisation and sign-in to use: the ones asked for, else the settings'. A managed
/// value cannot be overridden (as for every setting): asking for another is refused.
fn target(
    resolved: &crate::settings::Resolved,
    organisation: Option<&str>,
    provider: Option<&str>,
) -> Result<(String, Option<String>), AgentError> {
    let pick = |asked: Option<&str>, setting: &lastmile_core::settings::Setting<String>, key: &str| match (
        asked,
        &setting.value,
    ) {
        (Some(a), Some(v)) if setting.locked() && a != v => Err(AgentError::new(
            AppErrorCode::ManagedSetting,
            format!("your organisation set {key} to {v:?} on this device; {a:?} cannot be used instead"),
            Some("Leave the option out: this device is configured by your organisation."),
        )),
        (Some(a), _) if !setting.locked() => Ok(Some(a.to_string())),
        (_, v) => Ok(v.clone()),
    };
    let organisation = pick(organisation, &resolved.settings.organisation, "organisation")?.ok_or_else(|| {
        AgentError::new(
            AppErrorCode::InvalidInput,
            "which organisation? Joining with your organisation's sign-in needs its short name",
            Some("Your IT team tells you the organisation's short name (for example: acme)."),
        )
    })?;
    let provider = pick(provider, &resolved.settings.sso_provider, "sso_provider")?;
    Ok((organisation, provider))
}

fn random<const N: usize>() -> Result<[u8; N], AgentError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| {
        AgentError::new(AppErrorCode::Internal, format!("the OS random number generator failed: {e}"), None)
    })?;
    Ok(bytes)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The page the browser's tab shows at the end.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width\"><title>{t} - Lastmile</title><style>body{{font:16px/1.5 system-ui,sans-serif;\
         max-width:34rem;margin:4rem auto;padding:0 1rem}}h1{{font-size:1.4rem}}</style></head><body><main><h1>{t}</h1>\
         <p>{b}</p></main></body></html>",
        t = escape(title),
        b = escape(body)
    )
}

async fn respond(stream: &mut TcpStream, status: &str, html: &str) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nReferrer-Policy: no-referrer\r\n\
         Connection: close\r\n\r\n",
        html.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(html.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// The request target of an HTTP request on `stream` (`GET <target> HTTP/1.1`), if it is a GET.
async fn request_target(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let read = async {
        let mut chunk = [0u8; 1024];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < MAX_REQUEST_BYTES {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Some(())
    };
    tokio::time::timeout(REQUEST_TIMEOUT, read).await.ok()??;
    let line = String::from_utf8_lossy(&buf).lines().next()?.to_string();
    let mut parts = line.split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) => Some(target.to_string()),
        _ => None,
    }
}

/// Waits on `listener` for the redirect of the sign-in whose state is `state`: the code and
/// the browser's connection (answered once the join is done), or why the sign-in ended.
async fn wait_for_code(listener: &TcpListener, state: &str) -> Result<(String, TcpStream), AgentError> {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else { continue };
        let Some(target) = request_target(&mut stream).await else {
            respond(&mut stream, "400 Bad Request", &page("Not a sign-in", "Lastmile expected a sign-in here.")).await;
            continue;
        };
        match lastmile_core::sso::callback(&target, state) {
            Callback::Elsewhere => {
                respond(&mut stream, "404 Not Found", &page("Not found", "Nothing here.")).await;
            }
            Callback::Code(code) => return Ok((code, stream)),
            Callback::WrongState => {
                let why = "This answer does not belong to the sign-in Lastmile started, so it was refused.";
                respond(&mut stream, "400 Bad Request", &page("Sign-in refused", why)).await;
                return Err(AgentError::new(
                    AppErrorCode::SsoFailed,
                    "the identity provider's answer came back for another sign-in than this one (its state does not match)",
                    Some("Start again from Lastmile. If this keeps happening, tell your IT team."),
                ));
            }
            Callback::Error { error, description } => {
                let cancelled = error == "access_denied";
                let text = if cancelled {
                    "The sign-in was cancelled. You can close this tab and start again from Lastmile.".to_string()
                } else {
                    format!("The sign-in failed ({error}). You can close this tab and start again from Lastmile.")
                };
                respond(&mut stream, "200 OK", &page("Not signed in", &text)).await;
                let detail = description.map(|d| format!(": {d}")).unwrap_or_default();
                return Err(if cancelled {
                    AgentError::new(
                        AppErrorCode::SsoCancelled,
                        format!("the sign-in was cancelled ({error}{detail})"),
                        Some("Nothing was changed. Start again when you are ready."),
                    )
                } else {
                    AgentError::new(
                        AppErrorCode::SsoFailed,
                        format!("the identity provider ended the sign-in: {error}{detail}"),
                        Some("Try again; if it fails again, tell your IT team."),
                    )
                });
            }
        }
    }
}

impl<D: DeviceProbe, S: SecretStore, C: Clock> Agent<D, S, C> {
    /// How people of `organisation` (`None`: the `organisation` setting's) can join by
    /// signing in, from the configured server; only the `sso_provider` setting's sign-in
    /// when one is set.
    pub async fn sign_in_options(
        &self,
        organisation: Option<&str>,
    ) -> Result<lastmile_proto::api::SignInOptions, AgentError> {
        let resolved = self.resolve_settings()?;
        let (organisation, provider) = target(&resolved, organisation, None)?;
        let server = self.pick_server(&resolved, None, "joining with your organisation's sign-in")?;
        let mut options =
            self.api(&resolved, &server)?.sign_in_options(&organisation).await.map_err(AgentError::from_client)?;
        if let Some(id) = provider {
            options.providers.retain(|p| p.id == id);
            if options.providers.is_empty() {
                return Err(AgentError::new(
                    AppErrorCode::SsoUnavailable,
                    format!("the sign-in set for this device ({id}) is not one of {}'s", options.organisation.name),
                    Some(
                        "Tell your IT team: the device's sso_provider setting names a sign-in the server does not offer.",
                    ),
                ));
            }
        }
        Ok(options)
    }

    /// Joins this device by signing in with the organisation's identity provider in the
    /// browser `browser` opens. `started` is told the sign-in's URL once the browser was asked
    /// to open it (to show it to the person in case no browser opened). The sign-in ends
    /// without joining when `cancel` completes first (the person gave up in the window).
    pub async fn join_sso(
        &self,
        join: &SsoJoin,
        browser: &dyn Browser,
        started: impl FnOnce(&SsoStart, &str),
        cancel: impl std::future::Future<Output = ()>,
    ) -> Result<JoinOutcome, AgentError> {
        let resolved = self.resolve_settings()?;
        let (organisation, provider) = target(&resolved, join.organisation.as_deref(), join.provider.as_deref())?;
        let server = self.pick_server(&resolved, None, "joining with your organisation's sign-in")?;
        self.check_can_join("Nothing was changed.").await?;
        let api = self.api(&resolved, &server)?;
        let start =
            api.sso_start(&SsoStartRequest { organisation, provider }).await.map_err(AgentError::from_client)?;
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await.map_err(|e| {
            AgentError::new(
                AppErrorCode::Internal,
                format!("cannot listen on a loopback port for the sign-in: {e}"),
                None,
            )
        })?;
        let port =
            listener.local_addr().map_err(|e| AgentError::new(AppErrorCode::Internal, e.to_string(), None))?.port();
        let redirect_uri = format!("http://127.0.0.1:{port}{CALLBACK_PATH}");
        let (verifier, challenge) = lastmile_core::sso::pkce(&random::<32>()?);
        let state = lastmile_core::sso::state(&random::<16>()?);
        let url = AuthorizationRequest {
            endpoint: &start.authorization_endpoint,
            client_id: &start.client_id,
            scope: &start.scope,
            redirect_uri: &redirect_uri,
            state: &state,
            nonce: &start.nonce,
            challenge: &challenge,
        }
        .url()
        .map_err(|e| {
            AgentError::new(AppErrorCode::SsoFailed, e, Some("Tell your IT team: the sign-in is misconfigured."))
        })?;
        if let Err(e) = browser.open(url.as_str()) {
            tracing::warn!(error = %e, "no browser opened for the sign-in");
        }
        started(&start, url.as_str());
        let waited = tokio::select! {
            waited = tokio::time::timeout(join.timeout, wait_for_code(&listener, &state)) => waited,
            () = cancel => {
                return Err(AgentError::new(
                    AppErrorCode::SsoCancelled,
                    "you cancelled the sign-in",
                    Some("Nothing was changed. Start again when you are ready."),
                ));
            }
        };
        let (code, mut tab) = waited.map_err(|_| {
            AgentError::new(
                AppErrorCode::SsoCancelled,
                format!("no sign-in came back within {} s", join.timeout.as_secs()),
                Some("Nothing was changed. If you closed the browser, start again when you are ready."),
            )
        })??;
        drop(listener);

        let outcome = async {
            let facts = self.device.facts();
            let (joined, key_account) = self
                .spend_with_new_device_key(|public_key| {
                    let req = SsoJoinRequest {
                        flow_id: start.flow_id.clone(),
                        proof: SsoProof::Code { code, code_verifier: verifier, redirect_uri: redirect_uri.clone() },
                        device: device_claims(&facts, &self.app_version),
                        device_public_key: Some(public_key),
                    };
                    let api = &api;
                    async move { api.join_sso(&req).await }
                })
                .await?;
            let spent = "Run `lastmile leave`, then sign in again.";
            self.finish_join(&resolved, &server, &api, &facts, key_account, joined, spent).await
        }
        .await;
        match &outcome {
            Ok(joined) => {
                let text = format!(
                    "This device is now joined to {} as {}. You can close this tab and return to Lastmile.",
                    joined.organisation, joined.user_email
                );
                respond(&mut tab, "200 OK", &page("You are signed in", &text)).await;
            }
            Err(e) => {
                let text = format!("{} You can close this tab; Lastmile says what to do next.", e.message);
                respond(&mut tab, "200 OK", &page("This device did not join", &text)).await;
            }
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use lastmile_core::settings::{Layer, RawLayer, Settings};

    use super::*;
    use crate::settings::Resolved;

    fn resolved(managed: RawLayer, user: RawLayer) -> Resolved {
        let layer = |raw| Layer::validate(raw).expect("valid");
        Resolved {
            settings: Settings::resolve(&layer(managed), &Layer::default(), &layer(user)).expect("resolves"),
            problems: vec![],
            managed_broken: false,
        }
    }

    fn org(slug: &str, provider: Option<&str>) -> RawLayer {
        RawLayer { organisation: Some(slug.into()), sso_provider: provider.map(str::to_string), ..RawLayer::default() }
    }

    #[test]
    fn the_organisation_and_sign_in_asked_for_else_the_settings() {
        let none = RawLayer::default;
        let ok = |o: &str, p: Option<&str>| Ok((o.to_string(), p.map(str::to_string)));
        type Case = (RawLayer, RawLayer, Option<&'static str>, Option<&'static str>);
        type Want = Result<(String, Option<String>), AppErrorCode>;
        let table: Vec<(Case, Want)> = vec![
            ((none(), none(), Some("acme"), None), ok("acme", None)),
            ((none(), none(), Some("acme"), Some("p1")), ok("acme", Some("p1"))),
            ((none(), org("acme", Some("p1")), None, None), ok("acme", Some("p1"))),
            // The person's own settings give way to what they ask for.
            ((none(), org("acme", Some("p1")), Some("globex"), Some("p2")), ok("globex", Some("p2"))),
            ((org("acme", Some("p1")), none(), None, None), ok("acme", Some("p1"))),
            ((org("acme", None), none(), Some("acme"), Some("p2")), ok("acme", Some("p2"))),
            // IT's cannot be swapped.
            ((org("acme", None), none(), Some("globex"), None), Err(AppErrorCode::ManagedSetting)),
            ((org("acme", Some("p1")), none(), None, Some("p2")), Err(AppErrorCode::ManagedSetting)),
            ((none(), none(), None, Some("p1")), Err(AppErrorCode::InvalidInput)),
        ];
        for ((managed, user, asked_org, asked_provider), want) in table {
            let r = resolved(managed.clone(), user.clone());
            let got = target(&r, asked_org, asked_provider).map_err(|e| e.code);
            assert_eq!(got, want, "managed {managed:?}, user {user:?}, asked {asked_org:?} {asked_provider:?}");
        }
    }
}
