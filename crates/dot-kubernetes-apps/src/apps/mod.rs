//! One module per app, each a Rust type that declares the app with `#[derive(App)]`.

mod argocd;
mod crossplane;
mod dapr;
mod envoy_gateway;
mod external_secrets;
mod gateway_inference_extension;
mod keda;
mod nvidia;
mod openfunction;
mod prometheus;
mod traefik;
mod vllm;

pub use argocd::Argocd;
pub use crossplane::Crossplane;
pub use dapr::Dapr;
pub use envoy_gateway::{EnvoyGateway, GATEWAY_NAME, GATEWAY_NAMESPACE};
pub use external_secrets::{ExternalSecret, ExternalSecrets};
pub use gateway_inference_extension::GatewayInferenceExtension;
pub use keda::Keda;
pub use nvidia::Nvidia;
pub use openfunction::Openfunction;
pub use prometheus::{PROMETHEUS_URL, Prometheus};
pub use traefik::Traefik;
pub use vllm::Vllm;
