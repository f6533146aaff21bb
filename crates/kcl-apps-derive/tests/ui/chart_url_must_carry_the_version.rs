use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "cache",
    release(
        chart = "cache",
        url = "https://charts.example.com/cache.tgz",
        version = "1.0.0",
        namespace = "cache",
    ),
    release(
        chart = "proxy",
        url = "oci://registry.example.com/charts/proxy",
        version = "v2.0.0",
        namespace = "cache",
    ),
    release(
        chart = "exporter",
        repository = "oci://registry.example.com/charts/exporter:v1",
        version = "v1",
        namespace = "cache",
    )
)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
}

fn main() {}
