//! Every operation behind `lastmile-server admin ...`: organisations, users, invites,
//! devices, policy, tokens, engagement, the dashboard's data, counts and the audit log. The
//! binary only parses and prints.

use lastmile_core::clock::Clock;
use lastmile_core::invite::{InviteCode, JoinInput, parse_server_url};
use serde::Serialize;

use crate::ServerError;
use crate::db::Db;
use crate::secrets::{hash_secret, new_invite_entropy};
use crate::store::{self, Org, User};

/// Longest invite lifetime accepted (30 days).
pub const MAX_INVITE_TTL_HOURS: u32 = 24 * 30;

/// The demo organisation `lastmile-server admin demo` creates.
pub const DEMO_ORG: &str = "demo";
pub const DEMO_USER: &str = "alex@demo.lastmile.test";

fn check_slug(slug: &str) -> Result<(), ServerError> {
    let ok = !slug.is_empty()
        && slug.len() <= 64
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(ServerError::Invalid(format!(
            "{slug:?} is not a valid organisation slug: use 1-64 lower-case letters, digits or dashes"
        )))
    }
}

fn check_email(email: &str) -> Result<(), ServerError> {
    let ok = email.len() <= 254
        && email.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok { Ok(()) } else { Err(ServerError::Invalid(format!("{email:?} is not an email address"))) }
}

pub async fn create_org(db: &Db, clock: &dyn Clock, slug: &str, name: &str) -> Result<Org, ServerError> {
    check_slug(slug)?;
    if name.trim().is_empty() {
        return Err(ServerError::Invalid("the organisation name must not be empty".into()));
    }
    store::create_org(&db.pool, slug, name.trim(), clock.now()).await
}

async fn org(db: &Db, slug: &str) -> Result<Org, ServerError> {
    store::org_by_slug(&db.pool, slug).await?.ok_or_else(|| ServerError::NotFound(format!("organisation {slug:?}")))
}

pub async fn create_user(
    db: &Db,
    clock: &dyn Clock,
    org_slug: &str,
    email: &str,
    display_name: &str,
) -> Result<User, ServerError> {
    check_email(email)?;
    let org = org(db, org_slug).await?;
    let name = if display_name.trim().is_empty() { email } else { display_name.trim() };
    store::create_user(&db.pool, &org, &email.to_ascii_lowercase(), name, clock.now()).await
}

/// An invite as printed for the administrator: the code is shown here once.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedInvite {
    pub organisation: String,
    pub email: String,
    pub code: String,
    pub link: String,
    pub expires_at_ms: i64,
}

pub async fn create_invite(
    db: &Db,
    clock: &dyn Clock,
    org_slug: &str,
    email: &str,
    ttl_hours: u32,
    server_url: Option<&str>,
) -> Result<IssuedInvite, ServerError> {
    if ttl_hours == 0 || ttl_hours > MAX_INVITE_TTL_HOURS {
        return Err(ServerError::Invalid(format!(
            "invite lifetime must be 1..={MAX_INVITE_TTL_HOURS} hours, got {ttl_hours}"
        )));
    }
    let server =
        server_url.map(|s| parse_server_url(s).map_err(|e| ServerError::Invalid(e.to_string()))).transpose()?;
    let org = org(db, org_slug).await?;
    let user = store::user_by_email(&db.pool, &org, &email.to_ascii_lowercase())
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("user {email:?} in {org_slug:?}")))?;
    let code = InviteCode::from_entropy(new_invite_entropy());
    let now = clock.now();
    let expires = now.saturating_add_ms(i64::from(ttl_hours) * 3_600_000);
    store::create_invite(&db.pool, &user, &hash_secret(code.canonical()), now, expires).await?;
    let link = JoinInput { code: code.clone(), server }.to_link();
    Ok(IssuedInvite { organisation: org.slug, email: user.email, code: code.grouped(), link, expires_at_ms: expires.0 })
}

/// Makes sure the demo organisation and its user exist, then issues a fresh invite.
pub async fn demo(db: &Db, clock: &dyn Clock, server_url: &str) -> Result<IssuedInvite, ServerError> {
    if store::org_by_slug(&db.pool, DEMO_ORG).await?.is_none() {
        create_org(db, clock, DEMO_ORG, "Demo Organisation").await?;
    }
    let org = org(db, DEMO_ORG).await?;
    if store::user_by_email(&db.pool, &org, DEMO_USER).await?.is_none() {
        create_user(db, clock, DEMO_ORG, DEMO_USER, "Alex Demo").await?;
    }
    create_invite(db, clock, DEMO_ORG, DEMO_USER, 72, Some(server_url)).await
}

/// The organisation's live devices whose reports are not signed (they joined before device
/// keys existed and have not added one: the app adds one at its next report).
pub async fn unsigned_devices(db: &Db, org_slug: &str) -> Result<Vec<store::UnsignedDevice>, ServerError> {
    let org = org(db, org_slug).await?;
    store::unsigned_devices(&db.pool, &org).await
}

pub async fn revoke_device(db: &Db, clock: &dyn Clock, device_id: &str) -> Result<(), ServerError> {
    match store::revoke_device(&db.pool, device_id, None, serde_json::json!("admin"), clock.now()).await? {
        Some(true) => Ok(()),
        _ => Err(ServerError::NotFound(format!("active device {device_id:?}"))),
    }
}

/// Creates or replaces a policy group (the group named `default` applies to users in no
/// group), then re-evaluates its users. Returns how many users were re-evaluated.
pub async fn set_group(
    db: &Db,
    clock: &dyn Clock,
    org_slug: &str,
    name: &str,
    policy_json: &str,
) -> Result<usize, ServerError> {
    use lastmile_core::policy::Policy;
    let policy: Policy =
        serde_json::from_str(policy_json).map_err(|e| ServerError::Invalid(format!("the policy is not valid: {e}")))?;
    policy.validate().map_err(|e| ServerError::Invalid(format!("the policy is not valid: {e}")))?;
    for list in [&policy.keys.allow_aaguids, &policy.keys.deny_aaguids] {
        crate::webauthn::KeyPolicy::aaguids(&list.join(","))?;
    }
    let name = name.trim();
    if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
        return Err(ServerError::Invalid("a group name is 1 to 64 printable characters".into()));
    }
    let org = org(db, org_slug).await?;
    let canonical = serde_json::to_string(&policy).map_err(|e| ServerError::Invalid(e.to_string()))?;
    let now = clock.now();
    store::policy::upsert_group(&db.pool, &org, name, &canonical, now).await?;
    store::policy::refresh_group(&db.pool, &org, name, now).await
}

/// Puts a user in a group (`None`: back to the default).
pub async fn set_user_group(
    db: &Db,
    clock: &dyn Clock,
    org_slug: &str,
    email: &str,
    group: Option<&str>,
) -> Result<(), ServerError> {
    let org = org(db, org_slug).await?;
    let user = store::user_by_email(&db.pool, &org, &email.to_ascii_lowercase())
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("user {email:?} in {org_slug:?}")))?;
    store::policy::set_user_group(&db.pool, &org, &user, group, clock.now()).await
}

/// Grants a user an exception for `days` days; `owner` answers for it.
pub async fn grant_exception(
    db: &Db,
    clock: &dyn Clock,
    org_slug: &str,
    email: &str,
    owner: &str,
    reason: &str,
    days: u32,
) -> Result<i64, ServerError> {
    if !(1..=365).contains(&days) {
        return Err(ServerError::Invalid("an exception lasts 1 to 365 days".into()));
    }
    check_email(owner)?;
    if reason.trim().len() < 3 || reason.len() > 500 {
        return Err(ServerError::Invalid("give the reason in 3 to 500 characters".into()));
    }
    let org = org(db, org_slug).await?;
    let user = store::user_by_email(&db.pool, &org, &email.to_ascii_lowercase())
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("user {email:?} in {org_slug:?}")))?;
    let now = clock.now();
    let expires = now.saturating_add_ms(i64::from(days) * 86_400_000);
    store::policy::grant_exception(&db.pool, &user, owner, reason.trim(), now, expires).await?;
    Ok(expires.0)
}

/// An admin token for the dashboard of one organisation, shown once.
pub async fn create_admin_token(db: &Db, clock: &dyn Clock, org_slug: &str, name: &str) -> Result<String, ServerError> {
    if name.trim().is_empty() || name.len() > 100 {
        return Err(ServerError::Invalid("name the token (1 to 100 characters), e.g. who uses it".into()));
    }
    let org = org(db, org_slug).await?;
    let token = crate::secrets::new_admin_token();
    store::policy::create_admin_token(&db.pool, &org, name.trim(), &hash_secret(&token), clock.now()).await?;
    Ok(token)
}

/// Nudges users of `org_slug` with a gap (see [`crate::engage::run`]); `webhook` `None` is a
/// dry run.
pub async fn engage(
    db: &Db,
    clock: &dyn Clock,
    org_slug: &str,
    server_url: &str,
    webhook: Option<&crate::engage::Webhook>,
    every_hours: u32,
    limit: u32,
) -> Result<crate::engage::Outcome, ServerError> {
    let org = org(db, org_slug).await?;
    let server = parse_server_url(server_url).map_err(|e| ServerError::Invalid(e.to_string()))?;
    let interval = i64::from(every_hours) * 3_600_000;
    crate::engage::run(&db.pool, &org, &server, webhook, interval, i64::from(limit), clock.now()).await
}

/// The dashboard's data for one organisation.
pub async fn dashboard(db: &Db, clock: &dyn Clock, org_slug: &str) -> Result<crate::dashboard::Dashboard, ServerError> {
    let org = org(db, org_slug).await?;
    crate::dashboard::build(&db.pool, &org, clock.now()).await
}

/// Row counts of every table, by name.
pub async fn stats(db: &Db) -> Result<Vec<(&'static str, i64)>, ServerError> {
    let mut out = Vec::with_capacity(store::TABLES.len());
    for t in store::TABLES {
        out.push((t, store::count(&db.pool, t).await?));
    }
    Ok(out)
}

/// Every audit event, oldest first.
pub async fn audit_events(db: &Db) -> Result<Vec<crate::audit::Stored>, ServerError> {
    crate::audit::list(&db.pool, None).await
}

/// Audit events from `from` (a day, `YYYY-MM-DD` UTC, or Unix ms) to `to` (a day, included,
/// or Unix ms, excluded; `None`: now).
pub async fn audit_export(
    db: &Db,
    clock: &dyn Clock,
    from: &str,
    to: Option<&str>,
) -> Result<Vec<crate::audit::Stored>, ServerError> {
    use crate::audit::parse_day;
    let from_ms = parse_day(from)?;
    let to_ms = match to {
        Some(day) if day.contains('-') => parse_day(day)? + 86_400_000,
        Some(ms) => parse_day(ms)?,
        None => clock.now().0 + 1,
    };
    crate::audit::range(&db.pool, from_ms, to_ms).await
}

/// Rotates the key TOTP seeds are sealed under: a new key first in the key file, every seed
/// resealed under it, and once a second pass `settle` later finds none left (a running
/// server may have sealed one with the old key in between; it reads the file again before
/// its next seal), the old keys dropped. Returns the new key's id and the seeds resealed.
pub async fn rotate_seal_key(
    db: &Db,
    keys: &crate::seal::SealKeys,
    settle: std::time::Duration,
) -> Result<(String, u64), ServerError> {
    let id = keys.add_new_key()?;
    let mut resealed = store::reseal_totp_seeds(&db.pool, keys).await?;
    resealed += store::sso::reseal_credentials(&db.pool, keys).await?;
    loop {
        tokio::time::sleep(settle).await;
        let again =
            store::reseal_totp_seeds(&db.pool, keys).await? + store::sso::reseal_credentials(&db.pool, keys).await?;
        resealed += again;
        if again == 0 {
            break;
        }
    }
    keys.drop_old()?;
    Ok((id, resealed))
}

/// Revokes the organisation's admin tokens named `name`, and with them their dashboard
/// sessions. Returns how many were revoked; none is an error.
pub async fn revoke_admin_tokens(db: &Db, clock: &dyn Clock, org_slug: &str, name: &str) -> Result<u64, ServerError> {
    let org = org(db, org_slug).await?;
    match store::policy::revoke_admin_tokens(&db.pool, &org, name.trim(), clock.now()).await? {
        0 => Err(ServerError::NotFound(format!("a live admin token named {name:?} in {org_slug}"))),
        n => Ok(n),
    }
}

/// Recomputes the audit log's hash chain.
pub async fn audit_verify(db: &Db) -> Result<crate::audit::ChainReport, ServerError> {
    crate::audit::verify(&db.pool).await
}

/// How an OpenID Connect client proves itself at the token endpoint.
#[derive(Debug, Clone)]
pub enum ClientAuth {
    /// None: Entra ID's external authentication method uses the implicit flow only.
    None,
    /// A client secret (made here, shown once).
    Secret,
    /// private_key_jwt with these public keys (a JWK Set).
    PrivateKeyJwt(String),
}

/// What an administrator asks for when registering a client.
#[derive(Debug, Clone)]
pub struct ClientRequest {
    pub name: String,
    pub profile: String,
    pub redirect_uris: Vec<String>,
    pub auth: ClientAuth,
    pub tenants: Vec<String>,
    /// Entra ID: the Application ID of the app registration (the hints' audience).
    pub entra_app_id: Option<String>,
    /// `any` or `phishing-resistant`.
    pub factors: String,
    /// `required` or `optional` (PKCE, for a code-flow client that authenticates).
    pub pkce: String,
}

/// A registered client as printed for the administrator: the secret is shown here once.
#[derive(Debug, Clone, Serialize)]
pub struct RegisteredClient {
    #[serde(flatten)]
    pub client: store::oidc::OidcClient,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

/// The client profiles: which identity provider a client is, which decides its flow.
pub const CLIENT_PROFILES: [&str; 4] = ["entra-eam", "okta", "keycloak", "generic"];

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex digits.
fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

fn check_redirect_uri(uri: &str) -> Result<(), ServerError> {
    let bad = |why: &str| ServerError::Invalid(format!("redirect URI {uri:?}: {why}"));
    let url = url::Url::parse(uri).map_err(|e| bad(&e.to_string()))?;
    if !crate::urls::https_or_loopback(&url) {
        return Err(bad("use https (http only on a loopback address)"));
    }
    if url.fragment().is_some() {
        return Err(bad("a redirect URI has no fragment"));
    }
    Ok(())
}

/// Registers an OpenID Connect client of the organisation, checking that its profile, its
/// authentication, its redirect URIs and (for Entra ID) its tenants fit together.
pub async fn register_oidc_client(
    db: &Db,
    clock: &dyn Clock,
    org_slug: &str,
    req: &ClientRequest,
) -> Result<RegisteredClient, ServerError> {
    let org = org(db, org_slug).await?;
    let invalid = |why: String| Err(ServerError::Invalid(why));
    if !CLIENT_PROFILES.contains(&req.profile.as_str()) {
        return invalid(format!("profile {:?}: use one of {}", req.profile, CLIENT_PROFILES.join(", ")));
    }
    if req.name.trim().is_empty() {
        return invalid("the client needs a name (what the dashboard and the audit log call it)".into());
    }
    if req.redirect_uris.is_empty() {
        return invalid("the client needs at least one redirect URI (--redirect-uri)".into());
    }
    for uri in &req.redirect_uris {
        check_redirect_uri(uri)?;
    }
    let entra = req.profile == "entra-eam";
    match (&req.auth, entra) {
        (ClientAuth::None, false) => {
            return invalid(format!(
                "a {} client authenticates at the token endpoint: use --auth secret or private-key-jwt",
                req.profile
            ));
        }
        (ClientAuth::Secret | ClientAuth::PrivateKeyJwt(_), true) => {
            return invalid(
                "an entra-eam client uses the implicit flow and has no credential: leave out --auth".into(),
            );
        }
        _ => {}
    }
    if entra && req.tenants.is_empty() {
        return invalid("an entra-eam client needs the Entra ID tenant ids it serves (--tenant)".into());
    }
    if !entra && !req.tenants.is_empty() {
        return invalid("--tenant is for entra-eam clients only".into());
    }
    for t in &req.tenants {
        if !is_guid(t) {
            return invalid(format!("tenant {t:?} is not an Entra ID tenant id (a GUID)"));
        }
    }
    let entra_app_id = match (&req.entra_app_id, entra) {
        (Some(id), true) if is_guid(id) => Some(id.to_ascii_lowercase()),
        (Some(id), true) => return invalid(format!("--entra-app-id {id:?} is not an Application ID (a GUID)")),
        (None, true) => {
            return invalid(
                "an entra-eam client needs the Application ID of its Entra ID app registration (--entra-app-id): \
                 the hints Entra ID sends are addressed to it"
                    .into(),
            );
        }
        (Some(_), false) => return invalid("--entra-app-id is for entra-eam clients only".into()),
        (None, false) => None,
    };
    let pkce = match (req.pkce.as_str(), entra) {
        ("required", _) => "required",
        ("optional", false) => "optional",
        ("optional", true) => return invalid("--pkce is for code-flow clients (not entra-eam)".into()),
        (other, _) => return invalid(format!("pkce {other:?}: use required or optional")),
    };
    let factors = match req.factors.as_str() {
        "any" => "any",
        "phishing-resistant" => "phishing_resistant",
        other => return invalid(format!("factors {other:?}: use any or phishing-resistant")),
    };
    let jwks = match &req.auth {
        ClientAuth::PrivateKeyJwt(text) => {
            let set: serde_json::Value = serde_json::from_str(text)
                .map_err(|e| ServerError::Invalid(format!("the client's JWK Set is not JSON: {e}")))?;
            if set["keys"].as_array().is_none_or(|k| k.is_empty()) {
                return invalid("the client's JWK Set has no keys (expected {\"keys\": [...]})".into());
            }
            Some(set.to_string())
        }
        _ => None,
    };
    let secret = matches!(req.auth, ClientAuth::Secret).then(crate::secrets::new_client_secret);
    let client_id = crate::secrets::new_id("lmc");
    let tenants: Vec<String> = req.tenants.iter().map(|t| t.to_ascii_lowercase()).collect();
    let secret_hash = secret.as_deref().map(hash_secret);
    let new = store::oidc::NewClient {
        client_id: &client_id,
        name: req.name.trim(),
        profile: &req.profile,
        secret_hash: secret_hash.as_deref(),
        jwks: jwks.as_deref(),
        redirect_uris: &req.redirect_uris,
        tenants: &tenants,
        factors,
        entra_app_id: entra_app_id.as_deref(),
        pkce,
    };
    let client = store::oidc::create_client(&db.pool, &org, &new, clock.now()).await?;
    Ok(RegisteredClient { client, client_secret: secret })
}

/// The organisation's OpenID Connect clients.
pub async fn oidc_clients(db: &Db, org_slug: &str) -> Result<Vec<store::oidc::OidcClient>, ServerError> {
    let org = org(db, org_slug).await?;
    store::oidc::clients(&db.pool, &org).await
}

/// Disables a client: its sign-ins are refused from now on.
pub async fn disable_oidc_client(
    db: &Db,
    clock: &dyn Clock,
    org_slug: &str,
    client_id: &str,
) -> Result<(), ServerError> {
    let org = org(db, org_slug).await?;
    if store::oidc::disable_client(&db.pool, &org, client_id, clock.now()).await? {
        Ok(())
    } else {
        Err(ServerError::NotFound(format!("an enabled client {client_id:?} in {org_slug}")))
    }
}

/// How the server authenticates to an identity provider's token endpoint.
#[derive(Clone)]
pub enum SsoAuth {
    /// A public client (PKCE only).
    None,
    /// `client_secret_basic` with this secret.
    Secret(String),
    /// `private_key_jwt` with this PEM private key.
    PrivateKeyJwt(String),
}

impl std::fmt::Debug for SsoAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SsoAuth::None => "None",
            SsoAuth::Secret(_) => "Secret(****)",
            SsoAuth::PrivateKeyJwt(_) => "PrivateKeyJwt(****)",
        })
    }
}

/// What an administrator asks for when trusting an identity provider for joins.
#[derive(Debug, Clone)]
pub struct SsoRequest {
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub auth: SsoAuth,
    /// `email`, `preferred_username` or `entra`.
    pub person: String,
    pub domains: Vec<String>,
    pub jit: bool,
    pub group_claim: Option<String>,
    /// `theirs=ours` pairs, first match wins.
    pub group_map: Vec<String>,
    /// Space-separated; `openid email profile` when left out.
    pub scope: Option<String>,
}

fn looks_like_domain(d: &str) -> bool {
    d.contains('.')
        && d.len() <= 253
        && d.split('.').all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

/// Trusts an identity provider for the organisation's joins, after checking that it fits
/// together and that the provider answers discovery with exactly this issuer.
pub async fn add_sso_provider(
    db: &Db,
    clock: &dyn Clock,
    seal: &crate::seal::SealKeys,
    org_slug: &str,
    req: &SsoRequest,
) -> Result<store::sso::SsoProvider, ServerError> {
    let org = org(db, org_slug).await?;
    let invalid = |why: String| Err(ServerError::Invalid(why));
    if req.name.trim().is_empty() || req.name.chars().count() > 100 {
        return invalid(
            "the sign-in needs a name of 1 to 100 characters (the app shows \"Sign in with <name>\")".into(),
        );
    }
    let client_id = req.client_id.trim();
    if client_id.is_empty() || client_id.len() > 255 || client_id.chars().any(char::is_control) {
        return invalid("--client-id: the client id the identity provider gave the desktop app".into());
    }
    let issuer =
        url::Url::parse(&req.issuer).map_err(|e| ServerError::Invalid(format!("issuer {:?}: {e}", req.issuer)))?;
    if !crate::urls::https_or_loopback(&issuer) {
        return invalid(format!("issuer {:?}: use https (http only on a loopback address)", req.issuer));
    }
    let Some(person) = crate::sso::claims::PersonClaim::parse(&req.person) else {
        return invalid(format!("--person {:?}: use email, preferred_username or entra", req.person));
    };
    let domains: Vec<String> =
        req.domains.iter().map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase()).collect();
    if let Some(bad) = domains.iter().find(|d| !looks_like_domain(d)) {
        return invalid(format!("--domain {bad:?} is not a domain name"));
    }
    if req.jit && domains.is_empty() {
        return invalid(
            "--jit creates a user for whoever signs in: name the email domains allowed (--domain), so that accounts \
             from elsewhere in a shared directory do not join"
                .into(),
        );
    }
    let scope = req.scope.clone().unwrap_or_else(|| "openid email profile".into());
    if !scope.split(' ').any(|s| s == "openid") {
        return invalid(format!("--scope {scope:?} must include openid"));
    }
    let mut group_map = Vec::new();
    let groups: Vec<String> =
        store::policy::group_policies(&db.pool, &org).await?.into_iter().map(|(name, _)| name).collect();
    for pair in &req.group_map {
        let Some((theirs, ours)) = pair.split_once('=').map(|(a, b)| (a.trim(), b.trim())) else {
            return invalid(format!("--group-map {pair:?}: write the provider's group, =, and a Lastmile group"));
        };
        if theirs.is_empty() || (ours != store::compliance::DEFAULT_GROUP && !groups.iter().any(|g| g == ours)) {
            return invalid(format!(
                "--group-map {pair:?}: {ours:?} is not a policy group of {org_slug} (create it with `admin group set`)"
            ));
        }
        group_map.push((theirs.to_string(), ours.to_string()));
    }
    if !group_map.is_empty() && req.group_claim.is_none() {
        return invalid("--group-map needs --group-claim (the ID token claim that lists the person's groups)".into());
    }
    let idps = crate::sso::Idps::new()?;
    idps.discover(&req.issuer, clock.now()).await.map_err(|e| {
        ServerError::Invalid(format!(
            "the identity provider's discovery failed: {}",
            match e {
                crate::sso::IdpError::Unreachable(why) | crate::sso::IdpError::Refused(why) => why,
            }
        ))
    })?;
    let id = crate::secrets::new_id("idp");
    let (client_auth, credential) = match &req.auth {
        SsoAuth::None => ("none", None),
        SsoAuth::Secret(secret) if !secret.trim().is_empty() => {
            ("client_secret_basic", Some(seal.seal(secret.trim().as_bytes(), &id)?))
        }
        SsoAuth::Secret(_) => return invalid("the client secret file is empty".into()),
        SsoAuth::PrivateKeyJwt(pem) => {
            crate::sso::idp::check_private_key(pem)
                .map_err(|e| ServerError::Invalid(format!("--client-key-file: {e}")))?;
            ("private_key_jwt", Some(seal.seal(pem.as_bytes(), &id)?))
        }
    };
    let provider = store::sso::SsoProvider {
        id,
        org_id: org.id.clone(),
        name: req.name.trim().to_string(),
        issuer: req.issuer.clone(),
        client_id: client_id.to_string(),
        client_auth: client_auth.to_string(),
        credential,
        person_claim: person.wire().to_string(),
        domains,
        jit: req.jit,
        group_claim: req.group_claim.clone(),
        group_map,
        scope,
        created_at_ms: clock.now().0,
        disabled_at_ms: None,
    };
    store::sso::create_provider(&db.pool, &provider).await?;
    Ok(provider)
}

/// The organisation's identity providers for joins, enabled or not.
pub async fn sso_providers(db: &Db, org_slug: &str) -> Result<Vec<store::sso::SsoProvider>, ServerError> {
    let org = org(db, org_slug).await?;
    store::sso::providers(&db.pool, &org).await
}

/// Stops trusting a provider for joins (devices that joined through it stay joined).
pub async fn disable_sso_provider(db: &Db, clock: &dyn Clock, org_slug: &str, id: &str) -> Result<(), ServerError> {
    let org = org(db, org_slug).await?;
    if store::sso::disable_provider(&db.pool, &org, id, clock.now()).await? {
        Ok(())
    } else {
        Err(ServerError::NotFound(format!("an enabled sign-in {id:?} in {org_slug}")))
    }
}
