//! Admission as the API server does it: prune nulls, apply defaults, validate.

use kcl_codegen::validate::{Violation, admit, validate};
use serde_json::{Value, json};

fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "nodeSize": {"type": "string", "enum": ["small", "medium", "large"], "default": "small"},
            "minNodeCount": {"type": "integer", "minimum": 1, "default": 1},
            "namespaces": {"type": "array", "items": {"type": "string"}, "default": ["dev"]},
            "apps": {
                "type": "object",
                "properties": {
                    "redis": {
                        "type": "object",
                        "properties": {
                            "enabled": {"type": "boolean", "default": false},
                            "httpAddon": {"type": "boolean", "default": true}
                        }
                    }
                }
            },
            "creds": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "keys": {"type": "array", "items": {"type": "string"}, "maxItems": 2}}
            },
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
        }
    })
}

fn messages(violations: &[Violation]) -> Vec<String> {
    violations.iter().map(Violation::to_string).collect()
}

#[test]
fn defaults_fill_absent_fields_of_present_objects_only() {
    let mut value = json!({"apps": {"redis": {"enabled": true}}});
    assert!(admit(&schema(), &mut value, "spec.parameters").is_empty());
    assert_eq!(
        value,
        json!({
            "apps": {"redis": {"enabled": true, "httpAddon": true}},
            "nodeSize": "small",
            "minNodeCount": 1,
            "namespaces": ["dev"]
        })
    );
}

#[test]
fn nulls_count_as_absent_and_take_the_default() {
    let mut value = json!({"apps": null, "nodeSize": null});
    assert!(admit(&schema(), &mut value, "p").is_empty());
    assert_eq!(value.get("apps"), None);
    assert_eq!(value["nodeSize"], "small");
    let mut value = json!({"apps": {"redis": {"enabled": null}}});
    assert!(admit(&schema(), &mut value, "p").is_empty());
    assert_eq!(value["apps"]["redis"]["enabled"], false);
}

#[test]
fn every_problem_is_reported_with_its_path() {
    let mut value = json!({
        "nodeSize": "huge",
        "minNodeCount": "two",
        "apps": {"redis": {"enabled": "yes"}, "redisa": {}},
        "creds": {"keys": ["a", "b", "c"]},
        "labels": {"team": 7}
    });
    assert_eq!(
        messages(&admit(&schema(), &mut value, "spec.parameters")),
        [
            "spec.parameters.nodeSize: Unsupported value: \"huge\": supported values: \"small\", \"medium\", \"large\"",
            "spec.parameters.minNodeCount: Invalid value: \"string\": spec.parameters.minNodeCount in body must be of type integer: \"string\"",
            "spec.parameters.apps.redis.enabled: Invalid value: \"string\": spec.parameters.apps.redis.enabled in body must be of type boolean: \"string\"",
            "spec.parameters.apps.redisa: field not declared in schema",
            "spec.parameters.creds.name: Required value",
            "spec.parameters.creds.keys: Invalid value: 3: spec.parameters.creds.keys in body should have at most 2 items",
            "spec.parameters.labels.team: Invalid value: \"integer\": spec.parameters.labels.team in body must be of type string: \"integer\"",
        ]
    );
}

#[test]
fn bounds_and_list_items_are_checked() {
    let violations = validate(
        &schema(),
        &json!({"minNodeCount": 0, "namespaces": ["a", 1]}),
        "p",
    );
    assert_eq!(
        messages(&violations),
        [
            "p.minNodeCount: Invalid value: 0: p.minNodeCount in body should be greater than or equal to 1",
            "p.namespaces[1]: Invalid value: \"integer\": p.namespaces[1] in body must be of type string: \"integer\"",
        ]
    );
}

#[test]
fn preserved_unknown_fields_are_accepted() {
    assert!(
        validate(
            &schema(),
            &json!({"extra": {"anything": {"at": "all"}}}),
            "p"
        )
        .is_empty()
    );
}
