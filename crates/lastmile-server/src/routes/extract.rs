//! Extractors that turn every malformed request into the one error shape.

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use lastmile_proto::api::{DeviceClaims, ErrorCode};
use serde::de::DeserializeOwned;

use crate::secrets::hash_secret;
use crate::store::Device;
use crate::{ApiError, AppState};

/// `axum::Json`, but rejections answer with [`ApiError`].
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(v) = Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(v))
    }
}

/// The raw body (for checking a signature over the exact bytes); rejections answer with
/// [`ApiError`].
#[derive(Debug)]
pub struct RawBody(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Ok(RawBody(axum::body::Bytes::from_request(req, state).await?))
    }
}

/// A request authenticated by a device token (`Authorization: Bearer lmd_...`).
#[derive(Debug)]
pub struct DeviceAuth(pub Device);

impl FromRequestParts<AppState> for DeviceAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(|| ApiError::unauthorized("missing Authorization: Bearer <device token>"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.starts_with("lmd_"))
            .ok_or_else(|| ApiError::unauthorized("the Authorization header is not a Lastmile device token"))?;
        let device = state.queues.devices.call(hash_secret(token)).await?.ok_or_else(|| {
            ApiError::unauthorized("this device is not known to the server; join again with a new invite")
        })?;
        if device.revoked_at_ms.is_some() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::DeviceRevoked,
                "this device was revoked; ask your IT team for a new invite",
            ));
        }
        Ok(DeviceAuth(device))
    }
}

/// Checks a device public key sent at join or recovery (P-256 SubjectPublicKeyInfo).
pub fn check_device_key(key: Option<&str>) -> Result<(), ApiError> {
    match key {
        Some(k) if k.len() > 512 => Err(ApiError::bad_request("device_public_key is longer than 512 characters")),
        Some(k) => lastmile_core::device_key::check_public_key(k)
            .map_err(|e| ApiError::bad_request(format!("device_public_key: {e}"))),
        None => Ok(()),
    }
}

/// Checks every free-text field of a device's claims.
pub fn check_claims(d: &DeviceClaims) -> Result<(), ApiError> {
    for (field, value) in [
        ("device.hostname", &d.hostname),
        ("device.os_name", &d.os_name),
        ("device.os_version", &d.os_version),
        ("device.arch", &d.arch),
        ("device.app_version", &d.app_version),
    ] {
        check_text(field, value)?;
    }
    Ok(())
}

/// Checks a free-text claim: present, short, printable.
fn check_text(field: &str, value: &str) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::bad_request(format!("{field} must not be empty")));
    }
    if value.len() > 200 {
        return Err(ApiError::bad_request(format!("{field} is longer than 200 bytes")));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::bad_request(format!("{field} contains control characters")));
    }
    Ok(())
}
