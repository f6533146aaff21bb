use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "Keda",
    release(chart = "keda", repository = "https://kedacore.github.io/charts", namespace = "keda"),
    release(
        chart = "keda-add-ons-http",
        repository = "https://kedacore.github.io/charts",
        url = "oci://ghcr.io/kedacore/keda-add-ons-http",
        version = "0.12.2",
        namespace = "keda",
        values = "tests/fixtures/values/broken.yaml",
        when(field = http_addon),
    ),
    object(file = "tests/fixtures/manifests/no-kind.yaml", retian),
)]
#[app(requires = NoSuchApp)]
pub struct Keda {
    /// Install the app.
    pub enabled: bool,
    /// Install the HTTP add-on.
    pub http_addon: String,
}
fn main() {}
