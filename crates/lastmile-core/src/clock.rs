//! Time, injected: the [`Clock`] trait and the millisecond timestamp the product uses.

use std::sync::atomic::{AtomicI64, Ordering};

/// Milliseconds since the Unix epoch (UTC). Signed, so offsets and differences are natural.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixMillis(pub i64);

impl UnixMillis {
    pub fn as_i64(self) -> i64 {
        self.0
    }
    pub fn saturating_add_ms(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }

    /// The time of day in UTC, `HH:MM UTC`, for messages such as "the session ends at".
    pub fn utc_time_of_day(self) -> String {
        let minutes = self.0.div_euclid(60_000).rem_euclid(24 * 60);
        format!("{:02}:{:02} UTC", minutes / 60, minutes % 60)
    }
}

/// A source of wall-clock time. Production code passes a system clock from the binary;
/// tests pass a [`ManualClock`].
pub trait Clock: Send + Sync {
    fn now(&self) -> UnixMillis;
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> UnixMillis {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> UnixMillis {
        (**self).now()
    }
}

/// A clock that only moves when told to; for tests.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn at(ms: i64) -> Self {
        Self(AtomicI64::new(ms))
    }
    pub fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> UnixMillis {
        UnixMillis(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::UnixMillis;

    #[test]
    fn time_of_day_in_utc() {
        for (ms, want) in
            [(0, "00:00 UTC"), (1_790_000_000_000, "14:13 UTC"), (86_399_999, "23:59 UTC"), (-60_000, "23:59 UTC")]
        {
            assert_eq!(UnixMillis(ms).utc_time_of_day(), want, "{ms}");
        }
    }
}
