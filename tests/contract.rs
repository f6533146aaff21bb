//! The facts of `composition-contract.md`, asserted on the scenarios that show them.
//!
//! Releases are found by their contract name (`<xr>-app-<release>`); objects by what their
//! manifest is, so that these tests do not depend on how objects are named.

mod common;

use dot_kubernetes_apps::Provider;
use serde_json::{Value, json};

use common::{Case, case, cases, matrix, resource_name, root};

const RETAIN: [&str; 3] = ["Create", "Update", "Observe"];

fn repo_chart(name: &str, repository: &str, version: &str) -> Value {
    json!({"name": name, "repository": repository, "version": version})
}

fn oci_chart(name: &str, url: &str, version: &str) -> Value {
    json!({"name": name, "url": url, "version": version})
}

/// Assert that `<xr>-app-<name>` is the contract's Release of `chart` in `namespace`;
/// returns its values, which each test checks itself.
fn assert_release<'a>(
    case: &'a Case,
    name: &str,
    chart: Value,
    namespace: &str,
) -> Option<&'a Value> {
    let xr = case.xr();
    let actual = case.resource(&format!("app-{name}"));
    let values = actual.pointer("/spec/forProvider/values");
    let mut for_provider = json!({"chart": chart, "namespace": namespace});
    if let Some(values) = values {
        for_provider["values"] = values.clone();
    }
    let expected = json!({
        "apiVersion": "helm.m.crossplane.io/v1beta1",
        "kind": "Release",
        "metadata": {
            "name": format!("{xr}-app-{name}"),
            "annotations": {
                "crossplane.io/external-name": name,
                "krm.kcl.dev/composition-resource-name": format!("{xr}-app-{name}"),
            },
        },
        "spec": {
            "forProvider": for_provider,
            "managementPolicies": RETAIN,
            "rollbackLimit": 3,
            "providerConfigRef": {"name": xr, "kind": "ProviderConfig"},
        },
    });
    assert_eq!(actual, &expected, "{}: release `{name}`", case.name());
    values
}

/// The Objects (`<xr>-app-...`) whose manifest is of this kind.
fn objects_holding<'a>(case: &'a Case, kind: &str) -> Vec<&'a Value> {
    let prefix = format!("{}-app-", case.xr());
    case.of_kind("Object")
        .filter(|o| resource_name(o).is_some_and(|n| n.starts_with(&prefix)))
        .filter(|o| o.pointer("/spec/forProvider/manifest/kind") == Some(&json!(kind)))
        .collect()
}

/// The one Object holding a `kind` named `name`; checks the contract's Object shape.
fn object_holding<'a>(case: &'a Case, kind: &str, name: &str) -> &'a Value {
    let found: Vec<&Value> = objects_holding(case, kind)
        .into_iter()
        .filter(|o| o.pointer("/spec/forProvider/manifest/metadata/name") == Some(&json!(name)))
        .collect();
    let [object] = found.as_slice() else {
        panic!(
            "{}: {} Objects hold the {kind} `{name}`, not one",
            case.name(),
            found.len()
        );
    };
    assert_eq!(object["apiVersion"], "kubernetes.m.crossplane.io/v1alpha1");
    assert_eq!(
        object.pointer("/metadata/annotations/crossplane.io~1external-name"),
        Some(&json!(name)),
        "{}: the external name of the {kind} `{name}`",
        case.name()
    );
    assert_eq!(
        object["spec"]["providerConfigRef"],
        json!({"name": case.xr(), "kind": "ProviderConfig"}),
        "{}: the provider config of the {kind} `{name}`",
        case.name()
    );
    object
}

fn manifest(object: &Value) -> &Value {
    &object["spec"]["forProvider"]["manifest"]
}

fn assert_manifest(case: &Case, kind: &str, name: &str, expected: Value) {
    let object = object_holding(case, kind, name);
    assert_eq!(
        manifest(object),
        &expected,
        "{}: the {kind} `{name}`",
        case.name()
    );
}

fn assert_retained(case: &Case, object: &Value) {
    assert_eq!(
        object["spec"]["managementPolicies"],
        json!(RETAIN),
        "{}: `{}` must survive the deletion of the cluster",
        case.name(),
        object["metadata"]["name"]
    );
}

fn gateway_class() -> Value {
    json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "GatewayClass",
        "metadata": {"name": "eg"},
        "spec": {"controllerName": "gateway.envoyproxy.io/gatewayclass-controller"},
    })
}

fn default_gateway() -> Value {
    json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "eg", "namespace": "envoy-gateway-system"},
        "spec": {
            "gatewayClassName": "eg",
            "listeners": [{
                "name": "http",
                "protocol": "HTTP",
                "port": 80,
                "allowedRoutes": {"namespaces": {"from": "All"}},
            }],
        },
    })
}

fn ai_gateway_values() -> Value {
    json!({
        "config": {"envoyGateway": {
            "extensionApis": {"enableBackend": true},
            "extensionManager": {
                "hooks": {"xdsTranslator": {
                    "translation": {
                        "listener": {"includeAll": true},
                        "route": {"includeAll": true},
                        "cluster": {"includeAll": true},
                        "secret": {"includeAll": true},
                    },
                    "post": ["Translation", "Cluster", "Route"],
                }},
                "service": {"fqdn": {
                    "hostname": "ai-gateway-controller.envoy-ai-gateway-system.svc.cluster.local",
                    "port": 1063,
                }},
                "backendResources": [
                    {"group": "inference.networking.k8s.io", "kind": "InferencePool", "version": "v1"},
                ],
            },
        }},
    })
}

/// Envoy Gateway's release, GatewayClass and default Gateway, as the contract has them;
/// returns the release's values.
fn assert_envoy_gateway(case: &Case) -> Option<&Value> {
    let values = assert_release(
        case,
        "gateway-helm",
        oci_chart(
            "gateway-helm",
            "oci://docker.io/envoyproxy/gateway-helm",
            "v1.7.0",
        ),
        "envoy-gateway-system",
    );
    assert_manifest(case, "GatewayClass", "eg", gateway_class());
    assert_retained(case, object_holding(case, "GatewayClass", "eg"));
    assert_manifest(case, "Gateway", "eg", default_gateway());
    values
}

const EXTENSION_RELEASES: [&str; 3] = [
    "ai-gateway-crds-helm",
    "ai-gateway-helm",
    "body-based-router",
];

/// Every part of the inference extension: the CRD, Envoy AI Gateway, the Body-Based Router
/// and its wiring, and the values it adds to Envoy Gateway.
fn assert_inference_extension(case: &Case) {
    for name in ["ai-gateway-crds-helm", "ai-gateway-helm"] {
        let values = assert_release(
            case,
            name,
            oci_chart(
                name,
                &format!("oci://docker.io/envoyproxy/{name}"),
                "v0.5.0",
            ),
            "envoy-ai-gateway-system",
        );
        assert_eq!(values, None, "{}: `{name}` sets no values", case.name());
    }
    let names = case.resource_names();
    let position = |name: &str| {
        let full = format!("{}-app-{name}", case.xr());
        names.iter().position(|n| *n == full)
    };
    assert!(
        position("ai-gateway-crds-helm") < position("ai-gateway-helm"),
        "{}: the AI Gateway CRDs come before the AI Gateway",
        case.name()
    );
    assert_inference_pool_crd(case);
    let values = assert_release(
        case,
        "body-based-router",
        oci_chart(
            "body-based-routing",
            "oci://registry.k8s.io/gateway-api-inference-extension/charts/body-based-routing",
            "v1.3.1",
        ),
        "gateway-api-inference-extension",
    );
    assert_eq!(
        values,
        Some(&json!({"provider": {"name": "none"}, "inferenceGateway": {"name": "eg"}})),
        "{}: the Body-Based Router's values",
        case.name()
    );
    assert_manifest(
        case,
        "Backend",
        "body-based-router",
        json!({
            "apiVersion": "gateway.envoyproxy.io/v1alpha1",
            "kind": "Backend",
            "metadata": {"name": "body-based-router", "namespace": "envoy-gateway-system"},
            "spec": {
                "endpoints": [{"fqdn": {
                    "hostname": "body-based-router.gateway-api-inference-extension.svc.cluster.local",
                    "port": 9004,
                }}],
                "tls": {"insecureSkipVerify": true},
            },
        }),
    );
    assert_manifest(
        case,
        "EnvoyExtensionPolicy",
        "body-based-router",
        json!({
            "apiVersion": "gateway.envoyproxy.io/v1alpha1",
            "kind": "EnvoyExtensionPolicy",
            "metadata": {"name": "body-based-router", "namespace": "envoy-gateway-system"},
            "spec": {
                "targetRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "eg"}],
                "extProc": [{
                    "backendRefs": [{"group": "gateway.envoyproxy.io", "kind": "Backend", "name": "body-based-router"}],
                    "processingMode": {"request": {"body": "FullDuplexStreamed"}},
                    "failOpen": false,
                }],
            },
        }),
    );
    let values = assert_envoy_gateway(case);
    assert_eq!(
        values,
        Some(&ai_gateway_values()),
        "{}: Envoy Gateway's values while the extension is enabled",
        case.name()
    );
}

fn assert_inference_pool_crd(case: &Case) {
    let object = object_holding(
        case,
        "CustomResourceDefinition",
        "inferencepools.inference.networking.k8s.io",
    );
    assert_retained(case, object);
    let crd = manifest(object);
    assert_eq!(crd["apiVersion"], "apiextensions.k8s.io/v1");
    assert_eq!(
        crd["metadata"]["annotations"],
        json!({
            "api-approved.kubernetes.io": "https://github.com/kubernetes-sigs/gateway-api-inference-extension/pull/1173",
            "inference.networking.k8s.io/bundle-version": "v1.3.1",
        })
    );
    assert_eq!(crd["spec"]["group"], "inference.networking.k8s.io");
    assert_eq!(
        crd["spec"]["names"],
        json!({
            "kind": "InferencePool",
            "listKind": "InferencePoolList",
            "plural": "inferencepools",
            "singular": "inferencepool",
            "shortNames": ["infpool"],
        })
    );
    assert_eq!(crd["spec"]["scope"], "Namespaced");
    let versions = crd["spec"]["versions"]
        .as_array()
        .expect("versions is a list");
    assert_eq!(versions.len(), 1, "one version, v1: {versions:?}");
    let v1 = &versions[0];
    assert_eq!(
        (
            &v1["name"],
            &v1["served"],
            &v1["storage"],
            &v1["subresources"]
        ),
        (
            &json!("v1"),
            &json!(true),
            &json!(true),
            &json!({"status": {}})
        )
    );
    let spec = &v1["schema"]["openAPIV3Schema"]["properties"]["spec"];
    let required: Vec<&str> = spec["required"]
        .as_array()
        .expect("spec.required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for field in ["selector", "targetPorts", "endpointPickerRef"] {
        assert!(
            required.contains(&field),
            "spec.{field} is required: {required:?}"
        );
    }
    let match_labels = &spec["properties"]["selector"]["properties"]["matchLabels"];
    assert_eq!(
        spec["properties"]["selector"]["required"],
        json!(["matchLabels"])
    );
    assert_eq!(
        (
            &match_labels["minProperties"],
            &match_labels["maxProperties"]
        ),
        (&json!(1), &json!(64))
    );
    let target_ports = &spec["properties"]["targetPorts"];
    assert_eq!(
        (&target_ports["minItems"], &target_ports["maxItems"]),
        (&json!(1), &json!(8))
    );
    let number = &target_ports["items"]["properties"]["number"];
    assert_eq!(target_ports["items"]["required"], json!(["number"]));
    assert_eq!(
        (&number["minimum"], &number["maximum"]),
        (&json!(1), &json!(65535))
    );
    let picker = &spec["properties"]["endpointPickerRef"];
    assert_eq!(picker["required"], json!(["name"]));
    let picker = &picker["properties"];
    assert_eq!(picker["group"]["default"], "");
    assert_eq!(picker["kind"]["default"], "Service");
    assert_eq!(picker["port"]["properties"]["number"]["type"], "integer");
    assert_eq!(
        picker["failureMode"]["enum"],
        json!(["FailOpen", "FailClose"])
    );
    assert_eq!(picker["failureMode"]["default"], "FailClose");
    let other_crds: Vec<&Value> = objects_holding(case, "CustomResourceDefinition")
        .into_iter()
        .filter(|o| manifest(o)["metadata"]["name"] != "inferencepools.inference.networking.k8s.io")
        .collect();
    assert!(
        other_crds.is_empty(),
        "{}: experimental CRDs are not installed: {other_crds:?}",
        case.name()
    );
}

/// No part of the inference extension, nor anything it brings.
fn assert_no_inference_extension(case: &Case) {
    for name in EXTENSION_RELEASES {
        assert!(
            !case.has(&format!("app-{name}")),
            "{}: `{name}` is installed",
            case.name()
        );
    }
    for kind in [
        "CustomResourceDefinition",
        "Backend",
        "EnvoyExtensionPolicy",
    ] {
        assert!(
            objects_holding(case, kind).is_empty(),
            "{}: a {kind} is installed",
            case.name()
        );
    }
    assert!(
        !case.text().contains("extensionManager"),
        "{}: extension-manager values",
        case.name()
    );
}

fn assert_no_app_resources(case: &Case) {
    assert_eq!(
        case.app_resource_names(),
        Vec::<&str>::new(),
        "{}",
        case.name()
    );
    let cilium = format!("{}-cilium", case.xr());
    let releases: Vec<&str> = case.of_kind("Release").filter_map(resource_name).collect();
    let expected: Vec<&str> = if case.provider == Provider::Aws {
        vec![]
    } else {
        vec![&cilium]
    };
    assert_eq!(
        releases,
        expected,
        "{}: only Cilium is released",
        case.name()
    );
    assert_eq!(
        case.of_kind("Usage").count(),
        expected.len(),
        "{}: only Cilium has a usage",
        case.name()
    );
}

#[test]
fn every_app_installs_its_pinned_chart_as_the_contract_table_says() {
    let table = [
        (
            "crossplane",
            repo_chart("crossplane", "https://charts.crossplane.io/stable", "2.1.4"),
            "crossplane-system",
        ),
        (
            "argo-cd",
            repo_chart("argo-cd", "https://argoproj.github.io/argo-helm", "9.4.1"),
            "argocd",
        ),
        (
            "traefik",
            repo_chart("traefik", "https://helm.traefik.io/traefik", "39.0.0"),
            "traefik",
        ),
        (
            "dapr",
            repo_chart("dapr", "https://dapr.github.io/helm-charts/", "1.16.8"),
            "dapr-system",
        ),
        (
            "external-secrets",
            repo_chart(
                "external-secrets",
                "https://charts.external-secrets.io",
                "2.0.0",
            ),
            "external-secrets",
        ),
        (
            "gpu-operator",
            repo_chart(
                "gpu-operator",
                "https://helm.ngc.nvidia.com/nvidia",
                "v25.10.1",
            ),
            "gpu-operator",
        ),
        (
            "kube-prometheus-stack",
            repo_chart(
                "kube-prometheus-stack",
                "https://prometheus-community.github.io/helm-charts",
                "82.2.1",
            ),
            "prometheus-system",
        ),
        (
            "keda",
            repo_chart("keda", "https://kedacore.github.io/charts", "2.19.0"),
            "keda",
        ),
        (
            "keda-add-ons-http",
            repo_chart(
                "keda-add-ons-http",
                "https://kedacore.github.io/charts",
                "0.12.2",
            ),
            "keda",
        ),
        (
            "gateway-helm",
            oci_chart(
                "gateway-helm",
                "oci://docker.io/envoyproxy/gateway-helm",
                "v1.7.0",
            ),
            "envoy-gateway-system",
        ),
    ];
    for case in cases("every-app") {
        for (release, chart, namespace) in &table {
            assert_release(case, release, chart.clone(), namespace);
        }
        assert_inference_extension(case);
    }
}

#[test]
fn envoy_gateway_alone_brings_its_gateway_class_and_default_gateway_without_extension_values() {
    for case in cases("alone-envoy-gateway") {
        let values = assert_envoy_gateway(case);
        assert_eq!(
            values,
            None,
            "{}: Envoy Gateway alone sets no values",
            case.name()
        );
        assert!(
            objects_holding(case, "PodMonitor").is_empty(),
            "{}: a PodMonitor without Prometheus",
            case.name()
        );
        assert_no_inference_extension(case);
        assert_eq!(
            case.app_resource_names().len(),
            3,
            "{}: {:?}",
            case.name(),
            case.app_resource_names()
        );
    }
}

#[test]
fn envoy_gateway_with_prometheus_adds_the_proxy_pod_monitor() {
    for case in cases("envoy-gateway-prometheus") {
        assert_envoy_gateway(case);
        assert_manifest(
            case,
            "PodMonitor",
            "envoy-gateway-proxy",
            json!({
                "apiVersion": "monitoring.coreos.com/v1",
                "kind": "PodMonitor",
                "metadata": {
                    "name": "envoy-gateway-proxy",
                    "namespace": "envoy-gateway-system",
                    "labels": {"release": "kube-prometheus-stack"},
                },
                "spec": {
                    "selector": {"matchLabels": {"app.kubernetes.io/component": "proxy"}},
                    "podMetricsEndpoints": [{"port": "metrics", "path": "/stats/prometheus"}],
                },
            }),
        );
    }
    for case in cases("alone-prometheus") {
        assert!(
            objects_holding(case, "PodMonitor").is_empty(),
            "{}: a PodMonitor without Envoy Gateway",
            case.name()
        );
    }
}

#[test]
fn keda_alone_brings_its_http_add_on() {
    for case in cases("alone-keda") {
        for (name, version) in [("keda", "2.19.0"), ("keda-add-ons-http", "0.12.2")] {
            let values = assert_release(
                case,
                name,
                repo_chart(name, "https://kedacore.github.io/charts", version),
                "keda",
            );
            assert_eq!(values, None, "{}: `{name}` sets no values", case.name());
        }
        assert_eq!(
            case.app_resource_names().len(),
            2,
            "{}: {:?}",
            case.name(),
            case.app_resource_names()
        );
    }
}

#[test]
fn keda_without_http_addon_leaves_the_add_on_out() {
    for case in cases("keda-without-http-addon") {
        assert_release(
            case,
            "keda",
            repo_chart("keda", "https://kedacore.github.io/charts", "2.19.0"),
            "keda",
        );
        assert!(
            !case.has("app-keda-add-ons-http"),
            "{}: the add-on is installed",
            case.name()
        );
        assert!(
            !case.has("app-keda-add-ons-http-usage"),
            "{}: the add-on's usage is there",
            case.name()
        );
    }
}

#[test]
fn envoy_gateway_keda_and_the_inference_extension_install_together() {
    for case in cases("envoy-gateway-keda-inference") {
        assert_inference_extension(case);
        assert_release(
            case,
            "keda",
            repo_chart("keda", "https://kedacore.github.io/charts", "2.19.0"),
            "keda",
        );
        assert_release(
            case,
            "keda-add-ons-http",
            repo_chart(
                "keda-add-ons-http",
                "https://kedacore.github.io/charts",
                "0.12.2",
            ),
            "keda",
        );
        assert!(
            objects_holding(case, "PodMonitor").is_empty(),
            "{}: a PodMonitor without Prometheus",
            case.name()
        );
    }
}

#[test]
fn the_inference_extension_enables_envoy_gateway_when_it_is_absent_or_switched_off() {
    for scenario in [
        "alone-gateway-inference-extension",
        "inference-with-envoy-gateway-disabled",
    ] {
        for case in cases(scenario) {
            assert_inference_extension(case);
        }
    }
}

#[test]
fn the_inference_extension_without_body_based_router_leaves_the_router_and_its_wiring_out() {
    for case in cases("inference-without-body-based-router") {
        assert!(
            !case.has("app-body-based-router"),
            "{}: the router is installed",
            case.name()
        );
        for kind in ["Backend", "EnvoyExtensionPolicy"] {
            assert!(
                objects_holding(case, kind).is_empty(),
                "{}: a {kind} is installed",
                case.name()
            );
        }
        assert_inference_pool_crd(case);
        for name in ["ai-gateway-crds-helm", "ai-gateway-helm"] {
            assert!(
                case.has(&format!("app-{name}")),
                "{}: `{name}` is missing",
                case.name()
            );
        }
        assert_eq!(
            assert_envoy_gateway(case),
            Some(&ai_gateway_values()),
            "{}",
            case.name()
        );
    }
}

#[test]
fn gpus_with_nvidia_do_not_bring_the_inference_extension() {
    for case in cases("gpu-nvidia-without-inference") {
        let values = assert_release(
            case,
            "gpu-operator",
            repo_chart(
                "gpu-operator",
                "https://helm.ngc.nvidia.com/nvidia",
                "v25.10.1",
            ),
            "gpu-operator",
        );
        assert_eq!(
            values,
            Some(&json!({"driver": {"enabled": false}})),
            "{}",
            case.name()
        );
        assert_no_inference_extension(case);
        assert!(
            !case.has("app-gateway-helm"),
            "{}: Envoy Gateway is installed",
            case.name()
        );
    }
}

#[test]
fn the_inference_extension_installs_on_cpu_only_clusters() {
    for case in cases("inference-on-cpu-only") {
        assert_inference_extension(case);
    }
}

#[test]
fn argocd_alone_is_not_exposed_and_syncs_the_default_application() {
    for case in cases("alone-argocd") {
        let values = assert_release(
            case,
            "argo-cd",
            repo_chart("argo-cd", "https://argoproj.github.io/argo-helm", "9.4.1"),
            "argocd",
        )
        .unwrap_or_else(|| panic!("{}: Argo CD has values", case.name()));
        assert_eq!(
            values.pointer("/global/domain"),
            Some(&json!("acme.com")),
            "{}",
            case.name()
        );
        assert_eq!(
            values.pointer("/server/ingress"),
            None,
            "{}: ingress without Traefik",
            case.name()
        );
        assert!(
            !case.text().contains("traefik"),
            "{}: Traefik is mentioned without Traefik",
            case.name()
        );
        let application = manifest(object_holding(case, "Application", "apps"));
        assert_eq!(
            application["spec"]["source"],
            json!({"repoURL": "https://github.com/vfarcic/SOMETHING", "targetRevision": "HEAD", "path": "."})
        );
        assert_eq!(application["spec"]["destination"]["namespace"], "argo-cd");
    }
}

#[test]
fn argocd_with_traefik_is_exposed_through_traefik_and_syncs_the_given_repository() {
    for case in cases("argocd-with-traefik") {
        assert_release(
            case,
            "traefik",
            repo_chart("traefik", "https://helm.traefik.io/traefik", "39.0.0"),
            "traefik",
        );
        let values = assert_release(
            case,
            "argo-cd",
            repo_chart("argo-cd", "https://argoproj.github.io/argo-helm", "9.4.1"),
            "argocd",
        )
        .unwrap_or_else(|| panic!("{}: Argo CD has values", case.name()));
        assert_eq!(
            values.pointer("/global/domain"),
            Some(&json!("argocd.example.com")),
            "{}",
            case.name()
        );
        assert_eq!(
            values.pointer("/server/ingress"),
            Some(&json!({"enabled": true, "ingressClassName": "traefik"})),
            "{}",
            case.name()
        );
        let application = manifest(object_holding(case, "Application", "apps"));
        assert_eq!(application["apiVersion"], "argoproj.io/v1alpha1");
        assert_eq!(application["metadata"]["namespace"], "argocd");
        assert_eq!(
            application["spec"]["source"],
            json!({"repoURL": "https://github.com/example/apps", "targetRevision": "HEAD", "path": "clusters/prod"})
        );
        assert_eq!(
            application["spec"]["destination"],
            json!({"server": "https://kubernetes.default.svc", "namespace": "apps"})
        );
    }
}

/// What a literal admin password (or its bcrypt hash) would look like.
const PASSWORD_MARKERS: [&str; 4] = ["argocdServerAdminPassword", "$2a$", "$2b$", "$2y$"];

#[test]
fn no_password_or_password_hash_ships_in_the_kcl_or_any_render() {
    let mut found = Vec::new();
    for file in ["apps.k", "data.k", "definition.k"] {
        let path = root().join("kcl").join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        found.extend(
            PASSWORD_MARKERS
                .iter()
                .filter(|marker| text.contains(*marker))
                .map(|marker| format!("kcl/{file}: `{marker}`")),
        );
    }
    for case in matrix() {
        let text = case.text();
        found.extend(
            PASSWORD_MARKERS
                .iter()
                .filter(|marker| text.contains(*marker))
                .map(|marker| format!("{}: `{marker}`", case.name())),
        );
    }
    assert!(found.is_empty(), "password literals: {found:?}");
}

#[test]
fn external_secrets_alone_installs_the_operator_with_its_crds_and_no_store() {
    for case in cases("alone-external-secrets") {
        let values = assert_release(
            case,
            "external-secrets",
            repo_chart(
                "external-secrets",
                "https://charts.external-secrets.io",
                "2.0.0",
            ),
            "external-secrets",
        );
        assert_eq!(
            values,
            Some(&json!({"installCRDs": true})),
            "{}",
            case.name()
        );
        assert!(
            objects_holding(case, "ClusterSecretStore").is_empty(),
            "{}: a store without `store: true`",
            case.name()
        );
        assert!(
            objects_holding(case, "ExternalSecret").is_empty(),
            "{}",
            case.name()
        );
    }
}

#[test]
fn external_secrets_store_is_the_providers_and_secrets_are_copied_from_it() {
    for case in cases("external-secrets-store-and-secrets") {
        let provider = case.provider.name();
        let store = object_holding(case, "ClusterSecretStore", provider);
        let store_manifest = manifest(store);
        assert_eq!(store_manifest["apiVersion"], "external-secrets.io/v1");
        let store_provider = &store_manifest["spec"]["provider"];
        match case.provider {
            Provider::Aws => {
                let creds = |key: &str| json!({"name": "cloud-creds", "key": key, "namespace": "crossplane-system"});
                assert_eq!(
                    store_provider,
                    &json!({"aws": {
                        "service": "SecretsManager",
                        "region": "us-east-1",
                        "auth": {"secretRef": {
                            "accessKeyIDSecretRef": creds("accessKeyID"),
                            "secretAccessKeySecretRef": creds("secretAccessKey"),
                        }},
                    }})
                );
            }
            Provider::Azure => assert_eq!(
                store_provider,
                &json!({"azurekv": {"authType": "ManagedIdentity", "vaultUrl": "https://example.vault.azure.net"}})
            ),
            Provider::Google => {
                assert_eq!(
                    store_provider,
                    &json!({"gcpsm": {"auth": {"secretRef": {"secretAccessKeySecretRef": {
                        "name": "gcp-creds",
                        "key": "creds",
                        "namespace": "crossplane-system",
                    }}}}})
                );
                assert_eq!(
                    store["spec"]["references"][0]["toFieldPath"],
                    "spec.provider.gcpsm.projectID",
                    "{}: the project comes from the provider config",
                    case.name()
                );
            }
        }
        for (name, namespace, from, secret_type) in [
            (
                "registry-auth",
                "production",
                "registry-auth",
                "kubernetes.io/dockerconfigjson",
            ),
            ("db", "dev", "db-password", "Opaque"),
        ] {
            let secret = manifest(object_holding(case, "ExternalSecret", name));
            assert_eq!(
                secret["metadata"]["namespace"],
                namespace,
                "{}: `{name}`",
                case.name()
            );
            assert_eq!(
                secret["spec"]["secretStoreRef"],
                json!({"kind": "ClusterSecretStore", "name": provider}),
                "{}: `{name}`",
                case.name()
            );
            assert_eq!(
                secret["spec"]["dataFrom"],
                json!([{"extract": {"key": from}}]),
                "{}: `{name}`",
                case.name()
            );
            assert_eq!(
                secret["spec"]["target"]["name"],
                name,
                "{}: `{name}`",
                case.name()
            );
            assert_eq!(
                secret["spec"]["target"]["template"]["type"],
                secret_type,
                "{}: `{name}`",
                case.name()
            );
        }
        assert_eq!(
            objects_holding(case, "ExternalSecret").len(),
            2,
            "{}",
            case.name()
        );
    }
}

#[test]
fn namespaces_are_created_and_creds_copied_into_the_cluster() {
    for case in cases("namespaces-and-creds") {
        let xr = case.xr();
        let namespaces: Vec<&str> = case
            .resource_names()
            .into_iter()
            .filter_map(|name| name.strip_prefix(&format!("{xr}-ns-")))
            .collect();
        assert_eq!(
            namespaces,
            ["dev", "staging", "production"],
            "{}",
            case.name()
        );
        for namespace in namespaces {
            let object = case.resource(&format!("ns-{namespace}"));
            assert_eq!(
                manifest(object),
                &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
            );
            assert_eq!(object["kind"], "Object");
        }
        let creds = case.resource("creds");
        assert_eq!(creds["kind"], "Object");
        assert_eq!(
            manifest(creds),
            &json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "cloud-creds", "namespace": "crossplane-system"}})
        );
        let copied: Vec<(&Value, &Value)> = creds["spec"]["references"]
            .as_array()
            .expect("the creds copy has references")
            .iter()
            .map(|r| (&r["patchesFrom"]["fieldPath"], &r["toFieldPath"]))
            .collect();
        assert_eq!(
            copied,
            [
                (&json!("data.creds"), &json!("data.creds")),
                (&json!("data.accessKeyID"), &json!("data.accessKeyID")),
            ],
            "{}",
            case.name()
        );
        assert!(
            case.has("creds-usage"),
            "{}: the creds copy has no usage",
            case.name()
        );
    }
    for case in cases("no-apps") {
        assert!(
            !case.has("creds"),
            "{}: creds copied without `creds`",
            case.name()
        );
        assert!(
            case.has("ns-dev") && case.has("ns-production"),
            "{}: the default namespaces",
            case.name()
        );
    }
}

#[test]
fn no_apps_null_apps_and_null_or_empty_apps_render_without_app_resources() {
    for scenario in ["no-apps", "apps-null", "app-null-and-empty"] {
        for case in cases(scenario) {
            assert_no_app_resources(case);
        }
    }
}

#[test]
fn the_google_provider_configs_carry_the_google_identity_and_the_others_do_not() {
    for provider in Provider::ALL {
        let case = case("no-apps", provider);
        for config in ["config-helm", "config-kubernetes"] {
            let identity = case.resource(config).pointer("/spec/identity");
            if provider == Provider::Google {
                assert_eq!(
                    identity,
                    Some(&json!({
                        "type": "GoogleApplicationCredentials",
                        "source": "Secret",
                        "secretRef": {"name": "gcp-creds", "namespace": "crossplane-system", "key": "creds"},
                    })),
                    "{}: `{config}`",
                    case.name()
                );
            } else {
                assert_eq!(identity, None, "{}: `{config}`", case.name());
            }
        }
    }
}
