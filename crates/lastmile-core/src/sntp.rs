//! SNTP (RFC 4330) packets: the request a client sends and the checks on the answer, as
//! pure functions. The answer becomes an [`offset::Sample`](crate::offset::Sample), so the
//! offset math and the verdicts are the same as against the Lastmile server.
//!
//! NTP timestamps are seconds since 1900 in 32 bits plus a 32-bit fraction. The era (the
//! wrap in 2036) is taken as the one closest to this device's own clock.

use crate::CoreError;
use crate::clock::UnixMillis;
use crate::offset::Sample;

/// Seconds from 1900-01-01 (NTP's epoch) to 1970-01-01 (Unix's).
const NTP_TO_UNIX_S: i64 = 2_208_988_800;
/// The well-known NTP port.
pub const DEFAULT_PORT: u16 = 123;
/// Length of an NTP packet without extensions.
pub const PACKET_LEN: usize = 48;

/// A 64-bit NTP timestamp from Unix milliseconds (the era is dropped, as on the wire).
pub fn to_ntp(t: UnixMillis) -> u64 {
    let secs = t.0.div_euclid(1000) + NTP_TO_UNIX_S;
    let ms = t.0.rem_euclid(1000) as u64;
    ((secs as u64 & 0xFFFF_FFFF) << 32) | ((ms << 32) / 1000)
}

/// Unix milliseconds from a 64-bit NTP timestamp, in the era closest to `near`.
pub fn from_ntp(ts: u64, near: UnixMillis) -> UnixMillis {
    let secs32 = (ts >> 32) as i64;
    let frac_ms = (((ts & 0xFFFF_FFFF) * 1000 + (1 << 31)) >> 32) as i64;
    let near_ntp = near.0.div_euclid(1000) + NTP_TO_UNIX_S;
    let era = (near_ntp - secs32 + (1 << 31)).div_euclid(1 << 32);
    UnixMillis((secs32 + (era << 32) - NTP_TO_UNIX_S) * 1000 + frac_ms)
}

/// A client request (version 4, mode 3) whose transmit timestamp is `sent`. The server
/// echoes it as the origin timestamp, which is how an answer is matched to its request.
pub fn request(sent: UnixMillis) -> [u8; PACKET_LEN] {
    let mut p = [0u8; PACKET_LEN];
    p[0] = (4 << 3) | 3;
    p[40..48].copy_from_slice(&to_ntp(sent).to_be_bytes());
    p
}

fn word(p: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&p[at..at + 8]);
    u64::from_be_bytes(b)
}

fn refuse(why: impl Into<String>) -> CoreError {
    CoreError::Sntp(why.into())
}

/// Checks an answer to [`request`]`(sent)` received at `received` and returns the sample.
pub fn parse_response(packet: &[u8], sent: UnixMillis, received: UnixMillis) -> Result<Sample, CoreError> {
    if packet.len() < PACKET_LEN {
        return Err(refuse(format!("the answer has {} bytes, not {PACKET_LEN}", packet.len())));
    }
    let leap = packet[0] >> 6;
    let version = (packet[0] >> 3) & 7;
    let mode = packet[0] & 7;
    let stratum = packet[1];
    if mode != 4 {
        return Err(refuse(format!("the answer is not from a server (mode {mode})")));
    }
    if !(1..=4).contains(&version) {
        return Err(refuse(format!("unknown NTP version {version}")));
    }
    if stratum == 0 {
        let code = String::from_utf8_lossy(&packet[12..16]).trim_end_matches('\0').to_string();
        return Err(refuse(format!("the server refused to answer (kiss code {code:?})")));
    }
    if leap == 3 || stratum > 15 {
        return Err(refuse("the server's own clock is not synchronised"));
    }
    if word(packet, 24) != to_ntp(sent) {
        return Err(refuse("the answer does not match the request (origin timestamp differs)"));
    }
    let (receive, transmit) = (word(packet, 32), word(packet, 40));
    if receive == 0 || transmit == 0 {
        return Err(refuse("the answer carries no time"));
    }
    Ok(Sample {
        client_send: sent,
        server_receive: from_ntp(receive, sent),
        server_transmit: from_ntp(transmit, sent),
        client_receive: received,
    })
}

/// An NTP server named in the settings: `host` or `host:port` (IPv6 in brackets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NtpServer {
    pub host: String,
    pub port: u16,
}

impl std::fmt::Display for NtpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// Most servers a setting may name (each costs a round trip or a timeout).
pub const MAX_SERVERS: usize = 4;

/// Parses a comma-separated list of servers.
pub fn parse_servers(list: &str) -> Result<Vec<NtpServer>, CoreError> {
    let mut out = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (host, port) = if let Some(rest) = item.strip_prefix('[') {
            let (h, tail) = rest.split_once(']').ok_or_else(|| refuse(format!("{item:?}: missing ]")))?;
            (h, tail.strip_prefix(':'))
        } else {
            match item.rsplit_once(':') {
                Some((h, p)) if !h.contains(':') => (h, Some(p)),
                _ => (item, None),
            }
        };
        let port = match port {
            Some(p) => p.parse::<u16>().ok().filter(|&p| p > 0).ok_or_else(|| refuse(format!("{item:?}: bad port")))?,
            None => DEFAULT_PORT,
        };
        let ok_host = !host.is_empty()
            && host.len() <= 253
            && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
        if !ok_host {
            return Err(refuse(format!("{item:?} is not a host name or address")));
        }
        out.push(NtpServer { host: host.to_ascii_lowercase(), port });
    }
    if out.len() > MAX_SERVERS {
        return Err(refuse(format!("at most {MAX_SERVERS} NTP servers, got {}", out.len())));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: UnixMillis = UnixMillis(1_790_000_000_123);

    #[test]
    fn timestamps_round_trip_across_eras() {
        for ms in [0, 1_000, 1_790_000_000_123, 2_085_978_495_999, 2_085_978_496_000, 2_500_000_000_500, -1_000] {
            let t = UnixMillis(ms);
            assert_eq!(from_ntp(to_ntp(t), t), t, "{ms}");
        }
        // 2036-02-07 06:28:16 UTC is where era 0 wraps to seconds 0 of era 1.
        assert_eq!(to_ntp(UnixMillis(2_085_978_496_000)) >> 32, 0);
    }

    fn answer(sent: UnixMillis, rx: UnixMillis, tx: UnixMillis) -> [u8; PACKET_LEN] {
        let mut p = [0u8; PACKET_LEN];
        p[0] = (4 << 3) | 4;
        p[1] = 2;
        p[24..32].copy_from_slice(&to_ntp(sent).to_be_bytes());
        p[32..40].copy_from_slice(&to_ntp(rx).to_be_bytes());
        p[40..48].copy_from_slice(&to_ntp(tx).to_be_bytes());
        p
    }

    #[test]
    fn a_good_answer_is_a_sample() {
        let req = request(T);
        assert_eq!(req[0], 0x23);
        let p = answer(T, UnixMillis(T.0 - 45_000 + 5), UnixMillis(T.0 - 45_000 + 6));
        let s = parse_response(&p, T, UnixMillis(T.0 + 10)).expect("sample");
        let o = s.offset();
        assert_eq!((o.offset_ms, o.delay_ms), (45_000, 9));
    }

    #[test]
    fn bad_answers_are_refused_with_a_reason() {
        let good = answer(T, T, T);
        let mut cases: Vec<(Vec<u8>, &str)> = vec![(good[..47].to_vec(), "47 bytes")];
        let mut client_mode = good;
        client_mode[0] = (4 << 3) | 3;
        cases.push((client_mode.to_vec(), "not from a server"));
        let mut kiss = good;
        kiss[1] = 0;
        kiss[12..16].copy_from_slice(b"RATE");
        cases.push((kiss.to_vec(), "RATE"));
        let mut unsynced = good;
        unsynced[0] |= 3 << 6;
        cases.push((unsynced.to_vec(), "not synchronised"));
        cases.push((answer(UnixMillis(T.0 + 1), T, T).to_vec(), "does not match"));
        let mut empty = good;
        empty[40..48].fill(0);
        cases.push((empty.to_vec(), "no time"));
        for (packet, want) in cases {
            let err = parse_response(&packet, T, T).expect_err(want).to_string();
            assert!(err.contains(want), "{err} should mention {want}");
        }
    }

    #[test]
    fn server_lists() {
        let ok = parse_servers(" time.example.com, 10.0.0.1:1123 ,[::1]:123, [fe80::1]").expect("ok");
        let shown: Vec<String> = ok.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["time.example.com:123", "10.0.0.1:1123", "[::1]:123", "[fe80::1]:123"]);
        assert_eq!(parse_servers("").expect("empty"), vec![]);
        for bad in ["a:0", "a:99999", "bad host", "[::1", "a,b,c,d,e", "x/y"] {
            assert!(parse_servers(bad).is_err(), "{bad}");
        }
    }
}
