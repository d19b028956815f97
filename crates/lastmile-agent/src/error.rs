//! The agent's one error type, convertible to the wire form the UI and CLI show.

use lastmile_client::ClientError;
use lastmile_proto::api::ErrorCode;
use lastmile_proto::app::{AppError, AppErrorCode};

/// A failed use case: a code for programs, a message and a hint for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AgentError {
    pub code: AppErrorCode,
    pub message: String,
    pub hint: Option<String>,
}

impl AgentError {
    /// A failed ceremony with a key, with the next step for the person.
    pub fn from_key(f: lastmile_device::keys::KeyFailure) -> Self {
        use lastmile_device::keys::KeyFailure as K;
        let message = f.to_string();
        let (code, hint) = match &f {
            K::NoKey => (AppErrorCode::KeyMissing, "Plug in your security key, then try again."),
            K::SeveralKeys(_) => (AppErrorCode::KeyMissing, "Unplug all but the key you want to register."),
            K::PinWrong => (AppErrorCode::KeyPinWrong, "Try again; after too many wrong PINs the key locks itself."),
            K::PinBlocked => (
                AppErrorCode::KeyPinBlocked,
                "The key must be reset with its maker's tool, which erases its credentials; or use another key.",
            ),
            K::PinAuthBlocked => (AppErrorCode::KeyPinBlocked, "Unplug the key, plug it in again, and retry."),
            K::PinNotSet => (AppErrorCode::KeyPinBlocked, "Set a PIN on the key first, then try again."),
            K::PinTooShort(_) => (AppErrorCode::InvalidInput, "Choose a longer PIN; nothing was changed on the key."),
            K::PinUnsupported => {
                (AppErrorCode::KeyNotAllowed, "Use a key that supports a PIN (FIDO2), or an authenticator app.")
            }
            K::Cancelled => (AppErrorCode::KeyCancelled, "Nothing was registered. Start again when ready."),
            K::NoTouch => (AppErrorCode::KeyCancelled, "Start again and touch the key when it blinks."),
            K::Excluded => (AppErrorCode::KeyExcluded, "This key already counts for your account."),
            K::Removed => (AppErrorCode::KeyMissing, "Keep the key plugged in until Lastmile says it is done."),
            K::NoPermission(_) => (
                AppErrorCode::KeyPermission,
                "Ask IT to install the udev rule for FIDO keys, or run `lastmile status` for the exact fix.",
            ),
            K::Other(_) => (AppErrorCode::KeyFailed, "Try again; if it fails again, tell your IT team."),
        };
        Self::new(code, message, Some(hint))
    }

    pub fn new(code: AppErrorCode, message: impl Into<String>, hint: Option<&str>) -> Self {
        Self { code, message: message.into(), hint: hint.map(str::to_string) }
    }

    pub fn to_app_error(&self) -> AppError {
        AppError { code: self.code, message: self.message.clone(), hint: self.hint.clone() }
    }

    pub(crate) fn from_client(e: ClientError) -> Self {
        let message = e.to_string();
        match e {
            ClientError::Unreachable { .. } => Self::new(
                AppErrorCode::ServerUnreachable,
                message,
                Some("Check your network connection and the server address, then try again."),
            ),
            ClientError::Api { code: ErrorCode::InvalidInvite, .. } => Self::new(
                AppErrorCode::InviteInvalid,
                message,
                Some("Check the code for typos, or ask IT for a new invite."),
            ),
            ClientError::Api { code: ErrorCode::InviteExpired, .. } => {
                Self::new(AppErrorCode::InviteExpired, message, Some("Ask your IT team for a new invite."))
            }
            ClientError::Api { code: ErrorCode::InviteUsed, .. } => Self::new(
                AppErrorCode::InviteUsed,
                message,
                Some(
                    "Each invite works once. If this device already joined, you are done; otherwise ask IT for a new one.",
                ),
            ),
            ClientError::Api { code: ErrorCode::TotpInvalid, .. } => {
                Self::new(AppErrorCode::TotpInvalid, message, None)
            }
            ClientError::Api { code: ErrorCode::TotpReplayed, .. } => {
                Self::new(AppErrorCode::TotpReplayed, message, None)
            }
            ClientError::Api { code: ErrorCode::RecoveryCodeInvalid, .. } => {
                Self::new(AppErrorCode::RecoveryCodeInvalid, message, Some("Type one of the codes exactly as shown."))
            }
            ClientError::Api { code: ErrorCode::RecoveryRefused, .. } => Self::new(
                AppErrorCode::RecoveryRefused,
                message,
                Some(
                    "Check the email address and type another of your codes; after five wrong tries, wait five minutes.",
                ),
            ),
            ClientError::Api { code: ErrorCode::RecoverySessionRequired, .. } => Self::new(
                AppErrorCode::RecoverySessionExpired,
                message,
                Some("Sign in again with another recovery code (the session lasts 30 minutes)."),
            ),
            ClientError::Api { code: ErrorCode::Conflict, .. } => {
                Self::new(AppErrorCode::AlreadyJoined, message, Some("Run `lastmile leave` first, then recover."))
            }
            ClientError::Api { code: ErrorCode::DeviceRevoked, .. } => Self::new(
                AppErrorCode::DeviceRevoked,
                message,
                Some("Run `lastmile leave`, then join again with a new invite or recover with a recovery code."),
            ),
            ClientError::Api { code: ErrorCode::CredentialExists, .. } => Self::new(
                AppErrorCode::KeyExcluded,
                message,
                Some("This key already counts for your account; use another key or keep this one."),
            ),
            ClientError::Api { code: ErrorCode::KeyNotAllowed, .. } => Self::new(
                AppErrorCode::KeyNotAllowed,
                message,
                Some("Ask your IT team which security keys they support, or use an authenticator app."),
            ),
            ClientError::Api { code: ErrorCode::WebauthnRejected | ErrorCode::CeremonyInvalid, .. } => {
                Self::new(AppErrorCode::KeyFailed, message, Some("Start again; if it fails again, tell your IT team."))
            }
            ClientError::Api { code: ErrorCode::SsoUnavailable, .. } => Self::new(
                AppErrorCode::SsoUnavailable,
                message,
                Some("Join with an invite from your IT team instead (`lastmile join <code>`)."),
            ),
            ClientError::Api { code: ErrorCode::SsoExpired, .. } => {
                Self::new(AppErrorCode::SsoFailed, message, Some("Nothing was changed. Start the sign-in again."))
            }
            ClientError::Api { code: ErrorCode::SsoRefused, .. } => Self::new(
                AppErrorCode::SsoFailed,
                message,
                Some("Start the sign-in again; if it fails again, tell your IT team what it says."),
            ),
            ClientError::Api { code: ErrorCode::SsoNotAllowed, .. } => Self::new(
                AppErrorCode::SsoNotAllowed,
                message,
                Some("Sign in with your work account, or ask your IT team for an invite."),
            ),
            ClientError::Api { code: ErrorCode::SsoIdpUnreachable, .. } => {
                Self::new(AppErrorCode::ServerError, message, Some("Nothing was changed. Try again in a few minutes."))
            }
            ClientError::Api { code: ErrorCode::RateLimited, .. } => {
                Self::new(AppErrorCode::RateLimited, message, Some("Wait, then try again with a fresh code."))
            }
            ClientError::Api { code: ErrorCode::Busy, .. } => Self::new(
                AppErrorCode::ServerError,
                message,
                Some("Nothing was done and your code is not used up; try again in a moment."),
            ),
            ClientError::Api { .. } | ClientError::BadResponse { .. } => Self::new(
                AppErrorCode::ServerError,
                message,
                Some("The server may be misconfigured or overloaded; try again later or tell your IT team."),
            ),
            ClientError::Setup(_) => {
                Self::new(AppErrorCode::ConfigInvalid, message, Some("Check the proxy_url and ca_bundle settings."))
            }
        }
    }
}
