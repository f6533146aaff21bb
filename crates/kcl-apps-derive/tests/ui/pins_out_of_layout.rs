use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "cache",
    release(
        chart = "cache",
        name = "cache-server",
        repository = "https://charts.example.com",
        version = "1.0.0",
        namespace = "cache",
    ),
    release(
        version = "2.0.0",
        chart = "proxy",
        repository = "https://charts.example.com",
        namespace = "cache",
    ),
    image(name = "cache", tag = "1.0", repository = "registry.example.com/cache")
)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
}

fn main() {}
