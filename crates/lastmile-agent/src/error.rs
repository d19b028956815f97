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
            ClientError::Api { code: ErrorCode::RateLimited, .. } => {
                Self::new(AppErrorCode::RateLimited, message, Some("Wait, then try again with a fresh code."))
            }
            ClientError::Api { .. } | ClientError::BadResponse { .. } => Self::new(
                AppErrorCode::ServerError,
                message,
                Some("The server may be misconfigured or overloaded; try again later or tell your IT team."),
            ),
            ClientError::Setup(_) => Self::new(AppErrorCode::ConfigInvalid, message, Some("Check the proxy setting.")),
        }
    }
}
