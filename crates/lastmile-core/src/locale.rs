//! Which language Lastmile speaks: the `locale` setting (IT's policy or the person's choice)
//! first, then the OS's preferred languages, matched against the languages Lastmile has,
//! else English. Also the two pseudo-locales the tests run the window in: `en-XA` (every
//! letter replaced by an accented look-alike and the text lengthened, so that a string left
//! out of the message files shows up as plain ASCII and a layout too tight for German
//! breaks) and `ar-XB` (the same words right to left, so that a layout that cannot mirror
//! breaks before a real right-to-left language ships).

/// The languages Lastmile's messages exist in, as BCP 47 language tags.
pub const LOCALES: [&str; 5] = ["en", "de", "fr", "es", "ja"];

/// The pseudo-locales: accented and lengthened; right to left.
pub const PSEUDO_LOCALES: [&str; 2] = ["en-XA", "ar-XB"];

/// When nothing matches.
pub const FALLBACK: &str = "en";

/// Whether `tag` is shaped like a BCP 47 language tag (`de`, `pt-BR`, `zh-Hant-TW`): a
/// language of two or three letters, then subtags of two to eight letters or digits. POSIX
/// spellings (`de_DE.UTF-8`) are accepted by [`normalise`], not here.
pub fn is_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or_default();
    (2..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_alphabetic())
        && tag.len() <= 35
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A locale as an OS names it (`de_DE.UTF-8`, `de-DE`, `C`, `POSIX`) as a language tag, or
/// `None` for the C locale and anything unreadable.
pub fn normalise(os: &str) -> Option<String> {
    let base = os.split(['.', '@']).next().unwrap_or_default().replace('_', "-");
    if base.eq_ignore_ascii_case("c") || base.eq_ignore_ascii_case("posix") || !is_tag(&base) {
        return None;
    }
    Some(base)
}

/// The language to speak: the first of `wanted` (most preferred first) that Lastmile has,
/// matched exactly (`en-XA`), then by language alone (`de-AT` speaks `de`), else
/// [`FALLBACK`].
pub fn negotiate<S: AsRef<str>>(wanted: &[S]) -> &'static str {
    let have = LOCALES.iter().chain(PSEUDO_LOCALES.iter());
    for want in wanted {
        let want = want.as_ref();
        if let Some(exact) = have.clone().find(|h| h.eq_ignore_ascii_case(want)) {
            return exact;
        }
        let language = want.split('-').next().unwrap_or_default();
        if let Some(by_language) = LOCALES.iter().find(|h| h.eq_ignore_ascii_case(language)) {
            return by_language;
        }
    }
    FALLBACK
}

/// Whether `locale` is written right to left.
pub fn is_rtl(locale: &str) -> bool {
    let language = locale.split('-').next().unwrap_or_default().to_ascii_lowercase();
    matches!(language.as_str(), "ar" | "he" | "fa" | "ur" | "ps" | "yi")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_language_lastmile_has_is_spoken() {
        let cases: [(&[&str], &str); 12] = [
            (&[], "en"),
            (&["de-AT"], "de"),
            (&["fr-CA", "de"], "fr"),
            (&["pt-BR", "es-419"], "es"),
            (&["JA-jp"], "ja"),
            (&["en-GB"], "en"),
            (&["xx", "en-US"], "en"),
            (&["EN-xa"], "en-XA"),
            (&["ar-XB"], "ar-XB"),
            // A pseudo-locale is matched only exactly: "ar" alone is not one Lastmile has.
            (&["ar-EG"], "en"),
            (&["tlh"], "en"),
            (&["en-XA", "en"], "en-XA"),
        ];
        for (wanted, spoken) in cases {
            assert_eq!(negotiate(wanted), spoken, "{wanted:?}");
        }
    }

    #[test]
    fn os_spellings_become_language_tags() {
        let cases = [
            ("de_DE.UTF-8", Some("de-DE")),
            ("fr_CA@euro", Some("fr-CA")),
            ("ja-JP", Some("ja-JP")),
            ("C", None),
            ("POSIX", None),
            ("C.UTF-8", None),
            ("", None),
            ("../../etc", None),
        ];
        for (os, tag) in cases {
            assert_eq!(normalise(os).as_deref(), tag, "{os}");
        }
    }

    #[test]
    fn language_tags_are_checked() {
        for ok in ["de", "pt-BR", "zh-Hant-TW", "en-XA", "ast"] {
            assert!(is_tag(ok), "{ok}");
        }
        for bad in ["", "d", "deutsch", "de_DE", "de-", "de--DE", "de-DE-toolongsubtag", "e1"] {
            assert!(!is_tag(bad), "{bad}");
        }
    }

    #[test]
    fn right_to_left_languages_are_known() {
        assert!(is_rtl("ar-XB") && is_rtl("he") && !is_rtl("en-XA") && !is_rtl("de"));
    }
}
