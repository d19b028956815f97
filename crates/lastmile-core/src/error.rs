//! The one error type of the core crate.

/// Everything the core can refuse, each with a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    #[error(
        "a code must be 16 letters or digits (groups of four, e.g. ABCD-EFGH-JKMN-PQRS); got {0} usable characters"
    )]
    InviteCodeLength(usize),
    #[error("the code contains {0:?}, which is not a letter or digit")]
    InviteCodeCharacter(char),
    #[error("{0:?} is not a quiet-hours window (HH:MM-HH:MM, 24-hour local time, e.g. 20:00-08:00)")]
    QuietHours(String),
    #[error("this link is not a Lastmile invite: {0}")]
    InviteLink(String),
    #[error("server address {0:?} is not valid: {1}")]
    ServerUrl(String, String),
    #[error("{0} is set by your organisation (managed setting) and cannot be overridden")]
    ManagedSetting(&'static str),
    #[error("TOTP: {0}")]
    Totp(String),
    #[error("SNTP: {0}")]
    Sntp(String),
    #[error("clock-offset measurement needs at least one sample")]
    NoClockSamples,
    #[error("device key: {0}")]
    DeviceKey(String),
}
