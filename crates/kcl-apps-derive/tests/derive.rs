//! What `#[derive(App)]` produces: the whole `AppSpec` of a few apps declared here (a made-up
//! world of caches, dashboards, queues and storage), with
//! YAML files under `tests/fixtures/`; and what `#[derive(AppRegistry)]` produces.

use kcl_apps::app::{AppSpec, ChartSource, Condition, HandWritten, Image, Object, Release, Values};
use kcl_apps::{App, AppRegistry};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

fn yes() -> bool {
    true
}

/// Install the ledger.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "ledger",
    release(
        chart = "ledger",
        repository = "https://charts.example.com/ledger",
        version = "3.2.1",
        namespace = "ledger-system",
    )
)]
pub struct Ledger {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
}

/// Install the mailer.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "mailer")]
pub struct Mailer {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
}

/// Install the cache, in memory.
/// The exporter needs a metrics endpoint.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase")]
#[app(
    key = "cache",
    release(chart = "cache", repository = "https://charts.example.com/cache", version = "1.4.0", namespace = "cache"),
    release(
        name = "cache-metrics-exporter", chart = "cache-metrics-exporter",
        repository = "https://charts.example.com/cache", version = "0.3.1", namespace = "cache",
        when(field = metrics_exporter),
    ),
)]
pub struct Cache {
    /// Install the cache.
    #[serde(default)]
    pub enabled: bool,
    /// Install the cache's metrics exporter.
    #[serde(default = "yes")]
    pub metrics_exporter: bool,
}

/// Install the object storage.
///
/// It keeps the ledger's archives.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "storage",
    release(
        chart = "storage", repository = "oci://registry.example.com/charts",
        version = "v2.0.0", namespace = "storage",
        values(inline = "replicas: {count: 2}", when(app = Ledger)),
    ),
    object(file = "tests/fixtures/manifests/bucket-class.yaml", retain),
)]
#[app(object(
    file = "tests/fixtures/manifests/bucket-policy.yaml",
    name = "storage-retention",
    when(app = crate::Ledger),
))]
pub struct Storage {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
    /// Serve TLS too.
    #[serde(default, rename = "withTLS")]
    pub with_tls: bool,
}

/// Install the dashboard.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "dashboard",
    requires = Storage,
    requires(Ledger, Cache),
    release(
        chart = "web-dashboard",
        repository = "https://charts.example.com/dashboard",
        version = "4.0.2",
        namespace = "dashboard",
        pin = "dashboardChart",
        values = "tests/fixtures/values/dashboard.yaml",
        values(file = "tests/fixtures/values/route.yaml", at = "web.route", when(app = Mailer)),
        values(inline = "[a, b]", at = "web.args"),
        when(app = Mailer),
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
fn cache_has_two_releases_and_the_exporter_follows_its_field_by_serde_name() {
    assert_eq!(Cache::KEY, "cache");
    let spec = Cache::spec();
    assert_eq!(spec.key, "cache");
    assert_eq!(
        spec.description,
        "Install the cache, in memory. The exporter needs a metrics endpoint."
    );
    let repository = ChartSource::Repository("https://charts.example.com/cache".into());
    assert_eq!(
        spec.releases,
        [
            Release {
                name: "cache".into(),
                chart: "cache".into(),
                source: repository.clone(),
                version: "1.4.0".into(),
                pin: "cache".into(),
                namespace: "cache".into(),
                usage: true,
                values: vec![],
                when: None,
            },
            Release {
                name: "cache-metrics-exporter".into(),
                chart: "cache-metrics-exporter".into(),
                source: repository,
                version: "0.3.1".into(),
                pin: "cacheMetricsExporter".into(),
                namespace: "cache".into(),
                usage: true,
                values: vec![],
                when: Some(Condition::Field(vec!["metricsExporter".into()])),
            },
        ]
    );
    assert_eq!(spec.objects, []);
    assert_eq!(spec.requires, Vec::<String>::new());
}

#[test]
fn the_parameters_are_the_schemars_schema_of_the_struct() {
    let spec = Cache::spec();
    assert_eq!(spec.parameters, schemars::schema_for!(Cache));
    assert!(
        spec.parameters
            .get("properties")
            .unwrap()
            .get("metricsExporter")
            .is_some()
    );
}

#[test]
fn storage_has_an_oci_chart_conditional_values_and_objects_from_files() {
    let spec = Storage::spec();
    assert_eq!(
        spec,
        AppSpec {
            key: "storage".into(),
            description: "Install the object storage.\n\nIt keeps the ledger's archives.".into(),
            parameters: schemars::schema_for!(Storage),
            releases: vec![Release {
                name: "storage".into(),
                chart: "storage".into(),
                source: ChartSource::Oci("oci://registry.example.com/charts".into()),
                version: "v2.0.0".into(),
                pin: "storage".into(),
                namespace: "storage".into(),
                usage: true,
                values: vec![Values {
                    at: vec![],
                    value: json!({"replicas": {"count": 2}}),
                    file: None,
                    when: Some(Condition::AppEnabled("ledger".into())),
                }],
                when: None,
            }],
            objects: vec![
                Object {
                    name: "bucket-class".into(),
                    external_name: None,
                    usage: true,
                    manifest: json!({
                        "apiVersion": "storage.example.com/v1",
                        "kind": "BucketClass",
                        "metadata": {"name": "standard"},
                        "spec": {"provisioner": "example.com/buckets"},
                    }),
                    file: Some("tests/fixtures/manifests/bucket-class.yaml".into()),
                    retain: true,
                    when: None,
                },
                Object {
                    name: "storage-retention".into(),
                    external_name: None,
                    usage: true,
                    manifest: json!({
                        "apiVersion": "storage.example.com/v1",
                        "kind": "BucketPolicy",
                        "metadata": {
                            "name": "storage-retention",
                            "namespace": "storage",
                            "labels": {"team": "storage"},
                        },
                        "spec": {
                            "selector": {"matchLabels": {"app.kubernetes.io/component": "buckets"}},
                            "rules": [{"bucket": "logs", "retention": "30d"}],
                        },
                    }),
                    file: Some("tests/fixtures/manifests/bucket-policy.yaml".into()),
                    retain: false,
                    when: Some(Condition::AppEnabled("ledger".into())),
                },
            ],
            requires: vec![],
            images: vec![],
            hand_written: vec![],
        }
    );
}

/// Run background jobs from objects, pinning the runner's image.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "worker",
    image(
        name = "runner",
        repository = "registry.example.com/team/worker",
        tag = "2025-01-31"
    ),
    object(
        inline = "{apiVersion: apps/v1, kind: Deployment, metadata: {name: runner}, spec: {image: '{{ image:runner }}'}}",
        name = "worker-deploy",
        external_name = "the-runner",
        retain,
        no_usage,
    ),
    release(
        chart = "worker",
        url = "https://charts.example.com/worker-{version}.tgz",
        version = "v1.2.0",
        namespace = "worker",
    )
)]
struct Worker {
    /// Install the app.
    #[serde(default)]
    enabled: bool,
}

#[test]
fn images_external_names_usages_and_archive_urls_are_described() {
    let spec = Worker::spec();
    assert_eq!(
        spec.images,
        [Image {
            name: "runner".into(),
            repository: "registry.example.com/team/worker".into(),
            tag: "2025-01-31".into(),
            pin: "workerRunner".into(),
        }]
    );
    let [object] = &spec.objects[..] else {
        panic!("one object: {:?}", spec.objects)
    };
    assert_eq!(object.external_name.as_deref(), Some("the-runner"));
    assert!(!object.usage);
    assert!(object.retain);
    assert_eq!(object.manifest["spec"]["image"], "{{ image:runner }}");
    assert_eq!(
        spec.releases[0].source,
        ChartSource::Archive("https://charts.example.com/worker-{version}.tgz".into())
    );
}

#[test]
fn dashboard_has_values_parts_at_paths_an_explicit_pin_an_inline_object_and_requirements() {
    let spec = Dashboard::spec();
    assert_eq!(spec.requires, ["storage", "ledger", "cache"]);
    let [release] = &spec.releases[..] else {
        panic!("one release: {:?}", spec.releases)
    };
    assert_eq!(release.pin, "dashboardChart");
    assert_eq!(release.when, Some(Condition::AppEnabled("mailer".into())));
    assert_eq!(
        release.values,
        [
            Values {
                at: vec![],
                value: json!({
                    "site": {"url": "{{ host }}"},
                    "settings": {"flags": {"auth.anonymous": true}},
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
                at: vec!["web".into(), "route".into()],
                value: json!({"enabled": true, "hosts": ["{{ host }}"]}),
                file: Some("tests/fixtures/values/route.yaml".into()),
                when: Some(Condition::AppEnabled("mailer".into())),
            },
            Values {
                at: vec!["web".into(), "args".into()],
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
        r#"{"site":{"url":"{{ host }}"},"settings":{"flags":{"auth.anonymous":true}},"replicas":2,"offset":-3,"ratio":0.5,"nothing":null,"args":["--a","--b"]}"#
    );
}

#[test]
fn an_app_with_no_releases_or_objects_has_a_key_and_a_description_only() {
    let spec = Mailer::spec();
    assert_eq!(
        (spec.key.as_str(), spec.description.as_str()),
        ("mailer", "Install the mailer.")
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
    #[app(key = "renamed", object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: x}}", name = "x", when(field = with_tls)))]
    struct Renamed {
        enabled: bool,
        #[serde(rename = "withTLS")]
        with_tls: bool,
    }
    assert_eq!(
        Renamed::spec().objects[0].when,
        Some(Condition::Field(vec!["withTLS".into()]))
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
    /// The ledger, under a field name of its own.
    #[serde(rename = "ledger")]
    pub accounts: Option<Ledger>,
}

#[test]
fn a_registry_is_its_fields_apps_in_order() {
    let keys: Vec<String> = Apps::specs().into_iter().map(|app| app.key).collect();
    assert_eq!(keys, ["queue", "search", "ledger"]);
    assert_eq!(Apps::specs()[1], Search::spec());
}

/// kcl-apps reached through a re-export, as a crate that wraps it would.
mod wrapper {
    pub use kcl_apps as apps;
}

/// Install the notes.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    crate = "crate::wrapper::apps",
    release(
        chart = "notes",
        repository = "https://charts.example.com",
        version = "1.0.0",
        namespace = "notes"
    )
)]
pub struct Notes {
    /// Install the app.
    #[serde(default)]
    pub enabled: bool,
}

/// Apps whose derive reaches kcl-apps through the re-export.
#[derive(Serialize, Deserialize, JsonSchema, AppRegistry)]
#[app(crate = "crate::wrapper::apps")]
pub struct WrappedApps {
    /// The notes.
    pub notes: Option<Notes>,
}

#[test]
fn the_crate_path_can_be_a_re_export() {
    assert_eq!(Notes::KEY, "notes");
    assert_eq!(WrappedApps::specs(), [Notes::spec()]);
    assert_eq!(Notes::spec().releases[0].chart, "notes");
}
