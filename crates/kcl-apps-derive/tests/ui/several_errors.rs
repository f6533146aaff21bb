use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "Cache",
    release(chart = "cache", repository = "https://charts.example.com", namespace = "cache"),
    release(
        chart = "cache-metrics-exporter",
        repository = "https://charts.example.com",
        url = "oci://registry.example.com/charts/cache-metrics-exporter",
        version = "0.3.1",
        namespace = "cache",
        values = "tests/fixtures/values/broken.yaml",
        when(field = metrics_exporter),
    ),
    object(file = "tests/fixtures/manifests/no-kind.yaml", retian),
)]
#[app(requires = NoSuchApp)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
    /// Install the metrics exporter.
    pub metrics_exporter: String,
}
fn main() {}
