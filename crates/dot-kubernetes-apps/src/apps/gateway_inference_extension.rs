use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::EnvoyGateway;

/// Add inference-aware routing to Envoy Gateway (which brings Envoy AI Gateway and the
/// `InferencePool` and `InferenceObjective` CRDs): the Body-Based Router, wired into the
/// default `Gateway`. Per-model `InferencePool`s and their endpoint pickers are left to
/// consumers. It does not depend on GPUs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase", default)]
#[app(
    requires = EnvoyGateway,
    release(
        name = "body-based-router",
        chart = "body-based-routing",
        repository = "oci://registry.k8s.io/gateway-api-inference-extension/charts",
        version = "v1.3.1",
        namespace = "gateway-api-inference-extension",
        values = "values/body-based-router.yaml",
        when(field = body_based_router),
    ),
    object(
        file = "manifests/gateway-inference-extension/body-based-router-backend.yaml",
        when(field = body_based_router),
    ),
    object(
        file = "manifests/gateway-inference-extension/body-based-router-policy.yaml",
        when(field = body_based_router),
    )
)]
pub struct GatewayInferenceExtension {
    /// Install the app.
    pub enabled: bool,
    /// Install the Body-Based Router, which copies the `model` of OpenAI-style request
    /// bodies into the `X-Gateway-Model-Name` header so that `HTTPRoute`s can match on it.
    /// It fails open: a router outage costs model-name routing, not the shared Gateway's
    /// traffic.
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
