//! The CTAP2 client Lastmile uses (webauthn-authenticator-rs's `CtapAuthenticator`, and
//! Lastmile's own `CtapKey` and enrollment) against soft-fido2, an independent software CTAP2
//! authenticator, behind the crate's `Token` trait where a USB key would be.

use lastmile_device::keys::KeyFailure;
use lastmile_tests::soft_fido2::SoftFido2;
use webauthn_authenticator_rs::ctap2::CtapAuthenticator;
use webauthn_authenticator_rs::ui::UiCallback;

fn token() -> SoftFido2 {
    SoftFido2::new()
}

#[derive(Debug)]
struct NoPrompt;

impl UiCallback for NoPrompt {
    fn request_pin(&self) -> Option<String> {
        None
    }
    fn request_touch(&self) {}
    fn processing(&self) {}
    fn fingerprint_enrollment_feedback(&self, _: u32, _: Option<webauthn_authenticator_rs::types::EnrollSampleStatus>) {
    }
    fn cable_qr_code(&self, _: webauthn_authenticator_rs::types::CableRequestType, _: String) {}
    fn dismiss_qr_code(&self) {}
    fn cable_status_update(&self, _: webauthn_authenticator_rs::types::CableState) {}
}

#[tokio::test]
async fn get_info_pin_set_change_and_wrong_pins_through_the_ctap2_client() {
    let ui = NoPrompt;
    let mut auth = CtapAuthenticator::new(token(), &ui).await.expect("the client speaks CTAP2 to it");

    // getInfo, as the first screen shows it: no PIN yet.
    let key = lastmile_device::fido::security_key_from_info(auth.get_info(), lastmile_proto::app::Transport::Usb);
    assert!(key.versions.iter().any(|v| v.starts_with("FIDO_2")), "{key:?}");
    assert_eq!(key.pin_set, Some(false), "{key:?}");

    // Set a PIN; a too-short one is refused by the key.
    assert!(auth.set_new_pin("12").await.is_err(), "shorter than the key's minimum");
    auth.set_new_pin("correct-horse").await.expect("set PIN");
    let key = lastmile_device::fido::security_key_from_info(auth.get_info(), lastmile_proto::app::Transport::Usb);
    assert_eq!(key.pin_set, Some(true), "{key:?}");

    // A wrong current PIN: the key says so, and Lastmile says what to do.
    let wrong = auth.change_pin("wrong-pin", "new-pin-1234").await.expect_err("wrong PIN");
    assert_eq!(KeyFailure::from(wrong), KeyFailure::PinWrong);
    auth.change_pin("correct-horse", "new-pin-1234").await.expect("change PIN");
}

#[tokio::test]
async fn repeated_wrong_pins_end_in_a_blocked_pin() {
    let ui = NoPrompt;
    let mut auth = CtapAuthenticator::new(token(), &ui).await.expect("CTAP2");
    auth.set_new_pin("correct-horse").await.expect("set PIN");
    let mut seen = Vec::new();
    for _ in 0..12 {
        match auth.change_pin("wrong-pin", "new-pin-1234").await {
            Ok(()) => panic!("a wrong PIN was accepted"),
            Err(e) => seen.push(KeyFailure::from(e)),
        }
        if seen.last() == Some(&KeyFailure::PinBlocked) {
            break;
        }
    }
    // Three wrong PINs in a row: the key wants to be plugged in again (CTAP2 pinAuthBlocked).
    assert_eq!(seen[..3], [KeyFailure::PinWrong, KeyFailure::PinWrong, KeyFailure::PinAuthBlocked], "{seen:?}");
    // Out of retries (8): blocked. (A real key then refuses even the right PIN until it is
    // reset; soft-fido2 0.17 does not model that, so it is not asserted here.)
    assert_eq!(seen.last(), Some(&KeyFailure::PinBlocked), "{seen:?}");
    assert_eq!(seen.len(), 8, "one failure per retry: {seen:?}");
}

mod enrollment {
    use std::sync::Arc;

    use lastmile_agent::files::LocalFiles;
    use lastmile_agent::system::{OsSecrets, SystemDevice};
    use lastmile_agent::{Agent, DeviceProbe, KeyOpener, Managed};
    use lastmile_core::settings::RawLayer;
    use lastmile_device::keys::{CtapKey, KeyPrompt};
    use lastmile_proto::app::{AppErrorCode, Authenticators, DeviceFacts};
    use lastmile_tests::soft_fido2::{SoftFido2, SoftFido2Bus};
    use lastmile_tests::{Server, require_keyring};
    use webauthn_authenticator_rs::ctap2::CtapAuthenticator;

    /// This machine, except that the security key is the software one.
    struct KeyDevice(SoftFido2Bus);

    impl DeviceProbe for KeyDevice {
        fn facts(&self) -> DeviceFacts {
            SystemDevice.facts()
        }
        fn clock_platform(&self) -> lastmile_core::clockfix::ClockPlatform {
            SystemDevice.clock_platform()
        }
        async fn authenticators(&self) -> Authenticators {
            SystemDevice.authenticators().await
        }
        fn key_opener(&self) -> KeyOpener {
            let bus = self.0.clone();
            Arc::new(move |prompt| Ok(Box::new(CtapKey::open(bus.clone(), prompt)?)))
        }
    }

    /// A server (with `envs`) with the seed organisation and user, and an invite code for her.
    fn seeded(envs: &[(&str, &str)]) -> (Server, String) {
        let server = Server::start_with_env(envs).expect("server");
        server.seed().expect("seed");
        let (code, _) = server.invite().expect("invite");
        (server, code)
    }

    /// An agent on this machine whose keys are `keys`, joined to `server` with `code`.
    async fn joined_agent(
        server: &Server,
        code: &str,
        keys: Vec<SoftFido2>,
    ) -> (tempfile::TempDir, Agent<KeyDevice, OsSecrets, lastmile_device::clock::SystemClock>) {
        let dir = tempfile::tempdir().expect("dir");
        let agent = Agent {
            device: KeyDevice(SoftFido2Bus::new(keys)),
            secrets: OsSecrets,
            clock: lastmile_device::clock::SystemClock,
            files: LocalFiles { config_dir: dir.path().join("config"), state_dir: dir.path().join("state") },
            managed: Managed { location: "(test)".into(), settings: Ok(None), unknown: vec![] },
            cli: RawLayer { server_url: Some(server.url()), ..RawLayer::default() },
            app_version: "0.1.0-test".into(),
            machine_status_dir: None,
        };
        agent.join(code).await.expect("join");
        (dir, agent)
    }

    /// Types `pin` when the key asks.
    #[derive(Debug)]
    struct Pin(&'static str);

    impl KeyPrompt for Pin {
        fn pin(&self) -> Option<String> {
            Some(self.0.to_string())
        }
        fn touch(&self) {}
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_key_with_a_pin_enrolls_and_is_excluded_the_second_time() {
        require_keyring();
        let (server, code) = seeded(&[]);
        let key = SoftFido2::new();
        {
            let ui = super::NoPrompt;
            let mut auth = CtapAuthenticator::new(key.clone(), &ui).await.expect("CTAP2");
            auth.set_new_pin("correct-horse").await.expect("set PIN");
        }
        let (_dir, agent) = joined_agent(&server, &code, vec![key]).await;
        let wait = std::time::Duration::ZERO;

        // A wrong PIN: the key refuses, Lastmile says so, nothing counts.
        let err = agent.enroll_security_key(Arc::new(Pin("wrong-pin")), wait).await.expect_err("wrong PIN");
        assert_eq!(err.code, AppErrorCode::KeyPinWrong, "{err:?}");
        assert!(err.message.contains("7 more tries"), "the tries left, from the key: {err:?}");
        assert_eq!(server.stats().expect("stats")["factors"], 0);

        // The right PIN: registered, then verified by an assertion, through the real server.
        let done = agent.enroll_security_key(Arc::new(Pin("correct-horse")), wait).await.expect("enrolled");
        assert_eq!(done.tier, "phishing_resistant", "{done:?}");
        // soft-fido2 attests itself (packed, signed with the credential's own key), which proves
        // no model, so none is recorded; the SoftToken's certificate-backed attestation names
        // one (see the server tests).
        assert_eq!((done.attestation_format.as_str(), done.aaguid.as_deref()), ("packed", None), "{done:?}");

        // The same key again: the server lists it in excludeCredentials and the key refuses.
        let err = agent.enroll_security_key(Arc::new(Pin("correct-horse")), wait).await.expect_err("excluded");
        assert_eq!(err.code, AppErrorCode::KeyExcluded, "{err:?}");
        assert_eq!(server.stats().expect("stats")["factors"], 1, "still one key");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_keys_at_once_are_refused_before_anything_starts() {
        require_keyring();
        let (server, code) = seeded(&[]);
        let (_dir, agent) = joined_agent(&server, &code, vec![SoftFido2::new(), SoftFido2::new()]).await;
        let err =
            agent.enroll_security_key(Arc::new(Pin("unused")), std::time::Duration::ZERO).await.expect_err("two keys");
        assert_eq!(err.code, AppErrorCode::KeyMissing, "{err:?}");
        assert!(err.message.contains("2 security keys are plugged in"), "{err:?}");
        assert_eq!(server.stats().expect("stats")["webauthn_ceremonies"], 0, "no challenge spent");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_required_pin_is_set_first_with_the_organisations_minimum() {
        require_keyring();
        // The organisation requires user verification and PINs of 6 or more.
        let (server, code) = seeded(&[("LASTMILE_KEY_REQUIRE_UV", "true"), ("LASTMILE_KEY_MIN_PIN_LENGTH", "6")]);
        let key = SoftFido2::new();
        let (_dir, agent) = joined_agent(&server, &code, vec![key.clone()]).await;
        let wait = std::time::Duration::ZERO;

        // Too short for the organisation (the key would take 4): refused before the key sees it.
        let err = agent.enroll_security_key(Arc::new(Prompted("1234", "1234")), wait).await.expect_err("short");
        assert_eq!(err.code, AppErrorCode::InvalidInput, "{err:?}");
        assert!(err.message.contains("at least 6 characters"), "{err:?}");
        let ui = super::NoPrompt;
        let auth = CtapAuthenticator::new(key.clone(), &ui).await.expect("CTAP2");
        let options = auth.get_info().options.clone().unwrap_or_default();
        assert_eq!(options.get("clientPin"), Some(&false), "the key still has no PIN");
        drop(auth);

        // Long enough: the PIN is set, the key registers with it, and the server's policy
        // (user verification) is met.
        let done = agent.enroll_security_key(Arc::new(Prompted("246810", "246810")), wait).await.expect("enrolled");
        assert_eq!(done.tier, "phishing_resistant");
        let auth = CtapAuthenticator::new(key, &ui).await.expect("CTAP2");
        let options = auth.get_info().options.clone().unwrap_or_default();
        assert_eq!(options.get("clientPin"), Some(&true), "the key now has a PIN");
    }

    /// Types `.0` when the key asks for its PIN and `.1` when a new PIN is wanted.
    #[derive(Debug)]
    struct Prompted(&'static str, &'static str);

    impl KeyPrompt for Prompted {
        fn pin(&self) -> Option<String> {
            Some(self.0.to_string())
        }
        fn touch(&self) {}
        fn new_pin(&self, _min_length: u32) -> Option<String> {
            Some(self.1.to_string())
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_pin_is_set_then_changed_and_a_wrong_current_pin_tells_the_tries_left() {
        require_keyring();
        let (server, code) = seeded(&[]);
        let key = SoftFido2::new();
        let (_dir, agent) = joined_agent(&server, &code, vec![key.clone()]).await;
        let wait = std::time::Duration::ZERO;
        let has_pin = async || {
            let ui = super::NoPrompt;
            let auth = CtapAuthenticator::new(key.clone(), &ui).await.expect("CTAP2");
            auth.get_info().options.clone().unwrap_or_default().get("clientPin").copied()
        };

        // Shorter than the key's minimum (4): refused before the key sees it.
        let err = agent.change_key_pin(Arc::new(Prompted("", "12")), wait).await.expect_err("short");
        assert!(err.message.contains("at least 4 characters"), "{err:?}");
        assert_eq!(has_pin().await, Some(false));

        let done = agent.change_key_pin(Arc::new(Prompted("", "first-pin")), wait).await.expect("set");
        assert_eq!(done.action, "set");
        assert_eq!(has_pin().await, Some(true));

        // A wrong current PIN: the key refuses and says how many tries it still takes.
        let err = agent.change_key_pin(Arc::new(Prompted("wrong-pin", "second-pin")), wait).await.expect_err("wrong");
        assert_eq!(err.code, AppErrorCode::KeyPinWrong, "{err:?}");
        assert!(err.message.contains("7 more tries"), "{err:?}");

        let done = agent.change_key_pin(Arc::new(Prompted("first-pin", "second-pin")), wait).await.expect("change");
        assert_eq!(done.action, "changed");
        // The old PIN no longer opens the key; the new one does.
        let err = agent.change_key_pin(Arc::new(Prompted("first-pin", "third-pin")), wait).await.expect_err("old");
        assert_eq!(err.code, AppErrorCode::KeyPinWrong, "{err:?}");
        agent.change_key_pin(Arc::new(Prompted("second-pin", "third-pin")), wait).await.expect("new PIN works");
    }

    /// Types the PIN, and pulls the key out when the verifying assertion starts.
    #[derive(Debug)]
    struct PullOutBeforeVerifying(SoftFido2Bus);

    impl KeyPrompt for PullOutBeforeVerifying {
        fn phase(&self, phase: lastmile_device::keys::KeyPhase) {
            if phase == lastmile_device::keys::KeyPhase::Verify {
                self.0.unplug();
            }
        }
        fn pin(&self) -> Option<String> {
            Some("correct-horse".into())
        }
        fn touch(&self) {}
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_key_pulled_out_before_verifying_is_reported_and_does_not_count() {
        require_keyring();
        let (server, code) = seeded(&[]);
        let (_dir, agent) = joined_agent(&server, &code, vec![SoftFido2::new()]).await;
        let prompt = Arc::new(PullOutBeforeVerifying(agent.device.0.clone()));
        let err = agent.enroll_security_key(prompt, std::time::Duration::ZERO).await.expect_err("pulled out");
        assert_eq!(err.code, AppErrorCode::KeyCancelled, "{err:?}");
        assert!(err.message.contains("pulled out") && err.message.contains("does not count"), "{err:?}");
        assert!(err.hint.as_deref().is_some_and(|h| h.contains("Plug it in again")), "{err:?}");
        assert_eq!(server.stats().expect("stats")["factors"], 1, "registered (pending) ...");
        let status = agent.status().await.expect("status");
        let verified = status.enrollment.server_view.map(|v| v.verified_factors);
        assert_eq!(verified, Some(0), "... but not verified, so it does not count");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_key_without_a_pin_enrolls_by_touch_when_no_pin_is_required() {
        require_keyring();
        let (server, code) = seeded(&[]);
        let key = SoftFido2::new();
        let (_dir, agent) = joined_agent(&server, &code, vec![key.clone()]).await;
        // The prompt would type a PIN if asked: it must not be asked, and no PIN gets set.
        let done = agent.enroll_security_key(Arc::new(Pin("never-asked")), std::time::Duration::ZERO).await;
        let done = done.expect("enrolled by touch");
        assert_eq!(done.tier, "phishing_resistant", "{done:?}");
        let ui = super::NoPrompt;
        let auth = CtapAuthenticator::new(key, &ui).await.expect("CTAP2");
        assert_eq!(auth.get_info().options.clone().unwrap_or_default().get("clientPin"), Some(&false));
    }
}
