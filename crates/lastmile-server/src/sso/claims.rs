//! The rules of joining with an organisation's sign-in, as pure functions over the claims of
//! an ID token whose signature was already checked: whether the token belongs to this flow
//! (issuer, audience, authorized party, expiry, issue time, nonce) and whom it names (the
//! identifying claim, the allowed email domains, the policy group).

use lastmile_core::clock::UnixMillis;
use serde_json::Value;

use crate::secrets::hash_secret;

/// Clock difference tolerated between the identity provider and this server.
pub const LEEWAY_S: i64 = 60;
/// An ID token issued longer ago than this is not accepted for a join, whatever its expiry:
/// the person signed in moments ago.
pub const MAX_AGE_S: i64 = 600;

/// Which claim names the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonClaim {
    /// `email` (refused when the provider says `email_verified: false`).
    Email,
    /// `preferred_username`, an email-shaped sign-in name (Entra ID's UPN, Okta's login).
    PreferredUsername,
    /// Entra ID's tenant and object ids (`tid` + `oid`), stable across renames; linked to a
    /// user by `preferred_username` the first time.
    Entra,
}

impl PersonClaim {
    pub const ALL: [PersonClaim; 3] = [PersonClaim::Email, PersonClaim::PreferredUsername, PersonClaim::Entra];

    pub fn wire(self) -> &'static str {
        match self {
            PersonClaim::Email => "email",
            PersonClaim::PreferredUsername => "preferred_username",
            PersonClaim::Entra => "entra",
        }
    }

    pub fn parse(s: &str) -> Option<PersonClaim> {
        Self::ALL.into_iter().find(|c| c.wire() == s)
    }
}

/// What a token must show to belong to a flow.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// The SHA-256 (hex) of the nonce the server issued for the flow.
    pub nonce_hash: &'a str,
}

fn seconds(claims: &Value, name: &str) -> Result<i64, String> {
    claims[name].as_i64().ok_or_else(|| format!("the ID token has no numeric {name}"))
}

/// Checks that `claims` are an ID token for this flow at `now`. The reason names the claim.
pub fn check_token(claims: &Value, expected: Expected<'_>, now: UnixMillis) -> Result<(), String> {
    let issuer = claims["iss"].as_str().unwrap_or_default();
    if issuer != expected.issuer {
        return Err(format!("the ID token is from issuer {issuer:?}, not {:?}", expected.issuer));
    }
    let audiences: Vec<&str> = match &claims["aud"] {
        Value::String(a) => vec![a.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !audiences.contains(&expected.client_id) {
        return Err(format!(
            "the ID token is for {audiences:?}, not this organisation's client {:?}",
            expected.client_id
        ));
    }
    // With several audiences, the party it was issued to must be ours (OIDC Core 3.1.3.7).
    match claims["azp"].as_str() {
        Some(azp) if azp != expected.client_id => {
            return Err(format!("the ID token was issued to {azp:?} (azp), not {:?}", expected.client_id));
        }
        None if audiences.len() > 1 => return Err("the ID token has several audiences and no azp".into()),
        _ => {}
    }
    let now_s = now.0.div_euclid(1000);
    let exp = seconds(claims, "exp")?;
    if exp + LEEWAY_S <= now_s {
        return Err(format!("the ID token expired {} s ago", now_s - exp));
    }
    let iat = seconds(claims, "iat")?;
    if iat > now_s + LEEWAY_S {
        return Err("the ID token was issued in the future (check the clocks)".into());
    }
    if now_s - iat > MAX_AGE_S + LEEWAY_S {
        return Err(format!("the ID token was issued {} s ago; sign in again", now_s - iat));
    }
    if claims["nbf"].as_i64().is_some_and(|nbf| nbf > now_s + LEEWAY_S) {
        return Err("the ID token is not valid yet (nbf)".into());
    }
    match claims["nonce"].as_str() {
        Some(nonce) if hash_secret(nonce) == expected.nonce_hash => Ok(()),
        Some(_) => Err("the ID token carries another sign-in's nonce".into()),
        None => Err("the ID token has no nonce".into()),
    }
}

/// The person an ID token names, as the organisation's rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Lower-cased.
    pub email: String,
    pub display_name: String,
    /// Entra ID's (tenant id, object id), for [`PersonClaim::Entra`].
    pub entra: Option<(String, String)>,
    /// The values of the group claim, when the provider has one.
    pub groups: Vec<String>,
}

/// Why a signed-in person may not join (said to them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAllowed {
    /// The token lacks what the rules need (a provider misconfigured, not the person's fault).
    Missing(String),
    /// The email's domain is not among the organisation's.
    Domain(String),
}

fn looks_like_email(s: &str) -> bool {
    s.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !s.chars().any(|c| c.is_whitespace() || c.is_control())
    }) && s.len() <= 254
}

/// Reads the person from `claims` by `rule`; their email's domain must be one of `domains`
/// (any when empty).
pub fn person_of(
    claims: &Value,
    rule: PersonClaim,
    domains: &[String],
    group_claim: Option<&str>,
) -> Result<Person, NotAllowed> {
    let text = |name: &str| claims[name].as_str().map(str::trim).filter(|s| !s.is_empty());
    let missing = |name: &str| NotAllowed::Missing(format!("the identity provider's ID token has no {name} claim"));
    let (email, entra) = match rule {
        PersonClaim::Email => {
            if claims["email_verified"] == Value::Bool(false) {
                return Err(NotAllowed::Missing(
                    "the identity provider has not verified this account's email (email_verified is false)".into(),
                ));
            }
            (text("email").ok_or_else(|| missing("email"))?, None)
        }
        PersonClaim::PreferredUsername => {
            (text("preferred_username").ok_or_else(|| missing("preferred_username"))?, None)
        }
        PersonClaim::Entra => {
            let tid = text("tid").ok_or_else(|| missing("tid"))?.to_ascii_lowercase();
            let oid = text("oid").ok_or_else(|| missing("oid"))?.to_ascii_lowercase();
            (text("preferred_username").ok_or_else(|| missing("preferred_username"))?, Some((tid, oid)))
        }
    };
    if !looks_like_email(email) {
        return Err(NotAllowed::Missing(format!("{email:?} (the {} claim) is not an email address", rule.wire())));
    }
    let email = email.to_ascii_lowercase();
    let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    if !domains.is_empty() && !domains.iter().any(|d| d.eq_ignore_ascii_case(domain)) {
        return Err(NotAllowed::Domain(domain.to_string()));
    }
    let display_name = text("name")
        .map(str::to_string)
        .or_else(|| match (text("given_name"), text("family_name")) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (Some(g), None) => Some(g.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
    let groups = match group_claim.map(|name| &claims[name]) {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Some(Value::String(one)) => vec![one.clone()],
        _ => vec![],
    };
    Ok(Person { email, display_name: display_name.chars().take(200).collect(), entra, groups })
}

/// The Lastmile policy group for a person's provider groups: the first mapping (in the
/// administrator's order) whose provider group the person has.
pub fn group_for<'a>(groups: &[String], map: &'a [(String, String)]) -> Option<&'a str> {
    map.iter().find(|(theirs, _)| groups.iter().any(|g| g == theirs)).map(|(_, ours)| ours.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW_S: i64 = 1_790_000_000;
    const NOW: UnixMillis = UnixMillis(NOW_S * 1000);

    fn token() -> Value {
        json!({
            "iss": "https://idp.acme.test", "aud": "lastmile-desktop", "sub": "u1",
            "exp": NOW_S + 300, "iat": NOW_S - 5, "nonce": "n-1",
        })
    }

    fn expected(nonce_hash: &str) -> Expected<'_> {
        Expected { issuer: "https://idp.acme.test", client_id: "lastmile-desktop", nonce_hash }
    }

    #[test]
    fn a_token_belongs_to_its_flow_only() {
        let nonce = hash_secret("n-1");
        assert_eq!(check_token(&token(), expected(&nonce), NOW), Ok(()));
        let cases: [(&str, Value, &str); 12] = [
            ("issuer", json!("https://idp.acme.test/"), "issuer"),
            ("aud", json!("another-app"), "not this organisation's client"),
            ("aud", json!(["lastmile-desktop", "another-app"]), "no azp"),
            ("azp", json!("another-app"), "issued to"),
            ("exp", json!(NOW_S - LEEWAY_S), "expired"),
            ("exp", json!("soon"), "numeric exp"),
            ("iat", json!(NOW_S + LEEWAY_S + 1), "future"),
            ("iat", json!(NOW_S - MAX_AGE_S - LEEWAY_S - 1), "sign in again"),
            ("nbf", json!(NOW_S + LEEWAY_S + 1), "not valid yet"),
            ("nonce", json!("n-2"), "another sign-in's nonce"),
            ("nonce", Value::Null, "no nonce"),
            ("iss", json!("https://evil.test"), "issuer"),
        ];
        for (claim, value, why) in cases {
            let mut t = token();
            if claim == "issuer" {
                t["iss"] = value;
            } else {
                t[claim] = value;
            }
            let err = check_token(&t, expected(&nonce), NOW).expect_err(claim);
            assert!(err.contains(why), "{claim}: {err}");
        }
        let mut several = token();
        several["aud"] = json!(["lastmile-desktop", "another-app"]);
        several["azp"] = json!("lastmile-desktop");
        assert_eq!(check_token(&several, expected(&nonce), NOW), Ok(()));
        let mut within = token();
        within["exp"] = json!(NOW_S - LEEWAY_S + 1);
        assert_eq!(check_token(&within, expected(&nonce), NOW), Ok(()), "inside the leeway");
    }

    #[test]
    fn the_person_is_read_by_the_organisations_rule() {
        let claims = json!({
            "email": "Ada@Acme.test", "preferred_username": "ada.l@acme.test", "name": "Ada Lovelace",
            "tid": "T-1", "oid": "O-1", "groups": ["staff", "admins"], "roles": "eng",
        });
        let domains = vec!["acme.test".to_string()];
        let p = person_of(&claims, PersonClaim::Email, &domains, Some("groups")).expect("email");
        assert_eq!((p.email.as_str(), p.display_name.as_str(), p.entra), ("ada@acme.test", "Ada Lovelace", None));
        assert_eq!(p.groups, ["staff", "admins"]);
        let p = person_of(&claims, PersonClaim::PreferredUsername, &[], Some("roles")).expect("upn");
        assert_eq!((p.email.as_str(), p.groups), ("ada.l@acme.test", vec!["eng".to_string()]));
        let p = person_of(&claims, PersonClaim::Entra, &domains, None).expect("entra");
        assert_eq!(p.entra, Some(("t-1".into(), "o-1".into())));
        assert!(p.groups.is_empty());

        let mut unverified = claims.clone();
        unverified["email_verified"] = json!(false);
        assert!(matches!(person_of(&unverified, PersonClaim::Email, &domains, None), Err(NotAllowed::Missing(_))));
        let other = vec!["globex.test".to_string()];
        assert_eq!(
            person_of(&claims, PersonClaim::Email, &other, None),
            Err(NotAllowed::Domain("acme.test".into())),
            "a domain not allowed"
        );
        let sub_domain = json!({ "email": "ada@evil-acme.test" });
        assert!(matches!(person_of(&sub_domain, PersonClaim::Email, &domains, None), Err(NotAllowed::Domain(_))));
        for bad in [json!({}), json!({ "email": "not an email" }), json!({ "email": "ada@" }), json!({ "email": 7 })] {
            assert!(matches!(person_of(&bad, PersonClaim::Email, &[], None), Err(NotAllowed::Missing(_))), "{bad}");
        }
        assert!(matches!(
            person_of(&json!({ "preferred_username": "a@b.test" }), PersonClaim::Entra, &[], None),
            Err(NotAllowed::Missing(m)) if m.contains("tid")
        ));
        let plain = person_of(&json!({ "email": "bo@acme.test", "given_name": "Bo" }), PersonClaim::Email, &[], None);
        assert_eq!(plain.expect("given name").display_name, "Bo");
        let bare = person_of(&json!({ "email": "cy@acme.test" }), PersonClaim::Email, &[], None);
        assert_eq!(bare.expect("no name").display_name, "cy");
    }

    #[test]
    fn the_first_mapping_the_person_matches_decides_the_group() {
        let map = vec![("admins".to_string(), "high-risk".to_string()), ("staff".to_string(), "default".to_string())];
        let groups = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(group_for(&groups(&["staff", "admins"]), &map), Some("high-risk"));
        assert_eq!(group_for(&groups(&["staff"]), &map), Some("default"));
        assert_eq!(group_for(&groups(&["contractors"]), &map), None);
        assert_eq!(group_for(&[], &map), None);
    }
}
