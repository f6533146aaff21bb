use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install the cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "cache",
    release(
        chart = "cache-metrics-exporter", repository = "https://charts.example.com",
        version = "0.3.1", namespace = "cache", when(field = metrics_exporter),
    ),
)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
    /// Install the metrics exporter.
    pub metrics_exporter: Option<bool>,
}
fn main() {}
