//! What the desktop app shows (Tauri IPC) and prints (`lastmile status --json`).
//! One document serves both, so the window and an MDM script always see the same facts.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

/// Version of the `status --json` document. Bumped on incompatible changes only.
pub const STATUS_SCHEMA_VERSION: u32 = 1;

/// Everything the first screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct StatusReport {
    pub schema_version: u32,
    pub app_version: String,
    /// When this report was made (Unix ms, this device's clock).
    pub generated_at_ms: i64,
    pub device: DeviceFacts,
    pub authenticators: Authenticators,
    pub server: ServerStatus,
    pub clock: ClockStatus,
    pub enrollment: Enrollment,
    pub settings: Vec<SettingView>,
    /// Everything that needs attention, most important first. Empty when all is well.
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DeviceFacts {
    pub hostname: String,
    pub os_name: String,
    pub os_version: String,
    pub kernel_version: Option<String>,
    pub arch: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Authenticators {
    pub security_keys: Vec<SecurityKey>,
    /// Why the list is empty or incomplete (permissions, missing service, ...), if known.
    pub security_keys_note: Option<KeysNote>,
    /// FIDO devices attached that this user may not open (Linux: `/dev/hidraw*` permissions);
    /// the note says how to fix it.
    pub security_keys_blocked: u32,
    pub platform: PlatformAuthenticator,
    pub tpm: Tpm,
}

/// A FIDO2 security key and the facts its authenticatorGetInfo gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SecurityKey {
    pub transport: Transport,
    pub aaguid: Option<String>,
    /// Model name when the AAGUID is known.
    pub model: Option<String>,
    pub versions: Vec<String>,
    pub firmware_version: Option<String>,
    /// `None`: the key has no PIN capability.
    pub pin_set: Option<bool>,
    /// Built-in user verification (fingerprint); `None`: not supported.
    pub built_in_uv: Option<bool>,
    pub resident_keys: bool,
    pub credential_management: bool,
    pub min_pin_length: Option<u32>,
    /// Set when the key was seen but could not be read (e.g. it stopped answering).
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    Usb,
    Nfc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum PlatformKind {
    WindowsHello,
    TouchId,
    /// Linux: no platform authenticator the browser or this app can use for WebAuthn.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PlatformAuthenticator {
    pub kind: PlatformKind,
    /// `None`: cannot tell on this OS.
    pub available: Option<bool>,
    /// What exists and what Lastmile can do with it, as data the window and the terminal word.
    pub note: PlatformNote,
}

/// Why no security key is listed, or not every one (`keys-note-<code>` in the message files,
/// the fields their values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum KeysNote {
    /// None is plugged in.
    NonePlugged,
    /// Linux: FIDO devices are attached that this user may not open (`/dev/hidraw*`); the fix
    /// is a udev rule.
    NoPermission { attached: u32, nodes: Vec<String> },
    /// Windows: only Administrators may talk to keys directly; the WebAuthn API reaches them
    /// when enrolling.
    WindowsAdministratorsOnly,
    /// This build has no USB support.
    NoUsbSupport,
    /// The USB devices could not be listed (the library's error, in English).
    ScanFailed { error: String },
}

/// What a platform authenticator there is, and what Lastmile can do with it
/// (`platform-note-<code>` in the message files, the fields their values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PlatformNote {
    /// Windows' WebAuthn API is there (this version); Windows asks for Hello when enrolling.
    WindowsHello { api_version: u32 },
    /// Windows without the WebAuthn API (before Windows 10 1903).
    WindowsNoWebauthn,
    /// macOS: Touch ID is enrolled through the browser or the Passwords app, not by Lastmile.
    TouchId,
    /// Linux with a fingerprint reader ("Goodix, USB 27c6:5395"): it serves the login
    /// screen, not WebAuthn.
    FingerprintReader { reader: String },
    /// Linux without one.
    Linux,
    /// Any other OS.
    OtherOs,
}

/// What TPM there is (`tpm-note-<code>` in the message files, the fields their values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum TpmNote {
    /// Linux: at /dev/tpm0; the version when the kernel says.
    LinuxDevice { version: Option<String> },
    /// Linux: the kernel exposes none (/sys/class/tpm).
    LinuxNone,
    /// Windows: a TPM 2.0 device is enumerated.
    WindowsDevice,
    /// Windows: none is.
    WindowsNone,
    /// macOS: no TPM; a Secure Enclave on Apple silicon and T2 Macs.
    MacSecureEnclave,
    /// Any other OS: not detected.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Tpm {
    /// `None`: cannot tell on this OS.
    pub present: Option<bool>,
    pub version: Option<String>,
    pub note: TpmNote,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ServerStatus {
    pub url: Option<String>,
    pub source: SettingSource,
    pub reachable: bool,
    pub version: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum ClockVerdict {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ClockStatus {
    /// How far this device's clock is ahead of the reference (negative: behind).
    pub offset_ms: Option<i64>,
    pub delay_ms: Option<i64>,
    pub verdict: Option<ClockVerdict>,
    /// What the clock was measured against: `server`, `ntp:<host:port>` when only NTP could
    /// be reached, or `none`.
    pub source: String,
    pub samples: u32,
    /// How to fix the clock on this OS and desktop, in the person's language; empty when the
    /// verdict is ok.
    pub fix_steps: Vec<String>,
    /// Which OS's or desktop's steps those are (`windows`, `macos`, `gnome`, `kde`,
    /// `systemd`, `other`): the window words them from its own messages
    /// (`clockfix-<platform>-<n>`). None when the verdict is ok.
    pub fix_for: Option<String>,
    /// The same measurement against each NTP server named in the settings (`ntp_servers`);
    /// empty when none is, and in `status`, which checks the Lastmile server only.
    pub ntp: Vec<NtpCheck>,
    /// A remark on the reference itself, e.g. when the Lastmile server's clock disagrees
    /// with NTP (codes are checked against the server's clock).
    pub note: Option<String>,
}

/// The clock measured against one NTP server (SNTP, RFC 4330).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct NtpCheck {
    /// `host:port` as configured.
    pub server: String,
    /// How far this device is ahead of this server (negative: behind).
    pub offset_ms: Option<i64>,
    pub delay_ms: Option<i64>,
    pub verdict: Option<ClockVerdict>,
    /// Why there is no measurement (unresolvable, no answer, a refused answer).
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Enrollment {
    pub joined: bool,
    pub device_id: Option<String>,
    pub user_email: Option<String>,
    pub user_name: Option<String>,
    pub organisation: Option<String>,
    pub keyring: KeyringStatus,
    /// What the server believes about this device (when joined and reachable).
    pub server_view: Option<ServerView>,
    /// When this device's recovery session ends (server clock), while one is open.
    pub recovery_session_until_ms: Option<i64>,
    /// Reports waiting to be sent.
    pub outbox: OutboxView,
}

/// Posture reports kept on this device until the server acknowledges them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct OutboxView {
    /// How many are waiting.
    pub pending: u32,
    /// When the next try is due (Unix ms, this device's clock), if any are waiting.
    pub next_try_at_ms: Option<i64>,
    /// Why the last try failed.
    pub last_error: Option<String>,
    /// How many the server refused for good (kept on disk, not retried).
    pub rejected: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct KeyringStatus {
    pub available: bool,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ServerView {
    pub verified_factors: u32,
    /// The verified factors themselves, oldest first.
    pub factors: Vec<FactorSummary>,
    pub best_tier: Option<String>,
    pub reports_received: i64,
    pub last_report_at_ms: Option<i64>,
    /// The user's standing under their organisation's policy, from verified factors.
    pub standing: Standing,
    /// The one recommended next step, chosen from what this device can do; `None` when
    /// nothing is missing.
    pub next_step: Option<NextStepView>,
}

/// Where the user stands under their group's policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Standing {
    /// The policy is met by verified factors, or an exception covers the gap.
    pub ok: bool,
    pub met: bool,
    pub group: Option<String>,
    /// What is missing, in words (the server's English, for logs and the terminal).
    pub gaps: Vec<String>,
    /// What is missing, as data: what the window words in the person's language.
    pub needs: Vec<Need>,
    /// `remind`, `warn` or `block` while a gap is open and enforcement has started.
    pub level: Option<String>,
    pub deadline_ms: Option<i64>,
    pub excepted_until_ms: Option<i64>,
}

/// One thing a user's verified factors lack under their policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Need {
    /// A factor of at least this tier (`phishing_resistant`, `strong`, `recovery`).
    Tier { tier: String },
    /// More verified factors.
    Factors { have: u32, need: u32 },
    /// Confirmed recovery codes.
    RecoveryCodes,
}

/// The language the window speaks, chosen by the app (the `locale` setting, else the OS's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct UiLocale {
    /// A language tag the window has messages for, or a pseudo-locale (`en-XA`, `ar-XB`).
    pub tag: String,
    /// Written right to left.
    pub rtl: bool,
}

/// The `lastmile://` link the app was opened with, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct LaunchLink {
    /// The link as given (for the join form).
    pub link: String,
    /// `join` or `open`.
    pub action: String,
    /// `security_key`, `totp`, `recovery_codes` or `recover`: the screen to open.
    pub step: Option<String>,
}

/// The next thing to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct NextStepView {
    /// `security_key`, `plug_in_security_key`, `platform_authenticator`, `totp` or
    /// `recovery_codes`.
    pub step: String,
    /// What to do, e.g. "Register your YubiKey 5 NFC" (English, for the terminal).
    pub title: String,
    /// `security_key`: the model of the key plugged in, when known.
    pub model: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum SettingSource {
    Managed,
    CommandLine,
    User,
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SettingView {
    pub key: String,
    pub value: Option<String>,
    pub source: SettingSource,
    /// Set by the organisation: the user cannot change it.
    pub locked: bool,
}

/// Something that needs attention. `code` is for programs, `message` and `hint` for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Problem {
    pub code: ProblemCode,
    pub message: String,
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// The managed settings could not be read or are invalid.
    ManagedSettingsInvalid,
    /// The user settings file could not be read or is invalid (it was kept, not replaced).
    UserSettingsInvalid,
    /// The local enrollment state could not be read (it was kept, not replaced).
    LocalStateCorrupt,
    /// No server configured.
    NoServer,
    /// The server could not be reached.
    ServerUnreachable,
    /// The server answered with an error or something that is not the Lastmile API.
    ServerError,
    /// The server no longer recognises this device (revoked or unknown).
    DeviceNotRecognised,
    /// No OS keyring (Secret Service, Keychain, Credential Manager) is available.
    KeyringUnavailable,
    /// This device has not joined an organisation yet.
    NotJoined,
    /// The clock is off enough that TOTP codes will fail.
    ClockFail,
    /// The clock is off enough that TOTP codes may fail.
    ClockWarn,
    /// The managed settings hold keys this version does not know (left aside; the known
    /// keys apply).
    ManagedSettingsUnknown,
}

/// What the window needs to add an authenticator app. Holds the secret: the backend keeps
/// no copy, and the window drops it when the flow ends.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TotpSetup {
    pub factor_id: String,
    /// The otpauth URI as a QR code, rendered locally as SVG (`data:image/svg+xml;base64,...`).
    pub qr_svg_data_url: String,
    /// The base-32 secret in groups of four, for typing.
    pub secret_grouped: String,
    pub account: String,
    pub issuer: String,
    pub digits: u32,
    pub period_s: u32,
    pub widely_supported: bool,
    /// The authenticator apps the organisation recommends, in its order; empty: none named.
    pub recommended_apps: Vec<String>,
    /// The clock, checked before enrollment.
    pub clock: ClockStatus,
}

impl std::fmt::Debug for TotpSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpSetup").field("factor_id", &self.factor_id).finish_non_exhaustive()
    }
}

/// A new set of recovery codes for the window, shown once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RecoveryCodes {
    pub factor_id: String,
    pub codes: Vec<String>,
}

impl std::fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoveryCodes").field("factor_id", &self.factor_id).finish_non_exhaustive()
    }
}

/// A factor the server verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct FactorSummary {
    pub id: String,
    pub kind: String,
    pub tier: String,
    pub verified_at_ms: i64,
    /// Security keys: the model, when known (the server's FIDO metadata first).
    pub name: Option<String>,
    /// Security keys: the model's FIDO certification level (`L1`, `L2`, ...), when known.
    pub certification: Option<String>,
}

/// The IPC answer to a successful join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct JoinOutcome {
    pub device_id: String,
    pub user_email: String,
    pub user_name: String,
    pub organisation: String,
    pub server_url: String,
}

/// `lastmile doctor --json` (schema_version 1): every check, passed or not, each with what to
/// do when it did not pass. For the person at the keyboard and the helpdesk on the phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorReport {
    pub schema_version: u32,
    pub checks: Vec<DoctorCheck>,
}

/// One check of [`DoctorReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorCheck {
    /// `settings`, `keyring`, `server`, `clock`, `enrollment`, `security_keys` or `outbox`.
    pub id: String,
    pub verdict: CheckVerdict,
    /// What was found, in a sentence.
    pub summary: String,
    /// What to do, when the verdict is not ok.
    pub fix: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckVerdict {
    Ok,
    Warn,
    Fail,
}

/// A sign-in with the organisation's identity provider went to the browser (the
/// `sso-started` event): the window says where to finish it and shows the address in case
/// no browser opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SsoStarted {
    /// The organisation's name.
    pub organisation: String,
    /// The sign-in's name (e.g. "Acme SSO").
    pub provider: String,
    /// The address the browser was asked to open.
    pub url: String,
}

/// An IPC or CLI failure: a code for programs, a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AppError {
    pub code: AppErrorCode,
    pub message: String,
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum AppErrorCode {
    InvalidInput,
    ManagedSetting,
    ConfigInvalid,
    NoServer,
    ServerUnreachable,
    ServerError,
    InviteInvalid,
    InviteExpired,
    InviteUsed,
    KeyringUnavailable,
    AlreadyJoined,
    NotJoined,
    TotpInvalid,
    TotpReplayed,
    RecoveryCodeInvalid,
    RecoveryRefused,
    RecoverySessionExpired,
    DeviceRevoked,
    /// No security key is plugged in, or several are.
    KeyMissing,
    /// The key's PIN was wrong.
    KeyPinWrong,
    /// The key's PIN is blocked, or the key needs a PIN it does not have.
    KeyPinBlocked,
    /// The person cancelled, or nobody touched the key in time.
    KeyCancelled,
    /// This key is already registered.
    KeyExcluded,
    /// The organisation does not accept this key.
    KeyNotAllowed,
    /// The OS does not let this user open the key.
    KeyPermission,
    /// The key or the server refused for another reason.
    KeyFailed,
    /// The organisation has no sign-in to join with (invites only).
    SsoUnavailable,
    /// The person cancelled the sign-in, or it did not come back in time.
    SsoCancelled,
    /// The sign-in failed the checks (the app's or the server's).
    SsoFailed,
    /// The person signed in, but may not join this way.
    SsoNotAllowed,
    RateLimited,
    LocalState,
    Internal,
}

/// A recovery sign-in that succeeded: this device is joined for the user and holds a
/// recovery session until `session_expires_at_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RecoverySignedIn {
    pub device_id: String,
    pub user_email: String,
    pub user_name: String,
    pub organisation: String,
    pub server_url: String,
    /// Server clock, Unix ms.
    pub session_expires_at_ms: i64,
    /// Unused recovery codes left in the old set.
    pub codes_left: u32,
    /// True when a retry continued a sign-in whose first answer was lost.
    pub resumed: bool,
    /// This device's clock, checked before signing in.
    pub clock: ClockStatus,
}

/// A security key registered and verified by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SecurityKeyEnrolled {
    pub factor_id: String,
    /// The model when known, else what kind of authenticator it is.
    pub name: String,
    pub aaguid: Option<String>,
    pub attestation_format: String,
    /// Whether the server checked the attestation against the model's roots in the FIDO
    /// metadata (the model is then proven, not just claimed).
    pub attestation_trusted: bool,
    /// Whether the credential can leave the key (a synced passkey).
    pub backup_eligible: bool,
    pub tier: String,
    pub verified_at_ms: i64,
}

/// A security key's PIN was set or changed (`lastmile key pin`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct KeyPinChanged {
    /// The key, for messages.
    pub name: String,
    /// `set` (the key had no PIN) or `changed`.
    pub action: String,
}

/// What a security-key ceremony waits for (the `security-key-step` event), as
/// `{"step": "insert"}`, `{"step": "new_pin", "min_pin_length": 6}` and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(TS))]
pub enum SecurityKeyStep {
    /// Plug the key in.
    Insert,
    /// Type the key's PIN.
    Pin,
    /// Choose a PIN for a key that has none (the organisation requires one).
    NewPin {
        /// The shortest PIN accepted.
        min_pin_length: u32,
    },
    /// Touch the key to register it.
    Touch,
    /// Touch it again, so the server can verify it.
    TouchAgain,
    /// The key and the server are working; nothing to do.
    Working,
    /// The OS shows its own window (Windows Security: Windows Hello or a security key, its
    /// PIN and touch); follow it there. `verify`: the second time, so the server can verify.
    System { verify: bool },
}

/// Names of the events the backend emits to the window.
pub mod events {
    /// A security key was plugged in or pulled out; payload: none. Re-read the status.
    pub const AUTHENTICATORS_CHANGED: &str = "authenticators-changed";
    /// A second launch of the app handed over a deep link; payload: [`super::LaunchLink`]
    /// (checked as the link the app was opened with is).
    pub const DEEP_LINK: &str = "deep-link";
    /// A security-key ceremony waits for something; payload: [`super::SecurityKeyStep`].
    pub const SECURITY_KEY_STEP: &str = "security-key-step";
    /// A sign-in with the organisation's identity provider went to the browser; payload:
    /// [`super::SsoStarted`].
    pub const SSO_STARTED: &str = "sso-started";
    /// The background reporter sent (or failed to send) reports; payload: none. Re-read the
    /// status.
    pub const STATUS_CHANGED: &str = "status-changed";
}

/// The machine status file that inventory tools (osquery, Fleet, Kolide, an MDM's scripts)
/// read: one per person, `<uid>.json` in the machine status directory (Linux
/// `/var/lib/lastmile/status`, macOS `/Library/Application Support/Lastmile/status`, Windows
/// `%ProgramData%\Lastmile\status`, where the file is named by the user's name), rewritten by
/// every status, report and scheduled run. No secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MachineStatus {
    pub schema_version: u32,
    /// `compliant`, `excepted`, `gap`, `unknown`, or the most important problem's code (as
    /// `lastmile status --format jamf` says it).
    pub state: String,
    pub generated_at_ms: i64,
    pub app_version: String,
    pub joined: bool,
    pub organisation: Option<String>,
    pub user_email: Option<String>,
    pub device_id: Option<String>,
    /// The kinds of the verified factors (`security_key`, `totp`, ...), as the server said.
    pub verified_factors: Vec<String>,
    pub last_report_at_ms: Option<i64>,
    /// Every problem's code, most important first.
    pub problems: Vec<ProblemCode>,
}

/// The machine status file's schema version.
pub const MACHINE_STATUS_SCHEMA_VERSION: u32 = 1;
