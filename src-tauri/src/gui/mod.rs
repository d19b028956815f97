//! The window: its state, its setup (the key watcher that tells the window to refresh, the
//! background reporter, the webview's settings) and its run loop. The commands are in
//! [`commands`], the security-key bridge in [`key_prompt`].

mod command_names;
mod commands;
mod key_prompt;
mod tray;

use std::sync::{Arc, Mutex};

use lastmile_agent::system::system_agent;
use lastmile_core::settings::RawLayer;
use lastmile_proto::app::events;
use tauri::{Emitter, Manager, Runtime};
use tauri_plugin_deep_link::DeepLinkExt;

pub use command_names::COMMANDS;
pub use commands::setup_builder;
use key_prompt::WindowPrompt;

use crate::SystemAgent;

/// What the commands share.
struct AppState {
    agent: Arc<SystemAgent>,
    launch_link: Mutex<Option<String>>,
    /// The security-key enrollment in progress, if any.
    key_session: Mutex<Option<Arc<WindowPrompt>>>,
    /// Gives up the sign-in with the organisation's identity provider in progress, if any.
    sso_cancel: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
}

/// Runs the app on `builder` with the given agent settings. `window`: open the window at
/// start (otherwise the app starts in the tray, at login for a person who is all set).
pub fn run_app<R: Runtime>(
    builder: tauri::Builder<R>,
    layer: RawLayer,
    link: Option<String>,
    window: bool,
) -> anyhow::Result<()> {
    let agent = system_agent(layer).map_err(|e| anyhow::anyhow!(e.message))?;
    let link = link.filter(|l| l.to_ascii_lowercase().starts_with("lastmile:"));
    // First, so that a second launch hands over its arguments and exits before anything else
    // starts; the deep-link feature passes a link among them on to the deep-link plugin.
    let single = tauri_plugin_single_instance::Builder::new()
        .dbus_id(instance_id())
        // A link among the arguments opens the window through the deep-link plugin's event
        // (below), at the link's step; anything else just opens it.
        .callback(|app, args, _cwd| {
            if !args.iter().any(|a| a.to_ascii_lowercase().starts_with("lastmile:")) {
                show_window(app, None);
            }
        })
        .build();
    setup_builder(builder.plugin(single).plugin(tauri_plugin_deep_link::init()))
        .manage(AppState {
            agent: Arc::new(agent),
            launch_link: Mutex::new(link),
            key_session: Mutex::new(None),
            sso_cancel: Mutex::new(None),
        })
        .setup(move |app| {
            if tray::available() {
                if let Err(e) = tray::build(app.handle()) {
                    tracing::warn!(error = %e, "no tray icon");
                }
            } else {
                tracing::info!("no tray icon: the AppIndicator library is not installed; closing the window quits");
            }
            if window || app.try_state::<tray::Tray<R>>().is_none() {
                open_window(app.handle())?;
            } else {
                // In the tray only: its menu needs the status the window would have fetched.
                let (handle, agent) = (app.handle().clone(), app.state::<AppState>().agent.clone());
                tauri::async_runtime::spawn(async move {
                    if let Ok(report) = agent.status().await {
                        tray::show(&handle, &report);
                    }
                });
            }
            // Links while running: from a second launch (Linux, Windows: through the
            // single-instance plugin) or from the OS (macOS delivers them only this way).
            let handle = app.handle().clone();
            app.deep_link().on_open_url(move |event| {
                for url in event.urls() {
                    show_window(&handle, Some(url.to_string()));
                }
            });
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
                let mut last_invite_error = None;
                loop {
                    // An invite IT handed over joins a fresh device without anyone typing it.
                    match agent.join_preseeded().await {
                        Ok(lastmile_agent::Preseeded::Joined(outcome)) => {
                            tracing::info!(organisation = %outcome.organisation, "joined with the invite IT set");
                            let _ = handle.emit(events::STATUS_CHANGED, ());
                        }
                        Ok(_) => last_invite_error = None,
                        // Said once, not on every tick (a pinned server the link contradicts
                        // stays wrong until IT changes one of them).
                        Err(e) if last_invite_error.as_ref() != Some(&e.message) => {
                            tracing::warn!(error = %e.message, "the invite IT set was not used");
                            last_invite_error = Some(e.message);
                        }
                        Err(_) => {}
                    }
                    tokio::time::sleep(REPORTER_TICK).await;
                    match agent.background_tick(last_report).await {
                        Ok(at) => {
                            // A report went out: with the window closed, the tray's menu
                            // catches up (the window fetches its own status).
                            if at != last_report
                                && handle.get_webview_window(MAIN).is_none()
                                && let Ok(report) = agent.status().await
                            {
                                tray::show(&handle, &report);
                            }
                            last_report = at;
                        }
                        Err(e) => tracing::debug!(error = %e.message, "background report not sent"),
                    }
                    let _ = handle.emit(events::STATUS_CHANGED, ());
                }
            });
            app.manage(Reporter(reporter));
            Ok(())
        })
        .build(tauri::generate_context!())?
        .run(|app, event| {
            // The window closed: with a tray, the app stays there (Quit sets an exit code).
            if let tauri::RunEvent::ExitRequested { code: None, api, .. } = event
                && app.try_state::<tray::Tray<R>>().is_some()
            {
                tracing::info!("window closed; Lastmile stays in the tray");
                api.prevent_exit();
            }
        });
    Ok(())
}

/// The window's label (`tauri.conf.json`, where it is not created at start).
const MAIN: &str = "main";

/// Opens the window, or brings it to the front (a second launch, a clicked link, the tray),
/// at `link`'s step when there is a link. A new window takes the link when it starts
/// (`initial_link`); an open one is sent it.
fn show_window<R: Runtime>(app: &tauri::AppHandle<R>, link: Option<String>) {
    let link = link.and_then(|l| commands::launch_link(l.clone()).map(|checked| (l, checked)));
    if let Some(window) = app.get_webview_window(MAIN) {
        if let Some((_, checked)) = link
            && let Err(e) = window.emit(events::DEEP_LINK, checked)
        {
            tracing::warn!(error = %e, "cannot hand the link to the window");
        }
        let _ = window.unminimize();
        let _ = window.show();
        if let Err(e) = window.set_focus() {
            tracing::debug!(error = %e, "cannot focus the window");
        }
        return;
    }
    if let Some((raw, _)) = link
        && let Ok(mut slot) = app.state::<AppState>().launch_link.lock()
    {
        *slot = Some(raw);
    }
    if let Err(e) = open_window(app) {
        tracing::warn!(error = %e, "cannot open the window");
    }
}

/// Makes the window from its configuration.
fn open_window<R: Runtime>(app: &tauri::AppHandle<R>) -> tauri::Result<()> {
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == MAIN).cloned() else {
        return Err(tauri::Error::WindowNotFound);
    };
    let window = tauri::WebviewWindowBuilder::from_config(app, &config)?.build()?;
    lean_webview(&window);
    tracing::info!("window opened");
    Ok(())
}

/// The app's single-instance name on the session bus: one per state directory
/// ([`lastmile_device::paths::instance_name`]).
fn instance_id() -> String {
    let dir = lastmile_device::paths::state_dir().unwrap_or_default();
    lastmile_device::paths::instance_name(&dir)
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

/// Whether the app can live in the tray here (at login, a person who is all set gets only
/// the tray; without one, nothing stays running).
pub fn tray_available() -> bool {
    tray::available()
}

pub fn run(layer: RawLayer, link: Option<String>, window: bool) -> anyhow::Result<()> {
    if std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
        && cfg!(target_os = "linux")
    {
        anyhow::bail!("no display (DISPLAY and WAYLAND_DISPLAY are unset); use `lastmile status` headless");
    }
    let result = run_app(tauri::Builder::default(), layer, link, window);
    #[cfg(target_os = "linux")]
    if let Err(e) = &result {
        start_again_if_handing_over_failed(e)?;
    }
    result
}

/// A launch that found this state directory's app on the session bus but could not hand it
/// its arguments: that app is exiting (its window closed a moment ago), and the bus has not
/// let go of its name yet. Rather than leave the person with nothing, this waits a moment and
/// starts the process again (the same arguments; a few times at most), so that the launch
/// either reaches a running app or becomes the app. Returns only when it does not apply or
/// the new start could not be made.
#[cfg(target_os = "linux")]
fn start_again_if_handing_over_failed(e: &anyhow::Error) -> anyhow::Result<()> {
    use std::os::unix::process::CommandExt;
    /// How many times, counted across the restarts in this variable.
    const ATTEMPT: &str = "LASTMILE_HANDOVER_ATTEMPT";
    const ATTEMPTS: u32 = 10;
    let Some(tauri::Error::PluginInitialization(plugin, reason)) = e.downcast_ref::<tauri::Error>() else {
        return Ok(());
    };
    let attempt: u32 = std::env::var(ATTEMPT).ok().and_then(|a| a.parse().ok()).unwrap_or(0);
    if plugin != "single-instance" || attempt >= ATTEMPTS {
        return Ok(());
    }
    tracing::info!(attempt, %reason, "the running app did not take this launch (exiting?); starting again");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let error = std::process::Command::new(std::env::current_exe()?)
        .args(std::env::args_os().skip(1))
        .env(ATTEMPT, (attempt + 1).to_string())
        .exec();
    Err(anyhow::anyhow!("cannot start again: {error}"))
}
