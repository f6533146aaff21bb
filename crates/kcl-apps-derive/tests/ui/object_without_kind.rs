use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a namespace.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "namespace",
    object(file = "tests/fixtures/manifests/no-kind.yaml"),
    object(inline = "{kind: Namespace}", name = "ns"),
    object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: x}}"),
)]
pub struct Namespace {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
