//! The scenarios: each the `spec.parameters` of a `Cluster`, and the XR rendered for it
//! per provider. The scenarios every app needs are derived from the registry (every app
//! at once, and each app alone), so a new app is covered with no file written; the files
//! of `tests/scenarios/` hold the combinations.
//!
//! Test support, in no crate's public API. Two programs compile this one file: the
//! end-to-end tests (as `common::scenarios`) and `cargo xtask bench`, which measures the
//! same matrix (as a `#[path]` module of xtask). So it uses only what both depend on:
//! `dot_kubernetes`, `dot_kubernetes_apps` and `serde_json`.

use std::path::{Path, PathBuf};

use dot_kubernetes::render::parse_yaml;
use dot_kubernetes_apps::{Provider, registry};
use serde_json::{Map, Value, json};

/// A scenario: the `spec.parameters` of a `Cluster`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The scenario's name (a file's name without `.yaml`); also the name of the XR
    /// rendered for it.
    pub name: String,
    /// The parameters, as written (nulls and all).
    pub parameters: Value,
    /// The file the scenario is read from; `None` for one derived from the registry.
    pub file: Option<PathBuf>,
}

/// Every scenario, sorted by name: those derived from the registry
/// ([`registry_scenarios`]) and every `*.yaml` file directly in `dir`. A file named as a
/// derived scenario is an error: the registry writes that one.
pub fn read_scenarios(dir: &Path) -> Result<Vec<Scenario>, String> {
    let mut scenarios = registry_scenarios();
    for path in yaml_files(dir)? {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let parameters = parse_yaml(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if scenarios.iter().any(|scenario| scenario.name == name) {
            return Err(format!(
                "{}: `{name}` is derived from the registry of the apps; delete the file",
                path.display()
            ));
        }
        scenarios.push(Scenario {
            name,
            parameters,
            file: Some(path),
        });
    }
    scenarios.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(scenarios)
}

/// The `*.yaml` files directly in `dir`, sorted.
pub fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let list_error = |e: std::io::Error| format!("cannot list {}: {e}", dir.display());
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(list_error)? {
        let path = entry.map_err(list_error)?.path();
        if path.is_file() && path.extension().is_some_and(|x| x == "yaml") {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

/// The scenarios every app of the registry needs: `every-app`, every app enabled at once
/// (with GPU nodes, which the GPU apps are for), and `alone-<key>`, each app enabled
/// alone (its key in kebab-case: `alone-envoy-gateway`).
pub fn registry_scenarios() -> Vec<Scenario> {
    let enabled = || json!({"enabled": true});
    let apps = registry();
    let every_app: Map<String, Value> = apps
        .iter()
        .map(|app| (app.key.clone(), enabled()))
        .collect();
    let mut scenarios = vec![derived(
        "every-app".into(),
        json!({"gpu": enabled(), "apps": every_app}),
    )];
    scenarios.extend(apps.iter().map(|app| {
        derived(
            format!("alone-{}", kebab_case(&app.key)),
            json!({"apps": {&app.key: enabled()}}),
        )
    }));
    scenarios
}

fn derived(name: String, parameters: Value) -> Scenario {
    Scenario {
        name,
        parameters,
        file: None,
    }
}

/// `envoyGateway` as `envoy-gateway`.
fn kebab_case(key: &str) -> String {
    let mut kebab = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            kebab.push('-');
        }
        kebab.push(c.to_ascii_lowercase());
    }
    kebab
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
