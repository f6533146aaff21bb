use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install Argo CD.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "argocd",
    release(
        chart = "argo-cd",
        repository = "https://argoproj.github.io/argo-helm",
        version = "9.4.1",
        namespace = "argocd",
        values = "tests/fixtures/values/no-such-file.yaml",
    )
)]
pub struct Argocd {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
