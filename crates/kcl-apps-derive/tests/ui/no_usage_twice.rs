use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install the cache; it holds no cluster.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "cache",
    no_usage,
    release(
        chart = "cache", repository = "https://charts.example.com", version = "1.0.0",
        namespace = "cache", no_usage,
    ),
    object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: cache}}", name = "ns", no_usage),
)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
}

fn main() {}
