//! Compositions read from their YAML documents: the type they compose, their labels and
//! their pipeline, each step recognised by what runs it.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::Error;
use crate::kcl_step::{KCL_RUN_API_VERSION, KCL_RUN_KIND, KclStep, Refusal};

/// A `Composition` in `Pipeline` mode.
#[derive(Debug, Clone)]
pub struct Composition {
    name: String,
    labels: BTreeMap<String, String>,
    api_version: String,
    kind: String,
    steps: Vec<Step>,
}

/// One step of a Composition's pipeline.
#[derive(Debug, Clone)]
pub struct Step {
    name: String,
    function: String,
    pub(crate) run: StepRun,
}

/// What running a step means offline.
#[derive(Debug, Clone)]
pub(crate) enum StepRun {
    /// function-kcl: the step's input is a `KCLRun`.
    Kcl(Box<KclStep>),
    /// A `KCLRun` input that cannot run (why).
    Refused(Refusal),
    /// function-auto-ready: marks desired resources ready whose observed resource is.
    AutoReady,
    /// function-status-transformer: sets conditions only; nothing to render.
    PassThrough,
    /// Any other function.
    Unsupported,
}

impl Composition {
    /// The Composition's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its labels, by which XRs select it.
    pub fn labels(&self) -> &BTreeMap<String, String> {
        &self.labels
    }

    /// The type of XR it composes: `compositeTypeRef`'s `apiVersion` and `kind`.
    pub fn composite_type(&self) -> (&str, &str) {
        (&self.api_version, &self.kind)
    }

    /// Its pipeline, in order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    pub(crate) fn steps_mut(&mut self) -> &mut [Step] {
        &mut self.steps
    }

    /// `<apiVersion> <kind>` of what it composes, for messages.
    pub(crate) fn composes(&self) -> String {
        format!("{} {}", self.api_version, self.kind)
    }

    /// `name (key=value, ...)`, for messages.
    pub(crate) fn describe(&self) -> String {
        if self.labels.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, label_list(&self.labels).join(", "))
        }
    }

    /// Read a `Composition` document; `number` counts documents from 1, for messages. A
    /// document of another kind is `None`.
    pub(crate) fn from_document(document: &Value, number: usize) -> Result<Option<Self>, Error> {
        if document.get("kind").and_then(Value::as_str) != Some("Composition")
            || !document
                .get("apiVersion")
                .and_then(Value::as_str)
                .is_some_and(|v| v.starts_with("apiextensions.crossplane.io/"))
        {
            return Ok(None);
        }
        let problem = |name: &str, problem: String| Error::Composition {
            name: format!("the Composition `{name}`"),
            problem,
        };
        let name = document
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Composition {
                name: format!("document {number}"),
                problem: "the Composition has no metadata.name".into(),
            })?
            .to_owned();
        let labels = match document.pointer("/metadata/labels") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::Object(labels)) => labels
                .iter()
                .map(|(key, value)| match value {
                    Value::String(value) => Ok((key.clone(), value.clone())),
                    other => Err(problem(
                        &name,
                        format!("the label {key} is {other}, not a string"),
                    )),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(problem(&name, "metadata.labels is not a mapping".into())),
        };
        let type_field = |field: &str| {
            document
                .pointer(&format!("/spec/compositeTypeRef/{field}"))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| problem(&name, format!("it has no spec.compositeTypeRef.{field}")))
        };
        let (api_version, kind) = (type_field("apiVersion")?, type_field("kind")?);
        match document.pointer("/spec/mode").and_then(Value::as_str) {
            None | Some("Pipeline") => {}
            Some(mode) => {
                return Err(problem(
                    &name,
                    format!(
                        "its mode is {mode}: kcl-render runs Compositions in Pipeline mode only"
                    ),
                ));
            }
        }
        let Some(Value::Array(pipeline)) = document.pointer("/spec/pipeline") else {
            return Err(problem(&name, "it has no spec.pipeline list".into()));
        };
        let steps = pipeline
            .iter()
            .enumerate()
            .map(|(i, step)| {
                Step::from_document(step)
                    .map_err(|p| problem(&name, format!("spec.pipeline[{i}]: {p}")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Some(Composition {
            name,
            labels,
            api_version,
            kind,
            steps,
        }))
    }
}

impl Step {
    /// The step's name in the pipeline.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The function it runs, as `functionRef.name` names it.
    pub fn function(&self) -> &str {
        &self.function
    }

    /// Whether it is a function-kcl step (its input is a `KCLRun`).
    pub fn is_kcl(&self) -> bool {
        matches!(self.run, StepRun::Kcl(_) | StepRun::Refused(_))
    }

    /// The inline KCL source of a function-kcl step.
    pub fn kcl_source(&self) -> Option<&str> {
        match &self.run {
            StepRun::Kcl(step) => Some(&step.source),
            _ => None,
        }
    }

    fn from_document(step: &Value) -> Result<Step, String> {
        let name = step
            .get("step")
            .and_then(Value::as_str)
            .ok_or("the step has no name (`step`)")?
            .to_owned();
        let function = step
            .pointer("/functionRef/name")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("the step `{name}` has no functionRef.name"))?
            .to_owned();
        let input = step.get("input");
        let input_type = |field: &str| {
            input
                .and_then(|input| input.get(field))
                .and_then(Value::as_str)
        };
        // A function-kcl step is known by its input, whatever the Function is named in
        // the cluster; the two pass-through functions have no distinctive input (or none).
        let run = if input_type("apiVersion") == Some(KCL_RUN_API_VERSION)
            && input_type("kind") == Some(KCL_RUN_KIND)
        {
            match KclStep::from_input(input.unwrap_or(&Value::Null)) {
                Ok(step) => StepRun::Kcl(Box::new(step)),
                Err(refusal) => StepRun::Refused(refusal),
            }
        } else if function.ends_with("function-auto-ready") {
            StepRun::AutoReady
        } else if function.ends_with("function-status-transformer")
            || input_type("apiVersion")
                .is_some_and(|v| v.starts_with("function-status-transformer.fn.crossplane.io/"))
        {
            StepRun::PassThrough
        } else {
            StepRun::Unsupported
        };
        Ok(Step {
            name,
            function,
            run,
        })
    }
}

/// Labels as `key=value`, sorted by key.
pub(crate) fn label_list(labels: &BTreeMap<String, String>) -> Vec<String> {
    labels.iter().map(|(k, v)| format!("{k}={v}")).collect()
}
