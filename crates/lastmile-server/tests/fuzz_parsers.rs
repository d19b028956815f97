//! Bounded property tests of the server's parsers of outside input that sit below the HTTP
//! layer: report signatures with the stored device key, and FIDO metadata BLOBs. Every input
//! gets an answer or an error, never a panic. (Report bodies through the whole route are in
//! the API suite, `tests/api/fuzz.rs`; the HTTP contract in `scripts/contract.sh`.)
//! `PROPTEST_CASES` raises the case count for a longer search.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lastmile_core::clock::UnixMillis;
use lastmile_core::device_key::DeviceKey;
use lastmile_server::device_sig::verify_report;
use lastmile_server::mds::{self, Metadata};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1_000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

proptest! {
    #![proptest_config(config())]

    /// Garbage keys, signatures and bodies are refused; a real signature over the body
    /// verifies, and over any other body does not.
    #[test]
    fn report_signatures_verify_exactly(
        key_bytes in proptest::collection::vec(any::<u8>(), 0..100),
        sig_bytes in proptest::collection::vec(any::<u8>(), 0..80),
        body in proptest::collection::vec(any::<u8>(), 0..200),
        other in proptest::collection::vec(any::<u8>(), 0..200),
        text in any::<String>(),
        seed in any::<[u8; 32]>(),
    ) {
        prop_assert!(verify_report(&b64(&key_bytes), "dev_1", &body, &b64(&sig_bytes)).is_err());
        prop_assert!(verify_report(&text, "dev_1", &body, &text).is_err());
        if let Ok(key) = DeviceKey::from_random(&seed) {
            let sig = key.sign_report("dev_1", &body);
            prop_assert!(verify_report(&key.public_key(), "dev_1", &body, &sig).is_ok());
            prop_assert!(verify_report(&key.public_key(), "dev_2", &body, &sig).is_err());
            if other != body {
                prop_assert!(verify_report(&key.public_key(), "dev_1", &other, &sig).is_err());
            }
            prop_assert!(verify_report(&key.public_key(), "dev_1", &body, &b64(&sig_bytes)).is_err());
        }
    }

    /// BLOBs of any shape, and JWS-shaped ones with arbitrary parts, are refused (no chain
    /// of them reaches the FIDO root), without a panic.
    #[test]
    fn metadata_blobs_of_any_shape_are_refused(
        raw in any::<String>(),
        header in proptest::collection::vec(any::<u8>(), 0..120),
        payload in proptest::collection::vec(any::<u8>(), 0..200),
        signature in proptest::collection::vec(any::<u8>(), 0..80),
        x5c in proptest::collection::vec("[A-Za-z0-9+/=]{0,40}", 0..3),
        alg in proptest::sample::select(vec!["RS256", "ES256", "ES384", "none", "HS256", ""]),
    ) {
        let roots = mds::certificates_from_pem(mds::FIDO_ROOT_PEM).expect("root");
        let now = UnixMillis(1_790_000_000_000);
        prop_assert!(Metadata::from_blob(&raw, &roots, now).is_err());
        let blob = format!("{}.{}.{}", b64(&header), b64(&payload), b64(&signature));
        prop_assert!(Metadata::from_blob(&blob, &roots, now).is_err());
        let header = serde_json::json!({ "alg": alg, "typ": "JWT", "x5c": x5c }).to_string();
        let blob = format!("{}.{}.{}", b64(header.as_bytes()), b64(&payload), b64(&signature));
        prop_assert!(Metadata::from_blob(&blob, &roots, now).is_err());
    }
}
