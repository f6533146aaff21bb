use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install vLLM Production Stack for LLM inference serving: its operator, whose
/// `VLLMRuntime`s, `VLLMRouter`s, `CacheServer`s and `LoraAdapter`s serve models.
//
// The operator's objects are retained and have no Usage, as deployed: the CRDs and the
// operator outlive a Cluster's deletion.
// Clippy takes the repeated `retain` and `no_usage` flags of the objects for duplicated
// attributes.
#[allow(clippy::duplicated_attributes)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase", default)]
#[app(
    image(
        name = "operator",
        repository = "lmcache/production-stack-operator",
        tag = "2025-12-12",
    ),
    object(file = "manifests/vllm/vllm-op-ns.yaml", retain, no_usage),
    object(
        file = "manifests/vllm/vllm-op-crd-cacheservers.yaml",
        retain,
        no_usage
    ),
    object(
        file = "manifests/vllm/vllm-op-crd-loraadapters.yaml",
        retain,
        no_usage
    ),
    object(file = "manifests/vllm/vllm-op-crd-vllmrouters.yaml", retain, no_usage),
    object(
        file = "manifests/vllm/vllm-op-crd-vllmruntimes.yaml",
        retain,
        no_usage
    ),
    object(file = "manifests/vllm/vllm-op-sa.yaml", retain, no_usage),
    object(file = "manifests/vllm/vllm-op-role.yaml", retain, no_usage),
    object(file = "manifests/vllm/vllm-op-cr-manager.yaml", retain, no_usage),
    object(file = "manifests/vllm/vllm-op-cr-metrics-auth.yaml", retain, no_usage),
    object(
        file = "manifests/vllm/vllm-op-cr-metrics-reader.yaml",
        retain,
        no_usage
    ),
    object(file = "manifests/vllm/vllm-op-rb.yaml", retain, no_usage),
    object(file = "manifests/vllm/vllm-op-crb-manager.yaml", retain, no_usage),
    object(file = "manifests/vllm/vllm-op-crb-metrics.yaml", retain, no_usage),
    object(file = "manifests/vllm/vllm-op-svc.yaml", retain, no_usage),
    object(file = "manifests/vllm/vllm-op-deploy.yaml", retain, no_usage)
)]
pub struct Vllm {
    /// Install the app.
    pub enabled: bool,
}
