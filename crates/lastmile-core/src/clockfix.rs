//! How to fix a wrong clock, for the user's own OS and desktop. Pure: the device crate says
//! which platform this is, this module says what to do there, in the person's words
//! (`clockfix-<platform>-<n>` in the message files, which the window uses too).

use crate::words::Words;

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

impl ClockPlatform {
    pub const ALL: [ClockPlatform; 6] = [
        ClockPlatform::Windows,
        ClockPlatform::MacOs,
        ClockPlatform::Gnome,
        ClockPlatform::Kde,
        ClockPlatform::LinuxSystemd,
        ClockPlatform::Other,
    ];

    /// The name the message ids and the window's status use (`windows`, `systemd`).
    pub fn key(self) -> &'static str {
        match self {
            ClockPlatform::Windows => "windows",
            ClockPlatform::MacOs => "macos",
            ClockPlatform::Gnome => "gnome",
            ClockPlatform::Kde => "kde",
            ClockPlatform::LinuxSystemd => "systemd",
            ClockPlatform::Other => "other",
        }
    }

    /// The platform from its key.
    pub fn from_key(key: &str) -> Option<ClockPlatform> {
        ClockPlatform::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// The longest list of steps a platform has (the message files may hold fewer).
const MOST_STEPS: u32 = 9;

/// The steps, in order, each one sentence, in `words`' language.
pub fn fix_steps(platform: ClockPlatform, words: &Words) -> Vec<String> {
    (1..=MOST_STEPS)
        .map(|n| format!("clockfix-{}-{n}", platform.key()))
        .take_while(|id| words.has(id))
        .map(|id| words.say(&id, &[]))
        .collect()
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
        let english = Words::new("en");
        for (platform, needle) in table {
            let steps = fix_steps(platform, english);
            assert!(steps.len() >= 2, "{platform:?}: {steps:?}");
            assert!(steps.iter().any(|s| s.contains(needle)), "{platform:?}: {steps:?}");
            assert_eq!(ClockPlatform::from_key(platform.key()), Some(platform));
        }
    }

    #[test]
    fn every_language_keeps_the_commands_as_they_are_typed() {
        for language in crate::locale::LOCALES {
            let words = Words::new(language);
            for platform in ClockPlatform::ALL {
                let (theirs, english) = (fix_steps(platform, words), fix_steps(platform, Words::new("en")));
                for (t, e) in theirs.iter().zip(&english) {
                    let commands = |s: &str| s.split('`').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>();
                    assert_eq!(commands(t), commands(e), "{language} {platform:?}");
                }
            }
        }
        assert_eq!(
            fix_steps(ClockPlatform::Gnome, Words::new("de"))[0],
            "Öffnen Sie Einstellungen > System > Datum und Uhrzeit."
        );
    }
}
