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
    /// The organisation's slug.
    pub organisation: String,
    /// One of its sign-ins (`None`: its first).
    pub provider: Option<String>,
    pub timeout: Duration,
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
    /// How people of `organisation` can join by signing in, from the configured server.
    pub async fn sign_in_options(&self, organisation: &str) -> Result<lastmile_proto::api::SignInOptions, AgentError> {
        let resolved = self.resolve_settings()?;
        let server = self.pick_server(&resolved, None, "joining with your organisation's sign-in")?;
        self.api(&resolved, &server)?.sign_in_options(organisation).await.map_err(AgentError::from_client)
    }

    /// Joins this device by signing in with the organisation's identity provider in the
    /// browser `browser` opens. `started` is told the sign-in's URL once the browser was asked
    /// to open it (to show it to the person in case no browser opened).
    pub async fn join_sso(
        &self,
        join: &SsoJoin,
        browser: &dyn Browser,
        started: impl FnOnce(&SsoStart, &str),
    ) -> Result<JoinOutcome, AgentError> {
        let resolved = self.resolve_settings()?;
        let server = self.pick_server(&resolved, None, "joining with your organisation's sign-in")?;
        self.check_can_join("Nothing was changed.").await?;
        let api = self.api(&resolved, &server)?;
        let start = api
            .sso_start(&SsoStartRequest { organisation: join.organisation.clone(), provider: join.provider.clone() })
            .await
            .map_err(AgentError::from_client)?;
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
        let (code, mut tab) =
            tokio::time::timeout(join.timeout, wait_for_code(&listener, &state)).await.map_err(|_| {
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
