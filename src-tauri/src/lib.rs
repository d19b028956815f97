//! The desktop app crate: the only crate that knows Tauri. It parses the command line,
//! then either runs a headless command ([`cli`]) or opens the window ([`gui`]); both are
//! thin adapters over `lastmile-agent`.

mod cli;
mod gui;

pub use gui::{run_app, setup_builder};

/// Runs the program; returns the process exit code (see `lastmile_agent::exit`).
pub fn main() -> i32 {
    cli::main()
}
