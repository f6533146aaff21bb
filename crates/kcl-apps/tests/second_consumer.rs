//! A second consumer proves the crate is generic: an
//! `Application` composite resource with its own parameter types and its own add-ons (a
//! registry of its own, templates that read the composite resource, conditions on enum
//! values, and a Configuration with or without `Usage`s), compiled to a data dict, a
//! structural XRD schema and composition code, all run through the real KCL runtime.

use kcl_apps::compose::{self, Conventions};
use kcl_apps::resources::ResourceSchemas;
use kcl_apps::{App, AppRegistry};
use kcl_codegen::ast::{Expr, Module, Stmt};
use kcl_codegen::schema;
use kcl_runtime::{Program, Runtime};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// An application: one container image behind a host name.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct ApplicationParameters {
    /// The container image.
    image: String,
    /// The port the container listens on.
    #[serde(default = "port")]
    port: u16,
    /// The host name the application is reached at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    host: Option<String>,
    /// How the application scales.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scaling: Option<Scaling>,
}

/// Horizontal scaling.
#[derive(Serialize, Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Scaling {
    /// The fewest replicas.
    #[serde(default = "one")]
    min: u32,
    /// The most replicas.
    #[serde(default = "five")]
    max: u32,
}

fn port() -> u16 {
    80
}
fn one() -> u32 {
    1
}
fn five() -> u32 {
    5
}

/// A Redis cache next to the application.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase")]
#[app(
    key = "redis",
    release(
        chart = "redis",
        repository = "https://charts.bitnami.com/bitnami",
        version = "20.1.0",
        namespace = "cache",
        values(inline = "architecture: standalone"),
        values(inline = "enabled: true", at = "metrics", when(field = metrics)),
    ),
    object(
        inline = "{apiVersion: v1, kind: ConfigMap, metadata: {name: redis-url}, data: {url: '{{ namespace }}'}}",
        name = "redis-url",
        when(app = Tracing),
    )
)]
#[allow(dead_code)]
struct Redis {
    /// Add the cache.
    #[serde(default)]
    enabled: bool,
    /// Export metrics.
    #[serde(default)]
    metrics: bool,
    /// Where the cache goes.
    #[serde(default = "default_namespace")]
    namespace: String,
}

fn default_namespace() -> String {
    "cache".into()
}

/// Tracing for the application; it needs the cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "tracing",
    requires = Redis,
    release(chart = "tempo", repository = "oci://example.com/charts", version = "1.2.3", namespace = "tracing")
)]
#[allow(dead_code)]
struct Tracing {
    /// Add tracing.
    #[serde(default)]
    enabled: bool,
}

fn runtime() -> &'static Runtime {
    Runtime::global().unwrap_or_else(|e| panic!("{e}"))
}

/// Evaluate `name = <value>` and read the value back.
fn round_trip(value: &Value) -> Value {
    let module = Module {
        body: vec![Stmt::assign("value", Expr::try_from_json(value).unwrap())],
    };
    let printed = module.to_string();
    assert_eq!(
        runtime().format(&printed).unwrap(),
        printed,
        "not canonical"
    );
    runtime()
        .run(&Program::new().source("main.k", printed))
        .unwrap()
        .json["value"]
        .clone()
}

#[test]
fn the_parameters_compile_to_a_data_dict_that_kcl_reads_back() {
    let dict = schema::data_dict(&schemars::schema_for!(ApplicationParameters)).unwrap();
    assert_eq!(dict["properties"]["port"]["default"], 80);
    assert_eq!(
        dict["properties"]["scaling"]["properties"]["max"]["default"],
        5
    );
    assert_eq!(dict["required"], json!(["image"]));
    assert_eq!(round_trip(&dict), dict);
}

#[test]
fn the_parameters_compile_to_a_structural_schema_that_kcl_reads_back() {
    let structural = schema::structural(&schemars::schema_for!(ApplicationParameters)).unwrap();
    assert_eq!(structural["type"], "object");
    assert_eq!(structural["properties"]["host"]["type"], "string");
    assert_eq!(
        structural["properties"]["scaling"]["properties"]["min"]["type"],
        "integer"
    );
    assert_eq!(
        structural["properties"]["scaling"]["description"],
        "How the application scales."
    );
    assert_eq!(round_trip(&structural), structural);
}

/// The hand-written part another composition would keep: its own resource shapes.
const PRELUDE: &str = r#"oxr = option("params").oxr

schema release:
    _name: str
    _chart: str
    _repository?: str
    _url?: str
    _version?: str
    _namespace: str
    _values?: {str:}
    kind = "Release"
    name = oxr.metadata.name + "-addon-" + _name
    chart = {name = _chart, repository = _repository, url = _url, version = _version}
    namespace = _namespace
    values = _values

schema object:
    _name: str
    _externalName: str
    _manifest: {str:}
    _retain: bool = False
    kind = "Object"
    name = oxr.metadata.name + "-addon-" + _name
    manifest = _manifest

schema usage:
    _nameSuffix: str
    _kind: str
    kind = "Usage"
    of = oxr.metadata.name + "-" + _nameSuffix
"#;

/// The add-ons' conventions: the parameters under `spec.addons`, resources named
/// `<xr>-addon-<name>`.
fn conventions() -> Conventions {
    Conventions {
        apps: Expr::name("oxr").attr("spec").attr_opt("addons"),
        resource_prefix: "addon-".into(),
        items: "_addonItems".into(),
        ..Conventions::default()
    }
}

fn render(apps: Value) -> Vec<Value> {
    render_xr(&conventions(), json!({"name": "shop"}), apps)
}

/// Render the add-ons for an XR with this metadata and these add-on parameters.
fn render_xr(conventions: &Conventions, metadata: Value, apps: Value) -> Vec<Value> {
    let addons = Addons::specs();
    let generated = format!(
        "{}\n{}\n{}\nitems = _addonItems\n",
        compose::pins(&addons),
        PRELUDE,
        compose::apps_block(&addons, conventions).unwrap()
    );
    let params = json!({"oxr": {"metadata": metadata, "spec": {"addons": apps}}});
    let output = runtime()
        .run(
            &Program::new()
                .source("main.k", generated)
                .option("params", params.to_string()),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    output.json["items"].as_array().cloned().unwrap_or_default()
}

fn names(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .filter_map(|i| i["name"].as_str().or(i["of"].as_str()))
        .collect()
}

#[test]
fn an_app_with_its_own_apps_parameter_path_renders_its_release_and_usage() {
    let items = render(json!({"redis": {"enabled": true, "namespace": "cache"}}));
    assert_eq!(names(&items), ["shop-addon-redis", "shop-addon-redis"]);
    assert_eq!(items[0]["chart"]["version"], "20.1.0");
    assert_eq!(items[0]["namespace"], "cache");
    assert_eq!(items[0]["values"], json!({"architecture": "standalone"}));
    assert_eq!(items[1]["kind"], "Usage");
}

#[test]
fn a_field_condition_adds_values_only_when_the_field_is_true() {
    let items = render(json!({"redis": {"enabled": true, "metrics": true}}));
    assert_eq!(
        items[0]["values"],
        json!({"architecture": "standalone", "metrics": {"enabled": true}})
    );
}

#[test]
fn a_required_app_is_enabled_by_the_app_that_requires_it() {
    let items = render(json!({"tracing": {"enabled": true}, "redis": {"namespace": "cache"}}));
    assert_eq!(
        names(&items),
        [
            "shop-addon-redis",
            "shop-addon-redis",
            "shop-addon-redis-url",
            "shop-addon-redis-url",
            "shop-addon-tempo",
            "shop-addon-tempo"
        ]
    );
    assert_eq!(items[2]["manifest"]["data"]["url"], "cache");
}

#[test]
fn nothing_renders_when_the_apps_are_absent_null_or_empty() {
    assert!(render(Value::Null).is_empty());
    assert!(render(json!({"redis": null, "tracing": {}})).is_empty());
}

/// The same add-ons with the generated `release`, `object` and `usage` schemas, the
/// manifests as named data, and a usage that keeps the composite's database alive.
fn render_with_generated_schemas(apps: Value) -> Vec<Value> {
    let addons = vec![Redis::spec(), Tracing::spec()];
    let xr_name = Expr::name("oxr").attr("metadata").attr("name");
    let conventions = Conventions {
        manifests: Some("_addonManifests".into()),
        ..conventions()
    };
    let schemas = ResourceSchemas::keeping_alive(
        xr_name,
        Expr::str("db.example.com/v1"),
        Expr::str("Database"),
    );
    let option = Expr::Call {
        func: Box::new(Expr::name("option")),
        args: vec![Expr::str("params")],
        kwargs: vec![],
    };
    let mut body = compose::pins(&addons).body;
    body.extend([
        Stmt::Blank,
        Stmt::assign("oxr", option.attr("oxr")),
        Stmt::Blank,
    ]);
    body.extend(schemas.module(&conventions).body);
    body.extend(compose::apps_block(&addons, &conventions).unwrap().body);
    body.extend([
        Stmt::Blank,
        Stmt::assign("items", Expr::name("_addonItems")),
        Stmt::Blank,
    ]);
    body.extend(compose::manifests(&addons, &conventions).unwrap().body);
    let generated = Module { body }.to_string();
    assert_eq!(
        runtime().format(&generated).unwrap(),
        generated,
        "not canonical"
    );
    let params = json!({"oxr": {"metadata": {"name": "shop"}, "spec": {"addons": apps}}});
    runtime()
        .run(
            &Program::new()
                .source("main.k", generated.as_str())
                .option("params", params.to_string()),
        )
        .unwrap_or_else(|e| panic!("{e}\n{generated}"))
        .json["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn the_generated_schemas_compose_crossplane_resources_from_what_the_lowering_sets() {
    let items = render_with_generated_schemas(
        json!({"tracing": {"enabled": true}, "redis": {"namespace": "cache"}}),
    );
    let kinds: Vec<(&str, &str)> = items
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap_or(""),
                i["metadata"]["name"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("Release", "shop-addon-redis"),
            ("Usage", "shop-addon-redis-usage"),
            ("Object", "shop-addon-redis-url"),
            ("Usage", "shop-addon-redis-url-usage"),
            ("Release", "shop-addon-tempo"),
            ("Usage", "shop-addon-tempo-usage"),
        ]
    );
    let redis = &items[0];
    assert_eq!(redis["apiVersion"], "helm.m.crossplane.io/v1beta1");
    assert_eq!(
        redis["metadata"]["annotations"],
        json!({
            "crossplane.io/external-name": "redis",
            "krm.kcl.dev/composition-resource-name": "shop-addon-redis"
        })
    );
    assert_eq!(
        redis["spec"],
        json!({
            "forProvider": {
                "chart": {"name": "redis", "repository": "https://charts.bitnami.com/bitnami", "version": "20.1.0"},
                "namespace": "cache",
                "values": {"architecture": "standalone"}
            },
            "managementPolicies": ["Create", "Update", "Observe"],
            "rollbackLimit": 3,
            "providerConfigRef": {"name": "shop", "kind": "ProviderConfig"}
        })
    );
    let object = &items[2];
    assert_eq!(object["apiVersion"], "kubernetes.m.crossplane.io/v1alpha1");
    assert_eq!(
        object["metadata"]["annotations"]["crossplane.io/external-name"],
        "redis-url"
    );
    assert_eq!(
        object["spec"]["forProvider"]["manifest"]["data"],
        json!({"url": "cache"})
    );
    assert_eq!(object["spec"].get("managementPolicies"), None);
    let usage = &items[3];
    assert_eq!(usage["apiVersion"], "protection.crossplane.io/v1beta1");
    assert_eq!(
        usage["spec"],
        json!({
            "of": {"apiVersion": "db.example.com/v1", "kind": "Database", "resourceRef": {"name": "shop"}},
            "by": {
                "apiVersion": "kubernetes.m.crossplane.io/v1alpha1",
                "kind": "Object",
                "resourceRef": {"name": "shop-addon-redis-url"}
            }
        })
    );
    assert_eq!(
        items[1]["spec"]["by"]["apiVersion"],
        "helm.m.crossplane.io/v1beta1"
    );
    assert_eq!(
        items[1]["metadata"]["annotations"]["krm.kcl.dev/ready"],
        "True"
    );
}

/// The add-ons of the application, in installation order: the registry.
#[derive(Serialize, Deserialize, JsonSchema, AppRegistry)]
#[serde(rename_all = "camelCase", default)]
#[allow(dead_code)]
#[derive(Default)]
struct Addons {
    /// The cache.
    redis: Option<Redis>,
    /// Tracing.
    tracing: Option<Tracing>,
    /// Search, under a field name of its own.
    #[serde(rename = "search")]
    full_text_search: Option<Search>,
}

/// The size of the search index.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum Tier {
    /// One replica.
    Small,
    /// Three replicas.
    Large,
}

/// How often the search index is backed up.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum Backup {
    /// Every day.
    Daily,
    /// Every week.
    Weekly,
}

/// Full-text search; it holds no cluster, so it composes no `Usage`.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    no_usage,
    release(
        chart = "search",
        repository = "https://charts.example.com",
        version = "3.0.0",
        namespace = "search",
        values(inline = "{owner: {name: '{{ xr:name }}', namespace: '{{ xr:namespace }}'}}"),
        values(inline = "{replicas: 3}", when(field = tier, is = Tier::Large)),
    ),
    object(
        inline = "{apiVersion: v1, kind: ConfigMap, metadata: {name: '{{ xr:name }}-backup'}}",
        name = "search-backup",
        when(field = backup, is = Backup::Daily),
    ),
    hand_written(file = "main.k", what = "the search's ingress"),
)]
#[allow(dead_code)]
struct Search {
    /// Add search.
    #[serde(default)]
    enabled: bool,
    /// The size of the index.
    #[serde(default = "large")]
    tier: Tier,
    /// How often to back the index up; never when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    backup: Option<Backup>,
}

fn large() -> Tier {
    Tier::Large
}

#[test]
fn the_registry_is_the_fields_in_order_each_serialised_as_its_apps_key() {
    let keys: Vec<String> = Addons::specs().into_iter().map(|app| app.key).collect();
    assert_eq!(keys, ["redis", "tracing", "search"]);
    let serialised = serde_json::to_value(Addons {
        full_text_search: Some(Search {
            enabled: true,
            tier: Tier::Small,
            backup: None,
        }),
        ..Addons::default()
    })
    .unwrap();
    assert_eq!(serialised["search"]["tier"], "small");
}

#[test]
fn templates_read_the_composite_resources_name_and_namespace() {
    let metadata = json!({"name": "shop", "namespace": "team-a"});
    let items = render_xr(
        &conventions(),
        metadata,
        json!({"search": {"enabled": true}}),
    );
    assert_eq!(
        items[0]["values"]["owner"],
        json!({"name": "shop", "namespace": "team-a"})
    );
    // A cluster-scoped composite resource has no namespace: the key is left out.
    let items = render_xr(
        &conventions(),
        json!({"name": "shop"}),
        json!({"search": {"enabled": true}}),
    );
    assert_eq!(items[0]["values"]["owner"], json!({"name": "shop"}));
}

#[test]
fn a_condition_on_an_enum_value_holds_for_that_value_and_for_an_absent_field_whose_default_it_is() {
    let replicas =
        |search: Value| render(json!({"search": search}))[0]["values"]["replicas"].clone();
    assert_eq!(
        replicas(json!({"enabled": true})),
        3,
        "the default is large"
    );
    assert_eq!(replicas(json!({"enabled": true, "tier": "large"})), 3);
    assert_eq!(
        replicas(json!({"enabled": true, "tier": "small"})),
        Value::Null
    );
    let names = |search: Value| -> Vec<String> {
        let items = render(json!({"search": search}));
        names(&items).into_iter().map(str::to_owned).collect()
    };
    assert_eq!(names(json!({"enabled": true})), ["shop-addon-search"]);
    assert_eq!(
        names(json!({"enabled": true, "backup": "daily"})),
        ["shop-addon-search", "shop-addon-search-backup"]
    );
    assert_eq!(
        names(json!({"enabled": true, "backup": "weekly"})),
        ["shop-addon-search"]
    );
}

#[test]
fn an_app_without_usages_composes_none_and_a_configuration_without_usages_composes_none_at_all() {
    let kinds = |conventions: &Conventions| -> Vec<String> {
        let apps = json!({"search": {"enabled": true}, "tracing": {"enabled": true}});
        let items = render_xr(conventions, json!({"name": "shop"}), apps);
        items
            .iter()
            .map(|item| item["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    // Search says `no_usage`; the cache and tracing have theirs.
    assert_eq!(
        kinds(&conventions()),
        [
            "Release", "Usage", "Object", "Usage", "Release", "Usage", "Release"
        ]
    );
    let without_usages = Conventions {
        usage_schema: None,
        ..conventions()
    };
    assert_eq!(
        kinds(&without_usages),
        ["Release", "Object", "Release", "Release"]
    );
    let addons = Addons::specs();
    let text = compose::apps_block(&addons, &without_usages)
        .unwrap()
        .to_string();
    assert!(!text.contains("usage"), "{text}");
}

#[test]
fn a_hand_written_part_is_a_comment_before_the_apps_flag() {
    let text = compose::apps_block(&Addons::specs(), &conventions())
        .unwrap()
        .to_string();
    assert!(
        text.contains(
            "# search continues by hand in main.k: the search's ingress\n_searchEnabled = "
        ),
        "{text}"
    );
}
