use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "cache")]
pub struct Cache<T> {
    /// Install the app.
    pub enabled: bool,
    /// Something.
    pub other: T,
}
fn main() {}
