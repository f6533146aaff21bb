//! Admission of a `Cluster` before it is rendered: read the YAML within the API server's
//! limits, check the XR against the XRD as the API server would
//! ([`xr_admission::admission`]), refuse what KCL cannot read, and settle the provider.

use dot_kubernetes_apps::Provider;
use serde_json::{Map, Value};
use xr_admission::admission::{
    KCL_OPTION_MAX_DEPTH, a_type, admit_xr, check_depth, check_object_size, check_request_size,
};
use xr_admission::validate::Violation;

use crate::error::{NotACluster, ProviderProblem, RenderError};

/// How deep the parser reads YAML: 64 lists and mappings, serde-saphyr's default. The
/// parser recurses per level (about 16 KiB of stack per level in a debug build), so
/// this is what a thread with a 2 MiB stack reads safely; it is below what KCL reads
/// ([`XR_MAX_DEPTH`]), which only values given to the library directly can reach.
const PARSER_MAX_DEPTH: usize = 64;

/// The XR sits inside `option("params")` (`{"oxr": <XR>, ...}`): one level less.
const XR_MAX_DEPTH: usize = KCL_OPTION_MAX_DEPTH - 1;

/// Parse YAML (or JSON) into a value, refusing a text over the API server's request limit
/// before parsing it; an error is one line, with its line and column, in plain words.
pub(crate) fn parse_yaml(text: &str) -> Result<Value, RenderError> {
    check_request_size(text).map_err(RenderError::TooLarge)?;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = PARSER_MAX_DEPTH;
    let options = serde_saphyr::options! {
        // `.inf` and `.nan` have no JSON form.
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::Reject,
        with_snippet: false,
        budget: Some(budget),
    };
    serde_saphyr::from_str_with_options(text, options)
        .map_err(|e| RenderError::Parse(parse_message(&e)))
}

/// A parser error in plain words: no API names or debug output of the parser's own.
fn parse_message(error: &serde_saphyr::Error) -> String {
    use serde_saphyr::budget::BudgetBreach;
    let plain = match error {
        serde_saphyr::Error::MultipleDocuments { .. } => {
            Some("more than one YAML document: give one XR".to_owned())
        }
        serde_saphyr::Error::DuplicateMappingKey { key, .. } => Some(match key {
            Some(key) => format!("the key `{key}` appears twice in one mapping"),
            None => "a key appears twice in one mapping".to_owned(),
        }),
        serde_saphyr::Error::Budget { breach, .. } => Some(match breach {
            BudgetBreach::Depth { .. } => {
                format!("nested deeper than {PARSER_MAX_DEPTH} lists and mappings")
            }
            BudgetBreach::Nodes { .. } => {
                let max = serde_saphyr::Budget::default().max_nodes;
                format!("more than {max} values")
            }
            BudgetBreach::Aliases { .. } | BudgetBreach::Anchors { .. } => {
                "too many anchors or aliases".to_owned()
            }
            _ => "too large or too complex to read".to_owned(),
        }),
        _ => None,
    };
    match (plain, error.location()) {
        (Some(message), Some(at)) if at.line() > 0 => {
            format!("{message} (line {}, column {})", at.line(), at.column())
        }
        (Some(message), _) => message,
        (None, _) => error.to_string(),
    }
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
    check_depth(&xr, XR_MAX_DEPTH, "").map_err(|v| RenderError::Invalid(vec![v]))?;
    check_object_size(&xr).map_err(RenderError::TooLarge)?;
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
    let mut violations = admit_xr(xrd, &mut xr);
    if xr.pointer("/spec/parameters").is_none() {
        violations.push(Violation {
            path: "spec.parameters".into(),
            message: "Required value".into(),
        });
    }
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
