//! Render any function-kcl Composition offline and in-process, the way Crossplane and
//! function-kcl v0.12.0 run it, on the real KCL runtime ([`kcl_runtime`]): no Docker, no
//! cluster, milliseconds per XR.
//!
//! A [`Renderer`] loads Compositions (a package's `compositions.yaml`) and their XRD once;
//! [`Renderer::render`] then, for each XR:
//!
//! 1. admits it against the XRD as the API server would ([`admission`], with
//!    [`xr_admission`]): its rules, and its defaults, which change what KCL sees;
//! 2. selects its Composition as Crossplane does ([`Selection`]): the XRD's enforced
//!    Composition, the one the XR names, the XRD's default, or the one whose labels
//!    match; several matches are an error, where Crossplane would pick one at random;
//! 3. runs the pipeline step by step. A step whose input is a `krm.kcl.dev/v1alpha1`
//!    `KCLRun` runs as function-kcl v0.12.0 runs it (see below); function-auto-ready
//!    marks desired resources ready whose observed resource has `Ready: True`;
//!    function-status-transformer passes through (it only sets conditions); any other
//!    function is an error that names it.
//!
//! [`Rendered::documents`] is the output in `crossplane render`'s shape: the XR with the
//! status the pipeline set, then each composed resource with Crossplane's metadata.
//! [`Crds::validate`] checks the composed resources against CRDs. [`plan`] compares
//! what two versions of a package compose for the same XR, in Crossplane's terms: what an
//! upgrade creates, updates, deletes or orphans.
//!
//! ```no_run
//! use kcl_render::{Observed, Renderer};
//!
//! let renderer = Renderer::from_yaml(
//!     &std::fs::read_to_string("package/compositions.yaml")?,
//!     Some(&std::fs::read_to_string("package/definition.yaml")?),
//! )?;
//! let rendered = renderer.render_yaml(
//!     &std::fs::read_to_string("examples/aws.yaml")?,
//!     &Observed::none(),
//! )?;
//! println!("{}", rendered.to_yaml(&Observed::none())?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # A function-kcl step, as v0.12.0 runs it
//!
//! - The source is inline (`spec.source`); sources function-kcl fetches (OCI, git, URLs,
//!   paths) are refused by kind.
//! - `option("params")` holds the input's `spec.params` and what function-kcl adds: `oxr`
//!   (the admitted XR), `ocds` (the [`Observed`] resources, each `{Resource,
//!   ConnectionDetails}`), `dxr` (the desired XR so far: `apiVersion`, `kind` and the
//!   status earlier steps set), `dcds` (the composed resources desired so far, each
//!   `{Resource, Ready}`), `ctx` (the pipeline's context) and `extraResources` (empty),
//!   the keys of every mapping sorted, as Crossplane serialises them. `option("items")`
//!   is empty, as function-kcl hands KCL no input items.
//! - `spec.config` (`sortKeys`, `showHidden`, `disableNone`, `strictRangeCheck`,
//!   `overrides`, `pathSelectors`, `arguments`) is honoured; `settings` and `vendor`,
//!   which read the function's own files, are refused.
//! - The output's items are the `items` list of its one document, or that document itself
//!   when it has none, or each document of a stream.
//! - `spec.target` is honoured: `Default` (also what an empty or unknown target is),
//!   `Resources`, `XR`, `PatchDesired`, `PatchResources`. Under `Default`, an item of the
//!   XR's own kind merges its `status` into the desired XR (as `mergo` does: a later
//!   value replaces an earlier one, mappings merge); `krm.kcl.dev/composition-resource-name`
//!   and `krm.kcl.dev/ready` are read and removed; two items of one step under one name
//!   are function-kcl's error, naming both; a later step's item of a name replaces the
//!   earlier one (recorded in [`Rendered::replaced`]); the meta resources `Context`
//!   (merged into the context later steps see) and `Conditions` (set on the XR) are
//!   read, `CompositeConnectionDetails` and `Events` leave no trace, `ExtraResources` is
//!   refused.
//! - KCL module `dependencies` that the source does not import are ignored; an imported
//!   one resolves to the directory [`Renderer::with_kcl_module`] gives, or is an error
//!   naming it.
//! - The KCL runtime's own behaviour stays, bugs included: output that the runtime
//!   duplicates comes out as function-kcl's duplicate-name error.
//!
//! # What is not emulated
//!
//! `option("resource_list")`, `option("PATH")` and `option("env")` (the function pod's
//! environment); sources that function-kcl fetches; extra and required resources;
//! credentials; XR connection details and events; function-auto-ready's health checks
//! of particular kinds (only the `Ready` condition is read) and
//! function-status-transformer's conditions; what Crossplane itself does after the
//! pipeline (server-side apply, composed resources' readiness in the cluster).

pub mod admission;
mod composition;
mod crds;
pub mod deadline;
mod error;
mod kcl_step;
mod observed;
mod pipeline;
pub mod plan;
mod rendered;
mod renderer;
mod select;
mod value;

pub use composition::{Composition, Step};
pub use crds::{CrdProblem, Crds, Validation};
pub use error::{Error, SelectionError, StepError, StepProblem};
pub use kcl_step::{KCL_RUN_API_VERSION, KCL_RUN_KIND, Target};
pub use observed::{CROSSPLANE_RESOURCE_NAME, KCL_RESOURCE_NAME, Observed};
pub use pipeline::{KCL_META_API_VERSION, KCL_READY};
pub use rendered::{
    COMPOSITE_LABEL, CONDITION_TIME, ComposedResource, Ready, Rendered, Replaced, StepOutput,
};
pub use renderer::Renderer;
pub use select::Selection;

/// The function-kcl release whose behaviour this crate emulates; it embeds KCL 0.12.3, the
/// runtime [`kcl_runtime`] pins.
pub const EMULATED_FUNCTION_KCL: &str = "v0.12.0";

/// Composed resources, or any documents, as a YAML stream: one document per value, `---`
/// between them.
pub fn to_yaml_stream(
    documents: &[serde_json::Value],
) -> Result<String, serde_saphyr::SerializeError> {
    let documents = documents
        .iter()
        .map(serde_saphyr::to_string)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(documents.join("---\n"))
}
