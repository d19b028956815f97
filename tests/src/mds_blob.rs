//! FIDO metadata BLOBs signed by the project's own test chain (root CA -> intermediate ->
//! signer), with OpenSSL: an implementation independent of the server's verifier.

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Signer;
use openssl::x509::extension::{BasicConstraints, CrlNumber, KeyUsage, SubjectAlternativeName, SubjectKeyIdentifier};
use openssl::x509::{X509, X509CrlBuilder, X509Extension, X509NameBuilder, X509RevokedBuilder};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// The signature algorithm of the signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    /// ECDSA P-256 with SHA-256.
    Es256,
    /// RSA PKCS#1 v1.5 with SHA-256 (what the FIDO Alliance uses).
    Rs256,
}

/// A signing chain for test BLOBs.
#[allow(missing_debug_implementations)]
pub struct TestChain {
    alg: Alg,
    root: X509,
    root_key: PKey<Private>,
    intermediate: X509,
    intermediate_key: PKey<Private>,
    signer: X509,
    signer_key: PKey<Private>,
}

/// Where a chain's certificates say their issuers' revocation lists are (CRL distribution
/// points): the root's list (which could revoke the intermediate) and the intermediate's
/// (which could revoke the signer).
#[derive(Debug, Clone)]
pub struct CrlUrls {
    pub root: String,
    pub intermediate: String,
}

/// The issuers of a test chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issuer {
    Root,
    Intermediate,
}

/// What a test revocation list says and how it is made.
#[derive(Debug, Clone, Copy)]
pub struct CrlSpec {
    /// Whether it lists the issuer's certificate in the chain (the intermediate for the
    /// root's list, the signer for the intermediate's).
    pub revoked: bool,
    /// This update and next update, in days from today.
    pub days: (i64, i64),
    /// Signed by a key other than the issuer's (a forgery under the issuer's name).
    pub forged: bool,
}

impl CrlSpec {
    /// A current list that revokes nothing.
    pub const GOOD: CrlSpec = CrlSpec { revoked: false, days: (-1, 7), forged: false };
}

pub(crate) fn ec_key() -> PKey<Private> {
    #[allow(clippy::expect_used)]
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("P-256");
    #[allow(clippy::expect_used)]
    PKey::from_ec_key(EcKey::generate(&group).expect("EC key")).expect("EC key")
}

/// A certificate for `cn`, valid from `days.0` to `days.1` days from now, issued by `issuer`
/// (self-signed without one), a CA or not, naming a CRL and an IP address when given.
#[allow(clippy::expect_used)] // test fixtures: a failure here is a broken test setup
pub(crate) fn certificate(
    cn: &str,
    key: &PKey<Private>,
    issuer: Option<(&X509, &PKey<Private>)>,
    ca: bool,
    days: (i64, i64),
    crl_url: Option<&str>,
    ip_san: Option<&str>,
) -> X509 {
    let mut name = X509NameBuilder::new().expect("name");
    name.append_entry_by_nid(Nid::COMMONNAME, cn).expect("cn");
    name.append_entry_by_nid(Nid::ORGANIZATIONNAME, "Lastmile test chain").expect("o");
    let name = name.build();
    let mut b = X509::builder().expect("builder");
    b.set_version(2).expect("v3");
    let mut serial = BigNum::new().expect("bn");
    serial.rand(120, MsbOption::MAYBE_ZERO, false).expect("rand");
    b.set_serial_number(&serial.to_asn1_integer().expect("serial")).expect("serial");
    b.set_subject_name(&name).expect("subject");
    b.set_issuer_name(issuer.map_or(&name, |(c, _)| c.subject_name())).expect("issuer");
    b.set_pubkey(key).expect("key");
    b.set_not_before(&day(days.0)).expect("nb");
    b.set_not_after(&day(days.1)).expect("na");
    if ca {
        b.append_extension(BasicConstraints::new().critical().ca().build().expect("bc")).expect("bc");
        b.append_extension(KeyUsage::new().critical().key_cert_sign().crl_sign().build().expect("ku")).expect("ku");
        let ski = SubjectKeyIdentifier::new().build(&b.x509v3_context(None, None)).expect("ski");
        b.append_extension(ski).expect("ski");
    } else {
        b.append_extension(BasicConstraints::new().critical().build().expect("bc")).expect("bc");
        b.append_extension(KeyUsage::new().critical().digital_signature().build().expect("ku")).expect("ku");
    }
    if let Some(ip) = ip_san {
        let san = SubjectAlternativeName::new().ip(ip).build(&b.x509v3_context(None, None)).expect("san");
        b.append_extension(san).expect("san");
    }
    if let Some(url) = crl_url {
        #[allow(deprecated)] // openssl has no typed builder for this extension
        let ext =
            X509Extension::new_nid(None, None, Nid::CRL_DISTRIBUTION_POINTS, &format!("URI:{url}")).expect("crldp");
        b.append_extension(ext).expect("crldp");
    }
    let signing_key = issuer.map_or(key, |(_, k)| k);
    b.sign(signing_key, MessageDigest::sha256()).expect("sign");
    b.build()
}

#[allow(clippy::expect_used)]
fn day(d: i64) -> Asn1Time {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64
        + d * 86_400;
    Asn1Time::from_unix(secs).expect("time")
}

impl TestChain {
    /// A root, an intermediate and a signer valid from yesterday for a year.
    pub fn new(alg: Alg) -> TestChain {
        TestChain::with_signer_validity(alg, (-1, 365))
    }

    /// A chain whose signer is valid only between these days from today (negative: past).
    #[allow(clippy::expect_used)]
    pub fn with_signer_validity(alg: Alg, days: (i64, i64)) -> TestChain {
        TestChain::build(alg, days, None)
    }

    /// A chain whose intermediate and signer name their issuers' revocation lists.
    pub fn with_crl_urls(alg: Alg, urls: &CrlUrls) -> TestChain {
        TestChain::build(alg, (-1, 365), Some(urls))
    }

    #[allow(clippy::expect_used)]
    fn build(alg: Alg, days: (i64, i64), urls: Option<&CrlUrls>) -> TestChain {
        let root_key = ec_key();
        let root = certificate("Lastmile Test Metadata Root", &root_key, None, true, (-2, 3650), None, None);
        let int_key = ec_key();
        let intermediate = certificate(
            "Lastmile Test Metadata CA",
            &int_key,
            Some((&root, &root_key)),
            true,
            (-2, 3650),
            urls.map(|u| u.root.as_str()),
            None,
        );
        let signer_key = match alg {
            Alg::Es256 => ec_key(),
            Alg::Rs256 => PKey::from_rsa(Rsa::generate(2048).expect("RSA")).expect("RSA"),
        };
        let signer = certificate(
            "Lastmile Test Metadata Signer",
            &signer_key,
            Some((&intermediate, &int_key)),
            false,
            days,
            urls.map(|u| u.intermediate.as_str()),
            None,
        );
        TestChain { alg, root, root_key, intermediate, intermediate_key: int_key, signer, signer_key }
    }

    /// A revocation list of `issuer` (DER).
    #[allow(clippy::expect_used)]
    pub fn crl(&self, issuer: Issuer, spec: CrlSpec) -> Vec<u8> {
        let (ca, key, subject) = match issuer {
            Issuer::Root => (&self.root, &self.root_key, &self.intermediate),
            Issuer::Intermediate => (&self.intermediate, &self.intermediate_key, &self.signer),
        };
        let mut b = X509CrlBuilder::new().expect("crl");
        b.set_issuer_name(ca.subject_name()).expect("issuer");
        // Authority key identifier (SEQUENCE { [0] keyIdentifier }) and CRL number, as RFC
        // 5280 requires of a CA's list.
        let keyid = ca.subject_key_id().expect("the CA has a key id").as_slice();
        let mut aki = vec![0x30, keyid.len() as u8 + 2, 0x80, keyid.len() as u8];
        aki.extend_from_slice(keyid);
        let aki = openssl::asn1::Asn1OctetString::new_from_bytes(&aki).expect("aki");
        let oid = openssl::asn1::Asn1Object::from_str("2.5.29.35").expect("aki oid");
        b.append_extension(X509Extension::new_from_der(&oid, false, &aki).expect("aki")).expect("aki");
        b.append_extension(CrlNumber::new(BigNum::from_u32(1).expect("1")).expect("n").build().expect("n"))
            .expect("crl number");
        b.set_last_update(&day(spec.days.0)).expect("this update");
        b.set_next_update(&day(spec.days.1)).expect("next update");
        if spec.revoked {
            let mut r = X509RevokedBuilder::new().expect("revoked");
            r.set_serial_number(subject.serial_number()).expect("serial");
            r.set_revocation_date(&day(spec.days.0)).expect("date");
            b.add_revoked(r.build()).expect("add");
        }
        let forger = ec_key();
        b.sign(if spec.forged { &forger } else { key }, MessageDigest::sha256()).expect("sign");
        b.build().expect("build").to_der().expect("der")
    }

    /// The root, to give the server (`--mds-root`).
    #[allow(clippy::expect_used)]
    pub fn root_pem(&self) -> String {
        String::from_utf8(self.root.to_pem().expect("pem")).expect("ascii")
    }

    /// The BLOB: `payload` as a compact JWS with the chain in `x5c`.
    pub fn sign(&self, payload: &serde_json::Value) -> String {
        self.sign_with_header_and_payload(payload, |_| {})
    }

    /// Signs, then lets `tamper` change the payload text after signing (to test refusal).
    #[allow(clippy::expect_used)]
    pub fn sign_with_header_and_payload(
        &self,
        payload: &serde_json::Value,
        tamper: impl FnOnce(&mut String),
    ) -> String {
        let der = |c: &X509| STANDARD.encode(c.to_der().expect("der"));
        let alg = match self.alg {
            Alg::Es256 => "ES256",
            Alg::Rs256 => "RS256",
        };
        let header = serde_json::json!({"alg": alg, "typ": "JWT", "x5c": [der(&self.signer), der(&self.intermediate)]});
        let h = URL_SAFE_NO_PAD.encode(header.to_string());
        let mut p = URL_SAFE_NO_PAD.encode(payload.to_string());
        let mut signer = Signer::new(MessageDigest::sha256(), &self.signer_key).expect("signer");
        signer.update(format!("{h}.{p}").as_bytes()).expect("update");
        let sig = signer.sign_to_vec().expect("sign");
        let sig = match self.alg {
            Alg::Rs256 => sig,
            Alg::Es256 => {
                let s = EcdsaSig::from_der(&sig).expect("ecdsa der");
                let mut raw = s.r().to_vec_padded(32).expect("r");
                raw.extend(s.s().to_vec_padded(32).expect("s"));
                raw
            }
        };
        tamper(&mut p);
        format!("{h}.{p}.{}", URL_SAFE_NO_PAD.encode(sig))
    }
}

/// The DER of a certificate of the crate's software authenticator (its attestation CA).
#[allow(clippy::expect_used)]
pub fn der_of(cert: &crypto_glue::x509::Certificate) -> Vec<u8> {
    use crypto_glue::traits::EncodeDer;
    cert.to_der().expect("der")
}

/// One FIDO2 entry: `statuses` are (status, effective date) pairs; `roots` are DER
/// attestation roots.
pub fn entry(aaguid: &str, description: &str, statuses: &[(&str, &str)], roots: &[Vec<u8>]) -> serde_json::Value {
    serde_json::json!({
        "aaguid": aaguid,
        "metadataStatement": {
            "legalHeader": "test",
            "aaguid": aaguid,
            "description": description,
            "authenticatorVersion": 1,
            "protocolFamily": "fido2",
            "schema": 3,
            "attestationRootCertificates": roots.iter().map(|d| STANDARD.encode(d)).collect::<Vec<_>>(),
        },
        "statusReports": statuses.iter().map(|(s, d)| serde_json::json!({"status": s, "effectiveDate": d})).collect::<Vec<_>>(),
        "timeOfLastStatusChange": "2026-01-01",
    })
}

/// A BLOB payload with serial number `no`.
pub fn payload(no: u64, entries: Vec<serde_json::Value>) -> serde_json::Value {
    serde_json::json!({
        "legalHeader": "Lastmile test metadata",
        "no": no,
        "nextUpdate": "2099-01-01",
        "entries": entries,
    })
}
