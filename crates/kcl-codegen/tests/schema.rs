//! The schema compiler: Rust types with serde attributes and doc comments, through
//! schemars, to the dot-format data dict and to a Kubernetes structural schema.

use std::collections::{BTreeMap, BTreeSet};

use kcl_codegen::schema::{SchemaError, SchemaErrorKind, data_dict, structural};
use schemars::{JsonSchema, Schema, json_schema, schema_for};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

fn default_access_key() -> String {
    "accessKeyID".into()
}

fn default_namespaces() -> Vec<String> {
    vec!["dev".into(), "production".into()]
}

fn default_replicas() -> u16 {
    2
}

/// Install the secret store operator (SSO)
#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SecretStore {
    /// Whether the app is installed.
    #[serde(default)]
    enabled: bool,
    /// Whether to create secret store.
    store: Option<bool>,
    /// The key of the AWS access key ID in the secret.
    #[serde(default = "default_access_key")]
    aws_access_key_id_key: String,
    /// Namespaces to create.
    #[serde(default = "default_namespaces")]
    namespaces: Vec<String>,
    /// The size of the nodes.
    #[serde(default)]
    node_size: NodeSize,
    /// How many operator replicas run.
    #[schemars(default = "default_replicas")]
    replicas: u16,
    /// How the operator scales.
    scaling: Option<Scaling>,
    limits: Limits,
    /// Secrets to copy into the cluster.
    #[serde(default)]
    secrets: Vec<Secret>,
    /// Labels put on every secret.
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

/// The size of a node.
#[derive(JsonSchema, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
enum NodeSize {
    #[default]
    Small,
    Medium,
    Large,
}

/// Scaling settings.
#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Scaling {
    /// The fewest replicas.
    min_replicas: u32,
    /// The most replicas.
    #[serde(default = "default_replicas")]
    max_replicas: u16,
}

/// Resource limits.
#[derive(JsonSchema, Serialize, Deserialize)]
struct Limits {
    cpu: Option<String>,
}

/// A secret to copy.
#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Secret {
    /// The name of the secret.
    name: String,
    /// The key in the secret store.
    store_key: Option<String>,
}

#[test]
fn data_dict_follows_the_dot_format() {
    let dict = data_dict(&schema_for!(SecretStore)).unwrap();
    let expected = json!({
        "type": "object",
        "description": "Install the secret store operator (SSO)",
        "properties": {
            "enabled": {
                "type": "boolean",
                "description": "Whether the app is installed.",
                "default": false
            },
            "store": {"type": "boolean", "description": "Whether to create secret store."},
            "awsAccessKeyIdKey": {
                "type": "string",
                "description": "The key of the AWS access key ID in the secret.",
                "default": "accessKeyID"
            },
            "namespaces": {
                "type": "array",
                "description": "Namespaces to create.",
                "itemsType": "string",
                "defaultArray": "dev,production"
            },
            "nodeSize": {
                "type": "string",
                "description": "The size of the nodes.",
                "default": "small",
                "enum": ["small", "medium", "large"]
            },
            "replicas": {
                "type": "integer",
                "description": "How many operator replicas run.",
                "default": 2
            },
            "scaling": {
                "type": "object",
                "description": "How the operator scales.",
                "properties": {
                    "minReplicas": {"type": "integer", "description": "The fewest replicas."},
                    "maxReplicas": {
                        "type": "integer",
                        "description": "The most replicas.",
                        "default": 2
                    }
                },
                "required": ["minReplicas"]
            },
            "limits": {
                "type": "object",
                "description": "Resource limits.",
                "properties": {"cpu": {"type": "string"}},
                "required": []
            },
            "secrets": {
                "type": "array",
                "description": "Secrets to copy into the cluster.",
                "itemsType": "object",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "description": "The name of the secret."},
                        "storeKey": {
                            "type": "string",
                            "description": "The key in the secret store."
                        }
                    },
                    "required": ["name"]
                }
            },
            "labels": {
                "type": "object",
                "description": "Labels put on every secret.",
                "additionalProperties": {"type": "string"}
            }
        },
        "required": ["limits"]
    });
    assert_eq!(dict, expected);
}

#[test]
fn data_dict_keeps_field_order_and_key_order() {
    let dict = data_dict(&schema_for!(SecretStore)).unwrap();
    let fields: Vec<&String> = dict["properties"].as_object().unwrap().keys().collect();
    assert_eq!(
        fields,
        [
            "enabled",
            "store",
            "awsAccessKeyIdKey",
            "namespaces",
            "nodeSize",
            "replicas",
            "scaling",
            "limits",
            "secrets",
            "labels"
        ]
    );
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        keys(&dict),
        ["type", "description", "properties", "required"]
    );
    assert_eq!(
        keys(&dict["properties"]["nodeSize"]),
        ["type", "description", "default", "enum"]
    );
    assert_eq!(
        keys(&dict["properties"]["namespaces"]),
        ["type", "description", "itemsType", "defaultArray"]
    );
}

#[test]
fn structural_schema_inlines_references_and_drops_nullability() {
    let schema = structural(&schema_for!(SecretStore)).unwrap();
    let expected = json!({
        "type": "object",
        "description": "Install the secret store operator (SSO)",
        "properties": {
            "enabled": {
                "type": "boolean",
                "description": "Whether the app is installed.",
                "default": false
            },
            "store": {"type": "boolean", "description": "Whether to create secret store."},
            "awsAccessKeyIdKey": {
                "type": "string",
                "description": "The key of the AWS access key ID in the secret.",
                "default": "accessKeyID"
            },
            "namespaces": {
                "type": "array",
                "description": "Namespaces to create.",
                "default": ["dev", "production"],
                "items": {"type": "string"}
            },
            "nodeSize": {
                "type": "string",
                "description": "The size of the nodes.",
                "enum": ["small", "medium", "large"],
                "default": "small"
            },
            "replicas": {
                "type": "integer",
                "description": "How many operator replicas run.",
                "default": 2,
                "minimum": 0,
                "maximum": 65535
            },
            "scaling": {
                "type": "object",
                "description": "How the operator scales.",
                "properties": {
                    "minReplicas": {
                        "type": "integer",
                        "description": "The fewest replicas.",
                        "minimum": 0
                    },
                    "maxReplicas": {
                        "type": "integer",
                        "description": "The most replicas.",
                        "default": 2,
                        "minimum": 0,
                        "maximum": 65535
                    }
                },
                "required": ["minReplicas"]
            },
            "limits": {
                "type": "object",
                "description": "Resource limits.",
                "properties": {"cpu": {"type": "string"}}
            },
            "secrets": {
                "type": "array",
                "description": "Secrets to copy into the cluster.",
                "default": [],
                "items": {
                    "type": "object",
                    "description": "A secret to copy.",
                    "properties": {
                        "name": {"type": "string", "description": "The name of the secret."},
                        "storeKey": {
                            "type": "string",
                            "description": "The key in the secret store."
                        }
                    },
                    "required": ["name"]
                }
            },
            "labels": {
                "type": "object",
                "description": "Labels put on every secret.",
                "default": {},
                "additionalProperties": {"type": "string"}
            }
        },
        "required": ["limits"]
    });
    assert_eq!(schema, expected);
}

/// Formats, free-form values, sets and the documented variants of a unit enum.
#[derive(JsonSchema, Serialize, Deserialize)]
struct Odds {
    small: i32,
    big: i64,
    tiny: u8,
    ratio: f64,
    /// Anything at all.
    extra: serde_json::Value,
    object: serde_json::Map<String, Value>,
    tags: BTreeSet<String>,
    mode: Option<Mode>,
    #[serde(default)]
    matrix: Vec<Vec<u8>>,
}

// schemars writes the undocumented variants first, as one `enum`, then one `const` per
// documented variant: the declaration order is lost before the compiler sees it.
/// How to run.
#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Mode {
    /// Fast and loose.
    Fast,
    Safe,
    Careful,
}

#[test]
fn structural_schema_keeps_kubernetes_formats_and_marks_free_form_values() {
    let schema = structural(&schema_for!(Odds)).unwrap();
    let expected = json!({
        "type": "object",
        "description": "Formats, free-form values, sets and the documented variants of a unit enum.",
        "properties": {
            "small": {"type": "integer", "format": "int32"},
            "big": {"type": "integer", "format": "int64"},
            "tiny": {"type": "integer", "minimum": 0, "maximum": 255},
            "ratio": {"type": "number", "format": "double"},
            "extra": {
                "type": "object",
                "description": "Anything at all.",
                "x-kubernetes-preserve-unknown-fields": true
            },
            "object": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
            "tags": {
                "type": "array",
                "items": {"type": "string"},
                "x-kubernetes-list-type": "set"
            },
            "mode": {
                "type": "string",
                "description": "How to run.",
                "enum": ["safe", "careful", "fast"]
            },
            "matrix": {
                "type": "array",
                "default": [],
                "items": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 0, "maximum": 255}
                }
            }
        },
        "required": ["small", "big", "tiny", "ratio", "extra", "object", "tags"]
    });
    assert_eq!(schema, expected);
}

#[test]
fn data_dict_describes_free_form_values_nested_arrays_and_documented_enums() {
    let dict = data_dict(&schema_for!(Odds)).unwrap();
    assert_eq!(
        dict["properties"]["extra"],
        json!({
            "type": "object",
            "description": "Anything at all.",
            "x-kubernetes-preserve-unknown-fields": true
        })
    );
    assert_eq!(
        dict["properties"]["mode"],
        json!({
            "type": "string",
            "description": "How to run.",
            "enum": ["safe", "careful", "fast"]
        })
    );
    assert_eq!(
        dict["properties"]["matrix"],
        json!({"type": "array", "itemsType": "array", "items": {"type": "array", "itemsType": "integer"}})
    );
    assert_eq!(
        dict["properties"]["tags"],
        json!({"type": "array", "itemsType": "string"})
    );
}

/// A struct field whose own doc comment differs from its type's.
#[derive(JsonSchema, Serialize, Deserialize)]
struct Documented {
    /// The field's words.
    scaling: Scaling,
    /// The optional field's words.
    maybe: Option<Scaling>,
    undocumented: Scaling,
}

#[test]
fn field_description_wins_over_the_referenced_type() {
    for output in [
        data_dict(&schema_for!(Documented)).unwrap(),
        structural(&schema_for!(Documented)).unwrap(),
    ] {
        let properties = &output["properties"];
        assert_eq!(properties["scaling"]["description"], "The field's words.");
        assert_eq!(
            properties["maybe"]["description"],
            "The optional field's words."
        );
        assert_eq!(
            properties["undocumented"]["description"],
            "Scaling settings."
        );
    }
}

/// Defaults of a struct-typed field.
#[derive(JsonSchema, Serialize, Deserialize)]
struct WithStructDefault {
    #[serde(default)]
    window: Window,
}

#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Window {
    seconds: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
}

impl Default for Window {
    fn default() -> Self {
        Window {
            seconds: 30,
            label: None,
        }
    }
}

#[test]
fn struct_default_implied_by_its_fields_is_left_out_of_the_data_dict() {
    let schema = schema_for!(WithStructDefault);
    assert_eq!(
        data_dict(&schema).unwrap()["properties"]["window"],
        json!({
            "type": "object",
            "properties": {
                "seconds": {"type": "integer", "default": 30},
                "label": {"type": "string"}
            },
            "required": []
        })
    );
    assert_eq!(
        structural(&schema).unwrap()["properties"]["window"]["default"],
        json!({"seconds": 30})
    );
}

#[derive(JsonSchema, Serialize, Deserialize, Default)]
struct Counter {
    count: u32,
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct WithUnimpliedDefault {
    #[serde(default)]
    counter: Counter,
}

#[test]
fn struct_default_not_implied_by_its_fields_is_a_data_dict_error() {
    let schema = schema_for!(WithUnimpliedDefault);
    let error = data_dict(&schema).unwrap_err();
    assert_names(&error, "WithUnimpliedDefault", "counter");
    assert_eq!(
        *error.kind,
        SchemaErrorKind::StructDefault {
            default: json!({"count": 0})
        },
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        "WithUnimpliedDefault.counter: the data dict cannot express the struct default \
         `{\"count\":0}`: give each of its fields that default instead (for example \
         `#[serde(default)]` on the struct)"
    );
    // Kubernetes applies object defaults itself: the structural schema keeps it.
    assert_eq!(
        structural(&schema).unwrap()["properties"]["counter"]["default"],
        json!({"count": 0})
    );
}

fn default_ports() -> Vec<u16> {
    vec![80, 443]
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct WithNumberListDefault {
    #[serde(default = "default_ports")]
    ports: Vec<u16>,
}

#[test]
fn array_default_of_numbers_is_a_data_dict_error() {
    let error = data_dict(&schema_for!(WithNumberListDefault)).unwrap_err();
    assert_names(&error, "WithNumberListDefault", "ports");
    assert_eq!(
        *error.kind,
        SchemaErrorKind::ArrayDefault { element: json!(80) },
        "{error}"
    );
}

#[test]
fn data_dict_of_a_non_struct_is_an_error() {
    let error = data_dict(&schema_for!(Mode)).unwrap_err();
    assert_names(&error, "Mode", "");
    assert_eq!(*error.kind, SchemaErrorKind::NotAStruct, "{error}");
}

#[test]
fn structural_outputs_are_structural() {
    let schemas = [
        schema_for!(SecretStore),
        schema_for!(Odds),
        schema_for!(Documented),
        schema_for!(WithStructDefault),
        schema_for!(WithUnimpliedDefault),
        schema_for!(WithNumberListDefault),
    ];
    for schema in schemas {
        assert_structural(&structural(&schema).unwrap(), "");
    }
}

/// Fails unless every node has a `type`, and no node has `$ref`, `anyOf`, `oneOf`,
/// `allOf`, `nullable`, `$defs`, `$schema` or `title`.
fn assert_structural(node: &Value, path: &str) {
    let object = node
        .as_object()
        .unwrap_or_else(|| panic!("{path}: not an object"));
    assert!(
        object.get("type").is_some_and(Value::is_string),
        "{path}: no single type in {node}"
    );
    for forbidden in [
        "$ref", "anyOf", "oneOf", "allOf", "nullable", "$defs", "$schema", "title",
    ] {
        assert!(
            !object.contains_key(forbidden),
            "{path}: `{forbidden}` in {node}"
        );
    }
    if let Some(properties) = object.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            assert_structural(property, &format!("{path}.{name}"));
        }
    }
    if let Some(items) = object.get("items") {
        assert_structural(items, &format!("{path}[]"));
    }
    if let Some(values) = object.get("additionalProperties") {
        assert_structural(values, &format!("{path}.*"));
    }
}

// ---- Shapes a structural schema cannot express ----

fn assert_names(error: &SchemaError, type_name: &str, path: &str) {
    assert_eq!(error.type_name, type_name, "{error}");
    assert_eq!(error.path, path, "{error}");
    let shown = error.to_string();
    let full = if path.is_empty() {
        type_name.to_owned()
    } else {
        format!("{type_name}.{path}")
    };
    assert!(shown.starts_with(&format!("{full}: ")), "{shown}");
}

/// Both outputs fail with the same error.
fn both_fail(schema: &Schema) -> SchemaError {
    let from_dict = data_dict(schema).unwrap_err();
    let from_structural = structural(schema).unwrap_err();
    assert_eq!(from_dict, from_structural);
    from_dict
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct ScalingWithIntegerKeys {
    limits: IntegerKeyedLimits,
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct IntegerKeyedLimits {
    max: BTreeMap<u32, String>,
}

#[test]
fn map_with_non_string_keys_is_an_error() {
    let error = both_fail(&schema_for!(ScalingWithIntegerKeys));
    assert_names(&error, "ScalingWithIntegerKeys", "limits.max");
    assert_eq!(*error.kind, SchemaErrorKind::NonStringKeys, "{error}");
}

#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(untagged)]
enum Port {
    Number(u16),
    Name(String),
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct WithUntagged {
    ports: Vec<Port>,
}

#[test]
fn untagged_enum_is_an_error() {
    let error = both_fail(&schema_for!(WithUntagged));
    assert_names(&error, "WithUntagged", "ports[]");
    assert!(
        matches!(*error.kind, SchemaErrorKind::SeveralSchemas { .. }),
        "{error}"
    );
}

#[derive(JsonSchema, Serialize, Deserialize)]
enum Source {
    Git { url: String },
    Helm(String),
    None,
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct WithExternallyTagged {
    source: Source,
}

#[test]
fn externally_tagged_enum_with_data_is_an_error() {
    let error = both_fail(&schema_for!(WithExternallyTagged));
    assert_names(&error, "WithExternallyTagged", "source");
    assert!(
        matches!(*error.kind, SchemaErrorKind::SeveralSchemas { .. }),
        "{error}"
    );
}

#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(tag = "kind")]
enum Backend {
    Service { name: String },
    Url { url: String },
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct WithInternallyTagged {
    backend: Option<Backend>,
}

#[test]
fn internally_tagged_enum_is_an_error() {
    let error = both_fail(&schema_for!(WithInternallyTagged));
    assert_names(&error, "WithInternallyTagged", "backend");
    assert!(
        matches!(*error.kind, SchemaErrorKind::SeveralSchemas { .. }),
        "{error}"
    );
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct Tree {
    children: Vec<Tree>,
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct Forest {
    tree: Option<Tree>,
}

#[test]
fn recursive_type_is_an_error() {
    let error = both_fail(&schema_for!(Tree));
    assert_names(&error, "Tree", "children[]");
    // The root type refers to itself as `#`.
    assert_eq!(
        *error.kind,
        SchemaErrorKind::Recursive {
            reference: "#".into()
        },
        "{error}"
    );

    let error = both_fail(&schema_for!(Forest));
    assert_names(&error, "Forest", "tree.children[]");
    assert_eq!(
        *error.kind,
        SchemaErrorKind::Recursive {
            reference: "#/$defs/Tree".into()
        },
        "{error}"
    );
}

#[test]
fn reference_to_a_missing_definition_is_an_error() {
    let schema = json_schema!({
        "title": "Broken",
        "type": "object",
        "properties": {"scaling": {"$ref": "#/$defs/Scaling"}}
    });
    let error = both_fail(&schema);
    assert_names(&error, "Broken", "scaling");
    assert_eq!(
        *error.kind,
        SchemaErrorKind::MissingDefinition {
            reference: "#/$defs/Scaling".into()
        },
        "{error}"
    );
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct WithUnit {
    nested: HasUnit,
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct HasUnit {
    nothing: (),
}

#[test]
fn node_without_determinable_type_is_an_error() {
    let error = both_fail(&schema_for!(WithUnit));
    assert_names(&error, "WithUnit", "nested.nothing");
    assert_eq!(*error.kind, SchemaErrorKind::NullType, "{error}");

    let schema = json_schema!({
        "title": "Bare",
        "type": "object",
        "properties": {"size": {"minimum": 1}}
    });
    let error = both_fail(&schema);
    assert_names(&error, "Bare", "size");
    assert_eq!(*error.kind, SchemaErrorKind::NoType, "{error}");
    assert_eq!(
        error.to_string(),
        "Bare.size: no determinable type: the schema has no `type`"
    );
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct WithTuple {
    pair: (String, u8),
}

#[test]
fn tuple_is_an_error() {
    let error = both_fail(&schema_for!(WithTuple));
    assert_names(&error, "WithTuple", "pair");
    assert_eq!(*error.kind, SchemaErrorKind::Tuple, "{error}");
}

#[test]
fn a_property_kcl_would_drop_from_its_output_is_an_error_naming_it() {
    /// Settings.
    #[derive(JsonSchema)]
    #[allow(dead_code)]
    struct Settings {
        /// A hidden value.
        #[serde(rename = "_token")]
        token: String,
    }
    let schema = schema_for!(Settings);
    for error in [
        data_dict(&schema).unwrap_err(),
        structural(&schema).unwrap_err(),
    ] {
        assert_eq!(error.path, "_token", "{error}");
        assert_eq!(*error.kind, SchemaErrorKind::HiddenProperty, "{error}");
    }
}
