//! The XRD that `kcl/definition.k` produces: its snapshot, a valid structural schema, one
//! property per app, and the examples it admits.

use dot_kubernetes::render::to_yaml_stream;
use dot_kubernetes_apps::{Cluster, Provider, registry};
use serde_json::{Value, json};

use crate::common::{composition, root, yaml_files};

fn open_api_schema() -> &'static Value {
    composition()
        .xrd()
        .pointer("/spec/versions/0/schema/openAPIV3Schema")
        .expect("the XRD has an openAPIV3Schema")
}

fn apps_schema() -> &'static Value {
    composition()
        .parameters_schema()
        .pointer("/properties/apps")
        .expect("spec.parameters has apps")
}

#[test]
fn the_xrd_renders_as_its_snapshot() {
    let yaml = to_yaml_stream(&[composition().xrd().clone()]).expect("the XRD prints as YAML");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_description("The XRD of kcl/definition.k (package/definition.yaml)");
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("xrd", yaml));
}

#[test]
fn the_xrd_defines_the_namespaced_cluster_of_devopstoolkit_ai_v2() {
    let xrd = composition().xrd();
    assert_eq!(xrd["apiVersion"], "apiextensions.crossplane.io/v2");
    assert_eq!(xrd["kind"], "CompositeResourceDefinition");
    assert_eq!(xrd["metadata"]["name"], "clusters.devopstoolkit.ai");
    assert_eq!(xrd["spec"]["group"], "devopstoolkit.ai");
    assert_eq!(xrd["spec"]["names"]["kind"], "Cluster");
    assert_eq!(xrd["spec"]["scope"], "Namespaced");
    assert_eq!(xrd["spec"]["defaultCompositionRef"]["name"], "cluster-aws");
    let versions: Vec<&Value> = xrd["spec"]["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| &v["name"])
        .collect();
    assert_eq!(versions, [&json!("v2")]);
    assert_eq!(
        composition().parameters_schema()["type"],
        "object",
        "spec.parameters is an object schema"
    );
}

/// Every problem that makes a schema node not structural, with its path.
fn structural_problems(node: &Value, path: &str, problems: &mut Vec<String>) {
    let Value::Object(map) = node else {
        problems.push(format!("{path}: not a schema object"));
        return;
    };
    let preserves = map.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true));
    if !preserves && !map.get("type").is_some_and(Value::is_string) {
        problems.push(format!("{path}: no type"));
    }
    for forbidden in [
        "$ref",
        "$defs",
        "definitions",
        "anyOf",
        "oneOf",
        "allOf",
        "not",
        "nullable",
    ] {
        if map.contains_key(forbidden) {
            problems.push(format!("{path}: `{forbidden}`"));
        }
    }
    if let Some(properties) = map.get("properties") {
        match properties {
            Value::Object(properties) => {
                for (name, child) in properties {
                    structural_problems(child, &format!("{path}.{name}"), problems);
                }
            }
            _ => problems.push(format!("{path}: properties is not a mapping")),
        }
    }
    if let Some(items) = map.get("items") {
        structural_problems(items, &format!("{path}[]"), problems);
    }
    if let Some(additional) = map.get("additionalProperties").filter(|a| a.is_object()) {
        structural_problems(additional, &format!("{path}{{}}"), problems);
    }
}

#[test]
fn the_xrd_schema_is_structural() {
    let mut problems = Vec::new();
    structural_problems(open_api_schema(), "openAPIV3Schema", &mut problems);
    assert!(
        problems.is_empty(),
        "not a structural schema:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_structural_check_catches_what_kubernetes_rejects() {
    // Guards the check above: a schema with each kind of problem is reported at each place.
    let schema = json!({
        "type": "object",
        "properties": {
            "untyped": {"description": "no type"},
            "referenced": {"$ref": "#/$defs/x"},
            "either": {"type": "string", "anyOf": [{"type": "string"}]},
            "list": {"type": "array", "items": {"nullable": true, "type": "string"}},
            "preserved": {"x-kubernetes-preserve-unknown-fields": true},
        },
    });
    let mut problems = Vec::new();
    structural_problems(&schema, "root", &mut problems);
    assert_eq!(
        problems,
        [
            "root.untyped: no type",
            "root.referenced: no type",
            "root.referenced: `$ref`",
            "root.either: `anyOf`",
            "root.list[]: `nullable`",
        ]
    );
}

#[test]
fn every_app_is_an_apps_property_with_a_description_and_enabled_off_by_default() {
    let properties = apps_schema()["properties"]
        .as_object()
        .expect("apps has properties");
    let apps = registry();
    let keys: Vec<&str> = properties.keys().map(String::as_str).collect();
    let expected: Vec<&str> = apps.iter().map(|app| app.key.as_str()).collect();
    assert_eq!(
        keys, expected,
        "one property per app, in the registry's order"
    );
    for app in &apps {
        let schema = &properties[&app.key];
        assert_eq!(schema["type"], "object", "apps.{}", app.key);
        let description = schema["description"].as_str().unwrap_or("");
        assert!(
            !description.trim().is_empty() && description.starts_with(app.description.trim_end()),
            "apps.{} is described by its type's doc comment: {description:?}",
            app.key
        );
        let enabled = &schema["properties"]["enabled"];
        assert_eq!(
            (&enabled["type"], &enabled["default"]),
            (&json!("boolean"), &json!(false)),
            "apps.{}.enabled is a boolean, false by default",
            app.key
        );
    }
}

#[test]
fn keda_http_addon_and_the_body_based_router_are_on_by_default() {
    let properties = &apps_schema()["properties"];
    for (app, field) in [
        ("keda", "httpAddon"),
        ("gatewayInferenceExtension", "bodyBasedRouter"),
    ] {
        let schema = &properties[app]["properties"][field];
        assert_eq!(schema["type"], "boolean", "apps.{app}.{field}");
        assert_eq!(schema["default"], true, "apps.{app}.{field}");
    }
}

#[test]
fn the_apps_own_fields_are_in_the_xrd() {
    let properties = &apps_schema()["properties"];
    for (app, fields) in [
        (
            "argocd",
            &["host", "repoURL", "destinationNamespace", "sourcePath"][..],
        ),
        (
            "externalSecrets",
            &[
                "store",
                "googleCredentialsKey",
                "awsAccessKeyIDKey",
                "awsSecretAccessKeyKey",
                "azureVaultUrl",
                "secrets",
            ][..],
        ),
    ] {
        for field in fields {
            assert!(
                properties[app]["properties"][field]["type"].is_string(),
                "apps.{app}.{field} is in the XRD"
            );
        }
    }
    assert_eq!(
        properties["externalSecrets"]["properties"]["secrets"]["items"]["type"],
        "object"
    );
}

#[test]
fn the_inference_extension_is_described_as_enabling_envoy_gateway() {
    let description = apps_schema()["properties"]["gatewayInferenceExtension"]["description"]
        .as_str()
        .expect("a description");
    assert!(
        description.contains("`envoyGateway`") && description.contains("enables"),
        "the description says that enabling it enables envoyGateway: {description:?}"
    );
}

#[test]
fn every_example_renders_for_its_own_provider() {
    let examples = yaml_files(&root().join("examples"));
    assert!(!examples.is_empty(), "no examples");
    let mut failures = Vec::new();
    for path in &examples {
        let name = path.strip_prefix(root()).unwrap_or(path).display();
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
        if let Err(e) = serde_saphyr::from_str::<Cluster>(&text) {
            failures.push(format!("{name}: not a typed Cluster: {e}"));
        }
        let provider = serde_saphyr::from_str::<Value>(&text).ok().and_then(|xr| {
            let name = xr.pointer("/spec/crossplane/compositionSelector/matchLabels/provider")?;
            Provider::from_name(name.as_str()?)
        });
        let Some(provider) = provider else {
            failures.push(format!("{name}: names no provider"));
            continue;
        };
        match composition().render_yaml(&text, None) {
            Ok(items) if items.is_empty() => failures.push(format!("{name}: renders nothing")),
            Ok(items) => {
                let of_cluster = json!(provider.cluster_api_version());
                let usages: Vec<&Value> = items.iter().filter(|i| i["kind"] == "Usage").collect();
                if usages.is_empty()
                    || usages
                        .iter()
                        .any(|u| u["spec"]["of"]["apiVersion"] != of_cluster)
                {
                    failures.push(format!(
                        "{name}: not rendered for {provider}, or without usages"
                    ));
                }
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
