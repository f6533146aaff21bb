//! Admit a composite resource (XR) against its CompositeResourceDefinition (XRD) as the
//! API server admits a custom resource, and refuse what the KCL runtime cannot read.
//!
//! [`admit_xr`] checks, and reports every problem at its path:
//!
//! - `apiVersion` is the XRD's group and a served version, `kind` the XRD's kind;
//! - `metadata` is an object; `metadata.name` is a DNS-1123 subdomain (lower-case
//!   alphanumerics, `-` and `.`, at most 253 characters: the rule the API server applies
//!   to the names of custom resources); `metadata.namespace`, when set, is a DNS-1123
//!   label (lower-case alphanumerics and `-`, at most 63 characters: the rule for
//!   namespace names); `labels` and `annotations` map strings to strings; no other field
//!   than those of `ObjectMeta`; a `null` field counts as absent;
//! - no top-level field other than `apiVersion`, `kind`, `metadata`, `spec` and `status`;
//! - `spec` and `status` satisfy the XRD's schema of that version, with Crossplane's own
//!   `spec.crossplane` (its `compositionSelector.matchLabels` maps strings to strings),
//!   through [`crate::validate::admit`]: nulls pruned, defaults applied, then validated.
//!
//! Limits come first, before anything walks the value recursively: [`check_depth`] (the
//! KCL runtime reads option values at most [`KCL_OPTION_MAX_DEPTH`] levels deep) and
//! [`check_object_size`] (what etcd stores); [`check_request_size`] refuses a text before
//! it is parsed.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value, json};

use crate::validate::{self, Violation, type_name};

/// The largest request body the API server reads: 3 MiB (`MaxRequestBodyBytes`); it
/// answers a larger one with 413 before parsing it.
pub const MAX_REQUEST_BYTES: usize = 3 * 1024 * 1024;

/// The largest object etcd stores by default: 1.5 MiB (`--max-request-bytes`), counted
/// on the object's compact JSON; the API server fails to store a larger one.
pub const MAX_OBJECT_BYTES: usize = 1536 * 1024;

/// The deepest nesting of lists and dicts the KCL runtime (kcl-lib 0.12.3) reads in an
/// option value: its JSON reader refuses the 128th level, and KCL then reads the whole
/// option as a string, so `option("params").oxr` fails with "str object attr 'oxr' not
/// found" (measured). Deeper values must be refused before they reach it.
pub const KCL_OPTION_MAX_DEPTH: usize = kcl_codegen_syntax::json::KCL_JSON_MAX_DEPTH;

/// A text or an object over a size limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLarge {
    /// What was measured, such as "the XR".
    pub what: &'static str,
    /// Its size in bytes.
    pub size: usize,
    /// The limit in bytes.
    pub limit: usize,
    /// Whose limit it is and why it applies.
    pub reason: &'static str,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is {} bytes, over the limit of {} bytes ({})",
            self.what, self.size, self.limit, self.reason
        )
    }
}

impl std::error::Error for TooLarge {}

/// Refuse a text larger than the API server's request limit, [`MAX_REQUEST_BYTES`].
pub fn check_request_size(text: &str) -> Result<(), TooLarge> {
    if text.len() > MAX_REQUEST_BYTES {
        return Err(TooLarge {
            what: "the XR",
            size: text.len(),
            limit: MAX_REQUEST_BYTES,
            reason: "3 MiB, the largest request the API server reads",
        });
    }
    Ok(())
}

/// Refuse an object whose compact JSON is larger than etcd stores, [`MAX_OBJECT_BYTES`].
/// Check [`check_depth`] first: serialising an arbitrarily deep value recurses.
pub fn check_object_size(value: &Value) -> Result<(), TooLarge> {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            if self.0 > MAX_OBJECT_BYTES {
                // Stop early: the size is known to be too large.
                return Err(std::io::Error::other("too large"));
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, value) {
        Ok(()) => Ok(()),
        Err(_) => Err(TooLarge {
            what: "the XR as JSON",
            size: serde_json::to_vec(value).map_or(count.0, |v| v.len()),
            limit: MAX_OBJECT_BYTES,
            reason: "1.5 MiB, the largest object etcd stores by default",
        }),
    }
}

/// Refuse a value nested deeper than `max` lists and objects (the value itself counts
/// as one), at the path of the first one too deep. `path` names the value. Iterative: a
/// value of any depth is checked without recursion. The rule is the one the printer
/// applies to JSON values ([`kcl_codegen_syntax::json::check_depth`]).
pub fn check_depth(value: &Value, max: usize, path: &str) -> Result<(), Violation> {
    kcl_codegen_syntax::json::check_depth(value, max, path).map_err(|e| Violation {
        path: e.path,
        message: e.problem.to_string(),
    })
}

/// Check an XR against its XRD as the API server would (see the
/// [module documentation](self)); prunes nulls and applies defaults in `spec` and
/// `status`. Check [`check_depth`] first. Every problem is returned, at its path.
pub fn admit_xr(xrd: &Value, xr: &mut Value) -> Vec<Violation> {
    let mut out = Vec::new();
    let Value::Object(fields) = xr else {
        out.push(Violation {
            path: String::new(),
            message: format!("must be a mapping, not {}", a_type(xr)),
        });
        return out;
    };
    fields.retain(|_, v| !v.is_null());

    let group = xrd
        .pointer("/spec/group")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let served: Vec<&Value> = xrd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .map(|versions| {
            versions
                .iter()
                .filter(|v| v.get("served") != Some(&Value::Bool(false)))
                .collect()
        })
        .unwrap_or_default();
    let api_versions: Vec<Value> = served
        .iter()
        .filter_map(|v| v.get("name").and_then(Value::as_str))
        .map(|name| Value::String(format!("{group}/{name}")))
        .collect();
    one_of(
        fields.get("apiVersion"),
        "apiVersion",
        &api_versions,
        &mut out,
    );
    let kind = xrd.pointer("/spec/names/kind").cloned().unwrap_or_default();
    one_of(fields.get("kind"), "kind", &[kind], &mut out);

    let namespaced = xrd.pointer("/spec/scope").and_then(Value::as_str) != Some("Cluster");
    check_metadata(fields.get_mut("metadata"), namespaced, &mut out);

    for key in fields.keys() {
        if !["apiVersion", "kind", "metadata", "spec", "status"].contains(&key.as_str()) {
            out.push(Violation {
                path: key.clone(),
                message: "field not declared in schema".into(),
            });
        }
    }

    // spec and status against the schema of the XR's version.
    let version = fields
        .get("apiVersion")
        .and_then(Value::as_str)
        .and_then(|v| v.rsplit_once('/'))
        .map(|(_, name)| name);
    let schema = served
        .iter()
        .find(|v| v.get("name").and_then(Value::as_str) == version)
        .or(served.first())
        .and_then(|v| v.pointer("/schema/openAPIV3Schema"))
        .cloned()
        .unwrap_or(Value::Null);
    let body_schema = body_schema(&schema);
    let mut body = Value::Object(
        ["spec", "status"]
            .into_iter()
            .filter_map(|key| fields.remove(key).map(|v| (key.to_owned(), v)))
            .collect(),
    );
    out.extend(validate::admit(&body_schema, &mut body, ""));
    if let Value::Object(body) = body {
        fields.extend(body);
    }
    out
}

/// A field that the XRD no longer declares, and what to tell an XR that still sets it.
///
/// The API server prunes an undeclared field without a word, so an XR written for the
/// XRD's earlier version keeps applying and silently loses what it asked for. Admission
/// can refuse it instead, saying where it went ([`refuse_retired`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetiredField {
    /// Where the field was, from the XR's top (`["spec", "parameters", "old"]`).
    pub path: Vec<String>,
    /// What happened to it, for example what replaced it.
    pub message: String,
}

/// Remove every retired field that `xr` sets (to a value other than `null`, which the API
/// server prunes as absent), and return one violation per field, at its dotted path with
/// its message. Call it before [`admit_xr`], which would otherwise report the same field
/// only as not declared.
pub fn refuse_retired(xr: &mut Value, retired: &[RetiredField]) -> Vec<Violation> {
    let mut out = Vec::new();
    for field in retired {
        let Some((last, parents)) = field.path.split_last() else {
            continue;
        };
        let parent = parents
            .iter()
            .try_fold(&mut *xr, |node, key| node.get_mut(key));
        let Some(Value::Object(map)) = parent else {
            continue;
        };
        if map.get(last).is_some_and(|value| !value.is_null()) {
            map.shift_remove(last);
            out.push(Violation {
                path: field.path.join("."),
                message: field.message.clone(),
            });
        }
    }
    out
}

/// `apiVersion` or `kind`: required, and one of `allowed`.
fn one_of(value: Option<&Value>, path: &str, allowed: &[Value], out: &mut Vec<Violation>) {
    let message = match value {
        None => "Required value".to_owned(),
        Some(value) if allowed.contains(value) => return,
        Some(value) => {
            let supported: Vec<String> = allowed.iter().map(Value::to_string).collect();
            format!(
                "Unsupported value: {value}: supported values: {}",
                supported.join(", ")
            )
        }
    };
    out.push(Violation {
        path: path.to_owned(),
        message,
    });
}

/// The fields of `ObjectMeta`.
const OBJECT_META: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

fn check_metadata(metadata: Option<&mut Value>, namespaced: bool, out: &mut Vec<Violation>) {
    let mut report = |path: &str, message: String| {
        out.push(Violation {
            path: path.to_owned(),
            message,
        })
    };
    let Some(metadata) = metadata else {
        report("metadata.name", "Required value: name is required".into());
        return;
    };
    let Value::Object(fields) = metadata else {
        report("metadata", wrong_type("metadata", metadata, "object"));
        return;
    };
    fields.retain(|_, v| !v.is_null());
    match fields.get("name") {
        None => report("metadata.name", "Required value: name is required".into()),
        Some(Value::String(name)) if name.is_empty() => {
            report("metadata.name", "Required value: name is required".into())
        }
        Some(Value::String(name)) => {
            if let Some(problem) = dns1123_subdomain_problem(name) {
                report(
                    "metadata.name",
                    format!("Invalid value: {:?}: {problem}", name),
                );
            }
        }
        Some(other) => report(
            "metadata.name",
            wrong_type("metadata.name", other, "string"),
        ),
    }
    match fields.get("namespace") {
        None => {}
        Some(Value::String(namespace)) if namespaced => {
            if let Some(problem) = dns1123_label_problem(namespace) {
                report(
                    "metadata.namespace",
                    format!("Invalid value: {:?}: {problem}", namespace),
                );
            }
        }
        Some(Value::String(_)) => {}
        Some(other) => report(
            "metadata.namespace",
            wrong_type("metadata.namespace", other, "string"),
        ),
    }
    for key in ["labels", "annotations"] {
        match fields.get(key) {
            None => {}
            Some(Value::Object(map)) => {
                for (name, value) in map {
                    if !value.is_string() {
                        let path = format!("metadata.{key}.{name}");
                        report(&path, wrong_type(&path, value, "string"));
                    }
                }
            }
            Some(other) => {
                let path = format!("metadata.{key}");
                report(&path, wrong_type(&path, other, "object"));
            }
        }
    }
    for key in fields.keys() {
        if !OBJECT_META.contains(&key.as_str()) {
            report(
                &format!("metadata.{key}"),
                "field not declared in schema".into(),
            );
        }
    }
}

fn wrong_type(path: &str, value: &Value, expected: &str) -> String {
    let actual = type_name(value);
    format!("Invalid value: \"{actual}\": {path} in body must be of type {expected}: \"{actual}\"")
}

const DNS1123_LABEL: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

/// What is wrong with `name` as a DNS-1123 subdomain, in the API server's words.
pub fn dns1123_subdomain_problem(name: &str) -> Option<String> {
    static SUBDOMAIN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"^{DNS1123_LABEL}(\.{DNS1123_LABEL})*$")).expect("a valid regex")
    });
    let mut problems = Vec::new();
    if name.len() > 253 {
        problems.push("must be no more than 253 characters".to_owned());
    }
    if !SUBDOMAIN.is_match(name) {
        problems.push(format!(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric \
             characters, '-' or '.', and must start and end with an alphanumeric character \
             (e.g. 'example.com', regex used for validation is \
             '{DNS1123_LABEL}(\\.{DNS1123_LABEL})*')"
        ));
    }
    (!problems.is_empty()).then(|| problems.join(", "))
}

/// What is wrong with `name` as a DNS-1123 label, in the API server's words.
pub fn dns1123_label_problem(name: &str) -> Option<String> {
    static LABEL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(&format!("^{DNS1123_LABEL}$")).expect("a valid regex"));
    let mut problems = Vec::new();
    if name.len() > 63 {
        problems.push("must be no more than 63 characters".to_owned());
    }
    if !LABEL.is_match(name) {
        problems.push(format!(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters \
             or '-', and must start and end with an alphanumeric character (e.g. 'my-name', \
             or '123-abc', regex used for validation is '{DNS1123_LABEL}')"
        ));
    }
    (!problems.is_empty()).then(|| problems.join(", "))
}

/// The schema of an object holding the XR's `spec` and `status`: the XRD's, with
/// Crossplane's `spec.crossplane` added to `spec`.
fn body_schema(schema: &Value) -> Value {
    let preserve = || json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true});
    let mut spec = schema
        .pointer("/properties/spec")
        .cloned()
        .unwrap_or_else(preserve);
    if let Some(Value::Object(properties)) = spec.get_mut("properties") {
        properties
            .entry("crossplane")
            .or_insert_with(crossplane_schema);
    }
    let status = schema
        .pointer("/properties/status")
        .cloned()
        .unwrap_or_else(preserve);
    let mut properties = Map::new();
    properties.insert("spec".into(), spec);
    properties.insert("status".into(), status);
    json!({"type": "object", "properties": properties})
}

/// What Crossplane adds to an XR's spec (v2, the fields a composition is chosen by);
/// its other fields are kept as they are.
fn crossplane_schema() -> Value {
    let labels = json!({"type": "object", "additionalProperties": {"type": "string"}});
    let reference = json!({"type": "object", "properties": {"name": {"type": "string"}}});
    json!({
        "type": "object",
        "x-kubernetes-preserve-unknown-fields": true,
        "properties": {
            "compositionRef": reference,
            "compositionSelector": {"type": "object", "properties": {"matchLabels": labels}},
            "compositionRevisionRef": reference,
            "compositionRevisionSelector": {"type": "object", "properties": {"matchLabels": labels}},
            "compositionUpdatePolicy": {"type": "string", "enum": ["Automatic", "Manual"]},
            "resourceRefs": {
                "type": "array",
                "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
            }
        }
    })
}

/// A value's type with its article, for messages: "a string", "a list", "null".
pub fn a_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}
