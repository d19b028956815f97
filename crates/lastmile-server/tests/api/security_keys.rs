//! Security keys: WebAuthn registration and assertion, ceremonies, policy, FIDO metadata.

use super::*;
use lastmile_proto::api::{FactorView, SecurityKeyRegistered, WebauthnChallenge};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softtoken::SoftToken;
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse, Url};

pub(super) fn token() -> SoftToken {
    SoftToken::new(true).expect("soft token").0
}

pub(super) async fn begin(h: &Harness, device: &str) -> WebauthnChallenge {
    let (s, v) = h.call("POST", "/v1/factors/security-key", Some(device), None).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    serde_json::from_value(v).expect("challenge")
}

pub(super) fn register(token: &mut SoftToken, ch: &WebauthnChallenge, origin: &str) -> Value {
    let options: CreationChallengeResponse = serde_json::from_value(ch.options.clone()).expect("options");
    let answer = token.do_registration(Url::parse(origin).expect("origin"), options).expect("registration");
    serde_json::to_value(answer).expect("json")
}

pub(super) fn assert_with(token: &mut SoftToken, ch: &WebauthnChallenge, origin: &str) -> Value {
    let options: RequestChallengeResponse = serde_json::from_value(ch.options.clone()).expect("options");
    let answer = token.do_authentication(Url::parse(origin).expect("origin"), options).expect("assertion");
    serde_json::to_value(answer).expect("json")
}

pub(super) async fn finish(
    h: &Harness,
    device: &str,
    path: &str,
    ceremony: &str,
    credential: Value,
) -> (StatusCode, Value) {
    let body = serde_json::json!({ "ceremony_id": ceremony, "credential": credential }).to_string();
    h.call("POST", path, Some(device), Some(body)).await
}

pub(super) const REGISTER: &str = "/v1/factors/security-key/register";
pub(super) const VERIFY: &str = "/v1/factors/security-key/verify";

/// A SoftToken registered and verified as a security key of the device's user, as the app
/// does it; returns the factor's id.
pub(super) async fn enrolled_key(h: &Harness, device: &str, key: &mut SoftToken) -> String {
    let ch = begin(h, device).await;
    let (s, v) = finish(h, device, REGISTER, &ch.ceremony_id, register(key, &ch, &ch.origin)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let reg: SecurityKeyRegistered = serde_json::from_value(v).expect("registered");
    let (s, v) =
        finish(h, device, VERIFY, &reg.verify.ceremony_id, assert_with(key, &reg.verify, &reg.verify.origin)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    reg.factor_id
}

#[tokio::test]
async fn a_key_counts_only_after_registration_and_an_assertion() {
    let h = harness().await;
    let dev = h.joined().await;
    let t = dev.device_token.as_str();
    let mut key = token();

    let ch = begin(&h, t).await;
    assert_eq!((ch.rp_id.as_str(), ch.origin.as_str()), ("localhost", "http://localhost"));
    let answer = register(&mut key, &ch, &ch.origin);
    let (s, v) = finish(&h, t, REGISTER, &ch.ceremony_id, answer).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let reg: SecurityKeyRegistered = serde_json::from_value(v).expect("registered");
    assert!(!reg.backup_eligible && !reg.backed_up, "a hardware-bound key: {reg:?}");
    // The SoftToken's packed attestation names its model; with no FIDO metadata to check
    // its chain against, the chain is recorded as not verified.
    assert_eq!(reg.aaguid.as_deref(), Some("0fb9bcbc-a0d4-4042-bbb0-559bc1631e28"));
    assert_eq!((reg.attestation_format.as_str(), reg.attestation_trusted), ("packed", false));
    let (_, me) = h.call("GET", "/v1/devices/me", Some(t), None).await;
    assert_eq!(me["verified_factors"], serde_json::json!([]), "registered is not verified");

    let answer = assert_with(&mut key, &reg.verify, &reg.verify.origin);
    let (s, v) = finish(&h, t, VERIFY, &reg.verify.ceremony_id, answer.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let f: FactorView = serde_json::from_value(v).expect("factor");
    assert_eq!((f.kind.as_str(), f.tier.as_str()), ("security_key", "phishing_resistant"));
    let (_, me) = h.call("GET", "/v1/devices/me", Some(t), None).await;
    assert_eq!(me["best_tier"], "phishing_resistant", "{me}");

    // The same answer again: the ceremony is spent.
    let (s, v) = finish(&h, t, VERIFY, &reg.verify.ceremony_id, answer.clone()).await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::CeremonyInvalid), "{v}");
    // A replayed answer in a fresh ceremony: its challenge does not match.
    let (s, v) = h.call("POST", &format!("/v1/factors/security-key/{}/verify", f.id), Some(t), None).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let fresh: WebauthnChallenge = serde_json::from_value(v).expect("challenge");
    let (s, v) = finish(&h, t, VERIFY, &fresh.ceremony_id, answer).await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::WebauthnRejected), "{v}");

    let kinds: Vec<String> = lastmile_server::audit::list(&h.state.db.pool, None)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds.iter().filter(|k| *k == "factor.verified").count(), 1, "{kinds:?}");
}

#[tokio::test]
async fn the_policy_refuses_models_and_keys_that_do_not_verify() {
    use lastmile_server::webauthn::{KeyPolicy, RelyingParty};
    const SOFT: &str = "0fb9bcbc-a0d4-4042-bbb0-559bc1631e28";
    const YUBIKEY: &str = "cb69481e-8ff7-4039-93ec-0a2729a154a8";
    let mut h = harness().await;
    let dev = h.joined().await;
    let t = dev.device_token.clone();
    let policies = [
        (KeyPolicy { deny: vec![SOFT.into()], ..KeyPolicy::default() }, Some("does not allow this model")),
        (KeyPolicy { allow: vec![YUBIKEY.into()], ..KeyPolicy::default() }, Some("allows only certain models")),
        (KeyPolicy { require_user_verification: true, ..KeyPolicy::default() }, Some("PIN or fingerprint")),
        // Without FIDO metadata nothing can vouch for the attestation chain.
        (
            KeyPolicy { allow: vec![SOFT.into()], require_attestation: true, ..KeyPolicy::default() },
            Some("prove their model"),
        ),
        // Any key can name any model: without an attestation that proves it, an allow list
        // is not satisfied (before, this software key was let in by naming its AAGUID).
        (KeyPolicy { allow: vec![SOFT.into()], ..KeyPolicy::default() }, Some("did not prove it")),
        (KeyPolicy { deny: vec![YUBIKEY.into()], ..KeyPolicy::default() }, None),
    ];
    for (policy, refused) in policies {
        h.state = h.state.clone().with_rp(RelyingParty::localhost().with_policy(policy.clone()));
        let ch = begin(&h, &t).await;
        let answer = register(&mut token(), &ch, &ch.origin);
        let (s, v) = finish(&h, &t, REGISTER, &ch.ceremony_id, answer).await;
        match refused {
            Some(why) => {
                assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::KeyNotAllowed), "{policy:?}: {v}");
                assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains(why)), "{v}");
                assert_eq!(h.count("factors").await, 0, "a refused key is not stored");
            }
            None => assert_eq!(s, StatusCode::CREATED, "{policy:?}: {v}"),
        }
    }
}

mod metadata {
    use super::*;
    use lastmile_core::clock::Clock;
    use lastmile_server::mds::{self, Metadata, MetadataService, Refresh, Source};
    use lastmile_server::webauthn::{KeyPolicy, RelyingParty};
    use lastmile_tests::mds_blob::{Alg, TestChain, entry, payload};

    const SOFT: &str = "0fb9bcbc-a0d4-4042-bbb0-559bc1631e28";

    fn now_ms() -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64
    }

    /// A SoftToken and the DER of the CA its attestation chains to. The token's CA is
    /// valid from the second it is made, so the server's clock is moved to after that:
    /// a clock read before it can fall in the previous second, where the CA is not yet
    /// valid (this raced on a slow machine).
    fn token_and_root(h: &Harness) -> (SoftToken, Vec<u8>) {
        let (token, ca) = SoftToken::new(true).expect("soft token");
        h.clock.set(now_ms() + 1_000);
        (token, lastmile_tests::mds_blob::der_of(&ca))
    }

    fn roots(chain: &TestChain) -> Vec<lastmile_server::mds::Certificate> {
        mds::certificates_from_pem(&chain.root_pem()).expect("root")
    }

    async fn register_with(h: &Harness, t: &str, key: &mut SoftToken) -> (StatusCode, Value) {
        let ch = begin(h, t).await;
        let answer = register(key, &ch, &ch.origin);
        finish(h, t, REGISTER, &ch.ceremony_id, answer).await
    }

    #[tokio::test]
    async fn models_are_named_chains_checked_and_compromised_models_refused() {
        let mut h = harness().await;
        h.clock.set(now_ms());
        let dev = h.joined().await;
        let t = dev.device_token.clone();
        let (mut key, root) = token_and_root(&h);
        let chain = TestChain::new(Alg::Es256);
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("blob.jwt");
        let certified = [("FIDO_CERTIFIED_L1", "2025-01-10")];
        std::fs::write(
            &file,
            chain.sign(&payload(1, vec![entry(SOFT, "Soft Key 5", &certified, std::slice::from_ref(&root))])),
        )
        .expect("write");
        let service = Arc::new(MetadataService::new(Source::File(file.clone()), roots(&chain)));
        assert_eq!(service.refresh(h.clock.now()).await.expect("load"), Refresh::Loaded { serial: 1, models: 1 });
        h.state = h.state.clone().with_mds(service.clone()).with_rp(
            RelyingParty::localhost().with_policy(KeyPolicy { require_attestation: true, ..KeyPolicy::default() }),
        );

        // A key of a listed model whose attestation chains to the model's root.
        let (s, v) = register_with(&h, &t, &mut key).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let reg: SecurityKeyRegistered = serde_json::from_value(v).expect("registered");
        assert!(reg.attestation_trusted, "{reg:?}");
        assert_eq!(reg.model.as_deref(), Some("Soft Key 5"));
        assert_eq!(reg.certification.as_deref(), Some("FIDO_CERTIFIED_L1"));
        let answer = assert_with(&mut key, &reg.verify, &reg.verify.origin);
        let (s, v) = finish(&h, &t, VERIFY, &reg.verify.ceremony_id, answer).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let f: FactorView = serde_json::from_value(v).expect("factor");
        assert_eq!((f.model.as_deref(), f.certification.as_deref()), (Some("Soft Key 5"), Some("FIDO_CERTIFIED_L1")));
        assert!(f.attested, "the model is proven by the attestation");
        let (_, me) = h.call("GET", "/v1/devices/me", Some(&t), None).await;
        assert_eq!(me["verified_factors"][0]["model"], "Soft Key 5", "{me}");

        // Same model, but its attestation comes from a CA the metadata does not list: the
        // chain is not trusted, and this organisation requires it.
        let (mut stranger, _) = token_and_root(&h);
        let (s, v) = register_with(&h, &t, &mut stranger).await;
        assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::KeyNotAllowed), "{v}");
        assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("prove their model")), "{v}");

        // An allow list alone (no attestation requirement) is satisfied only by a proven
        // model too: the same AAGUID from an unlisted CA is refused.
        let allow = KeyPolicy { allow: vec![SOFT.into()], ..KeyPolicy::default() };
        h.state = h.state.clone().with_rp(RelyingParty::localhost().with_policy(allow));
        let (s, v) = register_with(&h, &t, &mut stranger).await;
        assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::KeyNotAllowed), "{v}");
        assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("did not prove it")), "{v}");

        // BLOB 2 reports the model's attestation key compromised (and, later, certified
        // again: the compromise stays). New keys of the model are refused, with the reason.
        let reports = [
            ("FIDO_CERTIFIED_L1", "2025-01-10"),
            ("ATTESTATION_KEY_COMPROMISE", "2026-06-01"),
            ("FIDO_CERTIFIED_L2", "2026-07-01"),
        ];
        std::fs::write(
            &file,
            chain.sign(&payload(2, vec![entry(SOFT, "Soft Key 5", &reports, std::slice::from_ref(&root))])),
        )
        .expect("write");
        assert_eq!(service.refresh(h.clock.now()).await.expect("reload"), Refresh::Loaded { serial: 2, models: 1 });
        let factors = h.count("factors").await;
        let (mut another, _) = token_and_root(&h);
        let (s, v) = register_with(&h, &t, &mut another).await;
        assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, ErrorCode::KeyNotAllowed), "{v}");
        let why = v["error"]["message"].as_str().unwrap_or_default();
        assert!(why.contains("Soft Key 5") && why.contains("ATTESTATION_KEY_COMPROMISE"), "{why}");
        assert_eq!(h.count("factors").await, factors, "a refused key is not stored");

        // An older BLOB served again (a replay or a stale mirror) is refused; 2 stays.
        std::fs::write(&file, chain.sign(&payload(1, vec![entry(SOFT, "Soft Key 5", &certified, &[root])])))
            .expect("write");
        let err = service.refresh(h.clock.now()).await.expect_err("older").to_string();
        assert!(err.contains("older"), "{err}");
        assert_eq!(service.current().map(|m| m.serial), Some(2));
    }

    /// A source on loopback: `/blob` answers the BLOB, `/moved` redirects to it, `/huge`
    /// streams more than the cap without a Content-Length.
    async fn blob_server(blob: String) -> String {
        use axum::routing::get;
        let huge = || async {
            let chunk = axum::body::Bytes::from(vec![b'a'; 1 << 20]);
            let chunks = (0..=(mds::MAX_BLOB_BYTES >> 20)).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
            axum::body::Body::from_stream(futures::stream::iter(chunks))
        };
        let app = axum::Router::new()
            .route("/blob", get(move || async move { blob }))
            .route("/moved", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/blob")]) }))
            .route("/huge", get(huge));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        base
    }

    /// Fetching the BLOB: redirects are not followed, a body past the cap is refused while
    /// it streams (no Content-Length to go by), and a pinned signer name must match the
    /// signing certificate's (another certificate under the same root cannot sign).
    #[tokio::test]
    async fn the_blob_is_fetched_without_redirects_within_the_cap_from_the_pinned_signer() {
        let chain = TestChain::new(Alg::Es256);
        let base = blob_server(chain.sign(&payload(3, vec![entry(SOFT, "Soft Key 5", &[], &[])]))).await;
        let now = lastmile_core::clock::UnixMillis(now_ms());
        let service =
            |path: &str| MetadataService::new(Source::parse(&format!("{base}{path}")).expect("url"), roots(&chain));
        assert_eq!(service("/blob").refresh(now).await.expect("plain"), Refresh::Loaded { serial: 3, models: 1 });
        let err = service("/moved").refresh(now).await.expect_err("redirect").to_string();
        assert!(err.contains("redirect"), "{err}");
        let err = service("/huge").refresh(now).await.expect_err("too big").to_string();
        assert!(err.contains("more than"), "{err}");
        let pinned = service("/blob").with_signer("Lastmile Test Metadata Signer");
        assert!(pinned.refresh(now).await.is_ok());
        let err = service("/blob").with_signer(mds::FIDO_SIGNER).refresh(now).await.expect_err("pinned").to_string();
        assert!(err.contains("not by mds.fidoalliance.org"), "{err}");
    }

    /// Revocation lists on loopback, answered from a table the test changes (a path not in
    /// it answers 404).
    type Lists = Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>>;

    async fn crl_server() -> (String, Lists) {
        use axum::extract::{Path, State};
        use axum::routing::get;
        let lists = Lists::default();
        let app = axum::Router::new()
            .route(
                "/{name}",
                get(|State(lists): State<Lists>, Path(name): Path<String>| async move {
                    match lists.lock().expect("lists").get(&name) {
                        Some(der) => Ok(der.clone()),
                        None => Err(StatusCode::NOT_FOUND),
                    }
                }),
            )
            .with_state(lists.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        (base, lists)
    }

    /// A new BLOB is used only when neither its signer nor the intermediate is revoked by
    /// its issuer's current, genuine list, fetched from the distribution point the
    /// certificate names or given by the operator; otherwise the one in use is kept.
    #[tokio::test]
    async fn the_signing_chain_is_checked_against_its_issuers_revocation_lists() {
        use lastmile_tests::mds_blob::{CrlSpec, CrlUrls, Issuer};
        let (base, lists) = crl_server().await;
        let urls = CrlUrls { root: format!("{base}/root.crl"), intermediate: format!("{base}/ca.crl") };
        let chain = TestChain::with_crl_urls(Alg::Rs256, &urls);
        let set = |name: &str, der: Option<Vec<u8>>| {
            let mut l = lists.lock().expect("lists");
            match der {
                Some(d) => l.insert(name.to_string(), d),
                None => l.remove(name),
            };
        };
        set("root.crl", Some(chain.crl(Issuer::Root, CrlSpec::GOOD)));
        set("ca.crl", Some(chain.crl(Issuer::Intermediate, CrlSpec::GOOD)));
        let now = lastmile_core::clock::UnixMillis(now_ms());
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("blob.jwt");
        let publish = |serial: u64| {
            std::fs::write(&file, chain.sign(&payload(serial, vec![entry(SOFT, "Soft Key 5", &[], &[])])))
                .expect("write")
        };
        let service = MetadataService::new(Source::File(file.clone()), roots(&chain));
        publish(1);
        assert_eq!(service.refresh(now).await.expect("current lists"), Refresh::Loaded { serial: 1, models: 1 });

        // Each refusal names what is wrong and leaves BLOB 1 in use.
        let good = Some(CrlSpec::GOOD);
        let cases: [(Option<CrlSpec>, Option<CrlSpec>, &str); 6] = [
            (good, Some(CrlSpec { revoked: true, ..CrlSpec::GOOD }), "Metadata Signer, O=Lastmile test chain (serial"),
            (Some(CrlSpec { revoked: true, ..CrlSpec::GOOD }), good, "Metadata CA, O=Lastmile test chain (serial"),
            (good, Some(CrlSpec { days: (-10, -1), ..CrlSpec::GOOD }), "out of date"),
            (good, Some(CrlSpec { days: (1, 8), ..CrlSpec::GOOD }), "dated in the future"),
            (good, Some(CrlSpec { forged: true, ..CrlSpec::GOOD }), "not signed by"),
            (good, None, "no revocation list could be had"),
        ];
        for (serial, (root, ca, expect)) in (2..).zip(cases) {
            set("root.crl", root.map(|s| chain.crl(Issuer::Root, s)));
            set("ca.crl", ca.map(|s| chain.crl(Issuer::Intermediate, s)));
            publish(serial);
            let err = service.refresh(now).await.expect_err(expect).to_string();
            assert!(err.contains(expect), "BLOB {serial}: {err}");
            assert_eq!(service.current().map(|m| m.serial), Some(1), "BLOB 1 stays in use");
        }

        // Lists given by the operator stand in for unreachable distribution points, and are
        // held to the same checks.
        set("root.crl", None);
        set("ca.crl", None);
        let given = |ca: CrlSpec| {
            vec![
                mds::GivenCrl::parse(&chain.crl(Issuer::Root, CrlSpec::GOOD)).expect("root list"),
                mds::GivenCrl::parse(&chain.crl(Issuer::Intermediate, ca)).expect("ca list"),
            ]
        };
        let offline = MetadataService::new(Source::File(file.clone()), roots(&chain));
        publish(20);
        let revoked = offline.with_crls(given(CrlSpec { revoked: true, ..CrlSpec::GOOD }));
        let err = revoked.refresh(now).await.expect_err("given list revokes").to_string();
        assert!(err.contains("revoked"), "{err}");
        let offline = MetadataService::new(Source::File(file.clone()), roots(&chain)).with_crls(given(CrlSpec::GOOD));
        assert_eq!(offline.refresh(now).await.expect("given lists"), Refresh::Loaded { serial: 20, models: 1 });
        assert!(mds::GivenCrl::parse(b"not a list").is_err());

        // A chain that names no distribution points is not checked (nothing says how).
        let plain = TestChain::new(Alg::Es256);
        std::fs::write(&file, plain.sign(&payload(1, vec![]))).expect("write");
        let service = MetadataService::new(Source::File(file.clone()), roots(&plain));
        assert_eq!(service.refresh(now).await.expect("no points"), Refresh::Loaded { serial: 1, models: 0 });
    }

    #[test]
    fn only_blobs_signed_under_the_trusted_root_are_read() {
        let now = lastmile_core::clock::UnixMillis(now_ms());
        let body = payload(7, vec![entry(SOFT, "Soft Key 5", &[("FIDO_CERTIFIED", "2025-01-01")], &[])]);
        for alg in [Alg::Es256, Alg::Rs256] {
            let chain = TestChain::new(alg);
            let m = Metadata::from_blob(&chain.sign(&body), &roots(&chain), now).expect("a good BLOB");
            assert_eq!((m.serial, m.len()), (7, 1));
            let model = m.model(&SOFT.to_uppercase()).expect("by AAGUID, any case");
            assert_eq!((model.description.as_str(), model.refused.as_deref()), ("Soft Key 5", None));

            // Someone else's chain.
            let other = TestChain::new(alg);
            let err = Metadata::from_blob(&other.sign(&body), &roots(&chain), now).expect_err("foreign");
            assert!(err.to_string().contains("does not chain"), "{err}");
            // The payload changed after signing.
            let tampered = chain.sign_with_header_and_payload(&body, |p| {
                *p = base64_url(&payload(8, vec![]).to_string());
            });
            let err = Metadata::from_blob(&tampered, &roots(&chain), now).expect_err("tampered");
            assert!(err.to_string().contains("signature"), "{err}");
        }
        // A signer whose certificate has expired, or is not valid yet.
        for days in [(-30, -1), (1, 30)] {
            let chain = TestChain::with_signer_validity(Alg::Es256, days);
            let err = Metadata::from_blob(&chain.sign(&body), &roots(&chain), now).expect_err("validity");
            assert!(err.to_string().contains("does not chain"), "{days:?}: {err}");
        }
        // The FIDO Alliance's root does not vouch for the project's test chain.
        let fido = mds::certificates_from_pem(mds::FIDO_ROOT_PEM).expect("fido root");
        assert!(Metadata::from_blob(&TestChain::new(Alg::Rs256).sign(&body), &fido, now).is_err());
    }

    fn base64_url(s: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    }
}

/// A registration answer with "none" attestation for a credential of our choosing, built by
/// hand (CBOR written out byte by byte), so that one credential can answer two ceremonies:
/// no authenticator would reuse a credential id for a new registration.
fn none_attestation(
    ch: &WebauthnChallenge,
    credential_id: &[u8],
    key: &openssl::ec::EcKey<openssl::pkey::Private>,
) -> Value {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    fn bytes(out: &mut Vec<u8>, b: &[u8]) {
        match b.len() {
            n if n < 24 => out.push(0x40 | n as u8),
            n if n < 256 => out.extend([0x58, n as u8]),
            n => out.extend([0x59, (n >> 8) as u8, n as u8]),
        }
        out.extend_from_slice(b);
    }
    let group = key.group();
    let mut ctx = openssl::bn::BigNumContext::new().expect("bn");
    let (mut x, mut y) = (openssl::bn::BigNum::new().expect("x"), openssl::bn::BigNum::new().expect("y"));
    key.public_key().affine_coordinates(group, &mut x, &mut y, &mut ctx).expect("point");
    // COSE_Key {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}
    let mut cose = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21];
    bytes(&mut cose, &x.to_vec_padded(32).expect("x"));
    cose.push(0x22);
    bytes(&mut cose, &y.to_vec_padded(32).expect("y"));
    let mut auth = openssl::sha::sha256(ch.rp_id.as_bytes()).to_vec();
    auth.push(0x45); // user present, user verified, attested credential data
    auth.extend([0, 0, 0, 0]); // signature counter
    auth.extend([0u8; 16]); // AAGUID: none
    auth.extend((credential_id.len() as u16).to_be_bytes());
    auth.extend_from_slice(credential_id);
    auth.extend(cose);
    // {"fmt": "none", "attStmt": {}, "authData": auth}
    let mut object = vec![0xa3, 0x63];
    object.extend(b"fmt");
    object.push(0x64);
    object.extend(b"none");
    object.push(0x67);
    object.extend(b"attStmt");
    object.extend([0xa0, 0x68]);
    object.extend(b"authData");
    bytes(&mut object, &auth);
    let challenge = ch.options["publicKey"]["challenge"].as_str().expect("challenge");
    let client_data = serde_json::json!({
        "type": "webauthn.create", "challenge": challenge, "origin": ch.origin, "crossOrigin": false,
    });
    let id = URL_SAFE_NO_PAD.encode(credential_id);
    serde_json::json!({
        "id": id, "rawId": id, "type": "public-key", "extensions": {},
        "response": {
            "attestationObject": URL_SAFE_NO_PAD.encode(object),
            "clientDataJSON": URL_SAFE_NO_PAD.encode(client_data.to_string()),
        },
    })
}

/// One credential answering two registrations started before either finished (so neither
/// lists it as excluded): the first is stored, the second answered 409 `credential_exists`;
/// another user registering the same credential gets the same answer. One factor exists.
#[tokio::test]
async fn the_same_credential_registered_twice_is_a_conflict() {
    let h = harness().await;
    let dev = h.joined().await;
    let t = dev.device_token.as_str();
    let group = openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).expect("P-256");
    let key = openssl::ec::EcKey::generate(&group).expect("key");
    let credential_id = [7u8; 32];
    let (first, second) = (begin(&h, t).await, begin(&h, t).await);
    let (s, v) = finish(&h, t, REGISTER, &first.ceremony_id, none_attestation(&first, &credential_id, &key)).await;
    assert_eq!(s, StatusCode::CREATED, "the hand-made answer is a valid registration: {v}");
    let (s, v) = finish(&h, t, REGISTER, &second.ceremony_id, none_attestation(&second, &credential_id, &key)).await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, ErrorCode::CredentialExists), "{v}");
    // The same person's key answered again (a client that ignores excludeCredentials, which
    // webauthn-rs checks too): also 409, not a puzzling refusal.
    let again = begin(&h, t).await;
    let (s, v) = finish(&h, t, REGISTER, &again.ceremony_id, none_attestation(&again, &credential_id, &key)).await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, ErrorCode::CredentialExists), "{v}");
    // Another person registering the same credential.
    admin::create_user(&h.state.db, &*h.clock, "acme", "bob@acme.test", "Bob").await.expect("user");
    let code =
        admin::create_invite(&h.state.db, &*h.clock, "acme", "bob@acme.test", 1, None).await.expect("invite").code;
    let other: JoinResponse = serde_json::from_value(h.join(&code).await.1).expect("joined");
    let ch = begin(&h, &other.device_token).await;
    let (s, v) =
        finish(&h, &other.device_token, REGISTER, &ch.ceremony_id, none_attestation(&ch, &credential_id, &key)).await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, ErrorCode::CredentialExists), "{v}");
    assert_eq!(h.count("factors").await, 1);
}

#[tokio::test]
async fn a_key_already_registered_is_excluded() {
    let h = harness().await;
    let dev = h.joined().await;
    let t = dev.device_token.as_str();
    let mut key = token();
    let ch = begin(&h, t).await;
    let first = register(&mut key, &ch, &ch.origin);
    assert_eq!(finish(&h, t, REGISTER, &ch.ceremony_id, first.clone()).await.0, StatusCode::CREATED);

    // The server lists the key in excludeCredentials, so a real key refuses to make a
    // second credential (CTAP2_ERR_CREDENTIAL_EXCLUDED). The crate's SoftToken does not
    // implement that check, so here the list itself is what is asserted.
    let ch = begin(&h, t).await;
    let excluded = ch.options["publicKey"]["excludeCredentials"].as_array().cloned().unwrap_or_default();
    assert_eq!(excluded.len(), 1, "{}", ch.options);
    assert_eq!(excluded[0]["id"], first["id"], "the registered credential is the one excluded");
    // A client that ignores the list and replays the first registration gets nowhere.
    let (s, v) = finish(&h, t, REGISTER, &ch.ceremony_id, first).await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::WebauthnRejected), "{v}");
    // Another key is welcome.
    let ch = begin(&h, t).await;
    let other = register(&mut token(), &ch, &ch.origin);
    assert_eq!(finish(&h, t, REGISTER, &ch.ceremony_id, other).await.0, StatusCode::CREATED);
    assert_eq!(h.count("factors").await, 2);
}

#[tokio::test]
async fn wrong_origins_expired_and_foreign_ceremonies_are_refused() {
    let h = harness().await;
    let dev = h.joined().await;
    let t = dev.device_token.as_str();
    let mut key = token();

    // An answer made for another origin (a phishing page on a look-alike host).
    let ch = begin(&h, t).await;
    let answer = register(&mut key, &ch, "https://login.localhost");
    let (s, v) = finish(&h, t, REGISTER, &ch.ceremony_id, answer).await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::WebauthnRejected), "{v}");
    assert_eq!(h.count("factors").await, 0);

    // Too late: five minutes have passed.
    let ch = begin(&h, t).await;
    let answer = register(&mut key, &ch, &ch.origin);
    h.clock.advance(5 * 60 * 1000 + 1);
    let (s, v) = finish(&h, t, REGISTER, &ch.ceremony_id, answer).await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::CeremonyInvalid), "{v}");

    // Another user's device cannot finish this user's ceremony.
    admin::create_user(&h.state.db, &*h.clock, "acme", "bob@acme.test", "Bob").await.expect("bob");
    let inv = admin::create_invite(&h.state.db, &*h.clock, "acme", "bob@acme.test", 1, None).await.expect("inv");
    let bob: JoinResponse = serde_json::from_value(h.join(&inv.code).await.1).expect("bob");
    let ch = begin(&h, t).await;
    let answer = register(&mut token(), &ch, &ch.origin);
    let (s, _) = finish(&h, &bob.device_token, REGISTER, &ch.ceremony_id, answer.clone()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Garbage instead of a credential: a clear 400, and nothing stored.
    let ch = begin(&h, t).await;
    let (s, v) = finish(&h, t, REGISTER, &ch.ceremony_id, serde_json::json!({"id": 1})).await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, ErrorCode::BadRequest), "{v}");
    assert_eq!(h.count("factors").await, 0);
}
