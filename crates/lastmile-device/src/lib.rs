//! Everything Lastmile reads from, or keeps on, this device. The only crate that touches
//! hardware (FIDO2 keys, TPM) or OS services (keyring, managed preferences).
//!
//! * [`os`]: OS name, version, architecture, host name.
//! * [`fido`]: USB FIDO2 security keys through webauthn-authenticator-rs, with their
//!   getInfo facts, why none were found, and a watcher for plug and unplug.
//! * [`platform`]: platform authenticators (Windows Hello, Touch ID) and the TPM.
//! * [`managed`]: the settings IT pushes by MDM, read from each OS's policy location.
//! * [`keys`]: the WebAuthn client side: register and assert with a security key.
//! * [`keystore`]: secrets in the OS keyring.
//! * [`paths`]: where the user's settings and state files live.
//! * [`clock`]: the system clock, for binaries to inject.
//! * [`locale`]: the OS's preferred languages.

pub mod browser;
pub mod clock;
pub mod error;
pub mod fido;
pub mod keys;
pub mod keystore;
pub mod locale;
pub mod managed;
pub mod notify;
pub mod os;
pub mod paths;
pub mod platform;

pub use error::DeviceError;
