//! Words in the person's language outside the window: the tray menu, the desktop reminders
//! and the terminal (the app), and the sign-in page (the server). The Project Fluent files
//! the window uses (`locales/<language>/window.ftl`), with `app.ftl` for what only the app
//! says and `signin.ftl` for the server's page, compiled in and formatted with fluent-rs;
//! each language's messages are parsed once per process. A message a language lacks comes
//! from English; the tests make sure none does.

use crate::locale::LOCALES;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language's files, compiled in.
macro_rules! files {
    ($tag:literal) => {
        (
            $tag,
            [
                include_str!(concat!("../../../locales/", $tag, "/window.ftl")),
                include_str!(concat!("../../../locales/", $tag, "/app.ftl")),
                include_str!(concat!("../../../locales/", $tag, "/signin.ftl")),
            ],
        )
    };
}

/// Each language's files.
const SOURCES: [(&str, [&str; 3]); 5] = [files!("en"), files!("de"), files!("fr"), files!("es"), files!("ja")];

// Every language the app offers has its files here (a compile-time check on the table above).
const _: () = assert!(SOURCES.len() == LOCALES.len());

/// Messages in one language, with English behind them.
pub struct Words {
    chosen: Option<FluentBundle<FluentResource>>,
    english: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Words").field("language", &self.language()).finish()
    }
}

/// A value placed in a message: text, or a number (which chooses plural forms).
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Text(&'a str),
    Number(i64),
    /// A number with a fraction ("45.2 s"), written as the language writes it.
    Decimal(f64),
}

impl Arg<'_> {
    fn value(&self) -> FluentValue<'_> {
        match self {
            Arg::Text(s) => FluentValue::from(*s),
            Arg::Number(n) => FluentValue::from(*n),
            Arg::Decimal(n) => FluentValue::from(*n),
        }
    }
}

/// A number as a language writes it: at most `maximumFractionDigits` (which fluent-rs's own
/// formatting ignores), at least `minimumFractionDigits`, with a decimal comma where
/// `comma`. Grouping separators are left out: the numbers said here are small.
fn number(value: &FluentValue, comma: bool) -> Option<String> {
    let FluentValue::Number(n) = value else { return None };
    let min = n.options.minimum_fraction_digits.unwrap_or(0);
    let mut text = match n.options.maximum_fraction_digits {
        Some(max) => {
            let fixed = format!("{:.*}", max.max(min), n.value);
            match fixed.split_once('.') {
                Some((whole, fraction)) => {
                    let mut fraction = fraction.trim_end_matches('0').to_string();
                    while fraction.len() < min {
                        fraction.push('0');
                    }
                    if fraction.is_empty() { whole.to_string() } else { format!("{whole}.{fraction}") }
                }
                None => fixed,
            }
        }
        None => n.as_string().into_owned(),
    };
    if comma {
        text = text.replace('.', ",");
    }
    Some(text)
}

fn decimal_point<M>(value: &FluentValue, _: &M) -> Option<String> {
    number(value, false)
}

fn decimal_comma<M>(value: &FluentValue, _: &M) -> Option<String> {
    number(value, true)
}

fn bundle(language: &str) -> Option<FluentBundle<FluentResource>> {
    let (_, files) = SOURCES.iter().find(|(tag, _)| *tag == language)?;
    let id: unic_langid::LanguageIdentifier = language.parse().ok()?;
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Tray menus, notifications and terminals do not need the isolation marks the window uses.
    bundle.set_use_isolating(false);
    // NUMBER(); it cannot fail on a new bundle. The files are checked by the tests: a broken
    // entry would be skipped and the rest still load.
    let _ = bundle.add_builtins();
    bundle.set_formatter(Some(if matches!(language, "de" | "fr" | "es") { decimal_comma } else { decimal_point }));
    for source in files {
        let resource = FluentResource::try_new((*source).to_string()).unwrap_or_else(|(resource, _)| resource);
        let _ = bundle.add_resource(resource);
    }
    Some(bundle)
}

impl Words {
    /// The words of `tag` (one of `LOCALES`, as `locale::negotiate` chooses; anything else,
    /// such as a pseudo-locale, is English). Made once per language and process.
    pub fn new(tag: &str) -> &'static Words {
        static ALL: std::sync::OnceLock<Vec<(&'static str, Words)>> = std::sync::OnceLock::new();
        let all = ALL.get_or_init(|| {
            SOURCES
                .iter()
                .map(|(language, _)| {
                    let english = bundle("en").expect("English is compiled in");
                    let chosen = if *language == "en" { None } else { bundle(language) };
                    (*language, Words { chosen, english })
                })
                .collect()
        });
        let pick = |t: &str| all.iter().find(|(language, _)| *language == t).map(|(_, w)| w);
        pick(tag).or_else(|| pick("en")).expect("English is compiled in")
    }

    /// The language these words are in.
    pub fn language(&self) -> String {
        self.chosen.as_ref().unwrap_or(&self.english).locales.first().map(ToString::to_string).unwrap_or_default()
    }

    /// The message `id` with `args`; English when the language lacks it, and the id itself
    /// when English does too (a defect the tests look for).
    pub fn say(&self, id: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.value());
        }
        for bundle in self.chosen.iter().chain(std::iter::once(&self.english)) {
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                // A formatting error leaves its placeholder in the text; the tests format
                // every message of every language and find none.
                let mut errors = vec![];
                return bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
            }
        }
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
    fn numbers_are_written_as_the_language_writes_them() {
        // duration-s: NUMBER($n, maximumFractionDigits: 1, minimumFractionDigits: 1).
        let s = |language: &str, n: f64| Words::new(language).say("duration-s", &[("n", Arg::Decimal(n))]);
        assert_eq!(s("en", 45.2), "45.2 s");
        assert_eq!(s("en", 45.0), "45.0 s");
        assert_eq!(s("en", 3.04), "3.0 s");
        assert_eq!(s("en", 0.96), "1.0 s");
        assert_eq!(s("de", 45.2), "45,2 s");
        assert_eq!(s("fr", 12.5), "12,5 s");
        assert_eq!(s("ja", 45.2), "45.2 秒");
        // Whole numbers stay whole.
        assert_eq!(Words::new("de").say("duration-ms", &[("n", Arg::Number(300))]), "300 ms");
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
            "client",
            "uncertainty",
            "verdict",
            "reason",
            "note",
            "nodes",
            "error",
            "reader",
            "apps",
            "recommended",
            "algorithm",
            "host",
            "word",
            "key",
            "action",
            "status",
            "device",
            "kind",
            "files",
        ];
        let numbers = [
            "count",
            "minutes",
            "attached",
            "api_version",
            "n",
            "reports",
            "need",
            "factors",
            "digits",
            "days",
            "total",
            "period",
            "ms",
            "have",
        ];
        let args: Vec<(&str, Arg)> =
            text.map(|n| (n, Arg::Text("x"))).into_iter().chain(numbers.map(|n| (n, Arg::Number(2)))).collect();
        let mut fluent_args = FluentArgs::new();
        for (name, value) in &args {
            fluent_args.set(*name, value.value());
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
