//! The system's wall clock, for binaries to inject into the agent.

use lastmile_core::clock::{Clock, UnixMillis};

/// Reads `SystemTime::now()`. Only binaries construct this; logic receives a `Clock`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixMillis {
        let ms = match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_millis() as i64,
            Err(e) => -(e.duration().as_millis() as i64),
        };
        UnixMillis(ms)
    }
}
