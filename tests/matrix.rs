//! Every scenario (those derived from the registry, and the files of `tests/scenarios/`)
//! rendered for every provider, compared with its reviewed snapshot
//! `tests/snapshots/apps-step@<scenario>.yaml.snap`. Each snapshot's header names its
//! input: the scenario file, or for a derived scenario its parameters (`info`).
//!
//! A snapshot states each fact once:
//!
//! - a pin is printed as `<pin NAME>` (the registry's pin, or Cilium's in `kcl/apps.k`),
//!   so a chart or image bump touches no snapshot;
//! - each Usage's `spec.of` is printed as `<the provider's managed cluster>` when it is
//!   (`every_usage_is_of_the_providers_managed_cluster` checks that it always is);
//! - a resource the same for every provider is printed once, then each provider's own;
//! - a resource that is exactly as `no-apps` composes it for the same provider (the XR's
//!   name aside: the ProviderConfigs, Cilium, the default namespaces) is named, not
//!   printed; `no-apps`'s snapshot prints it.
//!
//! Review changes with `cargo insta review`; `cargo xtask test` never writes snapshots.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};

use dot_kubernetes::render::to_yaml_stream;
use dot_kubernetes_apps::{Provider, registry};
use kcl_apps::app::ChartSource;
use serde_json::{Value, json};

use crate::common::scenarios::read_scenarios;
use crate::common::{Case, case, managed_cluster, matrix, resource_name, root, scenarios};

/// The scenario whose resources the others name instead of printing again.
const BASELINE: &str = "no-apps";

/// The explicit name of the scenario snapshots (`@<scenario>.yaml` is appended, the name
/// insta's `glob!` would give a scenario file).
const SNAPSHOT: &str = "apps-step";

/// Every snapshot the tests own, by directory: the scenario snapshots (one per scenario
/// file), the XRD (`xrd.rs`), the reviewed keys (`composed_keys.rs`) and the provider steps
/// (`pipeline.rs`).
fn expected_snapshots() -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut tests = BTreeSet::from(["xrd.snap".to_owned(), "composed-keys.snap".to_owned()]);
    tests.extend(
        scenarios()
            .iter()
            .map(|scenario| format!("{SNAPSHOT}@{}.yaml.snap", scenario.name)),
    );
    let pipeline = Provider::ALL
        .into_iter()
        .map(|provider| format!("provider-step-{provider}.snap"))
        .collect();
    BTreeMap::from([
        ("tests/snapshots", tests),
        ("tests/pipeline/snapshots", pipeline),
    ])
}

/// What each pinned version or image is printed as.
struct Pins {
    /// Release name -> (version, pin name, source).
    releases: BTreeMap<String, (String, String, ChartSource)>,
    /// `repository:tag` -> `repository:<pin NAME>`.
    images: Vec<(String, String)>,
}

fn marker(pin: &str) -> String {
    format!("<pin {pin}>")
}

impl Pins {
    /// The registry's pins, and Cilium's from `kcl/apps.k` (`cilium = "..."` under its
    /// `# renovate:` comment).
    fn load() -> Pins {
        let mut releases = BTreeMap::new();
        let mut images = Vec::new();
        for app in registry() {
            for release in app.releases {
                releases.insert(release.name, (release.version, release.pin, release.source));
            }
            for image in app.images {
                images.push((
                    format!("{}:{}", image.repository, image.tag),
                    format!("{}:{}", image.repository, marker(&image.pin)),
                ));
            }
        }
        let apps = std::fs::read_to_string(root().join("kcl/apps.k")).expect("kcl/apps.k reads");
        let lines: Vec<&str> = apps.lines().collect();
        let cilium = lines
            .windows(2)
            .find_map(|pair| {
                let version = pair[1].strip_prefix("cilium = \"")?.strip_suffix('"')?;
                pair[0].starts_with("# renovate:").then_some(version)
            })
            .expect("kcl/apps.k pins cilium under a `# renovate:` comment");
        releases.insert(
            "cilium".into(),
            (
                cilium.into(),
                "cilium".into(),
                ChartSource::Repository(String::new()),
            ),
        );
        Pins { releases, images }
    }

    /// The item with each pin it holds replaced by its marker.
    fn redact(&self, item: &Value) -> Value {
        let mut item = item.clone();
        if item["kind"] == "Release"
            && let Some(name) = item
                .pointer("/metadata/annotations/crossplane.io~1external-name")
                .and_then(Value::as_str)
            && let Some((version, pin, source)) = self.releases.get(name)
            && let Some(chart) = item.pointer_mut("/spec/forProvider/chart")
        {
            if chart["version"] == json!(version) {
                chart["version"] = json!(marker(pin));
            }
            if let ChartSource::Archive(url) = source
                && chart["url"] == json!(ChartSource::archive_url(url, version))
            {
                chart["url"] = json!(ChartSource::archive_url(url, &marker(pin)));
            }
        }
        self.redact_images(&mut item);
        item
    }

    fn redact_images(&self, value: &mut Value) {
        match value {
            Value::String(text) => {
                for (image, redacted) in &self.images {
                    if text.contains(image.as_str()) {
                        *text = text.replace(image.as_str(), redacted);
                    }
                }
            }
            Value::Array(values) => values.iter_mut().for_each(|v| self.redact_images(v)),
            Value::Object(fields) => fields.values_mut().for_each(|v| self.redact_images(v)),
            _ => {}
        }
    }
}

/// A composed resource as a snapshot prints it: pins redacted, and a Usage's `spec.of`
/// named when it is the provider's managed cluster.
fn printed(pins: &Pins, case: &Case, item: &Value) -> String {
    let mut item = pins.redact(item);
    let (api_version, kind) = managed_cluster(case.provider);
    let of = json!({"apiVersion": api_version, "kind": kind, "resourceRef": {"name": case.xr()}});
    if item["kind"] == "Usage"
        && let Some(spec) = item.get_mut("spec")
        && spec["of"] == of
    {
        spec["of"] = json!("<the provider's managed cluster>");
    }
    to_yaml_stream(&[item]).unwrap_or_else(|e| panic!("{}: cannot print YAML: {e}", case.name()))
}

/// The key of an item without the XR's name, and how the snapshot prints it.
struct Printed {
    key: String,
    text: String,
}

fn printed_items(pins: &Pins, case: &Case) -> Vec<Printed> {
    let prefix = format!("{}-", case.xr());
    case.items()
        .iter()
        .map(|item| {
            let key = resource_name(item).unwrap_or("?");
            Printed {
                key: key.strip_prefix(&prefix).unwrap_or(key).to_owned(),
                text: printed(pins, case, item),
            }
        })
        .collect()
}

/// The scenario's snapshot: the keys of the resources as `no-apps` composes them, by
/// provider; then the resources the same for every provider; then each provider's own.
fn snapshot(pins: &Pins, scenario: &str) -> String {
    let mut out = format!(
        "# {scenario}: the apps step for {}\n",
        Provider::ALL.map(|p| p.name()).join(", ")
    );
    let mut renders: Vec<(Provider, Vec<Printed>)> = Vec::new();
    let mut unchanged_keys = String::new();
    for provider in Provider::ALL {
        let this = case(scenario, provider);
        let mut items = printed_items(pins, this);
        if scenario != BASELINE {
            let baseline = case(BASELINE, provider);
            let as_baseline: BTreeMap<String, String> = printed_items(pins, baseline)
                .into_iter()
                .map(|p| (p.key, p.text.replace(baseline.xr(), "<xr>")))
                .collect();
            let (unchanged, rest): (Vec<Printed>, Vec<Printed>) = items
                .into_iter()
                .partition(|p| as_baseline.get(&p.key) == Some(&p.text.replace(this.xr(), "<xr>")));
            items = rest;
            if !unchanged.is_empty() {
                let keys: Vec<&str> = unchanged.iter().map(|p| p.key.as_str()).collect();
                unchanged_keys.push_str(&format!("#   {provider}: {}\n", keys.join(", ")));
            }
        }
        renders.push((provider, items));
    }
    if !unchanged_keys.is_empty() {
        out.push_str(&format!(
            "# As {BASELINE} composes them (the XR's name aside), not printed again:\n{unchanged_keys}"
        ));
    }
    // A key printed the same for every provider is printed once, in the first provider's
    // order.
    let common: BTreeSet<&str> = renders[0]
        .1
        .iter()
        .filter(|first| {
            renders[1..].iter().all(|(_, items)| {
                items
                    .iter()
                    .any(|p| p.key == first.key && p.text == first.text)
            })
        })
        .map(|p| p.key.as_str())
        .collect();
    let mut section = |title: String, items: Vec<&Printed>| {
        let count = match items.len() {
            0 => "none".to_owned(),
            1 => "1 resource".to_owned(),
            n => format!("{n} resources"),
        };
        out.push_str(&format!("\n### {title}: {count}\n"));
        for item in items {
            out.push_str("---\n");
            out.push_str(&item.text);
        }
    };
    section(
        "every provider".into(),
        renders[0]
            .1
            .iter()
            .filter(|p| common.contains(p.key.as_str()))
            .collect(),
    );
    for (provider, items) in &renders {
        section(
            format!("{provider} only"),
            items
                .iter()
                .filter(|p| !common.contains(p.key.as_str()))
                .collect(),
        );
    }
    out
}

#[test]
fn every_scenario_renders_as_its_snapshot_for_every_provider() {
    let pins = Pins::load();
    matrix();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_description(
        "What the apps step composes for aws, azure and google; see tests/matrix.rs for how \
         it is printed",
    );
    settings.set_omit_expression(true);
    // Every scenario is compared before failing, each mismatch printed by insta.
    let mut mismatched = Vec::new();
    for scenario in scenarios() {
        let mut settings = settings.clone();
        settings.set_snapshot_suffix(format!("{}.yaml", scenario.name));
        match &scenario.file {
            Some(file) => settings.set_input_file(file),
            None => settings.set_info(&scenario.parameters),
        }
        let compared = catch_unwind(AssertUnwindSafe(|| {
            settings.bind(|| {
                insta::assert_snapshot!(SNAPSHOT, snapshot(&pins, &scenario.name));
            });
        }));
        if compared.is_err() {
            mismatched.push(scenario.name.as_str());
        }
    }
    assert!(
        mismatched.is_empty(),
        "the apps step composes otherwise than the reviewed snapshots of {mismatched:?}; \
         review with `cargo insta review`"
    );
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    // The second render of the apps step is the pipeline's, which runs it again after the
    // provider step: the same bytes show that rendering is deterministic (and that the
    // apps step ignores what the provider step composed).
    let mut failures = Vec::new();
    for case in matrix() {
        let (Ok(first), Ok(again)) = (&case.result, &case.pipeline) else {
            failures.push(format!("{}: does not render", case.name()));
            continue;
        };
        let yaml = |items: &[Value]| {
            to_yaml_stream(items)
                .unwrap_or_else(|e| panic!("{}: cannot print YAML: {e}", case.name()))
        };
        if yaml(first) != yaml(again.step("apps")) {
            failures.push(case.name());
        }
    }
    assert!(
        failures.is_empty(),
        "rendered differently the second time: {failures:?}"
    );
}

#[test]
fn every_snapshot_belongs_to_a_test_and_none_is_pending() {
    let mut problems = Vec::new();
    for (dir, expected) in expected_snapshots() {
        let path = root().join(dir);
        let present: BTreeSet<String> = std::fs::read_dir(&path)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", path.display()))
            .map(|entry| {
                let name = entry.expect("a directory entry").file_name();
                name.to_string_lossy().into_owned()
            })
            .collect();
        for file in present.difference(&expected) {
            problems.push(
                if file.ends_with(".snap.new") || file.ends_with(".pending-snap") {
                    format!("{dir}/{file}: pending (review with `cargo insta review`)")
                } else {
                    format!("{dir}/{file}: unreferenced (delete it)")
                },
            );
        }
        for file in expected.difference(&present) {
            problems.push(format!("{dir}/{file}: missing (run the tests and review)"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_app_of_the_registry_has_its_scenarios_without_a_file() {
    let derived = |name: &str| {
        scenarios()
            .iter()
            .find(|s| s.name == name && s.file.is_none())
            .unwrap_or_else(|| panic!("no scenario `{name}` derived from the registry"))
    };
    let every_app = derived("every-app");
    for app in registry() {
        assert_eq!(
            every_app.parameters["apps"][&app.key],
            json!({"enabled": true}),
            "every-app enables `{}`",
            app.key
        );
        let alone = scenarios().iter().filter(|s| s.file.is_none());
        let parameters = json!({"apps": {&app.key: {"enabled": true}}});
        assert!(
            alone.filter(|s| s.parameters == parameters).count() == 1,
            "no scenario derived from the registry enables `{}` alone",
            app.key
        );
    }
    assert_eq!(
        derived("alone-envoy-gateway").parameters["apps"]["envoyGateway"]["enabled"],
        true
    );
}

#[test]
fn a_scenario_file_named_as_a_derived_scenario_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("alone-keda.yaml"),
        "apps: {keda: {enabled: true}}\n",
    )
    .expect("the file writes");
    let error = read_scenarios(dir.path()).expect_err("a file named as a derived scenario");
    assert!(
        error.contains("alone-keda.yaml") && error.contains("derived from the registry"),
        "{error}"
    );
}
