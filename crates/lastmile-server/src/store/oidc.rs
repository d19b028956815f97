//! The OpenID Connect provider's registered clients and the sign-in requests they make.

use lastmile_core::clock::UnixMillis;
use sqlx::{AnyPool, Row};

use super::Org;
use super::security_keys::{KEY_COLUMNS, KeyFactor, key_from_row};
use crate::ServerError;
use crate::db::Autocommit;

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
    /// Entra ID: the application registration whose `id_token_hint`s it accepts (their `aud`).
    pub entra_app_id: Option<String>,
    /// `required` (S256), or `optional` for a client that authenticates and cannot send it
    /// (its requests then need a nonce).
    pub pkce: String,
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
    pub entra_app_id: Option<&'a str>,
    pub pkce: &'a str,
}

const COLUMNS: &str = "client_id, org_id, name, profile, secret_hash, jwks, redirect_uris, tenants, factors, \
                       created_at_ms, disabled_at_ms, entra_app_id, pkce";

fn json_list(text: &str, what: &str) -> Result<Vec<String>, ServerError> {
    serde_json::from_str(text).map_err(|e| ServerError::Corrupt(format!("oidc_clients.{what}: {e}")))
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<OidcClient, ServerError> {
    client_at(r, 0)
}

/// A client from the row's columns `o..` (in [`COLUMNS`]' order).
fn client_at(r: &sqlx::any::AnyRow, o: usize) -> Result<OidcClient, ServerError> {
    Ok(OidcClient {
        client_id: r.get(o),
        org_id: r.get(o + 1),
        name: r.get(o + 2),
        profile: r.get(o + 3),
        secret_hash: r.get(o + 4),
        jwks: r.get(o + 5),
        redirect_uris: json_list(&r.get::<String, _>(o + 6), "redirect_uris")?,
        tenants: json_list(&r.get::<String, _>(o + 7), "tenants")?,
        factors: r.get(o + 8),
        created_at_ms: r.get(o + 9),
        disabled_at_ms: r.get(o + 10),
        entra_app_id: r.get(o + 11),
        pkce: r.get(o + 12),
    })
}

pub async fn create_client(
    pool: &AnyPool,
    org: &Org,
    c: &NewClient<'_>,
    now: UnixMillis,
) -> Result<OidcClient, ServerError> {
    let list = |v: &[String]| serde_json::to_string(v).map_err(|e| ServerError::Internal(e.to_string()));
    let sql = format!(
        "INSERT INTO oidc_clients ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, $12)"
    );
    let insert = sqlx::query(&sql)
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
        .bind(c.entra_app_id)
        .bind(c.pkce);
    Autocommit::execute(pool, insert).await?;
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
    let update = sqlx::query(
        "UPDATE oidc_clients SET disabled_at_ms = $1 WHERE client_id = $2 AND org_id = $3 AND disabled_at_ms IS NULL",
    )
    .bind(now.0)
    .bind(client_id)
    .bind(&org.id);
    let done = Autocommit::execute(pool, update).await?;
    Ok(done.rows_affected() == 1)
}

/// A sign-in request of a client, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInRequest {
    pub id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub acr: Option<String>,
    pub expires_at_ms: i64,
    /// `code` (the code flow) or `id_token` (implicit, by form_post: Entra ID).
    pub response_type: String,
    /// The subject to answer with when it is not the user's id (the hint's `sub`).
    pub subject: Option<String>,
    /// The person the request is for when the client named them (Entra ID's hint).
    pub hint_user_id: Option<String>,
    /// The `amr` values the client accepts (space-separated), when it said.
    pub amr_values: Option<String>,
    /// Entra ID's request id, logged and audited for troubleshooting.
    pub client_request_id: Option<String>,
    /// Codes and keys tried on its page.
    pub attempts: i64,
    /// The scope asked for (`email` adds the person's email to the ID token).
    pub scope: Option<String>,
    /// Set once a factor satisfied it.
    pub user_id: Option<String>,
    pub factor_id: Option<String>,
    pub amr: Option<String>,
    pub auth_time_ms: Option<i64>,
}

const REQUEST_COLUMNS: &str = "id, client_id, redirect_uri, state, nonce, code_challenge, acr, expires_at_ms, user_id, \
                               factor_id, amr, auth_time_ms, response_type, subject, hint_user_id, amr_values, \
                               client_request_id, attempts, scope";

fn request_from_row(r: &sqlx::any::AnyRow) -> SignInRequest {
    request_at(r, 0)
}

/// A request from the row's columns `o..` (in [`REQUEST_COLUMNS`]' order).
fn request_at(r: &sqlx::any::AnyRow, o: usize) -> SignInRequest {
    SignInRequest {
        id: r.get(o),
        client_id: r.get(o + 1),
        redirect_uri: r.get(o + 2),
        state: r.get(o + 3),
        nonce: r.get(o + 4),
        code_challenge: r.get(o + 5),
        acr: r.get(o + 6),
        expires_at_ms: r.get(o + 7),
        user_id: r.get(o + 8),
        factor_id: r.get(o + 9),
        amr: r.get(o + 10),
        auth_time_ms: r.get(o + 11),
        response_type: r.get(o + 12),
        subject: r.get(o + 13),
        hint_user_id: r.get(o + 14),
        amr_values: r.get(o + 15),
        client_request_id: r.get(o + 16),
        attempts: r.get(o + 17),
        scope: r.get(o + 18),
    }
}

/// Drops requests that expired a day ago or more (kept that long for troubleshooting) and
/// client assertions past their expiry (their jti can no longer be replayed).
pub async fn purge(pool: &AnyPool, now: UnixMillis) -> Result<(), ServerError> {
    let mut w = Autocommit::take(pool).await?;
    let old = now.0 - 86_400_000;
    sqlx::query("DELETE FROM oidc_requests WHERE expires_at_ms < $1").bind(old).execute(&mut *w).await?;
    sqlx::query("DELETE FROM oidc_client_assertions WHERE expires_at_ms < $1").bind(now.0).execute(&mut *w).await?;
    w.done();
    Ok(())
}

/// Stores a new request (a write of the queue: [`crate::store::writes::AuditedWrite::NewRequest`]).
pub(crate) async fn insert_request(
    conn: &mut sqlx::AnyConnection,
    r: &SignInRequest,
    now: UnixMillis,
) -> Result<(), ServerError> {
    sqlx::query(
        "INSERT INTO oidc_requests (id, client_id, redirect_uri, state, nonce, code_challenge, acr, created_at_ms, \
         expires_at_ms, response_type, subject, hint_user_id, amr_values, client_request_id, scope) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&r.id)
    .bind(&r.client_id)
    .bind(&r.redirect_uri)
    .bind(&r.state)
    .bind(&r.nonce)
    .bind(&r.code_challenge)
    .bind(&r.acr)
    .bind(now.0)
    .bind(r.expires_at_ms)
    .bind(&r.response_type)
    .bind(&r.subject)
    .bind(&r.hint_user_id)
    .bind(&r.amr_values)
    .bind(&r.client_request_id)
    .bind(&r.scope)
    .execute(conn)
    .await?;
    Ok(())
}

/// The columns in `list` (comma-separated) of the table aliased `alias`.
fn prefixed(list: &str, alias: &str) -> String {
    list.split(',').map(|c| format!("{alias}.{}", c.trim())).collect::<Vec<_>>().join(", ")
}

/// A request still open at `now` and its client, if enabled: one query.
pub async fn open_request_and_client(
    pool: &AnyPool,
    id: &str,
    now: UnixMillis,
) -> Result<Option<(SignInRequest, OidcClient)>, ServerError> {
    let row = sqlx::query(&format!(
        "SELECT {}, {} FROM oidc_requests r JOIN oidc_clients c ON c.client_id = r.client_id \
         WHERE r.id = $1 AND r.expires_at_ms > $2 AND r.code_hash IS NULL AND c.disabled_at_ms IS NULL",
        prefixed(REQUEST_COLUMNS, "r"),
        prefixed(COLUMNS, "c")
    ))
    .bind(id)
    .bind(now.0)
    .fetch_optional(pool)
    .await?;
    let width = REQUEST_COLUMNS.split(',').count();
    row.map(|r| Ok((request_at(&r, 0), client_at(&r, width)?))).transpose()
}

/// The verified TOTP factor of the user with this email in this organisation, if any.
pub async fn verified_totp_of(
    pool: &AnyPool,
    org_id: &str,
    email: &str,
) -> Result<Option<(String, String)>, ServerError> {
    let row = sqlx::query(
        "SELECT u.id, f.id FROM users u JOIN factors f ON f.user_id = u.id \
         WHERE u.org_id = $1 AND u.email = $2 AND f.kind = 'totp' AND f.status = 'verified' \
         ORDER BY f.verified_at_ms LIMIT 1",
    )
    .bind(org_id)
    .bind(email)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

/// The verified security keys of the user with this email in this organisation (none for an
/// unknown email or a user without keys: one query either way).
pub async fn verified_keys_of(pool: &AnyPool, org_id: &str, email: &str) -> Result<Vec<KeyFactor>, ServerError> {
    let rows = sqlx::query(&format!(
        "SELECT {KEY_COLUMNS} FROM users u JOIN factors f ON f.user_id = u.id \
         WHERE u.org_id = $1 AND u.email = $2 AND f.kind = 'security_key' AND f.status = 'verified' ORDER BY f.id"
    ))
    .bind(org_id)
    .bind(email)
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(key_from_row).collect())
}

/// The verified security keys of a user.
pub async fn verified_keys_of_user(pool: &AnyPool, user_id: &str) -> Result<Vec<KeyFactor>, ServerError> {
    let rows = sqlx::query(&format!(
        "SELECT {KEY_COLUMNS} FROM factors f WHERE f.user_id = $1 AND f.kind = 'security_key' \
         AND f.status = 'verified' ORDER BY f.id"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(key_from_row).collect())
}

/// Keeps the WebAuthn assertion a request started (replacing an earlier one), and whose keys
/// it named (`None`: a stand-in for an email without keys); false when the request is no
/// longer open.
pub(crate) async fn start_key_sign_in(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    user_id: Option<&str>,
    key_state: &str,
    now: UnixMillis,
) -> Result<bool, ServerError> {
    let done = sqlx::query(
        "UPDATE oidc_requests SET key_state = $1, key_user_id = $2 \
         WHERE id = $3 AND code_hash IS NULL AND expires_at_ms > $4",
    )
    .bind(key_state)
    .bind(user_id)
    .bind(id)
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The assertion a request started and whose keys it named, if any (not taken: the
/// sign-in's write takes it, or [`take_key_sign_in`] when the answer is refused).
pub async fn key_sign_in(
    pool: &AnyPool,
    id: &str,
    now: UnixMillis,
) -> Result<Option<(Option<String>, String)>, ServerError> {
    let row = sqlx::query(
        "SELECT key_user_id, key_state FROM oidc_requests WHERE id = $1 AND key_state IS NOT NULL \
         AND code_hash IS NULL AND expires_at_ms > $2",
    )
    .bind(id)
    .bind(now.0)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.get::<Option<String>, _>(0), r.get::<String, _>(1))))
}

/// Takes the assertion `key_state` of a request, once: false when someone took it first.
pub async fn take_key_sign_in(pool: &AnyPool, id: &str, key_state: &str) -> Result<bool, ServerError> {
    let take = sqlx::query("UPDATE oidc_requests SET key_state = NULL WHERE id = $1 AND key_state = $2")
        .bind(id)
        .bind(key_state);
    let taken = Autocommit::execute(pool, take).await?;
    Ok(taken.rows_affected() == 1)
}

/// Redeems an authorization code once: the request it belongs to, if the code is known,
/// unexpired and not redeemed before (a second redemption gets nothing).
pub(crate) async fn redeem_code(
    conn: &mut sqlx::AnyConnection,
    code_hash: &str,
    now: UnixMillis,
) -> Result<Option<SignInRequest>, ServerError> {
    let row = sqlx::query(&format!(
        "UPDATE oidc_requests SET redeemed_at_ms = $1 \
         WHERE code_hash = $2 AND redeemed_at_ms IS NULL AND code_expires_at_ms > $1 AND response_type = 'code' \
         RETURNING {REQUEST_COLUMNS}"
    ))
    .bind(now.0)
    .bind(code_hash)
    .fetch_optional(conn)
    .await?;
    Ok(row.as_ref().map(request_from_row))
}

/// Remembers a client assertion's `jti` until it expires (then [`purge`]); false when it was
/// used before.
pub(crate) async fn first_use_of_assertion(
    conn: &mut sqlx::AnyConnection,
    client_id: &str,
    jti: &str,
    expires_at_ms: i64,
) -> Result<bool, ServerError> {
    let done = sqlx::query(
        "INSERT INTO oidc_client_assertions (client_id, jti, expires_at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (client_id, jti) DO NOTHING",
    )
    .bind(client_id)
    .bind(jti)
    .bind(expires_at_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A user's email (the Lastmile account the sign-in is for).
pub async fn email_of(pool: &AnyPool, user_id: &str) -> Result<Option<String>, ServerError> {
    Ok(sqlx::query_scalar("SELECT email FROM users WHERE id = $1").bind(user_id).fetch_optional(pool).await?)
}

/// Whom an Entra ID account is, in this organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntraUser {
    /// Linked before (by tenant and object id), or linked now by its username.
    Linked(String),
    /// No user of the organisation has that email.
    Unknown,
    /// The user with that email is linked to another account of the tenant (an Entra
    /// username given to someone else): an administrator must look.
    LinkedElsewhere,
}

/// The Lastmile user of the Entra ID account `tid`/`oid`: its link, or, the first time, the
/// organisation's user whose email is `username` (then linked, so a later change of username
/// in Entra ID changes nothing here).
pub async fn entra_user(
    pool: &AnyPool,
    org_id: &str,
    tid: &str,
    oid: &str,
    username: Option<&str>,
    now: UnixMillis,
) -> Result<EntraUser, ServerError> {
    let linked: Option<String> = sqlx::query_scalar(
        "SELECT l.user_id FROM oidc_entra_links l JOIN users u ON u.id = l.user_id \
         WHERE l.tenant_id = $1 AND l.object_id = $2 AND u.org_id = $3",
    )
    .bind(tid)
    .bind(oid)
    .bind(org_id)
    .fetch_optional(pool)
    .await?;
    if let Some(user) = linked {
        return Ok(EntraUser::Linked(user));
    }
    let Some(username) = username.map(str::to_ascii_lowercase) else { return Ok(EntraUser::Unknown) };
    let user: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE org_id = $1 AND email = $2")
        .bind(org_id)
        .bind(&username)
        .fetch_optional(pool)
        .await?;
    let Some(user) = user else { return Ok(EntraUser::Unknown) };
    let elsewhere: Option<String> =
        sqlx::query_scalar("SELECT object_id FROM oidc_entra_links WHERE user_id = $1 AND tenant_id = $2")
            .bind(&user)
            .bind(tid)
            .fetch_optional(pool)
            .await?;
    if elsewhere.is_some() {
        return Ok(EntraUser::LinkedElsewhere);
    }
    let link = sqlx::query(
        "INSERT INTO oidc_entra_links (tenant_id, object_id, user_id, created_at_ms) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tenant_id, object_id) DO NOTHING",
    )
    .bind(tid)
    .bind(oid)
    .bind(&user)
    .bind(now.0);
    Autocommit::execute(pool, link).await?;
    Ok(EntraUser::Linked(user))
}
