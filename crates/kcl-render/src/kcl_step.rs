//! A function-kcl step: its input (`KCLRun`) read as function-kcl v0.12.0 reads it, the
//! KCL program it runs, and the items of the program's output.

use std::collections::BTreeMap;
use std::path::PathBuf;

use kcl_runtime::{Output, Program};
use serde_json::{Map, Value};

use crate::error::StepProblem;

/// Refuse a `params` option that KCL cannot read. KCL reads an option at most
/// [`KCL_JSON_MAX_DEPTH`](kcl_codegen_syntax::json::KCL_JSON_MAX_DEPTH) levels deep,
/// so each field of it (`oxr`, `ocds`, ...) is a value one level below the top; deeper, it
/// would read the whole option as a string and the program would fail on its first
/// `option("params").oxr`, far from the cause. The path names the field (`ocds.<name>...`).
pub(crate) fn check_params(params: &Value) -> Result<(), StepProblem> {
    for (name, value) in params.as_object().into_iter().flatten() {
        kcl_codegen_syntax::json::check(value).map_err(|mut e| {
            e.path = if e.path.is_empty() || e.path.starts_with('[') {
                format!("{name}{}", e.path)
            } else {
                format!("{name}.{}", e.path)
            };
            StepProblem::Params(e)
        })?;
    }
    Ok(())
}

/// The `apiVersion` of function-kcl's input.
pub const KCL_RUN_API_VERSION: &str = "krm.kcl.dev/v1alpha1";

/// The `kind` of function-kcl's input.
pub const KCL_RUN_KIND: &str = "KCLRun";

/// Where a function-kcl step applies its output (`spec.target`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Items of the XR's kind set the desired XR's status, meta resources are read, and
    /// every other item is a composed resource (replacing one of the same name).
    Default,
    /// Every item is a composed resource, merged into one of the same name at the top
    /// level.
    Resources,
    /// Every item is written into the desired XR, leaf by leaf.
    Xr,
    /// Every item patches the desired composed resource of its name, leaf by leaf.
    PatchDesired,
    /// As [`Target::PatchDesired`], over the input's `resources` (added first).
    PatchResources,
}

impl Target {
    /// The target as the input names it; anything else is `Default`, as function-kcl
    /// v0.12.0 takes it.
    fn from_name(name: &str) -> Target {
        match name {
            "Resources" => Target::Resources,
            "XR" => Target::Xr,
            "PatchDesired" => Target::PatchDesired,
            "PatchResources" => Target::PatchResources,
            _ => Target::Default,
        }
    }
}

/// A function-kcl step's input, read as function-kcl reads it.
#[derive(Debug, Clone)]
pub(crate) struct KclStep {
    /// The inline KCL source.
    pub source: String,
    /// Where the output goes.
    pub target: Target,
    /// `spec.params`: passed in `option("params")` beside what function-kcl adds.
    pub params: Map<String, Value>,
    /// `spec.resources` (for `PatchResources`): name and base.
    pub resources: Vec<(String, Value)>,
    /// The names `spec.dependencies` declares.
    pub dependencies: Vec<String>,
    /// The dependencies the source imports, found when the Composition is loaded.
    pub imported: Vec<String>,
    /// `spec.config`, as `kcl run` takes it.
    config: Config,
}

/// `spec.config` of the input: the `kcl run` settings function-kcl passes on.
#[derive(Debug, Clone, Default)]
struct Config {
    arguments: Vec<(String, String)>,
    overrides: Vec<String>,
    path_selectors: Vec<String>,
    sort_keys: bool,
    show_hidden: bool,
    disable_none: bool,
    strict_range_check: bool,
}

/// Why an input is refused before anything runs; turned into a [`StepProblem`] when the
/// step's Composition is rendered (a bad step of another Composition stops nothing).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Refusal {
    /// Not rendered offline.
    Unsupported(String),
    /// Invalid, as function-kcl refuses it.
    Input(String),
}

impl From<Refusal> for StepProblem {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Unsupported(what) => StepProblem::Unsupported(what),
            Refusal::Input(what) => StepProblem::Input(what),
        }
    }
}

impl KclStep {
    /// Read a `KCLRun` input.
    pub fn from_input(input: &Value) -> Result<KclStep, Refusal> {
        let spec = input.get("spec").cloned().unwrap_or_default();
        let source = match spec.get("source") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(source)) => source.clone(),
            Some(other) => {
                return Err(Refusal::Input(format!(
                    "spec.source is {other}, not a string"
                )));
            }
        };
        if source.is_empty() {
            return Err(Refusal::Unsupported(
                "spec.source is empty: function-kcl would run its FUNCTION_KCL_DEFAULT_SOURCE, \
                 which is the function's own setting; give the source inline"
                    .into(),
            ));
        }
        if let Some(kind) = remote_source(&source) {
            return Err(Refusal::Unsupported(format!(
                "spec.source is {kind} ({}), which function-kcl fetches; kcl-render runs \
                 inline sources only",
                first_line(&source)
            )));
        }
        let target = match spec.get("target") {
            None | Some(Value::Null) => Target::Default,
            Some(Value::String(name)) => Target::from_name(name),
            Some(other) => {
                return Err(Refusal::Input(format!(
                    "spec.target is {other}, not a string"
                )));
            }
        };
        let params = match spec.get("params") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(params)) => params.clone(),
            Some(other) => {
                return Err(Refusal::Input(format!(
                    "spec.params is {other}, not a mapping"
                )));
            }
        };
        let resources = match spec.get("resources") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(resources)) => resources
                .iter()
                .enumerate()
                .map(|(i, resource)| {
                    let name = resource
                        .get("name")
                        .and_then(Value::as_str)
                        .filter(|name| !name.is_empty())
                        .ok_or_else(|| {
                            Refusal::Input(format!(
                                "spec.resources[{i}].name: name cannot be empty"
                            ))
                        })?;
                    let base = resource
                        .get("base")
                        .filter(|base| !base.is_null())
                        .ok_or_else(|| {
                            Refusal::Input(format!(
                                "spec.resources[{i}].base: base cannot be empty"
                            ))
                        })?;
                    Ok((name.to_owned(), base.clone()))
                })
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(Refusal::Input(format!(
                    "spec.resources is {other}, not a list"
                )));
            }
        };
        if target == Target::PatchResources && resources.is_empty() {
            return Err(Refusal::Input(
                "spec.resources: PatchResources target requires at least one resource".into(),
            ));
        }
        let dependencies = match spec.get("dependencies") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(text)) => dependency_names(text),
            Some(other) => {
                return Err(Refusal::Input(format!(
                    "spec.dependencies is {other}, not a string"
                )));
            }
        };
        let config = Config::from_input(spec.get("config"))?;
        Ok(KclStep {
            source,
            target,
            params,
            resources,
            dependencies,
            imported: Vec::new(),
            config,
        })
    }

    /// The KCL program function-kcl runs for this step: the source, `option("params")`,
    /// `option("items")` (function-kcl hands KCL no input items), the `config` settings
    /// and the modules of the dependencies the source imports.
    pub fn program(
        &self,
        file: String,
        params: &Value,
        modules: &BTreeMap<String, PathBuf>,
    ) -> Program {
        let mut program = Program::new()
            // Inline sources run from an empty directory, as function-kcl writes them to a
            // temporary one: no kcl.mod of the current directory applies.
            .work_dir(std::env::temp_dir())
            .source(file, self.source.clone())
            .sort_keys(self.config.sort_keys)
            .show_hidden(self.config.show_hidden)
            .disable_none(self.config.disable_none)
            .strict_range_check(self.config.strict_range_check);
        for (name, value) in &self.config.arguments {
            program = program.option(name.clone(), value.clone());
        }
        program = program
            .option("items", "[]")
            .option("params", params.to_string());
        for spec in &self.config.overrides {
            program = program.override_value(spec.clone());
        }
        for path in &self.config.path_selectors {
            program = program.path_selector(path.clone());
        }
        for module in &self.imported {
            if let Some(dir) = modules.get(module) {
                program = program.external_package(module.clone(), dir.clone());
            }
        }
        program
    }
}

impl Config {
    fn from_input(config: Option<&Value>) -> Result<Config, Refusal> {
        let Some(Value::Object(config)) = config else {
            return Ok(Config::default());
        };
        let strings = |key: &str| -> Result<Vec<String>, Refusal> {
            match config.get(key) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|item| {
                        item.as_str().map(str::to_owned).ok_or_else(|| {
                            Refusal::Input(format!("spec.config.{key} holds {item}, not a string"))
                        })
                    })
                    .collect(),
                Some(other) => Err(Refusal::Input(format!(
                    "spec.config.{key} is {other}, not a list"
                ))),
            }
        };
        let flag = |key: &str| config.get(key).and_then(Value::as_bool).unwrap_or(false);
        if !strings("settings")?.is_empty() {
            return Err(Refusal::Unsupported(
                "spec.config.settings names setting files of the function's own file system".into(),
            ));
        }
        if flag("vendor") {
            return Err(Refusal::Unsupported(
                "spec.config.vendor resolves dependencies from a vendor directory of the \
                 function's own file system; give the modules with --kcl-module"
                    .into(),
            ));
        }
        let arguments = strings("arguments")?
            .into_iter()
            .map(|argument| match argument.split_once('=') {
                Some((name, value)) => Ok((name.to_owned(), value.to_owned())),
                None => Err(Refusal::Input(format!(
                    "spec.config.arguments: `{argument}` is not name=value"
                ))),
            })
            .collect::<Result<_, _>>()?;
        Ok(Config {
            arguments,
            overrides: strings("overrides")?,
            path_selectors: strings("pathSelectors")?,
            sort_keys: flag("sortKeys"),
            show_hidden: flag("showHidden"),
            disable_none: flag("disableNone"),
            strict_range_check: flag("strictRangeCheck"),
        })
    }
}

/// What kind of remote source krm-kcl takes `source` for, if it does not run it inline:
/// its rules, in its order.
fn remote_source(source: &str) -> Option<&'static str> {
    if source.starts_with("oci://") {
        Some("an OCI artifact")
    } else if source.starts_with('/') || source.starts_with('.') {
        Some("a local path")
    } else if source.starts_with("http://") || source.starts_with("https://") {
        Some("a URL")
    } else if source.starts_with("git::")
        || ["github.com", "gitlab.com/", "bitbucket.org/"]
            .iter()
            .any(|domain| source.starts_with(domain))
    {
        Some("a git repository")
    } else {
        None
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// The module names `spec.dependencies` declares: the keys of its lines, in the
/// `[dependencies]` syntax of `kcl.mod` (`k8s = "1.31"`, `models = { git = "..." }`).
fn dependency_names(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(name, _)| name.trim().trim_matches('"').to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

/// The items of a step's output as function-kcl takes them (krm-kcl's unwrapping): the
/// `items` list of a single document, or that document itself when it has none; each
/// document of a stream (a program whose top level is a list).
pub(crate) fn output_items(output: &Output) -> Result<Vec<Value>, String> {
    match output.documents() {
        [] => Ok(Vec::new()),
        [document] => match document.get("items") {
            None => Ok(vec![document.clone()]),
            Some(Value::Array(items)) => Ok(items.clone()),
            Some(other) => Err(format!(
                "the output's `items` is {}, not a list",
                xr_admission::admission::a_type(other)
            )),
        },
        documents => Ok(documents.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn dependency_names_are_the_keys_of_kcl_mod_lines() {
        assert_eq!(
            dependency_names(
                "k8s = \"1.31\"\n# a comment\nmodels = { git = \"https://x/y\", commit = \"a=b\" }\n\n"
            ),
            ["k8s", "models"]
        );
    }

    #[test]
    fn a_source_that_krm_kcl_fetches_is_refused_by_kind() {
        for (source, kind) in [
            ("oci://ghcr.io/a/b:1", "an OCI artifact"),
            ("./main.k", "a local path"),
            ("https://example.org/main.k", "a URL"),
            ("github.com/a/b", "a git repository"),
        ] {
            let input = json!({"spec": {"source": source}});
            match KclStep::from_input(&input) {
                Err(Refusal::Unsupported(message)) => {
                    assert!(message.contains(kind), "{source}: {message}")
                }
                other => panic!("{source}: {other:?}"),
            }
        }
        assert!(KclStep::from_input(&json!({"spec": {"source": "items = []"}})).is_ok());
    }

    #[test]
    fn an_unknown_target_is_default_as_function_kcl_takes_it() {
        let step = KclStep::from_input(&json!({"spec": {"source": "a = 1", "target": "Whatever"}}))
            .unwrap();
        assert_eq!(step.target, Target::Default);
    }
}
