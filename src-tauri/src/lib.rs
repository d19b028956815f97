//! The desktop app crate: the only crate that knows Tauri. It parses the command line,
//! then either runs a headless command ([`cli`]) or opens the window ([`gui`]); both are
//! thin adapters over `lastmile-agent`.

mod cli;
mod clock_text;
mod enroll;
mod gui;
mod qr;
mod recover;
mod status_text;
mod term;

pub use gui::{COMMANDS, run_app, setup_builder};

/// The agent over this device, its OS keyring and its clock.
pub(crate) type SystemAgent = lastmile_agent::Agent<
    lastmile_agent::system::SystemDevice,
    lastmile_agent::system::OsSecrets,
    lastmile_device::clock::SystemClock,
>;

/// Runs the program; returns the process exit code (see `lastmile_agent::exit`).
pub fn main() -> i32 {
    let _ = STARTED.set(std::time::Instant::now());
    cli::main()
}

/// When the process started, for the "first screen with data" measurement (`scripts/bench.sh`).
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
