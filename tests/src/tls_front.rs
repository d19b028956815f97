//! A TLS front for the loopback server, as a reverse proxy or a TLS-inspecting company proxy
//! would put one: HTTPS on its own port (a certificate for 127.0.0.1 issued by a CA made for
//! the test), each HTTP/1.1 request relayed to the server. The app trusts that CA only if
//! told to (`ca_bundle`), which is what a device behind an inspecting proxy meets.
#![allow(clippy::expect_used)] // test fixtures: a failure here is a broken test setup

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::ssl::{SslAcceptor, SslMethod};
use openssl::x509::extension::{BasicConstraints, KeyUsage, SubjectAlternativeName};
use openssl::x509::{X509, X509NameBuilder};

/// The running front: its port and the CA's certificate (PEM) in `ca_pem`.
#[derive(Debug)]
pub struct TlsFront {
    pub port: u16,
    pub ca_pem: PathBuf,
}

impl TlsFront {
    /// Starts a front relaying to `127.0.0.1:upstream_port`; the CA's PEM goes into `dir`.
    pub fn start(upstream_port: u16, dir: &Path) -> TlsFront {
        let ca_key = key();
        let ca = cert("Lastmile test inspecting proxy CA", &ca_key, None, true);
        let leaf_key = key();
        let leaf = cert("127.0.0.1", &leaf_key, Some((&ca, &ca_key)), false);
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

fn key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("P-256");
    PKey::from_ec_key(EcKey::generate(&group).expect("EC key")).expect("EC key")
}

fn cert(cn: &str, key: &PKey<Private>, issuer: Option<(&X509, &PKey<Private>)>, ca: bool) -> X509 {
    let mut name = X509NameBuilder::new().expect("name");
    name.append_entry_by_nid(Nid::COMMONNAME, cn).expect("cn");
    let name = name.build();
    let mut b = X509::builder().expect("builder");
    b.set_version(2).expect("v3");
    let mut serial = BigNum::new().expect("bn");
    serial.rand(120, MsbOption::MAYBE_ZERO, false).expect("rand");
    b.set_serial_number(&serial.to_asn1_integer().expect("serial")).expect("serial");
    b.set_subject_name(&name).expect("subject");
    b.set_issuer_name(issuer.map_or(&name, |(c, _)| c.subject_name())).expect("issuer");
    b.set_pubkey(key).expect("key");
    b.set_not_before(&Asn1Time::days_from_now(0).expect("now")).expect("nb");
    b.set_not_after(&Asn1Time::days_from_now(2).expect("later")).expect("na");
    if ca {
        b.append_extension(BasicConstraints::new().critical().ca().build().expect("bc")).expect("bc");
        b.append_extension(KeyUsage::new().critical().key_cert_sign().build().expect("ku")).expect("ku");
    } else {
        b.append_extension(BasicConstraints::new().critical().build().expect("bc")).expect("bc");
        b.append_extension(KeyUsage::new().critical().digital_signature().build().expect("ku")).expect("ku");
        let san = SubjectAlternativeName::new().ip("127.0.0.1").build(&b.x509v3_context(None, None)).expect("san");
        b.append_extension(san).expect("san");
    }
    b.sign(issuer.map_or(key, |(_, k)| k), MessageDigest::sha256()).expect("sign");
    b.build()
}
