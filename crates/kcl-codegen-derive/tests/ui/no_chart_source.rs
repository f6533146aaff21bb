use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install KEDA.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "keda", release(chart = "keda", version = "2.19.0", namespace = "keda"))]
pub struct Keda {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
