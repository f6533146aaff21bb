use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a request router.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "router", requires = NoSuchApp)]
pub struct Router {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
