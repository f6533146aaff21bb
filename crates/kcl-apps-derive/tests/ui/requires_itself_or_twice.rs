use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a queue.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "queue")]
pub struct Queue {
    /// Install the app.
    pub enabled: bool,
}

/// Install a cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "cache", requires(Queue, Cache), requires = Queue)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
