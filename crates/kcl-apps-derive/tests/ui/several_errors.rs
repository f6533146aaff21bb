use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "Autoscaler",
    release(chart = "autoscaler", repository = "https://charts.example.com", namespace = "autoscaler"),
    release(
        chart = "autoscaler-add-ons-http",
        repository = "https://charts.example.com",
        url = "oci://registry.example.com/charts/autoscaler-add-ons-http",
        version = "0.12.2",
        namespace = "autoscaler",
        values = "tests/fixtures/values/broken.yaml",
        when(field = http_addon),
    ),
    object(file = "tests/fixtures/manifests/no-kind.yaml", retian),
)]
#[app(requires = NoSuchApp)]
pub struct Autoscaler {
    /// Install the app.
    pub enabled: bool,
    /// Install the HTTP add-on.
    pub http_addon: String,
}
fn main() {}
