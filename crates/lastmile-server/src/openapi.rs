//! The OpenAPI 3 document's frame (title, security schemes, tags). Its paths come from the
//! router's one list of endpoints ([`crate::routes::openapi`]), served at `/openapi.json`;
//! [`complete`] then adds the answers every operation of a kind can give, so that no route
//! answers a status its documentation does not list.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi, Debug)]
#[openapi(
    info(title = "Lastmile API", description = "Posture API of the Lastmile MFA companion. All timestamps are Unix milliseconds."),
    modifiers(&DeviceToken),
    tags((name = "meta"), (name = "devices"), (name = "posture"), (name = "factors"), (name = "recovery"), (name = "admin"), (name = "oidc"))
)]
pub struct ApiDoc;

struct DeviceToken;

impl Modify for DeviceToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "device_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The device token returned once by /v1/devices/join or /v1/recovery/sign-in"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "admin_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An admin token from `lastmile-server admin token create`"))
                    .build(),
            ),
        );
    }
}

/// The answers that come from the layers around a handler rather than from it, added to
/// every operation they apply to: a missing, unknown or revoked device token (401, 403), a
/// missing or revoked admin token (401), a malformed or oversized body (400, 413), the
/// rate and key-derivation limits where they apply (429, 503 are documented per route), and
/// an internal error (500, with a correlation id only).
pub fn complete(doc: utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    let error = |what: &str| {
        serde_json::json!({
            "description": what,
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } }
        })
    };
    let Some(paths) = doc.get_mut("paths").and_then(serde_json::Value::as_object_mut) else { return doc };
    for item in paths.values_mut().filter_map(serde_json::Value::as_object_mut) {
        for op in item.values_mut().filter_map(serde_json::Value::as_object_mut) {
            let schemes: Vec<String> = op
                .get("security")
                .and_then(serde_json::Value::as_array)
                .map(|reqs| reqs.iter().filter_map(|r| r.as_object()).flat_map(|r| r.keys().cloned()).collect())
                .unwrap_or_default();
            let has_body = op.contains_key("requestBody");
            let Some(responses) = op.get_mut("responses").and_then(serde_json::Value::as_object_mut) else {
                continue;
            };
            let mut add = |status: &str, what: &str| {
                responses.entry(status.to_string()).or_insert_with(|| error(what));
            };
            if schemes.iter().any(|s| s == "device_token") {
                add("401", "no device token, or an unknown one (`unauthorized`)");
                add("403", "the device was revoked (`device_revoked`)");
            }
            if schemes.iter().any(|s| s == "admin_token") {
                add("401", "no admin token, or an unknown or revoked one (`unauthorized`)");
            }
            if has_body {
                add("400", "the body is not the expected JSON (`bad_request`)");
                add("413", "the body is larger than the server accepts (`bad_request`)");
            }
            add("500", "an internal error; the answer carries only a correlation id for the server's log");
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    /// Every operation lists the answers of the layers around it.
    #[test]
    fn every_operation_lists_the_statuses_its_layers_can_answer() {
        let doc = crate::routes::openapi();
        let op = &doc["paths"]["/v1/factors/totp/{id}/verify"]["post"]["responses"];
        for status in ["200", "400", "401", "403", "413", "500"] {
            assert!(op.get(status).is_some(), "{status} missing: {op}");
        }
        let health = &doc["paths"]["/v1/health"]["get"]["responses"];
        assert!(health.get("401").is_none(), "no token, no 401: {health}");
    }
}
