use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "cache")]
pub enum Cache {
    On,
    Off,
}

/// Install a queue.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "queue")]
pub struct Queue(bool);
fn main() {}
