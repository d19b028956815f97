//! Every type that crosses a process boundary lives here, and nowhere else.
//!
//! * [`api`]: the server's HTTP API, version 1 (JSON; documented by the server's
//!   generated OpenAPI document through the `openapi` feature).
//! * [`app`]: what the desktop app shows and prints: the `lastmile status --json` document
//!   and the Tauri IPC payloads (TypeScript declarations generated through the `ts`
//!   feature, see `ui/src/ipc/bindings.ts`).
//! * [`settings_file`]: the schema of the managed (MDM) and user settings files.
//! * [`state_file`]: the schema of the local enrollment state file.
//!
//! Conversions from and to the domain types of `lastmile-core` live here too, so the
//! rest of the code never builds wire types by hand.

pub mod api;
pub mod app;
pub mod settings_file;
pub mod state_file;
