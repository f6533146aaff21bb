use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Prometheus;

/// The name of the default `Gateway` (and of its `GatewayClass`) that Envoy Gateway brings.
pub const GATEWAY_NAME: &str = "eg";

/// The namespace of the default `Gateway`.
pub const GATEWAY_NAMESPACE: &str = "envoy-gateway-system";

/// Install Envoy Gateway, the Gateway API implementation for all cluster traffic, with the
/// `GatewayClass` `eg` and the default `Gateway` `eg` (HTTP on port 80) in
/// `envoy-gateway-system` that `HTTPRoute`s and `InferencePool`s attach to. Envoy AI
/// Gateway and the `InferencePool` and `InferenceObjective` CRDs come with it: Envoy
/// Gateway routes to `InferencePool` backends only through Envoy AI Gateway. It coexists
/// with Traefik, which serves `Ingress` resources.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase", default)]
#[app(
    release(
        chart = "gateway-helm",
        repository = "oci://docker.io/envoyproxy",
        version = "v1.7.0",
        namespace = "envoy-gateway-system",
        values = "values/envoy-gateway-ai-gateway.yaml",
    ),
    release(
        chart = "ai-gateway-crds-helm",
        repository = "oci://docker.io/envoyproxy",
        version = "v0.5.0",
        namespace = "envoy-ai-gateway-system",
    ),
    release(
        chart = "ai-gateway-helm",
        repository = "oci://docker.io/envoyproxy",
        version = "v0.5.0",
        namespace = "envoy-ai-gateway-system",
    ),
    // The deployed package names these three objects by their composition names.
    object(
        file = "manifests/envoy-gateway/envoy-gateway-class.yaml",
        external_name = "envoy-gateway-class",
    ),
    object(
        file = "manifests/envoy-gateway/envoy-gateway.yaml",
        external_name = "envoy-gateway",
    ),
    object(
        file = "manifests/envoy-gateway/inference-crd-inferencepools.yaml",
        retain
    ),
    object(
        file = "manifests/envoy-gateway/inference-crd-inferenceobjectives.yaml",
        retain
    ),
    object(
        file = "manifests/envoy-gateway/envoy-gateway-pod-monitor.yaml",
        external_name = "envoy-gateway-pod-monitor",
        when(app = Prometheus),
    ),
    hand_written(
        file = "kcl/google.k",
        what = "GKE's HTTP load balancing is off while it serves the Gateway API",
    ),
)]
pub struct EnvoyGateway {
    /// Install the app.
    pub enabled: bool,
}
