use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::EnvoyGateway;

/// Install the cluster-level parts of the Gateway API Inference Extension: the GA
/// `InferencePool` CRD, Envoy AI Gateway (which lets Envoy Gateway route to
/// `InferencePool`s) and the Body-Based Router wired into the default `Gateway`.
/// Per-model `InferencePool`s and their endpoint pickers are left to consumers. It does not
/// depend on GPUs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase")]
#[app(
    key = "gatewayInferenceExtension",
    requires = EnvoyGateway,
    release(
        chart = "ai-gateway-crds-helm",
        url = "oci://docker.io/envoyproxy/ai-gateway-crds-helm",
        version = "v0.5.0",
        namespace = "envoy-ai-gateway-system",
    ),
    release(
        chart = "ai-gateway-helm",
        url = "oci://docker.io/envoyproxy/ai-gateway-helm",
        version = "v0.5.0",
        namespace = "envoy-ai-gateway-system",
    ),
    release(
        name = "body-based-router",
        chart = "body-based-routing",
        url = "oci://registry.k8s.io/gateway-api-inference-extension/charts/body-based-routing",
        version = "v1.3.1",
        namespace = "gateway-api-inference-extension",
        values = "values/body-based-router.yaml",
        when(field = body_based_router),
    ),
    object(
        file = "manifests/gateway-inference-extension/inference-pool-crd.yaml",
        name = "inference-pool-crd",
        retain,
    ),
    object(
        file = "manifests/gateway-inference-extension/body-based-router-backend.yaml",
        name = "body-based-router-backend",
        when(field = body_based_router),
    ),
    object(
        file = "manifests/gateway-inference-extension/body-based-router-policy.yaml",
        name = "body-based-router-policy",
        when(field = body_based_router),
    )
)]
pub struct GatewayInferenceExtension {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
    /// Install the Body-Based Router, which copies the `model` of OpenAI-style request
    /// bodies into the `X-Gateway-Model-Name` header so that `HTTPRoute`s can match on it.
    #[serde(default = "crate::yes")]
    pub body_based_router: bool,
}

impl Default for GatewayInferenceExtension {
    fn default() -> Self {
        GatewayInferenceExtension {
            enabled: false,
            body_based_router: true,
        }
    }
}
