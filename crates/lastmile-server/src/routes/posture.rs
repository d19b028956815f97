//! Posture reports: the device's claims, signed with the device's key, stored once (the
//! report id is an idempotency key, the sequence number refuses replays), answered with
//! the server's view.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use lastmile_core::clock::UnixMillis;
use lastmile_proto::api::{ErrorBody, ErrorCode, PostureReport, PostureView, SIGNATURE_HEADER};

use super::extract::{DeviceAuth, RawBody, check_claims};
use crate::store::audit::{Event, Kind};
use crate::store::writes::AuditedWrite;
use crate::store::{self, Device, NewReport, ReportOutcome};
use crate::{ApiError, AppState};

/// How old a report may be when it arrives (a device that was offline sends what it queued).
pub const MAX_REPORT_AGE_MS: i64 = 30 * 24 * 3600 * 1000;
/// How far ahead of the server's clock a report may be dated (a device clock can be off;
/// the report's clock claim says by how much).
pub const MAX_REPORT_AHEAD_MS: i64 = 24 * 3600 * 1000;

/// Stores a posture report and returns what the server now believes. Device facts in the
/// report are claims; only factors the server verified itself count.
///
/// The body must be signed with the device's key (header `Lastmile-Signature`, ECDSA P-256
/// over a label, the device id and the exact body bytes) when the device joined with one.
#[utoipa::path(post, path = "/v1/posture", tag = "posture", request_body = PostureReport, security(("device_token" = [])),
    params(("Lastmile-Signature" = Option<String>, Header, description = "base64url DER ECDSA signature of the body")),
    responses(
        (status = 200, description = "stored, or the same report again (idempotent)", body = PostureView),
        (status = 400, description = "malformed report, or dated too far in the past or future", body = ErrorBody),
        (status = 401, description = "unknown token, a missing or bad signature (`signature_invalid`), or a device without a key (`device_key_required`)", body = ErrorBody),
        (status = 403, description = "revoked device", body = ErrorBody),
        (status = 409, description = "an old sequence number or a reused report id (`report_replayed`)", body = ErrorBody),
        (status = 413, body = ErrorBody),
    ))]
pub async fn report(
    State(state): State<AppState>,
    DeviceAuth(device): DeviceAuth,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<PostureView>, ApiError> {
    let now = state.clock.now();
    let signature = headers.get(SIGNATURE_HEADER).map(|v| v.to_str().unwrap_or_default().to_string());
    if device.public_key.is_none() && !state.allow_unsigned_reports {
        let e = ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::DeviceKeyRequired,
            "this device joined without a key, and this server accepts only signed reports: add one \
             (POST /v1/devices/me/key; the app does it by itself), then sign",
        );
        return Err(refuse(&state, &device, now, "no device key", e).await);
    }
    if let Some(key) = &device.public_key {
        let Some(signature) = signature.as_deref() else {
            return Err(refuse(&state, &device, now, "unsigned", signature_invalid("this report is not signed")).await);
        };
        if let Err(e) = crate::device_sig::verify_report(key, &device.id, &body, signature) {
            return Err(refuse(&state, &device, now, "bad signature", signature_invalid(&e)).await);
        }
    }
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::bad_request("the report is not UTF-8 JSON"))?;
    let report: PostureReport =
        serde_json::from_str(text).map_err(|e| ApiError::bad_request(format!("the report is not valid: {e}")))?;
    check(&report, now)?;
    let new = NewReport {
        device_id: device.id.clone(),
        user_id: device.user_id.clone(),
        received: now,
        report: report.clone(),
        body: text.to_string(),
        signature: signature.clone(),
    };
    match state.queues.reports.call(new).await? {
        ReportOutcome::Stored { view, .. } => {
            tracing::debug!(device = %device.id, sequence = report.sequence, "posture report stored");
            return Ok(Json(*view));
        }
        ReportOutcome::Duplicate => {
            tracing::info!(device = %device.id, report = %report.report_id, "report sent again")
        }
        ReportOutcome::IdConflict => {
            let e = replayed(format!("report id {} was already used for another report", report.report_id));
            return Err(refuse(&state, &device, now, "reused report id", e).await);
        }
        ReportOutcome::Replayed { last } => {
            let e = replayed(format!("sequence {} is not after {last}, the last one received", report.sequence));
            return Err(refuse(&state, &device, now, "old sequence number", e).await);
        }
    }
    Ok(Json(store::posture_view(&state.db.pool, &device, now).await?))
}

fn signature_invalid(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::SignatureInvalid,
        format!(
            "{why}: reports from this device must be signed with its key; if its keyring was reset, recover or join again"
        ),
    )
}

fn replayed(why: String) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, ErrorCode::ReportReplayed, why)
}

/// The checks of the report's own fields.
fn check(report: &PostureReport, now: UnixMillis) -> Result<(), ApiError> {
    check_claims(&report.device)?;
    let id = &report.report_id;
    if !(16..=64).contains(&id.len()) || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(ApiError::bad_request("report_id must be 16 to 64 characters [A-Za-z0-9_-]"));
    }
    if report.sequence < 1 {
        return Err(ApiError::bad_request("sequence must be 1 or more"));
    }
    if report.authenticators.security_keys.len() > 32 {
        return Err(ApiError::bad_request("a report may list at most 32 security keys"));
    }
    if report.generated_at_ms < now.0 - MAX_REPORT_AGE_MS {
        return Err(ApiError::bad_request("the report is more than 30 days old; make a new one"));
    }
    if report.generated_at_ms > now.0 + MAX_REPORT_AHEAD_MS {
        return Err(ApiError::bad_request(
            "the report is dated more than a day ahead of the server's clock; fix the device's clock (lastmile clock)",
        ));
    }
    Ok(())
}

/// Logs and records a refused report of a known device, then returns the error.
async fn refuse(state: &AppState, device: &Device, now: UnixMillis, reason: &str, error: ApiError) -> ApiError {
    tracing::warn!(device = %device.id, reason, "posture report refused");
    let event = Event::new(now, &device.user_id, Kind::ReportRefused)
        .device(&device.id)
        .detail(serde_json::json!({ "reason": reason }));
    match state.queues.writes.call(AuditedWrite::Event(event)).await {
        Ok(_) => error,
        Err(e) => e.into(),
    }
}
