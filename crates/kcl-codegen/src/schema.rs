//! The schema compiler: from the JSON Schema schemars derives for a Rust type to
//!
//! - a KCL data dict in the "dot format" (`type`, `description`, `properties`, `default`, ...) that
//!   forms and templates read ([`data_dict`]);
//! - a Kubernetes structural OpenAPI v3 schema for an XRD ([`structural`]).
//!
//! Both go through one private intermediate form, a tree of `Node`s, built by
//! `Compiler`: it inlines every `$ref`, collapses `Option<T>` to `T`, merges the
//! `oneOf` schemars emits for unit enums with documented variants, and rejects every shape
//! a structural schema cannot express (maps with non-string keys, enums carrying data,
//! untagged enums, tuples, recursive types) with a [`SchemaError`] naming the field.
//!
//! # The data dict
//!
//! Every node has `type`, then `description` (from the doc comment) when there is one,
//! then, where they apply and in this order:
//!
//! - `properties` (struct fields, in field order) and `required` (always present on a
//!   struct, possibly empty);
//! - `default` (scalars, and free-form values) and `enum` (unit enums);
//! - for arrays: `itemsType`, the element type; `items`, the element's own data dict
//!   without description, when the type alone does not say it all (structs, enums,
//!   nested arrays, maps); `defaultArray`, a default of strings joined with commas (an
//!   empty default is left out);
//! - for `BTreeMap<String, T>`: `additionalProperties`, the data dict of `T` without
//!   description (no `properties`, no `required`);
//! - for `serde_json::Value`: `x-kubernetes-preserve-unknown-fields = True`.
//!
//! The format has no object defaults, so a struct's default (for example from
//! `#[serde(default)]` on a struct-typed field) is accepted only when its fields' own
//! defaults already imply it, and then left out; otherwise it is an error. Validation
//! keywords other than `enum` (`minimum`, `pattern`, ...) are not part of the format; the
//! structural schema keeps them.

use std::fmt;

use SchemaErrorKind::*;
use schemars::Schema;
use serde_json::{Map, Value};

/// Why a schema could not be compiled: the type, the field and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The Rust type the schema describes (the schema's `title`), or `<untitled schema>`.
    pub type_name: String,
    /// The path of the offending field from the type, with `.` between fields, `[]` for
    /// the elements of an array and `*` for the values of a map (`limits.max`,
    /// `secrets[].key`, `labels.*`); empty when the type itself is at fault.
    pub path: String,
    /// What is wrong (boxed: some kinds carry JSON values, and a `Result` stays small).
    pub kind: Box<SchemaErrorKind>,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.type_name, self.kind)
        } else {
            write!(f, "{}.{}: {}", self.type_name, self.path, self.kind)
        }
    }
}

impl std::error::Error for SchemaError {}

/// What is wrong with a schema (at [`SchemaError::path`]); its `Display` says so, and where
/// possible what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaErrorKind {
    /// A data dict was asked of a type that is not a struct.
    NotAStruct,
    /// The schema is `false`: it accepts no value.
    AcceptsNothing,
    /// A value that is neither an object nor a boolean stands where a schema should.
    NotASchema(Value),
    /// `allOf` of several schemas.
    AllOf,
    /// `anyOf` or `oneOf` of several schemas: an untagged enum, an enum whose variants
    /// carry data, or a value of several types.
    SeveralSchemas {
        /// `anyOf` or `oneOf`.
        keyword: String,
    },
    /// `$ref` is not a string.
    RefNotAString,
    /// The type contains itself (`$ref` to a definition inside its own expansion).
    Recursive {
        /// The reference.
        reference: String,
    },
    /// `$ref` to a definition the schema does not have.
    MissingDefinition {
        /// The reference.
        reference: String,
    },
    /// The type is `null`: a unit type such as `()`.
    NullType,
    /// `type` names a type that is not a JSON Schema type.
    UnknownType {
        /// The name.
        name: String,
    },
    /// `type` is not a single type name (for example a list of types).
    TypeNotAName {
        /// The value of `type`.
        ty: Value,
    },
    /// The schema has no `type`, and neither `enum` nor only annotations to take one from.
    NoType,
    /// The values of `enum` have no one type.
    NoEnumType,
    /// `enum` on a type other than a string, a number or a boolean.
    EnumNotScalar,
    /// A struct that also takes free keys (a flattened map?).
    StructWithFreeKeys,
    /// A property whose name starts with `_`, which KCL leaves out of its output.
    HiddenProperty,
    /// An array without a type for its elements.
    NoItemsType,
    /// A set (`uniqueItems`) of elements that are not scalars.
    NonScalarSet,
    /// A map whose keys are not plain strings (`patternProperties`, `propertyNames`).
    NonStringKeys,
    /// A tuple (`prefixItems`).
    Tuple,
    /// Another keyword a structural schema cannot express.
    UnsupportedKeyword {
        /// The keyword.
        keyword: String,
    },
    /// A map default other than `{}`, which the data dict cannot express.
    MapDefault,
    /// An array default with an element that is not a string without commas, which
    /// `defaultArray` cannot express.
    ArrayDefault {
        /// The first such element.
        element: Value,
    },
    /// A struct default its fields' own defaults do not imply, which the data dict
    /// cannot express.
    StructDefault {
        /// The default.
        default: Value,
    },
}

impl fmt::Display for SchemaErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use SchemaErrorKind::*;
        match self {
            NotAStruct => f.write_str("a data dict describes a struct, but this type is not one"),
            AcceptsNothing => f.write_str("the schema accepts no value (`false`)"),
            NotASchema(value) => write!(f, "`{value}` is not a JSON Schema"),
            AllOf => f.write_str(
                "`allOf` of several schemas cannot be expressed in a Kubernetes structural schema",
            ),
            SeveralSchemas { keyword } => write!(
                f,
                "`{keyword}` of several schemas (an untagged enum, an enum whose variants carry \
                 data, or a value of several types) cannot be expressed in a Kubernetes \
                 structural schema; use a unit-only enum or a struct with optional fields"
            ),
            RefNotAString => f.write_str("`$ref` is not a string"),
            Recursive { reference } => write!(
                f,
                "the type is recursive (`$ref` to `{reference}` inside itself); a Kubernetes \
                 structural schema cannot express recursion"
            ),
            MissingDefinition { reference } => {
                write!(f, "`$ref` to a missing definition `{reference}`")
            }
            NullType => {
                f.write_str("no determinable type: the type is `null` (a unit type such as `()`)")
            }
            UnknownType { name } => write!(f, "no determinable type: `{name}`"),
            TypeNotAName { ty } => write!(f, "no determinable type: `{ty}`"),
            NoType => f.write_str("no determinable type: the schema has no `type`"),
            NoEnumType => f.write_str("no determinable type for the values of `enum`"),
            EnumNotScalar => {
                f.write_str("`enum` is only supported on strings, numbers and booleans")
            }
            StructWithFreeKeys => f.write_str(
                "a struct that also takes free keys (a flattened map?) cannot be expressed in a \
                 Kubernetes structural schema",
            ),
            HiddenProperty => f.write_str(
                "a property whose name starts with `_` is dropped by KCL; rename it \
                 (`#[serde(rename = \"...\")]`)",
            ),
            NoItemsType => f.write_str("no determinable type for the elements of the array"),
            NonScalarSet => f.write_str(
                "a set of non-scalar elements cannot be expressed: Kubernetes rejects \
                 `uniqueItems` and list-type `set` needs scalar elements",
            ),
            NonStringKeys => f.write_str(
                "a map whose keys are not plain strings cannot be expressed in a Kubernetes \
                 structural schema; use `BTreeMap<String, _>`",
            ),
            Tuple => f.write_str(
                "a tuple cannot be expressed in a Kubernetes structural schema; use a struct",
            ),
            UnsupportedKeyword { keyword } => write!(
                f,
                "the keyword `{keyword}` cannot be expressed in a Kubernetes structural schema"
            ),
            MapDefault => f.write_str("the data dict cannot express a map default other than `{}`"),
            ArrayDefault { element } => write!(
                f,
                "the data dict can only express an array default of strings without commas \
                 (`defaultArray`), not `{element}`"
            ),
            StructDefault { default } => write!(
                f,
                "the data dict cannot express the struct default `{default}`: give each of its \
                 fields that default instead (for example `#[serde(default)]` on the struct)"
            ),
        }
    }
}

/// The data dict of a schema in the dot format (see the [module documentation](self)).
///
/// The schema must describe a struct: a data dict is an object node.
pub fn data_dict(schema: &Schema) -> Result<Value, SchemaError> {
    let (node, root) = compile(schema)?;
    if !matches!(node.shape, Shape::Object { .. }) {
        return Err(root.error(NotAStruct));
    }
    data_node(&node, &root, true).map(Value::Object)
}

/// The Kubernetes structural schema of a schema, for the `openAPIV3Schema` of an XRD.
///
/// Every `$ref` is inlined; every node has a `type`; `Option<T>` is `T` (not required,
/// not `nullable`); unit enums become string `enum`s; defaults, descriptions, integer
/// bounds and the formats Kubernetes knows are kept; `BTreeMap<String, T>` becomes
/// `additionalProperties`; `serde_json::Value` becomes a free-form object
/// (`x-kubernetes-preserve-unknown-fields`); sets of scalars become
/// `x-kubernetes-list-type: set`.
pub fn structural(schema: &Schema) -> Result<Value, SchemaError> {
    let (node, _) = compile(schema)?;
    Ok(Value::Object(structural_node(&node)))
}

/// A schema compiled to the intermediate form, with the path of its root (for errors).
fn compile(schema: &Schema) -> Result<(Node, FieldPath), SchemaError> {
    let root = schema.as_value();
    let type_name = root
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("<untitled schema>");
    let path = FieldPath {
        type_name: type_name.to_owned(),
        segments: Vec::new(),
    };
    let mut compiler = Compiler {
        root,
        // The root is being expanded: a `$ref` to `#` (schemars' self-reference) is a
        // cycle.
        expanding: vec!["#".to_owned()],
    };
    let node = compiler.compile(root, &path)?;
    Ok((node, path))
}

/// One schema node, with references inlined and nullability removed.
#[derive(Debug, Clone)]
struct Node {
    description: Option<String>,
    /// Never `null`: a `null` default means no default.
    default: Option<Value>,
    shape: Shape,
    /// Validation keywords Kubernetes understands (`format`, `minimum`, `pattern`, ...),
    /// in schema order.
    checks: Map<String, Value>,
    /// `x-kubernetes-*` extensions, for the structural schema only.
    extensions: Map<String, Value>,
}

#[derive(Debug, Clone)]
enum Shape {
    /// `boolean`, `integer`, `number` or `string`, with the allowed values of an enum.
    Scalar {
        ty: &'static str,
        values: Option<Vec<Value>>,
    },
    /// A struct.
    Object {
        properties: Vec<(String, Node)>,
        required: Vec<String>,
    },
    /// A list; `set` when the elements are unique.
    Array { items: Box<Node>, set: bool },
    /// A map with string keys.
    Map(Box<Node>),
    /// Anything (`serde_json::Value`).
    Any,
}

impl Shape {
    fn type_name(&self) -> &'static str {
        match self {
            Shape::Scalar { ty, .. } => ty,
            Shape::Object { .. } | Shape::Map(_) | Shape::Any => "object",
            Shape::Array { .. } => "array",
        }
    }
}

/// Where a node is, for error messages.
#[derive(Debug, Clone)]
struct FieldPath {
    type_name: String,
    segments: Vec<String>,
}

impl FieldPath {
    fn field(&self, name: &str) -> FieldPath {
        self.child(name.to_owned())
    }

    fn items(&self) -> FieldPath {
        let mut path = self.clone();
        match path.segments.last_mut() {
            Some(last) => last.push_str("[]"),
            None => path.segments.push("[]".to_owned()),
        }
        path
    }

    fn map_values(&self) -> FieldPath {
        self.child("*".to_owned())
    }

    fn child(&self, segment: String) -> FieldPath {
        let mut path = self.clone();
        path.segments.push(segment);
        path
    }

    fn error(&self, kind: SchemaErrorKind) -> SchemaError {
        SchemaError {
            type_name: self.type_name.clone(),
            path: self.segments.join("."),
            kind: Box::new(kind),
        }
    }
}

/// Keywords that document a schema and mean nothing to Kubernetes: dropped.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "$defs",
    "definitions",
    "title",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Validation keywords a structural schema accepts as they are (`format` is filtered
/// separately).
const CHECKS: &[&str] = &[
    "minimum",
    "maximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

/// The formats Kubernetes validates; schemars' others (`uint16`, `uint`, ...) are
/// rejected by the API server, and their bounds are already in `minimum`/`maximum`.
const KUBERNETES_FORMATS: &[&str] = &[
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "date",
    "date-time",
    "password",
];

/// The JSON Schema types of scalar values.
const SCALAR_TYPES: &[&str] = &["boolean", "integer", "number", "string"];

/// Keywords [`Compiler::plain`] reads itself.
const STRUCTURE: &[&str] = &[
    "type",
    "description",
    "default",
    "enum",
    "const",
    "format",
    "properties",
    "required",
    "items",
    "additionalProperties",
    "uniqueItems",
];

/// Builds [`Node`]s from the JSON Schema of one root.
struct Compiler<'a> {
    root: &'a Value,
    /// The references being inlined, outermost first: meeting one again is a cycle.
    expanding: Vec<String>,
}

impl Compiler<'_> {
    fn compile(&mut self, schema: &Value, path: &FieldPath) -> Result<Node, SchemaError> {
        let object = match schema {
            Value::Bool(true) => return Ok(Node::any()),
            Value::Bool(false) => return Err(path.error(AcceptsNothing)),
            Value::Object(object) => without_null(object),
            other => return Err(path.error(NotASchema(other.clone()))),
        };
        if let Some(reference) = object.get("$ref") {
            return self.reference(reference, &object, path);
        }
        for keyword in ["anyOf", "oneOf", "allOf"] {
            let Some(branches) = object.get(keyword) else {
                continue;
            };
            let branches = branches.as_array().map(Vec::as_slice).unwrap_or_default();
            let rest = without(&object, keyword);
            if let [only] = branches {
                // What is left of `Option<T>` once the `null` branch is gone: T, with the
                // field's own description and default on top.
                return self.compile(&overlay(only, &rest), path);
            }
            return match (keyword, unit_enum_values(branches)) {
                ("allOf", _) => Err(path.error(AllOf)),
                (_, Some(values)) => {
                    let mut merged = rest;
                    merged.insert("type".into(), "string".into());
                    merged.insert("enum".into(), Value::Array(values));
                    self.plain(&merged, path)
                }
                (_, None) => Err(path.error(SeveralSchemas {
                    keyword: keyword.to_owned(),
                })),
            };
        }
        self.plain(&object, path)
    }

    /// Inlines a `$ref`; the keywords beside it (the field's description and default)
    /// win over the referenced type's.
    fn reference(
        &mut self,
        reference: &Value,
        object: &Map<String, Value>,
        path: &FieldPath,
    ) -> Result<Node, SchemaError> {
        let reference = reference
            .as_str()
            .ok_or_else(|| path.error(RefNotAString))?;
        if self.expanding.iter().any(|r| r == reference) {
            return Err(path.error(Recursive {
                reference: reference.to_owned(),
            }));
        }
        let target = resolve(self.root, reference).ok_or_else(|| {
            path.error(MissingDefinition {
                reference: reference.to_owned(),
            })
        })?;
        let merged = overlay(target, &without(object, "$ref"));
        self.expanding.push(reference.to_owned());
        let node = self.compile(&merged, path);
        self.expanding.pop();
        node
    }

    /// A schema without `$ref` or `anyOf`/`oneOf`/`allOf`.
    fn plain(
        &mut self,
        object: &Map<String, Value>,
        path: &FieldPath,
    ) -> Result<Node, SchemaError> {
        let mut node = Node::any();
        for (key, value) in object {
            if key == "format" {
                if value
                    .as_str()
                    .is_some_and(|f| KUBERNETES_FORMATS.contains(&f))
                {
                    node.checks.insert(key.clone(), value.clone());
                }
            } else if CHECKS.contains(&key.as_str()) {
                node.checks.insert(key.clone(), value.clone());
            } else if key.starts_with("x-kubernetes-") {
                node.extensions.insert(key.clone(), value.clone());
            } else if !STRUCTURE.contains(&key.as_str()) && !ANNOTATIONS.contains(&key.as_str()) {
                return Err(unsupported_keyword(key, path));
            }
        }
        node.description = object.get("description").and_then(Value::as_str).map(prose);
        node.default = object.get("default").filter(|d| !d.is_null()).cloned();
        node.shape = match schema_type(object, path)? {
            None => Shape::Any,
            Some("object") => self.object(object, path)?,
            Some("array") => self.array(object, path)?,
            Some("null") => {
                return Err(path.error(NullType));
            }
            Some(other) => match SCALAR_TYPES.iter().find(|ty| **ty == other) {
                Some(ty) => Shape::Scalar {
                    ty,
                    values: enum_values(object),
                },
                None => {
                    return Err(path.error(UnknownType {
                        name: other.to_owned(),
                    }));
                }
            },
        };
        if !matches!(node.shape, Shape::Scalar { .. }) && enum_values(object).is_some() {
            return Err(path.error(EnumNotScalar));
        }
        Ok(node)
    }

    fn object(
        &mut self,
        object: &Map<String, Value>,
        path: &FieldPath,
    ) -> Result<Shape, SchemaError> {
        let properties = object.get("properties").and_then(Value::as_object);
        match (properties, object.get("additionalProperties")) {
            (None, Some(Value::Bool(true))) => Ok(Shape::Any),
            (None, Some(values @ Value::Object(_))) => {
                let values = self.compile(values, &path.map_values())?;
                Ok(Shape::Map(Box::new(values)))
            }
            (Some(_), Some(Value::Object(_) | Value::Bool(true))) => {
                Err(path.error(StructWithFreeKeys))
            }
            // `additionalProperties: false` (`deny_unknown_fields`) is what Kubernetes
            // does anyway: it prunes unknown fields.
            _ => {
                let mut compiled = Vec::new();
                for (name, property) in properties.into_iter().flatten() {
                    if name.starts_with('_') {
                        // KCL leaves such keys out of its output: the property would vanish
                        // from the XRD and from what the composition reads.
                        return Err(path.field(name).error(HiddenProperty));
                    }
                    compiled.push((name.clone(), self.compile(property, &path.field(name))?));
                }
                let required = object
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect();
                Ok(Shape::Object {
                    properties: compiled,
                    required,
                })
            }
        }
    }

    fn array(
        &mut self,
        object: &Map<String, Value>,
        path: &FieldPath,
    ) -> Result<Shape, SchemaError> {
        let items = object.get("items").ok_or_else(|| path.error(NoItemsType))?;
        let items = self.compile(items, &path.items())?;
        let set = object.get("uniqueItems") == Some(&Value::Bool(true));
        if set && !matches!(items.shape, Shape::Scalar { .. }) {
            return Err(path.error(NonScalarSet));
        }
        Ok(Shape::Array {
            items: Box::new(items),
            set,
        })
    }
}

impl Node {
    fn any() -> Node {
        Node {
            description: None,
            default: None,
            shape: Shape::Any,
            checks: Map::new(),
            extensions: Map::new(),
        }
    }
}

fn unsupported_keyword(key: &str, path: &FieldPath) -> SchemaError {
    match key {
        "patternProperties" | "propertyNames" => path.error(NonStringKeys),
        "prefixItems" => path.error(Tuple),
        _ => path.error(UnsupportedKeyword {
            keyword: key.to_owned(),
        }),
    }
}

/// The single type of a schema; `None` for a schema that accepts anything.
fn schema_type<'a>(
    object: &'a Map<String, Value>,
    path: &FieldPath,
) -> Result<Option<&'a str>, SchemaError> {
    match object.get("type") {
        Some(Value::String(ty)) => Ok(Some(ty)),
        Some(other) => Err(path.error(TypeNotAName { ty: other.clone() })),
        None => {
            if let Some(values) = enum_values(object) {
                return enum_type(&values)
                    .map(Some)
                    .ok_or_else(|| path.error(NoEnumType));
            }
            // Only annotations (`serde_json::Value` with a doc comment): anything.
            let annotations_only = object.keys().all(|k| {
                ["description", "default"].contains(&k.as_str())
                    || ANNOTATIONS.contains(&k.as_str())
            });
            if annotations_only {
                Ok(None)
            } else {
                Err(path.error(NoType))
            }
        }
    }
}

/// The values of `enum`, or of `const` as a one-value enum.
fn enum_values(object: &Map<String, Value>) -> Option<Vec<Value>> {
    match (object.get("enum"), object.get("const")) {
        (Some(Value::Array(values)), _) => Some(values.clone()),
        (_, Some(value)) => Some(vec![value.clone()]),
        _ => None,
    }
}

/// The JSON type all the values share.
fn enum_type(values: &[Value]) -> Option<&'static str> {
    let type_of = |value: &Value| match value {
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        Value::String(_) => Some("string"),
        _ => None,
    };
    let first = type_of(values.first()?)?;
    values
        .iter()
        .all(|v| type_of(v) == Some(first))
        .then_some(first)
}

/// The values of a unit enum as schemars writes it when variants have doc comments: a
/// `oneOf` of string `enum`s and `const`s. `None` when any branch is something else.
fn unit_enum_values(branches: &[Value]) -> Option<Vec<Value>> {
    let mut values = Vec::new();
    for branch in branches {
        let branch = branch.as_object()?;
        if branch.get("type").and_then(Value::as_str) != Some("string") {
            return None;
        }
        let allowed = ["type", "enum", "const", "description"];
        if !branch.keys().all(|k| allowed.contains(&k.as_str())) {
            return None;
        }
        values.extend(enum_values(branch)?);
    }
    let strings = !values.is_empty() && values.iter().all(Value::is_string);
    strings.then_some(values)
}

/// The schema with the `null` of `Option<T>` removed: from a `type` array
/// (`["boolean", "null"]`), from `enum` values and from `anyOf`/`oneOf` branches.
fn without_null(object: &Map<String, Value>) -> Map<String, Value> {
    let mut object = object.clone();
    if let Some(Value::Array(types)) = object.get("type") {
        let types: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        let ty = match <[Value; 1]>::try_from(types) {
            Ok([only]) => only,
            Err(types) => Value::Array(types),
        };
        object.insert("type".into(), ty);
    }
    if let Some(Value::Array(values)) = object.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    for keyword in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = object.get_mut(keyword) {
            branches.retain(|b| b.get("type").and_then(Value::as_str) != Some("null"));
        }
    }
    object
}

/// The schema a `$ref` (`#` or a JSON pointer such as `#/$defs/Name`) points to.
fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    root.pointer(reference.strip_prefix('#')?)
}

/// `base` with the keywords of `over` put on top.
fn overlay(base: &Value, over: &Map<String, Value>) -> Value {
    match base {
        Value::Object(base) => {
            let mut merged = base.clone();
            merged.extend(over.clone());
            Value::Object(merged)
        }
        // `true` accepts anything: only the keywords on top remain.
        Value::Bool(true) => Value::Object(over.clone()),
        other => other.clone(),
    }
}

fn without(object: &Map<String, Value>, key: &str) -> Map<String, Value> {
    let mut object = object.clone();
    object.shift_remove(key);
    object
}

// ---- The structural schema ----

fn structural_node(node: &Node) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("type".into(), node.shape.type_name().into());
    if let Some(description) = &node.description {
        out.insert("description".into(), description.clone().into());
    }
    if let Shape::Scalar {
        values: Some(values),
        ..
    } = &node.shape
    {
        out.insert("enum".into(), Value::Array(values.clone()));
    }
    if let Some(default) = &node.default {
        out.insert("default".into(), default.clone());
    }
    out.extend(node.checks.clone());
    match &node.shape {
        Shape::Scalar { .. } => {}
        Shape::Object {
            properties,
            required,
        } => {
            let properties = properties
                .iter()
                .map(|(name, property)| (name.clone(), Value::Object(structural_node(property))))
                .collect();
            out.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                out.insert("required".into(), strings(required));
            }
        }
        Shape::Array { items, set } => {
            out.insert("items".into(), Value::Object(structural_node(items)));
            if *set {
                // Kubernetes rejects `uniqueItems: true`; this is its way to say it.
                out.insert("x-kubernetes-list-type".into(), "set".into());
            }
        }
        Shape::Map(values) => {
            out.insert(
                "additionalProperties".into(),
                Value::Object(structural_node(values)),
            );
        }
        Shape::Any => {
            out.insert("x-kubernetes-preserve-unknown-fields".into(), true.into());
        }
    }
    out.extend(node.extensions.clone());
    out
}

fn strings(values: &[String]) -> Value {
    Value::Array(values.iter().cloned().map(Value::String).collect())
}

// ---- The data dict ----

/// The data dict of a node; `described` is false for array elements and map values,
/// whose description is their container's.
fn data_node(
    node: &Node,
    path: &FieldPath,
    described: bool,
) -> Result<Map<String, Value>, SchemaError> {
    let mut out = Map::new();
    out.insert("type".into(), node.shape.type_name().into());
    if described && let Some(description) = &node.description {
        out.insert("description".into(), description.clone().into());
    }
    match &node.shape {
        Shape::Object {
            properties,
            required,
        } => {
            let mut dicts = Map::new();
            for (name, property) in properties {
                let dict = data_node(property, &path.field(name), true)?;
                dicts.insert(name.clone(), Value::Object(dict));
            }
            out.insert("properties".into(), Value::Object(dicts));
            if let Some(default) = &node.default {
                check_implied_default(node, default, path)?;
            }
            out.insert("required".into(), strings(required));
        }
        Shape::Scalar { values, .. } => {
            if let Some(default) = &node.default {
                out.insert("default".into(), default.clone());
            }
            if let Some(values) = values {
                out.insert("enum".into(), Value::Array(values.clone()));
            }
        }
        Shape::Array { items, .. } => {
            let items_dict = data_node(items, &path.items(), false)?;
            out.insert("itemsType".into(), items.shape.type_name().into());
            if items_dict.len() > 1 {
                out.insert("items".into(), Value::Object(items_dict));
            }
            if let Some(joined) = default_array(node.default.as_ref(), path)? {
                out.insert("defaultArray".into(), joined.into());
            }
        }
        Shape::Map(values) => {
            if node
                .default
                .as_ref()
                .is_some_and(|d| d != &Value::Object(Map::new()))
            {
                return Err(path.error(MapDefault));
            }
            let values = data_node(values, &path.map_values(), false)?;
            out.insert("additionalProperties".into(), Value::Object(values));
        }
        Shape::Any => {
            if let Some(default) = &node.default {
                out.insert("default".into(), default.clone());
            }
            out.insert("x-kubernetes-preserve-unknown-fields".into(), true.into());
        }
    }
    Ok(out)
}

/// An array default as `defaultArray`: its strings joined with commas; `None` when empty.
fn default_array(default: Option<&Value>, path: &FieldPath) -> Result<Option<String>, SchemaError> {
    let Some(default) = default else {
        return Ok(None);
    };
    let mut parts = Vec::new();
    for element in default.as_array().into_iter().flatten() {
        match element.as_str() {
            Some(s) if !s.contains(',') => parts.push(s),
            _ => {
                return Err(path.error(ArrayDefault {
                    element: element.clone(),
                }));
            }
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join(",")))
}

/// A struct's default is only expressible when its fields' defaults already say it.
fn check_implied_default(
    node: &Node,
    default: &Value,
    path: &FieldPath,
) -> Result<(), SchemaError> {
    if implied_by_parts(node, default) {
        return Ok(());
    }
    Err(path.error(StructDefault {
        default: default.clone(),
    }))
}

/// Whether `value` is what the node's default, or its fields' defaults, produce.
fn implied(node: &Node, value: &Value) -> bool {
    value.is_null() || node.default.as_ref() == Some(value) || implied_by_parts(node, value)
}

/// Whether `value` is what the defaults of the node's fields produce, wherever the value
/// sets anything.
fn implied_by_parts(node: &Node, value: &Value) -> bool {
    match (&node.shape, value) {
        (Shape::Object { properties, .. }, Value::Object(fields)) => {
            fields.iter().all(|(name, field)| {
                field.is_null()
                    || properties
                        .iter()
                        .find(|(n, _)| n == name)
                        .is_some_and(|(_, property)| implied(property, field))
            })
        }
        // An empty list or map is what an absent field gives anyway.
        (Shape::Array { .. }, Value::Array(elements)) => elements.is_empty(),
        (Shape::Map(_), Value::Object(entries)) => entries.is_empty(),
        _ => false,
    }
}

/// Doc-comment text as one description: the lines of a paragraph trimmed and joined with
/// spaces, paragraphs separated by a blank line.
pub fn prose(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    lines
        .split(|line| line.is_empty())
        .filter(|paragraph| !paragraph.is_empty())
        .map(|paragraph| paragraph.join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}
