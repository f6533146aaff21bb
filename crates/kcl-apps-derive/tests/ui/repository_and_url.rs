use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install the object storage.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "storage",
    release(
        chart = "storage",
        repository = "https://example.com/charts",
        url = "oci://registry.example.com/charts/storage",
        version = "v2.0.0",
        namespace = "storage",
    )
)]
pub struct Storage {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
