use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install Envoy Gateway.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "envoyGateway",
    release(
        chart = "gateway-helm",
        repository = "https://example.com/charts",
        url = "oci://docker.io/envoyproxy/gateway-helm",
        version = "v1.7.0",
        namespace = "envoy-gateway-system",
    )
)]
pub struct EnvoyGateway {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
