//! The renderer through the real KCL runtime, over the test Compositions of
//! `tests/fixtures/` (written for these tests): each behaviour of function-kcl v0.12.0 and
//! of Crossplane's selection, one test each.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kcl_render::{Error, Observed, Ready, Renderer, Selection, SelectionError, StepProblem};
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The test Compositions and their XRD, loaded once.
fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(|| {
        Renderer::load(
            &fixture("compositions.yaml"),
            Some(&fixture("definition.yaml")),
        )
        .unwrap_or_else(|e| panic!("the fixtures load: {e}"))
    })
}

/// An App named `shop` in `team-a` with `spec`, selecting Compositions by `shape`.
fn app(shape: &str, spec: Value) -> Value {
    let mut xr = json!({
        "apiVersion": "example.org/v1",
        "kind": "App",
        "metadata": {"name": "shop", "namespace": "team-a"},
        "spec": {"image": "nginx", "crossplane": {"compositionSelector": {"matchLabels": {"shape": shape}}}},
    });
    if let (Value::Object(fields), Value::Object(extra)) = (&mut xr["spec"], spec) {
        fields.extend(extra);
    }
    xr
}

fn render(xr: Value) -> kcl_render::Rendered {
    renderer()
        .render(xr, &Observed::none())
        .unwrap_or_else(|e| panic!("the XR renders: {e}"))
}

fn resource<'a>(rendered: &'a kcl_render::Rendered, name: &str) -> &'a Value {
    &rendered
        .resource(name)
        .unwrap_or_else(|| panic!("no resource `{name}` in {:?}", rendered.resources))
        .resource
}

#[test]
fn the_second_kcl_step_sees_the_status_and_resources_the_first_one_set() {
    let rendered = render(app("two-steps", json!({})));
    let seen = &resource(&rendered, "seen")["data"];
    assert_eq!(seen["xr"], "example.org/v1 App", "dxr has the XR's type");
    assert_eq!(
        seen["phase"], "configured",
        "dxr has the first step's status"
    );
    assert_eq!(
        seen["desired"], "config",
        "dcds holds what the first step composed"
    );
    assert_eq!(seen["configReady"], "Unspecified");
    // Crossplane serialises maps with sorted keys: that is the order KCL sees.
    assert_eq!(seen["configData"], "{'replicas': '2', 'size': 'small'}");
    assert_eq!(rendered.desired_xr["status"]["phase"], "configured");
    let steps: Vec<&str> = rendered.steps.iter().map(|s| s.step.as_str()).collect();
    assert_eq!(steps, ["first", "second"], "two KCL steps ran");
    // The items as KCL emitted them keep function-kcl's annotations; the desired
    // resources do not.
    assert_eq!(
        rendered.step("second")[1]["metadata"]["annotations"]["krm.kcl.dev/ready"],
        "True"
    );
    let widget = rendered.resource("widget").expect("the widget");
    assert_eq!(widget.ready, Ready::True);
    assert_eq!(widget.resource["metadata"].get("annotations"), None);
}

#[test]
fn observed_resources_reach_ocds_and_the_status_set_from_them() {
    let first = render(app("two-steps", json!({})));
    assert_eq!(
        first.desired_xr["status"]["configUid"],
        Value::Null,
        "nothing observed yet"
    );
    let observed = Observed::from_yaml_stream(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-config\n  uid: 1234\n  \
         annotations:\n    crossplane.io/composition-resource-name: config\n\
         status:\n  conditions: [{type: Ready, status: 'True'}]\n",
    )
    .expect("the observed resources read");
    let later = renderer()
        .render(app("two-steps", json!({})), &observed)
        .expect("renders");
    assert_eq!(later.desired_xr["status"]["configUid"], 1234);
    // function-auto-ready: the observed config is Ready.
    assert_eq!(later.resource("config").map(|r| r.ready), Some(Ready::True));
    assert_eq!(
        later.resource("seen").map(|r| r.ready),
        Some(Ready::Unspecified)
    );
}

#[test]
fn an_observed_resource_keyed_by_the_kcl_annotation_is_observed_too() {
    let observed = Observed::from_yaml_stream(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-config\n  uid: abc\n  \
         annotations:\n    krm.kcl.dev/composition-resource-name: config\n",
    )
    .expect("the observed resources read");
    assert_eq!(observed.names().collect::<Vec<_>>(), ["config"]);
    let error =
        Observed::from_yaml_stream("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
            .expect_err("no composition resource name");
    let message = error.to_string();
    assert!(
        message.contains("document 1")
            && message.contains("crossplane.io/composition-resource-name"),
        "{message}"
    );
}

#[test]
fn admission_defaults_change_what_the_kcl_sees() {
    let defaulted = render(app("two-steps", json!({})));
    assert_eq!(resource(&defaulted, "config")["data"]["replicas"], "2");
    assert_eq!(resource(&defaulted, "widget")["spec"]["color"], "red");
    let given = render(app("two-steps", json!({"size": "large", "replicas": 5})));
    assert_eq!(resource(&given, "config")["data"]["replicas"], "5");
    assert_eq!(resource(&given, "widget")["spec"]["color"], "blue");
}

#[test]
fn admission_refuses_an_xr_against_the_xrd_with_every_problem_at_its_path() {
    let mut xr = app("two-steps", json!({"size": "huge", "replicas": 0}));
    xr["spec"].as_object_mut().map(|spec| spec.remove("image"));
    match renderer().render(xr, &Observed::none()) {
        Err(Error::Invalid(violations)) => {
            let paths: Vec<&str> = violations.iter().map(|v| v.path.as_str()).collect();
            for path in ["spec.size", "spec.replicas", "spec.image"] {
                assert!(paths.contains(&path), "{path} in {violations:?}");
            }
        }
        other => panic!("expected Error::Invalid, got {other:?}"),
    }
}

#[test]
fn a_namespaced_xr_without_a_namespace_is_in_default_and_so_is_what_it_composes() {
    let mut xr = app("two-steps", json!({}));
    xr["metadata"]
        .as_object_mut()
        .map(|m| m.remove("namespace"));
    let rendered = render(xr);
    let documents = rendered.documents(&Observed::none());
    assert!(
        documents
            .iter()
            .all(|d| d["metadata"]["namespace"] == "default"),
        "{documents:?}"
    );
}

#[test]
fn compositions_are_selected_by_labels_by_name_and_by_the_xrd_default() {
    let (composition, selection) = renderer()
        .select(&app("targets", json!({})))
        .expect("selected");
    assert_eq!(composition.name(), "targets");
    assert_eq!(selection, Selection::Labels(vec!["shape=targets".into()]));

    let mut named = app("targets", json!({}));
    named["spec"]["crossplane"] = json!({"compositionRef": {"name": "meta"}});
    let (composition, selection) = renderer().select(&named).expect("selected");
    assert_eq!(composition.name(), "meta");
    assert_eq!(
        selection,
        Selection::Named("spec.crossplane.compositionRef.name".into())
    );

    let mut neither = app("targets", json!({}));
    neither["spec"]
        .as_object_mut()
        .map(|s| s.remove("crossplane"));
    let (composition, selection) = renderer().select(&neither).expect("selected");
    assert_eq!(composition.name(), "two-steps", "the XRD's default");
    assert_eq!(selection, Selection::Default);
}

#[test]
fn no_matching_composition_or_several_are_errors_that_say_why() {
    match renderer().select(&app("missing", json!({}))) {
        Err(Error::Selection(SelectionError::NoMatch {
            labels, candidates, ..
        })) => {
            assert_eq!(labels, ["shape=missing"]);
            assert!(
                candidates.contains(&"twin-a (shape=twin, side=a)".to_owned()),
                "{candidates:?}"
            );
            assert!(
                !candidates.iter().any(|c| c.starts_with("other-type")),
                "only Compositions of the XR's type: {candidates:?}"
            );
        }
        other => panic!("expected NoMatch, got {other:?}"),
    }
    match renderer().select(&app("twin", json!({}))) {
        Err(Error::Selection(SelectionError::Several { matches, .. })) => {
            assert_eq!(matches, ["twin-a", "twin-b"]);
        }
        other => panic!("expected Several, got {other:?}"),
    }
    let mut wrong_type = app("twin", json!({}));
    wrong_type["spec"]["crossplane"] = json!({"compositionRef": {"name": "other-type"}});
    let error = renderer().select(&wrong_type).map(|_| ()).unwrap_err();
    assert!(
        matches!(error, Error::Selection(SelectionError::Incompatible { .. })),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("example.org/v1 Other"),
        "{error}"
    );
}

#[test]
fn each_target_applies_the_output_as_function_kcl_does() {
    let rendered = render(app("targets", json!({})));
    // PatchDesired: leaf by leaf into the resource of the name, not its apiVersion or
    // name; its ready annotation is read.
    let settings = rendered.resource("settings").expect("settings");
    assert_eq!(settings.resource["data"], json!({"a": "1", "b": "2"}));
    assert_eq!(settings.resource["apiVersion"], "v1");
    assert_eq!(settings.resource["metadata"]["name"], "settings");
    assert_eq!(settings.ready, Ready::True);
    // Resources: merged at the top level, so the new metadata replaces the old.
    let credentials = rendered.resource("credentials").expect("credentials");
    assert_eq!(credentials.resource["stringData"], json!({"token": "t"}));
    assert_eq!(credentials.resource["kind"], "Secret");
    assert_eq!(
        credentials.resource["metadata"],
        json!({"name": "credentials"})
    );
    assert_eq!(credentials.ready, Ready::False);
    // XR: written into the desired XR leaf by leaf; lists grow.
    assert_eq!(
        rendered.desired_xr["status"],
        json!({"phase": "patched", "endpoints": [null, "second"]})
    );
    // PatchResources: the input's base, patched.
    assert_eq!(
        resource(&rendered, "extra")["data"],
        json!({"from": "base", "patched": "yes"})
    );
}

#[test]
fn a_dependency_that_is_never_imported_is_ignored() {
    let rendered = render(app("unused-dependency", json!({})));
    assert_eq!(resource(&rendered, "plain")["kind"], "ConfigMap");
}

#[test]
fn an_imported_dependency_resolves_from_its_module_or_is_an_error_naming_the_flag() {
    match renderer().render(app("dependencies", json!({})), &Observed::none()) {
        Err(Error::Step(error)) => {
            let StepProblem::MissingModule { module } = &error.problem else {
                panic!("expected MissingModule, got {error:?}");
            };
            assert_eq!(
                (error.step.as_str(), module.as_str()),
                ("vendored", "helpers")
            );
            let message = Error::Step(error).to_string();
            assert!(message.contains("--kcl-module helpers=DIR"), "{message}");
        }
        other => panic!("expected a step error, got {other:?}"),
    }
    let vendored = renderer()
        .clone()
        .with_kcl_module("helpers", &fixture("modules/helpers"))
        .expect("the module is a directory");
    let rendered = vendored
        .render(app("dependencies", json!({})), &Observed::none())
        .unwrap_or_else(|e| panic!("renders with the vendored module: {e}"));
    assert_eq!(
        resource(&rendered, "named")["metadata"]["name"],
        "shop-named"
    );
    assert!(
        renderer()
            .clone()
            .with_kcl_module("helpers", &fixture("modules/absent"))
            .is_err()
    );
}

#[test]
fn kcls_double_applied_append_comes_out_as_function_kcls_duplicate_name_error() {
    match renderer().render(app("duplicate", json!({})), &Observed::none()) {
        Err(Error::Step(error)) => {
            let StepProblem::DuplicateName {
                name,
                first,
                second,
            } = &error.problem
            else {
                panic!("expected DuplicateName, got {error:?}");
            };
            assert_eq!(error.step, "nested-if");
            assert_eq!(name, "once");
            assert_eq!(
                (first.as_str(), second.as_str()),
                ("ConfigMap/once", "ConfigMap/once")
            );
            let message = Error::Step(error).to_string();
            assert!(
                message.contains("multiple composed resources with name \"once\""),
                "{message}"
            );
        }
        other => panic!("expected a step error, got {other:?}"),
    }
}

#[test]
fn meta_resources_set_the_context_later_steps_see_and_the_xrs_conditions() {
    let rendered = render(app("meta", json!({})));
    assert_eq!(resource(&rendered, "heard")["data"]["greeting"], "hello");
    assert_eq!(rendered.context, json!({"shared": {"greeting": "hello"}}));
    let xr = &rendered.documents(&Observed::none())[0];
    let conditions = xr["status"]["conditions"].as_array().expect("conditions");
    assert!(
        conditions
            .iter()
            .any(|c| c["type"] == "DatabaseReady" && c["status"] == "True" && c["message"] == "ok"),
        "{conditions:?}"
    );
}

#[test]
fn auto_ready_and_the_status_transformer_pass_through_and_another_function_is_an_error() {
    let rendered = render(app("two-steps", json!({})));
    assert_eq!(
        rendered.steps.len(),
        2,
        "the pass-through steps compose nothing"
    );
    match renderer().render(app("unknown-function", json!({})), &Observed::none()) {
        Err(Error::Step(error))
            if matches!(error.problem, StepProblem::UnsupportedFunction { .. }) =>
        {
            let message = Error::Step(error).to_string();
            assert!(
                message.contains("crossplane-contrib-function-patch-and-transform")
                    && message.contains("step `patch-and-transform`"),
                "{message}"
            );
        }
        other => panic!("expected UnsupportedFunction, got {other:?}"),
    }
}

#[test]
fn the_output_is_the_xr_then_each_composed_resource_in_crossplane_renders_shape() {
    let rendered = render(app("two-steps", json!({})));
    let documents = rendered.documents(&Observed::none());
    let xr = &documents[0];
    assert_eq!(
        (&xr["apiVersion"], &xr["kind"], &xr["metadata"]),
        (
            &json!("example.org/v1"),
            &json!("App"),
            &json!({"name": "shop", "namespace": "team-a"})
        )
    );
    assert_eq!(xr["status"]["phase"], "configured");
    assert!(
        xr["status"].get("configUid").is_none(),
        "a null the pipeline set is not stored"
    );
    assert_eq!(
        xr["status"]["conditions"],
        json!([{"type": "Ready", "status": "False", "lastTransitionTime": "2024-01-01T00:00:00Z",
            "reason": "Creating", "message": "Unready resources: config, seen"}])
    );
    let names: Vec<&Value> = documents[1..]
        .iter()
        .map(|d| &d["metadata"]["annotations"]["crossplane.io/composition-resource-name"])
        .collect();
    assert_eq!(names, [&json!("config"), &json!("seen"), &json!("widget")]);
    let widget = &documents[3];
    assert_eq!(
        widget["metadata"]["generateName"], "shop-",
        "no name of its own"
    );
    assert_eq!(
        widget["metadata"]["namespace"], "team-a",
        "the XR's namespace"
    );
    assert_eq!(
        widget["metadata"]["labels"]["crossplane.io/composite"],
        "shop"
    );
    assert_eq!(
        widget["metadata"]["ownerReferences"],
        json!([{"apiVersion": "example.org/v1", "kind": "App", "name": "shop", "uid": "",
            "controller": true, "blockOwnerDeletion": true}])
    );
    assert!(
        documents
            .iter()
            .all(|d| !d.to_string().contains("krm.kcl.dev")),
        "function-kcl's annotations are consumed"
    );
    let yaml = rendered.to_yaml(&Observed::none()).expect("YAML");
    assert!(
        yaml.starts_with("---\napiVersion: example.org/v1\nkind: App\n"),
        "{yaml}"
    );
    assert_eq!(yaml.matches("\n---\n").count(), 3);
}

#[test]
fn a_compositions_file_without_a_composition_is_refused() {
    let error = Renderer::from_yaml("apiVersion: v1\nkind: ConfigMap\n", None).unwrap_err();
    assert!(
        error.to_string().contains("none of the 1 documents"),
        "{error}"
    );
}

/// `value` wrapped in `depth` lists, the innermost holding it.
fn nested(depth: usize, value: Value) -> Value {
    (0..depth).fold(value, |inner, _| json!([inner]))
}

#[test]
fn an_observed_resource_kcl_cannot_read_is_refused_at_its_path_before_the_runtime_sees_it() {
    // In `option("params")`, an observed resource sits three levels down (params, ocds,
    // its name) and KCL reads an option 127 levels deep at most.
    let deep = |depth| {
        let mut observed = Observed::none();
        observed.insert(
            "config",
            json!({"apiVersion": "v1", "kind": "ConfigMap", "data": nested(depth, json!("x"))}),
        );
        renderer().render(app("two-steps", json!({})), &observed)
    };
    // Deeper, KCL would read the whole option as a string and fail on `.oxr`.
    deep(123).expect("a resource KCL reads whole renders");
    let message = deep(124).expect_err("one level deeper").to_string();
    assert!(
        message.contains("ocds.config.Resource.data[0][0]")
            && message
                .ends_with("nested 127 lists and mappings deep; the KCL runtime reads at most 126"),
        "{message}"
    );

    let mut observed = Observed::none();
    observed.insert(
        "config",
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"uid": u64::MAX}}),
    );
    let message = renderer()
        .render(app("two-steps", json!({})), &observed)
        .expect_err("an integer KCL cannot hold")
        .to_string();
    assert!(
        message.contains(
            "ocds.config.Resource.metadata.uid: 18446744073709551615 is beyond KCL's integers"
        ),
        "{message}"
    );
}
