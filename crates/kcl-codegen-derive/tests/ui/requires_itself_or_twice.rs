use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install Dapr.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "dapr")]
pub struct Dapr {
    /// Install the app.
    pub enabled: bool,
}

/// Install KEDA.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "keda", requires(Dapr, Keda), requires = Dapr)]
pub struct Keda {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
