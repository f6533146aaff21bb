//! Why a render failed: [`Error`], and the kinds it carries.

use std::fmt;
use std::path::PathBuf;

use xr_admission::admission::TooLarge;
use xr_admission::validate::{Refusal, Violation};

/// Why an input could not be loaded or an XR could not be rendered. Each message says
/// what was wrong and, where there is one, what to do.
#[derive(Debug)]
pub enum Error {
    /// A file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// A YAML input does not parse.
    Yaml {
        /// What the input is: `the XR`, `the Compositions`, `the XRD`, a file.
        input: String,
        /// The parser's message, with its line and column.
        message: String,
    },
    /// The XR is larger than the API server reads or etcd stores.
    TooLarge(TooLarge),
    /// The XR is not a composite resource at all: not a mapping, or without `apiVersion`,
    /// `kind` or `metadata.name`.
    NotAnXr(String),
    /// Admission refused the XR: every problem, at its path.
    Invalid(Vec<Violation>),
    /// A Composition or the XRD is malformed, or there is no Composition at all.
    Composition {
        /// The Composition (or XRD) by name, or the document by number.
        name: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The XR selects no Composition, or several.
    Selection(SelectionError),
    /// The observed resources are unusable.
    Observed(String),
    /// A KCL module given for a dependency is unusable.
    Module {
        /// The module's name.
        name: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A step of the selected Composition cannot run, or failed.
    Step(Box<StepError>),
    /// The KCL runtime is missing or cannot be loaded.
    Runtime(kcl_runtime::LoadError),
    /// Resources could not be printed as YAML.
    Print(serde_saphyr::SerializeError),
}

/// A step of a Composition that cannot run, or failed.
#[derive(Debug)]
pub struct StepError {
    /// The Composition.
    pub composition: String,
    /// The step, by its name in the pipeline.
    pub step: String,
    /// What went wrong.
    pub problem: StepProblem,
}

impl Error {
    /// A step's problem.
    pub(crate) fn step(composition: &str, step: &str, problem: StepProblem) -> Error {
        Error::Step(Box::new(StepError {
            composition: composition.to_owned(),
            step: step.to_owned(),
            problem,
        }))
    }
}

/// Why the XR selects no Composition, or several, in Crossplane's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectionError {
    /// The XR (or the XRD's enforced or default composition) names a Composition that is
    /// not there.
    NotFound {
        /// The name.
        name: String,
        /// Where the name comes from, such as `spec.crossplane.compositionRef.name`.
        from: String,
        /// The Compositions that are there.
        available: Vec<String>,
    },
    /// The named Composition composes another type of XR.
    Incompatible {
        /// The Composition.
        name: String,
        /// The type it composes, `<apiVersion> <kind>`.
        composes: String,
        /// The XR's type.
        xr: String,
    },
    /// No Composition of the XR's type has the labels the XR selects by.
    NoMatch {
        /// The XR's type, `<apiVersion> <kind>`.
        xr: String,
        /// The labels, `key=value`.
        labels: Vec<String>,
        /// The Compositions of the XR's type, each with its labels.
        candidates: Vec<String>,
    },
    /// Several Compositions match, and Crossplane would pick one of them at random.
    Several {
        /// The labels, `key=value` (none when the XR selects nothing).
        labels: Vec<String>,
        /// The matching Compositions.
        matches: Vec<String>,
    },
}

/// What went wrong in a step of the pipeline.
#[derive(Debug)]
pub enum StepProblem {
    /// The step runs a function this renderer does not run.
    UnsupportedFunction {
        /// The function, as `functionRef.name` names it.
        function: String,
    },
    /// The function-kcl input asks for something that is not rendered offline: a source
    /// that is not inline, a `config` setting that reads files.
    Unsupported(String),
    /// The function-kcl input is invalid, as function-kcl would refuse it.
    Input(String),
    /// The source imports a KCL module of its `dependencies` that no `--kcl-module` gives.
    MissingModule {
        /// The module.
        module: String,
    },
    /// `option("params")` holds a value that KCL cannot read (too deep, or an integer
    /// beyond 64 bits): refused before the runtime sees it, which would read the whole
    /// option as a string or lose digits.
    Params(kcl_codegen_syntax::json::JsonError),
    /// KCL failed: a compile error, or an error while evaluating.
    Kcl(kcl_runtime::Error),
    /// The step's output cannot be composed (function-kcl refuses it, or Crossplane
    /// could not apply it).
    Output(String),
    /// Two items of one step's output have the same composition resource name, which
    /// function-kcl refuses.
    DuplicateName {
        /// The composition resource name.
        name: String,
        /// The first item, `<Kind>/<name>`.
        first: String,
        /// The second item, `<Kind>/<name>`.
        second: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            Error::Yaml { input, message } => write!(f, "{input} does not parse: {message}"),
            Error::TooLarge(e) => write!(f, "the XR is refused: {e}"),
            Error::NotAnXr(problem) => write!(f, "the XR is not a composite resource: {problem}"),
            Error::Invalid(violations) => Refusal(violations).fmt(f),
            Error::Composition { name, problem } => write!(f, "{name}: {problem}"),
            Error::Selection(e) => e.fmt(f),
            Error::Observed(problem) => write!(f, "the observed resources are unusable: {problem}"),
            Error::Module { name, problem } => write!(f, "--kcl-module {name}: {problem}"),
            Error::Step(e) => write!(
                f,
                "Composition `{}`, step `{}`: {}",
                e.composition, e.step, e.problem
            ),
            Error::Runtime(e) => e.fmt(f),
            Error::Print(e) => write!(f, "cannot print YAML: {e}"),
        }
    }
}

impl fmt::Display for SelectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectionError::NotFound {
                name,
                from,
                available,
            } => write!(
                f,
                "{from} names the Composition `{name}`, which is not among the Compositions \
                 given ({})",
                list_or_none(available)
            ),
            SelectionError::Incompatible { name, composes, xr } => write!(
                f,
                "the Composition `{name}` composes {composes}, not the XR's {xr}"
            ),
            SelectionError::NoMatch {
                xr,
                labels,
                candidates,
            } => {
                if labels.is_empty() {
                    write!(f, "no Composition composes {xr}")
                } else {
                    write!(
                        f,
                        "no Composition of {xr} has the labels {} (the Compositions of {xr}: {})",
                        labels.join(", "),
                        list_or_none(candidates)
                    )
                }
            }
            SelectionError::Several { labels, matches } => {
                let by = if labels.is_empty() {
                    "the XR selects none by name or label".to_owned()
                } else {
                    format!("the labels {} match each", labels.join(", "))
                };
                write!(
                    f,
                    "several Compositions fit ({}): {by}, and Crossplane would pick one at \
                     random; name one in spec.crossplane.compositionRef, or select by more \
                     labels",
                    matches.join(", ")
                )
            }
        }
    }
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

impl fmt::Display for StepProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepProblem::UnsupportedFunction { function } => write!(
                f,
                "the function `{function}` is not rendered offline: kcl-render runs function-kcl \
                 steps (an input of kind krm.kcl.dev/v1alpha1 KCLRun) and passes \
                 function-auto-ready and function-status-transformer through"
            ),
            StepProblem::Unsupported(what) | StepProblem::Input(what) => f.write_str(what),
            StepProblem::MissingModule { module } => write!(
                f,
                "the source imports `{module}`, a KCL module of its dependencies: give its \
                 directory with --kcl-module {module}=DIR (function-kcl downloads it; \
                 kcl-render does not)"
            ),
            StepProblem::Params(e) => {
                write!(f, "option(\"params\") holds a value KCL cannot read: {e}")
            }
            StepProblem::Kcl(e) => e.fmt(f),
            StepProblem::Output(what) => f.write_str(what),
            StepProblem::DuplicateName {
                name,
                first,
                second,
            } => write!(
                f,
                "function-kcl refuses the output: multiple composed resources with name \
                 \"{name}\" returned: {first} and {second}. Set different metadata.name or \
                 metadata.annotations.\"krm.kcl.dev/composition-resource-name\" to distinguish \
                 them."
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::TooLarge(e) => Some(e),
            Error::Step(e) => match &e.problem {
                StepProblem::Kcl(e) => Some(e),
                StepProblem::Params(e) => Some(e),
                _ => None,
            },
            Error::Runtime(e) => Some(e),
            Error::Print(e) => Some(e),
            _ => None,
        }
    }
}

impl std::error::Error for SelectionError {}

impl From<kcl_runtime::LoadError> for Error {
    fn from(e: kcl_runtime::LoadError) -> Self {
        Error::Runtime(e)
    }
}
