use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install KEDA.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "keda", color = "blue")]
pub struct Keda {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
