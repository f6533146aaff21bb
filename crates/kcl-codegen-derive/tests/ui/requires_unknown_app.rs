use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install the Gateway API Inference Extension.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "gatewayInferenceExtension", requires = NoSuchApp)]
pub struct GatewayInferenceExtension {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
