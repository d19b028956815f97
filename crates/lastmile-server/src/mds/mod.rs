//! The FIDO Metadata Service (MDS3): a BLOB (a JWS signed by a certificate chain) that maps
//! each authenticator model (AAGUID) to its name, its certification and its status reports,
//! and lists the roots its attestation certificates chain to.
//!
//! * [`Metadata::from_blob`] checks the chain in the JWS header (`x5c`) against the roots the
//!   server trusts (by default the FIDO Alliance's, GlobalSign Root CA - R3) at the injected
//!   time, then the signature, and only then reads the payload.
//! * [`Model::refused`]: a model reported as revoked, compromised or bypassing user
//!   verification is refused. Such a report is never undone by a later one: the keys made
//!   before the fix are still out there.
//! * [`Model::trusts`]: whether a key's attestation chain reaches one of the model's roots.
//! * [`MetadataService`] loads the BLOB from a file or an https URL, again on a schedule, and
//!   never goes back to an older BLOB (its serial number must grow). A new BLOB is used only
//!   once its signing chain is checked against the issuers' revocation lists
//!   ([`revocation`]).
//!
//! Parsing is lenient where the published BLOB is known to be inconsistent (unknown fields,
//! entries without an AAGUID are skipped) and strict about what is trusted.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use crypto_glue::traits::{DecodeDer, DecodePem};
pub use crypto_glue::x509::Certificate;
use crypto_glue::x509::{X509Store, x509_verify_signature};
use lastmile_core::clock::UnixMillis;
use serde::Deserialize;

use crate::ServerError;

pub mod revocation;

pub use revocation::GivenCrl;

/// The FIDO Alliance's MDS3 BLOB is signed under this root (GlobalSign Root CA - R3,
/// SHA-256 CBB522D7...C963C53B).
pub const FIDO_ROOT_PEM: &str = include_str!("fido-mds-root.pem");

/// Where the FIDO Alliance publishes the BLOB.
pub const FIDO_MDS_URL: &str = "https://mds3.fidoalliance.org/";

/// Statuses after which a model is refused.
pub const REFUSED_STATUSES: [&str; 5] = [
    "REVOKED",
    "USER_VERIFICATION_BYPASS",
    "ATTESTATION_KEY_COMPROMISE",
    "USER_KEY_REMOTE_COMPROMISE",
    "USER_KEY_PHYSICAL_COMPROMISE",
];

/// The largest BLOB accepted (the FIDO Alliance's is about 5 MB).
pub const MAX_BLOB_BYTES: usize = 64 * 1024 * 1024;

/// The subject common name of the certificate that signs the FIDO Alliance's BLOB.
pub const FIDO_SIGNER: &str = "mds.fidoalliance.org";

fn bad(why: impl std::fmt::Display) -> ServerError {
    ServerError::Invalid(format!("FIDO metadata: {why}"))
}

/// Certificates from PEM text (one or more `CERTIFICATE` blocks).
pub fn certificates_from_pem(pem: &str) -> Result<Vec<Certificate>, ServerError> {
    const END: &str = "-----END CERTIFICATE-----";
    let certs = pem
        .split_inclusive(END)
        .filter(|block| block.contains(END))
        .map(|block| Certificate::from_pem(block.trim()).map_err(|e| bad(format!("a PEM certificate: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    if certs.is_empty() {
        return Err(bad("no PEM certificate found"));
    }
    Ok(certs)
}

/// One authenticator model.
#[derive(Debug, Clone)]
pub struct Model {
    pub aaguid: String,
    /// The model's name, e.g. "YubiKey 5 Series with NFC".
    pub description: String,
    /// The most recent status, e.g. `FIDO_CERTIFIED_L1`.
    pub status: Option<String>,
    /// The most recent certification status (`FIDO_CERTIFIED_L1`, `..._L2`, ...).
    pub certification: Option<String>,
    /// The first status that makes this model refused, if any.
    pub refused: Option<String>,
    roots: Vec<Certificate>,
}

impl Model {
    /// Whether `chain` (DER, the attestation certificate first) reaches one of this model's
    /// attestation roots at `now`.
    pub fn trusts(&self, chain: &[Vec<u8>], now: UnixMillis) -> bool {
        let Some((leaf, rest)) = chain.split_first() else { return false };
        let parse = |der: &Vec<u8>| Certificate::from_der(der).ok();
        let (Some(leaf), Some(rest)) = (parse(leaf), rest.iter().map(parse).collect::<Option<Vec<_>>>()) else {
            return false;
        };
        // An authenticator may send the root itself at the end of its chain.
        let rest: Vec<Certificate> = rest.into_iter().filter(|c| !self.roots.contains(c)).collect();
        X509Store::new(&self.roots).verify(&leaf, &rest, system_time(now)).is_ok()
    }
}

fn system_time(now: UnixMillis) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(now.0).unwrap_or(0))
}

/// A verified BLOB.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// The BLOB's serial number (`no`); each new BLOB has a larger one.
    pub serial: u64,
    /// The date (YYYY-MM-DD) by which the publisher promises a new BLOB.
    pub next_update: String,
    models: HashMap<String, Model>,
    /// The signing chain from the header (DER, the signer first), for the revocation check.
    chain: Vec<Vec<u8>>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    x5c: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    no: u64,
    next_update: String,
    entries: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry {
    aaguid: Option<String>,
    metadata_statement: Option<RawStatement>,
    #[serde(default)]
    status_reports: Vec<RawStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawStatement {
    description: Option<String>,
    #[serde(default)]
    attestation_root_certificates: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawStatus {
    status: String,
    effective_date: Option<String>,
}

impl Metadata {
    /// Verifies a BLOB (compact JWS) against `roots` at `now` and reads it.
    pub fn from_blob(blob: &str, roots: &[Certificate], now: UnixMillis) -> Result<Metadata, ServerError> {
        Metadata::from_blob_signed_by(blob, roots, None, now)
    }

    /// [`Metadata::from_blob`], and the signing certificate's subject common name must be
    /// `signer` when one is given.
    pub fn from_blob_signed_by(
        blob: &str,
        roots: &[Certificate],
        signer: Option<&str>,
        now: UnixMillis,
    ) -> Result<Metadata, ServerError> {
        let blob = blob.trim();
        if blob.len() > MAX_BLOB_BYTES {
            return Err(bad(format!("the BLOB is larger than {MAX_BLOB_BYTES} bytes")));
        }
        let mut parts = blob.split('.');
        let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("not a JWS (expected three base64url parts separated by dots)"));
        };
        let decode = |what: &str, part: &str| {
            URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).map_err(|e| bad(format!("{what} is not base64url: {e}")))
        };
        let header: Header =
            serde_json::from_slice(&decode("the header", header_b64)?).map_err(|e| bad(format!("the header: {e}")))?;
        let chain_der = header
            .x5c
            .iter()
            .map(|c| STANDARD.decode(c).map_err(|e| bad(format!("x5c is not base64: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let chain = chain_der
            .iter()
            .map(|der| Certificate::from_der(der).map_err(|e| bad(format!("x5c certificate: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let Some((leaf, intermediates)) = chain.split_first() else {
            return Err(bad("the header carries no certificate chain (x5c)"));
        };
        X509Store::new(roots)
            .verify(leaf, intermediates, system_time(now))
            .map_err(|e| bad(format!("the signing certificate does not chain to a trusted root ({e:?})")))?;
        if let Some(name) = signer {
            let subject = leaf.tbs_certificate().subject().to_string();
            let named = subject.split(',').any(|rdn| {
                rdn.trim()
                    .split_once('=')
                    .is_some_and(|(k, v)| k.eq_ignore_ascii_case("CN") && v.eq_ignore_ascii_case(name))
            });
            if !named {
                return Err(bad(format!("the BLOB is signed by {subject:?}, not by {name}")));
            }
        }
        let signature = jws_signature(&header.alg, &decode("the signature", signature_b64)?)?;
        let signed = format!("{header_b64}.{payload_b64}");
        x509_verify_signature(signed.as_bytes(), &signature, leaf)
            .map_err(|e| bad(format!("the signature does not verify ({e:?})")))?;
        let payload: Payload = serde_json::from_slice(&decode("the payload", payload_b64)?)
            .map_err(|e| bad(format!("the payload: {e}")))?;
        Ok(Metadata {
            serial: payload.no,
            next_update: payload.next_update,
            models: models(payload.entries),
            chain: chain_der,
        })
    }

    /// The model with this AAGUID (any case).
    pub fn model(&self, aaguid: &str) -> Option<&Model> {
        self.models.get(&aaguid.to_ascii_lowercase())
    }

    /// How many FIDO2 models the BLOB lists.
    pub fn len(&self) -> usize {
        self.models.len()
    }

    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    /// The AAGUIDs of refused models.
    pub fn refused(&self) -> impl Iterator<Item = &Model> {
        self.models.values().filter(|m| m.refused.is_some())
    }
}

/// The signature in the DER form the certificate's key verifies: ECDSA signatures in a JWS
/// are the raw `r || s`.
fn jws_signature(alg: &str, raw: &[u8]) -> Result<Vec<u8>, ServerError> {
    use crypto_glue::ecdsa_p256::EcdsaP256Signature;
    use crypto_glue::ecdsa_p384::EcdsaP384Signature;
    let bad_sig = |e: &dyn std::fmt::Display| bad(format!("the {alg} signature: {e}"));
    match alg {
        "RS256" => Ok(raw.to_vec()),
        "ES256" => EcdsaP256Signature::from_slice(raw).map(|s| s.to_der().as_bytes().to_vec()).map_err(|e| bad_sig(&e)),
        "ES384" => EcdsaP384Signature::from_slice(raw).map(|s| s.to_der().as_bytes().to_vec()).map_err(|e| bad_sig(&e)),
        other => Err(bad(format!("signature algorithm {other:?} is not supported (RS256, ES256, ES384)"))),
    }
}

fn models(entries: Vec<RawEntry>) -> HashMap<String, Model> {
    let mut skipped_roots = 0usize;
    let models = entries
        .into_iter()
        .filter_map(|entry| {
            let aaguid = uuid_text(entry.aaguid.as_deref()?)?;
            let statement = entry.metadata_statement?;
            let roots = statement
                .attestation_root_certificates
                .iter()
                .filter_map(|b64| {
                    let cert = STANDARD.decode(b64.trim()).ok().and_then(|der| Certificate::from_der(&der).ok());
                    skipped_roots += usize::from(cert.is_none());
                    cert
                })
                .collect();
            let mut reports = entry.status_reports;
            // Oldest first; reports without a date count as the oldest. The sort is stable,
            // so the BLOB's own order breaks ties.
            reports.sort_by(|a, b| a.effective_date.cmp(&b.effective_date));
            let status = reports.last().map(|r| r.status.clone());
            let certification =
                reports.iter().rev().find(|r| r.status.starts_with("FIDO_CERTIFIED")).map(|r| r.status.clone());
            let refused =
                reports.iter().find(|r| REFUSED_STATUSES.contains(&r.status.as_str())).map(|r| r.status.clone());
            let description = statement.description.unwrap_or_else(|| format!("authenticator {aaguid}"));
            Some((aaguid.clone(), Model { aaguid, description, status, certification, refused, roots }))
        })
        .collect();
    if skipped_roots > 0 {
        tracing::warn!(skipped_roots, "FIDO metadata: some attestation root certificates could not be read");
    }
    models
}

fn uuid_text(s: &str) -> Option<String> {
    webauthn_rs::prelude::Uuid::try_parse(s).ok().map(|u| u.to_string())
}

/// Where the BLOB comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Url(url::Url),
}

impl Source {
    /// `https://...` (or `http://` for a loopback address) is a URL, anything else a file.
    pub fn parse(s: &str) -> Result<Source, ServerError> {
        if s.starts_with("https://") || s.starts_with("http://") {
            let url = url::Url::parse(s).map_err(|e| bad(format!("{s:?}: {e}")))?;
            if !crate::urls::https_or_loopback(&url) {
                return Err(bad(format!("{s:?}: use https (http only on a loopback address)")));
            }
            Ok(Source::Url(url))
        } else {
            Ok(Source::File(PathBuf::from(s)))
        }
    }

    async fn fetch(&self) -> Result<String, ServerError> {
        match self {
            Source::File(path) => {
                tokio::fs::read_to_string(path).await.map_err(|e| bad(format!("reading {}: {e}", path.display())))
            }
            Source::Url(url) => String::from_utf8(download(url, MAX_BLOB_BYTES).await?)
                .map_err(|_| bad(format!("{url} answers something that is not text"))),
        }
    }
}

/// GETs `url` (http or https) without following redirects: the configured URL is the
/// source, not wherever it points. At most `cap` bytes, whatever the headers say (chunked,
/// or a lying Content-Length).
pub(crate) async fn download(url: &url::Url, cap: usize) -> Result<Vec<u8>, ServerError> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| bad(format!("HTTP client: {e}")))?;
    let mut response = client
        .get(url.clone())
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| bad(format!("downloading {url}: {e}")))?;
    if response.status().is_redirection() {
        let to = response.headers().get(reqwest::header::LOCATION).and_then(|l| l.to_str().ok());
        return Err(bad(format!(
            "{url} answers with a redirect (to {}); redirects are not followed: give the final URL",
            to.unwrap_or("nowhere")
        )));
    }
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Err(bad(format!("{url} answers more than {cap} bytes")));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| bad(format!("downloading {url}: {e}")))? {
        if body.len() + chunk.len() > cap {
            return Err(bad(format!("{url} answers more than {cap} bytes")));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::File(p) => write!(f, "{}", p.display()),
            Source::Url(u) => write!(f, "{u}"),
        }
    }
}

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    /// A newer BLOB is now in use.
    Loaded { serial: u64, models: usize },
    /// The source still serves the BLOB in use.
    Unchanged { serial: u64 },
}

/// The metadata in use and where it comes from. Each replica loads it from the same source.
#[derive(Debug)]
pub struct MetadataService {
    source: Source,
    roots: Vec<Certificate>,
    /// The name (subject CN) the BLOB's signing certificate must carry, when pinned.
    signer: Option<String>,
    /// Revocation lists given by the operator, used before fetching.
    crls: Vec<GivenCrl>,
    current: RwLock<Option<Arc<Metadata>>>,
}

impl MetadataService {
    pub fn new(source: Source, roots: Vec<Certificate>) -> MetadataService {
        MetadataService { source, roots, signer: None, crls: Vec::new(), current: RwLock::new(None) }
    }

    /// Accepts only BLOBs whose signing certificate is issued to `name` (its subject's
    /// common name), besides chaining to the roots: another certificate under the same
    /// root (any customer of the same CA) cannot sign metadata.
    pub fn with_signer(self, name: impl Into<String>) -> MetadataService {
        MetadataService { signer: Some(name.into()), ..self }
    }

    /// Revocation lists to use instead of fetching them from the distribution points (for a
    /// server that cannot reach them).
    pub fn with_crls(self, crls: Vec<GivenCrl>) -> MetadataService {
        MetadataService { crls, ..self }
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The metadata in use (none before the first successful load).
    pub fn current(&self) -> Option<Arc<Metadata>> {
        self.current.read().map(|m| m.clone()).unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Fetches and verifies the BLOB; uses it if it is newer than the one in use and its
    /// signing chain is not revoked. An older BLOB (a replay, or a mirror that fell behind)
    /// is refused and the current one kept.
    pub async fn refresh(&self, now: UnixMillis) -> Result<Refresh, ServerError> {
        let text = self.source.fetch().await?;
        let metadata = Metadata::from_blob_signed_by(&text, &self.roots, self.signer.as_deref(), now)?;
        if let Some(unchanged) = self.compare_with_current(&metadata)? {
            return Ok(unchanged);
        }
        let checked = revocation::check_chain(&metadata.chain, &self.roots, &self.crls, now).await?;
        tracing::info!(
            serial = metadata.serial,
            certificates = checked.certificates,
            "the BLOB's signing chain is not revoked"
        );
        let mut current = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Another refresh may have loaded a BLOB meanwhile.
        if current.as_ref().is_some_and(|in_use| in_use.serial >= metadata.serial) {
            return Ok(Refresh::Unchanged { serial: current.as_ref().map_or(metadata.serial, |m| m.serial) });
        }
        let outcome = Refresh::Loaded { serial: metadata.serial, models: metadata.len() };
        *current = Some(Arc::new(metadata));
        Ok(outcome)
    }

    /// `Some(Unchanged)` for the BLOB in use, an error for an older one, `None` for a newer.
    fn compare_with_current(&self, metadata: &Metadata) -> Result<Option<Refresh>, ServerError> {
        let Some(in_use) = self.current() else { return Ok(None) };
        match metadata.serial.cmp(&in_use.serial) {
            std::cmp::Ordering::Less => Err(bad(format!(
                "{} serves BLOB number {}, older than the one in use ({}); kept the one in use",
                self.source, metadata.serial, in_use.serial
            ))),
            std::cmp::Ordering::Equal => Ok(Some(Refresh::Unchanged { serial: in_use.serial })),
            std::cmp::Ordering::Greater => Ok(None),
        }
    }

    /// Loads the BLOB again every `every`, in the background, for as long as the runtime
    /// lives; a failed load is logged and the metadata in use kept.
    pub fn spawn_refresh(self: &Arc<Self>, every: std::time::Duration, clock: Arc<dyn lastmile_core::clock::Clock>) {
        let service = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                match service.refresh(clock.now()).await {
                    Ok(outcome) => tracing::info!(?outcome, "FIDO metadata refreshed"),
                    Err(e) => tracing::warn!(error = %e, "FIDO metadata not refreshed; the one in use is kept"),
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fido_root_is_embedded() {
        let roots = certificates_from_pem(FIDO_ROOT_PEM).expect("root");
        assert_eq!(roots.len(), 1);
        assert!(certificates_from_pem("no pem here").is_err());
    }

    #[test]
    fn sources() {
        assert_eq!(Source::parse("/etc/mds.jwt").expect("file"), Source::File("/etc/mds.jwt".into()));
        assert!(matches!(Source::parse("https://mds3.fidoalliance.org/"), Ok(Source::Url(_))));
        assert!(matches!(Source::parse("http://127.0.0.1:9/blob"), Ok(Source::Url(_))));
        assert!(Source::parse("http://mds.example.com/").is_err(), "plain http over the network");
    }

    #[test]
    fn malformed_blobs_are_refused_with_a_reason() {
        let roots = certificates_from_pem(FIDO_ROOT_PEM).expect("root");
        let now = UnixMillis(1_800_000_000_000);
        for (blob, why) in [
            ("", "three"),
            ("a.b", "three"),
            ("a.b.c.d", "three"),
            ("!!.e30.AA", "base64url"),
            ("e30.e30.AA", "alg"),
            (&format!("{}.e30.AA", URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#)), "x5c"),
            (&format!("{}.e30.AA", URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","x5c":["AAAA"]}"#)), "certificate"),
        ] {
            let err = Metadata::from_blob(blob, &roots, now).expect_err(blob).to_string();
            assert!(err.contains(why), "{blob:?}: {err}");
        }
    }
}
