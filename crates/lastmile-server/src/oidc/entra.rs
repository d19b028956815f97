//! Microsoft Entra ID's external authentication methods (EAM). Entra ID sends the person here
//! after their first factor with a form POST: an implicit request (`response_type=id_token`,
//! `response_mode=form_post`) carrying an `id_token_hint` it signed for the person, already
//! expired (its age is bounded instead), and the `acr` and `amr` values it accepts in `claims`.
//! Lastmile answers by form POST to Entra ID's redirect URI with an ID token whose `sub` is the
//! hint's, with the nonce, one `acr` from the request and exactly one `amr` (`fido` for a
//! security key, `otp` for an authenticator app), or with `error=access_denied`.
//!
//! Only the checks live here (no IO but the key download); the routes store and answer.

use std::collections::HashMap;

use lastmile_core::clock::UnixMillis;
use serde_json::Value;

use super::flow::{Refusal, param, trusted_client};
use crate::ServerError;
use crate::store::oidc::OidcClient;

/// Entra ID in the global Azure cloud.
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
/// The oldest hint accepted: Entra ID abandons a sign-in about ten minutes after it sends the
/// person here.
pub const HINT_MAX_AGE_MS: i64 = 10 * 60 * 1000;
/// Clock difference tolerated between Entra ID and this server.
pub const SKEW_MS: i64 = 5 * 60 * 1000;
/// The longest hint read (Entra ID's tokens are a few kilobytes).
pub const MAX_HINT_BYTES: usize = 16 * 1024;
const MAX_JWKS_BYTES: usize = 1024 * 1024;
/// Keys are fetched again for an unknown `kid`, but not more often than this ...
const REFETCH_MIN_MS: i64 = 60 * 1000;
/// ... and at least this often.
const KEYS_MAX_AGE_MS: i64 = 24 * 60 * 60 * 1000;

/// What a checked implicit request asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntraRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: String,
    pub hint: String,
    /// The `acr` values the request accepts (from `claims`), in its order.
    pub acr: Vec<String>,
    /// The `amr` values it accepts.
    pub amr: Vec<String>,
    pub client_request_id: Option<String>,
}

/// Checks an Entra ID request (a form POST, or a query) against the client it names. After
/// the client and redirect URI are trusted, refusals are sent back by form POST.
pub fn check_request(q: &HashMap<String, String>, client: Option<&OidcClient>) -> Result<EntraRequest, Refusal> {
    let (client, redirect_uri) = trusted_client(q, client)?;
    let redirected =
        |error: &'static str, description: &str| Err(Refusal::Redirected { error, description: description.into() });
    if client.profile != "entra-eam" {
        return redirected("unsupported_response_type", "this client signs in with the code flow");
    }
    if param(q, "response_type") != Some("id_token") {
        return redirected("unsupported_response_type", "an Entra ID request has response_type=id_token");
    }
    if param(q, "response_mode") != Some("form_post") {
        return redirected("invalid_request", "an Entra ID request has response_mode=form_post");
    }
    if !param(q, "scope").is_some_and(|s| s.split(' ').any(|v| v == "openid")) {
        return redirected("invalid_scope", "the scope must include openid");
    }
    let Some(nonce) = param(q, "nonce").filter(|n| n.len() <= 512) else {
        return redirected("invalid_request", "a nonce (at most 512 characters) is required");
    };
    let Some(hint) = param(q, "id_token_hint").filter(|h| h.len() <= MAX_HINT_BYTES) else {
        return redirected("invalid_request", "an id_token_hint naming the person is required");
    };
    if param(q, "state").is_some_and(|s| s.len() > 4096) {
        return redirected("invalid_request", "state is longer than 4096 characters");
    }
    let (acr, amr) = match param(q, "claims").map(requested) {
        None => (Vec::new(), Vec::new()),
        Some(Ok(r)) => r,
        Some(Err(why)) => return redirected("invalid_request", &why),
    };
    Ok(EntraRequest {
        client_id: client.client_id.clone(),
        redirect_uri,
        state: param(q, "state").map(str::to_string),
        nonce: nonce.to_string(),
        hint: hint.to_string(),
        acr,
        amr,
        client_request_id: param(q, "client-request-id").filter(|v| v.len() <= 128).map(str::to_string),
    })
}

/// The `acr` and `amr` values of a `claims` request parameter (OpenID Connect Core 5.5):
/// `{"id_token": {"acr": {"values": [...]}, "amr": {"values": [...]}}}` (or `value`).
fn requested(claims: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let v: Value = serde_json::from_str(claims).map_err(|e| format!("claims is not JSON: {e}"))?;
    let values = |name: &str| -> Vec<String> {
        let c = &v["id_token"][name];
        match (c["values"].as_array(), c["value"].as_str()) {
            (Some(list), _) => list.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            (None, Some(one)) => vec![one.to_string()],
            _ => Vec::new(),
        }
    };
    Ok((values("acr"), values("amr")))
}

/// The `amr` value Entra ID expects for a factor kind.
pub fn amr_of(kind: &str) -> &'static str {
    match kind {
        "security_key" => "fido",
        _ => "otp",
    }
}

/// Which factor kinds the request's `amr` values allow (all when it named none).
pub fn allows(amr_values: Option<&str>, kind: &str) -> bool {
    amr_values.is_none_or(|list| list.split(' ').any(|v| v == amr_of(kind)))
}

/// The `acr` to answer: the first requested value a possession factor (both of Lastmile's)
/// satisfies; `Ok(None)` when none was requested; `Err` when only others were.
pub fn acr_for(requested: &[String]) -> Result<Option<String>, String> {
    if requested.is_empty() {
        return Ok(None);
    }
    requested.iter().find(|v| v.contains("possession")).cloned().map(Some).ok_or_else(|| {
        format!(
            "the sign-in asks for {} factors; Lastmile's security keys and authenticator apps are possession factors",
            requested.join(" or ")
        )
    })
}

/// The person an Entra ID hint names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// The pairwise subject, answered back as `sub`.
    pub sub: String,
    pub tid: String,
    pub oid: String,
    pub preferred_username: Option<String>,
}

/// The checks of a hint's claims (its signature checked before): issued by Entra ID for one
/// of the client's tenants, to its app registration, recently (it is issued expired, so its
/// `iat` is bounded instead of its `exp`), naming the person by `tid`, `oid` and `sub`.
pub fn check_hint(claims: &Value, client: &OidcClient, authority: &str, now: UnixMillis) -> Result<Hint, String> {
    let text = |name: &str| claims[name].as_str().filter(|v| !v.is_empty()).map(str::to_string);
    let tid = text("tid").ok_or("the hint names no tenant (tid)")?.to_ascii_lowercase();
    if !client.tenants.contains(&tid) {
        return Err(format!("the hint is from tenant {tid}, which this client does not serve (--tenant)"));
    }
    let iss = text("iss").unwrap_or_default();
    if !iss.eq_ignore_ascii_case(&format!("{authority}/{tid}/v2.0")) {
        return Err(format!("the hint's issuer {iss:?} is not Entra ID's for tenant {tid} at {authority}"));
    }
    let app = client.entra_app_id.as_deref().ok_or("this client has no Entra ID app registration")?;
    let aud_ok = match &claims["aud"] {
        Value::String(a) => a.eq_ignore_ascii_case(app),
        Value::Array(list) => list.iter().filter_map(Value::as_str).any(|a| a.eq_ignore_ascii_case(app)),
        _ => false,
    };
    if !aud_ok {
        return Err(format!("the hint is not addressed to the app registration {app} (aud)"));
    }
    let iat = claims["iat"].as_i64().ok_or("the hint has no issue time (iat)")?.saturating_mul(1000);
    if iat > now.0 + SKEW_MS {
        return Err("the hint was issued in the future (check this server's clock)".into());
    }
    if now.0 - iat > HINT_MAX_AGE_MS {
        return Err("the hint is older than ten minutes: start the sign-in again".into());
    }
    if claims["nbf"].as_i64().is_some_and(|nbf| nbf.saturating_mul(1000) > now.0 + SKEW_MS) {
        return Err("the hint is not valid yet (nbf)".into());
    }
    Ok(Hint {
        sub: text("sub").ok_or("the hint names no subject (sub)")?,
        oid: text("oid").ok_or("the hint names no object id (oid)")?.to_ascii_lowercase(),
        tid,
        preferred_username: text("preferred_username"),
    })
}

/// Entra ID's signing keys: fetched from the authority, kept, and fetched again when a hint
/// names a key not among them (a rollover; at most once a minute) or after a day.
pub struct EntraKeys {
    authority: String,
    held: tokio::sync::Mutex<Option<(Value, i64)>>,
}

impl std::fmt::Debug for EntraKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntraKeys").field("authority", &self.authority).finish()
    }
}

impl EntraKeys {
    /// `authority` is https (http only on loopback, for tests), without a trailing slash.
    pub fn new(authority: &str) -> Result<EntraKeys, ServerError> {
        let authority = authority.trim_end_matches('/');
        let url = url::Url::parse(authority)
            .map_err(|e| ServerError::Invalid(format!("Entra ID authority {authority:?}: {e}")))?;
        if !crate::urls::https_or_loopback(&url) {
            return Err(ServerError::Invalid(format!(
                "Entra ID authority {authority:?}: use https (http only on a loopback address)"
            )));
        }
        Ok(EntraKeys { authority: authority.to_string(), held: tokio::sync::Mutex::new(None) })
    }

    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// Where the keys are published (the same set for every tenant).
    pub fn jwks_url(&self) -> String {
        format!("{}/common/discovery/v2.0/keys", self.authority)
    }

    async fn fetch(&self) -> Result<Value, String> {
        let url = url::Url::parse(&self.jwks_url()).map_err(|e| e.to_string())?;
        let body = crate::mds::download(&url, MAX_JWKS_BYTES).await.map_err(|e| e.to_string())?;
        let set: Value = serde_json::from_slice(&body).map_err(|e| format!("Entra ID's keys at {url}: {e}"))?;
        if set["keys"].as_array().is_none_or(Vec::is_empty) {
            return Err(format!("Entra ID's keys at {url}: no keys in the answer"));
        }
        Ok(set)
    }

    /// The claims of `token` if Entra ID signed it (RS256). `Err(Unavailable)` when the keys
    /// could not be had.
    pub async fn verify(&self, token: &str, now: UnixMillis) -> Result<Value, HintError> {
        let mut held = self.held.lock().await;
        let fresh = |at: i64| now.0 - at < KEYS_MAX_AGE_MS;
        if !held.as_ref().is_some_and(|(_, at)| fresh(*at)) {
            let set = self.fetch().await.map_err(HintError::Unavailable)?;
            *held = Some((set, now.0));
        }
        let Some((set, fetched_at)) = held.as_ref() else {
            return Err(HintError::Unavailable("no keys".into()));
        };
        match super::jws::verify(token, set) {
            Ok(claims) => Ok(claims),
            Err(e) if e.0.starts_with("no registered key fits") && now.0 - fetched_at >= REFETCH_MIN_MS => {
                let set = self.fetch().await.map_err(HintError::Unavailable)?;
                let result = super::jws::verify(token, &set).map_err(|e| HintError::Invalid(e.0));
                *held = Some((set, now.0));
                result
            }
            Err(e) => Err(HintError::Invalid(e.0)),
        }
    }
}

/// Why a hint was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HintError {
    /// Entra ID's keys could not be fetched (try again later).
    Unavailable(String),
    /// The hint is not one Entra ID signed.
    Invalid(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> OidcClient {
        OidcClient {
            client_id: "lmc_1".into(),
            org_id: "org_1".into(),
            name: "Entra".into(),
            profile: "entra-eam".into(),
            secret_hash: None,
            jwks: None,
            redirect_uris: vec!["https://login.microsoftonline.com/common/federation/externalauthprovider".into()],
            tenants: vec![TENANT.into()],
            factors: "any".into(),
            entra_app_id: Some(APP.into()),
            pkce: "required".into(),
            created_at_ms: 0,
            disabled_at_ms: None,
        }
    }

    const TENANT: &str = "14c2f153-90a7-4689-9db7-9543bf084dad";
    const APP: &str = "600b719b-3766-4dc5-95a6-3c4a8dc31885";
    const NOW: i64 = 1_790_000_000_000;

    fn hint() -> Value {
        serde_json::json!({
            "ver": "2.0", "iss": format!("{DEFAULT_AUTHORITY}/{TENANT}/v2.0"), "sub": "mBfcvuhSHkDWVgV72x2ruIYdSsPSvcj2R0qfc6mGEAA",
            "aud": APP, "exp": NOW / 1000 - 1, "iat": NOW / 1000 - 60, "nbf": NOW / 1000 - 60,
            "preferred_username": "ada@acme.test", "oid": "951DDB04-B16D-45F3-BBF7-B0FA18FA7AEE", "tid": TENANT,
        })
    }

    #[test]
    fn hints_are_checked_and_their_age_bounded_not_their_expiry() {
        let h = check_hint(&hint(), &client(), DEFAULT_AUTHORITY, UnixMillis(NOW)).expect("an expired but recent hint");
        assert_eq!(h.oid, "951ddb04-b16d-45f3-bbf7-b0fa18fa7aee", "ids in one case");
        assert_eq!(h.preferred_username.as_deref(), Some("ada@acme.test"));
        let with = |name: &str, value: Value| {
            let mut v = hint();
            v[name] = value;
            check_hint(&v, &client(), DEFAULT_AUTHORITY, UnixMillis(NOW)).expect_err(name)
        };
        assert!(with("tid", "72f988bf-86f1-41af-91ab-2d7cd011db47".into()).contains("does not serve"));
        assert!(with("iss", "https://sts.windows.net/x/".into()).contains("issuer"));
        assert!(with("aud", "lmc_1".into()).contains("app registration"));
        assert!(with("iat", (NOW / 1000 - 11 * 60).into()).contains("older than ten minutes"));
        assert!(with("iat", (NOW / 1000 + 6 * 60).into()).contains("future"));
        assert!(with("sub", Value::Null).contains("sub"));
        assert!(with("oid", "".into()).contains("oid"));
        assert!(check_hint(&hint(), &client(), "https://login.microsoftonline.us", UnixMillis(NOW)).is_err());
        let mut listed = hint();
        listed["aud"] = serde_json::json!(["x", APP.to_uppercase()]);
        assert!(check_hint(&listed, &client(), DEFAULT_AUTHORITY, UnixMillis(NOW)).is_ok());
    }

    #[test]
    fn requests_follow_the_eam_reference() {
        let claims = r#"{"id_token":{"acr":{"essential":true,"values":["possessionorinherence"]},"amr":{"essential":true,"values":["face","fido","fpt","hwk","iris","otp","pop","retina","sc","sms","swk","tel","vbm"]}}}"#;
        let good = [
            ("client_id", "lmc_1"),
            ("redirect_uri", "https://login.microsoftonline.com/common/federation/externalauthprovider"),
            ("response_type", "id_token"),
            ("response_mode", "form_post"),
            ("scope", "openid"),
            ("nonce", "n-1"),
            ("state", "s-1"),
            ("id_token_hint", "a.b.c"),
            ("claims", claims),
            ("client-request-id", "f7c2a4a1-7b7e-4f0f-9a3e-0c3b2a1d9e8f"),
        ];
        let q = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let r = check_request(&q(&good), Some(&client())).expect("good");
        assert_eq!(
            (r.nonce.as_str(), r.state.as_deref(), r.acr.as_slice()),
            ("n-1", Some("s-1"), &["possessionorinherence".to_string()][..])
        );
        assert!(r.amr.contains(&"fido".to_string()) && r.client_request_id.is_some());
        let with = |name: &str, value: &str| {
            let mut m: HashMap<String, String> = q(&good);
            m.insert(name.into(), value.into());
            check_request(&m, Some(&client()))
        };
        let error = |r: Result<EntraRequest, Refusal>| match r {
            Err(Refusal::Redirected { error, .. }) => error,
            other => panic!("{other:?}"),
        };
        assert!(matches!(with("redirect_uri", "https://evil.example/cb"), Err(Refusal::Shown(_))));
        assert_eq!(error(with("response_type", "code")), "unsupported_response_type");
        assert_eq!(error(with("response_mode", "query")), "invalid_request");
        assert_eq!(error(with("nonce", "")), "invalid_request");
        assert_eq!(error(with("id_token_hint", "")), "invalid_request");
        assert_eq!(error(with("claims", "{")), "invalid_request");
        // acr: a possession value is answered; knowledge alone cannot be.
        assert_eq!(acr_for(&r.acr), Ok(Some("possessionorinherence".into())));
        assert_eq!(
            acr_for(&["knowledge".into(), "knowledgeorpossession".into()]),
            Ok(Some("knowledgeorpossession".into()))
        );
        assert!(acr_for(&["knowledge".into(), "inherence".into()]).is_err());
        assert_eq!(acr_for(&[]), Ok(None));
        assert!(allows(Some("fido otp"), "security_key") && allows(Some("fido otp"), "totp"));
        assert!(!allows(Some("fido"), "totp") && allows(None, "totp"));
    }
}
