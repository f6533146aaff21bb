//! Admission of a composite resource against its XRD, without a runtime: the checks of
//! the object itself and the limits.

use serde_json::{Value, json};
use xr_admission::admission::{
    MAX_OBJECT_BYTES, MAX_REQUEST_BYTES, RetiredField, admit_xr, check_depth, check_object_size,
    check_request_size, dns1123_label_problem, dns1123_subdomain_problem, refuse_retired,
};

fn xrd() -> Value {
    json!({
        "spec": {
            "group": "example.org",
            "scope": "Namespaced",
            "names": {"kind": "Database"},
            "versions": [
                {"name": "v1", "served": false, "schema": {"openAPIV3Schema": {"type": "object"}}},
                {"name": "v2", "served": true, "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {
                        "spec": {"type": "object", "properties": {
                            "size": {"type": "string", "default": "small"}
                        }},
                        "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}}
                    }
                }}}
            ]
        }
    })
}

fn problems(mut xr: Value) -> Vec<String> {
    admit_xr(&xrd(), &mut xr)
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_valid_xr_is_admitted_with_its_defaults() {
    let mut xr = json!({
        "apiVersion": "example.org/v2",
        "kind": "Database",
        "metadata": {"name": "db.example", "namespace": null, "labels": {"team": "a"}},
        "spec": {"crossplane": {"compositionSelector": {"matchLabels": {"tier": "gold"}}}},
    });
    assert!(admit_xr(&xrd(), &mut xr).is_empty());
    assert_eq!(xr["spec"]["size"], "small");
    assert_eq!(xr["metadata"].get("namespace"), None);
}

#[test]
fn type_metadata_and_fields_are_checked_against_the_xrd() {
    assert_eq!(
        problems(json!({
            "apiVersion": "example.org/v1",
            "kind": "Pod",
            "metadata": {"name": "Db", "namespace": "a_b", "annotations": {"x": 1}},
            "spec": {"colour": "red", "crossplane": {"compositionSelector": []}},
            "extra": true,
        })),
        [
            "apiVersion: Unsupported value: \"example.org/v1\": supported values: \"example.org/v2\"",
            "kind: Unsupported value: \"Pod\": supported values: \"Database\"",
            "metadata.name: Invalid value: \"Db\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            "metadata.namespace: Invalid value: \"a_b\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            "metadata.annotations.x: Invalid value: \"integer\": metadata.annotations.x in body must be of type string: \"integer\"",
            "extra: field not declared in schema",
            "spec.colour: field not declared in schema",
            "spec.crossplane.compositionSelector: Invalid value: \"array\": spec.crossplane.compositionSelector in body must be of type object: \"array\"",
        ]
    );
    assert_eq!(
        problems(json!({"apiVersion": "example.org/v2", "kind": "Database"})),
        ["metadata.name: Required value: name is required"]
    );
}

#[test]
fn names_follow_the_dns_rules_of_the_api_server() {
    for good in ["a", "a-b.c-d", "0", &"a".repeat(253)] {
        assert_eq!(dns1123_subdomain_problem(good), None, "{good}");
    }
    for bad in ["", "A", "-a", "a-", "a..b", "a\nb", "a_b", &"a".repeat(254)] {
        assert!(dns1123_subdomain_problem(bad).is_some(), "{bad:?}");
    }
    assert_eq!(dns1123_label_problem(&"a".repeat(63)), None);
    for bad in ["a.b", &"a".repeat(64), "", "UP"] {
        assert!(dns1123_label_problem(bad).is_some(), "{bad:?}");
    }
    assert_eq!(
        dns1123_subdomain_problem(&"a".repeat(254)).as_deref(),
        Some("must be no more than 253 characters")
    );
}

#[test]
fn depth_is_checked_without_recursion_and_reported_at_its_path() {
    let mut deep = json!(1);
    for _ in 0..3 {
        deep = Value::Array(vec![deep]);
    }
    let value = json!({"a": {"b": deep}});
    assert!(check_depth(&value, 5, "spec").is_ok());
    let violation = check_depth(&value, 4, "spec").unwrap_err();
    assert_eq!(violation.path, "spec.a.b[0][0]");
    assert!(violation.message.contains('4'), "{violation}");

    let mut very_deep = json!(1);
    for _ in 0..50_000 {
        very_deep = Value::Array(vec![very_deep]);
    }
    let violation = check_depth(&very_deep, 126, "").unwrap_err();
    assert!(violation.path.starts_with("[0][0]"), "{violation}");
    assert!(
        violation.path.len() < 100,
        "a long path is shortened: {violation}"
    );
    // Dropping a Value recurses; leak this one rather than overflow the test's stack.
    std::mem::forget(very_deep);
}

#[test]
fn sizes_over_the_api_servers_limits_are_refused() {
    assert!(check_request_size(&"a".repeat(MAX_REQUEST_BYTES)).is_ok());
    let error = check_request_size(&"a".repeat(MAX_REQUEST_BYTES + 1)).unwrap_err();
    assert_eq!(error.size, MAX_REQUEST_BYTES + 1);
    assert!(error.to_string().contains("3145728"), "{error}");
    // The compact JSON of a string is its text and two quotes.
    assert!(check_object_size(&json!("a".repeat(MAX_OBJECT_BYTES - 2))).is_ok());
    let error = check_object_size(&json!("a".repeat(MAX_OBJECT_BYTES - 1))).unwrap_err();
    assert_eq!(error.size, MAX_OBJECT_BYTES + 1);
}

fn retired(path: &[&str], message: &str) -> RetiredField {
    RetiredField {
        path: path.iter().map(|key| key.to_string()).collect(),
        message: message.into(),
    }
}

#[test]
fn a_retired_field_is_refused_with_its_message_instead_of_as_undeclared() {
    let retired = [
        retired(
            &["spec", "replicas"],
            "removed: the database scales itself; delete the field",
        ),
        // Not set in the XR: nothing to say.
        retired(&["spec", "backup", "bucket"], "removed"),
    ];
    let mut xr = json!({
        "apiVersion": "example.org/v2",
        "kind": "Database",
        "metadata": {"name": "db"},
        "spec": {"replicas": 3, "size": "large"},
    });
    let refused: Vec<String> = refuse_retired(&mut xr, &retired)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        refused,
        ["spec.replicas: removed: the database scales itself; delete the field"]
    );
    // Gone from the XR, so that admission does not report it again as undeclared.
    assert!(admit_xr(&xrd(), &mut xr).is_empty());
    assert_eq!(xr["spec"], json!({"size": "large"}));
}

#[test]
fn a_retired_field_set_to_null_is_absent_as_the_api_server_prunes_it() {
    let retired = [retired(&["spec", "replicas"], "removed")];
    let mut xr = json!({"spec": {"replicas": null}});
    assert!(refuse_retired(&mut xr, &retired).is_empty());
    let mut xr = json!({"spec": "not a mapping"});
    assert!(refuse_retired(&mut xr, &retired).is_empty());
}
