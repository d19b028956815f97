//! Managed settings as Windows policy stores them: values under
//! `HKLM\SOFTWARE\Policies\Lastmile`, strings as REG_SZ (or REG_EXPAND_SZ) and
//! `report_interval_minutes` as REG_DWORD. The Windows path reads the values from the
//! registry; [`parse_reg_file`] reads them from a `.reg` export (what IT writes, imports with
//! `reg import` or pushes through Group Policy Preferences), and both go through
//! [`settings_from_registry`], so the tests here check the Windows path's rules on real
//! `.reg` files.

use lastmile_proto::settings_file::{Kind, spec};

use super::ManagedRead;
use crate::DeviceError;

/// The policy key, under HKEY_LOCAL_MACHINE (machine policy) and HKEY_CURRENT_USER (user policy).
pub const POLICY_KEY: &str = r"SOFTWARE\Policies\Lastmile";

/// A registry value, as far as the settings care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegValue {
    /// REG_SZ or REG_EXPAND_SZ (not expanded: no setting names a path).
    String(String),
    /// REG_DWORD.
    Dword(u32),
    /// Any other type, named for the message.
    Other(&'static str),
}

/// The settings the policy key's values give. Wrong types are errors that name the value, so
/// that an administrator can fix the policy; unknown names (a template for a newer version)
/// are listed in [`ManagedRead::unknown`] and the known values apply.
pub fn settings_from_registry(
    values: impl IntoIterator<Item = (String, RegValue)>,
    location: &str,
) -> Result<ManagedRead, DeviceError> {
    let invalid = |reason: String| DeviceError::ManagedInvalid { location: location.to_string(), reason };
    let mut object = serde_json::Map::new();
    let mut unknown = Vec::new();
    for (name, value) in values {
        let Some(spec) = spec(&name) else {
            unknown.push(format!("{name} (in {location})"));
            continue;
        };
        let json = match (spec.kind, value) {
            (Kind::Integer { .. }, RegValue::Dword(v)) => serde_json::Value::from(v),
            (Kind::Integer { .. }, _) => return Err(invalid(format!("{name} must be a REG_DWORD"))),
            (Kind::Text | Kind::Url | Kind::Choice(_) | Kind::Secret, RegValue::String(s)) => {
                serde_json::Value::String(s)
            }
            (Kind::Text | Kind::Url | Kind::Choice(_) | Kind::Secret, RegValue::Dword(_)) => {
                return Err(invalid(format!("{name} must be a string value (REG_SZ), not a REG_DWORD")));
            }
            (Kind::Text | Kind::Url | Kind::Choice(_) | Kind::Secret, RegValue::Other(kind)) => {
                return Err(invalid(format!("{name} must be a string value (REG_SZ), not {kind}")));
            }
        };
        object.insert(name, json);
    }
    let settings = serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| invalid(e.to_string()))?;
    Ok(ManagedRead { settings, unknown })
}

/// The values a `.reg` export sets under `HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Lastmile`
/// (UTF-16 with a byte-order mark, as Registry Editor writes, or UTF-8; version 5.00 or
/// REGEDIT4). Values under other keys are left out.
pub fn parse_reg_file(bytes: &[u8]) -> Result<Vec<(String, RegValue)>, String> {
    let text = decode(bytes)?;
    let mut lines = logical_lines(&text).into_iter();
    match lines.next().map(|l| l.trim().to_string()) {
        Some(h) if h == "Windows Registry Editor Version 5.00" || h == "REGEDIT4" => {}
        other => return Err(format!("not a .reg file (its first line is {:?})", other.unwrap_or_default())),
    }
    let ours = format!(r"HKEY_LOCAL_MACHINE\{POLICY_KEY}").to_ascii_lowercase();
    let mut in_ours = false;
    let mut values = Vec::new();
    for (n, line) in lines.enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with(';') {
            continue;
        }
        if let Some(key) = line.strip_prefix('[') {
            let key = key.strip_suffix(']').ok_or_else(|| format!("line {}: a key without its ]", n + 2))?;
            in_ours = key.to_ascii_lowercase() == ours;
            continue;
        }
        let (name, data) = value_line(line).map_err(|e| format!("line {}: {e}", n + 2))?;
        if in_ours && let Some(value) = data {
            values.push((name, value));
        }
    }
    Ok(values)
}

fn decode(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return String::from_utf16(&utf16le(rest)).map_err(|_| "the file is not valid UTF-16".to_string());
    }
    let bytes = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    String::from_utf8(bytes.to_vec()).map_err(|_| "the file is neither UTF-16 nor UTF-8".to_string())
}

/// Lines, with those ending in a backslash joined to the next (long hex values).
fn logical_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        // A line of a .reg file ends in a backslash only to continue (a string value ends
        // in its closing quote).
        match line.trim_end().strip_suffix('\\') {
            Some(start) => current.push_str(start.trim_start()),
            None => {
                current.push_str(line.trim_start());
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `"name"=data` (or `@=data`, the default value). `None` for a deletion (`=-`).
fn value_line(line: &str) -> Result<(String, Option<RegValue>), String> {
    let (name, rest) = if let Some(rest) = line.strip_prefix('@') {
        (String::new(), rest)
    } else {
        quoted(line).ok_or_else(|| format!("expected \"name\"=value, found {line:?}"))?
    };
    let data = rest.trim_start().strip_prefix('=').ok_or_else(|| format!("no = after {name:?}"))?.trim();
    let value = if data == "-" {
        None
    } else if data.starts_with('"') {
        let (s, tail) = quoted(data).ok_or_else(|| format!("{name}: an unterminated string"))?;
        if !tail.trim().is_empty() {
            return Err(format!("{name}: text after the string"));
        }
        Some(RegValue::String(s))
    } else if let Some(hex) = data.strip_prefix("dword:") {
        Some(RegValue::Dword(
            u32::from_str_radix(hex, 16).map_err(|_| format!("{name}: dword:{hex} is not 8 hex digits"))?,
        ))
    } else if let Some(hex) = data.strip_prefix("hex(2):") {
        Some(RegValue::String(utf16_hex(hex).map_err(|e| format!("{name}: {e}"))?))
    } else if data.starts_with("hex(7):") {
        Some(RegValue::Other("REG_MULTI_SZ"))
    } else if data.starts_with("hex(b):") {
        Some(RegValue::Other("REG_QWORD"))
    } else if data.starts_with("hex:") {
        Some(RegValue::Other("REG_BINARY"))
    } else {
        return Err(format!("{name}: a value of a kind .reg files do not have ({data:?})"));
    };
    Ok((name, value))
}

/// A string in double quotes with `\\` and `\"` escapes; returns it and what follows.
fn quoted(s: &str) -> Option<(String, &str)> {
    let mut chars = s.strip_prefix('"')?.char_indices();
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?.1),
            '"' => return Some((out, &s[i + 2..])),
            c => out.push(c),
        }
    }
    None
}

/// A REG_EXPAND_SZ's bytes (`hex(2):` comma-separated, UTF-16LE, NUL-terminated).
fn utf16_hex(hex: &str) -> Result<String, String> {
    let bytes = hex
        .split(',')
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(|b| u8::from_str_radix(b, 16).map_err(|_| format!("{b:?} is not a hex byte")))
        .collect::<Result<Vec<_>, _>>()?;
    if bytes.len() % 2 != 0 {
        return Err("an odd number of bytes in a UTF-16 string".into());
    }
    let mut units = utf16le(&bytes);
    while units.last() == Some(&0) {
        units.pop();
    }
    String::from_utf16(&units).map_err(|_| "not valid UTF-16".into())
}

/// UTF-16 code units from little-endian bytes (a trailing odd byte is left out).
fn utf16le(bytes: &[u8]) -> Vec<u16> {
    bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect()
}
