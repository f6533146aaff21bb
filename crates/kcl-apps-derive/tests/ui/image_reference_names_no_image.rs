use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Run background jobs.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "worker",
    image(name = "runner", repository = "registry.example.com/worker", tag = "1.0"),
    object(
        inline = "{apiVersion: v1, kind: Pod, metadata: {name: job}, spec: {image: '{{ image:runer }}'}}",
        name = "worker-pod",
    )
)]
pub struct Worker {
    /// Install the app.
    pub enabled: bool,
}

fn main() {}
