//! Composed resources against CustomResourceDefinitions, with admission's structural rules.

use std::path::Path;

use kcl_render::{ComposedResource, Crds, Ready};
use serde_json::{Value, json};

fn crds() -> Crds {
    Crds::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crds"))
        .unwrap_or_else(|e| panic!("the CRDs load: {e}"))
}

fn composed(name: &str, resource: Value) -> ComposedResource {
    ComposedResource {
        name: name.to_owned(),
        resource,
        ready: Ready::Unspecified,
        step: "test".to_owned(),
    }
}

fn widget(api_version: &str, spec: Value) -> Value {
    json!({"apiVersion": api_version, "kind": "Widget", "metadata": {"name": "w", "labels": {"a": "b"}}, "spec": spec})
}

#[test]
fn a_valid_resource_has_no_problem_and_metadata_is_not_the_schemas_business() {
    let validation = crds().validate(&[composed(
        "ok",
        widget("example.org/v1", json!({"color": "red", "size": 3})),
    )]);
    assert_eq!(validation.problems, []);
    assert_eq!(validation.checked, 1);
}

#[test]
fn types_enums_required_and_undeclared_fields_are_reported_with_the_resource_and_path() {
    let validation = crds().validate(&[
        composed(
            "first",
            widget(
                "example.org/v1",
                json!({"color": "green", "size": "big", "shape": "round"}),
            ),
        ),
        composed("second", widget("example.org/v1", json!({}))),
    ]);
    let problems: Vec<String> = validation
        .problems
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "`first` (example.org/v1 Widget): spec.color: Unsupported value: \"green\": supported values: \"red\", \"blue\"",
            "`first` (example.org/v1 Widget): spec.size: Invalid value: \"string\": spec.size in body must be of type integer: \"string\"",
            "`first` (example.org/v1 Widget): spec.shape: field not declared in schema",
            "`second` (example.org/v1 Widget): spec.color: Required value",
        ]
    );
}

#[test]
fn a_version_the_crd_does_not_serve_is_a_problem_and_kinds_without_a_crd_are_named() {
    let validation = crds().validate(&[
        composed(
            "old",
            widget("example.org/v1alpha1", json!({"color": "red"})),
        ),
        composed(
            "config",
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}),
        ),
    ]);
    assert_eq!(validation.problems.len(), 1);
    assert_eq!(validation.problems[0].path, "apiVersion");
    assert!(
        validation.problems[0]
            .message
            .contains("serves no version v1alpha1 (it serves v1)"),
        "{}",
        validation.problems[0]
    );
    assert_eq!(
        validation.without_crd.iter().collect::<Vec<_>>(),
        ["v1 ConfigMap"]
    );
}
