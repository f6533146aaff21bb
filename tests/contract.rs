//! The facts of `composition-contract.md`, asserted on the scenarios that show them.
//!
//! Pins, chart sources, values and manifests are read from the registry (the Rust types and
//! their YAML files), never restated here: these tests pin down behaviour, the composed
//! names that Crossplane keys resources by, and the deliberate fixes.

use dot_kubernetes_apps::{
    GATEWAY_NAME, GATEWAY_NAMESPACE, PROMETHEUS_URL, Provider, VALKEY_ADDRESS, registry,
};
use kcl_apps::app::{ChartSource, Object, Release};
use serde_json::{Value, json};

use crate::common::{Case, case, cases, matrix, resource_name, root};

const RETAIN: [&str; 3] = ["Create", "Update", "Observe"];

/// The release named `name` in the registry.
fn declared_release(name: &str) -> Release {
    registry()
        .into_iter()
        .flat_map(|app| app.releases)
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no release `{name}` in the registry"))
}

/// The object named `name` in the registry.
fn declared_object(name: &str) -> Object {
    registry()
        .into_iter()
        .flat_map(|app| app.objects)
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no object `{name}` in the registry"))
}

/// The values a release declares, merged, when none of them is conditional or templated.
fn declared_values(release: &Release) -> Value {
    let mut merged = json!({});
    for part in &release.values {
        assert!(part.when.is_none() && part.at.is_empty(), "plain values");
        for (key, value) in part.value.as_object().expect("values are a mapping") {
            merged[key] = value.clone();
        }
    }
    merged
}

/// The `chart` of the composed Release of a declared release.
fn expected_chart(release: &Release) -> Value {
    match &release.source {
        ChartSource::Repository(repository) | ChartSource::Oci(repository) => json!({
            "name": release.chart,
            "repository": repository,
            "version": release.version,
        }),
        ChartSource::Archive(url) => json!({
            "name": release.chart,
            "url": ChartSource::archive_url(url, &release.version),
        }),
    }
}

/// Assert that `<xr>-app-<name>` is the contract's Release of the declared release, with
/// its usage as declared; returns its values, which each test checks itself.
fn assert_release<'a>(case: &'a Case, name: &str) -> Option<&'a Value> {
    let declared = declared_release(name);
    let xr = case.xr();
    let actual = case.resource(&format!("app-{name}"));
    let values = actual.pointer("/spec/forProvider/values");
    let mut for_provider =
        json!({"chart": expected_chart(&declared), "namespace": declared.namespace});
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
    assert_eq!(
        case.has(&format!("app-{name}-usage")),
        declared.usage,
        "{}: the usage of release `{name}`",
        case.name()
    );
    values
}

/// Assert that `<xr>-app-<name>` is the Object of the declared object, with `external_name`
/// as its external name and the declared retention and usage; returns its manifest.
fn assert_object<'a>(case: &'a Case, name: &str, external_name: &str) -> &'a Value {
    let declared = declared_object(name);
    let object = case.resource(&format!("app-{name}"));
    assert_eq!(object["apiVersion"], "kubernetes.m.crossplane.io/v1alpha1");
    assert_eq!(
        object.pointer("/metadata/annotations/crossplane.io~1external-name"),
        Some(&json!(external_name)),
        "{}: the external name of `{name}`",
        case.name()
    );
    assert_eq!(
        object["spec"]["providerConfigRef"],
        json!({"name": case.xr(), "kind": "ProviderConfig"}),
        "{}: the provider config of `{name}`",
        case.name()
    );
    let retained = object["spec"]["managementPolicies"] == json!(RETAIN);
    assert_eq!(
        retained,
        declared.retain,
        "{}: `{name}` retention",
        case.name()
    );
    assert_eq!(
        case.has(&format!("app-{name}-usage")),
        declared.usage,
        "{}: the usage of `{name}`",
        case.name()
    );
    manifest(object)
}

/// The manifest of an object whose declared manifest has no template: exactly that.
fn assert_plain_object(case: &Case, name: &str, external_name: &str) {
    let manifest = assert_object(case, name, external_name);
    assert_eq!(
        manifest,
        &declared_object(name).manifest,
        "{}: the manifest of `{name}`",
        case.name()
    );
}

fn manifest(object: &Value) -> &Value {
    &object["spec"]["forProvider"]["manifest"]
}

/// The Objects (`<xr>-app-...`) whose manifest is of this kind.
fn objects_holding<'a>(case: &'a Case, kind: &str) -> Vec<&'a Value> {
    let prefix = format!("{}-app-", case.xr());
    case.of_kind("Object")
        .filter(|o| resource_name(o).is_some_and(|n| n.starts_with(&prefix)))
        .filter(|o| o.pointer("/spec/forProvider/manifest/kind") == Some(&json!(kind)))
        .collect()
}

/// Everything Envoy Gateway brings, under the keys and external names deployed today.
fn assert_envoy_gateway(case: &Case) {
    let values = assert_release(case, "gateway-helm");
    assert_eq!(
        values,
        Some(&declared_values(&declared_release("gateway-helm"))),
        "{}: Envoy Gateway's values (the Envoy AI Gateway extension manager)",
        case.name()
    );
    assert!(
        values.is_some_and(|v| v.pointer("/config/envoyGateway/extensionManager").is_some()),
        "{}: Envoy Gateway is extended by Envoy AI Gateway",
        case.name()
    );
    for name in ["ai-gateway-crds-helm", "ai-gateway-helm"] {
        assert_eq!(
            assert_release(case, name),
            None,
            "{}: `{name}` sets no values",
            case.name()
        );
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
    assert_plain_object(case, "envoy-gateway-class", "envoy-gateway-class");
    assert_plain_object(case, "envoy-gateway", "envoy-gateway");
    let gateway = manifest(case.resource("app-envoy-gateway"));
    assert_eq!(
        (&gateway["kind"], &gateway["metadata"]),
        (
            &json!("Gateway"),
            &json!({"name": GATEWAY_NAME, "namespace": GATEWAY_NAMESPACE})
        ),
        "{}: the default Gateway consumers attach to",
        case.name()
    );
    for crd in [
        "inference-crd-inferencepools",
        "inference-crd-inferenceobjectives",
    ] {
        let manifest = &declared_object(crd).manifest;
        let name = manifest["metadata"]["name"].as_str().expect("a CRD name");
        assert_plain_object(case, crd, name);
        let schema = &manifest["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
        assert_eq!(
            schema["x-kubernetes-preserve-unknown-fields"],
            true,
            "{}: `{crd}` prunes nothing a consumer writes",
            case.name()
        );
    }
}

/// The Body-Based Router and its wiring into the default Gateway.
fn assert_body_based_router(case: &Case) {
    let values = assert_release(case, "body-based-router");
    assert_eq!(
        values,
        Some(&declared_values(&declared_release("body-based-router"))),
        "{}",
        case.name()
    );
    assert_plain_object(case, "body-based-router-backend", "body-based-router");
    assert_plain_object(case, "body-based-router-policy", "body-based-router");
    let policy = manifest(case.resource("app-body-based-router-policy"));
    assert_eq!(
        policy["spec"]["targetRefs"],
        json!([{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": GATEWAY_NAME}]),
        "{}: the router is wired into the default Gateway",
        case.name()
    );
    assert_eq!(
        policy["spec"]["extProc"][0]["failOpen"],
        true,
        "{}: a router outage must cost model-name routing, not the shared Gateway",
        case.name()
    );
}

fn assert_no_body_based_router(case: &Case) {
    for name in [
        "body-based-router",
        "body-based-router-backend",
        "body-based-router-policy",
    ] {
        assert!(
            !case.has(&format!("app-{name}")),
            "{}: `{name}` is composed",
            case.name()
        );
    }
}

fn assert_no_envoy_gateway(case: &Case) {
    for name in ["gateway-helm", "ai-gateway-crds-helm", "ai-gateway-helm"] {
        assert!(
            !case.has(&format!("app-{name}")),
            "{}: `{name}` is installed",
            case.name()
        );
    }
    assert!(
        objects_holding(case, "CustomResourceDefinition").is_empty(),
        "{}: CRDs without Envoy Gateway",
        case.name()
    );
    assert_no_body_based_router(case);
}

#[test]
fn every_declared_release_is_composed_under_its_deployed_key_when_every_app_is_enabled() {
    for case in cases("every-app") {
        for release in registry().iter().flat_map(|app| &app.releases) {
            assert_release(case, &release.name);
        }
        assert_envoy_gateway(case);
        assert_body_based_router(case);
    }
}

#[test]
fn envoy_gateway_alone_brings_envoy_ai_gateway_the_inference_crds_and_the_default_gateway() {
    for case in cases("alone-envoy-gateway") {
        assert_envoy_gateway(case);
        assert_no_body_based_router(case);
        assert!(
            !case.has("app-envoy-gateway-pod-monitor"),
            "{}: a PodMonitor without Prometheus",
            case.name()
        );
        let xr = case.xr();
        let expected: Vec<String> = [
            "gateway-helm",
            "ai-gateway-crds-helm",
            "ai-gateway-helm",
            "envoy-gateway-class",
            "envoy-gateway",
            "inference-crd-inferencepools",
            "inference-crd-inferenceobjectives",
        ]
        .iter()
        .map(|name| format!("{xr}-app-{name}"))
        .collect();
        assert_eq!(case.app_resource_names(), expected, "{}", case.name());
    }
}

#[test]
fn envoy_gateway_with_prometheus_adds_the_proxy_pod_monitor() {
    for case in cases("envoy-gateway-prometheus") {
        assert_envoy_gateway(case);
        assert_plain_object(
            case,
            "envoy-gateway-pod-monitor",
            "envoy-gateway-pod-monitor",
        );
    }
    for scenario in ["alone-prometheus", "alone-envoy-gateway"] {
        for case in cases(scenario) {
            assert!(
                objects_holding(case, "PodMonitor").is_empty(),
                "{}: a PodMonitor without both apps",
                case.name()
            );
        }
    }
}

#[test]
fn the_inference_extension_adds_the_body_based_router_and_enables_envoy_gateway() {
    for scenario in [
        "alone-gateway-inference-extension",
        "inference-with-envoy-gateway-disabled",
        "inference-on-cpu-only",
        "envoy-gateway-keda-inference",
    ] {
        for case in cases(scenario) {
            assert_envoy_gateway(case);
            assert_body_based_router(case);
        }
    }
}

#[test]
fn the_inference_extension_without_body_based_router_leaves_the_router_and_its_wiring_out() {
    for case in cases("inference-without-body-based-router") {
        assert_no_body_based_router(case);
        assert_envoy_gateway(case);
    }
}

#[test]
fn gpus_with_nvidia_bring_neither_envoy_gateway_nor_the_inference_extension() {
    for case in cases("gpu-nvidia-without-inference") {
        assert_eq!(
            assert_release(case, "gpu-operator"),
            Some(&declared_values(&declared_release("gpu-operator"))),
            "{}",
            case.name()
        );
        assert_no_envoy_gateway(case);
    }
}

#[test]
fn keda_alone_brings_its_http_add_on_and_can_leave_it_out() {
    for case in cases("alone-keda") {
        assert_release(case, "keda");
        assert_release(case, "keda-add-ons-http");
        assert_eq!(case.app_resource_names().len(), 2, "{}", case.name());
    }
    for case in cases("keda-without-http-addon") {
        assert_release(case, "keda");
        assert!(
            !case.has("app-keda-add-ons-http") && !case.has("app-keda-add-ons-http-usage"),
            "{}: the add-on is installed",
            case.name()
        );
    }
}

#[test]
fn openfunction_is_installed_from_its_archive_whose_name_is_the_pin() {
    for case in cases("alone-openfunction") {
        let values = assert_release(case, "openfunction");
        assert_eq!(
            values,
            Some(&json!({"revisionController": {"enable": true}})),
            "{}",
            case.name()
        );
        let chart = &case.resource("app-openfunction")["spec"]["forProvider"]["chart"];
        assert_eq!(
            chart.get("version"),
            None,
            "{}: the archive's name is the pin, as deployed",
            case.name()
        );
    }
}

/// The releases of llm-d and of what comes with it, as the contract's table has them:
/// release name (`<xr>-app-<name>`, external name `<name>`), chart, source and namespace.
const LLMD_RELEASES: [(&str, &str, &str, &str); 4] = [
    (
        "wva",
        "workload-variant-autoscaler",
        "oci://ghcr.io/llm-d",
        "workload-variant-autoscaler-system",
    ),
    (
        "valkey",
        "valkey",
        "https://valkey.io/valkey-helm/",
        "valkey-system",
    ),
    (
        "lws",
        "lws",
        "oci://registry.k8s.io/lws/charts",
        "lws-system",
    ),
    (
        "opentelemetry-collector",
        "opentelemetry-collector",
        "https://open-telemetry.github.io/opentelemetry-helm-charts",
        "opentelemetry-collector-system",
    ),
];

/// The release `name` of the contract's table, declared as the table says and composed
/// with its usage; returns its values.
fn assert_table_release<'a>(case: &'a Case, name: &str) -> Option<&'a Value> {
    let (_, chart, source, namespace) = LLMD_RELEASES
        .into_iter()
        .find(|(release, ..)| *release == name)
        .unwrap_or_else(|| panic!("`{name}` is not in the table"));
    let declared = declared_release(name);
    let declared_source = match &declared.source {
        ChartSource::Repository(url) | ChartSource::Oci(url) | ChartSource::Archive(url) => url,
    };
    assert_eq!(
        (declared.chart.as_str(), declared_source.as_str()),
        (chart, source),
        "`{name}`"
    );
    assert_eq!(declared.namespace, namespace, "`{name}`");
    assert!(declared.usage, "`{name}` holds the cluster with a Usage");
    assert_release(case, name)
}

/// The app resources (releases and objects, not usages) a case composes, by their names
/// without `<xr>-app-`.
fn app_parts(case: &Case) -> Vec<&str> {
    let prefix = format!("{}-app-", case.xr());
    (case.app_resource_names().into_iter())
        .map(|name| name.strip_prefix(&prefix).unwrap_or(name))
        .collect()
}

#[test]
fn llmd_alone_installs_its_autoscaler_lws_valkey_prometheus_and_the_collector() {
    for case in cases("alone-llmd") {
        for (release, ..) in LLMD_RELEASES {
            assert_table_release(case, release);
        }
        assert_release(case, "kube-prometheus-stack");
        assert_eq!(
            app_parts(case),
            [
                "wva",
                "lws",
                "valkey",
                "kube-prometheus-stack",
                "opentelemetry-collector"
            ],
            "{}",
            case.name()
        );
        let vllm: Vec<&str> = (case.items().iter())
            .filter_map(resource_name)
            .filter(|name| name.contains("vllm"))
            .collect();
        assert!(vllm.is_empty(), "{}: {vllm:?}", case.name());
    }
}

#[test]
fn the_autoscaler_watches_every_namespace_and_reads_the_prometheus_that_comes_with_it() {
    let prometheus = declared_release("kube-prometheus-stack");
    for case in cases("alone-llmd") {
        let values = assert_table_release(case, "wva")
            .unwrap_or_else(|| panic!("{}: the autoscaler has values", case.name()));
        assert_eq!(values, &declared_values(&declared_release("wva")));
        assert_eq!(values.pointer("/wva/namespaceScoped"), Some(&json!(false)));
        // The autoscaler speaks only HTTPS to Prometheus: PROMETHEUS_URL's address.
        let address = PROMETHEUS_URL.strip_prefix("http://").expect("an http URL");
        assert_eq!(
            values.pointer("/wva/prometheus/baseURL"),
            Some(&json!(format!("https://{address}"))),
            "{}",
            case.name()
        );
        assert_eq!(
            values.pointer("/wva/prometheus/monitoringNamespace"),
            Some(&json!(prometheus.namespace)),
            "{}: the chart puts a ConfigMap in Prometheus's namespace",
            case.name()
        );
        for example in ["va", "hpa", "vllmService"] {
            assert_eq!(values[example]["enabled"], json!(false), "{example}");
        }
    }
}

#[test]
fn valkey_alone_installs_valkey_only_with_its_charts_defaults() {
    for case in cases("alone-valkey") {
        assert_eq!(
            assert_table_release(case, "valkey"),
            None,
            "{}",
            case.name()
        );
        assert_eq!(app_parts(case), ["valkey"], "{}", case.name());
        let service = VALKEY_ADDRESS.split(':').next().unwrap_or_default();
        assert_eq!(
            service,
            format!("valkey.{}", declared_release("valkey").namespace),
            "VALKEY_ADDRESS is the release's Service"
        );
    }
}

#[test]
fn prometheus_alone_installs_kube_prometheus_stack_and_the_collector_with_values_that_install() {
    for case in cases("alone-prometheus") {
        assert_eq!(assert_release(case, "kube-prometheus-stack"), None);
        let values = assert_table_release(case, "opentelemetry-collector")
            .unwrap_or_else(|| panic!("{}: the collector has values", case.name()));
        // The chart refuses to install without a mode and an image repository.
        assert_eq!(values["mode"], "deployment", "{}", case.name());
        assert_eq!(
            values.pointer("/image/repository"),
            Some(&json!("otel/opentelemetry-collector-k8s")),
            "{}",
            case.name()
        );
        assert_eq!(
            app_parts(case),
            ["kube-prometheus-stack", "opentelemetry-collector"],
            "{}",
            case.name()
        );
    }
}

#[test]
fn llmd_with_the_inference_extension_brings_the_gateway_and_its_router() {
    for case in cases("llmd-with-inference-extension") {
        for (release, ..) in LLMD_RELEASES {
            assert_table_release(case, release);
        }
        assert_envoy_gateway(case);
        assert_body_based_router(case);
    }
}

#[test]
fn argocd_alone_is_not_exposed_and_syncs_the_default_application() {
    for case in cases("alone-argocd") {
        let values = assert_release(case, "argo-cd")
            .unwrap_or_else(|| panic!("{}: Argo CD has values", case.name()));
        assert_eq!(values.pointer("/global/domain"), Some(&json!("acme.com")));
        assert_eq!(
            values.pointer("/server/ingress"),
            None,
            "{}: ingress without Traefik",
            case.name()
        );
        let application = assert_object(case, "argo-cd-app", "argo-cd-app");
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
        assert_release(case, "traefik");
        let values = assert_release(case, "argo-cd")
            .unwrap_or_else(|| panic!("{}: Argo CD has values", case.name()));
        assert_eq!(
            values.pointer("/global/domain"),
            Some(&json!("argocd.example.com"))
        );
        assert_eq!(
            values.pointer("/server/ingress"),
            Some(&json!({"enabled": true, "ingressClassName": "traefik"})),
            "{}",
            case.name()
        );
        let application = assert_object(case, "argo-cd-app", "argo-cd-app");
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
    for file in ["apps.k", "manifests.k", "data.k", "definition.k"] {
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
        assert_eq!(
            assert_release(case, "external-secrets"),
            Some(&declared_values(&declared_release("external-secrets"))),
            "{}",
            case.name()
        );
        assert!(
            !case.has("app-secret-store"),
            "{}: a store without `store: true`",
            case.name()
        );
    }
}

/// The ExternalSecret copied into `namespace` as `name`, composed as `<xr>-secret-<name>`
/// with its usage, as deployed.
fn assert_copied_secret(case: &Case, name: &str, namespace: &str, from: &str, secret_type: &str) {
    let object = case.resource(&format!("secret-{name}"));
    assert_eq!(object["kind"], "Object");
    assert_eq!(
        object.pointer("/metadata/annotations/crossplane.io~1external-name"),
        Some(&json!(name))
    );
    assert!(case.has(&format!("secret-{name}-usage")), "{}", case.name());
    let secret = manifest(object);
    assert_eq!(
        (&secret["apiVersion"], &secret["kind"]),
        (&json!("external-secrets.io/v1"), &json!("ExternalSecret")),
        "{}: ESO 2 serves v1 only",
        case.name()
    );
    assert_eq!(
        secret["metadata"],
        json!({"name": name, "namespace": namespace})
    );
    assert_eq!(
        secret["spec"]["secretStoreRef"],
        json!({"kind": "ClusterSecretStore", "name": case.provider.name()})
    );
    assert_eq!(
        secret["spec"]["dataFrom"],
        json!([{"extract": {"key": from}}])
    );
    assert_eq!(
        secret["spec"]["target"],
        json!({"name": name, "creationPolicy": "Owner", "template": {"type": secret_type}})
    );
}

#[test]
fn external_secrets_store_is_the_providers_and_secrets_are_copied_from_it() {
    for case in cases("external-secrets-store-and-secrets") {
        let provider = case.provider.name();
        let store = case.resource("app-secret-store");
        assert_eq!(
            store.pointer("/metadata/annotations/crossplane.io~1external-name"),
            Some(&json!(provider))
        );
        let store_manifest = manifest(store);
        assert_eq!(store_manifest["apiVersion"], "external-secrets.io/v1");
        assert_eq!(store_manifest["kind"], "ClusterSecretStore");
        assert_eq!(store_manifest["metadata"]["name"], provider);
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
        assert_copied_secret(
            case,
            "registry-auth",
            "production",
            "registry-auth",
            "kubernetes.io/dockerconfigjson",
        );
        assert_copied_secret(case, "db", "dev", "db-password", "Opaque");
    }
}

#[test]
fn listed_secrets_are_copied_even_while_external_secrets_is_not_enabled_as_deployed() {
    for case in cases("secrets-without-external-secrets") {
        assert_copied_secret(case, "db", "dev", "db-password", "Opaque");
        assert!(
            !case.has("app-external-secrets") && !case.has("app-secret-store"),
            "{}: the operator or a store without `enabled`",
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
            assert_eq!(
                case.app_resource_names(),
                Vec::<&str>::new(),
                "{}",
                case.name()
            );
            let releases: Vec<&str> = case.of_kind("Release").filter_map(resource_name).collect();
            let cilium = format!("{}-app-cilium", case.xr());
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
        }
    }
}

#[test]
fn cilium_keeps_its_deployed_key_so_that_upgrading_never_uninstalls_it() {
    for provider in [Provider::Azure, Provider::Google] {
        let case = case("no-apps", provider);
        let cilium = case.resource("app-cilium");
        assert_eq!(cilium["metadata"]["name"], format!("{}-cilium", case.xr()));
        assert_eq!(
            cilium.pointer("/metadata/annotations/crossplane.io~1external-name"),
            Some(&json!("cilium"))
        );
        assert!(case.has("cilium-usage"), "{}", case.name());
    }
}

#[test]
fn provider_configs_keep_their_deployed_external_names() {
    for case in matrix() {
        for (key, external_name) in [
            ("config-helm", case.xr()),
            ("config-helm-local", case.xr()),
            ("config-kubernetes", case.xr()),
        ] {
            assert_eq!(
                case.resource(key)
                    .pointer("/metadata/annotations/crossplane.io~1external-name"),
                Some(&json!(external_name)),
                "{}: `{key}`",
                case.name()
            );
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
