use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install Dapr.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase", default)]
#[app(release(
    chart = "dapr",
    repository = "https://dapr.github.io/helm-charts/",
    version = "1.16.8",
    namespace = "dapr-system",
))]
pub struct Dapr {
    /// Install the app.
    pub enabled: bool,
}
