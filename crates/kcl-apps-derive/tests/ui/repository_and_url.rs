use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install an API gateway.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "apiGateway",
    release(
        chart = "api-gateway",
        repository = "https://example.com/charts",
        url = "oci://registry.example.com/charts/api-gateway",
        version = "v1.7.0",
        namespace = "gateway-system",
    )
)]
pub struct ApiGateway {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
