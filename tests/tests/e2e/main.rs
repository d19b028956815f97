//! End-to-end tests: one binary, a module per area (STYLE.md, ripgrep's layout).

mod agent;
mod cli;
mod factors;
mod recover;
mod ui;
