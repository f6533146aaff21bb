//! What `#[derive(App)]` produces: the whole `AppSpec` of a few apps declared here, with
//! YAML files under `tests/fixtures/`; and what `#[derive(AppRegistry)]` produces.

use kcl_apps::app::{AppSpec, ChartSource, Condition, HandWritten, Image, Object, Release, Values};
use kcl_apps::{App, AppRegistry};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

fn yes() -> bool {
    true
}

/// Install the metrics stack.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "metrics",
    release(
        chart = "metrics-stack",
        repository = "https://charts.example.com/metrics",
        version = "82.2.1",
        namespace = "metrics-system",
    )
)]
pub struct Metrics {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
}

/// Install the ingress controller.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "ingress")]
pub struct Ingress {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
}

/// Install the autoscaler, event-driven.
/// Metrics-based triggers need a metrics endpoint.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase")]
#[app(
    key = "autoscaler",
    release(chart = "autoscaler", repository = "https://charts.example.com/autoscaler", version = "2.19.0", namespace = "autoscaler"),
    release(
        name = "autoscaler-add-ons-http", chart = "autoscaler-add-ons-http",
        repository = "https://charts.example.com/autoscaler", version = "0.12.2", namespace = "autoscaler",
        when(field = http_addon),
    ),
)]
pub struct Autoscaler {
    /// Install the autoscaler.
    #[serde(default)]
    pub enabled: bool,
    /// Install the autoscaler's HTTP add-on.
    #[serde(default = "yes")]
    pub http_addon: bool,
}

/// Install the API gateway.
///
/// It coexists with the ingress controller.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "apiGateway",
    release(
        chart = "api-gateway", repository = "oci://registry.example.com/charts",
        version = "v1.7.0", namespace = "gateway-system",
        values(inline = "deployment: {replicas: 2}", when(app = Metrics)),
    ),
    object(file = "tests/fixtures/manifests/gateway-class.yaml", retain),
)]
#[app(object(
    file = "tests/fixtures/manifests/pod-monitor.yaml",
    name = "gateway-pod-monitor",
    when(app = crate::Metrics),
))]
pub struct ApiGateway {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
    /// Serve HTTP/3 too.
    #[serde(default, rename = "withHTTP3")]
    pub with_http3: bool,
}

/// Install the dashboard.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "dashboard",
    requires = ApiGateway,
    requires(Metrics, Autoscaler),
    release(
        chart = "web-dashboard",
        repository = "https://charts.example.com/dashboard",
        version = "9.4.1",
        namespace = "dashboard",
        pin = "dashboardChart",
        values = "tests/fixtures/values/dashboard.yaml",
        values(file = "tests/fixtures/values/ingress.yaml", at = "server.ingress", when(app = Ingress)),
        values(inline = "[a, b]", at = "server.extraArgs"),
        when(app = Ingress),
    ),
    object(
        inline = "{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}}",
        name = "dashboard-settings",
        when(field = with_settings),
    ),
)]
pub struct Dashboard {
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
fn autoscaler_has_two_releases_and_the_add_on_follows_its_field_by_serde_name() {
    assert_eq!(Autoscaler::KEY, "autoscaler");
    let spec = Autoscaler::spec();
    assert_eq!(spec.key, "autoscaler");
    assert_eq!(
        spec.description,
        "Install the autoscaler, event-driven. Metrics-based triggers need a metrics endpoint."
    );
    let repository = ChartSource::Repository("https://charts.example.com/autoscaler".into());
    assert_eq!(
        spec.releases,
        [
            Release {
                name: "autoscaler".into(),
                chart: "autoscaler".into(),
                source: repository.clone(),
                version: "2.19.0".into(),
                pin: "autoscaler".into(),
                namespace: "autoscaler".into(),
                usage: true,
                values: vec![],
                when: None,
            },
            Release {
                name: "autoscaler-add-ons-http".into(),
                chart: "autoscaler-add-ons-http".into(),
                source: repository,
                version: "0.12.2".into(),
                pin: "autoscalerAddOnsHttp".into(),
                namespace: "autoscaler".into(),
                usage: true,
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
    let spec = Autoscaler::spec();
    assert_eq!(spec.parameters, schemars::schema_for!(Autoscaler));
    assert!(
        spec.parameters
            .get("properties")
            .unwrap()
            .get("httpAddon")
            .is_some()
    );
}

#[test]
fn api_gateway_has_an_oci_chart_conditional_values_and_objects_from_files() {
    let spec = ApiGateway::spec();
    assert_eq!(
        spec,
        AppSpec {
            key: "apiGateway".into(),
            description: "Install the API gateway.\n\nIt coexists with the ingress controller."
                .into(),
            parameters: schemars::schema_for!(ApiGateway),
            releases: vec![Release {
                name: "api-gateway".into(),
                chart: "api-gateway".into(),
                source: ChartSource::Oci("oci://registry.example.com/charts".into()),
                version: "v1.7.0".into(),
                pin: "apiGateway".into(),
                namespace: "gateway-system".into(),
                usage: true,
                values: vec![Values {
                    at: vec![],
                    value: json!({"deployment": {"replicas": 2}}),
                    file: None,
                    when: Some(Condition::AppEnabled("metrics".into())),
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
                        "spec": {"controllerName": "example.com/gateway-controller"},
                    }),
                    file: Some("tests/fixtures/manifests/gateway-class.yaml".into()),
                    retain: true,
                    when: None,
                },
                Object {
                    name: "gateway-pod-monitor".into(),
                    external_name: None,
                    usage: true,
                    manifest: json!({
                        "apiVersion": "monitoring.coreos.com/v1",
                        "kind": "PodMonitor",
                        "metadata": {
                            "name": "gateway-proxy",
                            "namespace": "gateway-system",
                            "labels": {"release": "metrics-stack"},
                        },
                        "spec": {
                            "selector": {"matchLabels": {"app.kubernetes.io/component": "proxy"}},
                            "podMetricsEndpoints": [{"port": "metrics", "path": "/stats/metrics"}],
                        },
                    }),
                    file: Some("tests/fixtures/manifests/pod-monitor.yaml".into()),
                    retain: false,
                    when: Some(Condition::AppEnabled("metrics".into())),
                },
            ],
            requires: vec![],
            images: vec![],
            hand_written: vec![],
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
fn dashboard_has_values_parts_at_paths_an_explicit_pin_an_inline_object_and_requirements() {
    let spec = Dashboard::spec();
    assert_eq!(spec.requires, ["apiGateway", "metrics", "autoscaler"]);
    let [release] = &spec.releases[..] else {
        panic!("one release: {:?}", spec.releases)
    };
    assert_eq!(release.pin, "dashboardChart");
    assert_eq!(release.when, Some(Condition::AppEnabled("ingress".into())));
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
                file: Some("tests/fixtures/values/dashboard.yaml".into()),
                when: None,
            },
            Values {
                at: vec!["server".into(), "ingress".into()],
                value: json!({"enabled": true, "hosts": ["{{ host }}"]}),
                file: Some("tests/fixtures/values/ingress.yaml".into()),
                when: Some(Condition::AppEnabled("ingress".into())),
            },
            Values {
                at: vec!["server".into(), "extraArgs".into()],
                value: json!(["a", "b"]),
                file: None,
                when: None,
            },
        ]
    );
    assert_eq!(
        spec.objects,
        [Object {
            name: "dashboard-settings".into(),
            external_name: None,
            usage: true,
            manifest: json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}),
            file: None,
            retain: false,
            when: Some(Condition::Field(vec!["with_settings".into()])),
        }]
    );
}

#[test]
fn values_from_files_keep_the_order_of_their_keys() {
    let spec = Dashboard::spec();
    let text = serde_json::to_string(&spec.releases[0].values[0].value).unwrap();
    assert_eq!(
        text,
        r#"{"global":{"domain":"{{ host }}"},"configs":{"params":{"server.insecure":true}},"replicas":2,"offset":-3,"ratio":0.5,"nothing":null,"args":["--a","--b"]}"#
    );
}

#[test]
fn an_app_with_no_releases_or_objects_has_a_key_and_a_description_only() {
    let spec = Ingress::spec();
    assert_eq!(
        (spec.key.as_str(), spec.description.as_str()),
        ("ingress", "Install the ingress controller.")
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

/// The edition of the search service.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Edition {
    /// Free.
    Community,
    /// Paid.
    Enterprise,
}

/// Install the search service; it holds no cluster, so it composes no `Usage`.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase")]
#[app(
    key = "search",
    no_usage,
    release(
        chart = "search", repository = "https://charts.example.com/search", version = "3.0.0",
        namespace = "search",
        values(inline = "{owner: {name: '{{ xr:name }}', namespace: '{{ xr:namespace }}'}}"),
        values(inline = "{license: {enabled: true}}", when(field = edition, is = Edition::Enterprise)),
    ),
    object(
        inline = "{apiVersion: v1, kind: ConfigMap, metadata: {name: search-backup}}",
        name = "search-backup",
        when(field = backup_edition, is = Edition::Enterprise),
    ),
    hand_written(file = "kcl/main.k", what = "the search's ingress"),
)]
pub struct Search {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
    /// The edition.
    pub edition: Edition,
    /// The edition of the backups, if any.
    #[serde(default)]
    pub backup_edition: Option<Edition>,
}

/// Install a queue whose metrics release holds no cluster.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "queue",
    release(
        chart = "queue",
        repository = "https://charts.example.com/queue",
        version = "1.0.0",
        namespace = "queue"
    ),
    release(
        chart = "queue-metrics",
        repository = "https://charts.example.com/metrics",
        version = "0.4.0",
        namespace = "queue-metrics",
        no_usage,
    )
)]
pub struct Queue {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
}

#[test]
fn no_usage_on_an_app_or_a_release_and_hand_written_parts_are_described() {
    let search = Search::spec();
    assert!(search.releases.iter().all(|release| !release.usage));
    assert!(search.objects.iter().all(|object| !object.usage));
    assert_eq!(
        search.hand_written,
        [HandWritten {
            file: "kcl/main.k".into(),
            what: "the search's ingress".into(),
        }]
    );
    let usages: Vec<bool> = Queue::spec().releases.iter().map(|r| r.usage).collect();
    assert_eq!(usages, [true, false]);
}

#[test]
fn a_condition_on_an_enum_value_is_the_value_as_serde_writes_it() {
    let spec = Search::spec();
    let enterprise = Some(Condition::FieldIs {
        path: vec!["edition".into()],
        value: json!("enterprise"),
    });
    assert_eq!(spec.releases[0].values[1].when, enterprise);
    assert_eq!(
        spec.objects[0].when,
        Some(Condition::FieldIs {
            path: vec!["backupEdition".into()],
            value: json!("enterprise"),
        })
    );
}

#[test]
fn templates_read_every_field_of_the_composite_resource_the_model_knows() {
    let spec = Search::spec();
    let owner = &spec.releases[0].values[0].value["owner"];
    let read: Vec<&str> = (owner.as_object().unwrap().values())
        .map(|template| template.as_str().unwrap())
        .collect();
    let known: Vec<String> = (kcl_apps::app::XR_FIELDS.iter())
        .map(|(field, _)| format!("{{{{ xr:{field} }}}}"))
        .collect();
    assert_eq!(read, known);
}

/// The apps of a composition, in installation order.
#[derive(Serialize, Deserialize, JsonSchema, AppRegistry)]
#[serde(rename_all = "camelCase")]
pub struct Apps {
    /// The queue.
    pub queue: Option<Queue>,
    /// The search service.
    pub search: Option<Search>,
    /// The metrics stack, under a field name of its own.
    #[serde(rename = "metrics")]
    pub monitoring: Option<Metrics>,
}

#[test]
fn a_registry_is_its_fields_apps_in_order() {
    let keys: Vec<String> = Apps::specs().into_iter().map(|app| app.key).collect();
    assert_eq!(keys, ["queue", "search", "metrics"]);
    assert_eq!(Apps::specs()[1], Search::spec());
}

/// kcl-apps reached through a re-export, as a crate that wraps it would.
mod wrapper {
    pub use kcl_apps as apps;
}

/// Install the cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    crate = "crate::wrapper::apps",
    release(
        chart = "cache",
        repository = "https://charts.example.com",
        version = "1.0.0",
        namespace = "cache"
    )
)]
pub struct Cache {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
}

/// Apps whose derive reaches kcl-apps through the re-export.
#[derive(Serialize, Deserialize, JsonSchema, AppRegistry)]
#[app(crate = "crate::wrapper::apps")]
pub struct WrappedApps {
    /// The cache.
    pub cache: Option<Cache>,
}

#[test]
fn the_crate_path_can_be_a_re_export() {
    assert_eq!(Cache::KEY, "cache");
    assert_eq!(WrappedApps::specs(), [Cache::spec()]);
    assert_eq!(Cache::spec().releases[0].chart, "cache");
}
