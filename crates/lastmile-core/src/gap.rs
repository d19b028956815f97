//! A user's gap over time: when the current gap opened and when the last one closed, so
//! that the dashboard can show "gap since" and the mean time to remediate. Pure: the caller
//! evaluates the policy and stores the result.

use crate::clock::UnixMillis;

/// Where a user stood at their last evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GapHistory {
    /// The policy was met then.
    pub met: bool,
    /// When the current (or last) gap opened.
    pub gap_since_ms: Option<i64>,
    /// When the last gap closed, while the policy has been met since.
    pub remediated_at_ms: Option<i64>,
}

impl GapHistory {
    /// A user never evaluated before: they have had a gap since they were created.
    pub fn new_user(created_ms: i64) -> GapHistory {
        GapHistory { met: false, gap_since_ms: Some(created_ms), remediated_at_ms: None }
    }

    /// The history after an evaluation at `now` found the policy `met` (or not), and how
    /// long the gap that this evaluation closed had lasted, if it closed one.
    pub fn next(self, created_ms: i64, met: bool, now: UnixMillis) -> (GapHistory, Option<i64>) {
        let (gap_since_ms, remediated_at_ms) = match (self.met, met) {
            (false, false) => (self.gap_since_ms.or(Some(created_ms)), None),
            (true, false) => (Some(now.0), None),
            (false, true) => (self.gap_since_ms, Some(now.0)),
            (true, true) => (self.gap_since_ms, self.remediated_at_ms),
        };
        let closed = match (self.met, met) {
            (false, true) => self.gap_since_ms.map(|since| now.0 - since),
            _ => None,
        };
        (GapHistory { met, gap_since_ms, remediated_at_ms }, closed)
    }
}

#[cfg(test)]
mod tests {
    use super::GapHistory;
    use crate::clock::UnixMillis;

    #[test]
    fn gaps_open_close_and_measure_the_time_to_remediate() {
        let h = |met, since, fixed| GapHistory { met, gap_since_ms: since, remediated_at_ms: fixed };
        let created = 100;
        // (before, met now, after, closed gap's length)
        let table = [
            // A new user still without a factor: the gap runs from creation.
            (GapHistory::new_user(created), false, h(false, Some(100), None), None),
            // A stored row that lost its gap start: it is taken from creation.
            (h(false, None, None), false, h(false, Some(100), None), None),
            // The gap closes: remediated now, closed after 900 ms.
            (h(false, Some(100), None), true, h(true, Some(100), Some(1000)), Some(900)),
            // Still met: nothing moves.
            (h(true, Some(100), Some(500)), true, h(true, Some(100), Some(500)), None),
            // A factor revoked: a new gap opens now, the old remediation is forgotten.
            (h(true, Some(100), Some(500)), false, h(false, Some(1000), None), None),
            // Met without ever having had a recorded gap start: no duration to count.
            (h(false, None, None), true, h(true, None, Some(1000)), None),
        ];
        for (i, (before, met, after, closed)) in table.into_iter().enumerate() {
            assert_eq!(before.next(created, met, UnixMillis(1000)), (after, closed), "row {i}");
        }
    }
}
