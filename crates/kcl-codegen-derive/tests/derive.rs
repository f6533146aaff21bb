//! What `#[derive(App)]` produces: the whole `AppSpec` of a few apps declared here, with
//! YAML files under `tests/fixtures/`.

use kcl_codegen::App;
use kcl_codegen::app::{AppSpec, ChartSource, Condition, Image, Object, Release, Values};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

fn yes() -> bool {
    true
}

/// Install Prometheus.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "prometheus",
    release(
        chart = "kube-prometheus-stack",
        repository = "https://prometheus-community.github.io/helm-charts",
        version = "82.2.1",
        namespace = "prometheus-system",
    )
)]
pub struct Prometheus {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
}

/// Install Traefik.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "traefik")]
pub struct Traefik {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
}

/// Install KEDA, the event-driven autoscaler.
/// Prometheus-based triggers need a Prometheus endpoint.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase")]
#[app(
    key = "keda",
    release(chart = "keda", repository = "https://kedacore.github.io/charts", version = "2.19.0", namespace = "keda"),
    release(
        name = "keda-add-ons-http", chart = "keda-add-ons-http",
        repository = "https://kedacore.github.io/charts", version = "0.12.2", namespace = "keda",
        when(field = http_addon),
    ),
)]
pub struct Keda {
    /// Install KEDA.
    #[serde(default)]
    pub enabled: bool,
    /// Install the KEDA HTTP add-on.
    #[serde(default = "yes")]
    pub http_addon: bool,
}

/// Install Envoy Gateway.
///
/// It coexists with Traefik.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "envoyGateway",
    release(
        chart = "gateway-helm", repository = "oci://docker.io/envoyproxy",
        version = "v1.7.0", namespace = "envoy-gateway-system",
        values(inline = "deployment: {replicas: 2}", when(app = Prometheus)),
    ),
    object(file = "tests/fixtures/manifests/gateway-class.yaml", retain),
)]
#[app(object(
    file = "tests/fixtures/manifests/pod-monitor.yaml",
    name = "envoy-gateway-pod-monitor",
    when(app = crate::Prometheus),
))]
pub struct EnvoyGateway {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
    /// Serve HTTP/3 too.
    #[serde(default, rename = "withHTTP3")]
    pub with_http3: bool,
}

/// Install Argo CD.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "argocd",
    requires = EnvoyGateway,
    requires(Prometheus, Keda),
    release(
        chart = "argo-cd",
        repository = "https://argoproj.github.io/argo-helm",
        version = "9.4.1",
        namespace = "argocd",
        pin = "argoCdChart",
        values = "tests/fixtures/values/argocd.yaml",
        values(file = "tests/fixtures/values/ingress.yaml", at = "server.ingress", when(app = Traefik)),
        values(inline = "[a, b]", at = "server.extraArgs"),
        when(app = Traefik),
    ),
    object(
        inline = "{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}}",
        name = "argocd-settings",
        when(field = with_settings),
    ),
)]
pub struct Argocd {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
    /// Create the settings `ConfigMap`.
    #[serde(default = "yes")]
    pub with_settings: bool,
    /// The host the values read as `{{ host }}`.
    #[serde(default)]
    pub host: String,
}

#[test]
fn keda_has_two_releases_and_the_add_on_follows_its_field_by_serde_name() {
    assert_eq!(Keda::KEY, "keda");
    let spec = Keda::spec();
    assert_eq!(spec.key, "keda");
    assert_eq!(
        spec.description,
        "Install KEDA, the event-driven autoscaler. Prometheus-based triggers need a Prometheus endpoint."
    );
    let repository = ChartSource::Repository("https://kedacore.github.io/charts".into());
    assert_eq!(
        spec.releases,
        [
            Release {
                name: "keda".into(),
                chart: "keda".into(),
                source: repository.clone(),
                version: "2.19.0".into(),
                pin: "keda".into(),
                namespace: "keda".into(),
                values: vec![],
                when: None,
            },
            Release {
                name: "keda-add-ons-http".into(),
                chart: "keda-add-ons-http".into(),
                source: repository,
                version: "0.12.2".into(),
                pin: "kedaAddOnsHttp".into(),
                namespace: "keda".into(),
                values: vec![],
                when: Some(Condition::Field(vec!["httpAddon".into()])),
            },
        ]
    );
    assert_eq!(spec.objects, []);
    assert_eq!(spec.requires, Vec::<String>::new());
}

#[test]
fn the_parameters_are_the_schemars_schema_of_the_struct() {
    let spec = Keda::spec();
    assert_eq!(spec.parameters, schemars::schema_for!(Keda));
    assert!(
        spec.parameters
            .get("properties")
            .unwrap()
            .get("httpAddon")
            .is_some()
    );
}

#[test]
fn envoy_gateway_has_an_oci_chart_conditional_values_and_objects_from_files() {
    let spec = EnvoyGateway::spec();
    assert_eq!(
        spec,
        AppSpec {
            key: "envoyGateway".into(),
            description: "Install Envoy Gateway.\n\nIt coexists with Traefik.".into(),
            parameters: schemars::schema_for!(EnvoyGateway),
            releases: vec![Release {
                name: "gateway-helm".into(),
                chart: "gateway-helm".into(),
                source: ChartSource::Oci("oci://docker.io/envoyproxy".into()),
                version: "v1.7.0".into(),
                pin: "gatewayHelm".into(),
                namespace: "envoy-gateway-system".into(),
                values: vec![Values {
                    at: vec![],
                    value: json!({"deployment": {"replicas": 2}}),
                    when: Some(Condition::AppEnabled("prometheus".into())),
                }],
                when: None,
            }],
            objects: vec![
                Object {
                    name: "gateway-class".into(),
                    external_name: None,
                    usage: true,
                    manifest: json!({
                        "apiVersion": "gateway.networking.k8s.io/v1",
                        "kind": "GatewayClass",
                        "metadata": {"name": "eg"},
                        "spec": {"controllerName": "gateway.envoyproxy.io/gatewayclass-controller"},
                    }),
                    retain: true,
                    when: None,
                },
                Object {
                    name: "envoy-gateway-pod-monitor".into(),
                    external_name: None,
                    usage: true,
                    manifest: json!({
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
                    retain: false,
                    when: Some(Condition::AppEnabled("prometheus".into())),
                },
            ],
            requires: vec![],
            images: vec![],
        }
    );
}

/// Run an operator from objects, pinning its image.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "operator",
    image(
        name = "manager",
        repository = "registry.example.com/team/operator",
        tag = "2025-01-31"
    ),
    object(
        inline = "{apiVersion: apps/v1, kind: Deployment, metadata: {name: manager}, spec: {image: '{{ image:manager }}'}}",
        name = "operator-deploy",
        external_name = "the-manager",
        retain,
        no_usage,
    ),
    release(
        chart = "dashboard",
        url = "https://charts.example.com/dashboard-{version}.tgz",
        version = "v1.2.0",
        namespace = "operator",
    )
)]
struct Operator {
    /// Install the app.
    #[serde(default)]
    enabled: bool,
}

#[test]
fn images_external_names_usages_and_archive_urls_are_described() {
    let spec = Operator::spec();
    assert_eq!(
        spec.images,
        [Image {
            name: "manager".into(),
            repository: "registry.example.com/team/operator".into(),
            tag: "2025-01-31".into(),
            pin: "operatorManager".into(),
        }]
    );
    let [object] = &spec.objects[..] else {
        panic!("one object: {:?}", spec.objects)
    };
    assert_eq!(object.external_name.as_deref(), Some("the-manager"));
    assert!(!object.usage);
    assert!(object.retain);
    assert_eq!(object.manifest["spec"]["image"], "{{ image:manager }}");
    assert_eq!(
        spec.releases[0].source,
        ChartSource::Archive("https://charts.example.com/dashboard-{version}.tgz".into())
    );
}

#[test]
fn argocd_has_values_parts_at_paths_an_explicit_pin_an_inline_object_and_requirements() {
    let spec = Argocd::spec();
    assert_eq!(spec.requires, ["envoyGateway", "prometheus", "keda"]);
    let [release] = &spec.releases[..] else {
        panic!("one release: {:?}", spec.releases)
    };
    assert_eq!(release.pin, "argoCdChart");
    assert_eq!(release.when, Some(Condition::AppEnabled("traefik".into())));
    assert_eq!(
        release.values,
        [
            Values {
                at: vec![],
                value: json!({
                    "global": {"domain": "{{ host }}"},
                    "configs": {"params": {"server.insecure": true}},
                    "replicas": 2,
                    "offset": -3,
                    "ratio": 0.5,
                    "nothing": null,
                    "args": ["--a", "--b"],
                }),
                when: None,
            },
            Values {
                at: vec!["server".into(), "ingress".into()],
                value: json!({"enabled": true, "hosts": ["{{ host }}"]}),
                when: Some(Condition::AppEnabled("traefik".into())),
            },
            Values {
                at: vec!["server".into(), "extraArgs".into()],
                value: json!(["a", "b"]),
                when: None,
            },
        ]
    );
    assert_eq!(
        spec.objects,
        [Object {
            name: "argocd-settings".into(),
            external_name: None,
            usage: true,
            manifest: json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}),
            retain: false,
            when: Some(Condition::Field(vec!["with_settings".into()])),
        }]
    );
}

#[test]
fn values_from_files_keep_the_order_of_their_keys() {
    let spec = Argocd::spec();
    let text = serde_json::to_string(&spec.releases[0].values[0].value).unwrap();
    assert_eq!(
        text,
        r#"{"global":{"domain":"{{ host }}"},"configs":{"params":{"server.insecure":true}},"replicas":2,"offset":-3,"ratio":0.5,"nothing":null,"args":["--a","--b"]}"#
    );
}

#[test]
fn an_app_with_no_releases_or_objects_has_a_key_and_a_description_only() {
    let spec = Traefik::spec();
    assert_eq!(
        (spec.key.as_str(), spec.description.as_str()),
        ("traefik", "Install Traefik.")
    );
    assert_eq!(
        (spec.releases, spec.objects, spec.requires),
        (vec![], vec![], vec![])
    );
}

#[test]
fn a_field_condition_uses_serde_rename() {
    /// Test app.
    #[derive(Serialize, Deserialize, JsonSchema, App)]
    #[app(key = "renamed", object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: x}}", name = "x", when(field = with_http3)))]
    struct Renamed {
        enabled: bool,
        #[serde(rename = "withHTTP3")]
        with_http3: bool,
    }
    assert_eq!(
        Renamed::spec().objects[0].when,
        Some(Condition::Field(vec!["withHTTP3".into()]))
    );
}
