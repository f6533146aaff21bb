use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "cache")]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
