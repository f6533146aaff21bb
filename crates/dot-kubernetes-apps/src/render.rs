//! Run `kcl/apps.k` for a `Cluster` as the composition does, through the real KCL runtime.
//!
//! Before rendering, the XR is admitted as the API server would admit it against the XRD
//! that `kcl/definition.k` produces (type, metadata, nulls pruned, defaults applied,
//! `spec` and `status` validated; see `crate::admission`), with every problem reported
//! by its path.

use std::fmt;
use std::path::{Path, PathBuf};

use kcl_codegen::validate::Violation;
use kcl_runtime::{Program, Runtime};
use serde_json::{Value, json};

use crate::Provider;

/// Where the XRD keeps the schema of `spec.parameters`.
const PARAMETERS_SCHEMA: &str =
    "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/parameters";

/// The composition's KCL, loaded once and rendered many times.
#[derive(Debug, Clone)]
pub struct Composition {
    kcl_dir: PathBuf,
    apps_source: String,
    xrd: Value,
}

/// Why a `Cluster` could not be rendered.
#[derive(Debug)]
pub enum RenderError {
    /// The XR is not YAML (or JSON) that parses.
    Parse(String),
    /// The XR lacks something every `Cluster` has.
    NotACluster(String),
    /// No provider was given and the XR names none, or the name is unknown.
    Provider(String),
    /// The XR does not satisfy the XRD: every problem, with its path.
    Invalid(Vec<Violation>),
    /// The XR is larger than the API server reads or etcd stores.
    TooLarge(String),
    /// A KCL file could not be read.
    Io(PathBuf, std::io::Error),
    /// The KCL runtime is missing, or KCL failed.
    Kcl(kcl_runtime::Error),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Parse(e) => write!(f, "the XR does not parse: {e}"),
            RenderError::NotACluster(e) => write!(f, "the XR is not a Cluster: {e}"),
            RenderError::Provider(e) => f.write_str(e),
            RenderError::Invalid(violations) => {
                let count = violations.len();
                let problems = if count == 1 { "problem" } else { "problems" };
                write!(f, "the XR is invalid ({count} {problems}):")?;
                for v in violations {
                    write!(f, "\n  {v}")?;
                }
                Ok(())
            }
            RenderError::TooLarge(e) => write!(f, "the XR is refused: {e}"),
            RenderError::Io(path, e) => write!(f, "cannot read {}: {e}", path.display()),
            RenderError::Kcl(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RenderError {}

impl From<kcl_runtime::Error> for RenderError {
    fn from(e: kcl_runtime::Error) -> Self {
        RenderError::Kcl(e)
    }
}

impl From<kcl_runtime::LoadError> for RenderError {
    fn from(e: kcl_runtime::LoadError) -> Self {
        RenderError::Kcl(e.into())
    }
}

impl Composition {
    /// Load `apps.k` and compute the XRD from `definition.k` in a `kcl/` directory.
    pub fn load(kcl_dir: &Path) -> Result<Self, RenderError> {
        let apps_path = kcl_dir.join("apps.k");
        let apps_source = std::fs::read_to_string(&apps_path)
            .map_err(|e| RenderError::Io(apps_path.clone(), e))?;
        let xrd = definition(kcl_dir)?;
        xrd.pointer(PARAMETERS_SCHEMA)
            .filter(|schema| schema.is_object())
            .ok_or_else(|| {
                RenderError::Kcl(kcl_runtime::Error::Protocol(format!(
                    "{} produces no schema at {PARAMETERS_SCHEMA}",
                    kcl_dir.join("definition.k").display()
                )))
            })?;
        Ok(Composition {
            kcl_dir: kcl_dir.to_path_buf(),
            apps_source,
            xrd,
        })
    }

    /// The XRD, as `kcl/definition.k` produces it.
    pub fn xrd(&self) -> &Value {
        &self.xrd
    }

    /// The schema of `spec.parameters` in the XRD.
    pub fn parameters_schema(&self) -> &Value {
        self.xrd
            .pointer(
                "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/parameters",
            )
            .unwrap_or(&Value::Null)
    }

    /// Render a `Cluster` given as YAML (or JSON); see [`Composition::render`].
    pub fn render_yaml(
        &self,
        xr: &str,
        provider: Option<Provider>,
    ) -> Result<Vec<Value>, RenderError> {
        self.render(parse_yaml(xr)?, provider)
    }

    /// Render a `Cluster`: the composed resources, in order.
    ///
    /// `provider` overrides the XR's `spec.crossplane.compositionSelector.matchLabels.provider`.
    pub fn render(&self, xr: Value, provider: Option<Provider>) -> Result<Vec<Value>, RenderError> {
        let program = self.program(xr, provider)?;
        let output = Runtime::global()?.run(&program)?;
        match output.json.get("items") {
            Some(Value::Array(items)) => Ok(items.clone()),
            _ => Err(RenderError::Kcl(kcl_runtime::Error::Protocol(
                "apps.k produced no `items` list".into(),
            ))),
        }
    }

    /// The KCL program that renders a `Cluster`: `apps.k` with the provider's placeholders
    /// replaced, and `option("params")` holding the admitted XR.
    pub fn program(&self, xr: Value, provider: Option<Provider>) -> Result<Program, RenderError> {
        let (xr, provider) = self.admit(xr, provider)?;
        let source = self
            .apps_source
            .replace("CLUSTER_API_VERSION", provider.cluster_api_version())
            .replace("CLUSTER_KIND", provider.cluster_kind());
        let params = json!({"oxr": xr, "ocds": {}});
        Ok(Program::new()
            .work_dir(&self.kcl_dir)
            .source(self.kcl_dir.join("apps.k").to_string_lossy(), source)
            .option("params", params.to_string()))
    }

    /// Admit the XR as the API server would and settle the provider (see
    /// [`crate::admission`]).
    fn admit(
        &self,
        xr: Value,
        provider: Option<Provider>,
    ) -> Result<(Value, Provider), RenderError> {
        crate::admission::admit(&self.xrd, xr, provider)
    }
}

/// Parse YAML (or JSON) into a value; the error is one line with its line and column. A
/// text over the API server's request limit (3 MiB) is refused before parsing.
pub fn parse_yaml(text: &str) -> Result<Value, RenderError> {
    crate::admission::parse_yaml(text)
}

/// A scenario: the `spec.parameters` of a `Cluster`, from a YAML file.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The file name without `.yaml`; also the name of the XR rendered for it.
    pub name: String,
    /// The parameters, as written (nulls and all).
    pub parameters: Value,
}

/// Every `*.yaml` file directly in `dir` as a scenario, sorted by name.
pub fn read_scenarios(dir: &Path) -> Result<Vec<Scenario>, RenderError> {
    let entries = std::fs::read_dir(dir).map_err(|e| RenderError::Io(dir.to_path_buf(), e))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| RenderError::Io(dir.to_path_buf(), e))?
            .path();
        if path.is_file() && path.extension().is_some_and(|x| x == "yaml") {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(&path).map_err(|e| RenderError::Io(path.clone(), e))?;
            let parameters = parse_yaml(&text)
                .map_err(|e| RenderError::Parse(format!("{}: {e}", path.display())))?;
            let name = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            Ok(Scenario { name, parameters })
        })
        .collect()
}

/// A `Cluster` named after a scenario, for a provider, with the scenario's parameters
/// (taken as they are: nulls and all).
pub fn scenario_xr(name: &str, provider: Provider, parameters: Value) -> Value {
    json!({
        "apiVersion": "devopstoolkit.ai/v2",
        "kind": "Cluster",
        "metadata": {"name": name, "namespace": "a-team"},
        "spec": {
            "crossplane": {"compositionSelector": {"matchLabels": {"provider": provider.name()}}},
            "parameters": parameters,
        },
    })
}

/// The XRD, as `kcl/definition.k` in `kcl_dir` produces it.
pub fn definition(kcl_dir: &Path) -> Result<Value, RenderError> {
    let output = Runtime::global()?.run(
        &Program::new()
            .work_dir(kcl_dir)
            .file(kcl_dir.join("definition.k")),
    )?;
    Ok(output.json)
}

/// Composed resources as a YAML stream: one document per item, `---` between them.
pub fn to_yaml_stream(items: &[Value]) -> Result<String, serde_saphyr::SerializeError> {
    let documents = items
        .iter()
        .map(serde_saphyr::to_string)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(documents.join("---\n"))
}
