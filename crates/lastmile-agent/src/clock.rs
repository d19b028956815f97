//! The clock check: this device's offset against the server, what it means for TOTP, and
//! how to fix it on this OS and desktop. Used by `status` and by `lastmile clock`.

use lastmile_client::{ApiClient, ClientError};
use lastmile_core::clock::{Clock, UnixMillis};
use lastmile_core::clockfix::fix_steps;
use lastmile_core::offset::{self, Offset, Sample};
use lastmile_proto::app::{AppErrorCode, ClockStatus, ClockVerdict, Problem, ProblemCode};

use crate::{Agent, AgentError, DeviceProbe, SecretStore};

/// Clock samples taken per measurement; the lowest-delay one is kept.
pub const CLOCK_SAMPLES: u32 = 4;

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

    /// The clock as shown and printed; fix steps only when something needs fixing.
    pub(crate) fn clock_status(&self, measured: Option<(Offset, u32)>) -> ClockStatus {
        let Some((o, samples)) = measured else {
            return ClockStatus {
                offset_ms: None,
                delay_ms: None,
                verdict: None,
                source: "none".into(),
                samples: 0,
                fix_steps: Vec::new(),
            };
        };
        let verdict = match offset::verdict(o) {
            offset::Verdict::Ok => ClockVerdict::Ok,
            offset::Verdict::Warn => ClockVerdict::Warn,
            offset::Verdict::Fail => ClockVerdict::Fail,
        };
        let fix_steps = if verdict == ClockVerdict::Ok {
            Vec::new()
        } else {
            fix_steps(self.device.clock_platform()).iter().map(|s| s.to_string()).collect()
        };
        ClockStatus {
            offset_ms: Some(o.offset_ms),
            delay_ms: Some(o.delay_ms),
            verdict: Some(verdict),
            source: "server".into(),
            samples,
            fix_steps,
        }
    }

    /// Checks the clock against the configured server.
    pub async fn clock(&self) -> Result<ClockStatus, AgentError> {
        let resolved = self.resolve_settings()?;
        let server = resolved.settings.server_url.value.clone().ok_or_else(|| {
            AgentError::new(
                AppErrorCode::NoServer,
                "no Lastmile server is configured to measure the clock against",
                Some("Pass --server <url>, or join your organisation first."),
            )
        })?;
        let api = self.api(&resolved, &server)?;
        let measured = self.measure_clock(&api).await.map_err(AgentError::from_client)?;
        Ok(self.clock_status(Some(measured)))
    }
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
        hint: status.fix_steps.first().cloned(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn offsets_read_naturally() {
        let table =
            [(0, "0 ms ahead of"), (12, "12 ms ahead of"), (45_000, "45.0 s ahead of"), (-90_400, "90.4 s behind")];
        for (ms, want) in table {
            assert_eq!(super::describe(ms), want);
        }
    }
}
