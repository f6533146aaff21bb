use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install an API gateway.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "apiGateway", object(file = "tests/fixtures/manifests/pod-monitor.yaml", when(app = String)))]
pub struct ApiGateway {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
