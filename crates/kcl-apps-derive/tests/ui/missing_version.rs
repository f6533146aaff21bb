use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "cache",
    release(chart = "cache", repository = "https://charts.example.com", namespace = "cache")
)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
