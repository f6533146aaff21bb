use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install Envoy Gateway.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "envoyGateway", object(file = "tests/fixtures/manifests/pod-monitor.yaml", when(app = String)))]
pub struct EnvoyGateway {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
