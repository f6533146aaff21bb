//! The apps of dot-kubernetes as Rust types: the single source of truth for the apps
//! schema, the XRD and the composition code in `kcl/`.
//!
//! - [`apps`]: one type per app, declared with `#[derive(App)]`;
//! - [`registry`]: every app, in the order the composition installs them;
//! - [`cluster`]: typed `Cluster` resources and their parameters, for consumers that build
//!   and check XRs in Rust;
//! - [`codegen`]: the generated regions of `kcl/data.k`, `kcl/definition.k`, `kcl/apps.k`
//!   and the provider steps.
//!
//! ## Defaults
//!
//! Every parameter type states each default once, in one style. A type whose fields all
//! have defaults (every app, [`Apps`], [`Parameters`], [`cluster::Gpu`]) has the
//! container's `#[serde(default)]` and implements `Default`: serde fills a missing field
//! from `Default`, and schemars makes the same value the XRD's default. `Default` is
//! derived when every default is its field type's own (`false`, empty, absent), and
//! written as `impl Default` otherwise. A type with required fields ([`cluster::Creds`],
//! [`apps::ExternalSecret`]) has no `Default`; a field of it that may be left out names
//! its default with `#[serde(default = "...")]`, which schemars makes the XRD's too. A
//! test builds the XRD's defaults and compares them with `Default` and with serde's.
//!
//! Constants consumers need: [`GATEWAY_NAME`], [`GATEWAY_NAMESPACE`], [`PROMETHEUS_URL`],
//! [`VALKEY_ADDRESS`].
//!
//! This crate needs no KCL runtime: running the composition's KCL (rendering a `Cluster`,
//! building the package) is the `dot-kubernetes` crate's job.

pub mod apps;
pub mod cluster;
pub mod codegen;

pub use apps::{GATEWAY_NAME, GATEWAY_NAMESPACE, PROMETHEUS_URL, VALKEY_ADDRESS};
pub use cluster::{Apps, Cluster, Parameters, Provider};

use kcl_apps::{AppRegistry, AppSpec};

/// Every app, in the order the composition installs them: the fields of [`Apps`].
pub fn registry() -> Vec<AppSpec> {
    Apps::specs()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::cluster::Gpu;

    /// `parameters` as the API server admits them against the XRD's generated structural
    /// schema (`spec.parameters`): nulls pruned, then the XRD's defaults filled in.
    fn admitted(mut parameters: Value) -> Value {
        let schema = codegen::parameters_schema(&registry())
            .unwrap_or_else(|e| panic!("the XRD's schema does not generate: {e}"));
        let violations = xr_admission::validate::admit(&schema, &mut parameters, "spec.parameters");
        assert!(violations.is_empty(), "not admitted: {violations:?}");
        parameters
    }

    /// `parameters` read into the Rust types and written back: what serde fills in.
    fn read_by_serde(parameters: &Value) -> Value {
        let parameters: Parameters = serde_json::from_value(parameters.clone())
            .unwrap_or_else(|e| panic!("serde does not read the parameters: {e}"));
        serde_json::to_value(parameters).expect("the parameters serialise")
    }

    /// Every app of the registry, with nothing set.
    fn every_app_unset() -> Value {
        registry()
            .into_iter()
            .map(|app| (app.key, json!({})))
            .collect()
    }

    /// Every path, under `at`, where `xrd` and `other` differ, with both values.
    fn differences(at: &str, xrd: &Value, other: &Value, found: &mut Vec<String>) {
        match (xrd, other) {
            (Value::Object(xrd), Value::Object(other)) => {
                let keys = xrd
                    .keys()
                    .chain(other.keys().filter(|k| !xrd.contains_key(*k)));
                for key in keys {
                    let (xrd, other) = (&xrd.get(key), &other.get(key));
                    let at = format!("{at}.{key}");
                    match (xrd, other) {
                        (Some(xrd), Some(other)) => differences(&at, xrd, other, found),
                        _ => found.push(format!("{at}: the XRD has {xrd:?}, the type {other:?}")),
                    }
                }
            }
            _ if xrd != other => found.push(format!("{at}: the XRD has {xrd}, the type {other}")),
            _ => {}
        }
    }

    fn assert_agree(xrd: &Value, other: &Value) {
        let mut found = Vec::new();
        differences("spec.parameters", xrd, other, &mut found);
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn the_xrds_defaults_are_the_types_default() {
        let unset = json!({"gpu": {}, "apps": every_app_unset()});
        let defaults = Parameters {
            gpu: Some(Gpu::default()),
            apps: Some(Apps::every_app_default()),
            ..Parameters::default()
        };
        let defaults = serde_json::to_value(defaults).expect("the defaults serialise");
        assert_agree(&admitted(unset), &defaults);
    }

    #[test]
    fn the_xrds_defaults_are_what_serde_fills_in() {
        let mut apps = every_app_unset();
        // The types with required fields, given only those.
        apps["externalSecrets"] = json!({"secrets": [
            {"fromSecret": "from", "toSecret": "to", "toNamespace": "namespace"},
        ]});
        let creds = json!({"name": "creds", "keys": ["key"]});
        for parameters in [json!({}), json!({"gpu": {}, "creds": creds, "apps": apps})] {
            assert_agree(&admitted(parameters.clone()), &read_by_serde(&parameters));
        }
    }
}
