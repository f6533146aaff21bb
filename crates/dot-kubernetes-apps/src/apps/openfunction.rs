use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install OpenFunction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase", default)]
#[app(release(
    chart = "openfunction",
    url = "https://openfunction.github.io/charts/openfunction-{version}.tgz",
    version = "v1.2.0-v0.7.0",
    namespace = "openfunction",
    values(inline = "revisionController: {enable: true}"),
))]
pub struct Openfunction {
    /// Install the app.
    pub enabled: bool,
}
