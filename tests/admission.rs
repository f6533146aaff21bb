//! Admission as the API server would do it, through the library and the real KCL
//! runtime: what the XR must be (type, metadata, spec), the schema's keywords, the sizes
//! the API server and etcd take, the depth KCL reads, and messages in plain words.

use std::time::{Duration, Instant};

use dot_kubernetes::render::{Observed, RenderError};
use dot_kubernetes_apps::Provider;
use serde_json::{Value, json};
use xr_admission::admission::{MAX_OBJECT_BYTES, MAX_REQUEST_BYTES};

use crate::common::{composition, pipeline};

/// A valid XR with `change` applied to it.
fn xr(change: impl FnOnce(&mut Value)) -> Value {
    let mut xr = json!({
        "apiVersion": "devopstoolkit.ai/v2",
        "kind": "Cluster",
        "metadata": {"name": "a-cluster", "namespace": "a-team"},
        "spec": {
            "crossplane": {"compositionSelector": {"matchLabels": {"provider": "aws"}}},
            "parameters": {},
        },
    });
    change(&mut xr);
    xr
}

/// The violations of an XR that must be refused as invalid, as `path: message` lines.
fn violations(xr: Value) -> Vec<String> {
    match composition().render(xr, None) {
        Err(RenderError::Invalid(violations)) => {
            violations.iter().map(ToString::to_string).collect()
        }
        other => panic!("expected RenderError::Invalid, got {other:?}"),
    }
}

/// The one violation of an XR, which must be at `path`.
fn violation_at(xr: Value, path: &str) -> String {
    let found = violations(xr);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(&format!("{path}: ")),
        "expected a problem at {path}: {found:?}"
    );
    found[0].clone()
}

#[test]
fn a_crossplane_section_that_is_not_a_mapping_is_invalid_not_a_crash() {
    let cases = [
        (json!("x"), "spec.crossplane"),
        (
            json!({"compositionSelector": 5}),
            "spec.crossplane.compositionSelector",
        ),
        (
            json!({"compositionSelector": {"matchLabels": ["aws"]}}),
            "spec.crossplane.compositionSelector.matchLabels",
        ),
    ];
    for (crossplane, path) in cases {
        for provider in [None, Some(Provider::Aws)] {
            let xr = xr(|xr| xr["spec"]["crossplane"] = crossplane.clone());
            match composition().render(xr, provider) {
                Err(RenderError::Invalid(found)) => {
                    assert_eq!(found.len(), 1, "{found:?}");
                    assert_eq!(found[0].path, path, "{found:?}");
                    assert!(
                        found[0].message.contains("must be of type object"),
                        "{found:?}"
                    );
                }
                other => panic!("expected RenderError::Invalid at {path}, got {other:?}"),
            }
        }
    }
}

#[test]
fn a_provider_label_that_is_not_a_string_says_so() {
    let message = violation_at(
        xr(|xr| {
            xr["spec"]["crossplane"]["compositionSelector"]["matchLabels"]["provider"] = json!(5)
        }),
        "spec.crossplane.compositionSelector.matchLabels.provider",
    );
    assert!(message.contains("must be of type string"), "{message}");
}

#[test]
fn api_version_and_kind_must_be_the_xrds() {
    let message = violation_at(xr(|xr| xr["kind"] = json!("Pod")), "kind");
    assert!(
        message.contains("\"Pod\"") && message.contains("\"Cluster\""),
        "{message}"
    );
    let message = violation_at(xr(|xr| xr["apiVersion"] = json!("v1")), "apiVersion");
    assert!(message.contains("\"devopstoolkit.ai/v2\""), "{message}");
    violation_at(
        xr(|xr| {
            xr.as_object_mut().unwrap().remove("kind");
        }),
        "kind",
    );
}

#[test]
fn metadata_name_must_be_a_dns_subdomain_and_namespace_a_dns_label() {
    for name in ["", "Upper", "a\nb", "-local", "a_b", &"a".repeat(254)] {
        let message = violation_at(
            xr(|xr| xr["metadata"]["name"] = json!(name)),
            "metadata.name",
        );
        assert!(!message.is_empty());
    }
    // The longest name the API server takes, and dots.
    for name in ["a".repeat(253), "my.cluster-01".to_owned()] {
        let name_ = name.clone();
        let result = composition().render(xr(|xr| xr["metadata"]["name"] = json!(name_)), None);
        assert!(result.is_ok(), "{name}: {result:?}");
    }
    for namespace in [
        json!(["a"]),
        json!(5),
        json!("Team_A"),
        json!("a.b"),
        json!("a".repeat(64)),
    ] {
        violation_at(
            xr(|xr| xr["metadata"]["namespace"] = namespace.clone()),
            "metadata.namespace",
        );
    }
    violation_at(xr(|xr| xr["metadata"]["name"] = json!(7)), "metadata.name");
    violation_at(
        xr(|xr| xr["metadata"]["labels"] = json!({"team": 1})),
        "metadata.labels.team",
    );
    violation_at(
        xr(|xr| xr["metadata"]["colour"] = json!("red")),
        "metadata.colour",
    );
    violation_at(xr(|xr| xr["colour"] = json!("red")), "colour");
    violation_at(xr(|xr| xr["spec"]["colour"] = json!("red")), "spec.colour");
}

#[test]
fn a_null_namespace_counts_as_absent() {
    let items = composition()
        .render(xr(|xr| xr["metadata"]["namespace"] = Value::Null), None)
        .expect("renders");
    let namespaces: Vec<&Value> = items
        .iter()
        .filter_map(|item| item.pointer("/spec/credentials/secretRef/namespace"))
        .collect();
    assert!(!namespaces.is_empty());
    assert!(
        namespaces.iter().all(|ns| *ns == "default"),
        "{namespaces:?}"
    );
}

#[test]
fn integers_beyond_64_bits_are_refused() {
    // The API server reads 2^63 as a float, which is not an integer; KCL would read it as
    // a float too.
    let big =
        xr(|xr| xr["spec"]["parameters"]["minNodeCount"] = json!(9_223_372_036_854_775_808_u64));
    let message = violation_at(big, "spec.parameters.minNodeCount");
    assert!(message.contains("integer"), "{message}");
}

#[test]
fn integers_beyond_64_bits_that_json_reads_as_floats_are_refused_with_the_limit() {
    // 2^64 and beyond have no 64-bit form: JSON reads them as floats, which a field of type
    // integer refuses as the API server does, naming the path and the range.
    for (number, written) in [
        (
            json!(18_446_744_073_709_551_615_u64),
            "18446744073709551615",
        ),
        (
            serde_json::from_str("18446744073709551616").unwrap(),
            "18446744073709551616",
        ),
        (
            serde_json::from_str("-1e19").unwrap(),
            "-10000000000000000000",
        ),
    ] {
        let big = xr(|xr| xr["spec"]["parameters"]["minNodeCount"] = number);
        let message = violation_at(big, "spec.parameters.minNodeCount");
        assert_eq!(
            message,
            format!(
                "spec.parameters.minNodeCount: Invalid value: {written}: \
                 spec.parameters.minNodeCount in body must be of type integer: out of the range \
                 of 64-bit integers (-9223372036854775808 to 9223372036854775807)"
            )
        );
    }
    // Read from YAML, as `render` reads an XR.
    let yaml = serde_saphyr::to_string(&xr(|_| {})).unwrap().replace(
        "parameters: {}",
        "parameters:\n    minNodeCount: 18446744073709551616",
    );
    match composition().render_yaml(&yaml, None) {
        Err(RenderError::Invalid(found)) => assert!(
            found.len() == 1
                && found[0].to_string().starts_with(
                    "spec.parameters.minNodeCount: Invalid value: 18446744073709551616: "
                ),
            "{found:?}"
        ),
        other => panic!("expected RenderError::Invalid, got {other:?}"),
    }
    // A float with a fraction is not an integer at all, as before.
    let fraction = xr(|xr| xr["spec"]["parameters"]["minNodeCount"] = json!(1.5));
    assert!(violation_at(fraction, "spec.parameters.minNodeCount").contains("\"number\""));
}

#[test]
fn a_whole_float_in_an_integer_field_is_the_integer_as_the_api_server_stores_it() {
    // `kubectl apply` of `minNodeCount: 3.0` is admitted, and stored as 3.
    let yaml = serde_saphyr::to_string(&xr(|_| {}))
        .unwrap()
        .replace("parameters: {}", "parameters:\n    minNodeCount: 3.0");
    let rendered = pipeline()
        .render_yaml(&yaml, None, &Observed::none())
        .unwrap_or_else(|e| panic!("the XR renders: {e}"));
    let node_group = rendered
        .items()
        .find(|item| item["kind"] == "NodeGroup")
        .expect("a node group");
    assert_eq!(
        node_group["spec"]["forProvider"]["scalingConfig"]["minSize"],
        json!(3),
        "an integer reaches KCL"
    );
    assert!(node_group["spec"]["forProvider"]["scalingConfig"]["minSize"].is_i64());
}

#[test]
fn a_missing_or_null_parameters_is_required_once() {
    for parameters in [None, Some(Value::Null)] {
        let found = violations(xr(|xr| match &parameters {
            None => {
                xr["spec"].as_object_mut().unwrap().remove("parameters");
            }
            Some(value) => xr["spec"]["parameters"] = value.clone(),
        }));
        assert_eq!(found, ["spec.parameters: Required value"], "{parameters:?}");
    }
}

#[test]
fn an_xr_over_the_api_servers_request_limit_is_refused_before_parsing() {
    // 3 MiB of YAML that would take a long time and much memory to parse and render.
    let mut yaml = serde_saphyr::to_string(&xr(|_| {}))
        .unwrap()
        .replace("parameters: {}", "parameters:\n    namespaces:\n");
    while yaml.len() <= 3 * 1024 * 1024 {
        yaml.push_str("    - namespace-0000000000\n");
    }
    let started = Instant::now();
    match composition().render_yaml(&yaml, None) {
        Err(RenderError::TooLarge(e)) => {
            assert_eq!(e.limit, MAX_REQUEST_BYTES, "{e}");
            assert!(e.to_string().contains("3145728"), "names the limit: {e}");
        }
        other => panic!("expected RenderError::TooLarge, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn an_xr_larger_than_etcd_stores_is_refused() {
    let namespaces: Vec<String> = (0..100_000).map(|i| format!("namespace-{i:06}")).collect();
    let xr = xr(|xr| xr["spec"]["parameters"]["namespaces"] = json!(namespaces));
    let started = Instant::now();
    match composition().render(xr, None) {
        Err(RenderError::TooLarge(e)) => {
            assert_eq!(e.limit, MAX_OBJECT_BYTES, "{e}");
            assert!(e.to_string().contains("1572864"), "names the limit: {e}");
        }
        other => panic!("expected RenderError::TooLarge, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

fn nested(depth: usize) -> Value {
    let mut value = json!("deep");
    for _ in 0..depth {
        value = Value::Array(vec![value]);
    }
    value
}

#[test]
fn values_deeper_than_kcl_reads_are_refused_with_their_path_and_the_limit() {
    // The XR sits inside option("params"); KCL 0.12.3 reads 127 levels there.
    let fits = xr(|xr| xr["status"] = json!({"field1": "x"}));
    assert!(composition().render(fits, None).is_ok());
    for depth in [130, 3_000] {
        // Built in place: json!() would serialise the deep value recursively.
        let mut annotations = serde_json::Map::new();
        annotations.insert("a".into(), nested(depth));
        let found = violations(xr(|xr| {
            xr["metadata"]["annotations"] = Value::Object(annotations)
        }));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("metadata.annotations.a[0][0]") && found[0].contains("126"),
            "the path and the limit: {found:?}"
        );
    }
    // YAML stops earlier, at the parser's 64 levels, with the line and column.
    let yaml = serde_saphyr::to_string(&xr(|_| {})).unwrap()
        + &format!("extra: {}\n", "[".repeat(65) + &"]".repeat(65));
    match composition().render_yaml(&yaml, None) {
        Err(RenderError::Parse(message)) => {
            assert!(
                message.contains("nested deeper than 64") && message.contains("line"),
                "{message}"
            );
        }
        other => panic!("expected RenderError::Parse, got {other:?}"),
    }
}

#[test]
fn the_deepest_xr_admission_lets_through_renders() {
    // 126 levels counting the XR itself: the XR, spec, crossplane (which keeps fields it
    // does not declare), then 123 lists. KCL must read it, not fail on the option.
    let deep = xr(|xr| xr["spec"]["crossplane"]["extra"] = nested(123));
    match composition().render(deep, None) {
        Ok(items) => assert!(!items.is_empty()),
        Err(e) => panic!("an XR 126 levels deep is admitted, so KCL must read it: {e}"),
    }
    let too_deep = xr(|xr| xr["spec"]["crossplane"]["extra"] = nested(124));
    let found = violations(too_deep);
    assert!(found[0].contains("126"), "{found:?}");
}

#[test]
fn messages_are_plain_words() {
    let message = |yaml: &str| match composition().render_yaml(yaml, None) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("renders: {yaml}"),
    };
    let valid = serde_saphyr::to_string(&xr(|_| {})).unwrap();
    let two_documents = format!("{valid}---\n{valid}");
    let duplicate = valid.replace("kind: Cluster", "kind: Cluster\nkind: Cluster");
    let mut many = String::from("[");
    for _ in 0..250_001 {
        many.push_str("1,");
    }
    many.push(']');
    for (what, text, says) in [
        (
            "two documents",
            two_documents.as_str(),
            "more than one YAML document",
        ),
        (
            "a duplicate key",
            duplicate.as_str(),
            "`kind` appears twice",
        ),
        ("too many values", many.as_str(), "more than 250000 values"),
    ] {
        let message = message(text);
        assert!(message.contains(says), "{what}: {message}");
        for internal in ["from_str", "Policy", "{ ", "Options"] {
            assert!(!message.contains(internal), "{what}: {message}");
        }
    }
    let one = message(&valid.replace("kind: Cluster", "kind: Pod"));
    assert!(one.contains("(1 problem)"), "{one}");
    let two = message(
        &valid
            .replace("kind: Cluster", "kind: Pod")
            .replace("a-cluster", "A"),
    );
    assert!(two.contains("(2 problems)"), "{two}");
    let spec_list = message(&valid.replace("spec:\n", "spec:\n- x\nunused:\n"));
    assert!(spec_list.contains("spec is a list"), "{spec_list}");
}

#[test]
fn an_xr_that_still_sets_the_vllm_operator_is_refused_naming_llmd() {
    let refused = violation_at(
        xr(|xr| xr["spec"]["parameters"]["apps"] = json!({"vllm": {"enabled": true}})),
        "spec.parameters.apps.vllm",
    );
    assert!(refused.contains("apps.llmd"), "{refused}");
    assert!(!refused.contains("not declared"), "{refused}");
    // Absent as the API server prunes it: a null is no request for the operator.
    let admitted = composition().render(
        xr(|xr| xr["spec"]["parameters"]["apps"] = json!({"vllm": null})),
        None,
    );
    assert!(admitted.is_ok(), "{admitted:?}");
}
