use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{GatewayInferenceExtension, Prometheus};

/// The name of the default `Gateway` (and of its `GatewayClass`) that Envoy Gateway brings.
pub const GATEWAY_NAME: &str = "eg";

/// The namespace of the default `Gateway`.
pub const GATEWAY_NAMESPACE: &str = "envoy-gateway-system";

/// Install Envoy Gateway, the Gateway API implementation for all cluster traffic, with the
/// `GatewayClass` `eg` and the default `Gateway` `eg` (HTTP on port 80) in
/// `envoy-gateway-system` that `HTTPRoute`s and `InferencePool`s attach to. It coexists
/// with Traefik, which serves `Ingress` resources.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase")]
#[app(
    key = "envoyGateway",
    release(
        chart = "gateway-helm",
        url = "oci://docker.io/envoyproxy/gateway-helm",
        version = "v1.7.0",
        namespace = "envoy-gateway-system",
        values(
            file = "values/envoy-gateway-ai-gateway.yaml",
            when(app = GatewayInferenceExtension),
        ),
    ),
    object(
        file = "manifests/envoy-gateway/gateway-class.yaml",
        name = "gateway-class-eg",
        retain,
    ),
    object(file = "manifests/envoy-gateway/gateway.yaml", name = "gateway-eg"),
    object(
        file = "manifests/envoy-gateway/pod-monitor.yaml",
        name = "envoy-gateway-pod-monitor",
        when(app = Prometheus),
    )
)]
pub struct EnvoyGateway {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
}
