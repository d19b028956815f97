//! The system browser (the person's default browser, or `$BROWSER` on Linux and BSD), for
//! signing in with the organisation's identity provider: RFC 8252 section 8.12 wants the
//! browser the person trusts, never a webview the app controls.

/// Opens `url` (http or https only) in the system browser.
pub fn open(url: &str) -> Result<(), String> {
    webbrowser::open(url).map_err(|e| format!("could not open a browser: {e}"))
}
