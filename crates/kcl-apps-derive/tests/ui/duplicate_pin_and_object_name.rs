use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "cache",
    release(chart = "cache", repository = "https://charts.example.com", version = "2.19.0", namespace = "cache"),
    release(name = "cache-two", chart = "cache", repository = "https://charts.example.com", version = "2.19.0", namespace = "cache", pin = "cache"),
    object(file = "tests/fixtures/manifests/bucket-class.yaml"),
    object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: x}}", name = "bucket-class"),
)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
