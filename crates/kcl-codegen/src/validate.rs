//! Check a value against a Kubernetes structural schema the way the API server does:
//! drop `null`s of fields that are not nullable, fill in defaults, then validate.
//!
//! ```
//! use kcl_codegen::validate::{admit, Violation};
//! use serde_json::json;
//!
//! let schema = json!({"type": "object", "properties": {
//!     "size": {"type": "string", "enum": ["small", "large"], "default": "small"}}});
//! let mut value = json!({"size": null});
//! assert!(admit(&schema, &mut value, "spec").is_empty());
//! assert_eq!(value, json!({"size": "small"}));
//!
//! let mut value = json!({"size": "huge", "colour": "red"});
//! let problems: Vec<String> = admit(&schema, &mut value, "spec").iter().map(Violation::to_string).collect();
//! assert_eq!(problems, [
//!     "spec.size: Unsupported value: \"huge\": supported values: \"small\", \"large\"",
//!     "spec.colour: field not declared in schema",
//! ]);
//! ```

use std::fmt;

use serde_json::{Map, Value};

/// One problem with a value, at a path such as `spec.parameters.apps.redis.enabled`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where, as a dotted path (list items as `[i]`).
    pub path: String,
    /// What is wrong, in the API server's words.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Prune nulls, apply defaults and validate, as the API server admits an object; `path`
/// names the value's own place. Returns every problem found.
pub fn admit(schema: &Value, value: &mut Value, path: &str) -> Vec<Violation> {
    prune_nulls(schema, value);
    apply_defaults(schema, value);
    let mut violations = Vec::new();
    validate_node(schema, value, path, &mut violations);
    violations
}

/// Remove object fields whose value is `null`, where the schema does not say `nullable`.
pub fn prune_nulls(schema: &Value, value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|key, v| !v.is_null() || child_schema(schema, key).is_some_and(is_nullable));
            for (key, v) in map.iter_mut() {
                if let Some(child) = child_schema(schema, key) {
                    prune_nulls(child, v);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                items.iter_mut().for_each(|v| prune_nulls(item_schema, v));
            }
        }
        _ => {}
    }
}

/// Fill in the defaults of absent fields of every object that is present.
pub fn apply_defaults(schema: &Value, value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = schema.get("properties") {
                for (key, property) in properties {
                    if let (false, Some(default)) = (map.contains_key(key), property.get("default"))
                    {
                        map.insert(key.clone(), default.clone());
                    }
                }
            }
            for (key, v) in map.iter_mut() {
                if let Some(child) = child_schema(schema, key) {
                    apply_defaults(child, v);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                items
                    .iter_mut()
                    .for_each(|v| apply_defaults(item_schema, v));
            }
        }
        _ => {}
    }
}

/// Validate a value against a structural schema; every problem is reported.
pub fn validate(schema: &Value, value: &Value, path: &str) -> Vec<Violation> {
    let mut violations = Vec::new();
    validate_node(schema, value, path, &mut violations);
    violations
}

fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
}

fn preserves_unknown_fields(schema: &Value) -> bool {
    schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
}

/// The schema of an object's field: its property, or `additionalProperties`.
fn child_schema<'a>(schema: &'a Value, key: &str) -> Option<&'a Value> {
    schema
        .get("properties")
        .and_then(|p| p.get(key))
        .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
}

fn validate_node(schema: &Value, value: &Value, path: &str, out: &mut Vec<Violation>) {
    let mut report = |message: String| {
        out.push(Violation {
            path: path.to_owned(),
            message,
        })
    };
    if value.is_null() {
        if !is_nullable(schema) {
            report("Invalid value: \"null\": must not be null".into());
        }
        return;
    }
    if let Some(expected) = schema.get("type").and_then(Value::as_str)
        && !has_type(value, expected)
    {
        let actual = type_name(value);
        report(format!(
            "Invalid value: \"{actual}\": {path} in body must be of type {expected}: \"{actual}\""
        ));
        return;
    }
    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !allowed.contains(value)
    {
        let supported: Vec<String> = allowed.iter().map(Value::to_string).collect();
        report(format!(
            "Unsupported value: {value}: supported values: {}",
            supported.join(", ")
        ));
    }
    check_bounds(schema, value, path, &mut report);
    match value {
        Value::Object(map) => validate_object(schema, map, path, out),
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    validate_node(item_schema, item, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

fn validate_object(schema: &Value, map: &Map<String, Value>, path: &str, out: &mut Vec<Violation>) {
    if let Some(Value::Array(required)) = schema.get("required") {
        for name in required.iter().filter_map(Value::as_str) {
            if !map.contains_key(name) {
                out.push(Violation {
                    path: join(path, name),
                    message: "Required value".into(),
                });
            }
        }
    }
    for (key, v) in map {
        match child_schema(schema, key) {
            Some(child) => validate_node(child, v, &join(path, key), out),
            None if preserves_unknown_fields(schema) => {}
            None if schema.get("properties").is_some() => out.push(Violation {
                path: join(path, key),
                message: "field not declared in schema".into(),
            }),
            None => {}
        }
    }
}

fn check_bounds(schema: &Value, value: &Value, path: &str, report: &mut impl FnMut(String)) {
    let bound = |name: &str| schema.get(name).and_then(Value::as_f64);
    if let Some(n) = value.as_f64() {
        if let Some(min) = bound("minimum").filter(|min| n < *min) {
            report(format!(
                "Invalid value: {value}: {path} in body should be greater than or equal to {min}"
            ));
        }
        if let Some(max) = bound("maximum").filter(|max| n > *max) {
            report(format!(
                "Invalid value: {value}: {path} in body should be less than or equal to {max}"
            ));
        }
    }
    let count = match value {
        Value::Array(items) => Some((items.len(), "minItems", "maxItems", "items")),
        Value::Object(map) => Some((map.len(), "minProperties", "maxProperties", "properties")),
        Value::String(s) => Some((s.chars().count(), "minLength", "maxLength", "chars long")),
        _ => None,
    };
    if let Some((len, min_key, max_key, unit)) = count {
        let len_f = len as f64;
        if let Some(min) = bound(min_key).filter(|min| len_f < *min) {
            report(format!(
                "Invalid value: {len}: {path} in body should have at least {min} {unit}"
            ));
        }
        if let Some(max) = bound(max_key).filter(|max| len_f > *max) {
            report(format!(
                "Invalid value: {len}: {path} in body should have at most {max} {unit}"
            ));
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn has_type(value: &Value, expected: &str) -> bool {
    match expected {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        _ => true,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
