use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install KEDA.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "keda")]
pub enum Keda {
    On,
    Off,
}

/// Install Dapr.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "dapr")]
pub struct Dapr(bool);
fn main() {}
