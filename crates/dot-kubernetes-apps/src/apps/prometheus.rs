use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The URL of the Prometheus this app installs, for consumers such as KEDA's Prometheus
/// trigger.
pub const PROMETHEUS_URL: &str = "http://kube-prometheus-stack-prometheus.prometheus-system:9090";

/// Install Prometheus (kube-prometheus-stack), and the OpenTelemetry Collector for
/// distributed tracing. KEDA's Prometheus triggers need it; llm-d (the `llmd` app)
/// enables it.
//
// The Collector's chart installs only with a mode and an image repository: one
// Deployment (`mode: deployment`) of the Collector's Kubernetes distribution
// (`otel/opentelemetry-collector-k8s`), as the chart's own documentation suggests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase", default)]
#[app(
    release(
        chart = "kube-prometheus-stack",
        repository = "https://prometheus-community.github.io/helm-charts",
        version = "82.2.1",
        namespace = "prometheus-system",
    ),
    release(
        chart = "opentelemetry-collector",
        repository = "https://open-telemetry.github.io/opentelemetry-helm-charts",
        version = "0.147.1",
        namespace = "opentelemetry-collector-system",
        values = "values/opentelemetry-collector.yaml",
    )
)]
pub struct Prometheus {
    /// Install the app.
    pub enabled: bool,
}
