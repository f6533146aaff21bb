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
use serde_json::Value;

use crate::common::{check_every_case, matrix, pipeline, resource_name, root};

const SNAPSHOT: &str = "composed-keys";

/// The reviewed removals, relative to the repository root.
const REMOVED: &str = "tests/removed-keys.txt";

/// One key as the reviewed list records it: enough to say what deleting it would do.
fn describe(item: &Value) -> String {
    let kind = item["kind"].as_str().unwrap_or("?");
    let external = item
        .pointer("/metadata/annotations/crossplane.io~1external-name")
        .and_then(Value::as_str)
        .unwrap_or("");
    match kind {
        "Release" => format!("Release {external}"),
        "Object" => {
            let manifest = &item["spec"]["forProvider"]["manifest"];
            let name = manifest.pointer("/metadata/name").and_then(Value::as_str);
            let namespace = manifest
                .pointer("/metadata/namespace")
                .and_then(Value::as_str);
            let name = match (namespace, name) {
                (Some(namespace), Some(name)) => format!("{namespace}/{name}"),
                (None, Some(name)) => name.to_owned(),
                _ => "?".to_owned(),
            };
            let retained = item["spec"]["managementPolicies"]
                .as_array()
                .is_some_and(|policies| !policies.iter().any(|p| p == "Delete" || p == "*"));
            let kind = manifest["kind"].as_str().unwrap_or("?");
            format!(
                "Object {kind} {name}{}",
                if retained { " retained" } else { "" }
            )
        }
        other => other.to_owned(),
    }
}

/// What Crossplane does on upgrade to a composed resource whose key disappears.
fn consequence(description: &str) -> String {
    let words: Vec<&str> = description.split(' ').collect();
    match words.as_slice() {
        ["Release", release] => {
            format!("Crossplane deletes it, which uninstalls the Helm release `{release}`")
        }
        ["Object", kind, name, "retained"] => format!(
            "Crossplane deletes the Object; the {kind} `{name}` stays in the cluster, unmanaged"
        ),
        ["Object", kind, name] => {
            format!("Crossplane deletes it, which deletes the {kind} `{name}` from the cluster")
        }
        ["Usage"] => "Crossplane deletes it: the cluster loses that deletion protection".into(),
        ["ProviderConfig"] => {
            "Crossplane deletes it: the releases and objects that use it lose their access".into()
        }
        _ => "Crossplane deletes it, and with it the cloud resource it manages".into(),
    }
}

/// How `tests/removed-keys.txt` records a reviewed removal of `key` (without the XR's
/// name), which was `description`.
fn removal_line(key: &str, description: &str) -> String {
    format!("{key} = {description}: {}", consequence(description))
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
                    "{}: `{full}` ({description}) is no longer composed: on upgrade {}\n  \
                     reviewed, it is this line of {REMOVED}: {line}",
                    case.name,
                    consequence(description)
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

#[test]
fn dropping_a_release_key_is_reported_as_an_uninstall() {
    assert_eq!(
        consequence("Release cilium"),
        "Crossplane deletes it, which uninstalls the Helm release `cilium`"
    );
    assert_eq!(
        consequence("Object Gateway envoy-gateway-system/eg"),
        "Crossplane deletes it, which deletes the Gateway `envoy-gateway-system/eg` from the cluster"
    );
}
