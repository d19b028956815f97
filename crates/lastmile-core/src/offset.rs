//! Clock-offset math (NTP-style, RFC 5905 section 8) and the verdicts tied to the TOTP step.
//!
//! One sample is four timestamps: the client sends at `t0` (client clock), the server
//! receives at `t1` and transmits at `t2` (server clock), the client receives at `t3`
//! (client clock). Then
//!
//! * offset = ((t0 - t1) + (t3 - t2)) / 2: how far the **client** is ahead of the server
//!   (negative when it is behind). This is the opposite sign of NTP's theta, because the
//!   question a user asks is "is my clock fast or slow?".
//! * delay  = (t3 - t0) - (t2 - t1): the round trip minus the server's processing time.
//!
//! The error of the offset is at most delay / 2, so of several samples the one with the
//! lowest delay is kept.

use crate::CoreError;
use crate::clock::UnixMillis;

/// The TOTP time step the verdict thresholds are tied to (RFC 6238 default, 30 s).
pub const TOTP_STEP_MS: i64 = 30_000;

/// Offsets up to this size leave a code typed in the last seconds of its step inside the
/// verifier's window (one step of drift each way) with room for typing: a third of a step.
pub const OK_LIMIT_MS: i64 = TOTP_STEP_MS / 3;

/// Beyond one whole step, a code is only accepted through the drift window, and not at
/// all near step boundaries: TOTP will fail some of the time.
pub const FAIL_LIMIT_MS: i64 = TOTP_STEP_MS;

/// One NTP-style exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub client_send: UnixMillis,
    pub server_receive: UnixMillis,
    pub server_transmit: UnixMillis,
    pub client_receive: UnixMillis,
}

/// The measured offset of this device's clock against a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset {
    /// How far this device is ahead of the reference, in ms (negative: behind).
    pub offset_ms: i64,
    /// Round-trip delay with the server's processing removed, in ms (never negative).
    pub delay_ms: i64,
}

impl Sample {
    pub fn offset(&self) -> Offset {
        let t0 = self.client_send.0 as i128;
        let t1 = self.server_receive.0 as i128;
        let t2 = self.server_transmit.0 as i128;
        let t3 = self.client_receive.0 as i128;
        // Round half away from zero so +0.5 ms and -0.5 ms are symmetric.
        let twice = (t0 - t1) + (t3 - t2);
        let offset = if twice >= 0 { (twice + 1) / 2 } else { (twice - 1) / 2 };
        let delay = ((t3 - t0) - (t2 - t1)).max(0);
        Offset { offset_ms: clamp_i64(offset), delay_ms: clamp_i64(delay) }
    }
}

fn clamp_i64(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// The offset from the sample with the lowest delay (ties: the earliest sample).
pub fn best_offset(samples: &[Sample]) -> Result<Offset, CoreError> {
    samples.iter().map(Sample::offset).min_by_key(|o| o.delay_ms).ok_or(CoreError::NoClockSamples)
}

/// What the offset means for TOTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Within a third of a TOTP step: codes work.
    Ok,
    /// Between a third of a step and one step: codes work only thanks to the drift window
    /// and may fail when typed near the end of a step. Fix the clock.
    Warn,
    /// A whole step or more: codes will fail. Fix the clock before enrolling TOTP.
    Fail,
}

/// The verdict for an offset. The measurement error (half the delay) counts against the
/// device, so a slow network cannot make a bad clock look good.
pub fn verdict(offset: Offset) -> Verdict {
    let worst = offset.offset_ms.unsigned_abs().saturating_add(offset.delay_ms.unsigned_abs() / 2);
    if worst <= OK_LIMIT_MS as u64 {
        Verdict::Ok
    } else if worst < FAIL_LIMIT_MS as u64 {
        Verdict::Warn
    } else {
        Verdict::Fail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t0: i64, t1: i64, t2: i64, t3: i64) -> Sample {
        Sample {
            client_send: UnixMillis(t0),
            server_receive: UnixMillis(t1),
            server_transmit: UnixMillis(t2),
            client_receive: UnixMillis(t3),
        }
    }

    #[test]
    fn offset_and_delay() {
        // (t0, t1, t2, t3) -> (offset, delay)
        let table = [
            // Same clocks, 10 ms each way, 2 ms in the server.
            ((1_000, 1_010, 1_012, 1_022), (0, 20)),
            // Client 45 s ahead.
            ((46_000, 1_010, 1_012, 46_022), (45_000, 20)),
            // Client 90 s behind.
            ((1_000, 91_010, 91_012, 1_022), (-90_000, 20)),
            // Asymmetric path: 30 ms out, 10 ms back; error is half the asymmetry.
            ((1_000, 1_030, 1_030, 1_040), (-10, 40)),
            // Server processing longer than the round trip (clock steps): delay clamps to 0.
            ((1_000, 1_000, 1_100, 1_050), (-25, 0)),
            // Half a millisecond rounds away from zero, symmetrically.
            ((0, 0, 0, 1), (1, 1)),
            ((1, 1, 1, 0), (-1, 0)),
        ];
        for ((t0, t1, t2, t3), (offset_ms, delay_ms)) in table {
            assert_eq!(s(t0, t1, t2, t3).offset(), Offset { offset_ms, delay_ms }, "sample {:?}", (t0, t1, t2, t3));
        }
    }

    #[test]
    fn extreme_timestamps_do_not_overflow() {
        let o = s(i64::MAX, i64::MIN, i64::MIN, i64::MAX).offset();
        assert_eq!(o.offset_ms, i64::MAX);
    }

    #[test]
    fn lowest_delay_sample_wins() {
        let samples = [
            s(0, 500, 500, 1_000),         // delay 1000, offset -0
            s(2_000, 1_003, 1_004, 2_010), // delay 9, offset 1001 (or so)
            s(3_000, 2_100, 2_100, 3_300), // delay 300
        ];
        let best = best_offset(&samples).expect("samples");
        assert_eq!(best, Offset { offset_ms: 1_002, delay_ms: 9 });
        assert_eq!(best_offset(&[]), Err(CoreError::NoClockSamples));
    }

    #[test]
    fn verdicts_are_tied_to_the_totp_step() {
        let table = [
            (0, 0, Verdict::Ok),
            (3_000, 20, Verdict::Ok),
            (-10_000, 0, Verdict::Ok),
            (10_000, 2, Verdict::Warn), // the error bar tips it over
            (-10_001, 0, Verdict::Warn),
            (29_999, 0, Verdict::Warn),
            (30_000, 0, Verdict::Fail),
            (45_000, 20, Verdict::Fail),
            (-90_000, 20, Verdict::Fail),
            (0, 70_000, Verdict::Fail), // we cannot vouch for a clock behind a 70 s round trip
            (i64::MIN, i64::MAX, Verdict::Fail),
        ];
        for (offset_ms, delay_ms, want) in table {
            assert_eq!(verdict(Offset { offset_ms, delay_ms }), want, "{offset_ms} ms / {delay_ms} ms");
        }
    }
}
