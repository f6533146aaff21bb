use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install an API gateway.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "api-gateway")]
pub struct ApiGateway {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
