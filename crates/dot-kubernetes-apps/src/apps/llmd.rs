use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Prometheus, Valkey};

/// Install llm-d's cluster-level parts: its Workload Variant Autoscaler, which scales model
/// servers on how saturated they are (read from Prometheus), and LeaderWorkerSet, for
/// models served by a group of pods across nodes. Valkey stores llm-d's KV-cache indexes;
/// the OpenTelemetry Collector comes with Prometheus. The per-model parts (model services,
/// endpoint pickers, `InferencePool`s) are the consumer's.
//
// The autoscaler's chart always creates a ServiceMonitor and a ConfigMap in Prometheus's
// namespace, so it installs only beside kube-prometheus-stack: hence `requires`. Its
// values watch every namespace, read that Prometheus, and leave out the chart's
// single-model example (a VariantAutoscaling, an HPA and a Service in a namespace a fresh
// cluster lacks). LeaderWorkerSet installs with its chart's defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase", default)]
#[app(
    requires(Valkey, Prometheus),
    release(
        chart = "workload-variant-autoscaler",
        repository = "oci://ghcr.io/llm-d",
        version = "0.5.1",
        namespace = "workload-variant-autoscaler-system",
        name = "wva",
        values = "values/workload-variant-autoscaler.yaml",
    ),
    release(
        chart = "lws",
        repository = "oci://registry.k8s.io/lws/charts",
        version = "v0.8.0",
        namespace = "lws-system",
    )
)]
pub struct Llmd {
    /// Install the app.
    pub enabled: bool,
}
