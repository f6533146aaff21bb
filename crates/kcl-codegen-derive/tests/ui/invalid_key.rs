use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install Envoy Gateway.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "envoy-gateway")]
pub struct EnvoyGateway {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
