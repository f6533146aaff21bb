//! The rename guard: composition resource names are a public API.
//!
//! Crossplane keys composed resources by `krm.kcl.dev/composition-resource-name`. When an
//! upgrade of the package stops composing a key, Crossplane deletes that resource (for a
//! Helm `Release`, it uninstalls the app) and creates whatever replaced it. The reviewed
//! list of every key that each provider's step composes (for `tests/pipeline/cluster.yaml`)
//! and that the apps step composes for each provider and scenario is the snapshot
//! `tests/snapshots/composed-keys.snap`: a change that drops a key fails here with one line
//! per key saying what Crossplane would do; a new key is a snapshot change to review with
//! `cargo insta review`, like any other.
//!
//! A key that is dropped on purpose (an app that is gone) is recorded in
//! `tests/removed-keys.txt`, one line per key, as the failure printed it: what it was and
//! what Crossplane does with it on upgrade. The record stays after the snapshot forgets
//! the key, so the review and its consequence remain written down.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use dot_kubernetes::render::Observed;
use dot_kubernetes_apps::Provider;
use kcl_render::Renderer;
use kcl_render::plan::{self, Action, FieldEffect, Outcome, Planner, Recreation, Side, XrPlan};
use serde_json::Value;

use crate::common::{check_every_case, matrix, pipeline, resource_name, root};

const SNAPSHOT: &str = "composed-keys";

/// The reviewed removals, relative to the repository root.
const REMOVED: &str = "tests/removed-keys.txt";

/// One key as the reviewed list records it: what it stands for and what Crossplane does
/// when the package stops composing it, both as `kcl_render::plan` says them.
fn describe(item: &Value) -> String {
    format!(
        "{}: {}",
        plan::subject(item),
        plan::deletion(item).consequence
    )
}

/// How `tests/removed-keys.txt` records a reviewed removal of `key` (without the XR's
/// name), which the reviewed list described as `description`.
fn removal_line(key: &str, description: &str) -> String {
    format!("{key} = {description}")
}

/// The reviewed removals: key (without the XR's name) -> its line. Lines starting with `#`
/// are comments.
fn removed() -> BTreeMap<String, String> {
    let path = root().join(REMOVED);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the reviewed removals {}: {e}", path.display()));
    (text.lines())
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let key = line.split(" = ").next().unwrap_or(line);
            (key.to_owned(), line.to_owned())
        })
        .collect()
}

/// A case of the list: its name, the XR's name, and what it composes.
struct Composed {
    name: String,
    xr: String,
    items: Vec<Value>,
}

/// Every provider's step for `tests/pipeline/cluster.yaml` (`<provider>-provider-step`),
/// then the apps step of every case of the matrix (`<provider>-<scenario>`).
fn composed() -> Vec<Composed> {
    let pipeline = pipeline();
    let path = root().join("tests/pipeline/cluster.yaml");
    let xr = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut composed: Vec<Composed> = Provider::ALL
        .into_iter()
        .map(|provider| {
            let rendered = pipeline
                .render_yaml(&xr, Some(provider), &Observed::none())
                .unwrap_or_else(|e| panic!("{provider}: {e}"));
            Composed {
                name: format!("{provider}-provider-step"),
                xr: "cluster-01".into(),
                items: rendered.step(provider.name()).to_vec(),
            }
        })
        .collect();
    composed.extend(matrix().into_iter().map(|case| Composed {
        name: case.name(),
        xr: case.xr().to_owned(),
        items: case.items().to_vec(),
    }));
    composed
}

/// `<case>:` then `  <key, without the XR's name where it starts with it> = <description>`
/// per key.
fn listing(composed: &[Composed]) -> String {
    let mut out = String::new();
    for case in composed {
        out.push_str(&format!("{}:\n", case.name));
        let prefix = format!("{}-", case.xr);
        for item in &case.items {
            let key = resource_name(item).unwrap_or("?");
            let key = key.strip_prefix(&prefix).unwrap_or(key);
            out.push_str(&format!("  {key} = {}\n", describe(item)));
        }
    }
    out
}

/// The reviewed list, by case: key -> description (none before the first review).
fn reviewed() -> BTreeMap<String, BTreeMap<String, String>> {
    let path = root().join(format!("tests/snapshots/{SNAPSHOT}.snap"));
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => panic!("cannot read the reviewed keys {}: {e}", path.display()),
    };
    // An insta snapshot: a `---` header, then the contents.
    let body = text.splitn(3, "---\n").nth(2).unwrap_or("");
    let mut cases = BTreeMap::new();
    let mut current = None;
    for line in body.lines() {
        if let Some(case) = line.strip_suffix(':').filter(|_| !line.starts_with(' ')) {
            current = Some(case.to_owned());
            cases.insert(case.to_owned(), BTreeMap::new());
        } else if let (Some(case), Some((key, description))) =
            (&current, line.trim().split_once(" = "))
            && let Some(keys) = cases.get_mut(case)
        {
            keys.insert(key.to_owned(), description.to_owned());
        }
    }
    cases
}

#[test]
fn no_composed_key_disappears_without_review() {
    let reviewed = reviewed();
    let removed = removed();
    let composed = composed();
    let mut dropped = Vec::new();
    for case in &composed {
        let Some(keys) = reviewed.get(&case.name) else {
            continue;
        };
        let current: Vec<&str> = case.items.iter().filter_map(resource_name).collect();
        for (key, description) in keys {
            // The list leaves out the XR's name where a key starts with it.
            let full = format!("{}-{key}", case.xr);
            let line = removal_line(key, description);
            if !current.contains(&full.as_str())
                && !current.contains(&key.as_str())
                && removed.get(key) != Some(&line)
            {
                dropped.push(format!(
                    "{}: `{full}` is no longer composed: on upgrade, {description}\n  \
                     reviewed, it is this line of {REMOVED}: {line}",
                    case.name,
                ));
            }
        }
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_description(
        "Every composition resource name each provider and scenario composes; \
         removing one deletes the resource on upgrade",
    );
    settings.set_omit_expression(true);
    let listing = listing(&composed);
    let compared = catch_unwind(AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(SNAPSHOT, listing));
    }));
    assert!(
        dropped.is_empty(),
        "{} composed resources would be deleted on upgrade (a renamed key is a deleted \
         resource and a new one). Keep the keys, or accept the deletion deliberately: record \
         each line in {REMOVED}, and accept the snapshot with `cargo insta review`:\n{}",
        dropped.len(),
        dropped.join("\n")
    );
    if let Err(panic) = compared {
        resume_unwind(panic);
    }
}

#[test]
fn a_reviewed_removal_is_composed_nowhere() {
    let removed = removed();
    let mut composed_again = Vec::new();
    for case in composed() {
        for key in (case.items.iter()).filter_map(resource_name) {
            let key = key.strip_prefix(&format!("{}-", case.xr)).unwrap_or(key);
            if removed.contains_key(key) {
                composed_again.push(format!("{}: {key}", case.name));
            }
        }
    }
    assert!(
        composed_again.is_empty(),
        "composed again, so no longer removed: delete their lines from {REMOVED}: {composed_again:?}"
    );
}

#[test]
fn the_reviewed_keys_list_every_case() {
    let reviewed = reviewed();
    check_every_case(|case, _, problems| {
        if !reviewed.contains_key(&case.name()) {
            problems
                .push("is not in the reviewed keys: run the tests and `cargo insta review`".into());
        }
    });
}

#[test]
fn the_vllm_operators_objects_are_recorded_as_removed_and_left_running_unmanaged() {
    let removed = removed();
    let vllm: Vec<&String> = (removed.iter())
        .filter(|(key, _)| key.starts_with("app-vllm-op-"))
        .map(|(_, line)| line)
        .collect();
    assert_eq!(vllm.len(), 15, "the operator's fifteen Objects: {vllm:?}");
    for line in vllm {
        assert!(
            line.ends_with("stays in the cluster, unmanaged"),
            "retained, so Crossplane leaves what it made: {line}"
        );
    }
}

/// A file of the checked-in package.
fn package_file(name: &str) -> String {
    let path = root().join("package").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Each edit `(old, new)` applied to every place it is in (each Composition embeds the
/// apps step); an edit that matches nothing is a broken test.
fn edited(text: &str, edits: &[(&str, &str)]) -> String {
    let mut text = text.to_owned();
    for (old, new) in edits {
        assert!(text.contains(old), "`{old}` is in the package");
        text = text.replace(old, new);
    }
    text
}

/// Plan an example from the checked-in package to a scratch copy of it with those edits.
fn plan_example(
    example: &str,
    compositions: &[(&str, &str)],
    definition: &[(&str, &str)],
) -> XrPlan {
    let load = |c: &[(&str, &str)], d: &[(&str, &str)]| {
        Renderer::from_yaml(
            &edited(&package_file("compositions.yaml"), c),
            Some(&edited(&package_file("definition.yaml"), d)),
        )
        .unwrap_or_else(|e| panic!("the package loads: {e}"))
    };
    let path = root().join("examples").join(example);
    let xr = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Planner::new(load(&[], &[]), load(compositions, definition))
        .plan_yaml(&xr, &kcl_render::Observed::none())
        .unwrap_or_else(|e| panic!("{example} plans: {e}"))
}

fn changed(plan: &XrPlan) -> Vec<(&str, Action)> {
    (plan.resources.iter())
        .filter(|r| r.action != Action::Unchanged)
        .map(|r| (r.name.as_str(), r.action))
        .collect()
}

#[test]
fn renaming_a_key_in_the_package_is_a_delete_and_a_create_flagged_as_a_recreation() {
    let plan = plan_example(
        "google.yaml",
        &[(r#"_xr + "-app-cilium""#, r#"_xr + "-app-cni""#)],
        &[],
    );
    assert_eq!(
        changed(&plan),
        [
            ("cluster-01-app-cilium", Action::Delete),
            ("cluster-01-app-cni", Action::Create)
        ]
    );
    let recreation = Some(Recreation {
        from: "cluster-01-app-cilium".into(),
        to: "cluster-01-app-cni".into(),
    });
    assert_eq!(
        plan.resource("cluster-01-app-cilium").unwrap().recreation,
        recreation
    );
    assert_eq!(
        plan.resource("cluster-01-app-cni").unwrap().recreation,
        recreation
    );
}

#[test]
fn bumping_a_chart_version_in_the_package_is_an_upgrade_of_that_release() {
    let plan = plan_example(
        "google.yaml",
        &[(r#"cilium = "1.19.0""#, r#"cilium = "1.19.1""#)],
        &[],
    );
    assert_eq!(changed(&plan), [("cluster-01-app-cilium", Action::Update)]);
    let release = plan.resource("cluster-01-app-cilium").unwrap();
    let upgrade = release
        .upgrade
        .as_ref()
        .expect("an upgrade of the Helm release");
    assert_eq!(
        (
            upgrade.release.as_str(),
            upgrade.from.as_deref(),
            upgrade.to.as_deref()
        ),
        ("cilium", Some("1.19.0"), Some("1.19.1"))
    );
    assert_eq!(upgrade.path, "spec.forProvider.chart.version");
    assert_eq!(
        release
            .fields
            .iter()
            .map(|f| f.path.as_str())
            .collect::<Vec<_>>(),
        ["spec.forProvider.chart.version"]
    );
}

#[test]
fn removing_a_retained_object_from_the_package_orphans_it() {
    let objectives = r#"                  object {
                      _name = "inference-crd-inferenceobjectives"
                      _externalName = "inferenceobjectives.inference.networking.x-k8s.io"
                      _manifest = _manifests["inference-crd-inferenceobjectives"]
                      _retain = True
                  }
                  usage {_nameSuffix = "app-inference-crd-inferenceobjectives", _kind = "Object"}
"#;
    let plan = plan_example("google-inference.yaml", &[(objectives, "")], &[]);
    assert_eq!(
        changed(&plan),
        [
            (
                "inference-01-app-inference-crd-inferenceobjectives",
                Action::Delete
            ),
            (
                "inference-01-app-inference-crd-inferenceobjectives-usage",
                Action::Delete
            )
        ]
    );
    let object = plan
        .resource("inference-01-app-inference-crd-inferenceobjectives")
        .unwrap();
    let deletion = object.deletion.as_ref().unwrap();
    assert_eq!(deletion.outcome, Outcome::Orphaned, "retained: not deleted");
    assert_eq!(
        deletion.consequence,
        "Crossplane deletes the Object; the CustomResourceDefinition \
         `inferenceobjectives.inference.networking.x-k8s.io` stays in the cluster, unmanaged"
    );
    let usage = plan
        .resource("inference-01-app-inference-crd-inferenceobjectives-usage")
        .unwrap();
    assert!(
        usage.deletion.as_ref().unwrap().unprotects.is_some(),
        "the Usage's protection is lost: {:?}",
        usage.deletion
    );
}

#[test]
fn a_field_the_new_xrd_refuses_is_reported_at_its_path() {
    // The next XRD no longer offers small nodes, which the example asks for (the first
    // nodeSize is the cluster's).
    let plan = plan_example(
        "google.yaml",
        &[],
        &[(
            "enum:\n                    - small\n                    - medium\n                    - large\n                    default: small",
            "enum:\n                    - medium\n                    - large\n                    default: medium",
        )],
    );
    let fields: Vec<(Side, &str, FieldEffect)> = (plan.fields.iter())
        .map(|f| (f.xrd, f.path.as_str(), f.effect))
        .collect();
    assert_eq!(
        fields,
        [(Side::To, "spec.parameters.nodeSize", FieldEffect::Refused)]
    );
    assert!(plan.has_changes());
}
