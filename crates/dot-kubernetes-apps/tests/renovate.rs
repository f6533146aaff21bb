//! Renovate finds every pin where it lives, the way Renovate reads the repository: the
//! custom regex managers of `renovate.json` applied to the files they name, templates
//! filled from the named groups, and `currentValue` replaced in place for a bump.
//!
//! A bump that Renovate makes on its own (hosted Renovate runs no commands) must change
//! every place that mirrors a pin: the Rust attribute that owns it, the generated pin in
//! `kcl/apps.k` and the copies of `kcl/apps.k` in `package/compositions.yaml`.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use dot_kubernetes_apps::registry;
use kcl_apps::app::ChartSource;
use regex::Regex;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A dependency as Renovate extracts it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Dep {
    datasource: String,
    dep_name: String,
    registry_url: Option<String>,
    current_value: String,
}

/// One match of a manager: the file, where `currentValue` stands, the dependency.
#[derive(Debug, Clone)]
struct Found {
    file: String,
    value_at: Range<usize>,
    dep: Dep,
}

/// `{{{name}}}` (and `{{name}}`) filled from the named groups, as Renovate's templates are.
fn fill(template: &str, groups: &BTreeMap<String, String>) -> String {
    let placeholder = Regex::new(r"\{\{\{?\s*(\w+)\s*\}?\}\}").expect("a valid regex");
    placeholder
        .replace_all(template, |c: &regex::Captures| {
            groups.get(&c[1]).cloned().unwrap_or_default()
        })
        .into_owned()
}

/// `/pattern/`, as Renovate writes file patterns.
fn file_pattern(pattern: &str) -> Regex {
    let inner = pattern
        .strip_prefix('/')
        .and_then(|p| p.strip_suffix('/'))
        .unwrap_or_else(|| panic!("`{pattern}` is not a /regex/"));
    Regex::new(inner).unwrap_or_else(|e| panic!("`{pattern}`: {e}"))
}

/// The repository's files, relative and with `/`, but the build output and git.
fn files() -> Vec<String> {
    let root = root();
    walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some("target" | ".git")))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let relative = e.path().strip_prefix(&root).ok()?;
            Some(relative.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}

/// Every dependency every custom regex manager finds.
fn extract() -> Vec<Found> {
    let text = std::fs::read_to_string(root().join("renovate.json")).expect("renovate.json");
    let config: Value = serde_json::from_str(&text).expect("renovate.json is JSON");
    let files = files();
    let mut found = Vec::new();
    for manager in config["customManagers"].as_array().expect("customManagers") {
        assert_eq!(manager["customType"], "regex", "{manager}");
        let patterns: Vec<Regex> = manager["managerFilePatterns"]
            .as_array()
            .expect("managerFilePatterns")
            .iter()
            .map(|p| file_pattern(p.as_str().expect("a pattern")))
            .collect();
        let template = |field: &str| manager[format!("{field}Template")].as_str();
        for file in files
            .iter()
            .filter(|f| patterns.iter().any(|p| p.is_match(f)))
        {
            let text = std::fs::read_to_string(root().join(file)).expect("a text file");
            for string in manager["matchStrings"].as_array().expect("matchStrings") {
                let regex = Regex::new(string.as_str().expect("a regex"))
                    .unwrap_or_else(|e| panic!("{string}: {e}"));
                for captures in regex.captures_iter(&text) {
                    let groups: BTreeMap<String, String> = regex
                        .capture_names()
                        .flatten()
                        .filter_map(|name| {
                            Some((name.to_owned(), captures.name(name)?.as_str().to_owned()))
                        })
                        .collect();
                    let field = |name: &str| {
                        template(name)
                            .map(|t| fill(t, &groups))
                            .or_else(|| groups.get(name).cloned())
                    };
                    let value = captures.name("currentValue").expect("currentValue");
                    found.push(Found {
                        file: file.clone(),
                        value_at: value.range(),
                        dep: Dep {
                            datasource: field("datasource").expect("a datasource"),
                            dep_name: field("depName").expect("a depName"),
                            registry_url: field("registryUrl"),
                            current_value: value.as_str().to_owned(),
                        },
                    });
                }
            }
        }
    }
    found
}

/// The pins the registry declares, as Renovate must see them.
fn declared() -> BTreeSet<Dep> {
    let mut deps = BTreeSet::new();
    for app in registry() {
        for release in &app.releases {
            let (datasource, dep_name, registry_url) = match &release.source {
                ChartSource::Repository(url) => ("helm", release.chart.clone(), Some(url.clone())),
                ChartSource::Oci(repository) => (
                    "docker",
                    format!(
                        "{}/{}",
                        repository.trim_start_matches("oci://"),
                        release.chart
                    ),
                    None,
                ),
                ChartSource::Archive(url) => (
                    "helm",
                    release.chart.clone(),
                    url.rsplit_once('/').map(|(dir, _)| dir.to_owned()),
                ),
            };
            deps.insert(Dep {
                datasource: datasource.into(),
                dep_name,
                registry_url,
                current_value: release.version.clone(),
            });
        }
        for image in &app.images {
            deps.insert(Dep {
                datasource: "docker".into(),
                dep_name: image.repository.clone(),
                registry_url: None,
                current_value: image.tag.clone(),
            });
        }
    }
    deps
}

fn found_in(found: &[Found], prefix: &str) -> BTreeSet<Dep> {
    found
        .iter()
        .filter(|f| f.file.starts_with(prefix))
        .map(|f| f.dep.clone())
        .collect()
}

#[test]
fn renovate_finds_exactly_the_registrys_pins_in_the_rust_types() {
    let found = extract();
    assert_eq!(
        found_in(&found, "crates/dot-kubernetes-apps/src/apps/"),
        declared()
    );
}

#[test]
fn renovate_finds_every_rust_pin_where_the_kcl_and_the_package_mirror_it() {
    let found = extract();
    let declared = declared();
    for mirror in ["kcl/apps.k", "package/compositions.yaml"] {
        let there = found_in(&found, mirror);
        let missing: Vec<&Dep> = declared.difference(&there).collect();
        assert!(
            missing.is_empty(),
            "{mirror} hides from Renovate: {missing:?}"
        );
    }
}

#[test]
fn renovate_finds_function_kcl_where_it_is_pinned_and_in_the_package() {
    let found = extract();
    let function_kcl: Vec<&Found> = found
        .iter()
        .filter(|f| f.dep.dep_name == "crossplane-contrib/function-kcl")
        .collect();
    let files: BTreeSet<&str> = function_kcl.iter().map(|f| f.file.as_str()).collect();
    // The constant FUNCTION_KCL_VERSION, and the Configuration built from it.
    assert_eq!(
        files,
        BTreeSet::from(["src/package.rs", "package/crossplane.yaml"])
    );
    let versions: BTreeSet<&str> = function_kcl
        .iter()
        .map(|f| f.dep.current_value.as_str())
        .collect();
    assert_eq!(versions.len(), 1, "one version everywhere: {versions:?}");
}

/// What Renovate does for a bump: `currentValue` replaced in every match of the dependency.
fn bump(found: &[Found], dep_name: &str, to: &str) -> BTreeMap<String, String> {
    let mut by_file: BTreeMap<&str, Vec<&Found>> = BTreeMap::new();
    for f in found.iter().filter(|f| f.dep.dep_name == dep_name) {
        by_file.entry(&f.file).or_default().push(f);
    }
    let mut files = BTreeMap::new();
    for (file, mut matches) in by_file {
        let mut text = std::fs::read_to_string(root().join(file)).expect("a text file");
        matches.sort_by_key(|f| std::cmp::Reverse(f.value_at.start));
        for f in matches {
            text.replace_range(f.value_at.clone(), to);
        }
        files.insert(file.to_owned(), text);
    }
    files
}

#[test]
fn a_bump_renovate_makes_on_its_own_changes_the_pin_everywhere_it_is_mirrored() {
    let found = extract();
    for (dep_name, pin) in [
        ("keda", "keda"),
        ("docker.io/envoyproxy/gateway-helm", "gatewayHelm"),
    ] {
        let bumped = bump(&found, dep_name, "99.0.0");
        let files: BTreeSet<&str> = bumped.keys().map(String::as_str).collect();
        assert!(
            files
                .iter()
                .any(|f| f.starts_with("crates/dot-kubernetes-apps/src/apps/"))
                && files.contains("kcl/apps.k")
                && files.contains("package/compositions.yaml"),
            "`{dep_name}` is bumped in {files:?} only"
        );
        // Each generated copy reads the bumped version, as `cargo xtask codegen` would
        // write it after the Rust attribute changed.
        let line = format!("{pin} = \"99.0.0\"");
        assert!(bumped["kcl/apps.k"].contains(&line), "kcl/apps.k: {line}");
        assert_eq!(
            bumped["package/compositions.yaml"].matches(&line).count(),
            3,
            "the three Compositions: {line}"
        );
    }
}
