//! The one error type of the device crate.

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("the desktop did not take the notification: {0}")]
    Notification(String),
    #[error("no usable OS keyring: {0}")]
    KeyringUnavailable(String),
    #[error("the OS keyring refused the operation: {0}")]
    Keyring(String),
    #[error("managed settings in {location} are invalid: {reason}")]
    ManagedInvalid { location: String, reason: String },
    #[error("cannot determine the {0} directory for this user")]
    NoHomeDirectory(&'static str),
    #[error("a background task failed: {0}")]
    Task(String),
}
