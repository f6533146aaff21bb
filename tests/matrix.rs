//! Every scenario of `tests/scenarios/` rendered for every provider, compared with its
//! reviewed snapshot `tests/snapshots/<provider>-<scenario>.snap`.
//!
//! Review changes with `cargo insta review`; `cargo xtask test` never writes snapshots.

mod common;

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use dot_kubernetes_apps::Provider;
use dot_kubernetes_apps::render::to_yaml_stream;

use common::{Case, matrix, render, root, scenarios};

/// Snapshots owned by other test files: `xrd` (tests/xrd.rs), `composed-keys`
/// (tests/composed_keys.rs).
const OTHER_SNAPSHOTS: &[&str] = &["xrd", "composed-keys"];

fn yaml(case: &Case, items: &[serde_json::Value]) -> Result<String, String> {
    to_yaml_stream(items).map_err(|e| format!("{}: cannot print YAML: {e}", case.name()))
}

#[test]
fn every_scenario_renders_as_its_snapshot_for_every_provider() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    let mut failures = Vec::new();
    settings.bind(|| {
        for case in matrix() {
            let name = case.name();
            let items = match &case.result {
                Ok(items) => items,
                Err(e) => {
                    failures.push(format!("{name}: does not render: {e}"));
                    continue;
                }
            };
            let yaml = match yaml(case, items) {
                Ok(yaml) => yaml,
                Err(e) => {
                    failures.push(e);
                    continue;
                }
            };
            let compared = catch_unwind(AssertUnwindSafe(|| {
                insta::assert_snapshot!(name.as_str(), yaml);
            }));
            if compared.is_err() {
                failures.push(format!("{name}: differs from tests/snapshots/{name}.snap"));
            }
        }
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases fail (review with `cargo insta review`):\n{}",
        failures.len(),
        scenarios().len() * Provider::ALL.len(),
        failures.join("\n")
    );
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    let mut failures = Vec::new();
    for case in matrix() {
        let Ok(first) = &case.result else {
            failures.push(format!("{}: does not render", case.name()));
            continue;
        };
        let again = render(case.scenario, case.provider)
            .unwrap_or_else(|e| panic!("{}: the second render fails: {e}", case.name()));
        let first = yaml(case, first).unwrap_or_else(|e| panic!("{e}"));
        let again = yaml(case, &again).unwrap_or_else(|e| panic!("{e}"));
        if first != again {
            failures.push(case.name());
        }
    }
    assert!(
        failures.is_empty(),
        "rendered differently the second time: {failures:?}"
    );
}

#[test]
fn every_snapshot_belongs_to_a_case_and_none_is_pending() {
    let expected: BTreeSet<String> = scenarios()
        .iter()
        .flat_map(|scenario| {
            Provider::ALL
                .into_iter()
                .map(move |provider| format!("{}-{}", provider.name(), scenario.name))
        })
        .chain(OTHER_SNAPSHOTS.iter().map(|name| (*name).to_owned()))
        .collect();
    let dir = root().join("tests/snapshots");
    let mut unreferenced = Vec::new();
    let mut pending = Vec::new();
    let mut present = BTreeSet::new();
    for entry in
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
    {
        let file = entry.expect("a directory entry").file_name();
        let file = file.to_string_lossy().into_owned();
        if file.ends_with(".snap.new") || file.ends_with(".pending-snap") {
            pending.push(file);
        } else if let Some(name) = file.strip_suffix(".snap") {
            if expected.contains(name) {
                present.insert(name.to_owned());
            } else {
                unreferenced.push(file);
            }
        } else {
            unreferenced.push(file);
        }
    }
    let missing: Vec<&String> = expected.difference(&present).collect();
    assert!(
        unreferenced.is_empty() && pending.is_empty() && missing.is_empty(),
        "tests/snapshots is not in step with the cases:\n\
         unreferenced (delete them): {unreferenced:?}\n\
         pending (review with `cargo insta review`): {pending:?}\n\
         missing (run the tests and review): {missing:?}"
    );
}
