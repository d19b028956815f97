//! Revocation of the BLOB's signing chain: each certificate of the JWS header's `x5c` that
//! names CRL distribution points is looked up in its issuer's certificate revocation list
//! (FIDO MDS3 section 3.2, RFC 5280 section 6.3). The list must be issued under the
//! issuer's name, signed by the issuer's key and current at the injected time (this update
//! passed, next update not), and must not list the certificate.
//!
//! Lists come from the operator first (`--mds-crl`, for a server that cannot reach the
//! distribution points), else from the certificate's http(s) distribution points, without
//! redirects and within a size cap. A certificate without distribution points says nothing
//! about how to check it and is not checked. A list that cannot be had, or is stale, forged
//! or for another issuer, fails the load: the metadata in use is kept (fail closed, as for a
//! bad signature).

use std::cmp::Ordering;

use crypto_glue::traits::EncodeDer;
use lastmile_core::clock::UnixMillis;
use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::x509::{CrlStatus, X509, X509Crl, X509NameRef};

use super::{Certificate, bad};
use crate::ServerError;

/// The largest revocation list accepted (the largest public CAs' are a few MB).
pub const MAX_CRL_BYTES: usize = 16 * 1024 * 1024;

/// A certificate revocation list given by the operator (DER or PEM).
pub struct GivenCrl(X509Crl);

impl std::fmt::Debug for GivenCrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GivenCrl({})", name(self.0.issuer_name()))
    }
}

impl GivenCrl {
    /// Reads a list from its bytes (DER or PEM).
    pub fn parse(bytes: &[u8]) -> Result<GivenCrl, ServerError> {
        parse_crl(bytes).map(GivenCrl)
    }
}

fn parse_crl(bytes: &[u8]) -> Result<X509Crl, ServerError> {
    X509Crl::from_der(bytes)
        .or_else(|_| X509Crl::from_pem(bytes))
        .map_err(|e| bad(format!("not a certificate revocation list (DER or PEM): {e}")))
}

/// What the check did: how many certificates of the chain were looked up in a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    pub certificates: usize,
}

/// Checks every certificate of `chain` (DER, the signer first) that names distribution
/// points against its issuer's list. Issuers are found by name among the rest of the
/// chain and `roots` (the chain itself was verified before this is called).
pub async fn check_chain(
    chain: &[Vec<u8>],
    roots: &[Certificate],
    given: &[GivenCrl],
    now: UnixMillis,
) -> Result<Checked, ServerError> {
    let parse = |der: &[u8]| X509::from_der(der).map_err(|e| bad(format!("x5c certificate: {e}")));
    let chain = chain.iter().map(|d| parse(d)).collect::<Result<Vec<_>, _>>()?;
    let roots = roots
        .iter()
        .map(|r| r.to_der().map_err(|e| bad(format!("a root certificate: {e}"))).and_then(|d| parse(&d)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut checked = 0;
    for (i, cert) in chain.iter().enumerate() {
        let urls = distribution_points(cert);
        if urls.is_empty() {
            continue;
        }
        let issuer = chain[i + 1..]
            .iter()
            .chain(roots.iter())
            .find(|c| same_name(c.subject_name(), cert.issuer_name()))
            .ok_or_else(|| bad(format!("no issuer of {} in the chain or the roots", name(cert.subject_name()))))?;
        match given.iter().find(|g| same_name(g.0.issuer_name(), cert.issuer_name())) {
            Some(g) => check_one(cert, issuer, &g.0, now)?,
            None => check_one(cert, issuer, &fetch_any(&urls).await?, now)?,
        }
        checked += 1;
    }
    Ok(Checked { certificates: checked })
}

/// The checks of one certificate against one list.
fn check_one(cert: &X509, issuer: &X509, crl: &X509Crl, now: UnixMillis) -> Result<(), ServerError> {
    let who = name(cert.subject_name());
    let by = name(cert.issuer_name());
    if !same_name(crl.issuer_name(), cert.issuer_name()) {
        return Err(bad(format!(
            "the revocation list for {who} is issued by {}, not by {by}",
            name(crl.issuer_name())
        )));
    }
    let key = issuer.public_key().map_err(|e| bad(format!("the key of {by}: {e}")))?;
    if !crl.verify(&key).unwrap_or(false) {
        return Err(bad(format!("the revocation list of {by} is not signed by {by}'s key")));
    }
    let now_asn1 = Asn1Time::from_unix(now.0.div_euclid(1000)).map_err(|e| bad(format!("the time {}: {e}", now.0)))?;
    if compare(crl.last_update(), &now_asn1)? == Ordering::Greater {
        return Err(bad(format!("the revocation list of {by} is dated in the future ({})", crl.last_update())));
    }
    match crl.next_update() {
        Some(next) if compare(next, &now_asn1)? == Ordering::Less => {
            return Err(bad(format!(
                "the revocation list of {by} is out of date (its next update was due {next}); \
                 fetch a current one (or give it with --mds-crl)"
            )));
        }
        Some(_) => {}
        None => return Err(bad(format!("the revocation list of {by} has no next update: it cannot be current"))),
    }
    match crl.get_by_serial(cert.serial_number()) {
        CrlStatus::Revoked(entry) => Err(bad(format!(
            "{who} (serial {}) is revoked by {by} since {}: this BLOB is not used",
            serial(cert),
            entry.revocation_date()
        ))),
        CrlStatus::NotRevoked | CrlStatus::RemoveFromCrl(_) => Ok(()),
    }
}

/// The http(s) URIs of a certificate's CRL distribution points.
fn distribution_points(cert: &X509) -> Vec<String> {
    let Some(points) = cert.crl_distribution_points() else { return Vec::new() };
    points
        .iter()
        .filter_map(|p| p.distpoint().and_then(|d| d.fullname()))
        .flat_map(|names| names.iter().filter_map(|n| n.uri().map(str::to_string)).collect::<Vec<_>>())
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .collect()
}

/// The first list any of `urls` serves. A list is signed, so plain http is fine (and usual).
async fn fetch_any(urls: &[String]) -> Result<X509Crl, ServerError> {
    let mut failures = Vec::new();
    for url in urls {
        let fetched = match url::Url::parse(url) {
            Ok(parsed) => super::download(&parsed, MAX_CRL_BYTES).await.and_then(|bytes| parse_crl(&bytes)),
            Err(e) => Err(bad(format!("{url:?}: {e}"))),
        };
        match fetched {
            Ok(crl) => return Ok(crl),
            Err(e) => failures.push(e.to_string()),
        }
    }
    Err(bad(format!(
        "no revocation list could be had ({}); give a current one with --mds-crl if this server cannot reach it",
        failures.join("; ")
    )))
}

fn compare(a: &Asn1TimeRef, b: &Asn1TimeRef) -> Result<Ordering, ServerError> {
    a.compare(b).map_err(|e| bad(format!("a revocation list's date ({a}) cannot be compared: {e}")))
}

fn same_name(a: &X509NameRef, b: &X509NameRef) -> bool {
    a.try_cmp(b).is_ok_and(|o| o == Ordering::Equal)
}

fn name(n: &X509NameRef) -> String {
    n.entries()
        .filter_map(|e| {
            e.data().to_string().ok().map(|v| format!("{}={v}", e.object().nid().short_name().unwrap_or("?")))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn serial(cert: &X509) -> String {
    cert.serial_number().to_bn().and_then(|b| b.to_hex_str().map(|h| h.to_string())).unwrap_or_default()
}
