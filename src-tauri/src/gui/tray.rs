//! The tray icon and its menu: where the person stands, the one step to take, open, quit.
//! Linux tray icons send no click events (StatusNotifierItem hosts show the menu instead),
//! so everything is in the menu and a click on the icon opens the same menu everywhere.
//!
//! While the tray is there, closing the window leaves the app running in the tray (it keeps
//! reporting and reminding); Quit ends it. Where no tray can be made (Linux without the
//! AppIndicator library), closing the window quits, as it always did.

use std::sync::Mutex;

use lastmile_agent::glance::{Glance, glance};
use lastmile_core::words::Words;
use lastmile_proto::app::StatusReport;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Runtime};

/// The tray, kept in the app's state while it exists.
pub(super) struct Tray<R: Runtime> {
    _icon: TrayIcon<R>,
    menu: Menu<R>,
    status: MenuItem<R>,
    next: MenuItem<R>,
    /// The link the next-step item opens (`Some(None)`: the home screen), while it is shown.
    next_link: Mutex<Option<Option<String>>>,
}

const STATUS: &str = "status";
const NEXT: &str = "next";
const OPEN: &str = "open";
const QUIT: &str = "quit";

/// Whether a tray icon can be made here. On Linux the tray library is loaded at run time
/// and a missing one would abort the app, so it is looked for first, by the names the
/// loader tries.
pub(super) fn available() -> bool {
    #[cfg(target_os = "linux")]
    {
        ["libayatana-appindicator3.so.1", "libappindicator3.so.1"].iter().any(|name| {
            #[allow(unsafe_code)]
            // SAFETY: loading the AppIndicator library runs only its ELF constructors (GLib
            // type registration), which the tray would run anyway; it is closed again at once.
            unsafe { libloading::Library::new(name) }.is_ok()
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

/// The tray's words, in the language the window speaks (the `locale` setting, else the OS's).
fn words<R: Runtime>(app: &AppHandle<R>) -> &'static Words {
    Words::new(app.try_state::<super::AppState>().map_or("en", |s| s.agent.locale()))
}

/// Makes the tray icon, with a menu that says "Lastmile" until the first status is known.
pub(super) fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let words = words(app);
    let status = MenuItem::with_id(app, STATUS, words.say("tray-title", &[]), false, None::<&str>)?;
    let next = MenuItem::with_id(app, NEXT, "", true, None::<&str>)?;
    let open = MenuItem::with_id(app, OPEN, words.say("tray-open", &[]), true, None::<&str>)?;
    let quit = MenuItem::with_id(app, QUIT, words.say("tray-quit", &[]), true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&status, &PredefinedMenuItem::separator(app)?, &open, &quit])?;
    let mut builder = TrayIconBuilder::with_id("lastmile")
        .menu(&menu)
        .tooltip("Lastmile")
        .title("Lastmile")
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| match event.id().as_ref() {
            OPEN => super::show_window(app, None),
            NEXT => {
                let link = app.try_state::<Tray<R>>().and_then(|t| t.next_link.lock().ok().and_then(|l| l.clone()));
                super::show_window(app, link.flatten());
            }
            QUIT => {
                tracing::info!("quit from the tray");
                app.exit(0);
            }
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let icon = builder.build(app)?;
    app.manage(Tray { _icon: icon, menu, status, next, next_link: Mutex::new(None) });
    tracing::info!("tray icon made");
    Ok(())
}

/// Shows `report` in the tray's menu (nothing when there is no tray).
pub(super) fn show<R: Runtime>(app: &AppHandle<R>, report: &StatusReport) {
    let Some(tray) = app.try_state::<Tray<R>>() else { return };
    let Glance { status, next } = glance(report, words(app));
    if let Err(e) = tray.update(&status, next) {
        tracing::warn!(error = %e, "cannot update the tray menu");
    }
}

impl<R: Runtime> Tray<R> {
    fn update(&self, status: &str, next: Option<(String, Option<String>)>) -> tauri::Result<()> {
        self.status.set_text(status)?;
        let Ok(mut shown) = self.next_link.lock() else { return Ok(()) };
        match next {
            Some((label, link)) => {
                self.next.set_text(label)?;
                if shown.is_none() {
                    self.menu.insert(&self.next, 1)?;
                }
                *shown = Some(link);
            }
            None => {
                if shown.take().is_some() {
                    self.menu.remove(&self.next)?;
                }
            }
        }
        tracing::debug!(status, "tray menu updated");
        Ok(())
    }
}
