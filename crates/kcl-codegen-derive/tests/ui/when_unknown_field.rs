use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install KEDA.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase")]
#[app(
    key = "keda",
    release(
        chart = "keda-add-ons-http", repository = "https://kedacore.github.io/charts",
        version = "0.12.2", namespace = "keda", when(field = http_adon),
    ),
    object(file = "tests/fixtures/manifests/pod-monitor.yaml", when(field = no_such_field)),
)]
pub struct Keda {
    /// Install the app.
    pub enabled: bool,
    /// Install the HTTP add-on.
    pub http_addon: bool,
}
fn main() {}
