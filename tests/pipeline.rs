//! The whole Composition of each provider, run as function-kcl runs it: the provider step
//! (`kcl/<provider>.k`), then the apps step.
//!
//! The provider step's resources are snapshotted once per provider
//! (`tests/pipeline/snapshots/provider-step-<provider>.snap`, for `tests/pipeline/cluster.yaml`);
//! the apps step's are the scenario matrix's (`tests/snapshots/`), and a test here shows
//! that the pipeline's apps step composes exactly those. `matrix.rs` checks that both
//! snapshot directories hold exactly the snapshots the tests own.

use std::collections::BTreeSet;
use std::process::Output;

use dot_kubernetes::render::{Observed, Pipeline, RenderError, Rendered, to_yaml_stream};
use dot_kubernetes_apps::Provider;
use kcl_render::deadline::DeadlineExceeded;
use serde_json::{Value, json};

use crate::common::scenarios::scenario_xr;
use crate::common::{
    RESOURCE_NAME, check_every_case, pipeline, render_command, resource_name, root, yaml_files,
};

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn render(xr: &str, provider: Option<Provider>, observed: &Observed) -> Rendered {
    pipeline()
        .render_yaml(xr, provider, observed)
        .unwrap_or_else(|e| panic!("the XR does not render: {e}"))
}

fn kinds(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .map(|item| {
            format!(
                "{} {}",
                item["apiVersion"].as_str().unwrap_or("?"),
                item["kind"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

#[test]
fn each_provider_step_composes_its_snapshot() {
    let xr = read("tests/pipeline/cluster.yaml");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("pipeline/snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(root().join("tests/pipeline/cluster.yaml"));
    settings.set_omit_expression(true);
    for provider in Provider::ALL {
        let rendered = render(&xr, Some(provider), &Observed::none());
        let yaml = to_yaml_stream(rendered.step(provider.name())).expect("YAML");
        settings.set_description(format!(
            "What the {provider} step (kcl/{}) composes for the XR",
            provider.step_file()
        ));
        settings.bind(|| insta::assert_snapshot!(format!("provider-step-{provider}"), yaml));
    }
}

#[test]
fn every_scenario_composes_through_the_pipeline_what_the_apps_step_alone_composes() {
    check_every_case(|case, apps_alone, problems| match &case.pipeline {
        Err(e) => problems.push(format!("the pipeline fails: {e}")),
        Ok(rendered) => {
            if rendered.step("apps") != apps_alone {
                problems.push("the pipeline's apps step differs from Composition::render".into());
            }
            if rendered.step(case.provider.name()).is_empty() {
                problems.push("the provider step composes nothing".into());
            }
        }
    });
}

#[test]
fn every_composed_resource_of_every_step_has_a_composition_resource_name() {
    for provider in Provider::ALL {
        let rendered = render(
            &read("tests/pipeline/cluster.yaml"),
            Some(provider),
            &Observed::none(),
        );
        for item in rendered.items() {
            assert!(
                resource_name(item).is_some(),
                "{provider}: {} {} has no {RESOURCE_NAME}",
                item["kind"],
                item["metadata"]["name"]
            );
        }
    }
}

#[test]
fn the_provider_step_reports_the_cluster_name_in_the_desired_xr_status() {
    for provider in Provider::ALL {
        let rendered = render(
            &read("tests/pipeline/cluster.yaml"),
            Some(provider),
            &Observed::none(),
        );
        assert_eq!(
            rendered.xr["apiVersion"], "devopstoolkit.ai/v2",
            "{provider}"
        );
        assert_eq!(
            rendered.xr["status"]["clusterName"], "cluster-01",
            "{provider}"
        );
        assert!(
            rendered.items().all(
                |item| item["kind"] != "Cluster" || item["apiVersion"] != "devopstoolkit.ai/v2"
            ),
            "{provider}: the XR is not a composed resource"
        );
    }
}

/// A Google XR at a later reconcile: its status carries the pod CIDR the provider step
/// copied from the observed cluster.
const GOOGLE_XR: &str = "\
apiVersion: devopstoolkit.ai/v2
kind: Cluster
metadata:
  name: gke-01
  namespace: a-team
spec:
  crossplane:
    compositionSelector:
      matchLabels:
        provider: google
  parameters: {}
status:
  field1: 10.8.0.0/14
";

/// The observed cluster and node pool, as `--observed` takes them.
const GOOGLE_OBSERVED: &str = "\
apiVersion: container.gcp.m.upbound.io/v1beta1
kind: Cluster
metadata:
  name: gke-01
  annotations:
    krm.kcl.dev/composition-resource-name: gke-01-cluster
status:
  atProvider:
    clusterIpv4Cidr: 10.8.0.0/14
  conditions:
  - type: Ready
    reason: Available
---
apiVersion: container.gcp.m.upbound.io/v1beta1
kind: NodePool
metadata:
  name: gke-01
  annotations:
    krm.kcl.dev/composition-resource-name: gke-01-nodepool
status:
  conditions:
  - type: Ready
    reason: Creating
";

/// The `set` entries of the Cilium release.
fn cilium_set(rendered: &Rendered) -> Vec<Value> {
    let cilium = rendered
        .items()
        .find(|item| {
            item["kind"] == "Release" && item["spec"]["forProvider"]["chart"]["name"] == "cilium"
        })
        .expect("Google composes Cilium");
    cilium["spec"]["forProvider"]["set"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn observing_the_google_node_pool_sets_ciliums_native_routing_cidr() {
    let first = render(GOOGLE_XR, None, &Observed::none());
    assert!(
        !cilium_set(&first)
            .iter()
            .any(|entry| entry["name"] == "ipv4NativeRoutingCIDR"),
        "no CIDR before the node pool is observed"
    );

    let observed = Observed::from_yaml_stream(GOOGLE_OBSERVED).expect("observed resources");
    assert_eq!(
        observed.names().collect::<Vec<_>>(),
        ["gke-01-cluster", "gke-01-nodepool"]
    );
    let later = render(GOOGLE_XR, None, &observed);
    let entry = cilium_set(&later)
        .into_iter()
        .find(|entry| entry["name"] == "ipv4NativeRoutingCIDR")
        .expect("the CIDR once the node pool is observed");
    assert_eq!(entry["value"], "10.8.0.0/14");
    // The provider step reads the same observed resources into the XR's status.
    assert_eq!(later.xr["status"]["field1"], "10.8.0.0/14");
    assert_eq!(later.xr["status"]["controlPlaneStatus"], "Available");
    assert_eq!(later.xr["status"]["nodePoolStatus"], "Creating");
}

/// A render's own output, fed back as observed resources: each composed resource as it was
/// just created, before its provider has set any status.
fn observed_without_status(rendered: &Rendered) -> Observed {
    let mut observed = Observed::none();
    for item in rendered.items() {
        let name = resource_name(item).expect("a composition resource name");
        assert!(item.get("status").is_none(), "{name} has a status");
        observed.insert(name, item.clone());
    }
    observed
}

#[test]
fn observed_resources_without_status_render_as_not_ready_yet_on_every_provider() {
    let xr = read("tests/pipeline/cluster.yaml");
    for provider in Provider::ALL {
        let first = render(&xr, Some(provider), &Observed::none());
        let observed = observed_without_status(&first);
        let later = pipeline()
            .render_yaml(&xr, Some(provider), &observed)
            .unwrap_or_else(|e| panic!("{provider}: resources without status do not render: {e}"));
        // Nothing the provider has not reported yet is in the XR's status.
        assert_eq!(
            later.xr["status"],
            json!({"clusterName": "cluster-01"}),
            "{provider}"
        );
        // The provider step composes what it composed before anything was observed.
        assert_eq!(
            later.step(provider.name()),
            first.step(provider.name()),
            "{provider}"
        );
        // Nor is it read as a null: a Helm `set` value is a string (Cilium's pod CIDR on
        // Google waits for the XR's status.field1).
        for item in later.items() {
            for entry in item["spec"]["forProvider"]["set"]
                .as_array()
                .into_iter()
                .flatten()
            {
                assert!(entry["value"].is_string(), "{provider}: {entry}");
            }
        }
    }
}

#[test]
fn observed_documents_without_a_unique_composition_resource_name_are_refused() {
    let unnamed = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
    match Observed::from_yaml_stream(unnamed).map_err(RenderError::from) {
        Err(RenderError::Observed(message)) => {
            assert!(
                message.contains("document 1") && message.contains(RESOURCE_NAME),
                "{message}"
            )
        }
        other => panic!("expected RenderError::Observed, got {other:?}"),
    }
    let twice = format!("{}---\n{}", GOOGLE_OBSERVED, GOOGLE_OBSERVED);
    match Observed::from_yaml_stream(&twice).map_err(RenderError::from) {
        Err(RenderError::Observed(message)) => {
            assert!(message.contains("`gke-01-cluster`"), "{message}")
        }
        other => panic!("expected RenderError::Observed, got {other:?}"),
    }
    match Observed::from_yaml_stream("- a list\n").map_err(RenderError::from) {
        Err(RenderError::Observed(message)) => {
            assert!(message.contains("not a mapping"), "{message}")
        }
        other => panic!("expected RenderError::Observed, got {other:?}"),
    }
}

/// A copy of `kcl/` whose AWS step also composes the apps step's helm ProviderConfig name.
fn kcl_dir_with_a_collision() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for file in [
        "apps.k",
        "manifests.k",
        "definition.k",
        "data.k",
        "azure.k",
        "google.k",
        "compositions.k",
    ] {
        std::fs::copy(root().join("kcl").join(file), dir.path().join(file))
            .unwrap_or_else(|e| panic!("cannot copy kcl/{file}: {e}"));
    }
    let collision = format!(
        "_items += [{{apiVersion = \"v1\", kind = \"ConfigMap\", metadata = {{name = _xr, annotations = {{\"{RESOURCE_NAME}\" = _xr + \"-config-helm\"}}}}}}]\n\nitems = _items"
    );
    let aws = read("kcl/aws.k");
    assert!(
        aws.contains("\nitems = _items"),
        "aws.k ends with `items = _items`"
    );
    std::fs::write(
        dir.path().join("aws.k"),
        aws.replace("\nitems = _items", &format!("\n{collision}")),
    )
    .expect("aws.k is written");
    dir
}

#[test]
fn a_composition_resource_name_composed_by_two_steps_is_an_error_naming_both() {
    let dir = kcl_dir_with_a_collision();
    let pipeline = Pipeline::load(dir.path()).expect("the copy loads");
    let xr = scenario_xr("collide", Provider::Aws, json!({"namespaces": []}));
    match pipeline.render(xr, None, &Observed::none()) {
        Err(RenderError::Compose(message)) => {
            for mention in [
                "`collide-config-helm`",
                "ConfigMap `collide` from step `aws`",
                "ProviderConfig `collide` from step `apps`",
            ] {
                assert!(
                    message.contains(mention),
                    "the error says {mention}: {message}"
                );
            }
        }
        other => panic!("expected RenderError::Compose, got {other:?}"),
    }
}

/// A copy of `kcl/` whose apps step composes one ConfigMap holding what it was given as
/// `dxr` and `dcds`.
fn kcl_dir_whose_apps_step_shows_its_params() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for file in [
        "definition.k",
        "data.k",
        "aws.k",
        "azure.k",
        "google.k",
        "compositions.k",
    ] {
        std::fs::copy(root().join("kcl").join(file), dir.path().join(file))
            .unwrap_or_else(|e| panic!("cannot copy kcl/{file}: {e}"));
    }
    let apps = format!(
        "_params = option(\"params\")\n\
         items = [{{apiVersion = \"v1\", kind = \"ConfigMap\", metadata = {{name = \"params\", annotations = {{\"{RESOURCE_NAME}\" = \"params\"}}}}, data = {{dxr = _params.dxr, dcds = _params.dcds, ocds = _params.ocds}}}}]\n"
    );
    std::fs::write(dir.path().join("apps.k"), apps).expect("apps.k is written");
    dir
}

#[test]
fn each_step_sees_the_desired_state_of_the_steps_before_it_as_function_kcl_passes_it() {
    let dir = kcl_dir_whose_apps_step_shows_its_params();
    let pipeline = Pipeline::load(dir.path()).expect("the copy loads");
    let xr = scenario_xr("seen", Provider::Aws, json!({}));
    let rendered = pipeline
        .render(xr, None, &Observed::none())
        .unwrap_or_else(|e| panic!("the copy renders: {e}"));
    let params = &rendered.step("apps")[0]["data"];
    // The desired XR so far: the status the AWS step set.
    assert_eq!(params["dxr"]["apiVersion"], "devopstoolkit.ai/v2");
    assert_eq!(params["dxr"]["status"]["clusterName"], "seen");
    // The composed resources so far, by composition resource name.
    let dcds = params["dcds"].as_object().expect("dcds is a dict");
    let names: BTreeSet<&str> = dcds.keys().map(String::as_str).collect();
    let composed: BTreeSet<&str> = rendered
        .step("aws")
        .iter()
        .filter_map(resource_name)
        .collect();
    assert_eq!(names, composed);
    // function-kcl consumes its annotations: the ready one becomes `Ready`.
    let usage = &dcds["seen-cluster-helm-usage"];
    assert_eq!(usage["Ready"], "True");
    assert_eq!(usage["Resource"]["kind"], "Usage");
    let annotations = &usage["Resource"]["metadata"]["annotations"];
    assert_eq!(
        annotations["crossplane.io/external-name"],
        "seen-cluster-helm-usage"
    );
    assert!(
        annotations.get(RESOURCE_NAME).is_none() && annotations.get("krm.kcl.dev/ready").is_none()
    );
    assert_eq!(dcds["ekscluster"]["Ready"], "Unspecified");
    assert!(
        dcds["ekscluster"]["Resource"]["metadata"]
            .get("annotations")
            .is_none()
    );
    assert_eq!(params["ocds"], json!({}));
}

fn parse_stream(output: &Output) -> Vec<Value> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "dot-kubernetes render fails: {stderr}"
    );
    serde_saphyr::from_multiple(&String::from_utf8_lossy(&output.stdout)).expect("a YAML stream")
}

#[test]
fn render_command_of_each_example_prints_the_cluster_its_network_and_iam_and_the_apps() {
    let wanted: [(Provider, &[&str]); 3] = [
        (
            Provider::Aws,
            &[
                "eks.aws.m.upbound.io/v1beta1 Cluster",
                "eks.aws.m.upbound.io/v1beta1 NodeGroup",
                "ec2.aws.m.upbound.io/v1beta1 VPC",
                "ec2.aws.m.upbound.io/v1beta1 Subnet",
                "ec2.aws.m.upbound.io/v1beta1 InternetGateway",
                "iam.aws.m.upbound.io/v1beta1 Role",
                "iam.aws.m.upbound.io/v1beta1 RolePolicyAttachment",
            ],
        ),
        (
            Provider::Azure,
            &[
                "azure.m.upbound.io/v1beta1 ResourceGroup",
                "containerservice.azure.m.upbound.io/v1beta1 KubernetesCluster",
            ],
        ),
        (
            Provider::Google,
            &[
                "container.gcp.m.upbound.io/v1beta1 Cluster",
                "container.gcp.m.upbound.io/v1beta1 NodePool",
            ],
        ),
    ];
    for (provider, cluster_kinds) in wanted {
        let path = format!("examples/{provider}.yaml");
        let items = parse_stream(&render_command(&[&path], ""));
        let kinds = kinds(&items);
        for kind in cluster_kinds.iter().chain(&[
            "helm.m.crossplane.io/v1beta1 Release",
            "helm.m.crossplane.io/v1beta1 ProviderConfig",
        ]) {
            assert!(kinds.contains(*kind), "{path}: no {kind} in {kinds:?}");
        }
        // What the library renders, in the same order.
        let expected = render(&read(&path), None, &Observed::none()).into_items();
        assert_eq!(items, expected, "{path}");
    }
}

#[test]
fn render_command_reads_observed_resources_from_a_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let observed = dir.path().join("observed.yaml");
    std::fs::write(&observed, GOOGLE_OBSERVED).expect("observed.yaml is written");
    let observed = observed.to_string_lossy().into_owned();
    let items = parse_stream(&render_command(&["--observed", &observed, "-"], GOOGLE_XR));
    assert!(
        serde_json::to_string(&items)
            .expect("JSON")
            .contains("ipv4NativeRoutingCIDR"),
        "the later reconcile sets the CIDR"
    );
}

#[test]
fn every_example_is_admitted_and_renders_through_its_providers_pipeline() {
    for path in yaml_files(&root().join("examples")) {
        let xr = std::fs::read_to_string(&path).expect("the example reads");
        if let Err(e) = pipeline().render_yaml(&xr, None, &Observed::none()) {
            panic!("{}: {e}", path.display());
        }
    }
}

#[test]
fn every_provider_step_file_is_loaded_from_kcl() {
    for provider in Provider::ALL {
        let steps = pipeline().steps(provider);
        let names: Vec<&str> = steps.iter().map(|step| step.name.as_str()).collect();
        assert_eq!(names, [provider.name(), "apps"]);
        assert_eq!(
            steps[0].source,
            read(&format!("kcl/{}", provider.step_file()))
        );
    }
}

/// `item` without what one of the two shapes adds around the same resource: function-kcl's
/// `krm.kcl.dev/*` annotations (which `dot-kubernetes render` prints as KCL produced them)
/// and Crossplane's metadata (which `crossplane render`'s shape adds: the composition
/// resource name, the composite label, the XR as controller, the XR's namespace, a
/// `generateName` for a resource without a name).
fn without_shape(item: &Value) -> Value {
    let mut item = item.clone();
    let metadata = item["metadata"].as_object_mut().expect("metadata");
    for (field, keys) in [
        (
            "annotations",
            [
                RESOURCE_NAME,
                "krm.kcl.dev/ready",
                kcl_render::CROSSPLANE_RESOURCE_NAME,
            ]
            .as_slice(),
        ),
        ("labels", [kcl_render::COMPOSITE_LABEL].as_slice()),
    ] {
        if let Some(Value::Object(map)) = metadata.get_mut(field) {
            for key in keys {
                map.remove(*key);
            }
            if map.is_empty() {
                metadata.remove(field);
            }
        }
    }
    for field in ["ownerReferences", "namespace", "generateName"] {
        metadata.remove(field);
    }
    item
}

#[test]
fn kcl_render_over_the_package_composes_what_the_render_command_prints_resource_by_resource() {
    let renderer = kcl_render::Renderer::load(
        &root().join("package/compositions.yaml"),
        Some(&root().join("package/definition.yaml")),
    )
    .unwrap_or_else(|e| panic!("package/ loads: {e}"));
    for path in yaml_files(&root().join("examples")) {
        let name = path.display().to_string();
        let xr = std::fs::read_to_string(&path).expect("the example reads");
        let printed = parse_stream(&render_command(&[&name], ""));
        let rendered = renderer
            .render_yaml(&xr, &kcl_render::Observed::none())
            .unwrap_or_else(|e| panic!("{name}: kcl-render fails: {e}"));
        let documents = rendered.documents(&kcl_render::Observed::none());
        let (xr_document, composed) = documents.split_first().expect("the XR first");
        // The XR, with the status the pipeline set.
        let status = &pipeline()
            .render_yaml(&xr, None, &Observed::none())
            .expect("renders")
            .xr["status"];
        for (key, value) in status.as_object().expect("a status") {
            assert_eq!(&xr_document["status"][key], value, "{name}: status.{key}");
        }
        // Each composed resource, by its composition resource name.
        let by_name = |items: &[Value], key: &str| -> Vec<(String, Value)> {
            let mut named: Vec<(String, Value)> = items
                .iter()
                .map(|item| {
                    let resource_name = item["metadata"]["annotations"][key]
                        .as_str()
                        .unwrap_or_else(|| panic!("{name}: no {key} on {item}"))
                        .to_owned();
                    (resource_name, without_shape(item))
                })
                .collect();
            named.sort_by(|a, b| a.0.cmp(&b.0));
            named
        };
        let ours = by_name(&printed, RESOURCE_NAME);
        let theirs = by_name(composed, kcl_render::CROSSPLANE_RESOURCE_NAME);
        assert_eq!(
            ours.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            theirs.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            "{name}: the same composition resource names"
        );
        for ((resource, printed), (_, rendered)) in ours.iter().zip(&theirs) {
            assert_eq!(printed, rendered, "{name}: `{resource}`");
        }
        // What the shape adds, exactly.
        let namespace = &rendered.xr["metadata"]["namespace"];
        for document in composed {
            assert_eq!(&document["metadata"]["namespace"], namespace, "{name}");
        }
    }
}

/// Run `dot-kubernetes render <args>` in `dir`.
fn render_command_in(dir: &std::path::Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_dot-kubernetes"))
        .current_dir(dir)
        .arg("render")
        .args(args)
        .output()
        .expect("dot-kubernetes runs")
}

/// A copy of the project's `kcl/`, `package/` and `examples/`, to render an edit of `kcl/`
/// in.
fn project_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for sub in ["kcl", "package", "examples"] {
        std::fs::create_dir(dir.path().join(sub)).expect("a directory");
        for path in crate::common::files_with_extension(&root().join(sub), "k")
            .into_iter()
            .chain(yaml_files(&root().join(sub)))
        {
            let target = dir.path().join(sub).join(path.file_name().expect("a file"));
            std::fs::copy(&path, target).expect("copied");
        }
    }
    dir
}

#[test]
fn render_command_renders_kcl_and_warns_when_the_checked_in_package_is_stale() {
    let fresh = render_command(&["examples/aws.yaml"], "");
    assert!(
        fresh.stderr.is_empty(),
        "no warning when package/ is up to date: {}",
        String::from_utf8_lossy(&fresh.stderr)
    );
    let dir = project_copy();
    // An edit of kcl/ that package/ does not have yet.
    let aws = dir.path().join("kcl/aws.k");
    let edited = read("kcl/aws.k").replace("_region = \"us-east-1\"", "_region = \"eu-west-1\"");
    std::fs::write(&aws, edited).expect("aws.k is written");
    let output = render_command_in(dir.path(), &["examples/aws.yaml"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.starts_with("warning: the checked-in package is stale: package/compositions.yaml")
            && stderr.contains("cargo xtask codegen"),
        "{stderr}"
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("eu-west-1"),
        "the edit of kcl/ is rendered"
    );
}

#[test]
fn render_command_stops_a_provider_step_that_never_ends_at_its_timeout_with_one_line() {
    let dir = project_copy();
    // The AWS step recurses without end.
    let aws = read("kcl/aws.k").replace(
        "\nitems = _items",
        "\n_deeper = lambda n: int -> int { _deeper(n + 1) }\nitems = _items + [{n = _deeper(0)}]",
    );
    std::fs::write(dir.path().join("kcl/aws.k"), aws).expect("aws.k is written");
    let started = std::time::Instant::now();
    let output = render_command_in(dir.path(), &["--timeout", "1s", "examples/aws.yaml"]);
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(elapsed.as_secs() < 30, "it took {elapsed:?} to stop");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    // kcl-render's deadline, whose words its own tests pin.
    let late = DeadlineExceeded {
        timeout: std::time::Duration::from_secs(1),
    };
    assert_eq!(errors, [format!("error: {late}")], "{stderr}");
    assert!(output.stdout.is_empty(), "nothing is printed");
}

#[test]
fn an_xr_that_also_selects_by_the_cluster_label_renders_through_the_apps_step_alone_too() {
    // Upstream's examples select `provider` and `cluster`; every Composition has both.
    for provider in Provider::ALL {
        let mut xr = scenario_xr(
            "labelled",
            provider,
            json!({"apps": {"dapr": {"enabled": true}}}),
        );
        xr["spec"]["crossplane"]["compositionSelector"]["matchLabels"]["cluster"] =
            json!(provider.kubernetes_service());
        let alone = crate::common::composition()
            .render(xr.clone(), None)
            .unwrap_or_else(|e| panic!("{provider}: the apps step alone: {e}"));
        let whole = pipeline()
            .render(xr, None, &Observed::none())
            .unwrap_or_else(|e| panic!("{provider}: the pipeline: {e}"));
        assert_eq!(alone, whole.step("apps"), "{provider}");
    }
}
