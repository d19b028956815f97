//! Enrolling a security key (or, on Windows, Windows Hello): the server's registration
//! options go to the authenticator, its answer back to the server, and at once an assertion
//! with the new credential, which is what makes the server count it. The authenticator is
//! driven on a blocking thread; the person is asked for a PIN and touches through a
//! [`KeyPrompt`].

use std::sync::Arc;

use lastmile_core::clock::Clock;
use lastmile_device::keys::{self, Authenticator, KeyFailure, KeyPhase, KeyPrompt};
use lastmile_proto::api::WebauthnFinish;
use lastmile_proto::app::{AppErrorCode, KeyPinChanged, SecurityKeyEnrolled};

use crate::{Agent, AgentError, DeviceProbe, SecretStore};

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AgentError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AgentError::new(AppErrorCode::Internal, format!("the security-key task failed: {e}"), None))
}

/// How the key will verify the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verification {
    /// With its PIN (or the OS's own prompt).
    Pin,
    /// By a touch only: the key has no PIN and the organisation does not require one.
    TouchOnly,
}

/// Prepares the key's PIN. When the organisation requires one (`required`) and the key has
/// none, asks for a new one, checks it against the organisation's and the key's minimum
/// before the key sees it, and sets it. When none is required and the key has none, the
/// ceremonies ask for a touch only: WebAuthn's "preferred" verification means "if the key
/// can", and the CTAP2 client would otherwise refuse a key without a PIN.
fn prepare_pin(
    authenticator: &mut dyn Authenticator,
    prompt: &dyn KeyPrompt,
    required: bool,
    policy_min: u32,
) -> Result<Verification, AgentError> {
    let Some(state) = authenticator.pin_state().map_err(AgentError::from_key)? else {
        return Ok(Verification::Pin); // the OS asks for the PIN itself
    };
    match (state.set, state.supported, required) {
        (true, _, _) => Ok(Verification::Pin),
        (false, _, false) => Ok(Verification::TouchOnly),
        (false, false, true) => Err(AgentError::from_key(KeyFailure::PinUnsupported)),
        (false, true, true) => {
            let pin = new_pin(prompt, policy_min.max(state.min_length).max(4))?;
            authenticator.set_pin(&pin).map_err(AgentError::from_key)?;
            Ok(Verification::Pin)
        }
    }
}

/// Asks the key for a touch only (WebAuthn options, registration or assertion).
fn touch_only(options: &mut serde_json::Value) {
    let public_key = &mut options["publicKey"];
    if public_key.get("authenticatorSelection").is_some() {
        public_key["authenticatorSelection"]["userVerification"] = "discouraged".into();
    }
    if public_key.get("userVerification").is_some() || public_key.get("allowCredentials").is_some() {
        public_key["userVerification"] = "discouraged".into();
    }
}

/// A key failure as the person sees it; a wrong PIN says how many tries are left.
fn key_error(key: &mut dyn Authenticator, failure: KeyFailure) -> AgentError {
    let wrong = failure == KeyFailure::PinWrong;
    let mut error = AgentError::from_key(failure);
    if wrong && let Some(left) = key.pin_retries() {
        error.message = match left {
            0 => "the PIN is not right, and the key now refuses every PIN".to_string(),
            1 => "the PIN is not right; one more wrong PIN locks the key for good".to_string(),
            n => format!("the PIN is not right; the key takes {n} more tries before it locks itself"),
        };
    }
    error
}

/// A new PIN from the person, checked against `min` before any key sees it.
fn new_pin(prompt: &dyn KeyPrompt, min: u32) -> Result<String, AgentError> {
    let pin = prompt.new_pin(min).ok_or_else(|| AgentError::from_key(KeyFailure::Cancelled))?;
    if (pin.chars().count() as u32) < min {
        return Err(AgentError::from_key(KeyFailure::PinTooShort(min)));
    }
    Ok(pin)
}

impl<D: DeviceProbe, S: SecretStore, C: Clock> Agent<D, S, C> {
    /// Sets a PIN on a key that has none, or changes it (asking for the current one first).
    /// Needs no server: the PIN lives on the key. A wrong current PIN costs one of the key's
    /// tries, and the message says so.
    pub async fn change_key_pin(
        &self,
        prompt: Arc<dyn KeyPrompt>,
        wait: std::time::Duration,
    ) -> Result<KeyPinChanged, AgentError> {
        let opened = prompt.clone();
        let opener = self.device.key_opener();
        blocking(move || -> Result<KeyPinChanged, AgentError> {
            let mut key = keys::wait_for_key(opened, wait, |p| opener(p)).map_err(AgentError::from_key)?;
            let name = key.name();
            let Some(state) = key.pin_state().map_err(AgentError::from_key)? else {
                return Err(AgentError::new(
                    AppErrorCode::InvalidInput,
                    format!("the PIN of {name} is managed by the operating system"),
                    Some("Change it in the system settings (Windows: Settings > Accounts > Sign-in options)."),
                ));
            };
            if !state.supported {
                return Err(AgentError::new(
                    AppErrorCode::InvalidInput,
                    format!("{name} cannot check a PIN, so there is none to set"),
                    None,
                ));
            }
            let min = state.min_length.max(4);
            if state.set {
                let current = prompt.pin().ok_or_else(|| AgentError::from_key(KeyFailure::Cancelled))?;
                let new = new_pin(&*prompt, min)?;
                key.change_pin(&current, &new).map_err(|f| key_error(&mut *key, f))?;
                Ok(KeyPinChanged { name, action: "changed".into() })
            } else {
                let new = new_pin(&*prompt, min)?;
                key.set_pin(&new).map_err(AgentError::from_key)?;
                Ok(KeyPinChanged { name, action: "set".into() })
            }
        })
        .await?
    }

    /// Registers and verifies a security key. Nothing counts until the server has verified
    /// the assertion; a failure at any step leaves at most a pending, uncounted factor.
    /// When no key is plugged in, waits up to `wait` for one (telling the prompt).
    pub async fn enroll_security_key(
        &self,
        prompt: Arc<dyn KeyPrompt>,
        wait: std::time::Duration,
    ) -> Result<SecurityKeyEnrolled, AgentError> {
        let (api, token) = self.enrolled_api().await?;
        // The key first: no challenge is spent when none is plugged in.
        let opened = prompt.clone();
        let opener = self.device.key_opener();
        let mut authenticator: Box<dyn Authenticator> =
            blocking(move || keys::wait_for_key(opened, wait, |p| opener(p))).await?.map_err(AgentError::from_key)?;
        let name = authenticator.name();

        let challenge = api.begin_security_key(&token).await.map_err(AgentError::from_client)?;
        let (p, required, policy_min) = (prompt.clone(), challenge.pin_required, challenge.min_pin_length.unwrap_or(0));
        let (back, verification) = blocking(move || {
            let verification = prepare_pin(&mut *authenticator, &*p, required, policy_min);
            (authenticator, verification)
        })
        .await?;
        authenticator = back;
        let verification = verification?;
        let (origin, mut options) = (challenge.origin.clone(), challenge.options);
        if verification == Verification::TouchOnly {
            touch_only(&mut options);
        }
        prompt.phase(KeyPhase::Register);
        let (mut authenticator, answer) = blocking(move || {
            let answer = authenticator.register(&origin, options).map_err(|f| key_error(&mut *authenticator, f));
            (authenticator, answer)
        })
        .await?;
        let answer = answer?;
        let registered = api
            .finish_security_key_registration(
                &token,
                &WebauthnFinish { ceremony_id: challenge.ceremony_id, credential: answer },
            )
            .await
            .map_err(AgentError::from_client)?;

        let verify = registered.verify.clone();
        let (origin, mut options) = (verify.origin.clone(), verify.options);
        if verification == Verification::TouchOnly {
            touch_only(&mut options);
        }
        prompt.phase(KeyPhase::Verify);
        let assertion = blocking(move || authenticator.authenticate(&origin, options)).await?;
        let assertion = assertion.map_err(|f| match f {
            KeyFailure::NoKey | KeyFailure::Removed => AgentError::new(
                AppErrorCode::KeyCancelled,
                "the key was pulled out before it was verified: it was registered but does not count yet",
                Some("Plug it in again and start again; touch it twice: once to register, once to verify."),
            ),
            KeyFailure::Cancelled | KeyFailure::NoTouch => AgentError::new(
                AppErrorCode::KeyCancelled,
                "the key was registered but not verified, so it does not count yet",
                Some("Start again with the same key and touch it twice: once to register, once to verify."),
            ),
            other => AgentError::from_key(other),
        })?;
        let factor = api
            .finish_security_key_verification(
                &token,
                &WebauthnFinish { ceremony_id: verify.ceremony_id, credential: assertion },
            )
            .await
            .map_err(AgentError::from_client)?;
        let model = registered
            .model
            .clone()
            .or_else(|| registered.aaguid.as_deref().and_then(lastmile_device::fido::model_name).map(str::to_string));
        Ok(SecurityKeyEnrolled {
            factor_id: factor.id,
            name: model.unwrap_or(name),
            attestation_trusted: registered.attestation_trusted,
            aaguid: registered.aaguid,
            attestation_format: registered.attestation_format,
            backup_eligible: registered.backup_eligible,
            tier: factor.tier,
            verified_at_ms: factor.verified_at_ms,
        })
    }
}
