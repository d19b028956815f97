//! Enrolling a security key (or, on Windows, Windows Hello): the server's registration
//! options go to the authenticator, its answer back to the server, and at once an assertion
//! with the new credential, which is what makes the server count it. The authenticator is
//! driven on a blocking thread; the person is asked for a PIN and touches through a
//! [`KeyPrompt`].

use std::sync::Arc;

use lastmile_core::clock::Clock;
use lastmile_device::keys::{self, Authenticator, KeyFailure, KeyPhase, KeyPrompt};
use lastmile_proto::api::WebauthnFinish;
use lastmile_proto::app::{AppErrorCode, SecurityKeyEnrolled};

use crate::{Agent, AgentError, DeviceProbe, SecretStore};

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AgentError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AgentError::new(AppErrorCode::Internal, format!("the security-key task failed: {e}"), None))
}

/// When the organisation requires a PIN and the key has none, asks for a new one, checks it
/// against the organisation's and the key's minimum before the key sees it, and sets it.
fn ensure_pin(
    mut authenticator: Box<dyn Authenticator>,
    prompt: &dyn KeyPrompt,
    policy_min: u32,
) -> Result<Box<dyn Authenticator>, AgentError> {
    let Some(state) = authenticator.pin_state().map_err(AgentError::from_key)? else {
        return Ok(authenticator); // the OS asks for the PIN itself
    };
    if !state.supported {
        return Err(AgentError::from_key(KeyFailure::PinUnsupported));
    }
    if state.set {
        return Ok(authenticator);
    }
    let min = policy_min.max(state.min_length).max(4);
    let pin = prompt.new_pin(min).ok_or_else(|| AgentError::from_key(KeyFailure::Cancelled))?;
    if (pin.chars().count() as u32) < min {
        return Err(AgentError::from_key(KeyFailure::PinTooShort(min)));
    }
    authenticator.set_pin(&pin).map_err(AgentError::from_key)?;
    Ok(authenticator)
}

impl<D: DeviceProbe, S: SecretStore, C: Clock> Agent<D, S, C> {
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
        if challenge.pin_required {
            let (p, policy_min) = (prompt.clone(), challenge.min_pin_length.unwrap_or(0));
            authenticator = blocking(move || ensure_pin(authenticator, &*p, policy_min)).await??;
        }
        let (origin, options) = (challenge.origin.clone(), challenge.options);
        prompt.phase(KeyPhase::Register);
        let (mut authenticator, answer) = blocking(move || {
            let answer = authenticator.register(&origin, options);
            (authenticator, answer)
        })
        .await?;
        let answer = answer.map_err(AgentError::from_key)?;
        let registered = api
            .finish_security_key_registration(
                &token,
                &WebauthnFinish { ceremony_id: challenge.ceremony_id, credential: answer },
            )
            .await
            .map_err(AgentError::from_client)?;

        let verify = registered.verify.clone();
        let (origin, options) = (verify.origin.clone(), verify.options);
        prompt.phase(KeyPhase::Verify);
        let assertion = blocking(move || authenticator.authenticate(&origin, options)).await?;
        let assertion = assertion.map_err(|f| match f {
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
