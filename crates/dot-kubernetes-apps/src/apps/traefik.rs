use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install Traefik, which serves `Ingress` resources. It coexists with Envoy Gateway, which
/// serves Gateway API resources.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase", default)]
#[app(release(
    chart = "traefik",
    repository = "https://helm.traefik.io/traefik",
    version = "39.0.0",
    namespace = "traefik",
))]
pub struct Traefik {
    /// Install the app.
    pub enabled: bool,
}
