//! The OpenID Connect provider's registered clients.

use lastmile_core::clock::UnixMillis;
use sqlx::{AnyPool, Row};

use super::Org;
use crate::ServerError;

/// A registered relying party.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OidcClient {
    pub client_id: String,
    pub org_id: String,
    pub name: String,
    /// `entra-eam`, `okta`, `keycloak` or `generic`.
    pub profile: String,
    /// The SHA-256 of its client secret, when it authenticates with one.
    #[serde(skip)]
    pub secret_hash: Option<String>,
    /// Its public keys (a JWK Set, JSON), when it authenticates with private_key_jwt.
    pub jwks: Option<String>,
    /// Exact redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Entra ID tenants whose sign-ins it may ask for (the `tid` of the hint).
    pub tenants: Vec<String>,
    /// `any` or `phishing_resistant`.
    pub factors: String,
    pub created_at_ms: i64,
    pub disabled_at_ms: Option<i64>,
}

/// A new client's row, before it is stored.
#[derive(Debug, Clone)]
pub struct NewClient<'a> {
    pub client_id: &'a str,
    pub name: &'a str,
    pub profile: &'a str,
    pub secret_hash: Option<&'a str>,
    pub jwks: Option<&'a str>,
    pub redirect_uris: &'a [String],
    pub tenants: &'a [String],
    pub factors: &'a str,
}

const COLUMNS: &str = "client_id, org_id, name, profile, secret_hash, jwks, redirect_uris, tenants, factors, \
                       created_at_ms, disabled_at_ms";

fn json_list(text: &str, what: &str) -> Result<Vec<String>, ServerError> {
    serde_json::from_str(text).map_err(|e| ServerError::Corrupt(format!("oidc_clients.{what}: {e}")))
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<OidcClient, ServerError> {
    Ok(OidcClient {
        client_id: r.get(0),
        org_id: r.get(1),
        name: r.get(2),
        profile: r.get(3),
        secret_hash: r.get(4),
        jwks: r.get(5),
        redirect_uris: json_list(&r.get::<String, _>(6), "redirect_uris")?,
        tenants: json_list(&r.get::<String, _>(7), "tenants")?,
        factors: r.get(8),
        created_at_ms: r.get(9),
        disabled_at_ms: r.get(10),
    })
}

pub async fn create_client(
    pool: &AnyPool,
    org: &Org,
    c: &NewClient<'_>,
    now: UnixMillis,
) -> Result<OidcClient, ServerError> {
    let list = |v: &[String]| serde_json::to_string(v).map_err(|e| ServerError::Internal(e.to_string()));
    sqlx::query(&format!(
        "INSERT INTO oidc_clients ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL)"
    ))
    .bind(c.client_id)
    .bind(&org.id)
    .bind(c.name)
    .bind(c.profile)
    .bind(c.secret_hash)
    .bind(c.jwks)
    .bind(list(c.redirect_uris)?)
    .bind(list(c.tenants)?)
    .bind(c.factors)
    .bind(now.0)
    .execute(pool)
    .await?;
    client(pool, c.client_id).await?.ok_or_else(|| ServerError::Corrupt("a client just stored is missing".into()))
}

/// The client with this id, enabled or not.
pub async fn client(pool: &AnyPool, client_id: &str) -> Result<Option<OidcClient>, ServerError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM oidc_clients WHERE client_id = $1"))
        .bind(client_id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// An organisation's clients, oldest first.
pub async fn clients(pool: &AnyPool, org: &Org) -> Result<Vec<OidcClient>, ServerError> {
    let rows =
        sqlx::query(&format!("SELECT {COLUMNS} FROM oidc_clients WHERE org_id = $1 ORDER BY created_at_ms, client_id"))
            .bind(&org.id)
            .fetch_all(pool)
            .await?;
    rows.iter().map(from_row).collect()
}

/// Disables a client of this organisation; false when there is no such enabled client.
pub async fn disable_client(pool: &AnyPool, org: &Org, client_id: &str, now: UnixMillis) -> Result<bool, ServerError> {
    let done = sqlx::query(
        "UPDATE oidc_clients SET disabled_at_ms = $1 WHERE client_id = $2 AND org_id = $3 AND disabled_at_ms IS NULL",
    )
    .bind(now.0)
    .bind(client_id)
    .bind(&org.id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}
