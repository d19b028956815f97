//! The OpenAPI 3 document, generated from the handlers' annotations and the wire types.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi, Debug)]
#[openapi(
    info(title = "Lastmile API", description = "Posture API of the Lastmile MFA companion. All timestamps are Unix milliseconds."),
    paths(
        crate::routes::health,
        crate::routes::time,
        crate::routes::join,
        crate::routes::me,
        crate::routes::report,
        crate::routes::begin_totp,
        crate::routes::verify_totp,
        crate::routes::create_set,
        crate::routes::confirm_set,
        crate::routes::begin_registration,
        crate::routes::finish_registration,
        crate::routes::begin_verification,
        crate::routes::finish_verification,
        crate::routes::sign_in,
        crate::routes::get_account,
        crate::routes::revoke_factor,
        crate::routes::revoke_device,
        crate::routes::end,
        crate::routes::dashboard_json,
    ),
    modifiers(&DeviceToken),
    tags((name = "meta"), (name = "devices"), (name = "posture"), (name = "factors"), (name = "recovery"), (name = "admin"))
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

/// `GET /openapi.json`
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
