//! Use cases that need this device's enrollment: the API client for the enrolled server and
//! the device token from the keyring; and TOTP enrollment.

use lastmile_client::{ApiClient, ClientError, DeviceToken};
use lastmile_core::clock::Clock;
use lastmile_proto::api::{ErrorCode, FactorView, RecoveryCodeSet, TotpEnrollment};
use lastmile_proto::app::AppErrorCode;

use crate::{Agent, AgentError, DeviceProbe, SecretStore, token_account};

impl<D: DeviceProbe, S: SecretStore, C: Clock> Agent<D, S, C> {
    /// The enrolled server's client and this device's token.
    pub(crate) async fn enrolled_api(&self) -> Result<(ApiClient, DeviceToken), AgentError> {
        self.enrolled().await.map(|(api, token, _)| (api, token))
    }

    /// [`Self::enrolled_api`] and the enrollment record.
    pub(crate) async fn enrolled(
        &self,
    ) -> Result<(ApiClient, DeviceToken, lastmile_proto::state_file::EnrollmentRecord), AgentError> {
        let resolved = self.resolve_settings()?;
        let state = self.files.read_state().map_err(|p| {
            AgentError::new(AppErrorCode::LocalState, format!("the local enrollment state cannot be read: {p}"), None)
        })?;
        let rec = state.enrollment.ok_or_else(|| {
            AgentError::new(
                AppErrorCode::NotJoined,
                "this device has not joined an organisation yet",
                Some("Run `lastmile join <invite code>` first."),
            )
        })?;
        let server = url::Url::parse(&rec.server_url)
            .map_err(|e| AgentError::new(AppErrorCode::LocalState, format!("stored server address: {e}"), None))?;
        let account = token_account(&rec.device_id);
        let rec_for_caller = rec.clone();
        let token = self
            .secrets(move |s| s.load(&account))
            .await
            .map_err(|e| AgentError::new(AppErrorCode::KeyringUnavailable, format!("no OS keyring: {e}"), None))?
            .ok_or_else(|| {
                AgentError::new(
                    AppErrorCode::KeyringUnavailable,
                    "the device credential is missing from the keyring",
                    Some("Run `lastmile leave`, then join again with a new invite."),
                )
            })?;
        Ok((self.api(&resolved, &server)?, DeviceToken::new(token), rec_for_caller))
    }

    /// Starts a TOTP enrollment. The answer holds the secret: keep it in memory only and
    /// drop it when the flow ends.
    /// The recommended apps are kept only as names the policy check would accept (a server
    /// is trusted with the policy, not with the window or the person's terminal).
    pub async fn totp_begin(&self) -> Result<TotpEnrollment, AgentError> {
        let (api, token) = self.enrolled_api().await?;
        let mut enrollment = api.begin_totp(&token).await.map_err(AgentError::from_client)?;
        enrollment.recommended_apps = lastmile_core::policy::readable_app_names(&enrollment.recommended_apps);
        Ok(enrollment)
    }

    /// Sends a code from the authenticator app; the server verifies it.
    ///
    /// When the answer is lost (network) or the code counts as replayed, the server may
    /// already have verified the factor with this very code: the server's view decides, so a
    /// retry after a dropped answer ends in "verified" rather than in an error.
    pub async fn totp_verify(&self, factor_id: &str, code: &str) -> Result<FactorView, AgentError> {
        let (api, token) = self.enrolled_api().await?;
        match api.verify_totp(&token, factor_id, code).await {
            Ok(view) => Ok(view),
            Err(e) if e.is_transient() || matches!(&e, ClientError::Api { code: ErrorCode::TotpReplayed, .. }) => {
                let verified = api
                    .me(&token)
                    .await
                    .ok()
                    .and_then(|me| me.verified_factors.into_iter().find(|f| f.id == factor_id));
                verified.ok_or_else(|| AgentError::from_client(e))
            }
            Err(e) => Err(AgentError::from_client(e)),
        }
    }

    /// Makes a new set of recovery codes (the previous set stops working at once). Show the
    /// codes once; never store them.
    pub async fn recovery_codes_new(&self) -> Result<RecoveryCodeSet, AgentError> {
        let (api, token) = self.enrolled_api().await?;
        api.new_recovery_codes(&token).await.map_err(AgentError::from_client)
    }

    /// Confirms the set with one code typed back (the code stays usable).
    pub async fn recovery_codes_confirm(&self, factor_id: &str, code: &str) -> Result<FactorView, AgentError> {
        let (api, token) = self.enrolled_api().await?;
        api.confirm_recovery_codes(&token, factor_id, code).await.map_err(AgentError::from_client)
    }
}
