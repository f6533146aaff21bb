use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install KEDA.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "keda",
    object(file = "tests/fixtures/manifests/pod-monitor.yaml", when(app = Keda, field = enabled)),
    object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: x}}", name = "x", when()),
)]
pub struct Keda {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
