//! 80-bit codes people read and type: 16 Crockford base-32 characters in groups of four
//! (`ABCD-EFGH-JKMN-PQRS`). The alphabet has no I, L, O or U, and reading is forgiving:
//! lower case, spaces and dashes are ignored, `O` reads as `0`, `I` and `L` as `1`.
//! Invite codes and recovery codes use this format.

use crate::CoreError;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code (80 bits at 5 bits per character).
pub const CODE_LEN: usize = 16;
/// Bytes of entropy in a code.
pub const CODE_BYTES: usize = 10;

/// Encodes 10 bytes as 16 characters (canonical form).
pub fn encode(bytes: [u8; CODE_BYTES]) -> String {
    let mut bits: u128 = 0;
    for b in bytes {
        bits = (bits << 8) | u128::from(b);
    }
    (0..CODE_LEN).rev().map(|i| ALPHABET[((bits >> (i * 5)) & 0x1f) as usize] as char).collect()
}

/// Reads what a person typed into the canonical form.
pub fn normalize(input: &str) -> Result<String, CoreError> {
    let mut out = String::with_capacity(CODE_LEN);
    for c in input.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '\t' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return Err(CoreError::InviteCodeCharacter(c)),
        };
        out.push(c);
    }
    if out.len() != CODE_LEN {
        return Err(CoreError::InviteCodeLength(out.len()));
    }
    Ok(out)
}

/// Four groups of four, for people.
pub fn grouped(canonical: &str) -> String {
    let chars: Vec<char> = canonical.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}
