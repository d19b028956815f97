//! Invite codes and `lastmile://` deep links.
//!
//! An invite code is 80 bits written as 16 Crockford base-32 characters in groups of
//! four (`ABCD-EFGH-JKMN-PQRS`). Crockford's alphabet has no I, L, O or U, and reading is
//! forgiving: lower case, spaces and dashes are ignored, `O` reads as `0`, `I` and `L` as
//! `1`. A deep link carries the code and, optionally, the server that issued it:
//! `lastmile://join?code=ABCD-EFGH-JKMN-PQRS&server=https%3A%2F%2Fmfa.example.com`.

use std::fmt;

use url::Url;

use crate::CoreError;

use crate::code80;
pub use crate::code80::{CODE_BYTES, CODE_LEN};
/// The URL scheme the desktop app registers.
pub const SCHEME: &str = "lastmile";

/// A well-formed invite code, in canonical form (upper case, no separators).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct InviteCode(String);

impl fmt::Debug for InviteCode {
    // Invite codes are bearer secrets until used: never print them in debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InviteCode(****)")
    }
}

impl InviteCode {
    /// Builds a code from 10 bytes of entropy (the caller owns the randomness).
    pub fn from_entropy(bytes: [u8; CODE_BYTES]) -> Self {
        Self(code80::encode(bytes))
    }

    /// Parses what a person typed or pasted.
    pub fn parse(input: &str) -> Result<Self, CoreError> {
        code80::normalize(input).map(Self)
    }

    /// The canonical form (what the server hashes).
    pub fn canonical(&self) -> &str {
        &self.0
    }

    /// A name for this code that does not reveal it (SHA-256, domain-separated, 128 bits in
    /// hex): what the device keeps to remember that an invite IT handed over was used.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(format!("lastmile invite used on this device:{}", self.0));
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The form shown to people: four groups of four.
    pub fn grouped(&self) -> String {
        code80::grouped(&self.0)
    }
}

/// What a person gave to join: a code and maybe the server that issued it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinInput {
    pub code: InviteCode,
    pub server: Option<Url>,
}

impl JoinInput {
    /// Accepts either a bare code or a `lastmile://join?...` link.
    pub fn parse(input: &str) -> Result<Self, CoreError> {
        let trimmed = input.trim();
        if trimmed.to_ascii_lowercase().starts_with("lastmile:") {
            return parse_link(trimmed);
        }
        Ok(Self { code: InviteCode::parse(trimmed)?, server: None })
    }

    /// The deep link for this invite.
    pub fn to_link(&self) -> String {
        let mut url = Url::parse("lastmile://join").expect("static URL parses");
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("code", &self.code.grouped());
            if let Some(server) = &self.server {
                q.append_pair("server", server.as_str());
            }
        }
        url.to_string()
    }
}

fn parse_link(link: &str) -> Result<JoinInput, CoreError> {
    let url = Url::parse(link).map_err(|e| CoreError::InviteLink(e.to_string()))?;
    // `lastmile://join?..` puts "join" in the host; `lastmile:join?..` in the path.
    let action = url.host_str().unwrap_or_else(|| url.path()).trim_matches('/');
    if !action.eq_ignore_ascii_case("join") {
        return Err(CoreError::InviteLink(format!("expected lastmile://join?code=..., got action {action:?}")));
    }
    let mut code = None;
    let mut server = None;
    for (k, v) in url.query_pairs() {
        match &*k {
            "code" => code = Some(InviteCode::parse(&v)?),
            "server" => server = Some(parse_server_url(&v)?),
            _ => {}
        }
    }
    let code = code.ok_or_else(|| CoreError::InviteLink("the link has no code".into()))?;
    Ok(JoinInput { code, server })
}

/// Validates a server address: http or https, a host, no credentials, no query or fragment.
/// Plain http is accepted only for loopback addresses (the local demo and tests).
pub fn parse_server_url(input: &str) -> Result<Url, CoreError> {
    let err = |why: &str| CoreError::ServerUrl(input.to_string(), why.to_string());
    let url = Url::parse(input.trim()).map_err(|e| err(&e.to_string()))?;
    let host = url.host_str().ok_or_else(|| err("it has no host"))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => return Err(err("use https (plain http is allowed only on loopback)")),
        other => return Err(err(&format!("scheme {other:?} is not http or https"))),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(err("it must not contain a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(err("it must not have a query or fragment"));
    }
    Ok(url)
}

pub(crate) fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_from_entropy() {
        let table: [([u8; 10], &str); 3] = [
            ([0; 10], "0000-0000-0000-0000"),
            ([0xff; 10], "ZZZZ-ZZZZ-ZZZZ-ZZZZ"),
            ([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], "0000-0000-0000-0001"),
        ];
        for (bytes, want) in table {
            let code = InviteCode::from_entropy(bytes);
            assert_eq!(code.grouped(), want);
            assert_eq!(InviteCode::parse(want), Ok(code));
        }
    }

    #[test]
    fn parsing_is_forgiving_but_strict_on_length_and_alphabet() {
        let ok = [
            ("ABCD-EFGH-JKMN-PQRS", "ABCDEFGHJKMNPQRS"),
            ("abcd efgh jkmn pqrs", "ABCDEFGHJKMNPQRS"),
            ("  abcdefghjkmnpqrs\t", "ABCDEFGHJKMNPQRS"),
            ("OOOO-IIII-LLLL-0000", "0000111111110000"),
        ];
        for (input, canonical) in ok {
            assert_eq!(InviteCode::parse(input).map(|c| c.0), Ok(canonical.to_string()), "{input}");
        }
        let bad = [
            ("ABCD-EFGH-JKMN", CoreError::InviteCodeLength(12)),
            ("ABCD-EFGH-JKMN-PQRS-T", CoreError::InviteCodeLength(17)),
            ("", CoreError::InviteCodeLength(0)),
            ("ABCD-EFGH-JKMN-PQRU", CoreError::InviteCodeCharacter('U')),
            ("ABCD_EFGH", CoreError::InviteCodeCharacter('_')),
            ("ÄBCD-EFGH-JKMN-PQRS", CoreError::InviteCodeCharacter('Ä')),
        ];
        for (input, want) in bad {
            assert_eq!(InviteCode::parse(input), Err(want), "{input}");
        }
    }

    #[test]
    fn debug_output_hides_the_code() {
        let code = InviteCode::parse("ABCD-EFGH-JKMN-PQRS").expect("valid");
        assert!(!format!("{code:?}").contains("ABCD"));
    }

    #[test]
    fn links_round_trip() {
        let input = JoinInput {
            code: InviteCode::parse("ABCD-EFGH-JKMN-PQRS").expect("valid"),
            server: Some(Url::parse("https://mfa.example.com/").expect("url")),
        };
        let link = input.to_link();
        assert_eq!(link, "lastmile://join?code=ABCD-EFGH-JKMN-PQRS&server=https%3A%2F%2Fmfa.example.com%2F");
        assert_eq!(JoinInput::parse(&link), Ok(input));
    }

    #[test]
    fn join_input_table() {
        let ok: [(&str, &str, Option<&str>); 4] = [
            ("ABCD-EFGH-JKMN-PQRS", "ABCDEFGHJKMNPQRS", None),
            ("lastmile://join?code=abcd-efgh-jkmn-pqrs", "ABCDEFGHJKMNPQRS", None),
            (
                "LASTMILE://JOIN?code=ABCDEFGHJKMNPQRS&server=http://127.0.0.1:8080",
                "ABCDEFGHJKMNPQRS",
                Some("http://127.0.0.1:8080/"),
            ),
            ("lastmile:join?code=ABCDEFGHJKMNPQRS&utm=x", "ABCDEFGHJKMNPQRS", None),
        ];
        for (input, code, server) in ok {
            let parsed = JoinInput::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(parsed.code.canonical(), code, "{input}");
            assert_eq!(parsed.server.as_ref().map(Url::as_str), server, "{input}");
        }
        let bad = [
            "lastmile://enroll?code=ABCDEFGHJKMNPQRS",
            "lastmile://join?server=https://x.example",
            "lastmile://join?code=ABCDEFGHJKMNPQRS&server=http://evil.example",
            "lastmile://join?code=ABCDEFGHJKMNPQRS&server=ftp://x.example",
            "lastmile://join?code=SHORT",
        ];
        for input in bad {
            assert!(JoinInput::parse(input).is_err(), "{input} should be refused");
        }
    }

    #[test]
    fn server_urls() {
        let table = [
            ("https://mfa.example.com", true),
            ("https://mfa.example.com:8443/base/", true),
            ("http://127.0.0.1:8080", true),
            ("http://localhost:8080", true),
            ("http://[::1]:8080", true),
            ("http://mfa.example.com", false),
            ("https://user:pw@mfa.example.com", false),
            ("https://mfa.example.com/?x=1", false),
            ("mfa.example.com", false),
            ("file:///etc/passwd", false),
        ];
        for (input, ok) in table {
            assert_eq!(parse_server_url(input).is_ok(), ok, "{input}");
        }
    }
}
