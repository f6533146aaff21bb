use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install the cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase")]
#[app(
    key = "cache",
    release(
        chart = "cache-metrics-exporter", repository = "https://charts.example.com",
        version = "0.3.1", namespace = "cache", when(field = metrics_expoter),
    ),
    object(file = "tests/fixtures/manifests/bucket-policy.yaml", when(field = no_such_field)),
)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
    /// Install the metrics exporter.
    pub metrics_exporter: bool,
}
fn main() {}
