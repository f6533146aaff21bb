//! The Crossplane package in `package/`: up to date with `kcl/` (as `cargo xtask codegen
//! --check` checks), built deterministically, its Compositions embedding exactly the steps
//! the render runs, its Configuration depending on everything they use, its XRD the one
//! admission uses, and function-kcl pinned to the KCL the tests run.

use std::collections::BTreeSet;
use std::path::Path;

use dot_kubernetes::package::{
    self, FUNCTION_KCL_EMBEDDED_KCL, FUNCTION_KCL_VERSION, KCL_LIB_VERSION, PackageFile,
};
use dot_kubernetes::render::Observed;
use dot_kubernetes_apps::Provider;
use kcl_codegen::regions::{self, Generated, Mode};
use serde_json::{Value, json};

use crate::common::scenarios::{Scenario, scenario_xr};
use crate::common::{parallel_map, pipeline, root, scenarios};

fn build() -> Vec<PackageFile> {
    package::build(pipeline()).unwrap_or_else(|e| panic!("the package does not build: {e}"))
}

/// The documents of a checked-in package file.
fn documents(file: &str) -> Vec<Value> {
    let path = root().join("package").join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_saphyr::from_multiple(&text)
        .unwrap_or_else(|e| panic!("{} is not a YAML stream: {e}", path.display()))
}

fn compositions() -> Vec<Value> {
    documents("compositions.yaml")
}

fn configuration() -> Value {
    let mut documents = documents("crossplane.yaml");
    assert_eq!(documents.len(), 1, "crossplane.yaml holds one document");
    documents.remove(0)
}

#[test]
fn the_checked_in_package_is_up_to_date_with_kcl() {
    let files: Vec<Generated> = build()
        .into_iter()
        .map(|file| Generated {
            path: file.path.into(),
            contents: file.contents,
        })
        .collect();
    let paths: Vec<&Path> = files.iter().map(|file| file.path.as_path()).collect();
    assert_eq!(
        paths,
        [
            "package/crossplane.yaml",
            "package/definition.yaml",
            "package/compositions.yaml"
        ]
        .map(Path::new)
    );
    let report = regions::update_in(root(), &files, Mode::Check)
        .unwrap_or_else(|e| panic!("cannot compare the package: {e}"));
    assert!(
        report.is_up_to_date(),
        "stale package; run `cargo xtask codegen`:\n{report}"
    );
}

#[test]
fn building_the_package_twice_gives_identical_bytes() {
    assert_eq!(build(), build());
}

#[test]
fn each_composition_runs_its_provider_step_then_the_apps_step_files_with_its_placeholders_then_auto_ready()
 {
    let compositions = compositions();
    let names: Vec<&str> = compositions
        .iter()
        .map(|c| c["metadata"]["name"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(names, ["cluster-aws", "cluster-azure", "cluster-google"]);
    let read = |file: &str| {
        std::fs::read_to_string(root().join("kcl").join(file))
            .unwrap_or_else(|e| panic!("cannot read kcl/{file}: {e}"))
    };
    // One source per step: the logic, then the manifests it names.
    let apps = format!("{}\n{}", read("apps.k"), read("manifests.k"));
    for provider in Provider::ALL {
        let composition = compositions
            .iter()
            .find(|c| c["metadata"]["name"] == format!("cluster-{provider}"))
            .expect("the provider's Composition");
        assert_eq!(
            composition["metadata"]["labels"]["provider"],
            provider.name()
        );
        assert_eq!(
            composition["spec"]["compositeTypeRef"],
            json!({"apiVersion": "devopstoolkit.ai/v2", "kind": "Cluster"})
        );
        let steps = composition["spec"]["pipeline"]
            .as_array()
            .expect("a pipeline");
        let step_names: Vec<&str> = steps
            .iter()
            .map(|s| s["step"].as_str().unwrap_or("?"))
            .collect();
        assert_eq!(
            step_names,
            [
                provider.name(),
                "apps",
                "automatically-detect-ready-composed-resources"
            ]
        );
        let provider_step = std::fs::read_to_string(root().join(format!("kcl/{provider}.k")))
            .expect("the provider step");
        assert_eq!(
            steps[0]["input"]["spec"]["source"],
            provider_step.as_str(),
            "{provider}"
        );
        let expected_apps = provider.fill_cluster_placeholders(&apps);
        assert_ne!(expected_apps, apps, "apps.k has the placeholders");
        assert_eq!(
            steps[1]["input"]["spec"]["source"],
            expected_apps.as_str(),
            "{provider}"
        );
        for step in &steps[..2] {
            assert_eq!(step["input"]["kind"], "KCLRun");
            assert_eq!(
                step["functionRef"]["name"],
                "crossplane-contrib-function-kcl"
            );
        }
        // The Composition runs what the render runs.
        let rendered_steps = pipeline().steps(provider);
        for (step, rendered) in steps.iter().zip(&rendered_steps) {
            assert_eq!(step["step"], rendered.name.as_str());
            assert_eq!(step["input"]["spec"]["source"], rendered.source.as_str());
        }
    }
}

/// The package that serves an API group, by the naming rules of the providers' families
/// (`<service>.aws.m.upbound.io` is `provider-aws-<service>`, `helm.m.crossplane.io` is
/// `provider-helm`, ...); `None` for Crossplane's own groups.
fn package_serving(group: &str) -> Option<String> {
    if group.ends_with("crossplane.io") && !group.ends_with(".m.crossplane.io") {
        return None;
    }
    if group == "azure.m.upbound.io" {
        // The family provider, which every provider-azure-* depends on.
        return Some("provider-family-azure".into());
    }
    for (suffix, family) in [
        (".aws.m.upbound.io", "aws"),
        (".azure.m.upbound.io", "azure"),
        (".gcp.m.upbound.io", "gcp"),
    ] {
        if let Some(service) = group.strip_suffix(suffix) {
            return Some(format!("provider-{family}-{service}"));
        }
    }
    group
        .strip_suffix(".m.crossplane.io")
        .map(|name| format!("provider-{name}"))
}

/// Every composed resource of every provider's Composition for XRs that switch on
/// everything: every scenario, with GPUs and credentials.
fn everything_composed() -> Vec<Value> {
    let cases: Vec<(&Scenario, Provider)> = scenarios()
        .iter()
        .flat_map(|scenario| Provider::ALL.map(|provider| (scenario, provider)))
        .collect();
    parallel_map(&cases, |(scenario, provider)| {
        let mut parameters = scenario.parameters.clone();
        if let Value::Object(fields) = &mut parameters {
            fields.insert("gpu".into(), json!({"enabled": true}));
            fields.insert("creds".into(), json!({"name": "creds", "keys": ["creds"]}));
        }
        let xr = scenario_xr(&scenario.name, *provider, parameters);
        pipeline()
            .render(xr, Some(*provider), &Observed::none())
            .unwrap_or_else(|e| panic!("{provider}-{}: {e}", scenario.name))
            .into_items()
    })
    .into_iter()
    .flatten()
    .collect()
}

#[test]
fn the_configuration_depends_on_every_provider_and_function_the_compositions_use() {
    let configuration = configuration();
    let dependencies = configuration["spec"]["dependsOn"]
        .as_array()
        .expect("dependsOn");
    let depended = |key: &str| -> BTreeSet<String> {
        dependencies
            .iter()
            .filter_map(|d| d[key].as_str())
            // xpkg.crossplane.io/crossplane-contrib/provider-helm -> provider-helm
            .filter_map(|package| package.rsplit('/').next().map(str::to_owned))
            .collect()
    };
    let (providers, functions) = (depended("provider"), depended("function"));

    let groups: BTreeSet<String> = everything_composed()
        .iter()
        .filter_map(|item| item["apiVersion"].as_str())
        .filter_map(|api_version| {
            api_version
                .rsplit_once('/')
                .map(|(group, _)| group.to_owned())
        })
        .collect();
    let mut missing = Vec::new();
    for group in &groups {
        let Some(package) = package_serving(group) else {
            continue;
        };
        let satisfied = providers.contains(&package)
            || (package == "provider-family-azure"
                && providers.iter().any(|p| p.starts_with("provider-azure-")));
        if !satisfied {
            missing.push(format!("{package} (serves {group})"));
        }
    }
    // A Function installed from xpkg.crossplane.io/<org>/<name> is named <org>-<name>.
    let function_names: BTreeSet<String> = dependencies
        .iter()
        .filter_map(|d| d["function"].as_str())
        .filter_map(|package| {
            let mut parts = package.rsplit('/');
            let name = parts.next()?;
            let org = parts.next()?;
            Some(format!("{org}-{name}"))
        })
        .collect();
    for composition in compositions() {
        for step in composition["spec"]["pipeline"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let name = step["functionRef"]["name"]
                .as_str()
                .unwrap_or("?")
                .to_owned();
            if !function_names.contains(&name) {
                missing.push(format!("the function {name} (step {})", step["step"]));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "package/crossplane.yaml lacks dependencies: {missing:?}\n(groups composed: {groups:?}; providers: {providers:?}; functions: {functions:?})"
    );
    assert!(
        groups.contains("helm.m.crossplane.io") && groups.contains("kubernetes.m.crossplane.io")
    );
}

#[test]
fn the_package_definition_is_the_xrd_admission_uses() {
    let mut documents = documents("definition.yaml");
    assert_eq!(documents.len(), 1, "definition.yaml holds one document");
    assert_eq!(&documents.remove(0), pipeline().composition().xrd());
}

#[test]
fn function_kcl_is_pinned_exactly_and_the_tests_run_the_kcl_it_embeds() {
    let configuration = configuration();
    let function_kcl: Vec<&Value> = configuration["spec"]["dependsOn"]
        .as_array()
        .expect("dependsOn")
        .iter()
        .filter(|d| d["function"] == "xpkg.crossplane.io/crossplane-contrib/function-kcl")
        .map(|d| &d["version"])
        .collect();
    assert_eq!(
        function_kcl,
        [&Value::from(FUNCTION_KCL_VERSION)],
        "package/crossplane.yaml pins function-kcl to FUNCTION_KCL_VERSION, exactly"
    );
    assert!(
        FUNCTION_KCL_VERSION.starts_with('v')
            && FUNCTION_KCL_VERSION[1..]
                .split('.')
                .all(|n| n.parse::<u32>().is_ok()),
        "an exact version, not a range: {FUNCTION_KCL_VERSION}"
    );
    assert_eq!(
        FUNCTION_KCL_EMBEDDED_KCL, KCL_LIB_VERSION,
        "function-kcl {FUNCTION_KCL_VERSION} embeds KCL {FUNCTION_KCL_EMBEDDED_KCL}, but the tests pin kcl-lib {KCL_LIB_VERSION}: move them together"
    );
    assert_eq!(
        FUNCTION_KCL_VERSION,
        kcl_render::EMULATED_FUNCTION_KCL,
        "the render emulates function-kcl {}, the package pins {FUNCTION_KCL_VERSION}: check what the new release changes and move them together",
        kcl_render::EMULATED_FUNCTION_KCL
    );
    let runtime = kcl_runtime::Runtime::global()
        .map_err(|e| e.with_hint(dot_kubernetes::render::RUNTIME_HINT))
        .unwrap_or_else(|e| panic!("no KCL runtime: {e}"));
    let version = runtime
        .version()
        .unwrap_or_else(|e| panic!("the runtime has no version: {e}"));
    assert_eq!(
        version.version, KCL_LIB_VERSION,
        "the loaded runtime is the pinned one"
    );
}

#[test]
fn every_package_file_says_it_is_generated_and_by_what() {
    for file in build() {
        assert!(
            file.contents
                .starts_with("# Generated by `cargo xtask package` from kcl/"),
            "{}",
            file.path
        );
    }
}
