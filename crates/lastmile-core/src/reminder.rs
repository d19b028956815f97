//! Reminders on the desktop: when a person whose organisation asks for a step they have not
//! taken is reminded of it. At most one a day (a full day after the last), never in quiet
//! hours (local time; a window may cross midnight), and only when reminders are on. Pure: the
//! caller gives the time, the local minute of the day and when the last reminder was shown.

use crate::CoreError;

/// The reminders setting's words.
pub const REMINDERS: [&str; 2] = ["daily", "off"];
/// Reminders when nothing says otherwise.
pub const DEFAULT_REMINDERS: &str = "daily";
/// Quiet hours when nothing says otherwise: evenings and nights.
pub const DEFAULT_QUIET_HOURS: &str = "20:00-08:00";
/// The least time between two reminders.
pub const REMINDER_GAP_MS: i64 = 24 * 3_600_000;

/// A daily window without reminders, in minutes of the local day (`start == end`: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    start: u16,
    end: u16,
}

impl QuietHours {
    /// `HH:MM-HH:MM`, 24-hour local time, e.g. `20:00-08:00` (crossing midnight) or
    /// `12:00-13:30`.
    pub fn parse(s: &str) -> Result<QuietHours, CoreError> {
        let bad = || CoreError::QuietHours(s.to_string());
        let (a, b) = s.trim().split_once('-').ok_or_else(bad)?;
        let minute = |t: &str| -> Result<u16, CoreError> {
            let (h, m) = t.trim().split_once(':').ok_or_else(bad)?;
            if h.is_empty() || h.len() > 2 || m.len() != 2 {
                return Err(bad());
            }
            let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
            if h > 23 || m > 59 {
                return Err(bad());
            }
            Ok(h * 60 + m)
        };
        Ok(QuietHours { start: minute(a)?, end: minute(b)? })
    }

    /// Whether `minute` (0..1440 of the local day) is inside the window.
    pub fn contains(&self, minute: u16) -> bool {
        match self.start.cmp(&self.end) {
            std::cmp::Ordering::Equal => false,
            std::cmp::Ordering::Less => (self.start..self.end).contains(&minute),
            std::cmp::Ordering::Greater => minute >= self.start || minute < self.end,
        }
    }
}

impl std::fmt::Display for QuietHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (s, e) = (self.start, self.end);
        write!(f, "{:02}:{:02}-{:02}:{:02}", s / 60, s % 60, e / 60, e % 60)
    }
}

/// Whether a reminder may be shown now.
pub fn due(on: bool, now_ms: i64, last_shown_ms: Option<i64>, local_minute: u16, quiet: QuietHours) -> bool {
    on && !quiet.contains(local_minute)
        && last_shown_ms.is_none_or(|last| now_ms - last >= REMINDER_GAP_MS || last > now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_table() {
        let night = QuietHours::parse("20:00-08:00").expect("parse");
        let lunch = QuietHours::parse("12:00-13:30").expect("parse");
        let none = QuietHours::parse("9:00-09:00").expect("parse");
        for (q, minute, quiet) in [
            (night, 20 * 60, true),
            (night, 23 * 60 + 59, true),
            (night, 0, true),
            (night, 7 * 60 + 59, true),
            (night, 8 * 60, false),
            (night, 19 * 60 + 59, false),
            (lunch, 12 * 60, true),
            (lunch, 13 * 60 + 29, true),
            (lunch, 13 * 60 + 30, false),
            (lunch, 11 * 60 + 59, false),
            (none, 9 * 60, false),
        ] {
            assert_eq!(q.contains(minute), quiet, "{q:?} {minute}");
        }
        for bad in ["", "20:00", "24:00-08:00", "20:60-08:00", "8-9", "20:00-08:0", "a:bc-08:00", "123:00-08:00"] {
            assert!(QuietHours::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn at_most_one_a_day_outside_quiet_hours() {
        let night = QuietHours::parse(DEFAULT_QUIET_HOURS).expect("parse");
        let day = REMINDER_GAP_MS;
        let ten = 10 * 60;
        for (on, now, last, minute, want) in [
            (true, day * 10, None, ten, true),
            (false, day * 10, None, ten, false),
            (true, day * 10, None, 22 * 60, false),
            (true, day * 10, Some(day * 10 - day + 1), ten, false),
            (true, day * 10, Some(day * 9), ten, true),
            // A last time in the future (the clock went back) does not silence them for good.
            (true, day * 10, Some(day * 12), ten, true),
        ] {
            assert_eq!(due(on, now, last, minute, night), want, "{on} {now} {last:?} {minute}");
        }
    }
}
