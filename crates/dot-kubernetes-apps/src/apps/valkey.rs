use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The address (`host:port`) of the Valkey this app installs, for consumers such as
/// llm-d's KV-cache indexers.
pub const VALKEY_ADDRESS: &str = "valkey.valkey-system:6379";

/// Install Valkey, a Redis-compatible key-value store: one instance, without persistence
/// or authentication, reachable inside the cluster. llm-d (the `llmd` app) enables it.
// The chart's defaults install on a fresh cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase", default)]
#[app(release(
    chart = "valkey",
    repository = "https://valkey.io/valkey-helm/",
    version = "0.9.3",
    namespace = "valkey-system",
))]
pub struct Valkey {
    /// Install the app.
    pub enabled: bool,
}
