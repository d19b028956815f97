//! Resolving the settings layers, and turning unusable layers into problems to show.

use lastmile_core::settings::{Layer, RawLayer, SettingError, Settings, Source};
use lastmile_proto::app::{AppErrorCode, Problem, ProblemCode, SettingSource, SettingView};

use crate::{Agent, AgentError, DeviceProbe, SecretStore};
use lastmile_core::clock::Clock;

/// The settings in use, and what was wrong with the layers that could not be used.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub settings: Settings,
    pub problems: Vec<Problem>,
    /// The managed settings could not be read: acting on defaults might defeat IT's intent.
    pub managed_broken: bool,
}

fn join_errors(errors: &[SettingError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl<D: DeviceProbe, S: SecretStore, C: Clock> Agent<D, S, C> {
    /// Resolves managed > command line > user > defaults. Errors only for what the caller
    /// typed (a bad or managed-conflicting command-line value); broken files are problems.
    pub fn resolve_settings(&self) -> Result<Resolved, AgentError> {
        let mut problems = Vec::new();
        let mut managed_broken = false;
        let managed = match &self.managed.settings {
            Ok(None) => Layer::default(),
            Ok(Some(file)) => Layer::validate(RawLayer::from(file.clone())).unwrap_or_else(|errors| {
                managed_broken = true;
                problems.push(Problem {
                    code: ProblemCode::ManagedSettingsInvalid,
                    message: format!(
                        "managed settings in {} are invalid: {}",
                        self.managed.location,
                        join_errors(&errors)
                    ),
                    hint: Some("Tell your IT team: the device-management profile for Lastmile has an error.".into()),
                });
                Layer::default()
            }),
            Err(reason) => {
                managed_broken = true;
                problems.push(Problem {
                    code: ProblemCode::ManagedSettingsInvalid,
                    message: format!("managed settings in {} cannot be used: {reason}", self.managed.location),
                    hint: Some("Tell your IT team: the device-management profile for Lastmile has an error.".into()),
                });
                Layer::default()
            }
        };
        if !self.managed.unknown.is_empty() {
            problems.push(Problem {
                code: ProblemCode::ManagedSettingsUnknown,
                message: format!(
                    "your organisation's settings name what this version of Lastmile does not know, left aside: {}",
                    self.managed.unknown.join(", ")
                ),
                hint: Some(
                    "The other settings apply. A profile for a newer Lastmile? Update the app; otherwise tell your IT team (a misspelt setting?)."
                        .into(),
                ),
            });
        }
        let user = match self.files.read_settings() {
            Ok(file) => Layer::validate(RawLayer::from(file)).unwrap_or_else(|errors| {
                problems.push(Problem {
                    code: ProblemCode::UserSettingsInvalid,
                    message: format!(
                        "your settings in {} are invalid and were ignored: {}",
                        self.files.settings_path().display(),
                        join_errors(&errors)
                    ),
                    hint: Some("Fix or delete the file; Lastmile did not change it.".into()),
                });
                Layer::default()
            }),
            Err(p) => {
                problems.push(Problem {
                    code: ProblemCode::UserSettingsInvalid,
                    message: format!("your settings file was ignored: {p}"),
                    hint: Some("Fix or delete the file; Lastmile did not change it.".into()),
                });
                Layer::default()
            }
        };
        let cli = Layer::validate(self.cli.clone())
            .map_err(|errors| AgentError::new(AppErrorCode::InvalidInput, join_errors(&errors), None))?;
        let settings = Settings::resolve(&managed, &cli, &user).map_err(|e| {
            AgentError::new(
                AppErrorCode::ManagedSetting,
                e.to_string(),
                Some("Leave the option out: this device is configured by your organisation."),
            )
        })?;
        Ok(Resolved { settings, problems, managed_broken })
    }

    /// The language to speak, in the window and the terminal: the `locale` setting (IT's or
    /// the person's), else the OS's preferred languages, matched against Lastmile's own
    /// (`lastmile_core::locale`), else English. Unreadable settings count as unset.
    pub fn locale(&self) -> &'static str {
        let setting = self.resolve_settings().ok().and_then(|r| r.settings.locale.value);
        let wanted: Vec<String> = setting.into_iter().chain(self.device.locales()).collect();
        lastmile_core::locale::negotiate(&wanted)
    }

    /// The person's own choice of starting at login (the window's toggle), kept in their
    /// settings file. Refused when IT decides (`autostart` set by policy to always or never),
    /// and when the file cannot be read (it is not replaced).
    pub fn set_start_at_login(&self, on: bool) -> Result<(), AgentError> {
        let managed = self.resolve_settings()?.settings.autostart.source == Source::Managed;
        self.change_own_settings(managed, "whether Lastmile starts at login", |file| {
            file.autostart = Some(if on { "always" } else { "never" }.into());
        })?;
        tracing::info!(on, "start at login set by the person");
        Ok(())
    }

    /// The person's own choice of language (the window's picker), kept in their settings
    /// file: one of `lastmile_core::locale::LOCALES`, or `None` to follow the OS's languages.
    /// Refused when IT sets the language, and when the file cannot be read. Returns the
    /// language now spoken.
    pub fn set_locale(&self, tag: Option<&str>) -> Result<&'static str, AgentError> {
        if let Some(tag) = tag
            && !lastmile_core::locale::LOCALES.contains(&tag)
        {
            return Err(AgentError::new(
                AppErrorCode::InvalidInput,
                format!("Lastmile does not speak {tag:?}; it speaks {}", lastmile_core::locale::LOCALES.join(", ")),
                None,
            ));
        }
        let managed = self.resolve_settings()?.settings.locale.source == Source::Managed;
        self.change_own_settings(managed, "the language Lastmile speaks", |file| {
            file.locale = tag.map(str::to_string);
        })?;
        tracing::info!(?tag, "language set by the person");
        Ok(self.locale())
    }

    /// Changes the person's own settings file with `change`, unless IT decides what it changes
    /// (`managed`, said as `what`) or the file cannot be read (it is not replaced).
    fn change_own_settings(
        &self,
        managed: bool,
        what: &str,
        change: impl FnOnce(&mut lastmile_proto::settings_file::SettingsFile),
    ) -> Result<(), AgentError> {
        if managed {
            return Err(AgentError::new(
                AppErrorCode::ManagedSetting,
                format!("your organisation decides {what}"),
                Some("Ask your IT team if it should be different."),
            ));
        }
        let mut file = self.files.read_settings().map_err(|p| {
            AgentError::new(
                AppErrorCode::ConfigInvalid,
                format!("your settings file cannot be read, so it was not changed: {p}"),
                Some("Fix or delete the file, then try again."),
            )
        })?;
        change(&mut file);
        self.files.write_settings(&file).map_err(|e| {
            AgentError::new(
                AppErrorCode::Internal,
                format!("cannot save your settings in {}: {e}", self.files.settings_path().display()),
                None,
            )
        })
    }
}

fn source(s: Source) -> SettingSource {
    match s {
        Source::Managed => SettingSource::Managed,
        Source::CommandLine => SettingSource::CommandLine,
        Source::User => SettingSource::User,
        Source::Default => SettingSource::Default,
    }
}

impl Resolved {
    pub fn server_source(&self) -> SettingSource {
        source(self.settings.server_url.source)
    }

    /// The settings as the UI and `status --json` show them.
    pub fn views(&self) -> Vec<SettingView> {
        let s = &self.settings;
        let view = |key: &str, value: Option<String>, src: Source| SettingView {
            key: key.into(),
            value,
            source: source(src),
            locked: src == Source::Managed,
        };
        vec![
            view("server_url", s.server_url.value.as_ref().map(ToString::to_string), s.server_url.source),
            view("organisation", s.organisation.value.clone(), s.organisation.source),
            view(
                "report_interval_minutes",
                s.report_interval_minutes.value.map(|v| v.to_string()),
                s.report_interval_minutes.source,
            ),
            view("proxy_url", s.proxy_url.value.as_ref().map(ToString::to_string), s.proxy_url.source),
            view("ca_bundle", s.ca_bundle.value.as_ref().map(|p| p.display().to_string()), s.ca_bundle.source),
            view(
                "ntp_servers",
                s.ntp_servers
                    .value
                    .as_ref()
                    .map(|list| list.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
                s.ntp_servers.source,
            ),
            view("sso_provider", s.sso_provider.value.clone(), s.sso_provider.source),
            view("managed_by", s.managed_by.value.clone(), s.managed_by.source),
            view("support_url", s.support_url.value.as_ref().map(ToString::to_string), s.support_url.source),
            view("log_level", s.log_level.value.clone(), s.log_level.source),
            view("reminders", s.reminders.value.clone(), s.reminders.source),
            view("quiet_hours", s.quiet_hours.value.map(|q| q.to_string()), s.quiet_hours.source),
            view("autostart", s.autostart.value.clone(), s.autostart.source),
            view("locale", s.locale.value.clone(), s.locale.source),
            // A secret until used: whether one is set, never what it is.
            view("invite", s.invite.value.as_ref().map(|_| "(set)".to_string()), s.invite.source),
        ]
    }
}
