//! Exit codes of the headless commands, chosen for MDM scripts (Intune remediation
//! detection, Jamf extension attributes): 0 means "nothing to do".
//!
//! | code | meaning |
//! |---|---|
//! | 0 | OK (for `status`: joined, server reachable, clock fine) |
//! | 1 | unexpected internal error |
//! | 2 | usage error: bad arguments or input |
//! | 3 | configuration problem: managed or user settings invalid, local state unreadable, or an option a managed setting forbids |
//! | 4 | server problem: none configured, unreachable, or answering wrongly; device not recognised |
//! | 5 | not joined, the invite was refused (unknown, expired, used), the recovery code was refused, the recovery session is over, or the device was revoked |
//! | 6 | no usable OS keyring |
//! | 7 | clock off by a TOTP step or more (`status` and `clock`) |
//! | 8 | security key: none plugged in (or several), PIN wrong or blocked, cancelled, not touched, already registered, no permission |

use lastmile_proto::app::{AppErrorCode, ProblemCode, StatusReport};

pub const OK: i32 = 0;
pub const INTERNAL: i32 = 1;
pub const USAGE: i32 = 2;
pub const CONFIG: i32 = 3;
pub const SERVER: i32 = 4;
pub const NOT_JOINED: i32 = 5;
pub const KEYRING: i32 = 6;
pub const CLOCK: i32 = 7;
pub const KEY: i32 = 8;

pub fn for_problem(code: ProblemCode) -> i32 {
    match code {
        ProblemCode::ManagedSettingsInvalid | ProblemCode::UserSettingsInvalid | ProblemCode::LocalStateCorrupt => {
            CONFIG
        }
        ProblemCode::NoServer
        | ProblemCode::ServerUnreachable
        | ProblemCode::ServerError
        | ProblemCode::DeviceNotRecognised => SERVER,
        ProblemCode::KeyringUnavailable => KEYRING,
        ProblemCode::NotJoined => NOT_JOINED,
        ProblemCode::ClockFail => CLOCK,
        ProblemCode::ClockWarn | ProblemCode::ManagedSettingsUnknown => OK,
    }
}

/// One word for device management (a Jamf extension attribute, an inventory column):
/// `compliant`, `excepted` (an exception covers the gap), `gap`, the code of the most
/// important problem (`not_joined`, `server_unreachable`, ...), or `unknown` when the server's
/// view could not be had. Advice (a clock drifting, a managed key this version does not know)
/// does not hide the standing.
pub fn mdm_state(report: &StatusReport) -> String {
    if let Some(p) = blocking_problem(report) {
        return serde_json::to_value(p.code).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    }
    match report.enrollment.server_view.as_ref().map(|v| &v.standing) {
        Some(s) if s.met => "compliant".into(),
        Some(s) if s.ok => "excepted".into(),
        Some(_) => "gap".into(),
        None => "unknown".into(),
    }
}

/// The most important problem that hides the standing: advice (a clock drifting, a managed
/// key this version does not know) does not.
pub fn blocking_problem(report: &StatusReport) -> Option<&lastmile_proto::app::Problem> {
    report.problems.iter().find(|p| !matches!(p.code, ProblemCode::ClockWarn | ProblemCode::ManagedSettingsUnknown))
}

/// Whether nothing needs doing: no blocking problem, and the policy met or excepted.
pub fn all_set(report: &StatusReport) -> bool {
    matches!(mdm_state(report).as_str(), "compliant" | "excepted")
}

/// The exit code of `status`: that of the most important problem (they are sorted).
pub fn for_status(report: &StatusReport) -> i32 {
    report.problems.iter().map(|p| for_problem(p.code)).find(|&c| c != OK).unwrap_or(OK)
}

pub fn for_error(code: AppErrorCode) -> i32 {
    match code {
        AppErrorCode::InvalidInput
        | AppErrorCode::TotpInvalid
        | AppErrorCode::TotpReplayed
        | AppErrorCode::RecoveryCodeInvalid => USAGE,
        AppErrorCode::RecoveryRefused | AppErrorCode::RecoverySessionExpired | AppErrorCode::DeviceRevoked => {
            NOT_JOINED
        }
        AppErrorCode::RateLimited => SERVER,
        AppErrorCode::ManagedSetting | AppErrorCode::ConfigInvalid | AppErrorCode::LocalState => CONFIG,
        AppErrorCode::NoServer | AppErrorCode::ServerUnreachable | AppErrorCode::ServerError => SERVER,
        AppErrorCode::InviteInvalid
        | AppErrorCode::InviteExpired
        | AppErrorCode::InviteUsed
        | AppErrorCode::AlreadyJoined
        | AppErrorCode::NotJoined => NOT_JOINED,
        AppErrorCode::KeyringUnavailable => KEYRING,
        AppErrorCode::KeyMissing
        | AppErrorCode::KeyPinWrong
        | AppErrorCode::KeyPinBlocked
        | AppErrorCode::KeyCancelled
        | AppErrorCode::KeyExcluded
        | AppErrorCode::KeyNotAllowed
        | AppErrorCode::KeyPermission
        | AppErrorCode::KeyFailed => KEY,
        AppErrorCode::SsoCancelled | AppErrorCode::SsoFailed | AppErrorCode::SsoNotAllowed => NOT_JOINED,
        AppErrorCode::SsoUnavailable => CONFIG,
        AppErrorCode::Internal => INTERNAL,
    }
}
