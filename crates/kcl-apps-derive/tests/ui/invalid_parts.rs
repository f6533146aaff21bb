use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "cache",
    release(chart = "Cache_Chart", repository = "https://charts.example.com", version = "", namespace = "cache"),
    release(chart = "cache", repository = "oci://registry.example.com/charts/cache", version = "2.19.0", namespace = "cache", pin = "cache-pin"),
    object(file = "tests/fixtures/manifests/bucket-class.yaml", name = "Bucket Class"),
)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
