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
    if value.chars().count() > 200 {
        return Err(ApiError::bad_request(format!("{field} is longer than 200 characters")));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::bad_request(format!("{field} contains control characters")));
    }
    Ok(())
}

/// The address a request came from: the socket's peer, or, when that peer is one of the
/// configured reverse proxies ([`AppState::trusted_proxies`]), the nearest address in
/// `X-Forwarded-For` that is not a trusted proxy (the header's earlier entries are whatever
/// the client wrote, so they are never believed). Without socket information (a server
/// driven in-process), `None`.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        use axum::extract::ConnectInfo;
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>() else {
            return Ok(ClientAddr(None));
        };
        Ok(ClientAddr(Some(client_ip(peer.ip(), &parts.headers, &state.trusted_proxies))))
    }
}

/// See [`ClientAddr`].
pub fn client_ip(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
    let hops: Vec<&str> = forwarded.flat_map(|v| v.split(',')).map(str::trim).collect();
    for hop in hops.iter().rev() {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            Err(_) => return peer,
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::client_ip;
    use axum::http::HeaderMap;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7, 10.0.0.2".parse().expect("header"));
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        assert_eq!(client_ip(ip("198.51.100.9"), &h, &proxies), ip("198.51.100.9"), "not from a proxy");
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &proxies), ip("203.0.113.7"), "the nearest untrusted hop");
        assert_eq!(client_ip(ip("10.0.0.1"), &HeaderMap::new(), &proxies), ip("10.0.0.1"), "no header");
        let mut bad = HeaderMap::new();
        bad.insert("x-forwarded-for", "not-an-address".parse().expect("header"));
        assert_eq!(client_ip(ip("10.0.0.1"), &bad, &proxies), ip("10.0.0.1"), "garbage is not believed");
    }
}

/// The words of the language the browser asks for (`Accept-Language`, by its weights), among
/// the languages Lastmile has; English when none matches. For the server's own pages.
#[derive(Debug, Clone, Copy)]
pub struct PageWords(pub &'static lastmile_core::words::Words);

impl<S: Send + Sync> FromRequestParts<S> for PageWords {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        let wanted = accepted_languages(header.unwrap_or_default());
        Ok(PageWords(lastmile_core::words::Words::new(lastmile_core::locale::negotiate(&wanted))))
    }
}

/// The languages of an `Accept-Language` header (RFC 9110), most wanted first: weights
/// sorted (stable, so equal weights keep their order), `q=0` and `*` dropped, at most 16.
pub fn accepted_languages(header: &str) -> Vec<String> {
    let mut weighted: Vec<(f32, String)> = header
        .split(',')
        .take(16)
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()))
                .unwrap_or(1.0);
            (!tag.is_empty() && tag != "*" && q > 0.0 && tag.len() <= 35).then(|| (q, tag.to_string()))
        })
        .collect();
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0));
    weighted.into_iter().map(|(_, tag)| tag).collect()
}

#[cfg(test)]
mod accept_language_tests {
    use super::accepted_languages;

    #[test]
    fn accept_language_is_read_by_weight() {
        assert_eq!(accepted_languages("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"), ["fr-CH", "fr", "en", "de"]);
        assert_eq!(accepted_languages("en;q=0.5, de"), ["de", "en"]);
        assert_eq!(accepted_languages("ja;q=0, es"), ["es"]);
        assert_eq!(accepted_languages(""), Vec::<String>::new());
        assert_eq!(accepted_languages("de;q=abc"), ["de"], "an unreadable weight counts as 1");
    }
}
