//! Every `{{ path }}` template is checked whole against the app's parameters schema when
//! the apps are lowered: the derive sees only the first segment (the struct's own
//! fields), the lowering sees the schema of every type below it.

use std::collections::BTreeMap;

use kcl_apps::App;
use kcl_apps::app::AppSpec;
use kcl_apps::compose::{self, ComposeErrorKind, Conventions, TemplateOrigin};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where the dashboard listens.
#[derive(Serialize, Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Server {
    /// The host name.
    host: String,
    /// The port.
    port: u16,
}

/// Install a dashboard; its values file reads `{{ server.hots }}`.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(release(
    chart = "dashboard",
    repository = "https://charts.example.com",
    version = "1.0.0",
    namespace = "dashboard",
    values = "tests/fixtures/dashboard-values.yaml",
))]
#[allow(dead_code)]
struct Dashboard {
    /// Install the dashboard.
    #[serde(default)]
    enabled: bool,
    /// Where it listens.
    server: Server,
}

/// Install a queue whose templates read through an `Option`, a map and a free-form value.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase")]
#[app(
    release(
        chart = "queue",
        repository = "https://charts.example.com",
        version = "1.0.0",
        namespace = "queue",
        values(
            inline = "{host: '{{ server.host }}', team: '{{ labels.team }}', deep: '{{ extra.any.depth }}'}"
        ),
    ),
    object(
        inline = "{apiVersion: v1, kind: ConfigMap, metadata: {name: '{{ backupServer.host }}'}}",
        name = "queue-settings",
    )
)]
#[allow(dead_code)]
struct Queue {
    /// Install the queue.
    #[serde(default)]
    enabled: bool,
    /// Where it listens.
    server: Server,
    /// Where backups go, if anywhere.
    #[serde(default)]
    backup_server: Option<Server>,
    /// Labels by name.
    #[serde(default)]
    labels: BTreeMap<String, String>,
    /// Anything.
    #[serde(default)]
    extra: serde_json::Value,
}

fn lowering_error(app: AppSpec) -> ComposeErrorKind {
    let err = compose::apps_block(&[app], &Conventions::default()).unwrap_err();
    *err.kind
}

#[test]
fn a_misspelt_nested_segment_fails_naming_the_file_the_path_and_the_closest_field() {
    let err = compose::apps_block(&[Dashboard::spec()], &Conventions::default()).unwrap_err();
    assert_eq!(
        *err.kind,
        ComposeErrorKind::UnknownTemplatePath {
            origin: TemplateOrigin::File("tests/fixtures/dashboard-values.yaml".into()),
            path: "server.hots".into(),
            parent: "server".into(),
            field: "hots".into(),
            suggestion: Some("server.host".into()),
        }
    );
    assert_eq!(
        err.to_string(),
        "app `dashboard`: `tests/fixtures/dashboard-values.yaml`: `{{ server.hots }}` names no \
         parameter: `server` has no field `hots`; did you mean `{{ server.host }}`?"
    );
    // The manifests, generated apart, are checked the same way.
    let conventions = Conventions {
        manifests: Some("_manifests".into()),
        ..Conventions::default()
    };
    assert!(compose::manifests(&[Dashboard::spec()], &conventions).is_err());
}

#[test]
fn paths_go_through_options_references_and_maps_and_stop_at_free_form_values() {
    compose::apps_block(&[Queue::spec()], &Conventions::default()).unwrap();
}

#[test]
fn a_misspelt_segment_of_inline_yaml_names_the_part_that_holds_it() {
    let mut queue = Queue::spec();
    queue.objects[0].manifest["metadata"]["name"] = "{{ backupServer.hots }}".into();
    assert_eq!(
        lowering_error(queue.clone()),
        ComposeErrorKind::UnknownTemplatePath {
            origin: TemplateOrigin::InlineManifest {
                object: "queue-settings".into()
            },
            path: "backupServer.hots".into(),
            parent: "backupServer".into(),
            field: "hots".into(),
            suggestion: Some("backupServer.host".into()),
        }
    );
    queue.releases[0].values[0].value["host"] = "{{ sever.host }}".into();
    let err = compose::apps_block(&[queue], &Conventions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "app `queue`: the inline values of release `queue`: `{{ sever.host }}` names no \
         parameter; did you mean `{{ server.host }}`?"
    );
}

#[test]
fn a_path_below_a_value_without_fields_is_an_error() {
    let mut queue = Queue::spec();
    queue.releases[0].values[0].value["port"] = "{{ server.port.number }}".into();
    assert_eq!(
        lowering_error(queue.clone()),
        ComposeErrorKind::TemplatePathThroughValue {
            origin: TemplateOrigin::InlineValues {
                release: "queue".into()
            },
            path: "server.port.number".into(),
            parent: "server.port".into(),
            ty: "integer".into(),
        }
    );
    // A map's values are checked below its key.
    queue.releases[0].values[0].value["port"] = "{{ labels.team.name }}".into();
    let err = compose::apps_block(&[queue], &Conventions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "app `queue`: the inline values of release `queue`: `{{ labels.team.name }}` names no \
         parameter: `labels.team` is of type `string`, which has no fields"
    );
}

#[test]
fn a_field_with_nothing_close_is_named_without_a_suggestion() {
    let mut queue = Queue::spec();
    queue.releases[0].values[0].value["host"] = "{{ server.zzz }}".into();
    let ComposeErrorKind::UnknownTemplatePath { suggestion, .. } = lowering_error(queue) else {
        panic!("expected an unknown template path");
    };
    assert_eq!(suggestion, None);
}
