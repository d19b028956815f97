//! Lastmile's domain logic: pure functions and types with no IO and no clock reads.
//!
//! Everything that needs "now" takes a [`clock::Clock`]; everything that needs randomness
//! takes bytes. That keeps the whole crate deterministic and testable with tables.

pub mod audit_chain;
pub mod clock;
pub mod clockfix;
pub mod code80;
pub mod deep_link;
pub mod device_key;
pub mod error;
pub mod factor;
pub mod gap;
pub mod invite;
pub mod locale;
pub mod offset;
pub mod policy;
pub mod recovery;
pub mod reminder;
pub mod settings;
pub mod sntp;
pub mod sso;
pub mod totp;
pub mod words;

pub use error::CoreError;
