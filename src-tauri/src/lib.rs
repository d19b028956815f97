//! The desktop app crate: the only crate that knows Tauri. It parses the command line,
//! then either runs a headless command ([`cli`]) or opens the window ([`gui`]); both are
//! thin adapters over `lastmile-agent`.

mod cli;
mod enroll;
mod gui;
mod qr;
mod recover;

pub use gui::{run_app, setup_builder};

/// Runs the program; returns the process exit code (see `lastmile_agent::exit`).
pub fn main() -> i32 {
    let _ = STARTED.set(std::time::Instant::now());
    cli::main()
}

/// When the process started, for the "first screen with data" measurement (`scripts/bench.sh`).
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
