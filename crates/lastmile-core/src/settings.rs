//! Configuration layering: managed (MDM) > command line > user > defaults.
//!
//! A managed value is locked: the user settings file cannot change it, and a command-line
//! value that disagrees with it is refused rather than silently ignored, so that an IT
//! script learns at once that the device is pinned.

use url::Url;

use crate::CoreError;
use crate::invite::parse_server_url;
use crate::sntp::NtpServer;

/// Default interval between background posture reports.
pub const DEFAULT_REPORT_INTERVAL_MINUTES: u32 = 240;
/// Accepted interval range (5 minutes to a day).
pub const REPORT_INTERVAL_RANGE: std::ops::RangeInclusive<u32> = 5..=1440;

/// The levels the log files can be kept at (`log_level`), least detailed first.
pub const LOG_LEVELS: [&str; 4] = ["error", "warn", "info", "debug"];
/// The log files' level when nothing sets one.
pub const DEFAULT_LOG_LEVEL: &str = "info";

/// The autostart setting's words: at login, open the window when something needs doing
/// (`always`), or never start at login (`never`). `user` (IT's explicit "the person decides")
/// and unset leave it to the person: the user file, which the window's toggle writes.
pub const AUTOSTART: [&str; 3] = ["always", "never", "user"];
/// At login when nothing says otherwise.
pub const DEFAULT_AUTOSTART: &str = "always";

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Managed,
    CommandLine,
    User,
    Default,
}

/// One layer as read from its source, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawLayer {
    pub server_url: Option<String>,
    pub organisation: Option<String>,
    pub report_interval_minutes: Option<u32>,
    pub proxy_url: Option<String>,
    /// Comma-separated `host[:port]` list of NTP servers to also check the clock against.
    pub ntp_servers: Option<String>,
    /// Which of the organisation's sign-ins joining uses (its id, from `admin sso list`).
    pub sso_provider: Option<String>,
    /// Who manages this device, as the window says it ("Managed by Acme IT").
    pub managed_by: Option<String>,
    /// Where the person gets help: an https:// page.
    pub support_url: Option<String>,
    /// How much the log files hold: one of [`LOG_LEVELS`].
    pub log_level: Option<String>,
    /// An invite code or `lastmile://join` link IT handed over, used once to join.
    pub invite: Option<String>,
    /// A PEM file of certificates to trust besides the OS store (an absolute path).
    pub ca_bundle: Option<String>,
    /// Desktop reminders of the next step: `daily` or `off`.
    pub reminders: Option<String>,
    /// When no reminder is shown, `HH:MM-HH:MM` local time.
    pub quiet_hours: Option<String>,
    /// Start at login: one of [`AUTOSTART`].
    pub autostart: Option<String>,
    /// The language of the window and the terminal commands, a BCP 47 tag (`de`, `fr-CA`).
    pub locale: Option<String>,
}

/// One validated layer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layer {
    pub server_url: Option<Url>,
    pub organisation: Option<String>,
    pub report_interval_minutes: Option<u32>,
    pub proxy_url: Option<Url>,
    pub ntp_servers: Option<Vec<NtpServer>>,
    pub sso_provider: Option<String>,
    pub managed_by: Option<String>,
    pub support_url: Option<Url>,
    pub log_level: Option<String>,
    pub invite: Option<crate::invite::JoinInput>,
    pub ca_bundle: Option<std::path::PathBuf>,
    pub reminders: Option<String>,
    pub quiet_hours: Option<crate::reminder::QuietHours>,
    pub autostart: Option<String>,
    pub locale: Option<String>,
}

/// A problem with one setting in one layer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct SettingError {
    pub key: &'static str,
    pub message: String,
}

impl Layer {
    /// Validates every field, reporting all problems at once.
    pub fn validate(raw: RawLayer) -> Result<Layer, Vec<SettingError>> {
        let mut errors = Vec::new();
        let mut layer = Layer::default();
        if let Some(s) = raw.server_url {
            match parse_server_url(&s) {
                Ok(u) => layer.server_url = Some(u),
                Err(e) => errors.push(SettingError { key: "server_url", message: e.to_string() }),
            }
        }
        if let Some(org) = raw.organisation {
            let ok = !org.is_empty()
                && org.len() <= 64
                && org.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if ok {
                layer.organisation = Some(org);
            } else {
                errors.push(SettingError {
                    key: "organisation",
                    message: format!("{org:?} is not an organisation slug (1-64 lower-case letters, digits or dashes)"),
                });
            }
        }
        if let Some(m) = raw.report_interval_minutes {
            if REPORT_INTERVAL_RANGE.contains(&m) {
                layer.report_interval_minutes = Some(m);
            } else {
                errors.push(SettingError {
                    key: "report_interval_minutes",
                    message: format!(
                        "{m} is outside {}..={} minutes",
                        REPORT_INTERVAL_RANGE.start(),
                        REPORT_INTERVAL_RANGE.end()
                    ),
                });
            }
        }
        if let Some(p) = raw.proxy_url {
            match Url::parse(&p) {
                Ok(u) if matches!(u.scheme(), "http" | "https" | "socks5") && u.host().is_some() => {
                    layer.proxy_url = Some(u)
                }
                Ok(_) => errors.push(SettingError {
                    key: "proxy_url",
                    message: format!("{p:?} must be an http, https or socks5 URL with a host"),
                }),
                Err(e) => errors.push(SettingError { key: "proxy_url", message: format!("{p:?}: {e}") }),
            }
        }
        if let Some(list) = raw.ntp_servers {
            match crate::sntp::parse_servers(&list) {
                Ok(servers) => layer.ntp_servers = Some(servers),
                Err(e) => errors.push(SettingError { key: "ntp_servers", message: e.to_string() }),
            }
        }
        if let Some(id) = raw.sso_provider {
            let ok = !id.is_empty()
                && id.len() <= 64
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if ok {
                layer.sso_provider = Some(id);
            } else {
                errors.push(SettingError {
                    key: "sso_provider",
                    message: format!("{id:?} is not a sign-in id (1-64 letters, digits, dashes or underscores)"),
                });
            }
        }
        if let Some(name) = raw.managed_by {
            let name = name.trim().to_string();
            if (1..=80).contains(&name.chars().count()) && !name.chars().any(char::is_control) {
                layer.managed_by = Some(name);
            } else {
                errors.push(SettingError {
                    key: "managed_by",
                    message: format!("{name:?} must be 1-80 characters without control characters"),
                });
            }
        }
        if let Some(u) = raw.support_url {
            match Url::parse(&u) {
                Ok(url) if url.scheme() == "https" && url.host().is_some() => layer.support_url = Some(url),
                Ok(_) => errors.push(SettingError {
                    key: "support_url",
                    message: format!("{u:?} must be an https:// page (it opens in the browser)"),
                }),
                Err(e) => errors.push(SettingError { key: "support_url", message: format!("{u:?}: {e}") }),
            }
        }
        layer.log_level = choice("log_level", raw.log_level, &LOG_LEVELS, &mut errors);
        if let Some(invite) = raw.invite {
            // The message never repeats the value: it is a secret until used.
            match crate::invite::JoinInput::parse(&invite) {
                Ok(join) => layer.invite = Some(join),
                Err(_) => errors.push(SettingError {
                    key: "invite",
                    message: "is not an invite code or lastmile://join link".into(),
                }),
            }
        }
        if let Some(path) = raw.ca_bundle {
            // Absolute on every OS's terms (a Windows path is absolute on Windows only).
            let absolute = std::path::Path::new(&path).is_absolute() || path.starts_with('/');
            if absolute && !path.chars().any(char::is_control) {
                layer.ca_bundle = Some(path.into());
            } else {
                errors.push(SettingError {
                    key: "ca_bundle",
                    message: format!("{path:?} must be the absolute path of a PEM file"),
                });
            }
        }
        layer.reminders = choice("reminders", raw.reminders, &crate::reminder::REMINDERS, &mut errors);
        if let Some(q) = raw.quiet_hours {
            match crate::reminder::QuietHours::parse(&q) {
                Ok(hours) => layer.quiet_hours = Some(hours),
                Err(e) => errors.push(SettingError { key: "quiet_hours", message: e.to_string() }),
            }
        }
        layer.autostart = choice("autostart", raw.autostart, &AUTOSTART, &mut errors);
        if let Some(tag) = raw.locale {
            if crate::locale::is_tag(&tag) {
                layer.locale = Some(tag);
            } else {
                errors.push(SettingError {
                    key: "locale",
                    message: format!("{tag:?} is not a language tag (for example de, fr-CA, ja)"),
                });
            }
        }
        if errors.is_empty() { Ok(layer) } else { Err(errors) }
    }
}

/// A value that must be one of `allowed`; otherwise an error naming the choices.
fn choice(
    key: &'static str,
    value: Option<String>,
    allowed: &[&str],
    errors: &mut Vec<SettingError>,
) -> Option<String> {
    let value = value?;
    if allowed.contains(&value.as_str()) {
        return Some(value);
    }
    errors.push(SettingError { key, message: format!("{value:?} is not one of {}", allowed.join(", ")) });
    None
}

/// A resolved value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: Option<T>,
    pub source: Source,
}

impl<T> Setting<T> {
    /// Managed values cannot be changed by the user.
    pub fn locked(&self) -> bool {
        self.source == Source::Managed
    }
}

/// The settings the program actually uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub server_url: Setting<Url>,
    pub organisation: Setting<String>,
    pub report_interval_minutes: Setting<u32>,
    pub proxy_url: Setting<Url>,
    pub ntp_servers: Setting<Vec<NtpServer>>,
    pub sso_provider: Setting<String>,
    pub managed_by: Setting<String>,
    pub support_url: Setting<Url>,
    pub log_level: Setting<String>,
    pub invite: Setting<crate::invite::JoinInput>,
    pub ca_bundle: Setting<std::path::PathBuf>,
    pub reminders: Setting<String>,
    pub quiet_hours: Setting<crate::reminder::QuietHours>,
    pub autostart: Setting<String>,
    pub locale: Setting<String>,
}

fn pick<T: Clone + PartialEq>(
    key: &'static str,
    managed: &Option<T>,
    cli: &Option<T>,
    user: &Option<T>,
    default: Option<T>,
) -> Result<Setting<T>, CoreError> {
    if let Some(m) = managed {
        if cli.as_ref().is_some_and(|c| c != m) {
            return Err(CoreError::ManagedSetting(key));
        }
        return Ok(Setting { value: Some(m.clone()), source: Source::Managed });
    }
    for (v, source) in [(cli, Source::CommandLine), (user, Source::User)] {
        if let Some(v) = v {
            return Ok(Setting { value: Some(v.clone()), source });
        }
    }
    Ok(Setting { value: default, source: Source::Default })
}

impl Settings {
    /// Resolves the layers. A command-line value that contradicts a managed one is an error.
    pub fn resolve(managed: &Layer, cli: &Layer, user: &Layer) -> Result<Settings, CoreError> {
        Ok(Settings {
            server_url: pick("server_url", &managed.server_url, &cli.server_url, &user.server_url, None)?,
            organisation: pick("organisation", &managed.organisation, &cli.organisation, &user.organisation, None)?,
            report_interval_minutes: pick(
                "report_interval_minutes",
                &managed.report_interval_minutes,
                &cli.report_interval_minutes,
                &user.report_interval_minutes,
                Some(DEFAULT_REPORT_INTERVAL_MINUTES),
            )?,
            proxy_url: pick("proxy_url", &managed.proxy_url, &cli.proxy_url, &user.proxy_url, None)?,
            ntp_servers: pick("ntp_servers", &managed.ntp_servers, &cli.ntp_servers, &user.ntp_servers, None)?,
            sso_provider: pick("sso_provider", &managed.sso_provider, &cli.sso_provider, &user.sso_provider, None)?,
            managed_by: pick("managed_by", &managed.managed_by, &cli.managed_by, &user.managed_by, None)?,
            support_url: pick("support_url", &managed.support_url, &cli.support_url, &user.support_url, None)?,
            log_level: pick(
                "log_level",
                &managed.log_level,
                &cli.log_level,
                &user.log_level,
                Some(DEFAULT_LOG_LEVEL.to_string()),
            )?,
            invite: pick("invite", &managed.invite, &cli.invite, &user.invite, None)?,
            ca_bundle: pick("ca_bundle", &managed.ca_bundle, &cli.ca_bundle, &user.ca_bundle, None)?,
            reminders: pick(
                "reminders",
                &managed.reminders,
                &cli.reminders,
                &user.reminders,
                Some(crate::reminder::DEFAULT_REMINDERS.to_string()),
            )?,
            quiet_hours: pick(
                "quiet_hours",
                &managed.quiet_hours,
                &cli.quiet_hours,
                &user.quiet_hours,
                crate::reminder::QuietHours::parse(crate::reminder::DEFAULT_QUIET_HOURS).ok(),
            )?,
            autostart: {
                // `user` chooses nothing, in any layer: from IT it leaves the choice to the
                // person, in the person's own file (or on the command line) it is no choice,
                // and the default applies.
                let chosen = |layer: &Option<String>| layer.clone().filter(|v| v != "user");
                pick(
                    "autostart",
                    &chosen(&managed.autostart),
                    &chosen(&cli.autostart),
                    &chosen(&user.autostart),
                    Some(DEFAULT_AUTOSTART.to_string()),
                )?
            },
            locale: pick("locale", &managed.locale, &cli.locale, &user.locale, None)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(server: Option<&str>, interval: Option<u32>) -> Layer {
        Layer::validate(RawLayer {
            server_url: server.map(str::to_string),
            report_interval_minutes: interval,
            ..RawLayer::default()
        })
        .expect("valid layer")
    }

    #[test]
    fn precedence_table() {
        const M: &str = "https://managed.example/";
        const C: &str = "https://cli.example/";
        const U: &str = "https://user.example/";
        // (managed, cli, user) -> (value, source)
        type Layers<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);
        let table: [(Layers, Option<(&str, Source)>); 6] = [
            ((None, None, None), None),
            ((None, None, Some(U)), Some((U, Source::User))),
            ((None, Some(C), Some(U)), Some((C, Source::CommandLine))),
            ((Some(M), None, Some(U)), Some((M, Source::Managed))),
            ((Some(M), Some(M), Some(U)), Some((M, Source::Managed))),
            ((Some(M), None, None), Some((M, Source::Managed))),
        ];
        for ((m, c, u), want) in table {
            let s = Settings::resolve(&layer(m, None), &layer(c, None), &layer(u, None)).expect("resolves");
            let got = s.server_url.value.as_ref().map(|v| (v.as_str(), s.server_url.source));
            match want {
                Some((v, src)) => assert_eq!(got, Some((v, src)), "{m:?} {c:?} {u:?}"),
                None => assert_eq!((got, s.server_url.source), (None, Source::Default)),
            }
            assert_eq!(s.server_url.locked(), m.is_some());
        }
    }

    #[test]
    fn command_line_cannot_override_a_managed_value() {
        let err = Settings::resolve(
            &layer(Some("https://managed.example"), None),
            &layer(Some("https://other.example"), None),
            &Layer::default(),
        );
        assert_eq!(err, Err(CoreError::ManagedSetting("server_url")));
    }

    #[test]
    fn it_may_leave_start_at_login_to_the_person() {
        let autostart = |v: Option<&str>| {
            Layer::validate(RawLayer { autostart: v.map(str::to_string), ..RawLayer::default() }).expect("valid")
        };
        let cases = [
            (Some("never"), Some("always"), ("never", Source::Managed)),
            (Some("user"), Some("never"), ("never", Source::User)),
            (Some("user"), None, (DEFAULT_AUTOSTART, Source::Default)),
            (None, Some("never"), ("never", Source::User)),
            // In the person's own file, `user` is no choice: the default, not "on".
            (None, Some("user"), (DEFAULT_AUTOSTART, Source::Default)),
            (Some("user"), Some("user"), (DEFAULT_AUTOSTART, Source::Default)),
        ];
        for (managed, user, (value, source)) in cases {
            let s = Settings::resolve(&autostart(managed), &Layer::default(), &autostart(user)).expect("resolves");
            assert_eq!(
                (s.autostart.value.as_deref(), s.autostart.source),
                (Some(value), source),
                "{managed:?} {user:?}"
            );
        }
    }

    #[test]
    fn defaults_apply_last() {
        let s = Settings::resolve(&Layer::default(), &Layer::default(), &layer(None, Some(60))).expect("ok");
        assert_eq!(s.report_interval_minutes, Setting { value: Some(60), source: Source::User });
        let s = Settings::resolve(&Layer::default(), &Layer::default(), &Layer::default()).expect("ok");
        assert_eq!(
            s.report_interval_minutes,
            Setting { value: Some(DEFAULT_REPORT_INTERVAL_MINUTES), source: Source::Default }
        );
    }

    #[test]
    fn validation_reports_every_problem() {
        let errors = Layer::validate(RawLayer {
            server_url: Some("http://mfa.example.com".into()),
            organisation: Some("Acme Corp".into()),
            report_interval_minutes: Some(1),
            proxy_url: Some("ftp://proxy".into()),
            ntp_servers: Some("time.example.com:0".into()),
            sso_provider: Some("entra id".into()),
            managed_by: Some("Acme\nIT".into()),
            support_url: Some("http://help.acme.example".into()),
            log_level: Some("trace".into()),
            invite: Some("ABCD-EFGH".into()),
            ca_bundle: Some("certs/company.pem".into()),
            reminders: Some("hourly".into()),
            quiet_hours: Some("22-7".into()),
            autostart: Some("sometimes".into()),
            locale: Some("Deutsch".into()),
        })
        .expect_err("all fifteen are wrong");
        let keys: Vec<_> = errors.iter().map(|e| e.key).collect();
        assert!(!errors.iter().any(|e| e.message.contains("ABCD")), "an invite is never repeated: {errors:?}");
        assert_eq!(
            keys,
            [
                "server_url",
                "organisation",
                "report_interval_minutes",
                "proxy_url",
                "ntp_servers",
                "sso_provider",
                "managed_by",
                "support_url",
                "log_level",
                "invite",
                "ca_bundle",
                "reminders",
                "quiet_hours",
                "autostart",
                "locale"
            ]
        );
        let ok = Layer::validate(RawLayer {
            managed_by: Some(" Acme IT ".into()),
            support_url: Some("https://help.acme.example/lastmile".into()),
            ..RawLayer::default()
        })
        .expect("valid");
        assert_eq!(ok.managed_by.as_deref(), Some("Acme IT"));
        assert_eq!(ok.support_url.map(|u| u.to_string()).as_deref(), Some("https://help.acme.example/lastmile"));
    }
}
