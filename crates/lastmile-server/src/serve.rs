//! The server's accept loop, with limits at every stage of a connection, so that idle and
//! half-sent connections cannot take it offline (one client holding a thousand connections
//! open used to exhaust the open-files limit, and nothing ever closed them):
//!
//! * at most [`Limits::max_connections`] open connections, and
//!   [`Limits::max_connections_per_address`] from one source address: beyond them a
//!   connection is answered at once with 503 and `Retry-After`, and closed;
//! * the request head must arrive within [`Limits::header_timeout`] (hyper's header-read
//!   timer, which also bounds how long an idle keep-alive connection waits for its next
//!   request);
//! * the body within [`Limits::body_timeout`], and the whole request within
//!   [`Limits::request_timeout`] (tower-http; 408);
//! * accept errors (no file descriptors left) are logged and retried after a pause, never a
//!   busy loop.
//!
//! Shutdown stops accepting and lets open requests finish for up to ten seconds.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// How long each stage of a connection may take, and how many may be open.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub request_timeout: Duration,
    pub max_connections: usize,
    pub max_connections_per_address: usize,
}

impl Default for Limits {
    /// Heads in 5 s (and idle keep-alive connections closed after 5 s), bodies in 15 s, a
    /// whole request in 30 s; 4,096 connections, 256 from one address (an office behind one
    /// NAT address, or a reverse proxy; see `--trusted-proxy`).
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(15),
            request_timeout: Duration::from_secs(30),
            max_connections: 4_096,
            max_connections_per_address: 256,
        }
    }
}

/// The answer to a connection over the caps, written before it is closed.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: application/json\r\n\
Content-Length: 95\r\nConnection: close\r\n\r\n\
{\"error\":{\"code\":\"unavailable\",\"message\":\"the server has too many connections; try again soon\"}}";

/// Open connections per source address.
#[derive(Debug, Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

impl PerAddress {
    fn enter(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<AddressSlot> {
        let mut open = self.0.lock().ok()?;
        let n = open.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(AddressSlot { table: self.clone(), ip })
    }
}

/// One connection's place in [`PerAddress`], given back when dropped.
struct AddressSlot {
    table: Arc<PerAddress>,
    ip: IpAddr,
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.table.0.lock()
            && let Some(n) = open.get_mut(&self.ip)
        {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// Adds the request-level timeouts to the router.
pub fn with_timeouts(router: Router, limits: &Limits) -> Router {
    router.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(limits.body_timeout)).layer(
        tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ),
    )
}

/// Serves `router` on `listener` within `limits` until `shutdown` completes.
pub async fn serve(listener: TcpListener, router: Router, limits: Limits, shutdown: impl Future<Output = ()>) {
    let router = with_timeouts(router, &limits);
    let connections = Arc::new(Semaphore::new(limits.max_connections));
    let per_address = Arc::new(PerAddress::default());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (mut stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Most often: no file descriptors left. Pausing lets connections close.
                    tracing::warn!(error = %e, "accepting a connection failed; pausing 100 ms");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let permit = connections.clone().try_acquire_owned().ok();
        let slot = permit.as_ref().and_then(|_| per_address.enter(peer.ip(), limits.max_connections_per_address));
        let (Some(permit), Some(slot)) = (permit, slot) else {
            tracing::warn!(peer = %peer.ip(), "connection refused: over the connection limits");
            tokio::spawn(async move {
                let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(BUSY)).await;
                let _ = stream.shutdown().await;
            });
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(move |req: hyper::Request<hyper::body::Incoming>| {
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            req
        });
        let connection = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(peer = %peer, error = %e, "connection ended with an error");
            }
            drop((permit, slot));
        });
    }
    tracing::info!("no longer accepting; waiting up to 10 s for open requests");
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await.is_err() {
        tracing::warn!("some connections were still open after 10 s; closing them");
    }
}

/// Files kept free for everything but client connections: the database, logs, key files,
/// outgoing requests, and the moment of writing a refusal.
pub const RESERVED_FILES: u64 = 64;

/// Raises the process's soft open-files limit to its hard limit (service managers often
/// start processes at 1,024), logs both, and returns the limit now in force (none when
/// unlimited or unknown). Unix only; elsewhere `None`.
pub fn raise_open_files_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        let raised = rustix::process::Rlimit { current: limit.maximum, maximum: limit.maximum };
        match setrlimit(Resource::Nofile, raised) {
            Ok(()) => {
                tracing::info!(soft = ?limit.current, hard = ?limit.maximum, "open-files limit raised to the hard limit");
                limit.maximum
            }
            Err(e) => {
                tracing::warn!(soft = ?limit.current, hard = ?limit.maximum, error = %e, "open-files limit not raised");
                limit.current
            }
        }
    }
    #[cfg(not(unix))]
    None
}

impl Limits {
    /// These limits, with at most as many connections as `open_files` allows once
    /// [`RESERVED_FILES`] are kept free (past it, connections are refused rather than left
    /// unaccepted, which starves every client), and at most half of those from one address
    /// (so that one source cannot take them all).
    pub fn within_open_files(self, open_files: Option<u64>) -> Limits {
        let Some(files) = open_files else { return self };
        let fits = usize::try_from(files.saturating_sub(RESERVED_FILES)).unwrap_or(usize::MAX).max(16);
        if fits < self.max_connections {
            tracing::warn!(
                configured = self.max_connections,
                fits,
                "fewer connections than configured: the open-files limit is low"
            );
        }
        Limits {
            max_connections: self.max_connections.min(fits),
            max_connections_per_address: self.max_connections_per_address.min(fits.div_ceil(2)),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Limits;

    #[test]
    fn connection_caps_fit_the_open_files_limit() {
        let l = Limits::default();
        let low = l.within_open_files(Some(1_024));
        assert_eq!((low.max_connections, low.max_connections_per_address), (960, 256));
        let tiny = l.within_open_files(Some(128));
        assert_eq!((tiny.max_connections, tiny.max_connections_per_address), (64, 32));
        let high = l.within_open_files(Some(1_048_576));
        assert_eq!((high.max_connections, high.max_connections_per_address), (4_096, 256));
        assert_eq!(l.within_open_files(None).max_connections, 4_096);
        assert_eq!(l.within_open_files(Some(10)).max_connections, 16, "never below 16");
    }
}
