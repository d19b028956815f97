//! The commands the window may call: thin adapters over the agent that check their input
//! first. Their names are listed once in [`super::COMMANDS`]; a test ties that list to
//! `generate_handler!` below and to the window's capability file.

use std::sync::Arc;

use lastmile_proto::api::AccountView;
use lastmile_proto::app::{
    AppError, AppErrorCode, FactorSummary, JoinOutcome, RecoveryCodes, RecoverySignedIn, SecurityKeyEnrolled,
    SecurityKeyStep, StatusReport, TotpSetup, events,
};
use tauri::{Emitter, Runtime, State};

use super::AppState;
use super::key_prompt::WindowPrompt;

/// How long the window waits for a key to be plugged in.
const KEY_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Longest invite input accepted over IPC (a link with a long server URL fits easily).
const MAX_INVITE_INPUT: usize = 2048;

#[tauri::command]
async fn get_status<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<StatusReport, AppError> {
    let result = state.agent.status().await.map_err(|e| e.to_app_error());
    if let Ok(report) = &result {
        super::tray::show(&app, report);
    }
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

/// Checks an organisation short name or sign-in id from the window.
fn slug(value: Option<&str>, what: &str) -> Result<(), AppError> {
    short_text(value.unwrap_or_default(), 64, what)
}

/// How people of the organisation (`None`: the `organisation` setting's) join by signing in.
#[tauri::command]
async fn sign_in_options(
    state: State<'_, AppState>,
    organisation: Option<String>,
) -> Result<lastmile_proto::api::SignInOptions, AppError> {
    slug(organisation.as_deref(), "organisation name")?;
    let organisation = organisation.as_deref().map(str::trim).filter(|o| !o.is_empty());
    state.agent.sign_in_options(organisation).await.map_err(|e| e.to_app_error())
}

/// Joins by signing in with the organisation's identity provider in the system browser
/// (never in this window's webview, RFC 8252 section 8.12). The window learns the address
/// through the `sso-started` event and can give up with [`sso_cancel`].
#[tauri::command]
async fn sso_join<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    organisation: Option<String>,
    provider: Option<String>,
) -> Result<JoinOutcome, AppError> {
    slug(organisation.as_deref(), "organisation name")?;
    slug(provider.as_deref(), "sign-in")?;
    let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    if let Ok(mut slot) = state.sso_cancel.lock()
        && let Some(previous) = slot.replace(cancel)
    {
        let _ = previous.send(());
    }
    let join = lastmile_agent::sso::SsoJoin {
        organisation: organisation.map(|o| o.trim().to_string()).filter(|o| !o.is_empty()),
        provider,
        timeout: lastmile_agent::sso::DEFAULT_TIMEOUT,
    };
    let started = |start: &lastmile_proto::api::SsoStart, url: &str| {
        let payload = lastmile_proto::app::SsoStarted {
            organisation: start.organisation.name.clone(),
            provider: start.provider.name.clone(),
            url: url.to_string(),
        };
        if let Err(e) = app.emit(events::SSO_STARTED, payload) {
            tracing::warn!(error = %e, "cannot tell the window where the sign-in is");
        }
    };
    // A dropped sender (a newer sign-in replaced this one) cancels as well.
    let cancelled = async move {
        let _ = cancelled.await;
    };
    let result = state.agent.join_sso(&join, &lastmile_agent::system::SystemBrowser, started, cancelled).await;
    result.map_err(|e| e.to_app_error())
}

/// Gives up the sign-in in progress, if any.
#[tauri::command]
fn sso_cancel(state: State<'_, AppState>) {
    if let Some(cancel) = state.sso_cancel.lock().ok().and_then(|mut s| s.take()) {
        let _ = cancel.send(());
    }
}

/// Opens the help page IT set (`support_url`) in the system browser. The window names no
/// address: only the setting's can be opened this way.
#[tauri::command]
fn open_support(state: State<'_, AppState>) -> Result<(), AppError> {
    let resolved = state.agent.resolve_settings().map_err(|e| e.to_app_error())?;
    let Some(url) = resolved.settings.support_url.value else {
        return Err(invalid_input("no help page is set on this device"));
    };
    lastmile_device::browser::open(url.as_str()).map_err(|e| AppError {
        code: AppErrorCode::Internal,
        message: e,
        hint: Some(format!("Open {url} in your browser.")),
    })
}

/// The language the window speaks: the `locale` setting, else the OS's languages.
#[tauri::command]
fn ui_locale(state: State<'_, AppState>) -> lastmile_proto::app::UiLocale {
    spoken(state.agent.locale())
}

/// A language the window is to speak, with its direction.
fn spoken(tag: &str) -> lastmile_proto::app::UiLocale {
    lastmile_proto::app::UiLocale { tag: tag.to_string(), rtl: lastmile_core::locale::is_rtl(tag) }
}

/// The person's own choice of language (`None`: the OS's), refused when IT sets it; the
/// language now spoken, for the window to switch to.
#[tauri::command]
fn set_locale(state: State<'_, AppState>, tag: Option<String>) -> Result<lastmile_proto::app::UiLocale, AppError> {
    state.agent.set_locale(tag.as_deref()).map(spoken).map_err(|e| e.to_app_error())
}

/// The person's own choice of starting at login (refused when IT decides).
#[tauri::command]
fn set_start_at_login(state: State<'_, AppState>, on: bool) -> Result<(), AppError> {
    state.agent.set_start_at_login(on).map_err(|e| e.to_app_error())
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
        recommended_apps: e.recommended_apps.clone(),
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
    let path = lastmile_agent::save_recovery_codes(&codes).map_err(|e| e.to_app_error())?;
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
            prompt.send_pin(pin);
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

/// The lastmile:// link the app was opened with, once, checked ([`launch_link`]).
#[tauri::command]
fn initial_link(state: State<'_, AppState>) -> Option<lastmile_proto::app::LaunchLink> {
    let link = state.launch_link.lock().ok().and_then(|mut l| l.take())?;
    launch_link(link)
}

/// A link for the window, checked: a link that is not one of Lastmile's own (join, or open a
/// known step) is dropped and logged.
pub(super) fn launch_link(link: String) -> Option<lastmile_proto::app::LaunchLink> {
    use lastmile_core::deep_link::DeepLink;
    match DeepLink::parse(&link) {
        Ok(parsed) => Some(lastmile_proto::app::LaunchLink {
            action: if matches!(parsed, DeepLink::Join { .. }) { "join" } else { "open" }.into(),
            step: parsed.step().map(|s| s.wire().to_string()),
            link,
        }),
        Err(e) => {
            tracing::warn!(error = %e, "ignoring a link the app was given");
            None
        }
    }
}

/// The builder with every command registered; tests pass a mock runtime's builder.
pub fn setup_builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        get_status,
        join,
        sign_in_options,
        sso_join,
        sso_cancel,
        open_support,
        set_start_at_login,
        set_locale,
        leave,
        initial_link,
        ui_locale,
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
