//! End-to-end tests: one binary, a module per area (the layout ripgrep uses).

mod agent;
mod cli;
mod connections;
mod ctap2;
mod factors;
mod outbox;
mod recover;
mod replicas;
mod shipped;
mod signin;
mod sso;
mod tray;
mod ui;
