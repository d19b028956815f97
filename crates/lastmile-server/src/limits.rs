//! Rate limits on the requests that cost the server argon2id work or guard a secret: per
//! source address and per username on the recovery sign-in, per device on recovery codes.
//! A refusal is 429 with `Retry-After`, and it is the same whether or not the username
//! exists (the key is what was sent, not who it names).
//!
//! Each limit is a generic cell rate algorithm (GCRA): `burst` requests at once, then one
//! every `every_ms`. Per key, the state is one number (the theoretical arrival time), kept in
//! memory: limits are per server process, which is what they are for (the lockouts, which
//! must hold across replicas, are in the database). Time comes from the caller.

use std::collections::HashMap;
use std::sync::Mutex;

use lastmile_core::clock::UnixMillis;

/// `burst` requests at once, then one every `every_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub every_ms: i64,
}

/// Keys kept at most; beyond it, keys whose state has run out are dropped, and if that is not
/// enough (a flood of distinct keys), new keys pass unlimited, with a warning: the bounded
/// key-derivation queue still bounds the work.
const MAX_KEYS: usize = 100_000;

/// One rate limit over many keys.
#[derive(Debug)]
pub struct Limiter {
    rate: Rate,
    what: &'static str,
    /// Per key, when its bucket is empty again (the GCRA's theoretical arrival time).
    state: Mutex<HashMap<String, i64>>,
}

impl Limiter {
    pub fn new(what: &'static str, rate: Rate) -> Limiter {
        Limiter { rate, what, state: Mutex::new(HashMap::new()) }
    }

    /// Takes one request for `key` at `now`: `Ok`, or `Err(seconds)` to wait before the next
    /// one is allowed.
    pub fn check(&self, key: &str, now: UnixMillis) -> Result<(), u64> {
        let Rate { burst, every_ms } = self.rate;
        let tolerance = i64::from(burst.saturating_sub(1)) * every_ms;
        let Ok(mut state) = self.state.lock() else { return Ok(()) };
        let tat = state.get(key).copied().unwrap_or(now.0).max(now.0);
        if tat - now.0 > tolerance {
            let wait_ms = tat - now.0 - tolerance;
            return Err(u64::try_from((wait_ms + 999) / 1000).unwrap_or(1).max(1));
        }
        if !state.contains_key(key) && state.len() >= MAX_KEYS {
            state.retain(|_, t| *t > now.0);
            if state.len() >= MAX_KEYS {
                tracing::warn!(limit = self.what, "rate limit table full; a new key passes unlimited");
                return Ok(());
            }
        }
        state.insert(key.to_string(), tat + every_ms);
        Ok(())
    }
}

/// The server's rate limits (see the module documentation).
#[derive(Debug)]
pub struct Limits {
    /// Recovery sign-ins per source address.
    pub sign_in_by_address: Limiter,
    /// Recovery sign-ins per organisation and username, existing or not.
    pub sign_in_by_username: Limiter,
    /// Recovery-code sets made, per device (confirmations are bounded by the lockout).
    pub codes_by_device: Limiter,
    /// Joins with the organisation's sign-in started, per source address (each keeps a row
    /// for its nonce until it expires). Roomy: a whole office behind one address may join
    /// on the same morning.
    pub sso_start_by_address: Limiter,
}

impl Limits {
    /// Generous for people, tight for scripts: 20 sign-ins at once from an address then one
    /// every 3 s; 10 per username then one every 30 s; 5 recovery-code sets per device
    /// then one every 10 s.
    pub fn standard() -> Limits {
        Limits::with(
            Rate { burst: 20, every_ms: 3_000 },
            Rate { burst: 10, every_ms: 30_000 },
            Rate { burst: 5, every_ms: 10_000 },
        )
    }

    pub fn with(by_address: Rate, by_username: Rate, by_device: Rate) -> Limits {
        Limits {
            sign_in_by_address: Limiter::new("sign-in by address", by_address),
            sign_in_by_username: Limiter::new("sign-in by username", by_username),
            codes_by_device: Limiter::new("recovery codes by device", by_device),
            sso_start_by_address: Limiter::new("sign-in joins by address", Rate { burst: 120, every_ms: 250 }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_one_per_interval() {
        let l = Limiter::new("test", Rate { burst: 3, every_ms: 1_000 });
        let t = |ms: i64| UnixMillis(1_000_000 + ms);
        for _ in 0..3 {
            assert_eq!(l.check("a", t(0)), Ok(()));
        }
        assert_eq!(l.check("a", t(0)), Err(1), "the fourth at once waits a second");
        assert_eq!(l.check("b", t(0)), Ok(()), "keys are independent");
        assert_eq!(l.check("a", t(999)), Err(1));
        assert_eq!(l.check("a", t(1_000)), Ok(()), "one more after the interval");
        assert_eq!(l.check("a", t(1_000)), Err(1));
        // A long pause refills the whole burst, not more.
        for _ in 0..3 {
            assert_eq!(l.check("a", t(60_000)), Ok(()));
        }
        assert_eq!(l.check("a", t(60_000)), Err(1));
    }

    #[test]
    fn the_wait_is_rounded_up_to_whole_seconds() {
        let l = Limiter::new("test", Rate { burst: 1, every_ms: 30_000 });
        assert_eq!(l.check("u", UnixMillis(0)), Ok(()));
        assert_eq!(l.check("u", UnixMillis(500)), Err(30));
        assert_eq!(l.check("u", UnixMillis(29_001)), Err(1));
        assert_eq!(l.check("u", UnixMillis(30_000)), Ok(()));
    }

    #[test]
    fn refused_requests_do_not_push_the_wait_further() {
        let l = Limiter::new("test", Rate { burst: 1, every_ms: 1_000 });
        assert_eq!(l.check("u", UnixMillis(0)), Ok(()));
        for _ in 0..100 {
            assert!(l.check("u", UnixMillis(10)).is_err());
        }
        assert_eq!(l.check("u", UnixMillis(1_000)), Ok(()));
    }
}
