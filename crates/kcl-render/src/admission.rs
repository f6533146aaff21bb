//! The XR as the API server would hand it to Crossplane: read within the API server's
//! limits ([`parse_xr`]), then admitted against its XRD ([`admit`], with
//! [`xr_admission`]).

use serde_json::Value;
use xr_admission::admission::{
    KCL_OPTION_MAX_DEPTH, a_type, admit_xr, check_depth, check_object_size, check_request_size,
};

use crate::error::Error;

/// How deep the parser reads YAML: 64 lists and mappings, serde-saphyr's default. The
/// parser recurses per level (about 16 KiB of stack per level in a debug build), so
/// this is what a thread with a 2 MiB stack reads safely; it is below what KCL reads
/// ([`XR_MAX_DEPTH`]), which only values given to the library directly can reach.
pub const PARSER_MAX_DEPTH: usize = 64;

/// How deep an XR may nest, counting itself: it sits inside `option("params")`
/// (`{"oxr": <XR>, ...}`), one level below what the KCL runtime reads.
pub const XR_MAX_DEPTH: usize = KCL_OPTION_MAX_DEPTH - 1;

/// Parse one XR from YAML (or JSON), refusing a text over the API server's request limit
/// before parsing it ([`Error::TooLarge`]); a parse error ([`Error::Yaml`]) is one line,
/// with its line and column, in plain words.
pub fn parse_xr(text: &str) -> Result<Value, Error> {
    check_request_size(text).map_err(Error::TooLarge)?;
    serde_saphyr::from_str_with_options(text, yaml_options()).map_err(|e| Error::Yaml {
        input: "the XR".into(),
        message: parse_message(&e),
    })
}

/// How the XR and the observed resources are read: at most [`PARSER_MAX_DEPTH`] deep,
/// without the non-finite floats JSON cannot hold, and with errors on one line (no
/// snippet of the text).
pub(crate) fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = PARSER_MAX_DEPTH;
    serde_saphyr::options! {
        // `.inf` and `.nan` have no JSON form.
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::Reject,
        with_snippet: false,
        budget: Some(budget),
    }
}

/// A parser error in plain words, on one line with its line and column: no API names or
/// debug output of the parser's own.
pub(crate) fn parse_message(error: &serde_saphyr::Error) -> String {
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

/// Refuse what neither the API server nor the KCL runtime takes, before anything walks
/// the XR recursively: a value nested deeper than [`XR_MAX_DEPTH`] (at its path) or larger
/// than etcd stores.
pub fn check_limits(xr: &Value) -> Result<(), Error> {
    check_depth(xr, XR_MAX_DEPTH, "").map_err(|v| Error::Invalid(vec![v]))?;
    check_object_size(xr).map_err(Error::TooLarge)
}

/// Admit an XR as the API server would before Crossplane reads it.
///
/// With an XRD, [`xr_admission::admission::admit_xr`] checks `apiVersion`, `kind`,
/// `metadata` and the schema of `spec` and `status` (nulls pruned, defaults applied), and
/// an XR of a namespaced XRD without a namespace gets `default`, as `kubectl apply` puts
/// it there. Without one, the XR needs an `apiVersion`, a `kind` and a `metadata.name`.
/// Every problem is reported at once ([`Error::Invalid`]).
pub fn admit(xrd: Option<&Value>, mut xr: Value) -> Result<Value, Error> {
    if !xr.is_object() {
        return Err(Error::NotAnXr(format!(
            "it is {}, not a mapping",
            a_type(&xr)
        )));
    }
    check_limits(&xr)?;
    match xrd {
        Some(xrd) => {
            let violations = admit_xr(xrd, &mut xr);
            if !violations.is_empty() {
                return Err(Error::Invalid(violations));
            }
            default_namespace(xrd, &mut xr);
        }
        None => {
            for (pointer, field) in [
                ("/apiVersion", "apiVersion"),
                ("/kind", "kind"),
                ("/metadata/name", "metadata.name"),
            ] {
                if !xr.pointer(pointer).is_some_and(Value::is_string) {
                    return Err(Error::NotAnXr(format!("it has no {field}")));
                }
            }
        }
    }
    Ok(xr)
}

/// Put an XR of a namespaced XRD that names no namespace in `default`, as `kubectl apply`
/// does.
pub(crate) fn default_namespace(xrd: &Value, xr: &mut Value) {
    if is_namespaced(xrd)
        && let Some(Value::Object(metadata)) = xr.get_mut("metadata")
    {
        metadata
            .entry("namespace")
            .or_insert_with(|| Value::String("default".into()));
    }
}

/// Whether an XRD's XRs live in a namespace: `apiextensions.crossplane.io/v2` XRDs are
/// namespaced unless their `scope` says otherwise; v1 XRDs are cluster-scoped.
fn is_namespaced(xrd: &Value) -> bool {
    let v1 =
        xrd.get("apiVersion").and_then(Value::as_str) == Some("apiextensions.crossplane.io/v1");
    match xrd.pointer("/spec/scope").and_then(Value::as_str) {
        Some(scope) => scope == "Namespaced",
        None => !v1,
    }
}
