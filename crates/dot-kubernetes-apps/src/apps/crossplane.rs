use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install Crossplane.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase", default)]
#[app(release(
    chart = "crossplane",
    repository = "https://charts.crossplane.io/stable",
    version = "2.1.4",
    namespace = "crossplane-system",
))]
pub struct Crossplane {
    /// Install the app.
    pub enabled: bool,
}
