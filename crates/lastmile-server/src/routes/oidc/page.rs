//! The sign-in page's HTML: one form, no script but the WebAuthn call (`signin.js`, served
//! by the server itself), a strict Content-Security-Policy.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use lastmile_core::words::{Arg, Words};

use crate::dashboard::esc;

/// What the sign-in page says went wrong, in the page's language (`signin-error-<code>` in
/// `signin.ftl`). Each says what to do next; none tells whether an email exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Said {
    /// The sign-in expired or was completed.
    Gone,
    /// The email and code do not match (also: no such email, no app).
    Mismatch,
    /// The key is not one verified for this email (also: no such email, no key).
    NotThisKey,
    /// Too many tries on this page.
    TooManyOnPage,
    /// Over the sign-in rate limits.
    RateLimited,
    /// The client takes only phishing-resistant factors.
    KeyOnly,
    /// The relying party does not accept this page's origin.
    KeysNotHere,
    /// A key was asked for without the script.
    NeedsScript,
    /// The key's answer belongs to an earlier challenge.
    Spent,
    /// The authenticator app is locked for this many minutes.
    Locked { minutes: i64 },
    /// The code was used already.
    Replayed,
    /// A key was asked for before the email was typed.
    EmailFirst,
}

impl Said {
    #[cfg(test)]
    pub const ALL: [Said; 12] = [
        Said::Gone,
        Said::Mismatch,
        Said::NotThisKey,
        Said::TooManyOnPage,
        Said::RateLimited,
        Said::KeyOnly,
        Said::KeysNotHere,
        Said::NeedsScript,
        Said::Spent,
        Said::Locked { minutes: 2 },
        Said::Replayed,
        Said::EmailFirst,
    ];

    /// The message's code.
    pub fn code(self) -> &'static str {
        match self {
            Said::Gone => "gone",
            Said::Mismatch => "mismatch",
            Said::NotThisKey => "not_this_key",
            Said::TooManyOnPage => "too_many_on_page",
            Said::RateLimited => "rate_limited",
            Said::KeyOnly => "key_only",
            Said::KeysNotHere => "keys_not_here",
            Said::NeedsScript => "needs_script",
            Said::Spent => "spent",
            Said::Locked { .. } => "locked",
            Said::Replayed => "replayed",
            Said::EmailFirst => "email_first",
        }
    }

    /// The sentence, in `words`' language.
    pub fn words(self, words: &Words) -> String {
        let minutes = match self {
            Said::Locked { minutes } => minutes,
            _ => 0,
        };
        words.say(&format!("signin-error-{}", self.code()), &[("minutes", Arg::Number(minutes))])
    }
}

/// The page's one script: asks for a challenge, calls WebAuthn, posts the answer.
pub const SCRIPT: &str = include_str!("signin.js");

/// A page around `body`. `form_to` is the redirect URI's origin, which the CSP must allow as
/// a form target (browsers hold a form's redirect to form-action).
pub fn page(status: StatusCode, body: &str, form_to: Option<&str>, words: &Words) -> Response {
    let csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; \
         form-action 'self'{}; frame-ancestors 'none'; base-uri 'none'",
        form_to.map(|o| format!(" {o}")).unwrap_or_default()
    );
    page_with(status, body, &csp, words)
}

/// The page in `words`' language: its `lang` and its title.
fn page_with(status: StatusCode, body: &str, csp: &str, words: &Words) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}}\
         main{{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:12px;box-shadow:0 1px 4px #0002}}\
         h1{{font-size:1.4rem;margin:0 0 1rem}}label{{display:block;margin-top:1rem;font-weight:600}}\
         input{{width:100%;box-sizing:border-box;font:inherit;padding:.6rem;margin-top:.3rem;border:1px solid #8a93a6;border-radius:8px}}\
         input[readonly]{{background:#eef0f4;border-color:#c4c9d4}}\
         button{{margin-top:1.5rem;width:100%;font:inherit;font-weight:600;padding:.7rem;border:0;border-radius:8px;background:#1f5fd6;color:#fff}}\
         button.second{{background:#fff;color:#1f5fd6;border:2px solid #1f5fd6}}button:disabled{{opacity:.6}}\
         .or{{text-align:center;margin:1.2rem 0 0;color:#4a5264}}\
         .error{{background:#fde8e8;color:#8a1c1c;padding:.7rem;border-radius:8px}}.note{{color:#4a5264;font-size:.9rem}}\
         @media (prefers-color-scheme:dark){{body{{background:#12151c;color:#e6e9ef}}main{{background:#1d2330}}\
         .note,.or{{color:#aab2c2}}button.second{{background:#1d2330;color:#8fb3ff;border-color:#8fb3ff}}\
         input[readonly]{{background:#2a3140;color:#e6e9ef}}}}\
         </style></head><body><main>{body}</main></body></html>",
        lang = esc(&words.language()),
        title = esc(&words.say("signin-title", &[])),
    );
    let mut resp = (status, Html(html)).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    resp
}

/// The one inline script of a form_post answer; the CSP allows it by its hash only.
const SUBMIT: &str = "document.forms[0].submit();";

/// An OAuth response by form POST (OAuth 2.0 Form Post Response Mode): a form to the redirect
/// URI that submits itself, with a button when scripts are off.
pub fn form_post(redirect_uri: &str, fields: &[(&str, &str)], client_name: &str, words: &Words) -> Response {
    use base64::Engine;
    let hash = base64::engine::general_purpose::STANDARD.encode(openssl::sha::sha256(SUBMIT.as_bytes()));
    let inputs: String = fields
        .iter()
        .map(|(name, value)| format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", esc(name), esc(value)))
        .collect();
    let client = [("client", Arg::Text(client_name))];
    let body = format!(
        "<h1>{title}</h1><p>{returning}</p><form method=\"post\" action=\"{action}\">{inputs}\
         <button type=\"submit\">{continue_to}</button></form><script>{SUBMIT}</script>",
        title = esc(&words.say("signin-returning-title", &[])),
        returning = esc(&words.say("signin-returning", &client)),
        continue_to = esc(&words.say("signin-continue", &client)),
        action = esc(redirect_uri),
    );
    let csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{hash}'; form-action {}; \
         frame-ancestors 'none'; base-uri 'none'",
        origin_of(redirect_uri).unwrap_or_else(|| "'none'".into())
    );
    page_with(StatusCode::OK, &body, &csp, words)
}

pub fn origin_of(uri: &str) -> Option<String> {
    url::Url::parse(uri).ok().map(|u| u.origin().ascii_serialization())
}

/// A page that ends the sign-in: what went wrong (the server's words, in English), and what
/// to do.
pub fn shown(why: &str, words: &Words) -> Response {
    stopped(&format!("<p class=\"error\" role=\"alert\" lang=\"en\">{}</p>", esc(why)), words)
}

/// The page that ends a sign-in, with what the page itself says went wrong.
pub fn shown_said(said: Said, words: &Words) -> Response {
    stopped(&format!("<p class=\"error\" role=\"alert\">{}</p>", esc(&said.words(words))), words)
}

/// The page that ends a sign-in: `why` (HTML) under its heading, and what to do.
fn stopped(why: &str, words: &Words) -> Response {
    let body = format!(
        "<h1>{title}</h1>{why}<p class=\"note\">{note}</p>",
        title = esc(&words.say("signin-stopped", &[])),
        note = esc(&words.say("signin-stopped-note", &[])),
    );
    page(StatusCode::BAD_REQUEST, &body, None, words)
}

/// What the sign-in form offers and holds.
pub struct SignInForm<'a> {
    /// The page's language.
    pub words: &'a Words,
    pub client_name: &'a str,
    pub request_id: &'a str,
    pub username: &'a str,
    /// The client named the person (Entra ID's hint): the email is shown, not asked for.
    pub username_fixed: bool,
    pub error: Option<Said>,
    /// A security key (the relying party accepts the page's origin).
    pub key: bool,
    /// An authenticator app code (the client accepts factors that are not phishing-resistant).
    pub totp: bool,
    /// Where the form posts: [`crate::oidc::Issuer::at`] of the paths.
    pub totp_action: String,
    pub key_action: String,
    pub key_options: String,
    pub script: String,
}

impl SignInForm<'_> {
    pub fn html(&self) -> String {
        // A field is described by the error only when there is one (a reference to an
        // element that does not exist is an accessibility fault).
        let described = if self.error.is_some() { " aria-describedby=\"error\"" } else { "" };
        let error = self
            .error
            .map(|e| format!("<p class=\"error\" role=\"alert\" id=\"error\">{}</p>", esc(&e.words(self.words))))
            .unwrap_or_default();
        let w = |id: &str| esc(&self.words.say(id, &[]));
        let factors = match (self.key, self.totp) {
            (true, true) => "both",
            (true, false) => "key",
            _ => "totp",
        };
        let intro =
            self.words.say("signin-intro", &[("client", Arg::Text(self.client_name)), ("factors", Arg::Text(factors))]);
        // Without a code field the form's submit starts the key (the script takes it); with
        // no script it posts nothing a key could have signed, and the answer says so.
        let action = if self.totp { &self.totp_action } else { &self.key_action };
        let key = if self.key {
            format!(
                "<div id=\"key\" hidden data-options=\"{options}\" data-touch=\"{touch}\" \
                 data-cancelled=\"{cancelled}\" data-unreachable=\"{unreachable}\">\
                 <button type=\"{kind}\" id=\"key-button\">{use_key}</button>\
                 <p id=\"key-status\" class=\"note\" role=\"status\" aria-live=\"polite\"></p></div>\
                 <noscript><p class=\"note\">{no_script}</p></noscript>",
                options = esc(&self.key_options),
                kind = if self.totp { "button" } else { "submit" },
                touch = w("signin-key-touch"),
                cancelled = w("signin-key-cancelled"),
                unreachable = w("signin-key-unreachable"),
                use_key = w("signin-use-key"),
                no_script = w("signin-key-no-script"),
            )
        } else {
            String::new()
        };
        let totp = if self.totp {
            format!(
                "{or}<label for=\"code\">{code}</label>\
                 <input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required{described}>\
                 <button type=\"submit\"{class}>{confirm}</button>",
                or = if self.key { format!("<p class=\"or\">{}</p>", w("signin-or")) } else { String::new() },
                class = if self.key { " class=\"second\"" } else { "" },
                code = w("signin-code"),
                confirm = w("signin-confirm-code"),
            )
        } else {
            String::new()
        };
        format!(
            "<h1>{heading}</h1><p>{intro}</p>{error}\
             <form id=\"signin\" method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"request\" value=\"{request}\">\
             <label for=\"username\">{email}</label>\
             <input id=\"username\" name=\"username\" type=\"email\" autocomplete=\"username\" required \
             value=\"{username}\"{fixed}{described}>{key}{totp}</form>\
             <form id=\"key-form\" method=\"post\" action=\"{key_action}\" hidden>\
             <input type=\"hidden\" name=\"request\" value=\"{request}\"><input type=\"hidden\" name=\"username\">\
             <input type=\"hidden\" name=\"credential\"></form>\
             <p class=\"note\">{lost}</p>{script}",
            heading = w("signin-heading"),
            intro = esc(&intro),
            email = w("signin-email"),
            lost = w("signin-lost"),
            action = esc(action),
            request = esc(self.request_id),
            username = esc(self.username),
            fixed = if self.username_fixed { " readonly" } else { "" },
            key_action = esc(&self.key_action),
            script =
                if self.key { format!("<script src=\"{}\" defer></script>", esc(&self.script)) } else { String::new() },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Said;
    use lastmile_core::words::Words;

    /// Every refusal the page can say has its own sentence in every language (none is left
    /// as its message id, none repeats English in another language).
    #[test]
    fn every_refusal_is_said_in_every_language() {
        for said in Said::ALL {
            let english = said.words(Words::new("en"));
            assert!(!english.starts_with("signin-error-"), "{said:?}");
            for language in lastmile_core::locale::LOCALES.into_iter().filter(|l| *l != "en") {
                let theirs = said.words(Words::new(language));
                assert!(!theirs.starts_with("signin-error-") && theirs != english, "{language} {said:?}: {theirs}");
            }
        }
        assert_eq!(Said::Locked { minutes: 1 }.words(Words::new("en")), "too many wrong codes; try again in a minute");
        assert_eq!(
            Said::Locked { minutes: 5 }.words(Words::new("de")),
            "zu viele falsche Codes; versuchen Sie es in 5 Minuten erneut"
        );
    }
}
