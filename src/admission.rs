//! Admission of a `Cluster` before it is rendered: read the YAML within the API server's
//! limits, check the XR against the XRD as the API server would
//! ([`xr_admission::admission`]), refuse the apps that are gone with what replaced them
//! and what KCL cannot read, and settle the provider.

use dot_kubernetes_apps::Provider;
use dot_kubernetes_apps::apps::RETIRED_APPS;
use serde_json::{Map, Value};
use xr_admission::admission::{RetiredField, a_type, admit_xr, refuse_retired};

use crate::error::{NotACluster, ProviderProblem, RenderError};

/// Parse YAML (or JSON) into a value, refusing a text over the API server's request limit
/// before parsing it; an error is one line, with its line and column, in plain words
/// ([`kcl_render::admission::parse_xr`]).
pub(crate) fn parse_yaml(text: &str) -> Result<Value, RenderError> {
    kcl_render::admission::parse_xr(text).map_err(RenderError::from)
}

/// Check the XR's shape and limits, admit it against the XRD, then settle the provider:
/// `provider` if given, else the XR's
/// `spec.crossplane.compositionSelector.matchLabels.provider`. Returns the admitted XR
/// (nulls pruned, defaults applied, the namespace `default` when it has none, the
/// provider label set) and the provider.
pub(crate) fn admit(
    xrd: &Value,
    mut xr: Value,
    provider: Option<Provider>,
) -> Result<(Value, Provider), RenderError> {
    if !xr.is_object() {
        return Err(RenderError::NotACluster(NotACluster::NotAMapping(a_type(
            &xr,
        ))));
    }
    // Before anything walks the value recursively.
    kcl_render::admission::check_limits(&xr)?;
    match xr.get("spec") {
        None | Some(Value::Null) => {
            return Err(RenderError::NotACluster(NotACluster::NoSpec));
        }
        Some(Value::Object(_)) => {}
        Some(other) => {
            return Err(RenderError::NotACluster(NotACluster::SpecNotAMapping(
                a_type(other),
            )));
        }
    }
    let mut violations = refuse_retired(&mut xr, &retired_fields());
    // The XRD requires `spec.parameters`: a missing or null one is its violation.
    violations.extend(admit_xr(xrd, &mut xr));
    if !violations.is_empty() {
        return Err(RenderError::Invalid(violations));
    }
    let provider = match provider {
        Some(provider) => provider,
        None => {
            let named =
                match xr.pointer("/spec/crossplane/compositionSelector/matchLabels/provider") {
                    Some(Value::String(named)) => named,
                    Some(other) => {
                        let problem = ProviderProblem::NotAString(other.clone());
                        return Err(RenderError::Provider(problem));
                    }
                    None => return Err(RenderError::Provider(ProviderProblem::Missing)),
                };
            Provider::from_name(named)
                .ok_or_else(|| RenderError::Provider(ProviderProblem::Unknown(named.clone())))?
        }
    };
    // Admitted: metadata and spec are mappings, and so is whatever of
    // spec.crossplane.compositionSelector.matchLabels is there.
    if let Some(Value::Object(metadata)) = xr.get_mut("metadata") {
        metadata
            .entry("namespace")
            .or_insert_with(|| Value::String("default".into()));
    }
    let mut labels = &mut xr;
    for key in ["spec", "crossplane", "compositionSelector", "matchLabels"] {
        if let Value::Object(map) = labels {
            labels = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
        }
    }
    if let Value::Object(labels) = labels {
        labels.insert("provider".into(), Value::String(provider.name().into()));
    }
    Ok((xr, provider))
}

/// The fields of the apps that are gone ([`RETIRED_APPS`]), each with its replacement.
fn retired_fields() -> Vec<RetiredField> {
    RETIRED_APPS
        .iter()
        .map(|app| RetiredField {
            path: ["spec", "parameters", "apps", app.key]
                .map(String::from)
                .to_vec(),
            message: app.message(),
        })
        .collect()
}
