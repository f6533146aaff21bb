//! Run the composition's KCL for a `Cluster` through the real KCL runtime, as function-kcl
//! does: [`Composition`] runs the apps step (`kcl/apps.k`) alone, [`Pipeline`] runs the
//! whole Composition of a provider (its provider step, `kcl/aws.k`, `kcl/azure.k` or
//! `kcl/google.k`, then the apps step), optionally with [`Observed`] composed resources.
//!
//! Before rendering, the XR is admitted as the API server would admit it against the XRD
//! that `kcl/definition.k` produces (type, metadata, nulls pruned, defaults applied,
//! `spec` and `status` validated, by [`xr_admission`]), with every problem reported by its
//! path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dot_kubernetes_apps::Provider;
use kcl_runtime::{Program, Runtime};
use serde_json::{Value, json};

pub use crate::error::{NotACluster, ProviderProblem, RUNTIME_HINT, RenderError};

/// Where the XRD keeps the schema of `spec.parameters`.
const PARAMETERS_SCHEMA: &str =
    "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/parameters";

/// The apps step of the composition (`kcl/apps.k`) and the XRD, loaded once and rendered
/// many times. [`Pipeline`] runs the provider step before it, as the Compositions do.
#[derive(Debug, Clone)]
pub struct Composition {
    kcl_dir: PathBuf,
    apps_source: String,
    xrd: Value,
}

/// The files of the apps step, in the order function-kcl reads them as one source (a step
/// runs one inline source): the logic, `apps.k`, then the objects' manifests it names,
/// `manifests.k`, which may be absent.
pub const APPS_STEP_FILES: [&str; 2] = ["apps.k", "manifests.k"];

/// The source of the apps step: [`APPS_STEP_FILES`], each present file in turn, a blank
/// line between them.
fn apps_step_source(kcl_dir: &Path) -> Result<String, RenderError> {
    let mut parts = Vec::new();
    for (i, file) in APPS_STEP_FILES.into_iter().enumerate() {
        let path = kcl_dir.join(file);
        match std::fs::read_to_string(&path) {
            Ok(text) => parts.push(text),
            Err(e) if i > 0 && e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(RenderError::Io(path, e)),
        }
    }
    Ok(parts.join("\n"))
}

impl Composition {
    /// Load the apps step ([`APPS_STEP_FILES`]) and compute the XRD from `definition.k` in a
    /// `kcl/` directory.
    pub fn load(kcl_dir: &Path) -> Result<Self, RenderError> {
        let apps_source = apps_step_source(kcl_dir)?;
        let xrd = definition(kcl_dir)?;
        xrd.pointer(PARAMETERS_SCHEMA)
            .filter(|schema| schema.is_object())
            .ok_or_else(|| RenderError::Output {
                file: kcl_dir.join("definition.k").display().to_string(),
                missing: format!("schema at {PARAMETERS_SCHEMA}"),
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
        self.xrd.pointer(PARAMETERS_SCHEMA).unwrap_or(&Value::Null)
    }

    /// Render a `Cluster` given as YAML (or JSON); see [`Composition::render`].
    pub fn render_yaml(
        &self,
        xr: &str,
        provider: Option<Provider>,
    ) -> Result<Vec<Value>, RenderError> {
        self.render(parse_yaml(xr)?, provider)
    }

    /// Render a `Cluster` through the apps step alone: its composed resources, in order
    /// ([`Pipeline::render`] runs the provider step first, as the Composition does).
    ///
    /// `provider` overrides the XR's `spec.crossplane.compositionSelector.matchLabels.provider`.
    pub fn render(&self, xr: Value, provider: Option<Provider>) -> Result<Vec<Value>, RenderError> {
        let program = self.program(xr, provider)?;
        let output = Runtime::global()?.run(&program)?;
        match output.json.get("items") {
            Some(Value::Array(items)) => Ok(items.clone()),
            _ => Err(RenderError::Output {
                file: "apps.k".into(),
                missing: "`items` list".into(),
            }),
        }
    }

    /// The KCL program that renders a `Cluster`: `apps.k` with the provider's placeholders
    /// replaced, and `option("params")` holding the admitted XR.
    pub fn program(&self, xr: Value, provider: Option<Provider>) -> Result<Program, RenderError> {
        let (xr, provider) = self.admit(xr, provider)?;
        let params = json!({"oxr": xr, "ocds": {}});
        Ok(Program::new()
            .work_dir(&self.kcl_dir)
            .source(
                self.kcl_dir.join("apps.k").to_string_lossy(),
                self.apps_source(provider),
            )
            .option("params", params.to_string()))
    }

    /// The source of the apps step in a provider's Composition: [`APPS_STEP_FILES`] with
    /// `CLUSTER_API_VERSION` and `CLUSTER_KIND` replaced by the provider's managed cluster.
    pub fn apps_source(&self, provider: Provider) -> String {
        provider.fill_cluster_placeholders(&self.apps_source)
    }

    /// The same composition (the same XRD and admission) with another apps step, for
    /// comparing it with this one: for example the hand-written `apps.k` that this package
    /// replaces.
    pub fn with_apps_source(&self, apps_source: impl Into<String>) -> Composition {
        Composition {
            apps_source: apps_source.into(),
            ..self.clone()
        }
    }

    /// The `kcl/` directory this composition was loaded from.
    pub fn kcl_dir(&self) -> &Path {
        &self.kcl_dir
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

/// The annotation function-kcl keys composed resources by.
pub const RESOURCE_NAME_ANNOTATION: &str = "krm.kcl.dev/composition-resource-name";

/// The annotation by which a function-kcl step marks a composed resource ready.
const READY_ANNOTATION: &str = "krm.kcl.dev/ready";

/// The API version of function-kcl's meta resources (connection details, conditions,
/// events, context, extra resources), which are not composed resources.
const META_API_VERSION: &str = "meta.krm.kcl.dev/v1alpha1";

/// One function-kcl step of a Composition's pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The step's name in the Composition: the provider's name, or `apps`.
    pub name: String,
    /// The file the source comes from, relative to the `kcl/` directory.
    pub file: String,
    /// The KCL source the Composition embeds (the apps step's with its placeholders
    /// replaced).
    pub source: String,
}

/// Observed composed resources, keyed by composition resource name: what function-kcl
/// hands every step as `option("params").ocds`, for rendering a later reconcile.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observed {
    resources: BTreeMap<String, Value>,
}

impl Observed {
    /// Nothing observed: the first reconcile.
    pub fn none() -> Self {
        Self::default()
    }

    /// Read a YAML stream of composed resources, each keyed by its
    /// `krm.kcl.dev/composition-resource-name` annotation. Empty documents are skipped; a
    /// document that is not a mapping, has no such annotation, or repeats a name is an
    /// error that names it.
    pub fn from_yaml_stream(text: &str) -> Result<Self, RenderError> {
        let documents: Vec<Value> = serde_saphyr::from_multiple(text)
            .map_err(|e| RenderError::Observed(format!("the YAML does not parse: {e}")))?;
        let mut observed = Observed::none();
        for (index, document) in documents.into_iter().enumerate() {
            if document.is_null() {
                continue;
            }
            let number = index + 1;
            if !document.is_object() {
                return Err(RenderError::Observed(format!(
                    "document {number} is not a mapping"
                )));
            }
            let name = resource_name(&document)
                .ok_or_else(|| {
                    RenderError::Observed(format!(
                        "document {number} ({}) has no {RESOURCE_NAME_ANNOTATION} annotation",
                        describe(&document)
                    ))
                })?
                .to_owned();
            if observed.resources.contains_key(&name) {
                return Err(RenderError::Observed(format!(
                    "document {number} repeats the composition resource name `{name}`"
                )));
            }
            observed.insert(name, document);
        }
        Ok(observed)
    }

    /// Observe `resource` under a composition resource name.
    pub fn insert(&mut self, name: impl Into<String>, resource: Value) {
        self.resources.insert(name.into(), resource);
    }

    /// The composition resource names observed, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.resources.keys().map(String::as_str)
    }

    /// `option("params").ocds` as function-kcl builds it: each name maps to
    /// `{Resource: <the resource>, ConnectionDetails: {}}`.
    fn ocds(&self) -> Value {
        Value::Object(
            self.resources
                .iter()
                .map(|(name, resource)| {
                    (
                        name.clone(),
                        json!({"Resource": resource, "ConnectionDetails": {}}),
                    )
                })
                .collect(),
        )
    }
}

/// What one step of a pipeline composed.
#[derive(Debug, Clone, PartialEq)]
pub struct StepOutput {
    /// The step's name ([`Step::name`]).
    pub step: String,
    /// The composed resources it emitted, in its order, as KCL produced them (with their
    /// `krm.kcl.dev/*` annotations).
    pub items: Vec<Value>,
}

/// What a whole pipeline composed.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// Each step's composed resources, in pipeline order.
    pub steps: Vec<StepOutput>,
    /// The desired composite resource after the last step: `apiVersion`, `kind` and the
    /// `status` the steps set (function-kcl merges an item that is the XR into it).
    pub xr: Value,
}

impl Rendered {
    /// Every composed resource, step after step.
    pub fn items(&self) -> impl Iterator<Item = &Value> {
        self.steps.iter().flat_map(|step| step.items.iter())
    }

    /// Every composed resource, step after step, owned.
    pub fn into_items(self) -> Vec<Value> {
        self.steps.into_iter().flat_map(|step| step.items).collect()
    }

    /// The composed resources of one step (none when there is no such step).
    pub fn step(&self, name: &str) -> &[Value] {
        self.steps
            .iter()
            .find(|step| step.step == name)
            .map_or(&[], |step| step.items.as_slice())
    }
}

/// The whole Composition of each provider, run as Crossplane runs it: the provider step
/// (`kcl/<provider>.k`), then the apps step (`kcl/apps.k` with its placeholders replaced),
/// each through function-kcl's contract. (The Composition's last step,
/// function-auto-ready, only marks readiness, and composes nothing.)
///
/// Each step sees `option("params")` as function-kcl v0.12 builds it: `oxr` (the admitted
/// XR), `ocds` (the [`Observed`] resources), `dxr` (the desired XR so far: its
/// `apiVersion`, `kind` and the `status` earlier steps set), `dcds` (the composed
/// resources desired so far, each `{Resource, Ready}`, without the `krm.kcl.dev/*`
/// annotations function-kcl consumes), `ctx` and `extraResources` (both empty).
#[derive(Debug, Clone)]
pub struct Pipeline {
    composition: Composition,
    provider_sources: Vec<(Provider, String)>,
}

impl Pipeline {
    /// Load the apps step and the XRD ([`Composition::load`]) and every provider step from
    /// a `kcl/` directory.
    pub fn load(kcl_dir: &Path) -> Result<Self, RenderError> {
        let composition = Composition::load(kcl_dir)?;
        let provider_sources = Provider::ALL
            .into_iter()
            .map(|provider| {
                let path = kcl_dir.join(provider.step_file());
                std::fs::read_to_string(&path)
                    .map(|source| (provider, source))
                    .map_err(|e| RenderError::Io(path, e))
            })
            .collect::<Result<_, _>>()?;
        Ok(Pipeline {
            composition,
            provider_sources,
        })
    }

    /// The apps step alone, and the XRD.
    pub fn composition(&self) -> &Composition {
        &self.composition
    }

    /// The function-kcl steps of a provider's Composition, in order, with the sources the
    /// Composition embeds.
    pub fn steps(&self, provider: Provider) -> Vec<Step> {
        let provider_source = self
            .provider_sources
            .iter()
            .find(|(p, _)| *p == provider)
            .map(|(_, source)| source.clone())
            .unwrap_or_default();
        vec![
            Step {
                name: provider.name().to_owned(),
                file: provider.step_file().to_owned(),
                source: provider_source,
            },
            Step {
                name: "apps".to_owned(),
                file: "apps.k".to_owned(),
                source: self.composition.apps_source(provider),
            },
        ]
    }

    /// Render a `Cluster` given as YAML (or JSON); see [`Pipeline::render`].
    pub fn render_yaml(
        &self,
        xr: &str,
        provider: Option<Provider>,
        observed: &Observed,
    ) -> Result<Rendered, RenderError> {
        self.render(parse_yaml(xr)?, provider, observed)
    }

    /// Render a `Cluster` through its provider's whole Composition.
    ///
    /// `provider` overrides the XR's `spec.crossplane.compositionSelector.matchLabels.provider`.
    /// Two composed resources under one composition resource name are an error naming
    /// both, whether one step or two emitted them.
    pub fn render(
        &self,
        xr: Value,
        provider: Option<Provider>,
        observed: &Observed,
    ) -> Result<Rendered, RenderError> {
        let (oxr, provider) = self.composition.admit(xr, provider)?;
        let runtime = Runtime::global()?;
        let kcl_dir = &self.composition.kcl_dir;
        let mut dxr = json!({"apiVersion": oxr["apiVersion"], "kind": oxr["kind"]});
        // Each desired composed resource, and which step emitted it as what.
        let mut dcds = serde_json::Map::new();
        let mut owners: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut steps = Vec::new();
        for step in self.steps(provider) {
            let params = json!({
                "oxr": oxr,
                "ocds": observed.ocds(),
                "dxr": dxr,
                "dcds": dcds,
                "ctx": {},
                "extraResources": {},
            });
            let program = Program::new()
                .work_dir(kcl_dir)
                .source(kcl_dir.join(&step.file).to_string_lossy(), step.source)
                .option("params", params.to_string());
            let output = runtime.run(&program)?;
            let Some(Value::Array(items)) = output.json.get("items") else {
                return Err(RenderError::Output {
                    file: step.file,
                    missing: "`items` list".into(),
                });
            };
            let mut composed = Vec::new();
            for item in items {
                if item.get("apiVersion") == oxr.get("apiVersion")
                    && item.get("kind") == oxr.get("kind")
                {
                    merge_status(&mut dxr, item.get("status"));
                    continue;
                }
                if item.get("apiVersion").and_then(Value::as_str) == Some(META_API_VERSION) {
                    return Err(RenderError::Compose(format!(
                        "step `{}`: {} is a function-kcl meta resource, which the render does not model",
                        step.name,
                        describe(item)
                    )));
                }
                let name = resource_name(item)
                    .or_else(|| item.pointer("/metadata/name").and_then(Value::as_str))
                    .ok_or_else(|| {
                        RenderError::Compose(format!(
                            "step `{}`: {} has neither a composition resource name nor a name",
                            step.name,
                            describe(item)
                        ))
                    })?
                    .to_owned();
                let owner = format!("{} from step `{}`", describe(item), step.name);
                if let Some((first, first_step)) = owners.get(&name) {
                    let consequence = if *first_step == step.name {
                        "function-kcl refuses the step"
                    } else {
                        "function-kcl would silently keep only the later one"
                    };
                    return Err(RenderError::Compose(format!(
                        "two composed resources are named `{name}`: {first} and {owner}; {consequence}"
                    )));
                }
                owners.insert(name.clone(), (owner, step.name.clone()));
                dcds.insert(name, desired_composed(item));
                composed.push(item.clone());
            }
            steps.push(StepOutput {
                step: step.name,
                items: composed,
            });
        }
        Ok(Rendered { steps, xr: dxr })
    }
}

/// A composed resource as the next step sees it in `dcds`: the `krm.kcl.dev/*`
/// annotations consumed (the ready one becomes `Ready`, as the function SDK spells it).
fn desired_composed(item: &Value) -> Value {
    let mut resource = item.clone();
    let mut ready = "Unspecified".to_owned();
    if let Some(Value::Object(metadata)) = resource.get_mut("metadata")
        && let Some(Value::Object(annotations)) = metadata.get_mut("annotations")
    {
        annotations.remove(RESOURCE_NAME_ANNOTATION);
        if let Some(Value::String(value)) = annotations.remove(READY_ANNOTATION) {
            ready = value;
        }
        if annotations.is_empty() {
            metadata.remove("annotations");
        }
    }
    json!({"Resource": resource, "Ready": ready})
}

/// Merge a step's XR `status` into the desired XR's, later values winning, as function-kcl
/// does (mergo with override).
fn merge_status(dxr: &mut Value, status: Option<&Value>) {
    let Some(Value::Object(status)) = status else {
        return;
    };
    let target = &mut dxr["status"];
    if !target.is_object() {
        *target = json!({});
    }
    merge(target, status);
}

fn merge(target: &mut Value, source: &serde_json::Map<String, Value>) {
    for (key, value) in source {
        match (target.get_mut(key), value) {
            (Some(existing @ Value::Object(_)), Value::Object(nested)) => merge(existing, nested),
            (_, value) => {
                target[key] = value.clone();
            }
        }
    }
}

/// The composition resource name of a resource.
fn resource_name(item: &Value) -> Option<&str> {
    item.pointer("/metadata/annotations")
        .and_then(|a| a.get(RESOURCE_NAME_ANNOTATION))
        .and_then(Value::as_str)
}

/// `<kind> <name>` of a resource, for messages.
fn describe(item: &Value) -> String {
    let kind = item.get("kind").and_then(Value::as_str).unwrap_or("?");
    let name = item
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("?");
    format!("{kind} `{name}`")
}
