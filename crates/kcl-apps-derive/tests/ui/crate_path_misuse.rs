use kcl_apps::{App, AppRegistry};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install the cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    crate = "not_kcl_apps",
    release(chart = "cache", repository = "https://charts.example.com", version = "1.0.0", namespace = "cache"),
)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
}

/// The apps.
#[derive(Serialize, Deserialize, JsonSchema, AppRegistry)]
#[app(key = "apps")]
pub struct Apps {
    /// The cache.
    pub cache: Option<Cache>,
}

fn main() {}
