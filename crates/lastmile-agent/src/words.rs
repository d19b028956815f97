//! The app's words outside the window (the tray menu, the desktop reminders) in the person's
//! language: the Project Fluent files the window uses (`locales/<language>/window.ftl`, and
//! `app.ftl` for what only the app says), compiled in and formatted with fluent-rs. A message
//! a language lacks comes from English; the tests make sure none does.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use lastmile_core::locale::LOCALES;

/// Each language's files, compiled in.
const SOURCES: [(&str, [&str; 2]); 5] = [
    ("en", [include_str!("../../../locales/en/window.ftl"), include_str!("../../../locales/en/app.ftl")]),
    ("de", [include_str!("../../../locales/de/window.ftl"), include_str!("../../../locales/de/app.ftl")]),
    ("fr", [include_str!("../../../locales/fr/window.ftl"), include_str!("../../../locales/fr/app.ftl")]),
    ("es", [include_str!("../../../locales/es/window.ftl"), include_str!("../../../locales/es/app.ftl")]),
    ("ja", [include_str!("../../../locales/ja/window.ftl"), include_str!("../../../locales/ja/app.ftl")]),
];

// Every language the app offers has its files here (a compile-time check on the table above).
const _: () = assert!(SOURCES.len() == LOCALES.len());

/// Messages in one language, with English behind them.
pub struct Words {
    chosen: Option<FluentBundle<FluentResource>>,
    english: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let language = self.chosen.as_ref().unwrap_or(&self.english).locales.first().map(ToString::to_string);
        f.debug_struct("Words").field("language", &language).finish()
    }
}

/// A value placed in a message: text, or a number (which chooses plural forms).
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Text(&'a str),
    Number(i64),
}

fn bundle(language: &str) -> Option<FluentBundle<FluentResource>> {
    let (_, files) = SOURCES.iter().find(|(tag, _)| *tag == language)?;
    let id: unic_langid::LanguageIdentifier = language.parse().ok()?;
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Tray menus, notifications and terminals do not need the isolation marks the window uses.
    bundle.set_use_isolating(false);
    if let Err(e) = bundle.add_builtins() {
        tracing::warn!(error = ?e, "Fluent's built-in functions");
    }
    for source in files {
        // The files are checked by the tests; a broken entry is skipped, the rest still load.
        let resource = FluentResource::try_new((*source).to_string()).unwrap_or_else(|(resource, _)| resource);
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::warn!(?errors, language, "message file");
        }
    }
    Some(bundle)
}

impl Words {
    /// The words of `tag` (one of `LOCALES`, as `Agent::locale` chooses; anything else,
    /// such as a pseudo-locale, is English).
    pub fn new(tag: &str) -> Words {
        let english = bundle("en").expect("English is compiled in");
        let chosen = if tag == "en" { None } else { bundle(tag) };
        Words { chosen, english }
    }

    /// The message `id` with `args`; English when the language lacks it, and the id itself
    /// when English does too (a defect the tests look for).
    pub fn say(&self, id: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(s) => fluent_args.set(*name, FluentValue::from(*s)),
                Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
            }
        }
        for bundle in self.chosen.iter().chain(std::iter::once(&self.english)) {
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = vec![];
                let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(id, ?errors, "formatting a message");
                }
                return text.into_owned();
            }
        }
        tracing::warn!(id, "no such message");
        id.to_string()
    }

    /// Whether `id` is a message (in English, which has every message).
    pub fn has(&self, id: &str) -> bool {
        self.english.has_message(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_speaks_its_own_words_with_english_behind_them() {
        let org = [("organisation", Arg::Text("Acme Ltd"))];
        assert_eq!(Words::new("en").say("tray-standing-met", &org), "You meet Acme Ltd's policy");
        assert_eq!(Words::new("de").say("tray-standing-met", &org), "Sie erfüllen die Richtlinie von Acme Ltd");
        assert_eq!(Words::new("ja").say("tray-open", &[]), "Lastmile を開く");
        // A pseudo-locale (the window's test languages) and an unknown tag are English.
        assert_eq!(Words::new("en-XA").say("tray-open", &[]), "Open Lastmile");
        assert_eq!(Words::new("xx").say("tray-open", &[]), "Open Lastmile");
        // The window's messages are there too, with their plural rules.
        let step = [("step", Arg::Text("Get recovery codes")), ("days", Arg::Number(1))];
        assert!(Words::new("en").say("reminder-body", &step).starts_with("Next, within a day: Get recovery codes."));
        let step = [("step", Arg::Text("Wiederherstellungscodes erstellen")), ("days", Arg::Number(3))];
        assert!(Words::new("de").say("reminder-body", &step).starts_with("Als Nächstes, innerhalb von 3 Tagen:"));
        assert_eq!(Words::new("fr").say("next-totp", &[]), "Configurer une application d’authentification");
        assert_eq!(Words::new("en").say("no-such-message", &[]), "no-such-message");
    }

    #[test]
    fn every_message_formats_in_every_language_without_an_error() {
        // Each message of each file, with every argument any message takes given, formats
        // without a Fluent error (a broken selector or reference shows up here).
        let text = [
            "organisation",
            "step",
            "offset",
            "version",
            "time",
            "name",
            "until",
            "provider",
            "model",
            "group",
            "from",
            "amount",
            "when",
            "verified",
            "tier",
            "supported",
            "state",
            "server",
            "resumed",
            "path",
            "os",
            "list",
            "level",
            "label",
            "joined",
            "enrolled",
            "direction",
            "deadline",
            "current",
            "left",
            "email",
            "command",
        ];
        let numbers = ["n", "reports", "need", "factors", "digits", "days", "total", "period", "ms", "have"];
        let args: Vec<(&str, Arg)> =
            text.map(|n| (n, Arg::Text("x"))).into_iter().chain(numbers.map(|n| (n, Arg::Number(2)))).collect();
        let mut fluent_args = FluentArgs::new();
        for (name, value) in &args {
            match value {
                Arg::Text(s) => fluent_args.set(*name, FluentValue::from(*s)),
                Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
            }
        }
        for (language, files) in SOURCES {
            let bundle = bundle(language).expect("bundle");
            for source in files {
                FluentResource::try_new(source.to_string())
                    .unwrap_or_else(|(_, e)| panic!("{language}: a message file does not parse: {e:?}"));
                let ids = source.lines().filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()));
                for id in ids.filter_map(|l| l.split_once(" =").map(|(id, _)| id)) {
                    let pattern = bundle.get_message(id).and_then(|m| m.value());
                    let pattern = pattern.unwrap_or_else(|| panic!("{language}: {id} has no value"));
                    let mut errors = vec![];
                    let _ = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
                    assert!(errors.is_empty(), "{language}: {id}: {errors:?}");
                }
            }
        }
    }
}
