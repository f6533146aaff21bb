use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install the NVIDIA GPU Operator for GPU device plugin management. Required on AWS (EKS)
/// and Azure (AKS); optional on Google (GKE), where drivers and the device plugin are
/// pre-installed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase", default)]
#[app(release(
    chart = "gpu-operator",
    repository = "https://helm.ngc.nvidia.com/nvidia",
    version = "v25.10.1",
    namespace = "gpu-operator",
    values(inline = "driver: {enabled: false}"),
))]
pub struct Nvidia {
    /// Install the app.
    pub enabled: bool,
}
