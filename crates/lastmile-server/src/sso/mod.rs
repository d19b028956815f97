//! Joining a device with the organisation's sign-in (OpenID Connect for native apps, RFC
//! 8252). The app signs the person in with the organisation's identity provider in the
//! system browser, with its own loopback redirect, state and PKCE; the server issues the
//! nonce (`start`), then redeems the code itself or takes an ID token the app obtained,
//! checks it (`claims`, against the provider's keys: `idp`) and joins the device exactly as an
//! invite does (`store::sso::join`).

pub mod claims;
pub mod idp;

use lastmile_core::clock::UnixMillis;
use lastmile_proto::api::{SsoJoinRequest, SsoProof};
use sqlx::AnyPool;

pub use idp::{ClientAuth, Discovered, IdpError, Idps};

use crate::ServerError;
use crate::seal::SealKeys;
use crate::secrets::{hash_secret, new_nonce};
use crate::store::{self, Org, sso::SsoProvider};
use claims::{NotAllowed, PersonClaim};

/// How long a person has to sign in once the app started a join.
pub const FLOW_TTL_MS: i64 = 10 * 60 * 1000;

/// Why a join with the organisation's sign-in did not happen (said to the person; each is a
/// distinct error code on the API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No (such, enabled) provider: invites only.
    Unavailable(String),
    /// The flow is unknown, expired or already used.
    Expired(String),
    /// The provider's answer failed the checks, or the provider refused the code.
    Refused(String),
    /// The person may not join this way.
    NotAllowed(String),
    /// The provider could not be reached.
    Unreachable(String),
}

impl From<IdpError> for Refusal {
    fn from(e: IdpError) -> Refusal {
        match e {
            IdpError::Unreachable(why) => Refusal::Unreachable(why),
            IdpError::Refused(why) => Refusal::Refused(why),
        }
    }
}

/// A started flow: what the app needs to send the person to the provider.
#[derive(Debug, Clone)]
pub struct Started {
    pub flow_id: String,
    pub provider: SsoProvider,
    pub discovered: Discovered,
    pub nonce: String,
    pub expires_at_ms: i64,
}

/// The organisation's enabled providers.
pub async fn enabled_providers(pool: &AnyPool, org: &Org) -> Result<Vec<SsoProvider>, ServerError> {
    Ok(store::sso::providers(pool, org).await?.into_iter().filter(|p| p.disabled_at_ms.is_none()).collect())
}

/// Starts a join with `provider_id` (or the organisation's first provider): discovers the
/// provider (so a misconfigured one fails here, before the person signs in) and records the
/// nonce's hash.
pub async fn start(
    pool: &AnyPool,
    idps: &Idps,
    org: &Org,
    provider_id: Option<&str>,
    now: UnixMillis,
) -> Result<Result<Started, Refusal>, ServerError> {
    let providers = enabled_providers(pool, org).await?;
    let provider = match provider_id {
        Some(id) => providers.into_iter().find(|p| p.id == id),
        None => providers.into_iter().next(),
    };
    let Some(provider) = provider else {
        return Ok(Err(Refusal::Unavailable(match provider_id {
            Some(id) => format!("{} has no sign-in {id:?}; join with an invite from IT instead", org.name),
            None => {
                format!("{} has not set up joining with its sign-in; join with an invite from IT instead", org.name)
            }
        })));
    };
    let discovered = match idps.discover(&provider.issuer, now).await {
        Ok(d) => d,
        Err(e) => return Ok(Err(e.into())),
    };
    let nonce = new_nonce();
    let expires = UnixMillis(now.0 + FLOW_TTL_MS);
    let flow_id = store::sso::start_flow(pool, &provider.id, &hash_secret(&nonce), now, expires).await?;
    Ok(Ok(Started { flow_id, provider, discovered, nonce, expires_at_ms: expires.0 }))
}

/// `uri` is where a native app receives the code: http on a loopback address (RFC 8252
/// section 7.3), with a path and no fragment.
fn check_loopback_redirect(uri: &str) -> Result<(), Refusal> {
    let bad = || {
        Refusal::Refused(format!(
            "redirect_uri {uri:?} is not the app's loopback address (http://127.0.0.1:<port>/...)"
        ))
    };
    let url = url::Url::parse(uri).map_err(|_| bad())?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    };
    if url.scheme() != "http" || !loopback || url.fragment().is_some() || url.port().is_none() {
        return Err(bad());
    }
    Ok(())
}

/// Everything a join needs from the server's state.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub pool: &'a AnyPool,
    pub idps: &'a Idps,
    pub seal: &'a SealKeys,
}

/// Checks the proof of `req` and joins its device; `token_hash` is the hash of the device
/// token the caller will answer with.
pub async fn join(
    cx: Context<'_>,
    req: &SsoJoinRequest,
    token_hash: &str,
    now: UnixMillis,
) -> Result<Result<store::sso::Joined, Refusal>, ServerError> {
    let Some((nonce_hash, provider)) = store::sso::open_flow(cx.pool, &req.flow_id, now).await? else {
        return Ok(Err(Refusal::Expired(
            "this sign-in is unknown, has expired or was already used; start again".into(),
        )));
    };
    let discovered = match cx.idps.discover(&provider.issuer, now).await {
        Ok(d) => d,
        Err(e) => return Ok(Err(e.into())),
    };
    let token = match &req.proof {
        SsoProof::IdToken { id_token } => id_token.clone(),
        SsoProof::Code { code, code_verifier, redirect_uri } => {
            if let Err(refusal) = check_loopback_redirect(redirect_uri) {
                return Ok(Err(refusal));
            }
            let auth = client_auth(cx.seal, &provider)?;
            match cx.idps.redeem(&discovered, &provider.client_id, &auth, code, code_verifier, redirect_uri, now).await
            {
                Ok(token) => token,
                Err(e) => return Ok(Err(e.into())),
            }
        }
    };
    let claims = match cx.idps.verify(&discovered, &token, now).await {
        Ok(c) => c,
        Err(e) => return Ok(Err(e.into())),
    };
    let expected =
        claims::Expected { issuer: &provider.issuer, client_id: &provider.client_id, nonce_hash: &nonce_hash };
    if let Err(why) = claims::check_token(&claims, expected, now) {
        return Ok(Err(Refusal::Refused(why)));
    }
    let rule = PersonClaim::parse(&provider.person_claim).ok_or_else(|| {
        ServerError::Corrupt(format!("sso provider {}: person claim {:?}", provider.id, provider.person_claim))
    })?;
    let person = match claims::person_of(&claims, rule, &provider.domains, provider.group_claim.as_deref()) {
        Ok(p) => p,
        Err(NotAllowed::Missing(why)) => return Ok(Err(Refusal::Refused(why))),
        Err(NotAllowed::Domain(domain)) => {
            return Ok(Err(Refusal::NotAllowed(format!(
                "accounts at {domain} cannot join {}'s devices; sign in with your work account",
                provider.name
            ))));
        }
    };
    let group = claims::group_for(&person.groups, &provider.group_map);
    let signed_in = store::sso::SignedIn {
        email: &person.email,
        display_name: &person.display_name,
        entra: person.entra.as_ref().map(|(t, o)| (t.as_str(), o.as_str())),
        group,
        subject: claims["sub"].as_str().unwrap_or_default(),
    };
    let joined = store::sso::join(
        cx.pool,
        &req.flow_id,
        &provider,
        signed_in,
        &req.device,
        req.device_public_key.as_deref(),
        token_hash,
        now,
    )
    .await?;
    Ok(joined.map_err(|refusal| match refusal {
        store::sso::JoinRefusal::FlowGone => Refusal::Expired("this sign-in was already used; start again".into()),
        store::sso::JoinRefusal::UnknownUser => Refusal::NotAllowed(format!(
            "{} is not set up in Lastmile for {}; ask your IT team to add you, or to send you an invite",
            person.email, provider.name
        )),
        store::sso::JoinRefusal::LinkedElsewhere => Refusal::NotAllowed(format!(
            "{} is linked to another account of this directory; ask your IT team",
            person.email
        )),
    }))
}

/// The credential the server presents at the provider's token endpoint.
fn client_auth(seal: &SealKeys, provider: &SsoProvider) -> Result<ClientAuth, ServerError> {
    let credential = || -> Result<String, ServerError> {
        let stored = provider
            .credential
            .as_deref()
            .ok_or_else(|| ServerError::Corrupt(format!("sso provider {} has no credential", provider.id)))?;
        String::from_utf8(seal.open(stored, &provider.id)?)
            .map_err(|_| ServerError::Corrupt(format!("sso provider {}: credential is not text", provider.id)))
    };
    match provider.client_auth.as_str() {
        "none" => Ok(ClientAuth::None),
        "client_secret_basic" => Ok(ClientAuth::Secret(credential()?)),
        "private_key_jwt" => Ok(ClientAuth::PrivateKeyJwt(credential()?)),
        other => Err(ServerError::Corrupt(format!("sso provider {}: client auth {other:?}", provider.id))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_loopback_http_redirect_is_the_apps() {
        for ok in ["http://127.0.0.1:49152/callback", "http://[::1]:8080/cb", "http://127.0.0.2:1/"] {
            assert_eq!(check_loopback_redirect(ok), Ok(()), "{ok}");
        }
        for bad in [
            "https://127.0.0.1:49152/callback",
            "http://localhost:49152/callback",
            "http://evil.test:49152/callback",
            "http://127.0.0.1/callback",
            "http://127.0.0.1:49152/callback#x",
            "not a url",
        ] {
            assert!(check_loopback_redirect(bad).is_err(), "{bad}");
        }
    }
}
