//! The operating system's preferred languages, most preferred first, as language tags.

/// The OS's preferred languages (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG` on Linux; the
/// user's language list on Windows and macOS), as BCP 47 tags; the C locale is left out.
pub fn os_locales() -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for os in sys_locale::get_locales() {
        // LANGUAGE is a colon-separated list of its own.
        for one in os.split(':') {
            if let Some(tag) = lastmile_core::locale::normalise(one)
                && !tags.contains(&tag)
            {
                tags.push(tag);
            }
        }
    }
    tags
}
