//! Errors. [`ServerError`] is what library functions return; [`ApiError`] is what the HTTP
//! layer answers with. Client mistakes carry a code and an explanation; anything internal
//! is logged with its cause and answered with a generic 500.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lastmile_proto::api::{ErrorBody, ErrorCode, ErrorDetail};

/// The one error type of the server library.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Invalid(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0} already exists")]
    Conflict(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// A batch queue is gone (the server is shutting down).
    #[error("the {0} queue has stopped")]
    Stopped(&'static str),
    /// A fault of the server itself, not of the request (a task that died, a value that
    /// would not serialise, a library that refused its own input). Logged with this detail
    /// and a correlation id; the client is told only the id.
    #[error("internal error: {0}")]
    Internal(String),
    /// Too much of one kind of work is waiting (e.g. key derivation); the request was not
    /// started and can be sent again after `retry_after_s`.
    #[error("the server is busy with {what}; try again in {retry_after_s} s")]
    Busy { what: &'static str, retry_after_s: u64 },
}

/// An HTTP error answer.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    /// Sent as `Retry-After` (seconds).
    pub retry_after_s: Option<u64>,
    /// For internal errors: the id they were logged under.
    pub correlation_id: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), retry_after_s: None, correlation_id: None }
    }
    pub fn with_retry_after(self, seconds: u64) -> Self {
        Self { retry_after_s: Some(seconds), ..self }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, message)
    }
    /// A generic answer for a fault logged under `correlation_id`: nothing internal leaks.
    pub fn internal(correlation_id: String) -> Self {
        let message = format!(
            "the server hit an internal error; it has been logged under reference {correlation_id}, please try again later"
        );
        Self {
            correlation_id: Some(correlation_id),
            ..Self::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, message)
        }
    }
}

impl From<ServerError> for ApiError {
    fn from(e: ServerError) -> Self {
        match e {
            ServerError::Invalid(m) => ApiError::bad_request(m),
            ServerError::NotFound(m) => {
                ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, format!("{m} not found"))
            }
            ServerError::Busy { what, retry_after_s } => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Busy,
                format!("the server is busy with {what}; nothing was done, try again in {retry_after_s} s"),
            )
            .with_retry_after(retry_after_s),
            other => {
                let id = crate::secrets::new_id("err");
                tracing::error!(error = %other, correlation_id = %id, "internal error");
                ApiError::internal(id)
            }
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ServerError::from(e).into()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::bad_request("send the body as JSON with Content-Type: application/json")
            }
            JsonRejection::BytesRejection(_) => too_large(),
            other => ApiError::bad_request(format!("the JSON body is not valid: {}", other.body_text())),
        }
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
        format!("the request body is larger than {} bytes or could not be read", lastmile_proto::api::MAX_BODY_BYTES),
    )
}

impl From<axum::extract::rejection::BytesRejection> for ApiError {
    fn from(_: axum::extract::rejection::BytesRejection) -> Self {
        too_large()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_client_error() {
            tracing::info!(status = %self.status, code = ?self.code, message = %self.message, "request refused");
        }
        let body = ErrorBody {
            error: ErrorDetail { code: self.code, message: self.message, correlation_id: self.correlation_id },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(s) = self.retry_after_s {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, s.into());
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;

    use super::{ApiError, ServerError};

    /// Internal faults answer 500 with a reference and nothing of their detail.
    #[tokio::test]
    async fn internal_faults_leak_nothing() {
        let secret = "SELECT token_hash FROM devices: disk I/O error at /var/lib/lastmile";
        for e in [
            ServerError::Internal(secret.into()),
            ServerError::Corrupt(secret.into()),
            ServerError::Database(sqlx::Error::Protocol(secret.into())),
        ] {
            let api = ApiError::from(e);
            assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
            let id = api.correlation_id.clone().expect("a correlation id");
            let response = api.into_response();
            let body = axum::body::to_bytes(response.into_body(), 4096).await.expect("body");
            let text = String::from_utf8(body.to_vec()).expect("utf8");
            assert!(!text.contains("token_hash") && !text.contains("/var/lib"), "{text}");
            assert!(text.contains(&id), "{text}");
        }
    }

    #[test]
    fn busy_answers_503_with_retry_after() {
        let response = ApiError::from(ServerError::Busy { what: "key derivation", retry_after_s: 2 }).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("2"));
    }
}
