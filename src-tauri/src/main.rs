//! `lastmile`: the desktop app, and the same binary headless (`lastmile status --json`).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// `dev` is tauri-build's: set unless the app is built to be packaged (`tauri build`, which
// embeds the UI). A packaged app never carries the test hooks, whatever the profile.
#[cfg(all(feature = "test-hooks", not(dev)))]
compile_error!(
    "the `test-hooks` feature (software authenticator, LASTMILE_MANAGED_PATH) is for tests: \
     the packaged app must not be built with it"
);

fn main() {
    std::process::exit(lastmile_app::main());
}
