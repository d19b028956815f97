//! Joining a device with the organisation's sign-in: which providers an organisation offers,
//! starting a sign-in (the nonce), and the join with its proof. Every refusal is the one error
//! shape, with a code per kind of refusal and a sentence for the person.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lastmile_proto::api::{
    ErrorBody, ErrorCode, JoinResponse, OrganisationView, SignInOptions, SsoJoinRequest, SsoProof, SsoProviderView,
    SsoStart, SsoStartRequest, UserView,
};

use super::extract::{ApiJson, ClientAddr, check_claims, check_device_key};
use crate::secrets::{hash_secret, new_device_token};
use crate::sso::{self, Refusal};
use crate::store::{self, Org};
use crate::{ApiError, AppState};

fn refusal(r: Refusal) -> ApiError {
    let (status, code, why) = match r {
        Refusal::Unavailable(why) => (StatusCode::NOT_FOUND, ErrorCode::SsoUnavailable, why),
        Refusal::Expired(why) => (StatusCode::GONE, ErrorCode::SsoExpired, why),
        Refusal::Refused(why) => (StatusCode::FORBIDDEN, ErrorCode::SsoRefused, why),
        Refusal::NotAllowed(why) => (StatusCode::FORBIDDEN, ErrorCode::SsoNotAllowed, why),
        Refusal::Unreachable(why) => (
            StatusCode::BAD_GATEWAY,
            ErrorCode::SsoIdpUnreachable,
            format!("the server could not reach your organisation's sign-in; try again later ({why})"),
        ),
    };
    tracing::info!(code = ?code, why = %why, "join with the organisation's sign-in refused");
    ApiError::new(status, code, why)
}

async fn org(state: &AppState, slug: &str) -> Result<Org, ApiError> {
    let slug = slug.trim().to_ascii_lowercase();
    if slug.is_empty() || slug.len() > 64 {
        return Err(ApiError::bad_request("organisation must be 1 to 64 characters"));
    }
    store::org_by_slug(&state.db.pool, &slug).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::SsoUnavailable,
            format!("no organisation {slug:?} on this server; check its name with your IT team"),
        )
    })
}

/// How people of an organisation can join by signing in (an empty list: invites only).
#[utoipa::path(get, path = "/v1/orgs/{slug}/sign-in", tag = "sso",
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 200, body = SignInOptions),
        (status = 400, description = "malformed organisation name", body = ErrorBody),
        (status = 404, description = "no such organisation (`sso_unavailable`)", body = ErrorBody),
    ))]
pub async fn options(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Json<SignInOptions>, ApiError> {
    let org = org(&state, &slug).await?;
    let providers = sso::enabled_providers(&state.db.pool, &org).await?;
    Ok(Json(SignInOptions {
        providers: providers.into_iter().map(|p| SsoProviderView { id: p.id, name: p.name }).collect(),
        organisation: OrganisationView { slug: org.slug, name: org.name },
    }))
}

/// Starts a join with the organisation's sign-in: the provider's authorization endpoint and
/// the nonce the ID token must carry. The app adds its loopback redirect, state and PKCE.
#[utoipa::path(post, path = "/v1/sso/start", tag = "sso", request_body = SsoStartRequest,
    responses(
        (status = 201, body = SsoStart),
        (status = 400, description = "malformed request", body = ErrorBody),
        (status = 404, description = "no such organisation or sign-in (`sso_unavailable`)", body = ErrorBody),
        (status = 429, description = "too many sign-ins from this address (`rate_limited`)", body = ErrorBody),
        (status = 502, description = "the identity provider could not be reached (`sso_idp_unreachable`)", body = ErrorBody),
    ))]
pub async fn start(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(req): ApiJson<SsoStartRequest>,
) -> Result<(StatusCode, Json<SsoStart>), ApiError> {
    let now = state.clock.now();
    let addr = addr.map_or_else(|| "in-process".to_string(), |a| a.to_string());
    state.limits.sso_start_by_address.check(&addr, now).map_err(|s| super::lockout::too_many("sign-ins", s))?;
    let org = org(&state, &req.organisation).await?;
    let started = sso::start(&state.db.pool, &state.sso, &org, req.provider.as_deref(), now).await?.map_err(refusal)?;
    Ok((
        StatusCode::CREATED,
        Json(SsoStart {
            flow_id: started.flow_id,
            organisation: OrganisationView { slug: org.slug, name: org.name },
            provider: SsoProviderView { id: started.provider.id, name: started.provider.name },
            authorization_endpoint: started.discovered.authorization_endpoint,
            client_id: started.provider.client_id,
            scope: started.provider.scope,
            nonce: started.nonce,
            expires_at_ms: started.expires_at_ms,
        }),
    ))
}

/// The proof's fields within the lengths the API documents (in characters), before the
/// flow is looked up: a malformed request is a 400 whatever the flow's state.
fn check_proof(proof: &SsoProof) -> Result<(), ApiError> {
    let check = |value: &str, what: &str, min: usize, max: usize| {
        if (min..=max).contains(&value.chars().count()) {
            Ok(())
        } else {
            Err(ApiError::bad_request(format!("{what} must be {min}-{max} characters")))
        }
    };
    match proof {
        SsoProof::Code { code, code_verifier, redirect_uri } => {
            check(code, "code", 1, 4096)?;
            check(code_verifier, "code_verifier (RFC 7636)", 43, 128)?;
            check(redirect_uri, "redirect_uri", 1, 200)
        }
        SsoProof::IdToken { id_token } => check(id_token, "id_token", 1, 16384),
    }
}

/// Binds this device to the person the organisation's identity provider signed in: the
/// server redeems the code (or checks the ID token), checks issuer, audience, expiry,
/// signature and the flow's nonce, finds (or creates) the user, and joins the device as an
/// invite does.
#[utoipa::path(post, path = "/v1/devices/join/sso", tag = "sso", request_body = SsoJoinRequest,
    responses(
        (status = 201, body = JoinResponse),
        (status = 400, description = "malformed request", body = ErrorBody),
        (status = 403, description = "the provider's answer failed the checks (`sso_refused`) or the person may not \
            join this way (`sso_not_allowed`)", body = ErrorBody),
        (status = 410, description = "the sign-in is unknown, expired or used (`sso_expired`)", body = ErrorBody),
        (status = 502, description = "the identity provider could not be reached (`sso_idp_unreachable`)", body = ErrorBody),
    ))]
pub async fn join(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SsoJoinRequest>,
) -> Result<(StatusCode, Json<JoinResponse>), ApiError> {
    check_claims(&req.device)?;
    check_device_key(req.device_public_key.as_deref())?;
    if req.flow_id.len() > 64 {
        return Err(ApiError::bad_request("flow_id is longer than 64 characters"));
    }
    check_proof(&req.proof)?;
    let token = new_device_token();
    let cx = sso::Context { pool: &state.db.pool, idps: &state.sso, seal: &state.seal };
    let joined = sso::join(cx, &req, &hash_secret(&token), state.clock.now()).await?.map_err(refusal)?;
    tracing::info!(device = %joined.device.id, user = %joined.user.id, org = %joined.org.slug, created = joined.created,
        "device joined with the organisation's sign-in");
    Ok((
        StatusCode::CREATED,
        Json(JoinResponse {
            device_id: joined.device.id,
            device_token: token,
            user: UserView { id: joined.user.id, email: joined.user.email, display_name: joined.user.display_name },
            organisation: OrganisationView { slug: joined.org.slug, name: joined.org.name },
        }),
    ))
}
