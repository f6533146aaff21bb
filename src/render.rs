//! Render a `Cluster` through the Compositions of dot-kubernetes with the generic renderer
//! ([`kcl_render`]): [`Pipeline`] runs a provider's whole Composition (its provider step,
//! `kcl/aws.k`, `kcl/azure.k` or `kcl/google.k`, then the apps step), exactly as
//! `package/compositions.yaml` ships it, built from `kcl/` in memory; [`Composition`] runs
//! the apps step (`kcl/apps.k`) alone.
//!
//! What is dot-kubernetes' own lives here: the `kcl/` files and how they become the
//! Compositions' steps, the provider a `Cluster` selects, and the admission of a `Cluster`
//! (type, metadata, nulls pruned, defaults applied, `spec` and `status` validated against
//! the XRD that `kcl/definition.k` produces, by [`xr_admission`]), with every problem
//! reported by its path.

use std::path::{Path, PathBuf};

use dot_kubernetes_apps::Provider;
use kcl_runtime::{Program, Runtime};
use serde_json::{Value, json};

pub use kcl_render::{Observed, StepOutput, to_yaml_stream};

pub use crate::error::{NotACluster, ProviderProblem, RUNTIME_HINT, RenderError};

/// Where the XRD keeps the schema of `spec.parameters`.
const PARAMETERS_SCHEMA: &str =
    "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/parameters";

/// The annotation function-kcl keys composed resources by.
pub const RESOURCE_NAME_ANNOTATION: &str = kcl_render::KCL_RESOURCE_NAME;

/// The apps step of the composition (`kcl/apps.k`) and the XRD, loaded once and rendered
/// many times. [`Pipeline`] runs the provider step before it, as the Compositions do.
#[derive(Debug, Clone)]
pub struct Composition {
    kcl_dir: PathBuf,
    apps_source: String,
    xrd: Value,
    /// One Composition per provider whose only step is the apps step.
    apps_alone: kcl_render::Renderer,
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
        Composition::new(kcl_dir.to_path_buf(), apps_source, xrd)
    }

    /// The apps step alone runs in Compositions that `kcl/compositions.k` makes as it makes
    /// the package's, with the apps step as their only KCL step: the same names, labels and
    /// steps around it, so that an XR selects one as it selects the package's.
    fn new(kcl_dir: PathBuf, apps_source: String, xrd: Value) -> Result<Self, RenderError> {
        let compositions = build_compositions(&kcl_dir, |provider| {
            vec![Step {
                name: "apps".into(),
                file: "apps.k".into(),
                source: provider.fill_cluster_placeholders(&apps_source),
            }]
        })?;
        let apps_alone = kcl_render::Renderer::new(compositions, Some(xrd.clone()))?;
        Ok(Composition {
            kcl_dir,
            apps_source,
            xrd,
            apps_alone,
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

    /// Render a `Cluster` through the apps step alone: its composed resources, in order, as
    /// KCL produced them ([`Pipeline::render`] runs the provider step first, as the
    /// Composition does).
    ///
    /// `provider` overrides the XR's `spec.crossplane.compositionSelector.matchLabels.provider`.
    pub fn render(&self, xr: Value, provider: Option<Provider>) -> Result<Vec<Value>, RenderError> {
        let (xr, _) = self.admit(xr, provider)?;
        let rendered = self.apps_alone.render_admitted(xr, &Observed::none())?;
        Ok(rendered
            .steps
            .into_iter()
            .next()
            .map(|step| step.composed)
            .unwrap_or_default())
    }

    /// The KCL program that renders a `Cluster` through the apps step alone: `apps.k` with
    /// the provider's placeholders replaced, and `option("params")` as function-kcl builds
    /// it for the admitted XR.
    pub fn program(&self, xr: Value, provider: Option<Provider>) -> Result<Program, RenderError> {
        let (xr, _) = self.admit(xr, provider)?;
        Ok(self.apps_alone.first_program(&xr, &Observed::none())?)
    }

    /// The source of the apps step in a provider's Composition: [`APPS_STEP_FILES`] with
    /// `CLUSTER_API_VERSION` and `CLUSTER_KIND` replaced by the provider's managed cluster.
    pub fn apps_source(&self, provider: Provider) -> String {
        provider.fill_cluster_placeholders(&self.apps_source)
    }

    /// The same composition (the same XRD and admission) with another apps step, for
    /// comparing it with this one: for example the hand-written `apps.k` that this package
    /// replaces.
    pub fn with_apps_source(
        &self,
        apps_source: impl Into<String>,
    ) -> Result<Composition, RenderError> {
        Composition::new(self.kcl_dir.clone(), apps_source.into(), self.xrd.clone())
    }

    /// The `kcl/` directory this composition was loaded from.
    pub fn kcl_dir(&self) -> &Path {
        &self.kcl_dir
    }

    /// Admit the XR as the API server would and settle the provider (see
    /// [`crate::admission`]): the provider label is set, so the XR selects the provider's
    /// Composition.
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
        self.steps.iter().flat_map(|step| step.composed.iter())
    }

    /// Every composed resource, step after step, owned.
    pub fn into_items(self) -> Vec<Value> {
        self.steps
            .into_iter()
            .flat_map(|step| step.composed)
            .collect()
    }

    /// The composed resources of one step (none when there is no such step).
    pub fn step(&self, name: &str) -> &[Value] {
        self.steps
            .iter()
            .find(|step| step.step == name)
            .map_or(&[], |step| step.composed.as_slice())
    }
}

/// The whole Composition of each provider, as `package/compositions.yaml` ships it (built
/// from `kcl/` by `kcl/compositions.k`, in memory) and as Crossplane runs it: the provider
/// step (`kcl/<provider>.k`), then the apps step (`kcl/apps.k` with its placeholders
/// replaced), through the generic renderer [`kcl_render::Renderer`], which runs each
/// step as function-kcl v0.12 does, then function-auto-ready.
///
/// A composition resource name that two steps compose is an error naming both, where
/// function-kcl would silently keep the later one.
#[derive(Debug, Clone)]
pub struct Pipeline {
    composition: Composition,
    provider_sources: Vec<(Provider, String)>,
    compositions: Vec<Value>,
    renderer: kcl_render::Renderer,
}

impl Pipeline {
    /// Load the apps step and the XRD ([`Composition::load`]) and every provider step from
    /// a `kcl/` directory, and build the Compositions from them with `kcl/compositions.k`.
    pub fn load(kcl_dir: &Path) -> Result<Self, RenderError> {
        let composition = Composition::load(kcl_dir)?;
        let provider_sources: Vec<(Provider, String)> = Provider::ALL
            .into_iter()
            .map(|provider| {
                let path = kcl_dir.join(provider.step_file());
                std::fs::read_to_string(&path)
                    .map(|source| (provider, source))
                    .map_err(|e| RenderError::Io(path, e))
            })
            .collect::<Result<_, _>>()?;
        let compositions = build_compositions(kcl_dir, |provider| {
            steps(&composition, &provider_sources, provider)
        })?;
        let renderer =
            kcl_render::Renderer::new(compositions.clone(), Some(composition.xrd.clone()))?;
        Ok(Pipeline {
            composition,
            provider_sources,
            compositions,
            renderer,
        })
    }

    /// The apps step alone, and the XRD.
    pub fn composition(&self) -> &Composition {
        &self.composition
    }

    /// The Compositions of the package, one per provider, as documents.
    pub fn compositions(&self) -> &[Value] {
        &self.compositions
    }

    /// The generic renderer over [`Pipeline::compositions`] and the XRD.
    pub fn renderer(&self) -> &kcl_render::Renderer {
        &self.renderer
    }

    /// The function-kcl steps of a provider's Composition, in order, with the sources the
    /// Composition embeds.
    pub fn steps(&self, provider: Provider) -> Vec<Step> {
        steps(&self.composition, &self.provider_sources, provider)
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
        let (xr, _) = self.composition.admit(xr, provider)?;
        let rendered = self.renderer.render_admitted(xr, observed)?;
        if let Some(replaced) = rendered.replaced.first() {
            let (first, first_step) = &replaced.first;
            let (by, by_step) = &replaced.by;
            return Err(RenderError::Compose(format!(
                "two composed resources are named `{}`: {} from step `{first_step}` and {} \
                 from step `{by_step}`; function-kcl would silently keep only the later one",
                replaced.name,
                describe(first),
                describe(by)
            )));
        }
        Ok(Rendered {
            steps: rendered.steps,
            xr: rendered.desired_xr,
        })
    }
}

/// The function-kcl steps of a provider's Composition: its provider step, then the apps
/// step.
fn steps(
    composition: &Composition,
    provider_sources: &[(Provider, String)],
    provider: Provider,
) -> Vec<Step> {
    let provider_source = provider_sources
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
            source: composition.apps_source(provider),
        },
    ]
}

/// The Compositions, one per provider, as `kcl/compositions.k` makes them from the steps of
/// each provider.
fn build_compositions(
    kcl_dir: &Path,
    steps: impl Fn(Provider) -> Vec<Step>,
) -> Result<Vec<Value>, RenderError> {
    let compositions: Vec<Value> = Provider::ALL
        .into_iter()
        .map(|provider| {
            json!({
                "provider": provider.name(),
                "cluster": provider.kubernetes_service(),
                "steps": steps(provider)
                    .into_iter()
                    .map(|step| json!({"name": step.name, "source": step.source}))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let output = Runtime::global()?.run(
        &Program::new()
            .work_dir(kcl_dir)
            .file(kcl_dir.join("compositions.k"))
            .option("compositions", Value::Array(compositions).to_string()),
    )?;
    match output.json.get("items") {
        Some(Value::Array(items)) => Ok(items.clone()),
        _ => Err(RenderError::Output {
            file: "compositions.k".into(),
            missing: "`items` list".into(),
        }),
    }
}

/// `Kind/name` (function-kcl's words) as `Kind `name``, for messages.
fn describe(kind_and_name: &str) -> String {
    match kind_and_name.split_once('/') {
        Some((kind, name)) => format!("{kind} `{name}`"),
        None => kind_and_name.to_owned(),
    }
}
