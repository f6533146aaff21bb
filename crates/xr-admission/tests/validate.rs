//! Admission as the API server does it: prune nulls, apply defaults, validate.

use serde_json::{Value, json};
use xr_admission::validate::{Violation, admit, validate};

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

fn keywords_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 5},
            "replicas": {"type": "integer", "multipleOf": 2},
            "ratio": {"type": "number", "multipleOf": 0.5},
            "zones": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
            "ports": {"type": "array", "items": {"type": "integer"}, "uniqueItems": true},
            "address": {"type": "string", "format": "ipv4"},
            "network": {"type": "string", "format": "cidr"},
            "since": {"type": "string", "format": "date-time"},
            "day": {"type": "string", "format": "date"},
            "blob": {"type": "string", "format": "byte"},
            "timeout": {"type": "string", "format": "duration"},
            "id": {"type": "string", "format": "uuid"},
            "note": {"type": "string", "format": "no-such-format"},
            "size": {"type": "integer"},
            "owner": {"type": "string", "nullable": true}
        }
    })
}

#[test]
fn pattern_multiple_of_unique_items_and_format_are_enforced() {
    let value = json!({
        "name": "Web-1",
        "replicas": 3,
        "ratio": 0.7,
        "zones": ["a", "b", "a"],
        "ports": [80, 80],
        "address": "10.0.0.300",
        "network": "10.0.0.0/33",
        "since": "yesterday",
        "day": "2024-02-30x",
        "blob": "not base64!",
        "timeout": "forever",
        "id": "not-a-uuid",
        "note": "anything goes",
    });
    assert_eq!(
        messages(&validate(&keywords_schema(), &value, "spec")),
        [
            "spec.name: Invalid value: \"Web-1\": spec.name in body should match '^[a-z]+$'",
            "spec.replicas: Invalid value: 3: spec.replicas in body should be a multiple of 2",
            "spec.ratio: Invalid value: 0.7: spec.ratio in body should be a multiple of 0.5",
            "spec.zones[2]: Duplicate value: \"a\"",
            "spec.ports[1]: Duplicate value: 80",
            "spec.address: Invalid value: \"10.0.0.300\": spec.address in body must be of type ipv4: \"10.0.0.300\"",
            "spec.network: Invalid value: \"10.0.0.0/33\": spec.network in body must be of type cidr: \"10.0.0.0/33\"",
            "spec.since: Invalid value: \"yesterday\": spec.since in body must be of type date-time: \"yesterday\"",
            "spec.day: Invalid value: \"2024-02-30x\": spec.day in body must be of type date: \"2024-02-30x\"",
            "spec.blob: Invalid value: \"not base64!\": spec.blob in body must be of type byte: \"not base64!\"",
            "spec.timeout: Invalid value: \"forever\": spec.timeout in body must be of type duration: \"forever\"",
            "spec.id: Invalid value: \"not-a-uuid\": spec.id in body must be of type uuid: \"not-a-uuid\"",
        ]
    );
}

#[test]
fn values_that_meet_the_keywords_are_admitted() {
    let value = json!({
        "name": "web",
        "replicas": 4,
        "ratio": 1.5,
        "zones": ["a", "b"],
        "ports": [80, 443],
        "address": "10.0.0.1",
        "network": "10.0.0.0/8",
        "since": "2024-02-29T10:00:00Z",
        "day": "2024-02-29",
        "blob": "aGVsbG8=",
        "timeout": "1h30m",
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "owner": null,
    });
    assert_eq!(
        messages(&validate(&keywords_schema(), &value, "spec")),
        Vec::<String>::new()
    );
}

#[test]
fn integers_beyond_64_bits_are_not_integers() {
    let value = json!({"size": 18_446_744_073_709_551_615_u64});
    let problems = messages(&validate(&keywords_schema(), &value, "spec"));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("spec.size: ") && problems[0].contains("integer"),
        "{problems:?}"
    );
    let value = json!({"size": i64::MAX});
    assert!(validate(&keywords_schema(), &value, "spec").is_empty());
}

#[test]
fn whole_floats_beyond_64_bits_are_not_integers_and_the_message_gives_the_range() {
    // JSON has no 64-bit form for 2^64: it reads as a float, which JSON Schema would count
    // as an integer.
    for (text, written) in [
        ("18446744073709551616", "18446744073709551616"),
        ("-1e19", "-10000000000000000000"),
    ] {
        let value = json!({"size": serde_json::from_str::<Value>(text).unwrap()});
        assert_eq!(
            messages(&validate(&keywords_schema(), &value, "spec")),
            [format!(
                "spec.size: Invalid value: {written}: spec.size in body must be of type integer: \
                 out of the range of 64-bit integers (-9223372036854775808 to 9223372036854775807)"
            )]
        );
    }
}

#[test]
fn whole_floats_below_2_to_the_53_are_integers_as_the_api_server_reads_them() {
    // The API server reads `3.0` as a float and takes it for an integer when it is whole
    // and within 2^53 - 1, where floats hold every integer; it stores it as the integer.
    for (text, integer) in [
        ("3.0", json!(3)),
        ("-4e2", json!(-400)),
        ("9007199254740991.0", json!(9_007_199_254_740_991_i64)),
    ] {
        let mut value =
            json!({"size": serde_json::from_str::<Value>(text).unwrap(), "ports": [80.0]});
        assert_eq!(
            messages(&admit(&keywords_schema(), &mut value, "spec")),
            Vec::<String>::new(),
            "{text}"
        );
        assert_eq!(value, json!({"size": integer, "ports": [80]}), "{text}");
    }
    // Beyond 2^53 a float is not taken for an integer, nor is a fraction; a float in a
    // field of type number stays a float.
    for text in ["1e18", "2.5", "9007199254740992.0"] {
        let mut value = json!({"size": serde_json::from_str::<Value>(text).unwrap(), "ratio": 2.0});
        assert_eq!(
            messages(&admit(&keywords_schema(), &mut value, "spec")),
            [
                "spec.size: Invalid value: \"number\": spec.size in body must be of type integer: \"number\""
            ],
            "{text}"
        );
        assert_eq!(value["ratio"], json!(2.0));
    }
}

#[test]
fn a_value_of_the_wrong_type_is_reported_once() {
    let value = json!({"name": 5, "zones": "a"});
    assert_eq!(
        messages(&validate(&keywords_schema(), &value, "spec")),
        [
            "spec.name: Invalid value: \"integer\": spec.name in body must be of type string: \"integer\"",
            "spec.zones: Invalid value: \"string\": spec.zones in body must be of type array: \"string\"",
        ]
    );
}
