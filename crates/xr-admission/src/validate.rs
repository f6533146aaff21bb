//! Check a value against a Kubernetes structural schema the way the API server does:
//! drop `null`s of fields that are not nullable, fill in defaults, then validate.
//!
//! ```
//! use xr_admission::validate::{admit, Violation};
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
//!
//! The schema keywords are checked by the [`jsonschema`] crate (draft 4, the dialect
//! OpenAPI v3 schemas come from), on a copy of the schema translated to the API server's
//! structural semantics:
//!
//! - a field that is not declared is an error, except under
//!   `x-kubernetes-preserve-unknown-fields` (the API server's strict field validation);
//! - `nullable: true` admits `null`;
//! - `x-kubernetes-list-type: set` (and `uniqueItems`) refuses duplicate items;
//! - `pattern` is a regular expression of the RE2 family (the [`regex`] crate), as the
//!   API server's Go `regexp`; it matches anywhere unless anchored;
//! - `format` is checked for the formats the API server checks and ignored for the others
//!   (see [`KNOWN_FORMATS`]);
//! - an `integer` must fit in 64 signed bits: the API server reads a larger one as a
//!   float, which is not an integer (JSON Schema would take a whole float for one);
//! - a whole float within ±(2^53 - 1) is an `integer`, and [`admit`] makes it one, as the
//!   API server reads and stores it (`3.0` is `3`).
//!
//! Messages follow the API server's wording, at dotted paths (`spec.parameters.apps.cache`,
//! list items as `[i]`), in the order the value is written.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, PatternOptions};
use regex::Regex;
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

/// The violations of a refused XR as one message: `the XR is invalid (2 problems):`, then
/// each violation on a line of its own, indented.
#[derive(Debug, Clone, Copy)]
pub struct Refusal<'a>(pub &'a [Violation]);

impl fmt::Display for Refusal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        let problems = if count == 1 { "problem" } else { "problems" };
        write!(f, "the XR is invalid ({count} {problems}):")?;
        for violation in self.0 {
            write!(f, "\n  {violation}")?;
        }
        Ok(())
    }
}

/// Prune nulls, apply defaults and validate, as the API server admits an object; `path`
/// names the value's own place. Returns every problem found.
pub fn admit(schema: &Value, value: &mut Value, path: &str) -> Vec<Violation> {
    prune_nulls(schema, value);
    apply_defaults(schema, value);
    whole_floats_to_integers(schema, value);
    validate(schema, value, path)
}

/// The largest whole float the API server takes for an integer: 2^53 - 1, beyond which
/// floats no longer hold every integer.
const MAX_INTEGRAL_FLOAT: f64 = 9_007_199_254_740_991.0;

/// Make whole floats integers where the schema says `integer`, within ±(2^53 - 1): the
/// API server reads `3.0` as a float, takes it for an integer there, and stores it as
/// `3`; a larger float, or one with a fraction, stays a float, which is not an integer.
/// (The API server also takes a float within one part in 10^9 of a whole number; such a
/// float stays a float here, and is refused.)
fn whole_floats_to_integers(schema: &Value, value: &mut Value) {
    match value {
        Value::Number(n) if schema.get("type") == Some(&"integer".into()) => {
            if n.is_f64()
                && let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() <= MAX_INTEGRAL_FLOAT
            {
                // Exact: a whole float within 2^53 is an i64.
                *value = Value::from(f as i64);
            }
        }
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if let Some(child) = child_schema(schema, key) {
                    whole_floats_to_integers(child, v);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                items
                    .iter_mut()
                    .for_each(|v| whole_floats_to_integers(item_schema, v));
            }
        }
        _ => {}
    }
}

/// Remove object fields whose value is `null`, where the schema does not say `nullable`.
pub(crate) fn prune_nulls(schema: &Value, value: &mut Value) {
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
pub(crate) fn apply_defaults(schema: &Value, value: &mut Value) {
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

/// The `format`s the API server checks (`StripUnsupportedFormatsPostProcess` drops the
/// others, so they admit anything). All but `isbn`, `isbn10`, `isbn13`, `creditcard` and
/// `password` (any string) are checked here; `datetime` is `date-time`.
pub const KNOWN_FORMATS: &[&str] = &[
    "bsonobjectid",
    "uri",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "cidr",
    "mac",
    "uuid",
    "uuid3",
    "uuid4",
    "uuid5",
    "isbn",
    "isbn10",
    "isbn13",
    "creditcard",
    "ssn",
    "hexcolor",
    "rgbcolor",
    "byte",
    "password",
    "date",
    "duration",
    "datetime",
    "date-time",
];

/// Validate a value against a structural schema; every problem is reported, in the order
/// the value is written. A schema the validator cannot compile (a `pattern` that is not a
/// regular expression, say) is one problem at `path`.
pub fn validate(schema: &Value, value: &Value, path: &str) -> Vec<Violation> {
    let draft4 = to_draft4(schema);
    let validator = match validator(&draft4) {
        Ok(validator) => validator,
        Err(message) => {
            return vec![Violation {
                path: path.to_owned(),
                message: format!("the schema cannot be used: {message}"),
            }];
        }
    };
    let mut found: Vec<(Vec<Step>, String)> = Vec::new();
    // Where a value has the wrong type: that is all there is to say about it.
    let mut mistyped: Vec<Vec<Step>> = Vec::new();
    for error in validator.iter_errors(value) {
        let steps = steps(value, error.instance_path().as_str());
        let at = render_path(path, &steps);
        let instance = error.instance();
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for key in unexpected {
                    let mut steps = steps.clone();
                    steps.push(Step::Key(key.clone()));
                    found.push((steps, "field not declared in schema".into()));
                }
            }
            ValidationErrorKind::Required { property } => {
                let mut steps = steps.clone();
                steps.push(Step::Key(property.as_str().unwrap_or_default().to_owned()));
                found.push((steps, "Required value".into()));
            }
            ValidationErrorKind::UniqueItems => {
                if let Some((index, item)) = first_duplicate(instance) {
                    let mut steps = steps.clone();
                    steps.push(Step::Index(index));
                    found.push((steps, format!("Duplicate value: {item}")));
                }
            }
            kind => {
                if matches!(kind, ValidationErrorKind::Type { .. }) {
                    mistyped.push(steps.clone());
                    found.retain(|(other, _)| *other != steps);
                } else if mistyped.contains(&steps) {
                    continue;
                }
                let message = message(kind, &at, instance, &draft4, error.schema_path().as_str());
                found.push((steps, message));
            }
        }
    }
    out_of_range_integers(schema, value, path, &mut Vec::new(), &mut found);
    let order = document_order(value);
    found.sort_by_key(|(steps, _)| order_key(&order, steps));
    found.dedup();
    found
        .into_iter()
        .map(|(steps, message)| Violation {
            path: render_path(path, &steps),
            message,
        })
        .collect()
}

type Validator = jsonschema::Validator;

/// Compiled validators by schema text: a composition admits many values against one
/// schema.
fn validator(draft4: &Value) -> Result<std::sync::Arc<Validator>, String> {
    static CACHE: LazyLock<std::sync::Mutex<HashMap<String, std::sync::Arc<Validator>>>> =
        LazyLock::new(Default::default);
    let key = draft4.to_string();
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(validator) = cache.get(&key) {
        return Ok(validator.clone());
    }
    let mut options = jsonschema::options()
        .with_draft(Draft::Draft4)
        .should_validate_formats(true)
        .should_ignore_unknown_formats(true)
        .with_pattern_options(PatternOptions::regex());
    for (name, check) in FORMATS {
        options = options.with_format(*name, *check);
    }
    let validator = std::sync::Arc::new(options.build(draft4).map_err(|e| e.to_string())?);
    if cache.len() > 64 {
        cache.clear();
    }
    cache.insert(key, validator.clone());
    Ok(validator)
}

/// A step of a path into a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

/// The steps of a JSON pointer into `value`: indices into lists, keys into objects.
fn steps(value: &Value, pointer: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut current = Some(value);
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        match current {
            Some(Value::Array(items)) => {
                let index = token.parse().unwrap_or(usize::MAX);
                current = items.get(index);
                steps.push(Step::Index(index));
            }
            Some(Value::Object(map)) => {
                current = map.get(&token);
                steps.push(Step::Key(token));
            }
            _ => {
                current = None;
                steps.push(Step::Key(token));
            }
        }
    }
    steps
}

/// `path` followed by the steps: `.key` and `[i]`.
fn render_path(path: &str, steps: &[Step]) -> String {
    let mut out = path.to_owned();
    for step in steps {
        match step {
            Step::Key(key) if out.is_empty() => out.push_str(key),
            Step::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Step::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// Every path of the value, in the order it is written (depth first), with its rank.
fn document_order(value: &Value) -> HashMap<Vec<Step>, usize> {
    let mut order = HashMap::new();
    let mut stack: Vec<(Vec<Step>, &Value)> = vec![(Vec::new(), value)];
    while let Some((steps, value)) = stack.pop() {
        order.insert(steps.clone(), order.len());
        let children: Vec<(Step, &Value)> = match value {
            Value::Object(map) => map.iter().map(|(k, v)| (Step::Key(k.clone()), v)).collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Step::Index(i), v))
                .collect(),
            _ => Vec::new(),
        };
        for (step, child) in children.into_iter().rev() {
            let mut steps = steps.clone();
            steps.push(step);
            stack.push((steps, child));
        }
    }
    order
}

/// Where a problem sorts: the rank of its path, or of its nearest written ancestor (a
/// missing required field sorts with its object, before the object's fields).
fn order_key(order: &HashMap<Vec<Step>, usize>, steps: &[Step]) -> (usize, bool) {
    (0..=steps.len())
        .rev()
        .find_map(|len| {
            order
                .get(&steps[..len])
                .map(|rank| (*rank, len == steps.len()))
        })
        .unwrap_or((0, false))
}

/// The first item equal to an earlier one, with its index.
fn first_duplicate(list: &Value) -> Option<(usize, &Value)> {
    let items = list.as_array()?;
    items
        .iter()
        .enumerate()
        .find(|(i, item)| items[..*i].contains(item))
}

/// The API server's message for a failed keyword.
fn message(
    kind: &ValidationErrorKind,
    at: &str,
    instance: &Value,
    schema: &Value,
    schema_path: &str,
) -> String {
    // The schema node the keyword belongs to.
    let node = schema_path
        .rsplit_once('/')
        .and_then(|(parent, _)| schema.pointer(parent))
        .unwrap_or(&Value::Null);
    let invalid = |value: &dyn fmt::Display, detail: String| {
        format!("Invalid value: {value}: {at} in body {detail}")
    };
    let count = |value: &Value| match value {
        Value::Array(items) => items.len(),
        Value::Object(map) => map.len(),
        Value::String(s) => s.chars().count(),
        _ => 0,
    };
    match kind {
        ValidationErrorKind::Type { .. } => {
            let expected = match node.get("type") {
                Some(Value::String(t)) => t.clone(),
                Some(Value::Array(types)) => types
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|t| *t != "null")
                    .collect::<Vec<_>>()
                    .join(" or "),
                _ => "its type".into(),
            };
            let actual = type_name(instance);
            format!(
                "Invalid value: \"{actual}\": {at} in body must be of type {expected}: \"{actual}\""
            )
        }
        ValidationErrorKind::Enum { options } => {
            let supported: Vec<String> = options
                .as_array()
                .map(|o| o.iter().map(Value::to_string).collect())
                .unwrap_or_default();
            format!(
                "Unsupported value: {instance}: supported values: {}",
                supported.join(", ")
            )
        }
        ValidationErrorKind::Minimum { limit } => invalid(
            instance,
            format!("should be greater than or equal to {limit}"),
        ),
        ValidationErrorKind::Maximum { limit } => {
            invalid(instance, format!("should be less than or equal to {limit}"))
        }
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            invalid(instance, format!("should be greater than {limit}"))
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            invalid(instance, format!("should be less than {limit}"))
        }
        ValidationErrorKind::MultipleOf { .. } => {
            let factor = node.get("multipleOf").cloned().unwrap_or_default();
            invalid(instance, format!("should be a multiple of {factor}"))
        }
        ValidationErrorKind::MinLength { limit } => {
            invalid(instance, format!("should be at least {limit} chars long"))
        }
        ValidationErrorKind::MaxLength { limit } => {
            invalid(instance, format!("should be at most {limit} chars long"))
        }
        ValidationErrorKind::MinItems { limit } => invalid(
            &count(instance),
            format!("should have at least {limit} items"),
        ),
        ValidationErrorKind::MaxItems { limit } => invalid(
            &count(instance),
            format!("should have at most {limit} items"),
        ),
        ValidationErrorKind::MinProperties { limit } => invalid(
            &count(instance),
            format!("should have at least {limit} properties"),
        ),
        ValidationErrorKind::MaxProperties { limit } => invalid(
            &count(instance),
            format!("should have at most {limit} properties"),
        ),
        ValidationErrorKind::Pattern { pattern } => {
            invalid(instance, format!("should match '{pattern}'"))
        }
        ValidationErrorKind::Format { format } => {
            invalid(instance, format!("must be of type {format}: {instance}"))
        }
        other => format!("Invalid value: {instance}: {}", other_message(other)),
    }
}

fn other_message(kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::Not { .. } => "must not match the schema in `not`".into(),
        ValidationErrorKind::AnyOf { .. } => "must match one of the schemas in `anyOf`".into(),
        ValidationErrorKind::OneOfNotValid { .. } => {
            "must match one of the schemas in `oneOf`".into()
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            "must match only one of the schemas in `oneOf`".into()
        }
        _ => "does not match the schema".into(),
    }
}

/// Integers the API server cannot read as 64-bit signed integers, where the schema says
/// `integer`: above `i64::MAX` (read as a `u64`), or whole numbers that JSON reads as
/// floats because no 64-bit integer holds them (`18446744073709551616`, `-1e19`). JSON
/// Schema counts a whole float as an integer; the API server reads it as a float, which is
/// not one.
fn out_of_range_integers(
    schema: &Value,
    value: &Value,
    path: &str,
    steps: &mut Vec<Step>,
    found: &mut Vec<(Vec<Step>, String)>,
) {
    match value {
        Value::Number(n) if schema.get("type") == Some(&"integer".into()) => {
            // The number as written, as far as a float keeps it: floats from 2^53 on are
            // whole, so `{:.0}` spells every digit they hold.
            let beyond = match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(_), _, _) => None,
                (None, Some(u), _) => Some(u.to_string()),
                (None, None, Some(f)) if f.fract() == 0.0 && !fits_i64(f) => {
                    Some(format!("{f:.0}"))
                }
                _ => None,
            };
            if let Some(written) = beyond {
                let at = render_path(path, steps);
                found.push((
                    steps.clone(),
                    format!(
                        "Invalid value: {written}: {at} in body must be of type integer: out of \
                         the range of 64-bit integers ({} to {})",
                        i64::MIN,
                        i64::MAX
                    ),
                ));
            }
        }
        Value::Object(map) => {
            for (key, v) in map {
                if let Some(child) = child_schema(schema, key) {
                    steps.push(Step::Key(key.clone()));
                    out_of_range_integers(child, v, path, steps, found);
                    steps.pop();
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    steps.push(Step::Index(i));
                    out_of_range_integers(item_schema, v, path, steps, found);
                    steps.pop();
                }
            }
        }
        _ => {}
    }
}

/// Whether a whole float is within the range of `i64` (`-2^63 <= f < 2^63`).
fn fits_i64(f: f64) -> bool {
    const TWO_TO_63: f64 = 9_223_372_036_854_775_808.0;
    (-TWO_TO_63..TWO_TO_63).contains(&f)
}

/// The structural schema as a draft 4 JSON Schema with the API server's semantics (see
/// the [module documentation](self)).
fn to_draft4(schema: &Value) -> Value {
    let Value::Object(node) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in node {
        match key.as_str() {
            "properties" => {
                let properties = value
                    .as_object()
                    .map(|p| p.iter().map(|(k, v)| (k.clone(), to_draft4(v))).collect())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(properties));
            }
            "items" | "additionalProperties" if value.is_object() => {
                out.insert(key.clone(), to_draft4(value));
            }
            "format" => match value.as_str() {
                Some("datetime") => {
                    out.insert(key.clone(), "date-time".into());
                }
                Some(format) if KNOWN_FORMATS.contains(&format) => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {}
            },
            "type" if is_nullable(schema) => {
                out.insert(
                    key.clone(),
                    Value::Array(vec![value.clone(), "null".into()]),
                );
            }
            "x-kubernetes-list-type" if value == "set" => {
                out.insert("uniqueItems".into(), true.into());
            }
            // Only meaningful to the API server's own checks, and not always valid
            // draft 4 (`default` may not match a `nullable` type, for one).
            "default" | "description" | "example" => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    let declares_fields = node.contains_key("properties");
    if declares_fields
        && !preserves_unknown_fields(schema)
        && !node.contains_key("additionalProperties")
    {
        out.insert("additionalProperties".into(), false.into());
    }
    if is_nullable(schema)
        && let Some(Value::Array(allowed)) = out.get_mut("enum")
        && !allowed.contains(&Value::Null)
    {
        allowed.push(Value::Null);
    }
    Value::Object(out)
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

/// A value's JSON Schema type name.
pub(crate) fn type_name(value: &Value) -> &'static str {
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

// ---- Formats the API server checks and JSON Schema does not (or checks otherwise) ----

type FormatCheck = fn(&str) -> bool;

/// The API server's formats that draft 4 lacks, or means otherwise (`uri` is Go's
/// `url.ParseRequestURI`: an absolute URI or an absolute path; `duration` is Go's).
const FORMATS: &[(&str, FormatCheck)] = &[
    ("bsonobjectid", |s| matches(&BSON_OBJECT_ID, s)),
    ("uri", is_request_uri),
    ("cidr", is_cidr),
    ("mac", |s| matches(&MAC, s)),
    ("uuid", |s| matches(&UUID, s)),
    ("uuid3", |s| matches(&UUID3, s)),
    ("uuid4", |s| matches(&UUID4, s)),
    ("uuid5", |s| matches(&UUID5, s)),
    ("ssn", |s| matches(&SSN, s)),
    ("hexcolor", |s| matches(&HEX_COLOR, s)),
    ("rgbcolor", |s| matches(&RGB_COLOR, s)),
    ("byte", |s| matches(&BASE64, s)),
    ("duration", |s| {
        matches(&GO_DURATION, s) || matches(&UNIT_DURATION, s)
    }),
];

fn matches(regex: &LazyLock<Regex>, s: &str) -> bool {
    regex.is_match(s)
}

macro_rules! regex {
    ($name:ident, $pattern:expr) => {
        static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pattern).expect("a valid regular expression"));
    };
}

regex!(BSON_OBJECT_ID, r"^[0-9a-fA-F]{24}$");
regex!(
    MAC,
    r"^(?:[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5}|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){7}|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){19}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){2}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){3}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){9})$"
);
regex!(
    UUID,
    r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$"
);
regex!(
    UUID3,
    r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$"
);
regex!(
    UUID4,
    r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$"
);
regex!(
    UUID5,
    r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$"
);
regex!(SSN, r"^\d{3}[- ]?\d{2}[- ]?\d{4}$");
regex!(HEX_COLOR, r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$");
regex!(
    RGB_COLOR,
    r"^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$"
);
regex!(
    BASE64,
    r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
);
// Go's time.ParseDuration: "300ms", "-1.5h", "2h45m", "0".
regex!(
    GO_DURATION,
    r"^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$"
);
// The API server's other form: a number and a unit, "3 days", "22 ns".
regex!(
    UNIT_DURATION,
    r"^\d+\s*(?:ns|us|µs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|sec|minutes?|mins?|hours?|hr|days?|weeks?|wk)$"
);

fn is_request_uri(s: &str) -> bool {
    static SCHEME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$").expect("a valid regular expression")
    });
    (s.starts_with('/') && !s.contains(char::is_whitespace)) || SCHEME.is_match(s)
}

fn is_cidr(s: &str) -> bool {
    let Some((address, prefix)) = s.split_once('/') else {
        return false;
    };
    let Ok(prefix) = prefix.parse::<u8>() else {
        return false;
    };
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => prefix <= 32,
        Ok(std::net::IpAddr::V6(_)) => prefix <= 128,
        Err(_) => false,
    }
}
