// Generated from crates/lastmile-proto/src/{app,api}.rs by src-tauri/tests/ipc_bindings.rs.
// Do not edit: run `UPDATE_BINDINGS=1 cargo test -p lastmile --test ipc_bindings`.

export type StatusReport = { schema_version: number, app_version: string, 
/**
 * When this report was made (Unix ms, this device's clock).
 */
generated_at_ms: number, device: DeviceFacts, authenticators: Authenticators, server: ServerStatus, clock: ClockStatus, enrollment: Enrollment, settings: Array<SettingView>, 
/**
 * Everything that needs attention, most important first. Empty when all is well.
 */
problems: Array<Problem>, };

export type DeviceFacts = { hostname: string, os_name: string, os_version: string, kernel_version: string | null, arch: string, };

export type Authenticators = { security_keys: Array<SecurityKey>, 
/**
 * Why the list is empty or incomplete (permissions, missing service, ...), if known.
 */
security_keys_note: KeysNote | null, 
/**
 * FIDO devices attached that this user may not open (Linux: `/dev/hidraw*` permissions);
 * the note says how to fix it.
 */
security_keys_blocked: number, platform: PlatformAuthenticator, tpm: Tpm, };

export type SecurityKey = { transport: Transport, aaguid: string | null, 
/**
 * Model name when the AAGUID is known.
 */
model: string | null, versions: Array<string>, firmware_version: string | null, 
/**
 * `None`: the key has no PIN capability.
 */
pin_set: boolean | null, 
/**
 * Built-in user verification (fingerprint); `None`: not supported.
 */
built_in_uv: boolean | null, resident_keys: boolean, credential_management: boolean, min_pin_length: number | null, 
/**
 * Set when the key was seen but could not be read (e.g. it stopped answering).
 */
error: string | null, };

export type Transport = "usb" | "nfc";

export type PlatformKind = "windows_hello" | "touch_id" | "none";

export type KeysNote = { "code": "none_plugged" } | { "code": "no_permission", attached: number, nodes: Array<string>, } | { "code": "windows_administrators_only" } | { "code": "no_usb_support" } | { "code": "scan_failed", error: string, };

export type PlatformAuthenticator = { kind: PlatformKind, 
/**
 * `None`: cannot tell on this OS.
 */
available: boolean | null, 
/**
 * What exists and what Lastmile can do with it, as data the window and the terminal word.
 */
note: PlatformNote, };

export type PlatformNote = { "code": "windows_hello", api_version: number, } | { "code": "windows_no_webauthn" } | { "code": "touch_id" } | { "code": "fingerprint_reader", reader: string, } | { "code": "linux" } | { "code": "other_os" };

export type Tpm = { 
/**
 * `None`: cannot tell on this OS.
 */
present: boolean | null, version: string | null, note: TpmNote, };

export type TpmNote = { "code": "linux_device", version: string | null, } | { "code": "linux_none" } | { "code": "windows_device" } | { "code": "windows_none" } | { "code": "mac_secure_enclave" } | { "code": "unknown" };

export type ServerStatus = { url: string | null, source: SettingSource, reachable: boolean, version: string | null, };

export type ClockVerdict = "ok" | "warn" | "fail";

export type ClockStatus = { 
/**
 * How far this device's clock is ahead of the reference (negative: behind).
 */
offset_ms: number | null, delay_ms: number | null, verdict: ClockVerdict | null, 
/**
 * What the clock was measured against: `server`, `ntp:<host:port>` when only NTP could
 * be reached, or `none`.
 */
source: string, samples: number, 
/**
 * How to fix the clock on this OS and desktop, in the person's language; empty when the
 * verdict is ok.
 */
fix_steps: Array<string>, 
/**
 * Which OS's or desktop's steps those are (`windows`, `macos`, `gnome`, `kde`,
 * `systemd`, `other`): the window words them from its own messages
 * (`clockfix-<platform>-<n>`). None when the verdict is ok.
 */
fix_for: string | null, 
/**
 * The same measurement against each NTP server named in the settings (`ntp_servers`);
 * empty when none is, and in `status`, which checks the Lastmile server only.
 */
ntp: Array<NtpCheck>, 
/**
 * A remark on the reference itself, e.g. when the Lastmile server's clock disagrees
 * with NTP (codes are checked against the server's clock).
 */
note: string | null, };

export type NtpCheck = { 
/**
 * `host:port` as configured.
 */
server: string, 
/**
 * How far this device is ahead of this server (negative: behind).
 */
offset_ms: number | null, delay_ms: number | null, verdict: ClockVerdict | null, 
/**
 * Why there is no measurement (unresolvable, no answer, a refused answer).
 */
error: string | null, };

export type Enrollment = { joined: boolean, device_id: string | null, user_email: string | null, user_name: string | null, organisation: string | null, keyring: KeyringStatus, 
/**
 * What the server believes about this device (when joined and reachable).
 */
server_view: ServerView | null, 
/**
 * When this device's recovery session ends (server clock), while one is open.
 */
recovery_session_until_ms: number | null, 
/**
 * Reports waiting to be sent.
 */
outbox: OutboxView, };

export type KeyringStatus = { available: boolean, detail: string | null, };

export type OutboxView = { 
/**
 * How many are waiting.
 */
pending: number, 
/**
 * When the next try is due (Unix ms, this device's clock), if any are waiting.
 */
next_try_at_ms: number | null, 
/**
 * Why the last try failed.
 */
last_error: string | null, 
/**
 * How many the server refused for good (kept on disk, not retried).
 */
rejected: number, };

export type Standing = { 
/**
 * The policy is met by verified factors, or an exception covers the gap.
 */
ok: boolean, met: boolean, group: string | null, 
/**
 * What is missing, in words (the server's English, for logs and the terminal).
 */
gaps: Array<string>, 
/**
 * What is missing, as data: what the window words in the person's language.
 */
needs: Array<Need>, 
/**
 * `remind`, `warn` or `block` while a gap is open and enforcement has started.
 */
level: string | null, deadline_ms: number | null, excepted_until_ms: number | null, };

export type Need = { "kind": "tier", tier: string, } | { "kind": "factors", have: number, need: number, } | { "kind": "recovery_codes" };

export type NextStepView = { 
/**
 * `security_key`, `plug_in_security_key`, `platform_authenticator`, `totp` or
 * `recovery_codes`.
 */
step: string, 
/**
 * What to do, e.g. "Register your YubiKey 5 NFC" (English, for the terminal).
 */
title: string, 
/**
 * `security_key`: the model of the key plugged in, when known.
 */
model: string | null, };

export type LaunchLink = { 
/**
 * The link as given (for the join form).
 */
link: string, 
/**
 * `join` or `open`.
 */
action: string, 
/**
 * `security_key`, `totp`, `recovery_codes` or `recover`: the screen to open.
 */
step: string | null, };

export type UiLocale = { 
/**
 * A language tag the window has messages for, or a pseudo-locale (`en-XA`, `ar-XB`).
 */
tag: string, 
/**
 * Written right to left.
 */
rtl: boolean, };

export type ServerView = { verified_factors: number, 
/**
 * The verified factors themselves, oldest first.
 */
factors: Array<FactorSummary>, best_tier: string | null, reports_received: number, last_report_at_ms: number | null, 
/**
 * The user's standing under their organisation's policy, from verified factors.
 */
standing: Standing, 
/**
 * The one recommended next step, chosen from what this device can do; `None` when
 * nothing is missing.
 */
next_step: NextStepView | null, };

export type SettingSource = "managed" | "command_line" | "user" | "default";

export type SettingView = { key: string, value: string | null, source: SettingSource, 
/**
 * Set by the organisation: the user cannot change it.
 */
locked: boolean, };

export type Problem = { code: ProblemCode, message: string, hint: string | null, };

export type ProblemCode = "managed_settings_invalid" | "user_settings_invalid" | "local_state_corrupt" | "no_server" | "server_unreachable" | "server_error" | "device_not_recognised" | "keyring_unavailable" | "not_joined" | "clock_fail" | "clock_warn" | "managed_settings_unknown";

export type JoinOutcome = { device_id: string, user_email: string, user_name: string, organisation: string, server_url: string, };

export type SsoStarted = { 
/**
 * The organisation's name.
 */
organisation: string, 
/**
 * The sign-in's name (e.g. "Acme SSO").
 */
provider: string, 
/**
 * The address the browser was asked to open.
 */
url: string, };

export type SignInOptions = { organisation: OrganisationView, providers: Array<SsoProviderView>, };

export type SsoProviderView = { id: string, name: string, };

export type TotpSetup = { factor_id: string, 
/**
 * The otpauth URI as a QR code, rendered locally as SVG (`data:image/svg+xml;base64,...`).
 */
qr_svg_data_url: string, 
/**
 * The base-32 secret in groups of four, for typing.
 */
secret_grouped: string, account: string, issuer: string, digits: number, period_s: number, widely_supported: boolean, 
/**
 * The authenticator apps the organisation recommends, in its order; empty: none named.
 */
recommended_apps: Array<string>, 
/**
 * The clock, checked before enrollment.
 */
clock: ClockStatus, };

export type FactorSummary = { id: string, kind: string, tier: string, verified_at_ms: number, 
/**
 * Security keys: the model, when known (the server's FIDO metadata first).
 */
name: string | null, 
/**
 * Security keys: the model's FIDO certification level (`L1`, `L2`, ...), when known.
 */
certification: string | null, };

export type RecoveryCodes = { factor_id: string, codes: Array<string>, };

export type RecoverySignedIn = { device_id: string, user_email: string, user_name: string, organisation: string, server_url: string, 
/**
 * Server clock, Unix ms.
 */
session_expires_at_ms: number, 
/**
 * Unused recovery codes left in the old set.
 */
codes_left: number, 
/**
 * True when a retry continued a sign-in whose first answer was lost.
 */
resumed: boolean, 
/**
 * This device's clock, checked before signing in.
 */
clock: ClockStatus, };

export type SecurityKeyEnrolled = { factor_id: string, 
/**
 * The model when known, else what kind of authenticator it is.
 */
name: string, aaguid: string | null, attestation_format: string, 
/**
 * Whether the server checked the attestation against the model's roots in the FIDO
 * metadata (the model is then proven, not just claimed).
 */
attestation_trusted: boolean, 
/**
 * Whether the credential can leave the key (a synced passkey).
 */
backup_eligible: boolean, tier: string, verified_at_ms: number, };

export type SecurityKeyStep = { "step": "insert" } | { "step": "pin" } | { "step": "new_pin", 
/**
 * The shortest PIN accepted.
 */
min_pin_length: number, } | { "step": "touch" } | { "step": "touch_again" } | { "step": "working" } | { "step": "system", verify: boolean, };

export type AccountView = { user: UserView, organisation: OrganisationView, 
/**
 * When the recovery session ends; `None` once it has been ended.
 */
session_expires_at_ms: number | null, factors: Array<AccountFactor>, devices: Array<AccountDevice>, };

export type AccountFactor = { id: string, 
/**
 * `security_key`, `platform_authenticator`, `totp`, `recovery_codes`.
 */
kind: string, tier: string, 
/**
 * `pending` (not verified yet) or `verified`. Revoked factors are not listed.
 */
status: string, created_at_ms: number, verified_at_ms: number | null, 
/**
 * Host name of the device the factor was enrolled from, if known.
 */
enrolled_from: string | null, 
/**
 * Recovery codes only: how many are still unused.
 */
codes_left: number | null, };

export type AccountDevice = { id: string, hostname: string, os_name: string, created_at_ms: number, last_report_at_ms: number | null, 
/**
 * The device making this request.
 */
current: boolean, };

export type UserView = { id: string, email: string, display_name: string, };

export type OrganisationView = { slug: string, name: string, };

export type AppError = { code: AppErrorCode, message: string, hint: string | null, };

export type AppErrorCode = "invalid_input" | "managed_setting" | "config_invalid" | "no_server" | "server_unreachable" | "server_error" | "invite_invalid" | "invite_expired" | "invite_used" | "keyring_unavailable" | "already_joined" | "not_joined" | "totp_invalid" | "totp_replayed" | "recovery_code_invalid" | "recovery_refused" | "recovery_session_expired" | "device_revoked" | "key_missing" | "key_pin_wrong" | "key_pin_blocked" | "key_cancelled" | "key_excluded" | "key_not_allowed" | "key_permission" | "key_failed" | "sso_unavailable" | "sso_cancelled" | "sso_failed" | "sso_not_allowed" | "rate_limited" | "local_state" | "internal";

/** Events the backend emits to the window. */
export const EVENTS = {
  authenticatorsChanged: "authenticators-changed",
  deepLink: "deep-link",
  securityKeyStep: "security-key-step",
  ssoStarted: "sso-started",
  statusChanged: "status-changed",
} as const;
