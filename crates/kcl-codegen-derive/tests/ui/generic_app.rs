use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install KEDA.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "keda")]
pub struct Keda<T> {
    /// Install the app.
    pub enabled: bool,
    /// Something.
    pub other: T,
}
fn main() {}
