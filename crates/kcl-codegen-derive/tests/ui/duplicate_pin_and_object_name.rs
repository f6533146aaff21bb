use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install KEDA.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "keda",
    release(chart = "keda", repository = "https://kedacore.github.io/charts", version = "2.19.0", namespace = "keda"),
    release(name = "keda-two", chart = "keda", repository = "https://kedacore.github.io/charts", version = "2.19.0", namespace = "keda", pin = "keda"),
    object(file = "tests/fixtures/manifests/gateway-class.yaml"),
    object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: x}}", name = "gateway-class"),
)]
pub struct Keda {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
