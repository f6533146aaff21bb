use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The URL of the Prometheus this app installs, for consumers such as KEDA's Prometheus
/// trigger.
pub const PROMETHEUS_URL: &str = "http://kube-prometheus-stack-prometheus.prometheus-system:9090";

/// Install Prometheus (kube-prometheus-stack). KEDA's Prometheus triggers need it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase", default)]
#[app(release(
    chart = "kube-prometheus-stack",
    repository = "https://prometheus-community.github.io/helm-charts",
    version = "82.2.1",
    namespace = "prometheus-system",
))]
pub struct Prometheus {
    /// Install the app.
    pub enabled: bool,
}
