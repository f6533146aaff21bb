use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Run an operator.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "operator",
    image(name = "manager", repository = "registry.example.com/operator", tag = "1.0"),
    object(
        inline = "{apiVersion: v1, kind: Pod, metadata: {name: op}, spec: {image: '{{ image:manger }}'}}",
        name = "operator-pod",
    )
)]
pub struct Operator {
    /// Install the app.
    pub enabled: bool,
}

fn main() {}
