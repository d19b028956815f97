//! The WebAuthn client side: registering a security key (or the platform authenticator)
//! with the server's options, and asserting with it, through webauthn-authenticator-rs.
//!
//! Backends:
//! * USB CTAP2 security keys (feature `usb`; Linux and macOS), one key at a time;
//! * Windows: the Windows WebAuthn API (Windows Hello and security keys; it asks for the PIN
//!   and touch itself), from the crate's `win10` backend;
//! * the crate's software authenticator, only with the feature `test-hooks`, which exists for
//!   the end-to-end tests and which the packaged app refuses to compile with.
//!
//! The calls block (the crate drives CTAP2 with `block_on`): run them on a blocking thread.

use webauthn_authenticator_rs::prelude::{
    CreationChallengeResponse, RequestChallengeResponse, Url, WebauthnAuthenticator, WebauthnCError,
};
use webauthn_authenticator_rs::types::{CableRequestType, CableState, EnrollSampleStatus};

/// Which ceremony is running, so that a prompt can say "touch" or "touch again to verify".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPhase {
    Register,
    Verify,
}

/// What a ceremony needs from the person, and tells them.
pub trait KeyPrompt: Send + Sync + std::fmt::Debug {
    /// A ceremony starts.
    fn phase(&self, _phase: KeyPhase) {}
    /// The key's PIN, or `None` when the person cancels.
    fn pin(&self) -> Option<String>;
    /// The key waits for a touch.
    fn touch(&self);
    /// The key is working.
    fn processing(&self) {}
    /// No key is plugged in; waiting for one.
    fn insert(&self) {}
    /// The OS shows its own window for the ceremony (Windows Security: Windows Hello, a
    /// security key, its PIN and touch); the person follows it there.
    fn system(&self) {}
    /// Whether the person gave up (checked while waiting for a key).
    fn cancelled(&self) -> bool {
        false
    }
    /// A new PIN (at least `min_length` characters) for a key that has none, or to replace
    /// the current one; `None` to cancel.
    fn new_pin(&self, _min_length: u32) -> Option<String> {
        None
    }
}

/// What a key says about its PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinState {
    /// The key can check a PIN at all.
    pub supported: bool,
    /// A PIN is set.
    pub set: bool,
    /// The shortest PIN the key accepts.
    pub min_length: u32,
}

/// Why a ceremony with a key failed, in terms a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyFailure {
    /// No security key is plugged in.
    NoKey,
    /// More than one is; Lastmile uses one at a time.
    SeveralKeys(usize),
    /// The PIN was wrong.
    PinWrong,
    /// Too many wrong PINs: the key must be reset (which erases its credentials).
    PinBlocked,
    /// Three wrong PINs in a row: unplug the key and plug it in again.
    PinAuthBlocked,
    /// The key has no PIN, and this registration needs one.
    PinNotSet,
    /// A new PIN is shorter than the organisation or the key allows.
    PinTooShort(u32),
    /// The organisation requires a PIN, and this key cannot check one.
    PinUnsupported,
    /// The person cancelled (e.g. at the PIN prompt).
    Cancelled,
    /// Nobody touched the key in time.
    NoTouch,
    /// This key is already registered for this account.
    Excluded,
    /// The key was pulled out or stopped answering.
    Removed,
    /// The OS does not let this user open the key (Linux: /dev/hidraw permissions).
    NoPermission(String),
    /// Anything else, described.
    Other(String),
}

impl std::fmt::Display for KeyFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyFailure::NoKey => f.write_str("no security key is plugged in"),
            KeyFailure::SeveralKeys(n) => write!(f, "{n} security keys are plugged in; Lastmile uses one at a time"),
            KeyFailure::PinWrong => f.write_str("the PIN is not right"),
            KeyFailure::PinBlocked => f.write_str("the key's PIN is blocked after too many wrong tries"),
            KeyFailure::PinAuthBlocked => f.write_str("the key stopped accepting PINs until it is plugged in again"),
            KeyFailure::PinNotSet => f.write_str("the key has no PIN yet, and your organisation requires one"),
            KeyFailure::PinTooShort(n) => write!(f, "the PIN must have at least {n} characters"),
            KeyFailure::PinUnsupported => {
                f.write_str("this key cannot check a PIN, and your organisation requires one")
            }
            KeyFailure::Cancelled => f.write_str("cancelled"),
            KeyFailure::NoTouch => f.write_str("the key was not touched in time"),
            KeyFailure::Excluded => f.write_str("this key is already registered for your account"),
            KeyFailure::Removed => f.write_str("the key was pulled out or stopped answering"),
            KeyFailure::NoPermission(detail) => write!(f, "this user may not open the security key: {detail}"),
            KeyFailure::Other(detail) => f.write_str(detail),
        }
    }
}

impl From<WebauthnCError> for KeyFailure {
    fn from(e: WebauthnCError) -> Self {
        use webauthn_authenticator_rs::error::CtapError as C;
        match e {
            WebauthnCError::Ctap(C::Ctap2PinInvalid) => KeyFailure::PinWrong,
            WebauthnCError::Ctap(C::Ctap2PinBlocked) => KeyFailure::PinBlocked,
            WebauthnCError::Ctap(C::Ctap2PinAuthBlocked) => KeyFailure::PinAuthBlocked,
            WebauthnCError::Ctap(C::Ctap2PinNotSet) | WebauthnCError::UserVerificationRequired => KeyFailure::PinNotSet,
            WebauthnCError::Ctap(C::Ctap2CredentialExcluded) => KeyFailure::Excluded,
            WebauthnCError::Ctap(C::Ctap2UserActionTimeout) => KeyFailure::NoTouch,
            WebauthnCError::Ctap(C::Ctap2KeepAliveCancel | C::Ctap2OperationDenied) | WebauthnCError::Cancelled => {
                KeyFailure::Cancelled
            }
            WebauthnCError::NoSelectedToken | WebauthnCError::NoHidDevices => KeyFailure::NoKey,
            WebauthnCError::PinTooShort | WebauthnCError::Ctap(C::Ctap2PinPolicyViolation) => {
                KeyFailure::PinTooShort(4)
            }
            WebauthnCError::HidError(h) => KeyFailure::Removed.or_other(format!("{h:?}")),
            other => KeyFailure::Other(format!("the security key refused: {other:?}")),
        }
    }
}

impl KeyFailure {
    fn or_other(self, detail: String) -> KeyFailure {
        if detail.contains("Permission") { KeyFailure::NoPermission(detail) } else { self }
    }
}

/// One authenticator, ready for ceremonies. Options and answers are WebAuthn JSON as the
/// server sends and expects them.
pub trait Authenticator: Send {
    /// What it is, for messages ("YubiKey 5 Series", "Windows Hello", ...).
    fn name(&self) -> String;
    fn register(&mut self, origin: &str, options: serde_json::Value) -> Result<serde_json::Value, KeyFailure>;
    fn authenticate(&mut self, origin: &str, options: serde_json::Value) -> Result<serde_json::Value, KeyFailure>;
    /// The key's PIN state; `None` when the platform manages PINs itself (Windows).
    fn pin_state(&mut self) -> Result<Option<PinState>, KeyFailure> {
        Ok(None)
    }
    /// Sets a PIN on a key that has none.
    fn set_pin(&mut self, _pin: &str) -> Result<(), KeyFailure> {
        Err(KeyFailure::Other("this authenticator's PIN is managed by the operating system".into()))
    }
    /// Replaces the key's PIN (the current one proves the person may).
    fn change_pin(&mut self, _current: &str, _new: &str) -> Result<(), KeyFailure> {
        Err(KeyFailure::Other("this authenticator's PIN is managed by the operating system".into()))
    }
    /// How many wrong PINs the key still takes before it locks itself, when it says.
    fn pin_retries(&mut self) -> Option<u32> {
        None
    }
}

fn origin(origin: &str) -> Result<Url, KeyFailure> {
    Url::parse(origin).map_err(|e| KeyFailure::Other(format!("the server sent an invalid origin {origin:?}: {e}")))
}

fn creation(options: serde_json::Value) -> Result<CreationChallengeResponse, KeyFailure> {
    serde_json::from_value(options).map_err(|e| KeyFailure::Other(format!("the server's registration options: {e}")))
}

fn request(options: serde_json::Value) -> Result<RequestChallengeResponse, KeyFailure> {
    serde_json::from_value(options).map_err(|e| KeyFailure::Other(format!("the server's assertion options: {e}")))
}

fn answer<T: serde::Serialize>(v: T) -> Result<serde_json::Value, KeyFailure> {
    serde_json::to_value(v).map_err(|e| KeyFailure::Other(e.to_string()))
}

/// Runs ceremonies through any webauthn-authenticator-rs backend.
fn register_with(
    backend: &mut impl WebauthnAuthenticator,
    o: &str,
    options: serde_json::Value,
) -> Result<serde_json::Value, KeyFailure> {
    answer(backend.do_registration(origin(o)?, creation(options)?)?)
}

fn authenticate_with(
    backend: &mut impl WebauthnAuthenticator,
    o: &str,
    options: serde_json::Value,
) -> Result<serde_json::Value, KeyFailure> {
    answer(backend.do_authentication(origin(o)?, request(options)?)?)
}

/// Bridges the crate's UI callback to a [`KeyPrompt`].
#[derive(Debug)]
struct Ui<'a>(&'a dyn KeyPrompt);

impl webauthn_authenticator_rs::ui::UiCallback for Ui<'_> {
    fn request_pin(&self) -> Option<String> {
        self.0.pin()
    }
    fn request_touch(&self) {
        self.0.touch();
    }
    fn processing(&self) {
        self.0.processing();
    }
    fn fingerprint_enrollment_feedback(&self, _remaining: u32, _feedback: Option<EnrollSampleStatus>) {}
    fn cable_qr_code(&self, _request_type: CableRequestType, _url: String) {}
    fn dismiss_qr_code(&self) {}
    fn cable_status_update(&self, _state: CableState) {}
}

/// Where CTAP2 tokens come from: the USB bus in the app, a software authenticator in tests.
pub trait TokenSource: Send + Sync + 'static {
    type Token: webauthn_authenticator_rs::transport::Token + 'static;
    /// The tokens present now.
    fn tokens(&self) -> impl std::future::Future<Output = Result<Vec<Self::Token>, KeyFailure>>;
}

/// The one CTAP2 key a [`TokenSource`] offers. Each ceremony opens it afresh, so pulling it
/// out between registration and assertion is reported, not hung on.
#[derive(Debug)]
pub struct CtapKey<S> {
    source: S,
    prompt: std::sync::Arc<dyn KeyPrompt>,
    name: String,
}

impl<S: TokenSource> CtapKey<S> {
    /// Finds the key. Blocking.
    pub fn open(source: S, prompt: std::sync::Arc<dyn KeyPrompt>) -> Result<CtapKey<S>, KeyFailure> {
        let name = Self::with_key(&source, &*prompt, |auth| {
            let info = auth.get_info();
            let aaguid = info.aaguid.map(|u| u.to_string());
            Ok(aaguid.as_deref().and_then(crate::fido::model_name).unwrap_or("security key").to_string())
        })?;
        Ok(CtapKey { source, prompt, name })
    }

    fn with_key<T>(
        source: &S,
        prompt: &dyn KeyPrompt,
        f: impl FnOnce(
            &mut webauthn_authenticator_rs::ctap2::CtapAuthenticator<'_, S::Token, Ui<'_>>,
        ) -> Result<T, KeyFailure>,
    ) -> Result<T, KeyFailure> {
        use webauthn_authenticator_rs::ctap2::CtapAuthenticator;
        let ui = Ui(prompt);
        let mut auth = futures::executor::block_on(async {
            let mut tokens = source.tokens().await?;
            let token = match tokens.len() {
                0 => return Err(KeyFailure::NoKey),
                1 => tokens.remove(0),
                n => return Err(KeyFailure::SeveralKeys(n)),
            };
            CtapAuthenticator::new(token, &ui).await.ok_or(KeyFailure::Removed)
        })?;
        // Outside the executor above: the crate's ceremonies run their own `block_on`, and
        // futures' executors refuse to nest (found by the soft-fido2 tests).
        f(&mut auth)
    }
}

impl<S: TokenSource> Authenticator for CtapKey<S> {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn register(&mut self, o: &str, options: serde_json::Value) -> Result<serde_json::Value, KeyFailure> {
        Self::with_key(&self.source, &*self.prompt, |auth| register_with(auth, o, options))
    }
    fn authenticate(&mut self, o: &str, options: serde_json::Value) -> Result<serde_json::Value, KeyFailure> {
        Self::with_key(&self.source, &*self.prompt, |auth| authenticate_with(auth, o, options))
    }
    fn pin_state(&mut self) -> Result<Option<PinState>, KeyFailure> {
        Self::with_key(&self.source, &*self.prompt, |auth| {
            let info = auth.get_info();
            let client_pin = info.options.as_ref().and_then(|o| o.get("clientPin")).copied();
            Ok(Some(PinState {
                supported: client_pin.is_some(),
                set: client_pin == Some(true),
                min_length: info.get_min_pin_length() as u32,
            }))
        })
    }
    fn set_pin(&mut self, pin: &str) -> Result<(), KeyFailure> {
        Self::with_key(&self.source, &*self.prompt, |auth| {
            futures::executor::block_on(auth.set_new_pin(pin)).map_err(KeyFailure::from)
        })
    }
    fn change_pin(&mut self, current: &str, new: &str) -> Result<(), KeyFailure> {
        Self::with_key(&self.source, &*self.prompt, |auth| {
            futures::executor::block_on(auth.change_pin(current, new)).map_err(KeyFailure::from)
        })
    }
    fn pin_retries(&mut self) -> Option<u32> {
        // The crate asks for the retries only inside its own PIN prompt, so ask the key
        // directly (authenticatorClientPin, getPinRetries).
        use webauthn_authenticator_rs::ctap2::commands::{ClientPinRequest, ClientPinSubCommand};
        use webauthn_authenticator_rs::transport::Token;
        let ui = Ui(&*self.prompt);
        futures::executor::block_on(async {
            let mut tokens = self.source.tokens().await.ok()?;
            let mut token = (tokens.len() == 1).then(|| tokens.remove(0))?;
            token.init().await.ok()?;
            let request = ClientPinRequest {
                pin_uv_protocol: Some(1),
                sub_command: ClientPinSubCommand::GetPinRetries,
                ..Default::default()
            };
            token.transmit(request, &ui).await.ok()?.pin_retries
        })
    }
}

/// USB HID security keys.
#[cfg(feature = "usb")]
#[derive(Debug, Clone, Copy, Default)]
pub struct Usb;

#[cfg(feature = "usb")]
impl TokenSource for Usb {
    type Token = webauthn_authenticator_rs::usb::USBToken;

    async fn tokens(&self) -> Result<Vec<Self::Token>, KeyFailure> {
        use webauthn_authenticator_rs::transport::Transport as _;
        let transport = webauthn_authenticator_rs::usb::USBTransport::new().await.map_err(KeyFailure::from)?;
        let tokens = transport.tokens().await.map_err(KeyFailure::from)?;
        if tokens.is_empty()
            && let Some(lastmile_proto::app::KeysNote::NoPermission { nodes, .. }) = crate::fido::why_not_found(0)
        {
            return Err(KeyFailure::NoPermission(format!(
                "{} (no udev rule gives this user access to FIDO keys)",
                nodes.join(", ")
            )));
        }
        Ok(tokens)
    }
}

/// The one USB security key plugged in, over CTAP2.
#[cfg(feature = "usb")]
pub type UsbKey = CtapKey<Usb>;

/// Windows: the Windows WebAuthn API, which shows its own prompts (Windows Hello, PIN,
/// touch) and reaches USB keys too (Windows does not let applications talk to them
/// directly).
#[cfg(windows)]
pub struct WindowsWebauthn {
    api: webauthn_authenticator_rs::win10::Win10,
    prompt: std::sync::Arc<dyn KeyPrompt>,
}

#[cfg(windows)]
impl std::fmt::Debug for WindowsWebauthn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WindowsWebauthn")
    }
}

#[cfg(windows)]
impl WindowsWebauthn {
    pub fn open(prompt: std::sync::Arc<dyn KeyPrompt>) -> WindowsWebauthn {
        WindowsWebauthn { api: webauthn_authenticator_rs::win10::Win10::default(), prompt }
    }
}

#[cfg(windows)]
impl Authenticator for WindowsWebauthn {
    fn name(&self) -> String {
        "Windows Hello or a security key".into()
    }
    fn register(&mut self, o: &str, options: serde_json::Value) -> Result<serde_json::Value, KeyFailure> {
        self.prompt.system();
        register_with(&mut self.api, o, options)
    }
    fn authenticate(&mut self, o: &str, options: serde_json::Value) -> Result<serde_json::Value, KeyFailure> {
        self.prompt.system();
        authenticate_with(&mut self.api, o, options)
    }
}

/// The crate's software authenticator, for tests only (feature `test-hooks`). Its state lives in a file so that later runs can assert with the
/// credential an earlier run registered.
#[cfg(feature = "test-hooks")]
#[derive(Debug)]
pub struct SoftKey {
    path: std::path::PathBuf,
    prompt: std::sync::Arc<dyn KeyPrompt>,
}

#[cfg(feature = "test-hooks")]
impl SoftKey {
    pub fn open(path: &std::path::Path, prompt: std::sync::Arc<dyn KeyPrompt>) -> Result<SoftKey, KeyFailure> {
        if !path.exists() {
            let token = webauthn_authenticator_rs::softtoken::SoftToken::new(true)
                .map_err(|e| KeyFailure::Other(format!("software authenticator: {e:?}")))?
                .0;
            let cbor = token.to_cbor().map_err(|e| KeyFailure::Other(format!("software authenticator: {e:?}")))?;
            std::fs::write(path, cbor).map_err(|e| KeyFailure::Other(format!("{}: {e}", path.display())))?;
        }
        Ok(SoftKey { path: path.to_path_buf(), prompt })
    }

    fn with_token<T>(
        &self,
        f: impl FnOnce(&mut webauthn_authenticator_rs::softtoken::SoftToken) -> Result<T, KeyFailure>,
    ) -> Result<T, KeyFailure> {
        use webauthn_authenticator_rs::softtoken::SoftToken;
        let io = |e: std::io::Error| KeyFailure::Other(format!("{}: {e}", self.path.display()));
        let mut token = SoftToken::from_cbor(&std::fs::read(&self.path).map_err(io)?)
            .map_err(|e| KeyFailure::Other(format!("software authenticator state: {e:?}")))?;
        // LASTMILE_SOFT_AUTHENTICATOR_SYSTEM_MS: answer as an OS dialog would, after a while
        // (the window's screen for Windows' own dialog, which nothing here can show).
        match std::env::var("LASTMILE_SOFT_AUTHENTICATOR_SYSTEM_MS").ok().and_then(|ms| ms.parse().ok()) {
            Some(ms) => {
                self.prompt.system();
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
            None => self.prompt.touch(),
        }
        let out = f(&mut token)?;
        let cbor = token.to_cbor().map_err(|e| KeyFailure::Other(format!("software authenticator: {e:?}")))?;
        std::fs::write(&self.path, cbor).map_err(io)?;
        Ok(out)
    }
}

#[cfg(feature = "test-hooks")]
impl Authenticator for SoftKey {
    fn name(&self) -> String {
        "software test authenticator".into()
    }
    fn register(&mut self, o: &str, options: serde_json::Value) -> Result<serde_json::Value, KeyFailure> {
        self.with_token(|t| register_with(t, o, options))
    }
    fn authenticate(&mut self, o: &str, options: serde_json::Value) -> Result<serde_json::Value, KeyFailure> {
        self.with_token(|t| authenticate_with(t, o, options))
    }
}

/// The authenticator this build uses on this OS. With the feature `test-hooks`
/// and `LASTMILE_SOFT_AUTHENTICATOR=<state file>`, the software one. Blocking.
pub fn open(prompt: std::sync::Arc<dyn KeyPrompt>) -> Result<Box<dyn Authenticator>, KeyFailure> {
    #[cfg(feature = "test-hooks")]
    if let Some(path) = std::env::var_os("LASTMILE_SOFT_AUTHENTICATOR") {
        return Ok(Box::new(SoftKey::open(std::path::Path::new(&path), prompt)?));
    }
    #[cfg(windows)]
    {
        Ok(Box::new(WindowsWebauthn::open(prompt)))
    }
    #[cfg(all(not(windows), feature = "usb"))]
    {
        Ok(Box::new(UsbKey::open(Usb, prompt)?))
    }
    #[cfg(all(not(windows), not(feature = "usb")))]
    {
        let _ = prompt;
        Err(KeyFailure::Other("this build of Lastmile has no security-key support".into()))
    }
}

/// Like [`open`], but when no key is plugged in, says so once ([`KeyPrompt::insert`]) and
/// waits up to `wait` for one, until the person cancels. Blocking.
pub fn open_waiting(
    prompt: std::sync::Arc<dyn KeyPrompt>,
    wait: std::time::Duration,
) -> Result<Box<dyn Authenticator>, KeyFailure> {
    wait_for_key(prompt, wait, open)
}

/// Opens an authenticator with `opener`, waiting up to `wait` while there is none (see
/// [`open_waiting`]). Blocking.
pub fn wait_for_key(
    prompt: std::sync::Arc<dyn KeyPrompt>,
    wait: std::time::Duration,
    opener: impl Fn(std::sync::Arc<dyn KeyPrompt>) -> Result<Box<dyn Authenticator>, KeyFailure>,
) -> Result<Box<dyn Authenticator>, KeyFailure> {
    let started = std::time::Instant::now();
    let mut told = false;
    loop {
        match opener(prompt.clone()) {
            Err(KeyFailure::NoKey) if prompt.cancelled() => return Err(KeyFailure::Cancelled),
            Err(KeyFailure::NoKey) if started.elapsed() < wait => {
                if !told {
                    prompt.insert();
                    told = true;
                }
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use webauthn_authenticator_rs::error::CtapError;

    #[test]
    fn ctap_errors_become_actionable_failures() {
        let table = [
            (WebauthnCError::Ctap(CtapError::Ctap2PinInvalid), KeyFailure::PinWrong),
            (WebauthnCError::Ctap(CtapError::Ctap2PinBlocked), KeyFailure::PinBlocked),
            (WebauthnCError::Ctap(CtapError::Ctap2PinAuthBlocked), KeyFailure::PinAuthBlocked),
            (WebauthnCError::Ctap(CtapError::Ctap2CredentialExcluded), KeyFailure::Excluded),
            (WebauthnCError::Ctap(CtapError::Ctap2UserActionTimeout), KeyFailure::NoTouch),
            (WebauthnCError::Ctap(CtapError::Ctap2KeepAliveCancel), KeyFailure::Cancelled),
            (WebauthnCError::NoSelectedToken, KeyFailure::NoKey),
        ];
        for (e, want) in table {
            assert_eq!(KeyFailure::from(e), want);
        }
        assert!(matches!(KeyFailure::from(WebauthnCError::Security), KeyFailure::Other(_)));
    }
}
