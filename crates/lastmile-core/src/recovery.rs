//! Recovery codes (NIST SP 800-63B look-up secrets): ten single-use codes of 80 bits each,
//! in the same readable format as invite codes. The server stores them only as argon2id
//! hashes; this module only makes and reads them.

use std::fmt;

use crate::CoreError;
use crate::code80::{self, CODE_BYTES};

/// Codes in a set.
pub const SET_SIZE: usize = 10;

// NIST SP 800-63B asks at least 64 bits of a look-up secret; these carry 80.
const _: () = assert!(CODE_BYTES * 8 >= 64, "recovery codes must carry at least 64 bits");

/// One recovery code, canonical. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(****)")
    }
}

impl RecoveryCode {
    pub fn from_entropy(bytes: [u8; CODE_BYTES]) -> Self {
        Self(code80::encode(bytes))
    }
    pub fn parse(input: &str) -> Result<Self, CoreError> {
        code80::normalize(input).map(Self)
    }
    /// What the server hashes.
    pub fn canonical(&self) -> &str {
        &self.0
    }
    /// What people see: `ABCD-EFGH-JKMN-PQRS`.
    pub fn grouped(&self) -> String {
        code80::grouped(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_like_invite_codes() {
        let code = RecoveryCode::from_entropy([0xa5; CODE_BYTES]);
        assert_eq!(code.grouped().len(), 19);
        assert_eq!(RecoveryCode::parse(&code.grouped().to_lowercase()), Ok(code.clone()));
        assert_eq!(RecoveryCode::parse(&code.grouped().replace('-', " ")), Ok(code.clone()));
        assert!(!format!("{code:?}").contains(&code.canonical()[..4]));
        assert!(RecoveryCode::parse("ABCD-EFGH").is_err());
    }
}
