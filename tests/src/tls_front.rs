//! A TLS front for the loopback server, as a reverse proxy or a TLS-inspecting company proxy
//! would put one: HTTPS on its own port (a certificate for 127.0.0.1 issued by a CA made for
//! the test), each HTTP/1.1 request relayed to the server. The app trusts that CA only if
//! told to (`ca_bundle`), which is what a device behind an inspecting proxy meets.
#![allow(clippy::expect_used)] // test fixtures: a failure here is a broken test setup

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use openssl::ssl::{SslAcceptor, SslMethod};

use crate::mds_blob::{certificate, ec_key};

/// The running front: its port and the CA's certificate (PEM) in `ca_pem`.
#[derive(Debug)]
pub struct TlsFront {
    pub port: u16,
    pub ca_pem: PathBuf,
}

impl TlsFront {
    /// Starts a front relaying to `127.0.0.1:upstream_port`; the CA's PEM goes into `dir`.
    pub fn start(upstream_port: u16, dir: &Path) -> TlsFront {
        let ca_key = ec_key();
        let ca = certificate("Lastmile test inspecting proxy CA", &ca_key, None, true, (-1, 2), None, None);
        let leaf_key = ec_key();
        let leaf = certificate("127.0.0.1", &leaf_key, Some((&ca, &ca_key)), false, (-1, 2), None, Some("127.0.0.1"));
        let ca_pem = dir.join("inspecting-proxy-ca.pem");
        std::fs::write(&ca_pem, ca.to_pem().expect("pem")).expect("write CA");
        let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).expect("acceptor");
        acceptor.set_private_key(&leaf_key).expect("key");
        acceptor.set_certificate(&leaf).expect("cert");
        acceptor.add_extra_chain_cert(ca).expect("chain");
        let acceptor = std::sync::Arc::new(acceptor.build());
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let acceptor = acceptor.clone();
                std::thread::spawn(move || {
                    // A client that refuses the certificate ends the handshake: nothing to relay.
                    let Ok(tls) = acceptor.accept(client) else { return };
                    let mut client = std::io::BufReader::new(tls);
                    while let Some(request) = crate::read_http_message(&mut client) {
                        let Ok(mut upstream) = std::net::TcpStream::connect(("127.0.0.1", upstream_port)) else {
                            return;
                        };
                        if std::io::Write::write_all(&mut upstream, &request).is_err() {
                            return;
                        }
                        let mut upstream = std::io::BufReader::new(upstream);
                        let Some(response) = crate::read_http_message(&mut upstream) else { return };
                        if std::io::Write::write_all(client.get_mut(), &response).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        TlsFront { port, ca_pem }
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }
}
