//! The clock check: this device's offset against the server, what it means for TOTP, and
//! how to fix it on this OS and desktop. Used by `status` and by `lastmile clock`.

use lastmile_client::{ApiClient, ClientError};
use lastmile_core::clock::{Clock, UnixMillis};
use lastmile_core::clockfix::fix_steps;
use lastmile_core::offset::{self, Offset, Sample};
use lastmile_core::sntp::{self, NtpServer};
use lastmile_core::words::Words;
use lastmile_proto::app::{AppErrorCode, ClockStatus, ClockVerdict, NtpCheck, Problem, ProblemCode};

use crate::{Agent, AgentError, DeviceProbe, SecretStore};

/// Clock samples taken per measurement; the lowest-delay one is kept.
pub const CLOCK_SAMPLES: u32 = 4;
/// How long to wait for an NTP server's answer.
pub const NTP_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(800);

/// "45.0 s ahead of", "90.0 s behind", "12 ms ahead of".
pub fn describe(offset_ms: i64) -> String {
    let direction = if offset_ms >= 0 { "ahead of" } else { "behind" };
    let abs = offset_ms.unsigned_abs();
    if abs < 1_000 { format!("{abs} ms {direction}") } else { format!("{:.1} s {direction}", abs as f64 / 1000.0) }
}

impl<D: DeviceProbe, S: SecretStore, C: Clock> Agent<D, S, C> {
    /// Measures this device's clock against the server (NTP-style, lowest delay wins).
    pub async fn measure_clock(&self, api: &ApiClient) -> Result<(Offset, u32), ClientError> {
        let mut samples = Vec::with_capacity(CLOCK_SAMPLES as usize);
        for _ in 0..CLOCK_SAMPLES {
            let client_send = self.clock.now();
            let t = api.time().await?;
            let client_receive = self.clock.now();
            samples.push(Sample {
                client_send,
                server_receive: UnixMillis(t.receive_ms),
                server_transmit: UnixMillis(t.transmit_ms),
                client_receive,
            });
        }
        let best = offset::best_offset(&samples)
            .map_err(|e| ClientError::BadResponse { url: api.base().to_string(), detail: e.to_string() })?;
        Ok((best, CLOCK_SAMPLES))
    }

    /// The clock as shown and printed, against the Lastmile server; fix steps only when
    /// something needs fixing.
    pub(crate) fn clock_status(&self, measured: Option<(Offset, u32)>) -> ClockStatus {
        self.clock_status_from(measured.map(|m| ("server".to_string(), m)), Vec::new())
    }

    fn clock_status_from(&self, measured: Option<(String, (Offset, u32))>, ntp: Vec<NtpCheck>) -> ClockStatus {
        let Some((source, (o, samples))) = measured else {
            return ClockStatus {
                offset_ms: None,
                delay_ms: None,
                verdict: None,
                source: "none".into(),
                samples: 0,
                fix_steps: Vec::new(),
                fix_for: None,
                ntp,
                note: None,
            };
        };
        let verdict = to_verdict(o);
        let fix_for = (verdict != ClockVerdict::Ok).then(|| self.device.clock_platform());
        let fix_steps = fix_for.map(|platform| fix_steps(platform, Words::new(self.locale()))).unwrap_or_default();
        let note = if source == "server" { server_clock_note(o.offset_ms, &ntp) } else { None };
        ClockStatus {
            offset_ms: Some(o.offset_ms),
            delay_ms: Some(o.delay_ms),
            verdict: Some(verdict),
            source,
            samples,
            fix_steps,
            fix_for: fix_for.map(|p| p.key().to_string()),
            ntp,
            note,
        }
    }

    /// Checks the clock against the configured server and, when the settings name any, NTP
    /// servers. Either is enough to give a verdict.
    pub async fn clock(&self) -> Result<ClockStatus, AgentError> {
        let resolved = self.resolve_settings()?;
        let ntp_servers = resolved.settings.ntp_servers.value.clone().unwrap_or_default();
        let server = resolved.settings.server_url.value.clone();
        if server.is_none() && ntp_servers.is_empty() {
            return Err(AgentError::new(
                AppErrorCode::NoServer,
                "no Lastmile server is configured to measure the clock against",
                Some("Pass --server <url>, or join your organisation first."),
            ));
        }
        let measured = match &server {
            Some(url) => {
                let api = self.api(&resolved, url)?;
                Some(self.measure_clock(&api).await)
            }
            None => None,
        };
        let mut ntp = Vec::with_capacity(ntp_servers.len());
        let mut best_ntp: Option<(String, (Offset, u32))> = None;
        for s in &ntp_servers {
            let name = s.to_string();
            match self.measure_ntp(s).await {
                Ok((o, n)) => {
                    ntp.push(NtpCheck {
                        server: name.clone(),
                        offset_ms: Some(o.offset_ms),
                        delay_ms: Some(o.delay_ms),
                        verdict: Some(to_verdict(o)),
                        error: None,
                    });
                    if best_ntp.as_ref().is_none_or(|(_, (b, _))| o.delay_ms < b.delay_ms) {
                        best_ntp = Some((format!("ntp:{name}"), (o, n)));
                    }
                }
                Err(e) => {
                    ntp.push(NtpCheck { server: name, offset_ms: None, delay_ms: None, verdict: None, error: Some(e) })
                }
            }
        }
        match measured {
            Some(Ok(m)) => Ok(self.clock_status_from(Some(("server".into(), m)), ntp)),
            Some(Err(e)) if best_ntp.is_none() => Err(AgentError::from_client(e)),
            _ => Ok(self.clock_status_from(best_ntp, ntp)),
        }
    }

    /// Measures this device's clock against one NTP server over SNTP: up to
    /// [`CLOCK_SAMPLES`] exchanges, lowest delay wins; a server that does not answer the
    /// first request within [`NTP_TIMEOUT`] is given up.
    pub async fn measure_ntp(&self, server: &NtpServer) -> Result<(Offset, u32), String> {
        let addr = tokio::net::lookup_host((server.host.as_str(), server.port))
            .await
            .map_err(|e| format!("cannot resolve {}: {e}", server.host))?
            .next()
            .ok_or_else(|| format!("{} has no address", server.host))?;
        let local: std::net::SocketAddr = if addr.is_ipv4() {
            (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
        } else {
            (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
        };
        let socket = tokio::net::UdpSocket::bind(local).await.map_err(|e| format!("no UDP socket: {e}"))?;
        socket.connect(addr).await.map_err(|e| format!("cannot reach {addr}: {e}"))?;
        let mut samples = Vec::with_capacity(CLOCK_SAMPLES as usize);
        let mut last_error = String::new();
        let mut buf = [0u8; 512];
        for _ in 0..CLOCK_SAMPLES {
            let sent = self.clock.now();
            socket.send(&sntp::request(sent)).await.map_err(|e| format!("cannot send to {addr}: {e}"))?;
            let got = tokio::time::timeout(NTP_TIMEOUT, async {
                // Skip stray datagrams (a late answer to an earlier request) until ours comes.
                loop {
                    let n = socket.recv(&mut buf).await?;
                    let received = self.clock.now();
                    match sntp::parse_response(&buf[..n], sent, received) {
                        Err(lastmile_core::CoreError::Sntp(m)) if m.contains("does not match") => continue,
                        other => return Ok::<_, std::io::Error>(other),
                    }
                }
            })
            .await;
            match got {
                Ok(Ok(Ok(sample))) => samples.push(sample),
                Ok(Ok(Err(e))) => last_error = e.to_string(),
                Ok(Err(e)) => last_error = format!("no answer from {addr}: {e}"),
                Err(_) if samples.is_empty() => {
                    return Err(format!("no answer from {addr} within {} ms", NTP_TIMEOUT.as_millis()));
                }
                Err(_) => {}
            }
        }
        let n = samples.len() as u32;
        offset::best_offset(&samples).map(|o| (o, n)).map_err(|_| last_error)
    }
}

fn to_verdict(o: Offset) -> ClockVerdict {
    match offset::verdict(o) {
        offset::Verdict::Ok => ClockVerdict::Ok,
        offset::Verdict::Warn => ClockVerdict::Warn,
        offset::Verdict::Fail => ClockVerdict::Fail,
    }
}

/// When this device agrees with NTP but not with the Lastmile server, the server's clock is
/// the one that is off; and it is the one codes are checked against.
fn server_clock_note(server_offset_ms: i64, ntp: &[NtpCheck]) -> Option<String> {
    let (name, ntp_offset) = ntp.iter().find_map(|c| Some((c.server.as_str(), c.offset_ms?)))?;
    // device - server = a, device - ntp = b, so server - ntp = b - a.
    let server_vs_ntp = ntp_offset - server_offset_ms;
    (server_vs_ntp.abs() > offset::OK_LIMIT_MS).then(|| {
        format!(
            "the Lastmile server's clock is {} {name}; codes are checked against the server, so tell your IT team",
            describe(server_vs_ntp)
        )
    })
}

/// The steps to fix the clock in English, for the problem's hint and `lastmile doctor`,
/// which are worded in English whatever the person's language.
pub fn english_fix_steps(status: &ClockStatus) -> Vec<String> {
    let platform = status.fix_for.as_deref().and_then(lastmile_core::clockfix::ClockPlatform::from_key);
    platform.map(|p| fix_steps(p, Words::new("en"))).unwrap_or_default()
}

/// The problem a bad clock raises, if any.
pub(crate) fn clock_problem(status: &ClockStatus) -> Option<Problem> {
    let (code, consequence) = match status.verdict? {
        ClockVerdict::Ok => return None,
        ClockVerdict::Warn => (ProblemCode::ClockWarn, "authenticator codes may fail"),
        ClockVerdict::Fail => (ProblemCode::ClockFail, "authenticator codes will fail"),
    };
    Some(Problem {
        code,
        message: format!(
            "this device's clock is {} the server's; {consequence}",
            describe(status.offset_ms.unwrap_or_default())
        ),
        // Problems are worded in English (the window and the tray word them from the code).
        hint: english_fix_steps(status).into_iter().next(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_server_clock_off_against_ntp_is_named() {
        let ntp = |offset: i64| lastmile_proto::app::NtpCheck {
            server: "time.example.com:123".into(),
            offset_ms: Some(offset),
            delay_ms: Some(1),
            verdict: None,
            error: None,
        };
        // This device is 45 s ahead of the server but in step with NTP: the server is 45 s behind.
        let note = super::server_clock_note(45_000, &[ntp(20)]).expect("note");
        assert!(note.starts_with("the Lastmile server's clock is 45.0 s behind time.example.com:123"), "{note}");
        assert_eq!(super::server_clock_note(45_000, &[ntp(44_000)]), None, "the device is the one that is off");
        assert_eq!(super::server_clock_note(45_000, &[]), None);
    }

    #[test]
    fn offsets_read_naturally() {
        let table =
            [(0, "0 ms ahead of"), (12, "12 ms ahead of"), (45_000, "45.0 s ahead of"), (-90_400, "90.4 s behind")];
        for (ms, want) in table {
            assert_eq!(super::describe(ms), want);
        }
    }
}
