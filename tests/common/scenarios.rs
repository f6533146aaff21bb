//! The scenario fixtures of `tests/scenarios/`: each file the `spec.parameters` of a
//! `Cluster`, and the XR rendered for it per provider.
//!
//! Test support, in no crate's public API. Two programs compile this one file: the
//! end-to-end tests (as `common::scenarios`) and `cargo xtask bench`, which measures the
//! same matrix (as a `#[path]` module of xtask). So it uses only what both depend on:
//! `dot_kubernetes`, `dot_kubernetes_apps` and `serde_json`.

use std::path::Path;

use dot_kubernetes::render::{RenderError, parse_yaml};
use dot_kubernetes_apps::Provider;
use serde_json::{Value, json};

/// A scenario: the `spec.parameters` of a `Cluster`, from a YAML file.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The file name without `.yaml`; also the name of the XR rendered for it.
    pub name: String,
    /// The parameters, as written (nulls and all).
    pub parameters: Value,
}

/// Every `*.yaml` file directly in `dir` as a scenario, sorted by name.
pub fn read_scenarios(dir: &Path) -> Result<Vec<Scenario>, RenderError> {
    let entries = std::fs::read_dir(dir).map_err(|e| RenderError::Io(dir.to_path_buf(), e))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| RenderError::Io(dir.to_path_buf(), e))?
            .path();
        if path.is_file() && path.extension().is_some_and(|x| x == "yaml") {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(&path).map_err(|e| RenderError::Io(path.clone(), e))?;
            let parameters = parse_yaml(&text)
                .map_err(|e| RenderError::Parse(format!("{}: {e}", path.display())))?;
            let name = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            Ok(Scenario { name, parameters })
        })
        .collect()
}

/// A `Cluster` named after a scenario, for a provider, with the scenario's parameters
/// (taken as they are: nulls and all).
pub fn scenario_xr(name: &str, provider: Provider, parameters: Value) -> Value {
    json!({
        "apiVersion": "devopstoolkit.ai/v2",
        "kind": "Cluster",
        "metadata": {"name": name, "namespace": "a-team"},
        "spec": {
            "crossplane": {"compositionSelector": {"matchLabels": {"provider": provider.name()}}},
            "parameters": parameters,
        },
    })
}
