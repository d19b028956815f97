//! Secrets in the OS keyring: Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows (through the `keyring` crate). Nothing secret is ever written to a
//! plain file; without a keyring, the operations fail with a message that says so.

use keyring::{Entry, Error as KError};

use crate::DeviceError;

/// The keyring service name all Lastmile entries use.
pub const SERVICE: &str = "dev.lastmile.desktop";

/// The OS keyring. Calls block (D-Bus, XPC, Win32): call them from a blocking thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsKeyring;

fn entry(account: &str) -> Result<Entry, DeviceError> {
    Entry::new(SERVICE, account).map_err(map_err)
}

fn map_err(e: KError) -> DeviceError {
    match e {
        KError::NoDefaultStore => {
            DeviceError::KeyringUnavailable("no Secret Service, Keychain or Credential Manager could be reached".into())
        }
        KError::NoStorageAccess(inner) => {
            DeviceError::KeyringUnavailable(format!("the keyring is locked or access was denied ({inner})"))
        }
        KError::PlatformFailure(inner) => {
            DeviceError::KeyringUnavailable(format!("the keyring service failed ({inner})"))
        }
        other => DeviceError::Keyring(other.to_string()),
    }
}

impl OsKeyring {
    /// Whether a keyring is there and usable: writes, reads back and deletes a probe entry.
    pub fn probe(&self) -> Result<(), DeviceError> {
        if let Err(e) = Entry::store_status() {
            return Err(map_err(clone_err(e)));
        }
        // A unique account, so concurrent probes (two app instances) never disturb each other.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let probe = entry(&format!("probe-{}-{nanos}", std::process::id()))?;
        probe.set_password("probe").map_err(map_err)?;
        let back = probe.get_password().map_err(map_err)?;
        let _ = probe.delete_credential();
        if back == "probe" {
            Ok(())
        } else {
            Err(DeviceError::Keyring("the keyring returned a different value than was stored".into()))
        }
    }

    pub fn store(&self, account: &str, secret: &str) -> Result<(), DeviceError> {
        entry(account)?.set_password(secret).map_err(map_err)
    }

    /// `Ok(None)` when there is no such entry.
    pub fn load(&self, account: &str) -> Result<Option<String>, DeviceError> {
        match entry(account)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(KError::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    pub fn delete(&self, account: &str) -> Result<(), DeviceError> {
        match entry(account)?.delete_credential() {
            Ok(()) | Err(KError::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }
}

fn clone_err(e: &KError) -> KError {
    match e {
        KError::NoDefaultStore => KError::NoDefaultStore,
        other => KError::Invalid("store".into(), other.to_string()),
    }
}
