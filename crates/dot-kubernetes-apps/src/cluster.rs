//! Typed `Cluster` composite resources (`devopstoolkit.ai/v2`) and their parameters.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The apps, one field per app: declared, with the apps' registry, in [`crate::apps`].
pub use crate::apps::Apps;

/// The cloud a cluster runs in; the composition is selected by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Amazon EKS.
    Aws,
    /// Azure AKS.
    Azure,
    /// Google GKE.
    Google,
}

impl Provider {
    /// Every provider.
    pub const ALL: [Provider; 3] = [Provider::Aws, Provider::Azure, Provider::Google];

    /// The provider's name, as in `compositionSelector.matchLabels.provider`.
    pub fn name(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Azure => "azure",
            Provider::Google => "google",
        }
    }

    /// The provider with this name.
    pub fn from_name(name: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The provider's managed Kubernetes service (`eks`, `aks`, `gke`): the `cluster` label
    /// of its Composition.
    pub fn kubernetes_service(self) -> &'static str {
        match self {
            Provider::Aws => "eks",
            Provider::Azure => "aks",
            Provider::Google => "gke",
        }
    }

    /// The placeholder of the managed cluster's API version in the apps step, which each
    /// provider's Composition replaces with [`Provider::cluster_api_version`].
    pub const CLUSTER_API_VERSION_PLACEHOLDER: &str = "CLUSTER_API_VERSION";

    /// The placeholder of the managed cluster's kind in the apps step, which each
    /// provider's Composition replaces with [`Provider::cluster_kind`].
    pub const CLUSTER_KIND_PLACEHOLDER: &str = "CLUSTER_KIND";

    /// `source` with the managed cluster's placeholders replaced by this provider's: the
    /// apps step as this provider's Composition runs it.
    pub fn fill_cluster_placeholders(self, source: &str) -> String {
        source
            .replace(
                Self::CLUSTER_API_VERSION_PLACEHOLDER,
                self.cluster_api_version(),
            )
            .replace(Self::CLUSTER_KIND_PLACEHOLDER, self.cluster_kind())
    }

    /// The API version of the provider's managed cluster (`CLUSTER_API_VERSION`).
    pub fn cluster_api_version(self) -> &'static str {
        match self {
            Provider::Aws => "eks.aws.m.upbound.io/v1beta1",
            Provider::Azure => "containerservice.azure.m.upbound.io/v1beta1",
            Provider::Google => "container.gcp.m.upbound.io/v1beta1",
        }
    }

    /// The kind of the provider's managed cluster (`CLUSTER_KIND`).
    pub fn cluster_kind(self) -> &'static str {
        match self {
            Provider::Aws | Provider::Google => "Cluster",
            Provider::Azure => "KubernetesCluster",
        }
    }

    /// The file of the provider step in `kcl/` (`aws.k`, `azure.k`, `google.k`): the first
    /// step of the provider's Composition, which composes the cluster, its network, IAM and
    /// node pools.
    pub fn step_file(self) -> &'static str {
        match self {
            Provider::Aws => "aws.k",
            Provider::Azure => "azure.k",
            Provider::Google => "google.k",
        }
    }
}

impl Provider {
    /// The machine type of a node of this size in the cluster's node pool: an EC2
    /// instance type, an Azure VM size or a GCE machine type.
    pub fn node_type(self, size: NodeSize) -> &'static str {
        use NodeSize::*;
        match (self, size) {
            (Provider::Aws, Small) => "t3.small",
            (Provider::Aws, Medium) => "t3.medium",
            (Provider::Aws, Large) => "t3.large",
            (Provider::Azure, Small) => "Standard_D2_v2",
            (Provider::Azure, Medium) => "Standard_D3_v2",
            (Provider::Azure, Large) => "Standard_D4_v2",
            (Provider::Google, Small) => "e2-standard-2",
            (Provider::Google, Medium) => "e2-standard-4",
            (Provider::Google, Large) => "e2-standard-16",
        }
    }

    /// A GPU node of this size: small has 1 GPU (testing), medium 4 (small production),
    /// large 8 (big production).
    pub fn gpu_node(self, size: NodeSize) -> GpuNode {
        use NodeSize::*;
        let (machine_type, disk_size_gb, accelerator) = match (self, size) {
            (Provider::Aws, Small) => ("g5.xlarge", Some(100), None),
            (Provider::Aws, Medium) => ("g5.12xlarge", Some(200), None),
            (Provider::Aws, Large) => ("p4d.24xlarge", Some(500), None),
            (Provider::Azure, Small) => ("Standard_NC4as_T4_v3", None, None),
            (Provider::Azure, Medium) => ("Standard_NC64as_T4_v3", None, None),
            (Provider::Azure, Large) => ("Standard_ND96asr_v4", None, None),
            (Provider::Google, Small) => ("n1-standard-4", None, Some(("nvidia-tesla-t4", 1))),
            (Provider::Google, Medium) => ("a2-highgpu-4g", None, Some(("nvidia-tesla-a100", 4))),
            (Provider::Google, Large) => ("a2-highgpu-8g", None, Some(("nvidia-tesla-a100", 8))),
        };
        GpuNode {
            machine_type,
            disk_size_gb,
            accelerator: accelerator.map(|(kind, count)| Accelerator { kind, count }),
        }
    }
}

/// A GPU node of one size on one provider (see [`Provider::gpu_node`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpuNode {
    /// The machine type: an EC2 instance type, an Azure VM size or a GCE machine type.
    pub machine_type: &'static str,
    /// The node's disk, when the provider's node pool sets one (EKS).
    pub disk_size_gb: Option<u32>,
    /// The GPUs attached to the machine, when the machine type does not imply them (GKE).
    pub accelerator: Option<Accelerator>,
}

/// GPUs attached to a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accelerator {
    /// The GPU type, for example `nvidia-tesla-t4`.
    pub kind: &'static str,
    /// How many.
    pub count: u32,
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A `Cluster` composite resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    /// `devopstoolkit.ai/v2`.
    pub api_version: String,
    /// `Cluster`.
    pub kind: String,
    /// Name and namespace.
    pub metadata: Metadata,
    /// The composition selector and the parameters.
    pub spec: ClusterSpec,
}

impl Cluster {
    /// A `Cluster` for a provider with the given parameters.
    pub fn new(name: &str, namespace: &str, provider: Provider, parameters: Parameters) -> Self {
        Cluster {
            api_version: "devopstoolkit.ai/v2".into(),
            kind: "Cluster".into(),
            metadata: Metadata {
                name: name.into(),
                namespace: namespace.into(),
            },
            spec: ClusterSpec {
                crossplane: CrossplaneSpec {
                    composition_selector: CompositionSelector {
                        match_labels: MatchLabels { provider },
                    },
                },
                parameters,
            },
        }
    }
}

/// The name and namespace of a `Cluster`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// The name.
    pub name: String,
    /// The namespace.
    pub namespace: String,
}

/// The spec of a `Cluster`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterSpec {
    /// Which composition renders the cluster.
    pub crossplane: CrossplaneSpec,
    /// What the user asks for.
    pub parameters: Parameters,
}

/// `spec.crossplane`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrossplaneSpec {
    /// Selects the composition by provider.
    pub composition_selector: CompositionSelector,
}

/// `spec.crossplane.compositionSelector`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompositionSelector {
    /// The labels the composition must have.
    pub match_labels: MatchLabels,
}

/// `spec.crossplane.compositionSelector.matchLabels`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchLabels {
    /// The cloud.
    pub provider: Provider,
}

/// The size of nodes.
// No `Default`: each parameter that takes a size states its default (`Parameters`, `Gpu`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NodeSize {
    /// Small nodes.
    Small,
    /// Medium nodes.
    Medium,
    /// Large nodes.
    Large,
}

impl NodeSize {
    /// Every size, smallest first.
    pub const ALL: [NodeSize; 3] = [NodeSize::Small, NodeSize::Medium, NodeSize::Large];

    /// The size's name, as in `spec.parameters.nodeSize`.
    pub fn name(self) -> &'static str {
        match self {
            NodeSize::Small => "small",
            NodeSize::Medium => "medium",
            NodeSize::Large => "large",
        }
    }
}

/// Parameters used to customize the cluster (`spec.parameters`).
// The doc comments here are the XRD's descriptions; the defaults follow the crate's one
// style (see the crate documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct Parameters {
    /// The Kubernetes version for the cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The size of the nodes; small, medium, large.
    pub node_size: NodeSize,
    /// The minimum number of nodes.
    // The deployed XRD bounds no count, and every XR it admits is admitted here.
    #[schemars(with = "i64")]
    pub min_node_count: u32,
    /// Namespaces to create in the cluster.
    pub namespaces: Vec<String>,
    /// GPU node pool configuration for AI/ML workloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu: Option<Gpu>,
    /// Apps to install in the cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apps: Option<Apps>,
    /// The secret with the hyperscaler's credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creds: Option<Creds>,
}

impl Default for Parameters {
    fn default() -> Self {
        Parameters {
            version: None,
            node_size: NodeSize::Small,
            min_node_count: 1,
            namespaces: vec!["dev".into(), "production".into()],
            gpu: None,
            apps: None,
            creds: None,
        }
    }
}

/// GPU node pool configuration for AI/ML workloads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct Gpu {
    /// Create a GPU node pool.
    pub enabled: bool,
    /// The size of the GPU nodes; small (1 GPU, testing), medium (4 GPUs, small
    /// production), large (8 GPUs, big production).
    pub node_size: NodeSize,
    /// The minimum number of GPU nodes.
    #[schemars(with = "i64")]
    pub min_node_count: u32,
    /// The maximum number of GPU nodes.
    #[schemars(with = "i64")]
    pub max_node_count: u32,
}

impl Default for Gpu {
    fn default() -> Self {
        Gpu {
            enabled: false,
            node_size: NodeSize::Small,
            min_node_count: 1,
            max_node_count: 10,
        }
    }
}

/// The secret with the hyperscaler's credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Creds {
    /// The name of the secret.
    pub name: String,
    /// The namespace of the secret.
    #[serde(default = "crossplane_system")]
    pub namespace: String,
    /// The keys in the secret.
    pub keys: Vec<String>,
}

fn crossplane_system() -> String {
    "crossplane-system".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_size_names_are_their_serde_names() {
        for size in NodeSize::ALL {
            assert_eq!(serde_json::to_value(size).unwrap(), size.name());
        }
    }
}
