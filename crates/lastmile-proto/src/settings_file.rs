//! The settings-file schema, shared by the managed file (`/etc/lastmile/managed.json`, the
//! macOS managed-preferences plist, the Windows policy registry key) and the user file.
//! Unknown keys are refused so that a typo in an MDM profile is caught, not ignored.

use lastmile_core::settings::RawLayer;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_interval_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_url: Option<String>,
    /// `host[:port]` of NTP servers to also check the clock against, comma-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ntp_servers: Option<String>,
    /// Which of the organisation's sign-ins joining uses (its id, from `admin sso list`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso_provider: Option<String>,
    /// Who manages this device, as the window says it ("Managed by Acme IT").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<String>,
    /// Where people get help: an https:// page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_url: Option<String>,
    /// How much the log files hold: error, warn, info or debug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_level: Option<String>,
    /// An invite code or `lastmile://join` link, used once to join without anyone typing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite: Option<String>,
    /// A PEM file of certificates to trust besides the OS store (an absolute path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_bundle: Option<String>,
    /// Desktop reminders of the next step: daily or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminders: Option<String>,
    /// When no reminder is shown: HH:MM-HH:MM, local time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<String>,
    /// Start at login: always (open the window when something needs doing) or never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autostart: Option<String>,
    /// The language of the window and the terminal commands (de, fr-CA, ja); the OS's when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// What kind of value a setting holds, which decides how each policy store carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text (a JSON string, a REG_SZ, a plist string).
    Text,
    /// An absolute URL (carried as text).
    Url,
    /// A whole number in a range (a JSON number, a REG_DWORD, a plist integer).
    Integer { min: u32, max: u32, default: u32 },
    /// One of a closed list of words (carried as text).
    Choice(&'static [&'static str]),
    /// Text that is a secret: never shown or logged (carried as text).
    Secret,
}

/// One setting as administrators see it in every policy template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// The key in JSON and plists, the value name in the registry.
    pub key: &'static str,
    pub kind: Kind,
    /// A short name (the Group Policy setting's title).
    pub title: &'static str,
    /// What it does, for the administrator (one paragraph).
    pub description: &'static str,
    /// A value that passes validation, used in the sample profiles.
    pub example: &'static str,
}

/// Every setting, in the order the templates list them. The policy templates (ADMX/ADML, the
/// Jamf manifest, the sample .mobileconfig, the JSON Schema) are generated from this, and a
/// test checks it names exactly the fields of [`SettingsFile`] with their types.
pub const SETTINGS: [Spec; 15] = [
    Spec {
        key: "server_url",
        kind: Kind::Url,
        title: "Server URL",
        description: "The organisation's Lastmile server (https://, or http:// on loopback only). A device with this set opens straight at the join step.",
        example: "https://mfa.example.com",
    },
    Spec {
        key: "organisation",
        kind: Kind::Text,
        title: "Organisation",
        description: "The organisation's slug on the server (1-64 lower-case letters, digits or dashes).",
        example: "acme",
    },
    Spec {
        key: "report_interval_minutes",
        kind: Kind::Integer {
            min: *lastmile_core::settings::REPORT_INTERVAL_RANGE.start(),
            max: *lastmile_core::settings::REPORT_INTERVAL_RANGE.end(),
            default: lastmile_core::settings::DEFAULT_REPORT_INTERVAL_MINUTES,
        },
        title: "Report interval (minutes)",
        description: "How often the device reports its posture, in minutes.",
        example: "60",
    },
    Spec {
        key: "proxy_url",
        kind: Kind::Url,
        title: "Proxy URL",
        description: "An http, https or socks5 proxy for every connection to the server.",
        example: "http://proxy.example.com:3128",
    },
    Spec {
        key: "ntp_servers",
        kind: Kind::Text,
        title: "NTP servers",
        description: "host[:port] of NTP servers to also check the clock against, comma-separated.",
        example: "time.example.com,ntp.example.com:123",
    },
    Spec {
        key: "sso_provider",
        kind: Kind::Text,
        title: "Sign-in to join with",
        description: "Which of the organisation's sign-ins joining uses (its id, from lastmile-server admin sso list).",
        example: "entra",
    },
    Spec {
        key: "managed_by",
        kind: Kind::Text,
        title: "Managed by",
        description: "Who manages this device, as the window says it (\"Managed by Acme IT\"), 1-80 characters.",
        example: "Acme IT",
    },
    Spec {
        key: "support_url",
        kind: Kind::Url,
        title: "Support page",
        description: "Where people get help: an https:// page the window's \"Get help\" opens.",
        example: "https://help.example.com/mfa",
    },
    Spec {
        key: "log_level",
        kind: Kind::Choice(&lastmile_core::settings::LOG_LEVELS),
        title: "Log level",
        description: "How much the log files hold (LASTMILE_LOG overrides it for one run). Nothing secret is logged at any level.",
        example: "debug",
    },
    Spec {
        key: "invite",
        kind: Kind::Secret,
        title: "Invite to join with",
        description: "An invite code or lastmile://join link from lastmile-server admin invite: a device that has not joined joins with it by itself, once (the device remembers it used it; from the user's own settings file it is removed after use). Never shown or logged. With server_url and organisation it makes enrollment start without anyone typing anything.",
        example: "lastmile://join?code=ABCD-EFGH-JKMN-PQRS&server=https%3A%2F%2Fmfa.example.com",
    },
    Spec {
        key: "ca_bundle",
        kind: Kind::Text,
        title: "Extra trusted certificates",
        description: "The absolute path of a PEM file of CA certificates to trust besides the system's store: for a company CA (a TLS-inspecting proxy's) that is not installed in the store. The system's proxy settings are used unless proxy_url is set.",
        example: "/etc/ssl/certs/company-ca.pem",
    },
    Spec {
        key: "reminders",
        kind: Kind::Choice(&lastmile_core::reminder::REMINDERS),
        title: "Reminders",
        description: "Desktop notifications reminding a person of the step their organisation asks for: at most one a day, never in quiet hours (daily, the default), or none (off).",
        example: "daily",
    },
    Spec {
        key: "quiet_hours",
        kind: Kind::Text,
        title: "Quiet hours",
        description: "When no reminder is shown: HH:MM-HH:MM in the device's local time, crossing midnight if the end is earlier (20:00-08:00 when not set; the same start and end for none).",
        example: "19:00-09:00",
    },
    Spec {
        key: "autostart",
        kind: Kind::Choice(&lastmile_core::settings::AUTOSTART),
        title: "Start at login",
        description: "always: at login, Lastmile reports and opens its window only when something needs doing (not joined, a step missing, a problem); never: it does not start at login (the scheduled reports still run); user, or not set: the person decides in the window (on unless they turn it off).",
        example: "always",
    },
    Spec {
        key: "locale",
        kind: Kind::Text,
        title: "Language",
        description: "The language of the window and the terminal commands, as a BCP 47 tag (de, fr-CA, ja). Not set: the person's choice, else the operating system's. A language Lastmile does not have falls back to English.",
        example: "de",
    },
];

/// The keys a settings file may hold (for error messages).
pub fn keys() -> impl Iterator<Item = &'static str> {
    SETTINGS.iter().map(|s| s.key)
}

/// The setting a key names.
pub fn spec(key: &str) -> Option<&'static Spec> {
    SETTINGS.iter().find(|s| s.key == key)
}

impl From<SettingsFile> for RawLayer {
    fn from(f: SettingsFile) -> Self {
        RawLayer {
            server_url: f.server_url,
            organisation: f.organisation,
            report_interval_minutes: f.report_interval_minutes,
            proxy_url: f.proxy_url,
            ntp_servers: f.ntp_servers,
            sso_provider: f.sso_provider,
            managed_by: f.managed_by,
            support_url: f.support_url,
            log_level: f.log_level,
            invite: f.invite,
            ca_bundle: f.ca_bundle,
            reminders: f.reminders,
            quiet_hours: f.quiet_hours,
            autostart: f.autostart,
            locale: f.locale,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table names exactly the file's fields, each example passes the file's types, and
    /// a value of another kind is refused: the templates generated from the table cannot
    /// drift from what the app reads.
    #[test]
    fn the_table_is_the_file() {
        let mut full = serde_json::Map::new();
        for s in SETTINGS {
            let value = match s.kind {
                Kind::Integer { min, max, default } => {
                    let n: u32 = s.example.parse().expect("integer example");
                    assert!((min..=max).contains(&n) && (min..=max).contains(&default), "{}", s.key);
                    serde_json::json!(n)
                }
                Kind::Choice(values) => {
                    assert!(values.contains(&s.example), "{}", s.key);
                    serde_json::json!(s.example)
                }
                Kind::Text | Kind::Url | Kind::Secret => serde_json::json!(s.example),
            };
            let one: SettingsFile = serde_json::from_value(serde_json::json!({ s.key: value.clone() })).expect(s.key);
            assert_ne!(one, SettingsFile::default(), "{} reaches no field", s.key);
            let wrong = match s.kind {
                Kind::Integer { .. } => serde_json::json!(s.example),
                Kind::Text | Kind::Url | Kind::Choice(_) | Kind::Secret => serde_json::json!(1),
            };
            assert!(serde_json::from_value::<SettingsFile>(serde_json::json!({ s.key: wrong })).is_err(), "{}", s.key);
            full.insert(s.key.into(), value);
        }
        let file: SettingsFile = serde_json::from_value(serde_json::Value::Object(full.clone())).expect("all");
        assert_eq!(serde_json::to_value(&file).expect("serialise"), serde_json::Value::Object(full));
        // And the table names every field the struct has, in serde's own list of them.
        assert_eq!(fields_of::<SettingsFile>(), keys().collect::<Vec<_>>());
        let layer = lastmile_core::settings::Layer::validate(file.into());
        assert!(layer.is_ok(), "the examples must pass validation: {layer:?}");
    }

    /// The field names serde knows for a struct, as it hands them to `deserialize_struct`.
    fn fields_of<'de, T: Deserialize<'de>>() -> Vec<&'static str> {
        struct Capture(Vec<&'static str>);
        #[derive(Debug)]
        struct Stop;
        impl std::fmt::Display for Stop {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("stop")
            }
        }
        impl std::error::Error for Stop {}
        impl serde::de::Error for Stop {
            fn custom<M: std::fmt::Display>(_: M) -> Self {
                Stop
            }
        }
        impl<'de> serde::Deserializer<'de> for &mut Capture {
            type Error = Stop;
            fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
                Err(Stop)
            }
            fn deserialize_struct<V: serde::de::Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Stop> {
                self.0 = fields.to_vec();
                Err(Stop)
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
                unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
            }
        }
        let mut capture = Capture(Vec::new());
        let _ = T::deserialize(&mut capture);
        capture.0
    }
}
