//! The message files (`locales/<language>/*.ftl` at the top of the repository) against the
//! languages the app says it has (`lastmile_core::locale::LOCALES`): a folder for each and
//! nothing else, every file of English in each, and every message of English in each file,
//! none extra. The window loads whatever folders there are; the app chooses among LOCALES.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use lastmile_core::locale::LOCALES;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales")
}

/// The ids of a Fluent file's messages and terms (lines that start a `name =` entry).
fn ids(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic() || c == '-'))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
        .collect()
}

fn files(language: &str) -> BTreeSet<String> {
    std::fs::read_dir(root().join(language))
        .unwrap_or_else(|e| panic!("locales/{language}: {e}"))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ftl"))
        .collect()
}

#[test]
fn every_language_has_a_folder_and_every_folder_is_a_language() {
    let folders: BTreeSet<String> = std::fs::read_dir(root())
        .expect("locales/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let languages: BTreeSet<String> = LOCALES.iter().map(|l| l.to_string()).collect();
    assert_eq!(folders, languages);
}

#[test]
fn every_language_has_every_message_of_english() {
    let english = files("en");
    assert!(!english.is_empty());
    for language in LOCALES {
        assert_eq!(files(language), english, "the files of {language}");
        for file in &english {
            let want = ids(&root().join("en").join(file));
            let have = ids(&root().join(language).join(file));
            let missing: Vec<_> = want.difference(&have).collect();
            let extra: Vec<_> = have.difference(&want).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{language}/{file}: missing {missing:?}, not in English {extra:?}"
            );
        }
    }
    assert!(ids(&root().join("en/window.ftl")).contains("app-name"), "the reader finds messages");
}
