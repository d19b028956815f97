//! Joining with the organisation's sign-in: its trusted identity providers, the server half
//! of each sign-in (the flow), and the join itself (one transaction: the flow spent, the user
//! found or created, their group from the provider's claim, the device, the audit events).

use lastmile_core::clock::UnixMillis;
use lastmile_proto::api::DeviceClaims;
use sqlx::{AnyPool, Row};

use super::audit::{self, Event, Kind};
use super::{Device, Org, User, compliance, org_by_id};
use crate::ServerError;
use crate::db::begin_write;
use crate::secrets::new_id;

/// An identity provider an organisation trusts for joins.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SsoProvider {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    /// `none`, `client_secret_basic` or `private_key_jwt`.
    pub client_auth: String,
    /// The client secret or PEM private key, sealed (`seal`, the provider's id as associated
    /// data).
    #[serde(skip)]
    pub credential: Option<String>,
    /// `email`, `preferred_username` or `entra`.
    pub person_claim: String,
    pub domains: Vec<String>,
    pub jit: bool,
    pub group_claim: Option<String>,
    /// (the provider's group, the Lastmile policy group), first match wins.
    pub group_map: Vec<(String, String)>,
    pub scope: String,
    pub created_at_ms: i64,
    pub disabled_at_ms: Option<i64>,
}

const PROVIDER_COLUMNS: &str = "id, org_id, name, issuer, client_id, client_auth, credential, person_claim, domains, \
     jit, group_claim, group_map, scope, created_at_ms, disabled_at_ms";

fn corrupt(what: &str, e: serde_json::Error) -> ServerError {
    ServerError::Corrupt(format!("sso_providers.{what}: {e}"))
}

fn provider_from_row(r: &sqlx::any::AnyRow) -> Result<SsoProvider, ServerError> {
    Ok(SsoProvider {
        id: r.get(0),
        org_id: r.get(1),
        name: r.get(2),
        issuer: r.get(3),
        client_id: r.get(4),
        client_auth: r.get(5),
        credential: r.get(6),
        person_claim: r.get(7),
        domains: serde_json::from_str(&r.get::<String, _>(8)).map_err(|e| corrupt("domains", e))?,
        jit: r.get::<i64, _>(9) != 0,
        group_claim: r.get(10),
        group_map: serde_json::from_str(&r.get::<String, _>(11)).map_err(|e| corrupt("group_map", e))?,
        scope: r.get(12),
        created_at_ms: r.get(13),
        disabled_at_ms: r.get(14),
    })
}

/// Stores a provider (its id chosen by the caller, since the sealed credential is bound to it).
pub async fn create_provider(pool: &AnyPool, p: &SsoProvider) -> Result<(), ServerError> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(&format!(
        "INSERT INTO sso_providers ({PROVIDER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
         $14, $15)"
    ))
    .bind(&p.id)
    .bind(&p.org_id)
    .bind(&p.name)
    .bind(&p.issuer)
    .bind(&p.client_id)
    .bind(&p.client_auth)
    .bind(&p.credential)
    .bind(&p.person_claim)
    .bind(serde_json::to_string(&p.domains).map_err(|e| corrupt("domains", e))?)
    .bind(i64::from(p.jit))
    .bind(&p.group_claim)
    .bind(serde_json::to_string(&p.group_map).map_err(|e| corrupt("group_map", e))?)
    .bind(&p.scope)
    .bind(p.created_at_ms)
    .bind(p.disabled_at_ms)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// The organisation's providers, enabled or not, oldest first.
pub async fn providers(pool: &AnyPool, org: &Org) -> Result<Vec<SsoProvider>, ServerError> {
    let rows = sqlx::query(&format!(
        "SELECT {PROVIDER_COLUMNS} FROM sso_providers WHERE org_id = $1 ORDER BY created_at_ms, id"
    ))
    .bind(&org.id)
    .fetch_all(pool)
    .await?;
    rows.iter().map(provider_from_row).collect()
}

/// Disables a provider: joins through it are refused from now on. False when there is no
/// such enabled provider.
pub async fn disable_provider(pool: &AnyPool, org: &Org, id: &str, now: UnixMillis) -> Result<bool, ServerError> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query(
        "UPDATE sso_providers SET disabled_at_ms = $1 WHERE id = $2 AND org_id = $3 AND disabled_at_ms IS NULL",
    )
    .bind(now.0)
    .bind(id)
    .bind(&org.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(done == 1)
}

/// Records the server half of a sign-in: the nonce's hash, until `expires`. Expired flows are
/// dropped in the same transaction (the index on the expiry makes that a range).
pub async fn start_flow(
    pool: &AnyPool,
    provider_id: &str,
    nonce_hash: &str,
    now: UnixMillis,
    expires: UnixMillis,
) -> Result<String, ServerError> {
    let id = new_id("sso");
    let mut tx = begin_write(pool).await?;
    sqlx::query("DELETE FROM sso_flows WHERE expires_at_ms < $1")
        .bind(now.0 - 24 * 60 * 60 * 1000)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO sso_flows (id, provider_id, nonce_hash, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(provider_id)
    .bind(nonce_hash)
    .bind(now.0)
    .bind(expires.0)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A flow still open at `now` and its enabled provider: (nonce hash, provider).
pub async fn open_flow(
    pool: &AnyPool,
    flow_id: &str,
    now: UnixMillis,
) -> Result<Option<(String, SsoProvider)>, ServerError> {
    let columns: Vec<String> = PROVIDER_COLUMNS.split(", ").map(|c| format!("p.{c}")).collect();
    let row = sqlx::query(&format!(
        "SELECT {}, f.nonce_hash FROM sso_flows f JOIN sso_providers p ON p.id = f.provider_id \
         WHERE f.id = $1 AND f.used_at_ms IS NULL AND f.expires_at_ms > $2 AND p.disabled_at_ms IS NULL",
        columns.join(", ")
    ))
    .bind(flow_id)
    .bind(now.0)
    .fetch_optional(pool)
    .await?;
    row.map(|r| Ok((r.get(15), provider_from_row(&r)?))).transpose()
}

/// Whom a verified sign-in names, as the join needs it.
#[derive(Debug, Clone, Copy)]
pub struct SignedIn<'a> {
    /// Lower-cased.
    pub email: &'a str,
    pub display_name: &'a str,
    /// Entra ID's (tenant id, object id), when the provider names people by them.
    pub entra: Option<(&'a str, &'a str)>,
    /// The policy group the provider's claim maps to, if any.
    pub group: Option<&'a str>,
    /// The provider's subject (for the audit log).
    pub subject: &'a str,
}

/// Why a verified sign-in does not join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinRefusal {
    /// The flow was used (or expired) meanwhile.
    FlowGone,
    /// No such user, and the provider does not create users.
    UnknownUser,
    /// The user is linked to another account of the same Entra ID tenant.
    LinkedElsewhere,
}

/// What a join did.
#[derive(Debug, Clone)]
pub struct Joined {
    pub device: Device,
    pub user: User,
    pub org: Org,
    /// The user was created by this join (just in time).
    pub created: bool,
}

async fn user_in_org(tx: &mut crate::db::WriteTx, org_id: &str, email: &str) -> Result<Option<User>, ServerError> {
    let row = sqlx::query("SELECT id, display_name, email FROM users WHERE org_id = $1 AND email = $2")
        .bind(org_id)
        .bind(email)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(|r| User { id: r.get(0), org_id: org_id.into(), display_name: r.get(1), email: r.get(2) }))
}

/// Joins a device through a flow of `provider`: all of it in one transaction, or nothing.
#[allow(clippy::too_many_arguments)]
pub async fn join(
    pool: &AnyPool,
    flow_id: &str,
    provider: &SsoProvider,
    person: SignedIn<'_>,
    claims: &DeviceClaims,
    public_key: Option<&str>,
    token_hash: &str,
    now: UnixMillis,
) -> Result<Result<Joined, JoinRefusal>, ServerError> {
    let device_id = new_id("dev");
    let org_id = provider.org_id.as_str();
    let mut tx = begin_write(pool).await?;
    let claimed = sqlx::query(
        "UPDATE sso_flows SET used_at_ms = $1, device_id = $2 \
         WHERE id = $3 AND provider_id = $4 AND used_at_ms IS NULL AND expires_at_ms > $1",
    )
    .bind(now.0)
    .bind(&device_id)
    .bind(flow_id)
    .bind(&provider.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed != 1 {
        tx.rollback().await?;
        return Ok(Err(JoinRefusal::FlowGone));
    }
    // The person: by their Entra ID link, else by email.
    let mut user = None;
    if let Some((tid, oid)) = person.entra {
        let linked: Option<String> = sqlx::query_scalar(
            "SELECT l.user_id FROM oidc_entra_links l JOIN users u ON u.id = l.user_id \
             WHERE l.tenant_id = $1 AND l.object_id = $2 AND u.org_id = $3",
        )
        .bind(tid)
        .bind(oid)
        .bind(org_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = linked {
            let r = sqlx::query("SELECT display_name, email FROM users WHERE id = $1")
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
            user = Some(User { id, org_id: org_id.into(), display_name: r.get(0), email: r.get(1) });
        }
    }
    let link = person.entra.is_some() && user.is_none();
    if user.is_none() {
        user = user_in_org(&mut tx, org_id, person.email).await?;
    }
    if let (Some(u), true, Some((tid, _))) = (&user, link, person.entra) {
        let elsewhere: Option<String> =
            sqlx::query_scalar("SELECT object_id FROM oidc_entra_links WHERE user_id = $1 AND tenant_id = $2")
                .bind(&u.id)
                .bind(tid)
                .fetch_optional(&mut *tx)
                .await?;
        if elsewhere.is_some() {
            tx.rollback().await?;
            return Ok(Err(JoinRefusal::LinkedElsewhere));
        }
    }
    let created = user.is_none();
    let user = match user {
        Some(u) => u,
        None if provider.jit => {
            let id = new_id("usr");
            sqlx::query(
                "INSERT INTO users (id, org_id, email, display_name, created_at_ms) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&id)
            .bind(org_id)
            .bind(person.email)
            .bind(person.display_name)
            .bind(now.0)
            .execute(&mut *tx)
            .await?;
            audit::append(
                &mut tx,
                Event::new(now, &id, Kind::UserCreated).detail(serde_json::json!({
                    "via": "sso", "provider": provider.id, "issuer": provider.issuer, "subject": person.subject,
                })),
            )
            .await?;
            User { id, org_id: org_id.into(), email: person.email.into(), display_name: person.display_name.into() }
        }
        None => {
            tx.rollback().await?;
            return Ok(Err(JoinRefusal::UnknownUser));
        }
    };
    if let (true, Some((tid, oid))) = (link, person.entra) {
        sqlx::query(
            "INSERT INTO oidc_entra_links (tenant_id, object_id, user_id, created_at_ms) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant_id, object_id) DO NOTHING",
        )
        .bind(tid)
        .bind(oid)
        .bind(&user.id)
        .bind(now.0)
        .execute(&mut *tx)
        .await?;
    }
    // The group the provider's claim maps to, when it is not the user's already.
    let mut regroup = created;
    if let Some(group) = person.group {
        let current: Option<String> =
            sqlx::query_scalar("SELECT group_id FROM users WHERE id = $1").bind(&user.id).fetch_one(&mut *tx).await?;
        let wanted: Option<String> = if group == compliance::DEFAULT_GROUP {
            None
        } else {
            let id: Option<String> = sqlx::query_scalar("SELECT id FROM policy_groups WHERE org_id = $1 AND name = $2")
                .bind(org_id)
                .bind(group)
                .fetch_optional(&mut *tx)
                .await?;
            if id.is_none() {
                tracing::warn!(provider = %provider.id, group, "the provider's group maps to a policy group that does not exist; left as it was");
            }
            id.or(current.clone())
        };
        if wanted != current {
            sqlx::query("UPDATE users SET group_id = $1 WHERE id = $2")
                .bind(&wanted)
                .bind(&user.id)
                .execute(&mut *tx)
                .await?;
            audit::append(
                &mut tx,
                Event::new(now, &user.id, Kind::GroupChanged)
                    .detail(serde_json::json!({ "group": group, "via": "sso", "provider": provider.id })),
            )
            .await?;
            regroup = true;
        }
    }
    super::insert_device(&mut tx, &device_id, &user.id, token_hash, claims, public_key, now).await?;
    audit::append(
        &mut tx,
        Event::new(now, &user.id, Kind::DeviceJoined).device(&device_id).detail(serde_json::json!({
            "hostname": claims.hostname, "os_name": claims.os_name, "via": "sso", "provider": provider.id,
            "issuer": provider.issuer, "subject": person.subject, "device_key": public_key.is_some(),
        })),
    )
    .await?;
    if regroup {
        compliance::refresh(&mut tx, &user.id, now).await?;
    }
    tx.commit().await?;
    let org = org_by_id(pool, org_id).await?;
    let device = Device {
        id: device_id,
        user_id: user.id.clone(),
        revoked_at_ms: None,
        recovery_until_ms: None,
        public_key: public_key.map(str::to_string),
    };
    Ok(Ok(Joined { device, user, org, created }))
}

/// Seals every provider credential under the seal file's current key (`admin seal-key
/// rotate`). Returns how many were resealed.
pub async fn reseal_credentials(pool: &AnyPool, seal: &crate::seal::SealKeys) -> Result<u64, ServerError> {
    let rows =
        sqlx::query("SELECT id, credential FROM sso_providers WHERE credential IS NOT NULL").fetch_all(pool).await?;
    let current = seal.current_id();
    let mut changed = 0;
    for row in rows {
        let (id, stored): (String, String) = (row.get(0), row.get(1));
        if crate::seal::SealKeys::key_id_of(&stored) == Some(current.as_str()) {
            continue;
        }
        let new = seal.seal(&seal.open(&stored, &id)?, &id)?;
        let mut tx = begin_write(pool).await?;
        let done = sqlx::query("UPDATE sso_providers SET credential = $1 WHERE id = $2 AND credential = $3")
            .bind(new)
            .bind(&id)
            .bind(&stored)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        changed += done.rows_affected();
    }
    Ok(changed)
}
