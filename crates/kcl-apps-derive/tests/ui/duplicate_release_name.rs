use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "cache",
    release(chart = "cache", repository = "https://charts.example.com", version = "2.19.0", namespace = "cache"),
    release(chart = "cache", repository = "https://charts.example.com", version = "2.18.0", namespace = "cache-old", pin = "cacheOld"),
)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
