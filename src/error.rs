//! Why a `Cluster` could not be admitted or rendered: [`RenderError`] and the kinds it
//! carries, shared by admission and the render.

use std::fmt;
use std::path::PathBuf;

use serde_json::Value;
use xr_admission::admission::TooLarge;
use xr_admission::validate::{Refusal, Violation};

/// What this project adds to the KCL runtime's own advice (the `pip` command that installs
/// it) when the runtime is missing or cannot be loaded: `cargo xtask test` installs the
/// pinned runtime where it is looked for. Every [`RenderError`] of loading carries it; add
/// it with [`LoadError::with_hint`](kcl_runtime::LoadError::with_hint) where the runtime is
/// loaded directly.
pub const RUNTIME_HINT: &str = "in dot-kubernetes, run `cargo xtask test`, which installs the \
     pinned runtime into target/kcl-lib";

/// Why a `Cluster` could not be rendered.
#[derive(Debug)]
pub enum RenderError {
    /// The XR is not YAML (or JSON) that parses.
    Parse(String),
    /// The XR lacks something every `Cluster` has.
    NotACluster(NotACluster),
    /// No provider was given, and the XR names none or one this package has no
    /// Composition for.
    Provider(ProviderProblem),
    /// The XR does not satisfy the XRD: every problem, with its path.
    Invalid(Vec<Violation>),
    /// The XR is larger than the API server reads or etcd stores.
    TooLarge(TooLarge),
    /// A KCL file could not be read.
    Io(PathBuf, std::io::Error),
    /// The KCL runtime is missing, or KCL failed.
    Kcl(kcl_runtime::Error),
    /// A KCL program of `kcl/` ran but did not produce what the composition needs from it,
    /// such as an `items` list.
    Output {
        /// The program's file in `kcl/`.
        file: String,
        /// What it should have produced.
        missing: String,
    },
    /// Resources could not be printed as YAML.
    Yaml(serde_saphyr::SerializeError),
    /// The observed composed resources cannot be used: not a YAML stream of objects, or a
    /// document without (or with a duplicate) composition resource name.
    Observed(String),
    /// Two steps compose a resource under one composition resource name, where
    /// function-kcl would silently keep the later one.
    Compose(String),
    /// The generic renderer could not run the Composition: a step's KCL failed, or its
    /// output cannot be composed (two items of one step under one name, an item without
    /// a name).
    Pipeline(Box<kcl_render::Error>),
}

/// Why a document is not a `Cluster` at all, before its schema is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotACluster {
    /// The document is not a mapping; it is this kind of value (`a list`, `a string`).
    NotAMapping(&'static str),
    /// It has no `spec`.
    NoSpec,
    /// Its `spec` is not a mapping; it is this kind of value.
    SpecNotAMapping(&'static str),
}

impl fmt::Display for NotACluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotACluster::NotAMapping(kind) => write!(f, "it is {kind}, not a mapping"),
            NotACluster::NoSpec => f.write_str("it has no spec"),
            NotACluster::SpecNotAMapping(kind) => write!(f, "its spec is {kind}, not a mapping"),
        }
    }
}

/// What is wrong with the provider an XR selects, when `--provider` does not give one.
#[derive(Debug, Clone, PartialEq)]
pub enum ProviderProblem {
    /// The XR has no `spec.crossplane.compositionSelector.matchLabels.provider`.
    Missing,
    /// The label is not a string.
    NotAString(Value),
    /// The label names no provider of this package.
    Unknown(String),
}

impl fmt::Display for ProviderProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const LABEL: &str = "spec.crossplane.compositionSelector.matchLabels.provider";
        match self {
            ProviderProblem::Missing => {
                write!(f, "no provider: set {LABEL} or pass --provider")
            }
            ProviderProblem::NotAString(value) => {
                write!(
                    f,
                    "{LABEL} is {value}, not a string: expected aws, azure or google"
                )
            }
            ProviderProblem::Unknown(name) => {
                write!(
                    f,
                    "unknown provider `{name}`: expected aws, azure or google"
                )
            }
        }
    }
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Parse(e) => write!(f, "the XR does not parse: {e}"),
            RenderError::NotACluster(e) => write!(f, "the XR is not a Cluster: {e}"),
            RenderError::Provider(e) => e.fmt(f),
            RenderError::Invalid(violations) => Refusal(violations).fmt(f),
            RenderError::TooLarge(e) => write!(f, "the XR is refused: {e}"),
            RenderError::Io(path, e) => write!(f, "cannot read {}: {e}", path.display()),
            RenderError::Kcl(e) => e.fmt(f),
            RenderError::Output { file, missing } => write!(f, "{file} produced no {missing}"),
            RenderError::Yaml(e) => write!(f, "cannot print YAML: {e}"),
            RenderError::Observed(e) => write!(f, "the observed resources are unusable: {e}"),
            RenderError::Compose(e) => f.write_str(e),
            RenderError::Pipeline(e) => e.fmt(f),
        }
    }
}

/// As [`crate::cli::CommandError`]: a message includes its cause, and `source()` exposes the
/// cause to callers that inspect it.
impl std::error::Error for RenderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RenderError::TooLarge(e) => Some(e),
            RenderError::Io(_, e) => Some(e),
            // Its message is the runtime's own.
            RenderError::Kcl(e) => e.source(),
            RenderError::Yaml(e) => Some(e),
            // Its message is the renderer's own.
            RenderError::Pipeline(e) => e.source(),
            RenderError::Parse(_)
            | RenderError::NotACluster(_)
            | RenderError::Provider(_)
            | RenderError::Invalid(_)
            | RenderError::Output { .. }
            | RenderError::Observed(_)
            | RenderError::Compose(_) => None,
        }
    }
}

impl From<kcl_runtime::Error> for RenderError {
    fn from(e: kcl_runtime::Error) -> Self {
        RenderError::Kcl(e)
    }
}

impl From<kcl_render::Error> for RenderError {
    /// The renderer's errors of reading and admitting an XR as this crate's own kinds;
    /// a missing runtime with this project's [`RUNTIME_HINT`].
    fn from(e: kcl_render::Error) -> Self {
        match e {
            kcl_render::Error::Yaml { message, .. } => RenderError::Parse(message),
            kcl_render::Error::TooLarge(e) => RenderError::TooLarge(e),
            kcl_render::Error::Invalid(violations) => RenderError::Invalid(violations),
            kcl_render::Error::Observed(problem) => RenderError::Observed(problem),
            kcl_render::Error::Runtime(e) => e.into(),
            other => RenderError::Pipeline(Box::new(other)),
        }
    }
}

impl From<kcl_runtime::LoadError> for RenderError {
    /// The load error with this project's [`RUNTIME_HINT`].
    fn from(e: kcl_runtime::LoadError) -> Self {
        RenderError::Kcl(e.with_hint(RUNTIME_HINT).into())
    }
}
