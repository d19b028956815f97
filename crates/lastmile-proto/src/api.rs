//! The server API, version 1. Paths are under `/v1`.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Maximum accepted request body, in bytes. Larger bodies get `payload_too_large`.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// `GET /v1/health`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Health {
    /// `"ok"` when the server answers, its database responds and writes to it succeed.
    /// (While writes fail, `/v1/health` answers 503 with the `unavailable` error instead.)
    pub status: String,
    /// The server's version.
    pub version: String,
    /// API version spoken (this document: 1).
    pub api_version: u32,
}

/// `GET /v1/time`: the server's half of an NTP-style exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ServerTime {
    /// When the server received the request (Unix ms, server clock).
    pub receive_ms: i64,
    /// When the server sent the answer (Unix ms, server clock).
    pub transmit_ms: i64,
}

/// What a device says about itself. Claims, never proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeviceClaims {
    /// Each claim: 1 to 200 characters, not blank, no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub hostname: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub os_name: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub os_version: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub arch: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub app_version: String,
}

/// `POST /v1/devices/join`: bind this device to the invited user.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct JoinRequest {
    /// The invite code, as typed (separators and case are ignored).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[ \t-]*([0-9A-HJKMNP-TV-Za-hjkmnp-tv-zIiLlOo][ \t-]*){16}$"))]
    pub invite_code: String,
    pub device: DeviceClaims,
    /// The device's public key (P-256 SubjectPublicKeyInfo DER, base64url). When given, the
    /// server accepts this device's posture reports only when signed with its private key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_public_key: Option<String>,
}

/// `GET /v1/orgs/{slug}/sign-in`: how people of an organisation can join a device by signing
/// in with the organisation's identity provider (none: invites only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SignInOptions {
    pub organisation: OrganisationView,
    pub providers: Vec<SsoProviderView>,
}

/// One of an organisation's identity providers, as a person sees it ("Sign in with <name>").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SsoProviderView {
    pub id: String,
    pub name: String,
}

/// `POST /v1/sso/start`: begin joining with the organisation's sign-in. The server names the
/// identity provider's authorization endpoint and the nonce the ID token must carry; the app
/// adds its own loopback redirect URI, state and PKCE challenge (RFC 8252).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SsoStartRequest {
    /// The organisation's slug.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub organisation: String,
    /// Which of its providers (`SsoProviderView::id`); may be left out when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub provider: Option<String>,
}

/// The answer to [`SsoStartRequest`]: what the app needs to send the person to the identity
/// provider. The flow is single-use and expires at `expires_at_ms`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SsoStart {
    pub flow_id: String,
    pub organisation: OrganisationView,
    pub provider: SsoProviderView,
    pub authorization_endpoint: String,
    pub client_id: String,
    pub scope: String,
    pub nonce: String,
    pub expires_at_ms: i64,
}

/// `POST /v1/devices/join/sso`: bind this device to the person the identity provider signed
/// in, in the flow the server started.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SsoJoinRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub flow_id: String,
    pub proof: SsoProof,
    pub device: DeviceClaims,
    /// As in [`JoinRequest`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_public_key: Option<String>,
}

/// What shows who signed in: the authorization code with the PKCE verifier and the loopback
/// redirect URI it was sent to (the server redeems it), or an ID token the app obtained.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SsoProof {
    Code {
        #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 4096))]
        code: String,
        #[cfg_attr(feature = "openapi", schema(min_length = 43, max_length = 128))]
        code_verifier: String,
        #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
        redirect_uri: String,
    },
    IdToken {
        #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 16384))]
        id_token: String,
    },
}

impl std::fmt::Debug for SsoProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SsoProof::Code { redirect_uri, .. } => f
                .debug_struct("Code")
                .field("code", &"****")
                .field("code_verifier", &"****")
                .field("redirect_uri", redirect_uri)
                .finish(),
            SsoProof::IdToken { .. } => f.debug_struct("IdToken").field("id_token", &"****").finish(),
        }
    }
}

/// `POST /v1/devices/me/key`: a device that joined before device keys existed adds one; from
/// then on its reports must be signed with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeviceKeyRequest {
    /// P-256 SubjectPublicKeyInfo DER, base64url.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 512, pattern = r"^[A-Za-z0-9_-]+$"))]
    pub device_public_key: String,
}

/// The answer to [`DeviceKeyRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeviceKeyAdded {
    pub device_id: String,
    /// False when the device already had this very key (a retry).
    pub added: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct OrganisationView {
    pub slug: String,
    pub name: String,
}

/// The answer to a successful join. `device_token` is shown once: the app keeps it in
/// the OS keyring and the server keeps only its hash.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct JoinResponse {
    pub device_id: String,
    pub device_token: String,
    pub user: UserView,
    pub organisation: OrganisationView,
}

impl std::fmt::Debug for JoinResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinResponse")
            .field("device_id", &self.device_id)
            .field("device_token", &"****")
            .field("user", &self.user)
            .field("organisation", &self.organisation)
            .finish()
    }
}

/// A security key the device saw (claim).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SecurityKeyClaim {
    pub aaguid: Option<String>,
    pub versions: Vec<String>,
}

/// What the device saw of its authenticators (claims).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuthenticatorClaims {
    pub security_keys: Vec<SecurityKeyClaim>,
    /// `None`: the app cannot tell on this OS.
    pub platform_authenticator: Option<bool>,
    pub tpm: Option<bool>,
}

/// The device's clock against the server, as the device measured it (claim).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClockClaim {
    pub offset_ms: i64,
    pub delay_ms: i64,
}

/// The HTTP header that carries a posture report's signature by the device key.
pub const SIGNATURE_HEADER: &str = "lastmile-signature";

/// `POST /v1/posture`: a posture report, authenticated by the device token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostureReport {
    /// The report's idempotency key (16 to 64 characters `[A-Za-z0-9_-]`): sending the same
    /// report again is answered, not stored twice.
    pub report_id: String,
    /// Grows by one with each new report of this device; an old number is a replay.
    pub sequence: i64,
    /// When the device made the report (Unix ms, device clock).
    pub generated_at_ms: i64,
    pub device: DeviceClaims,
    pub authenticators: AuthenticatorClaims,
    pub clock: Option<ClockClaim>,
}

/// A factor the server has verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FactorView {
    pub id: String,
    /// `security_key`, `platform_authenticator`, `totp`, `recovery_codes`.
    pub kind: String,
    /// `phishing_resistant`, `strong`, `recovery`, `weak`.
    pub tier: String,
    pub verified_at_ms: i64,
    /// Security keys: the authenticator model (AAGUID) the key named at registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aaguid: Option<String>,
    /// Security keys: whether that model is proven by an attestation that chains to a root the
    /// FIDO metadata lists for it; when false, the AAGUID is only the key's claim (any
    /// authenticator can name any model) and no allow list counts it.
    #[serde(default)]
    pub attested: bool,
    /// Security keys: the model's name in the FIDO metadata, when the server has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Security keys: the model's FIDO certification (`FIDO_CERTIFIED_L1`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification: Option<String>,
}

/// What the server now believes about a device and its user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostureView {
    pub device_id: String,
    pub user: UserView,
    pub organisation: OrganisationView,
    /// Factors the server verified itself. Only these count.
    pub verified_factors: Vec<FactorView>,
    /// The strongest verified tier, if any.
    pub best_tier: Option<String>,
    /// How many reports the server has stored for this device.
    pub reports_received: i64,
    /// When the last report arrived (server clock), if any.
    pub last_report_at_ms: Option<i64>,
    /// The device's claims from its last report, labelled as claims.
    pub last_claims: Option<PostureReport>,
    /// The user's standing under their group's policy (from verified factors only).
    pub compliance: ComplianceView,
}

/// A user's standing under their group's policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ComplianceView {
    /// The verified factors meet the policy.
    pub met: bool,
    /// Met, or covered by an exception in force.
    pub ok: bool,
    /// The user's policy group (`None`: the built-in default policy).
    pub group: Option<String>,
    /// The policy: the strongest factor's minimum tier, how many factors, recovery codes.
    pub min_tier: String,
    pub min_factors: u32,
    pub recovery_codes_required: bool,
    /// What is missing, in words.
    pub gaps: Vec<String>,
    /// The tier the user still needs, when the strongest factor is too weak.
    pub missing_tier: Option<String>,
    pub missing_recovery_codes: bool,
    /// `remind`, `warn` or `block` while a gap is open and enforcement has started.
    pub level: Option<String>,
    pub deadline_ms: Option<i64>,
    /// An exception covers the gap until then.
    pub excepted_until_ms: Option<i64>,
    /// Security key models (AAGUIDs) the group accepts; empty: any.
    pub allowed_key_models: Vec<String>,
}

/// `POST /v1/factors/totp`: a TOTP factor waiting for its first code. Shown once; the
/// secret must never be logged or written to disk by the client.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TotpEnrollment {
    pub factor_id: String,
    /// `otpauth://totp/...` for the authenticator app's QR scanner.
    pub otpauth_uri: String,
    /// The same secret in base 32, for typing.
    pub secret: String,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: String,
    pub digits: u32,
    pub period_s: u32,
    pub issuer: String,
    pub account: String,
    /// False when the parameters are not the SHA-1/6/30 defaults most apps require.
    pub widely_supported: bool,
    /// The authenticator apps the user's policy recommends, in its order (`totp_apps`);
    /// empty when it names none (and from servers older than this field).
    #[serde(default)]
    pub recommended_apps: Vec<String>,
}

impl std::fmt::Debug for TotpEnrollment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpEnrollment")
            .field("factor_id", &self.factor_id)
            .field("secret", &"****")
            .field("digits", &self.digits)
            .field("period_s", &self.period_s)
            .finish_non_exhaustive()
    }
}

/// `POST /v1/factors/totp/{id}/verify`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TotpVerifyRequest {
    /// The code the authenticator app shows now.
    #[cfg_attr(feature = "openapi", schema(max_length = 32))]
    pub code: String,
}

/// `POST /v1/factors/recovery-codes`: a new set, shown once. The server keeps only argon2id
/// hashes, and the previous set stopped working when this one was made.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecoveryCodeSet {
    pub factor_id: String,
    /// Ten codes, `ABCD-EFGH-JKMN-PQRS`, each usable once.
    pub codes: Vec<String>,
}

impl std::fmt::Debug for RecoveryCodeSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoveryCodeSet").field("factor_id", &self.factor_id).field("codes", &"****").finish()
    }
}

/// `POST /v1/factors/recovery-codes/{id}/confirm`: one code typed back, proving the set was saved.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecoveryConfirmRequest {
    /// One of the new set's codes, as typed (separators and case are ignored).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[ \t-]*([0-9A-HJKMNP-TV-Za-hjkmnp-tv-zIiLlOo][ \t-]*){16}$"))]
    pub code: String,
}

/// `POST /v1/recovery/sign-in`: a user who lost their factors signs in with a recovery code.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecoverySignInRequest {
    /// The organisation's slug; may be left out when the server hosts only one.
    pub organisation: Option<String>,
    /// The user's email address.
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub username: String,
    /// One of the user's recovery codes, as typed (separators and case are ignored).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[ \t-]*([0-9A-HJKMNP-TV-Za-hjkmnp-tv-zIiLlOo][ \t-]*){16}$"))]
    pub recovery_code: String,
    /// A random key (16 to 64 characters `[A-Za-z0-9_-]`) the client makes once per sign-in
    /// and sends again on retries: when an answer is lost, the retry with the same code
    /// continues the same sign-in instead of finding the code used.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9_-]{16,64}$"))]
    pub attempt_id: String,
    pub device: DeviceClaims,
    /// The device's public key, as at join; it replaces the one the server had for this
    /// device (a recovered device may have lost its keyring).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_public_key: Option<String>,
}

impl std::fmt::Debug for RecoverySignInRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoverySignInRequest")
            .field("organisation", &self.organisation)
            .field("username", &self.username)
            .field("recovery_code", &"****")
            .finish_non_exhaustive()
    }
}

/// The answer to a recovery sign-in: this device is now joined for the user (a new device,
/// or the same one with a new token) and may, until `session_expires_at_ms`, see and revoke
/// the user's factors and devices. `device_token` is shown once.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecoverySession {
    pub device_id: String,
    pub device_token: String,
    pub user: UserView,
    pub organisation: OrganisationView,
    /// When the recovery session ends (Unix ms, server clock).
    pub session_expires_at_ms: i64,
    /// Unused recovery codes left in the user's set after this one.
    pub codes_left: u32,
    /// True when this answered a retry of a sign-in that had already succeeded.
    pub resumed: bool,
}

impl std::fmt::Debug for RecoverySession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoverySession")
            .field("device_id", &self.device_id)
            .field("device_token", &"****")
            .field("session_expires_at_ms", &self.session_expires_at_ms)
            .field("codes_left", &self.codes_left)
            .field("resumed", &self.resumed)
            .finish_non_exhaustive()
    }
}

/// One of the user's factors, whatever its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AccountFactor {
    pub id: String,
    /// `security_key`, `platform_authenticator`, `totp`, `recovery_codes`.
    pub kind: String,
    pub tier: String,
    /// `pending` (not verified yet) or `verified`. Revoked factors are not listed.
    pub status: String,
    pub created_at_ms: i64,
    pub verified_at_ms: Option<i64>,
    /// Host name of the device the factor was enrolled from, if known.
    pub enrolled_from: Option<String>,
    /// Recovery codes only: how many are still unused.
    pub codes_left: Option<u32>,
}

/// One of the user's devices that has not been revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AccountDevice {
    pub id: String,
    pub hostname: String,
    pub os_name: String,
    pub created_at_ms: i64,
    pub last_report_at_ms: Option<i64>,
    /// The device making this request.
    pub current: bool,
}

/// `GET /v1/recovery/account`: the user's factors and devices during a recovery session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AccountView {
    pub user: UserView,
    pub organisation: OrganisationView,
    /// When the recovery session ends; `None` once it has been ended.
    pub session_expires_at_ms: Option<i64>,
    pub factors: Vec<AccountFactor>,
    pub devices: Vec<AccountDevice>,
}

/// A WebAuthn ceremony the server started: what the client passes to the authenticator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebauthnChallenge {
    /// Names this ceremony when finishing it. Single use.
    pub ceremony_id: String,
    /// The factor being verified (verification ceremonies only).
    pub factor_id: Option<String>,
    /// The relying party ID the credential is scoped to.
    pub rp_id: String,
    /// The origin the client puts in its client data; the server accepts no other.
    pub origin: String,
    /// WebAuthn JSON: `CreationChallengeResponse` to register, `RequestChallengeResponse`
    /// to verify.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub options: serde_json::Value,
    /// After this (server clock) the ceremony cannot be finished.
    pub expires_at_ms: i64,
    /// The organisation requires the key to verify the person (a PIN): a key without one
    /// must get one before it registers.
    #[serde(default)]
    pub pin_required: bool,
    /// The shortest PIN the organisation accepts, when it sets one.
    #[serde(default)]
    pub min_pin_length: Option<u32>,
}

/// Finishes a WebAuthn ceremony with the authenticator's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebauthnFinish {
    pub ceremony_id: String,
    /// WebAuthn JSON: `RegisterPublicKeyCredential` or `PublicKeyCredential`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: serde_json::Value,
}

/// A security key registered but not verified yet; verify it with `verify`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SecurityKeyRegistered {
    pub factor_id: String,
    /// The authenticator model, when the attestation said.
    pub aaguid: Option<String>,
    /// `packed`, `fido-u2f`, `tpm`, `none`, ...
    pub attestation_format: String,
    /// Whether the attestation chain reached a root the FIDO metadata lists for the model.
    pub attestation_trusted: bool,
    /// The model's name in the FIDO metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The model's FIDO certification (`FIDO_CERTIFIED_L1`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification: Option<String>,
    /// The credential may be copied off the authenticator (synced), and whether it is.
    pub backup_eligible: bool,
    pub backed_up: bool,
    /// The assertion that turns the factor into a verified one.
    pub verify: WebauthnChallenge,
}

/// Machine-readable error codes. Clients match on these, never on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    InvalidInvite,
    InviteExpired,
    InviteUsed,
    Unauthorized,
    DeviceRevoked,
    NotFound,
    PayloadTooLarge,
    TotpInvalid,
    TotpReplayed,
    RecoveryCodeInvalid,
    /// The username and recovery code do not match (which one is wrong is not said).
    RecoveryRefused,
    /// The request needs a recovery session, which this device does not have (any more).
    RecoverySessionRequired,
    /// The request conflicts with the current state (e.g. this device belongs to someone else).
    Conflict,
    /// The WebAuthn ceremony is unknown, was already finished, or has expired.
    CeremonyInvalid,
    /// The authenticator's answer failed the relying party's checks (origin, challenge,
    /// signature, ...).
    WebauthnRejected,
    /// This security key is already registered.
    CredentialExists,
    /// The organisation's policy does not accept this key (model, attestation, verification).
    KeyNotAllowed,
    /// The report's signature is missing or does not verify with the device's key.
    SignatureInvalid,
    /// The device joined without a key and must add one before it reports
    /// (`POST /v1/devices/me/key`).
    DeviceKeyRequired,
    /// A report with this sequence number (or an older one) was already received.
    ReportReplayed,
    RateLimited,
    /// The organisation has no (such) identity provider to join with: use an invite.
    SsoUnavailable,
    /// The sign-in flow is unknown, expired or already used: start again.
    SsoExpired,
    /// The identity provider's answer failed the server's checks (issuer, audience, expiry,
    /// signature, nonce) or the provider refused the code.
    SsoRefused,
    /// The person signed in, but the organisation does not let them join this way (an email
    /// domain not allowed, or a person the server does not know).
    SsoNotAllowed,
    /// The identity provider could not be reached by the server.
    SsoIdpUnreachable,
    /// The server is at capacity for this kind of work; try again after `Retry-After` seconds.
    Busy,
    /// The server cannot do its work at the moment (e.g. its database refuses writes).
    Unavailable,
    Internal,
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// A sentence for a person: what went wrong and what to do.
    pub message: String,
    /// For an internal error: the reference under which the server logged it, to quote to
    /// whoever runs the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}
