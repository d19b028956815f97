//! The OpenAPI 3 document's frame (title, security schemes, tags). Its paths come from the
//! router's one list of endpoints ([`crate::routes::openapi`]), served at `/openapi.json`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi, Debug)]
#[openapi(
    info(title = "Lastmile API", description = "Posture API of the Lastmile MFA companion. All timestamps are Unix milliseconds."),
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
