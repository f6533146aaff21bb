use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install the cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "cache",
    hand_written(file = "", what = "the cache's backups"),
    hand_written(file = "kcl/main.k", what = "the cache's
    backups"),
    hand_written(file = "kcl/main.k", what = "its secrets"),
    hand_written(file = "kcl/other.k"),
)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
}

fn main() {}
