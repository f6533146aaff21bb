use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install KEDA.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "keda",
    release(chart = "Keda_Chart", repository = "https://kedacore.github.io/charts", version = "", namespace = "keda"),
    release(chart = "keda", repository = "oci://ghcr.io/kedacore/keda", version = "2.19.0", namespace = "keda", pin = "keda-pin"),
    object(file = "tests/fixtures/manifests/gateway-class.yaml", name = "Gateway Class"),
)]
pub struct Keda {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
