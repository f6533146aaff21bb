use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "cache", color = "blue")]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
