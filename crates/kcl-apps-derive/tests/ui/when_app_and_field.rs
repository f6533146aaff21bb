use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "cache",
    object(file = "tests/fixtures/manifests/bucket-policy.yaml", when(app = Cache, field = enabled)),
    object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: x}}", name = "x", when()),
)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
