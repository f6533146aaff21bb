use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "keda")]
pub struct Keda {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
