//! The window: Tauri commands (thin adapters over the agent), the key watcher that tells
//! the window to refresh, and the launch link.

use std::sync::{Arc, Mutex};

use lastmile_agent::Agent;
use lastmile_agent::system::{OsSecrets, SystemDevice, system_agent};
use lastmile_core::settings::RawLayer;
use lastmile_device::clock::SystemClock;
use lastmile_proto::api::AccountView;
use lastmile_proto::app::{
    AppError, AppErrorCode, FactorSummary, JoinOutcome, RecoveryCodes, RecoverySignedIn, SecurityKeyEnrolled,
    SecurityKeyStep, StatusReport, TotpSetup, events,
};
use tauri::{Emitter, Manager, Runtime, State};

type SystemAgent = Agent<SystemDevice, OsSecrets, SystemClock>;

/// What the commands share.
struct AppState {
    agent: Arc<SystemAgent>,
    launch_link: Mutex<Option<String>>,
    /// The security-key enrollment in progress, if any.
    key_session: Mutex<Option<Arc<WindowPrompt>>>,
}

/// How long the window waits for a key to be plugged in.
const KEY_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// How long the key waits for the window to answer a PIN prompt.
const PIN_WAIT: std::time::Duration = std::time::Duration::from_secs(180);

/// Bridges a security-key ceremony to the window: each step is an event
/// (`security-key-step`: `insert`, `pin`, `touch`, `touch_again`, `working`), the PIN comes back through
/// `security_key_pin`, and `security_key_cancel` abandons the ceremony.
struct WindowPrompt {
    emit: Box<dyn Fn(SecurityKeyStep) + Send + Sync>,
    pin_tx: std::sync::mpsc::SyncSender<Option<String>>,
    pin_rx: Mutex<std::sync::mpsc::Receiver<Option<String>>>,
    verifying: std::sync::atomic::AtomicBool,
    cancelled: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for WindowPrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WindowPrompt").field("cancelled", &self.is_cancelled()).finish_non_exhaustive()
    }
}

impl WindowPrompt {
    fn new(emit: impl Fn(SecurityKeyStep) + Send + Sync + 'static) -> Self {
        let (pin_tx, pin_rx) = std::sync::mpsc::sync_channel(1);
        WindowPrompt {
            emit: Box::new(emit),
            pin_tx,
            pin_rx: Mutex::new(pin_rx),
            verifying: std::sync::atomic::AtomicBool::new(false),
            cancelled: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn cancel(&self) {
        self.cancelled.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = self.pin_tx.try_send(None);
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn step(&self, step: &str) {
        (self.emit)(SecurityKeyStep { step: step.into(), min_pin_length: None });
    }

    fn wait_for_pin(&self) -> Option<String> {
        let rx = self.pin_rx.lock().ok()?;
        rx.recv_timeout(PIN_WAIT).ok().flatten()
    }
}

impl lastmile_device::keys::KeyPrompt for WindowPrompt {
    fn phase(&self, phase: lastmile_device::keys::KeyPhase) {
        let verifying = phase == lastmile_device::keys::KeyPhase::Verify;
        self.verifying.store(verifying, std::sync::atomic::Ordering::SeqCst);
    }
    fn pin(&self) -> Option<String> {
        if self.is_cancelled() {
            return None;
        }
        self.step("pin");
        self.wait_for_pin()
    }
    fn new_pin(&self, min_length: u32) -> Option<String> {
        if self.is_cancelled() {
            return None;
        }
        (self.emit)(SecurityKeyStep { step: "new_pin".into(), min_pin_length: Some(min_length) });
        self.wait_for_pin()
    }
    fn touch(&self) {
        self.step(if self.verifying.load(std::sync::atomic::Ordering::SeqCst) { "touch_again" } else { "touch" });
    }
    fn processing(&self) {
        self.step("working");
    }
    fn insert(&self) {
        self.step("insert");
    }
    fn cancelled(&self) -> bool {
        self.is_cancelled()
    }
}

/// Longest invite input accepted over IPC (a link with a long server URL fits easily).
const MAX_INVITE_INPUT: usize = 2048;

#[tauri::command]
async fn get_status(state: State<'_, AppState>) -> Result<StatusReport, AppError> {
    let result = state.agent.status().await.map_err(|e| e.to_app_error());
    static FIRST: std::sync::Once = std::sync::Once::new();
    FIRST.call_once(|| {
        if let Some(started) = crate::STARTED.get() {
            tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "first status delivered to the window");
        }
    });
    result
}

#[tauri::command]
async fn join(state: State<'_, AppState>, invite: String) -> Result<JoinOutcome, AppError> {
    if invite.len() > MAX_INVITE_INPUT || invite.chars().any(char::is_control) {
        return Err(AppError {
            code: AppErrorCode::InvalidInput,
            message: "that does not look like an invite code or link".into(),
            hint: Some("Paste the code (ABCD-EFGH-JKMN-PQRS) or the lastmile:// link from your invite.".into()),
        });
    }
    state.agent.join(&invite).await.map_err(|e| e.to_app_error())
}

#[tauri::command]
async fn leave(state: State<'_, AppState>) -> Result<bool, AppError> {
    state.agent.leave().await.map_err(|e| e.to_app_error())
}

/// Starts adding an authenticator app: the clock is checked, the server makes the secret,
/// the QR code is rendered here.
#[tauri::command]
async fn totp_begin(state: State<'_, AppState>) -> Result<TotpSetup, AppError> {
    let clock = match state.agent.clock().await {
        Ok(c) => c,
        Err(e) => return Err(e.to_app_error()),
    };
    let e = state.agent.totp_begin().await.map_err(|e| e.to_app_error())?;
    let qr = crate::qr::svg_data_url(&e.otpauth_uri).map_err(|err| AppError {
        code: AppErrorCode::Internal,
        message: format!("cannot draw the QR code: {err}"),
        hint: None,
    })?;
    Ok(TotpSetup {
        factor_id: e.factor_id.clone(),
        qr_svg_data_url: qr,
        secret_grouped: lastmile_core::totp::group_for_typing(&e.secret),
        account: e.account.clone(),
        issuer: e.issuer.clone(),
        digits: e.digits,
        period_s: e.period_s,
        widely_supported: e.widely_supported,
        clock,
    })
}

#[tauri::command]
async fn totp_verify(state: State<'_, AppState>, factor_id: String, code: String) -> Result<FactorSummary, AppError> {
    if factor_id.len() > 64 || code.len() > 32 {
        return Err(AppError { code: AppErrorCode::InvalidInput, message: "that is not a code".into(), hint: None });
    }
    let f = state.agent.totp_verify(&factor_id, &code).await.map_err(|e| e.to_app_error())?;
    Ok(lastmile_agent::factor_summary(&f))
}

/// A new set of recovery codes (the previous set stops working on the server at once).
#[tauri::command]
async fn recovery_new(state: State<'_, AppState>) -> Result<RecoveryCodes, AppError> {
    let set = state.agent.recovery_codes_new().await.map_err(|e| e.to_app_error())?;
    Ok(RecoveryCodes { factor_id: set.factor_id.clone(), codes: set.codes.clone() })
}

/// Saves the codes the user is looking at to a new file in their documents folder.
#[tauri::command]
fn recovery_save(codes: Vec<String>) -> Result<String, AppError> {
    let invalid =
        || AppError { code: AppErrorCode::InvalidInput, message: "these are not recovery codes".into(), hint: None };
    if codes.is_empty() || codes.len() > lastmile_core::recovery::SET_SIZE {
        return Err(invalid());
    }
    if codes.iter().any(|c| lastmile_core::recovery::RecoveryCode::parse(c).is_err()) {
        return Err(invalid());
    }
    let dir = lastmile_device::paths::documents_dir().map_err(|e| AppError {
        code: AppErrorCode::LocalState,
        message: e.to_string(),
        hint: None,
    })?;
    let mut path = dir.join("Lastmile recovery codes.txt");
    for n in 2..100 {
        if !path.exists() {
            break;
        }
        path = dir.join(format!("Lastmile recovery codes ({n}).txt"));
    }
    lastmile_agent::files::write_recovery_codes(&path, &codes).map_err(|e| AppError {
        code: AppErrorCode::LocalState,
        message: format!("cannot save to {}: {e}", path.display()),
        hint: Some("Use Print or Copy instead.".into()),
    })?;
    Ok(path.display().to_string())
}

#[tauri::command]
async fn recovery_confirm(
    state: State<'_, AppState>,
    factor_id: String,
    code: String,
) -> Result<FactorSummary, AppError> {
    if factor_id.len() > 64 || code.len() > 64 {
        return Err(AppError { code: AppErrorCode::InvalidInput, message: "that is not a code".into(), hint: None });
    }
    let f = state.agent.recovery_codes_confirm(&factor_id, &code).await.map_err(|e| e.to_app_error())?;
    Ok(lastmile_agent::factor_summary(&f))
}

fn invalid_input(message: &str) -> AppError {
    AppError { code: AppErrorCode::InvalidInput, message: message.into(), hint: None }
}

/// Checks a short text field from the window: bounded, no control characters.
fn short_text(value: &str, max: usize, what: &str) -> Result<(), AppError> {
    if value.len() > max || value.chars().any(char::is_control) {
        return Err(invalid_input(&format!("that is not a valid {what}")));
    }
    Ok(())
}

/// Signs in with a recovery code (after checking the clock); the device joins the account.
#[tauri::command]
async fn recover_sign_in(
    state: State<'_, AppState>,
    server: Option<String>,
    organisation: Option<String>,
    username: String,
    code: String,
) -> Result<RecoverySignedIn, AppError> {
    short_text(server.as_deref().unwrap_or_default(), MAX_INVITE_INPUT, "server address")?;
    short_text(organisation.as_deref().unwrap_or_default(), 64, "organisation")?;
    short_text(&username, 254, "email address")?;
    short_text(&code, 64, "recovery code")?;
    let input = lastmile_agent::RecoverInput { server, organisation, username, code };
    state.agent.recover_sign_in(&input).await.map_err(|e| e.to_app_error())
}

#[tauri::command]
async fn recovery_account(state: State<'_, AppState>) -> Result<AccountView, AppError> {
    state.agent.recovery_account().await.map_err(|e| e.to_app_error())
}

#[tauri::command]
async fn recovery_revoke_factor(state: State<'_, AppState>, factor_id: String) -> Result<AccountView, AppError> {
    short_text(&factor_id, 64, "factor")?;
    state.agent.recovery_revoke_factor(&factor_id).await.map_err(|e| e.to_app_error())
}

#[tauri::command]
async fn recovery_revoke_device(state: State<'_, AppState>, device_id: String) -> Result<AccountView, AppError> {
    short_text(&device_id, 64, "device")?;
    state.agent.recovery_revoke_device(&device_id).await.map_err(|e| e.to_app_error())
}

#[tauri::command]
async fn recovery_end(state: State<'_, AppState>) -> Result<AccountView, AppError> {
    state.agent.recovery_end().await.map_err(|e| e.to_app_error())
}

/// Registers a security key and has the server verify it with a second touch. The window
/// follows the steps through `security-key-step` events.
#[tauri::command]
async fn security_key_enroll<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<SecurityKeyEnrolled, AppError> {
    let prompt = Arc::new(WindowPrompt::new(move |step: SecurityKeyStep| {
        if let Err(e) = app.emit(events::SECURITY_KEY_STEP, step) {
            tracing::warn!(error = %e, "cannot tell the window about the security key");
        }
    }));
    if let Ok(mut session) = state.key_session.lock()
        && let Some(previous) = session.replace(prompt.clone())
    {
        previous.cancel();
    }
    let result = state.agent.enroll_security_key(prompt.clone(), KEY_WAIT).await;
    if let Ok(mut session) = state.key_session.lock()
        && session.as_ref().is_some_and(|p| Arc::ptr_eq(p, &prompt))
    {
        *session = None;
    }
    if prompt.is_cancelled() {
        return Err(AppError {
            code: AppErrorCode::KeyCancelled,
            message: "cancelled; nothing counts until the key is registered and verified".into(),
            hint: None,
        });
    }
    result.map_err(|e| e.to_app_error())
}

/// The PIN the window asked for (`None`: the person cancelled).
#[tauri::command]
fn security_key_pin(state: State<'_, AppState>, pin: Option<String>) -> Result<(), AppError> {
    if pin.as_ref().is_some_and(|p| p.len() > 63 || p.chars().any(char::is_control)) {
        return Err(AppError {
            code: AppErrorCode::InvalidInput,
            message: "a PIN has at most 63 characters".into(),
            hint: None,
        });
    }
    let session = state.key_session.lock().ok().and_then(|s| s.clone());
    match session {
        Some(prompt) => {
            let _ = prompt.pin_tx.try_send(pin);
            Ok(())
        }
        None => Err(AppError {
            code: AppErrorCode::InvalidInput,
            message: "no security key is waiting for a PIN".into(),
            hint: None,
        }),
    }
}

/// Abandons the security-key enrollment in progress.
#[tauri::command]
fn security_key_cancel(state: State<'_, AppState>) {
    if let Some(prompt) = state.key_session.lock().ok().and_then(|mut s| s.take()) {
        prompt.cancel();
    }
}

/// The lastmile:// link the app was opened with, once, checked: a link that is not one of
/// Lastmile's own (join or open a known step) is dropped and logged.
#[tauri::command]
fn initial_link(state: State<'_, AppState>) -> Option<lastmile_proto::app::LaunchLink> {
    use lastmile_core::deep_link::DeepLink;
    let link = state.launch_link.lock().ok().and_then(|mut l| l.take())?;
    match DeepLink::parse(&link) {
        Ok(parsed) => Some(lastmile_proto::app::LaunchLink {
            action: if matches!(parsed, DeepLink::Join { .. }) { "join" } else { "open" }.into(),
            step: parsed.step().map(|s| s.wire().to_string()),
            link,
        }),
        Err(e) => {
            tracing::warn!(error = %e, "ignoring a link the app was opened with");
            None
        }
    }
}

/// The builder with every command registered; tests pass a mock runtime's builder.
pub fn setup_builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        get_status,
        join,
        leave,
        initial_link,
        totp_begin,
        totp_verify,
        recovery_new,
        recovery_save,
        recovery_confirm,
        recover_sign_in,
        recovery_account,
        recovery_revoke_factor,
        recovery_revoke_device,
        recovery_end,
        security_key_enroll,
        security_key_pin,
        security_key_cancel
    ])
}

/// Runs the app on `builder` with the given agent settings.
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>, layer: RawLayer, link: Option<String>) -> anyhow::Result<()> {
    let agent = system_agent(layer).map_err(|e| anyhow::anyhow!(e.message))?;
    let link = link.filter(|l| l.to_ascii_lowercase().starts_with("lastmile:"));
    setup_builder(builder)
        .manage(AppState { agent: Arc::new(agent), launch_link: Mutex::new(link), key_session: Mutex::new(None) })
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                lean_webview(&window);
            }
            let handle = app.handle().clone();
            // Plugging or pulling a key: tell the window to re-read the status.
            let watcher = tauri::async_runtime::spawn(async move {
                let task = lastmile_device::fido::watch(move || {
                    if let Err(e) = handle.emit(events::AUTHENTICATORS_CHANGED, ()) {
                        tracing::warn!(error = %e, "cannot notify the window");
                    }
                });
                let _ = task.await;
            });
            app.manage(Watcher(watcher));
            // The background reporter: a report every report interval, and whatever is
            // waiting in the outbox as soon as it is due.
            let (handle, agent) = (app.handle().clone(), app.state::<AppState>().agent.clone());
            let reporter = tauri::async_runtime::spawn(async move {
                let mut last_report = None;
                loop {
                    tokio::time::sleep(REPORTER_TICK).await;
                    match agent.background_tick(last_report).await {
                        Ok(at) => last_report = at,
                        Err(e) => tracing::debug!(error = %e.message, "background report not sent"),
                    }
                    let _ = handle.emit(events::STATUS_CHANGED, ());
                }
            });
            app.manage(Reporter(reporter));
            Ok(())
        })
        .run(tauri::generate_context!())?;
    Ok(())
}

/// Turns off WebKitGTK's accelerated compositing: this UI gains nothing from it, and under a
/// software GL stack (VMs, remote desktops, Xvfb) it costs about 90 MB in the web process
/// (`scripts/bench.sh`). `LASTMILE_WEBKIT_COMPOSITING=1` keeps WebKit's default.
fn lean_webview<R: Runtime>(window: &tauri::WebviewWindow<R>) {
    if std::env::var_os("LASTMILE_WEBKIT_COMPOSITING").is_some() {
        return;
    }
    #[cfg(target_os = "linux")]
    let result = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = WebViewExt::settings(&webview.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    #[cfg(not(target_os = "linux"))]
    let result: tauri::Result<()> = {
        let _ = window;
        Ok(())
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "cannot adjust the webview settings");
    }
}

struct Watcher(#[allow(dead_code)] tauri::async_runtime::JoinHandle<()>);
struct Reporter(#[allow(dead_code)] tauri::async_runtime::JoinHandle<()>);

/// How often the background reporter looks at the clock and the outbox.
const REPORTER_TICK: std::time::Duration = std::time::Duration::from_secs(60);

pub fn run(layer: RawLayer, link: Option<String>) -> anyhow::Result<()> {
    if std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
        && cfg!(target_os = "linux")
    {
        anyhow::bail!("no display (DISPLAY and WAYLAND_DISPLAY are unset); use `lastmile status` headless");
    }
    run_app(tauri::Builder::default(), layer, link)
}
