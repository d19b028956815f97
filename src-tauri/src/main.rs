//! `lastmile`: the desktop app, and the same binary headless (`lastmile status --json`).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    std::process::exit(lastmile_app::main());
}
