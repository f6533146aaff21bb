//! Consumers build and check `Cluster`s in Rust with the typed parameters.

use dot_kubernetes_apps::apps::{EnvoyGateway, GatewayInferenceExtension, Keda};
use dot_kubernetes_apps::{Apps, Cluster, GATEWAY_NAME, GATEWAY_NAMESPACE, Parameters, Provider};

use crate::common::{composition, resource_name, root, yaml_files};

#[test]
fn a_typed_cluster_renders_what_its_parameters_ask_for() {
    let cluster = Cluster::new(
        "typed",
        "a-team",
        Provider::Azure,
        Parameters {
            apps: Some(Apps {
                keda: Some(Keda {
                    enabled: true,
                    http_addon: false,
                }),
                gateway_inference_extension: Some(GatewayInferenceExtension {
                    enabled: true,
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    let xr = serde_json::to_value(&cluster).unwrap();
    let items = composition().render(xr, None).unwrap();
    let names: Vec<&str> = items.iter().filter_map(resource_name).collect();
    assert!(names.contains(&"typed-app-keda"), "{names:?}");
    assert!(!names.contains(&"typed-app-keda-add-ons-http"), "{names:?}");
    // The extension brings Envoy Gateway, whose default Gateway consumers attach to.
    let gateway = items
        .iter()
        .find(|i| resource_name(i) == Some("typed-app-envoy-gateway"))
        .expect("the default Gateway");
    let manifest = &gateway["spec"]["forProvider"]["manifest"];
    assert_eq!(manifest["metadata"]["name"], GATEWAY_NAME);
    assert_eq!(manifest["metadata"]["namespace"], GATEWAY_NAMESPACE);
}

#[test]
fn every_example_reads_into_the_typed_cluster_and_back_unchanged() {
    for path in yaml_files(&root().join("examples")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let cluster: Cluster =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let again: Cluster =
            serde_json::from_value(serde_json::to_value(&cluster).unwrap()).unwrap();
        assert_eq!(again, cluster, "{}", path.display());
    }
}

#[test]
fn the_typed_defaults_are_the_xrd_defaults() {
    // What serde fills in for an empty object, and `Parameters::default()`, are what the
    // API server would default.
    let typed = serde_json::to_value(serde_json::from_str::<Parameters>("{}").unwrap()).unwrap();
    let mut admitted = serde_json::json!({});
    let violations =
        xr_admission::validate::admit(composition().parameters_schema(), &mut admitted, "p");
    assert!(violations.is_empty(), "{violations:?}");
    assert_eq!(typed, admitted);
    assert_eq!(
        serde_json::to_value(Parameters::default()).unwrap(),
        admitted
    );
    let envoy = serde_json::to_value(EnvoyGateway::default()).unwrap();
    assert_eq!(envoy, serde_json::json!({"enabled": false}));
}
