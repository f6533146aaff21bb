//! Shared by the end-to-end tests: the scenarios ([`scenarios`]: derived from the registry,
//! and the files of `tests/scenarios/`), the composition in `kcl/` (loaded once per run),
//! the renders of the provider × scenario matrix (each case rendered at most once per run,
//! on first use), and the `dot-kubernetes render` command.

pub mod scenarios;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use dot_kubernetes::render::{Composition, Observed, Pipeline, Rendered};
use dot_kubernetes_apps::Provider;
use serde_json::Value;

use scenarios::{Scenario, read_scenarios, scenario_xr};

/// The annotation function-kcl keys composed resources by.
pub const RESOURCE_NAME: &str = "krm.kcl.dev/composition-resource-name";

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The whole Composition of each provider (provider step, then apps step), loaded from
/// `kcl/` once per run.
pub fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        Pipeline::load(&root().join("kcl"))
            .unwrap_or_else(|e| panic!("cannot load the pipeline in kcl/: {e}"))
    })
}

/// The apps step (the pipeline's), loaded from `kcl/` once per run.
pub fn composition() -> &'static Composition {
    pipeline().composition()
}

/// Every scenario (derived from the registry, and the files of `tests/scenarios/`),
/// sorted by name.
pub fn scenarios() -> &'static [Scenario] {
    static SCENARIOS: OnceLock<Vec<Scenario>> = OnceLock::new();
    SCENARIOS.get_or_init(|| {
        let dir = root().join("tests/scenarios");
        let scenarios = read_scenarios(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert!(!scenarios.is_empty(), "no scenarios in {}", dir.display());
        scenarios
    })
}

/// The `*.yaml` files directly in a directory.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    files_with_extension(dir, "yaml")
}

/// The files directly in a directory whose extension is `extension`, sorted.
pub fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .max_depth(1)
        .into_iter()
        .map(|entry| entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}

/// One cell of the matrix: a scenario rendered for a provider.
#[derive(Debug)]
pub struct Case {
    /// The scenario.
    pub scenario: &'static Scenario,
    /// The provider.
    pub provider: Provider,
    /// The composed resources of the apps step alone (`Composition::render`), or why
    /// rendering failed.
    pub result: Result<Vec<Value>, String>,
    /// The whole Composition rendered for the same XR (`Pipeline::render`: the provider
    /// step, then the apps step again), or why it failed.
    pub pipeline: Result<Rendered, String>,
}

impl Case {
    /// `<provider>-<scenario>`: the snapshot name, and how failures name the case.
    pub fn name(&self) -> String {
        format!("{}-{}", self.provider.name(), self.scenario.name)
    }

    /// The XR's name (the scenario's).
    pub fn xr(&self) -> &str {
        &self.scenario.name
    }

    /// The composed resources; panics, naming the case, when rendering failed.
    pub fn items(&self) -> &[Value] {
        match &self.result {
            Ok(items) => items,
            Err(e) => panic!("{} does not render: {e}", self.name()),
        }
    }

    /// The resource with this composition resource name (`<xr>-` is prepended).
    pub fn get(&self, suffix: &str) -> Option<&Value> {
        let name = format!("{}-{suffix}", self.xr());
        self.items()
            .iter()
            .find(|item| resource_name(item) == Some(name.as_str()))
    }

    /// The resource `<xr>-<suffix>`; panics, naming the case, when it is missing.
    pub fn resource(&self, suffix: &str) -> &Value {
        self.get(suffix).unwrap_or_else(|| {
            panic!(
                "{}: no resource `{}-{suffix}`; the resources are {:?}",
                self.name(),
                self.xr(),
                self.resource_names()
            )
        })
    }

    /// Whether the resource `<xr>-<suffix>` exists.
    pub fn has(&self, suffix: &str) -> bool {
        self.get(suffix).is_some()
    }

    /// Every composition resource name, in order.
    pub fn resource_names(&self) -> Vec<&str> {
        self.items().iter().filter_map(resource_name).collect()
    }

    /// The composition resource names of the app resources (`<xr>-app-...`), Usages and
    /// Cilium (keyed `<xr>-app-cilium` as deployed, but the cluster's CNI) left out.
    pub fn app_resource_names(&self) -> Vec<&str> {
        let prefix = format!("{}-app-", self.xr());
        let cilium = format!("{}-app-cilium", self.xr());
        self.items()
            .iter()
            .filter(|item| item["kind"] != "Usage")
            .filter_map(resource_name)
            .filter(|name| name.starts_with(&prefix) && *name != cilium)
            .collect()
    }

    /// The items of a kind.
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.items().iter().filter(move |item| item["kind"] == kind)
    }

    /// The whole render as JSON text, for searching.
    pub fn text(&self) -> String {
        serde_json::to_string(self.items()).expect("JSON values serialise")
    }
}

/// The composition resource name of an item.
pub fn resource_name(item: &Value) -> Option<&str> {
    item.pointer("/metadata/annotations")
        .and_then(|a| a.get(RESOURCE_NAME))
        .and_then(Value::as_str)
}

fn provider_index(provider: Provider) -> usize {
    Provider::ALL
        .iter()
        .position(|p| *p == provider)
        .expect("every provider is in Provider::ALL")
}

fn cells() -> &'static [OnceLock<Case>] {
    static CELLS: OnceLock<Vec<OnceLock<Case>>> = OnceLock::new();
    CELLS.get_or_init(|| {
        (0..scenarios().len() * Provider::ALL.len())
            .map(|_| OnceLock::new())
            .collect()
    })
}

fn cell(index: usize) -> &'static Case {
    let per_scenario = Provider::ALL.len();
    let scenario = &scenarios()[index / per_scenario];
    let provider = Provider::ALL[index % per_scenario];
    cells()[index].get_or_init(|| Case {
        scenario,
        provider,
        result: render(scenario, provider),
        pipeline: render_pipeline(scenario, provider),
    })
}

/// Render a scenario for a provider through the whole Composition.
pub fn render_pipeline(scenario: &Scenario, provider: Provider) -> Result<Rendered, String> {
    let xr = scenario_xr(&scenario.name, provider, scenario.parameters.clone());
    pipeline()
        .render(xr, Some(provider), &Observed::none())
        .map_err(|e| e.to_string())
}

/// Render a scenario for a provider through the apps step alone.
pub fn render(scenario: &Scenario, provider: Provider) -> Result<Vec<Value>, String> {
    let xr = scenario_xr(&scenario.name, provider, scenario.parameters.clone());
    composition()
        .render(xr, Some(provider))
        .map_err(|e| e.to_string())
}

/// A scenario rendered for a provider (rendered on first use in this test binary).
pub fn case(scenario: &str, provider: Provider) -> &'static Case {
    let index = scenarios()
        .iter()
        .position(|s| s.name == scenario)
        .unwrap_or_else(|| panic!("no scenario `{scenario}`"));
    cell(index * Provider::ALL.len() + provider_index(provider))
}

/// A scenario rendered for every provider.
pub fn cases(scenario: &str) -> Vec<&'static Case> {
    Provider::ALL
        .into_iter()
        .map(|provider| case(scenario, provider))
        .collect()
}

/// Every scenario for every provider, by scenario then provider; rendered in parallel the
/// first time.
pub fn matrix() -> Vec<&'static Case> {
    let indices: Vec<usize> = (0..cells().len()).collect();
    parallel_map(&indices, |index| cell(*index))
}

/// `f` of every input, in order, computed on as many threads as there are cores.
pub fn parallel_map<T: Sync, R: Send>(inputs: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<R>>> = inputs.iter().map(|_| Mutex::new(None)).collect();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers.min(inputs.len()) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(index) else {
                        break;
                    };
                    let result = f(input);
                    *results[index].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|result| {
            result
                .into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every input is computed")
        })
        .collect()
}

/// Run a check on every case of the matrix and fail once, listing every problem of every
/// case (a case that does not render is a problem too).
pub fn check_every_case(mut check: impl FnMut(&Case, &[Value], &mut Vec<String>)) {
    let mut failures = Vec::new();
    for case in matrix() {
        match &case.result {
            Err(e) => failures.push(format!("{}: does not render: {e}", case.name())),
            Ok(items) => {
                let mut problems = Vec::new();
                check(case, items, &mut problems);
                failures.extend(
                    problems
                        .into_iter()
                        .map(|problem| format!("{}: {problem}", case.name())),
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The managed cluster of each provider (`apiVersion`, `kind`), as the contract's table has
/// it: what every Usage protects.
pub fn managed_cluster(provider: Provider) -> (&'static str, &'static str) {
    match provider {
        Provider::Aws => ("eks.aws.m.upbound.io/v1beta1", "Cluster"),
        Provider::Azure => (
            "containerservice.azure.m.upbound.io/v1beta1",
            "KubernetesCluster",
        ),
        Provider::Google => ("container.gcp.m.upbound.io/v1beta1", "Cluster"),
    }
}

/// Run `dot-kubernetes render <args>` (this package's binary, which cargo builds for the
/// tests) in the repository root, with `stdin` on its standard input.
pub fn render_command(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dot-kubernetes"))
        .current_dir(root())
        .arg("render")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dot-kubernetes runs");
    let written = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes());
    // A run that refuses its arguments may exit before it reads its input.
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        panic!("cannot write the standard input of dot-kubernetes render: {e}");
    }
    child
        .wait_with_output()
        .expect("dot-kubernetes render finishes")
}
