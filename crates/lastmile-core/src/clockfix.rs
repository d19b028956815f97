//! How to fix a wrong clock, for the user's own OS and desktop. Pure: the device crate says
//! which platform this is, this module says what to do there.

/// Where the user is, as far as fixing the clock goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockPlatform {
    Windows,
    MacOs,
    Gnome,
    Kde,
    /// Linux with systemd but without a desktop this module knows.
    LinuxSystemd,
    /// Anything else.
    Other,
}

/// The steps, in order, each one sentence.
pub fn fix_steps(platform: ClockPlatform) -> &'static [&'static str] {
    match platform {
        ClockPlatform::Windows => &[
            "Open Settings > Time & language > Date & time.",
            "Turn on \"Set time automatically\" and \"Set time zone automatically\".",
            "Click \"Sync now\" (or run `w32tm /resync` in an administrator terminal).",
        ],
        ClockPlatform::MacOs => &[
            "Open System Settings > General > Date & Time.",
            "Turn on \"Set time and date automatically\" (source: time.apple.com).",
            "If it is already on, turn it off and on again to sync now.",
        ],
        ClockPlatform::Gnome => &[
            "Open Settings > System > Date & Time.",
            "Turn on \"Automatic Date & Time\" and \"Automatic Time Zone\".",
            "If the clock stays wrong, run `timedatectl set-ntp true` and check `timedatectl timesync-status`.",
        ],
        ClockPlatform::Kde => &[
            "Open System Settings > Date & Time (Region & Language > Date & Time on Plasma 6).",
            "Check \"Set date and time automatically\" and apply.",
            "If the clock stays wrong, run `timedatectl set-ntp true` and check `timedatectl timesync-status`.",
        ],
        ClockPlatform::LinuxSystemd => &[
            "Run `sudo timedatectl set-ntp true` to turn on systemd-timesyncd.",
            "Check it with `timedatectl timesync-status` (\"System clock synchronized: yes\").",
            "If your network blocks public NTP, set NTP= in /etc/systemd/timesyncd.conf to your company's server.",
        ],
        ClockPlatform::Other => &[
            "Turn on automatic network time (NTP) in your system's date and time settings.",
            "Check that the time zone is right: a wrong zone looks like a clock that is hours off.",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_has_steps_that_name_its_own_settings() {
        let table = [
            (ClockPlatform::Windows, "Time & language"),
            (ClockPlatform::MacOs, "System Settings"),
            (ClockPlatform::Gnome, "Automatic Date & Time"),
            (ClockPlatform::Kde, "Set date and time automatically"),
            (ClockPlatform::LinuxSystemd, "timedatectl set-ntp true"),
            (ClockPlatform::Other, "NTP"),
        ];
        for (platform, needle) in table {
            let steps = fix_steps(platform);
            assert!(!steps.is_empty(), "{platform:?}");
            assert!(steps.iter().any(|s| s.contains(needle)), "{platform:?}: {steps:?}");
        }
    }
}
