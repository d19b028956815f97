//! Operations behind `lastmile-server admin ...`: organisations, users, invites.

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

pub async fn revoke_device(db: &Db, clock: &dyn Clock, device_id: &str) -> Result<(), ServerError> {
    match store::revoke_device(&db.pool, device_id, None, serde_json::json!("admin"), clock.now()).await? {
        Some(true) => Ok(()),
        _ => Err(ServerError::NotFound(format!("active device {device_id:?}"))),
    }
}
