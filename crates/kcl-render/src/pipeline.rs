//! A Composition's pipeline run step by step, as Crossplane runs it and as function-kcl
//! v0.12.0 processes each KCL step's output.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use kcl_runtime::{Program, Runtime};
use serde_json::{Map, Value, json};

use crate::composition::{Composition, Step, StepRun};
use crate::error::{Error, StepProblem};
use crate::kcl_step::{KclStep, Target, check_params, output_items};
use crate::observed::{KCL_RESOURCE_NAME, Observed};
use crate::rendered::{CONDITION_TIME, ComposedResource, Ready, Rendered, Replaced, StepOutput};
use crate::select::Selection;
use crate::value::{
    check_annotations, empty, kind_and_name, merge_override, set_leaves, sorted, string_at,
    take_annotations,
};

/// The annotation by which a function-kcl step says whether a resource is ready.
pub const KCL_READY: &str = "krm.kcl.dev/ready";

/// The `apiVersion` of function-kcl's meta resources: connection details, conditions,
/// events, context, extra resources.
pub const KCL_META_API_VERSION: &str = "meta.krm.kcl.dev/v1alpha1";

/// The condition types Crossplane owns, which a function may not set.
const SYSTEM_CONDITIONS: [&str; 3] = ["Ready", "Synced", "Healthy"];

/// The desired state as it passes from step to step.
pub(crate) struct Pipeline<'a> {
    composition: &'a Composition,
    oxr: &'a Value,
    observed: &'a Observed,
    modules: &'a BTreeMap<String, PathBuf>,
    dxr: Value,
    resources: Vec<ComposedResource>,
    index: HashMap<String, usize>,
    context: Map<String, Value>,
    conditions: Vec<Value>,
    steps: Vec<StepOutput>,
    replaced: Vec<Replaced>,
}

impl<'a> Pipeline<'a> {
    pub fn new(
        composition: &'a Composition,
        oxr: &'a Value,
        observed: &'a Observed,
        modules: &'a BTreeMap<String, PathBuf>,
    ) -> Self {
        Pipeline {
            composition,
            oxr,
            observed,
            modules,
            // The pipeline starts with an empty desired XR; function-kcl gives it the
            // XR's apiVersion and kind.
            dxr: json!({"apiVersion": oxr["apiVersion"], "kind": oxr["kind"]}),
            resources: Vec::new(),
            index: HashMap::new(),
            context: Map::new(),
            conditions: Vec::new(),
            steps: Vec::new(),
            replaced: Vec::new(),
        }
    }

    /// Check that every step can run, then run them in order.
    pub fn run(mut self, selection: Selection) -> Result<Rendered, Error> {
        for step in self.composition.steps() {
            self.check(step)
                .map_err(|problem| self.step_error(step.name(), problem))?;
        }
        let runtime = if self.composition.steps().iter().any(|s| s.is_kcl()) {
            Some(Runtime::global()?)
        } else {
            None
        };
        for step in self.composition.steps() {
            match (&step.run, runtime) {
                (StepRun::Kcl(kcl), Some(runtime)) => self
                    .run_kcl(runtime, step.name(), kcl)
                    .map_err(|problem| self.step_error(step.name(), problem))?,
                (StepRun::AutoReady, _) => self.auto_ready(),
                // Checked before running: nothing else is left.
                _ => {}
            }
        }
        Ok(Rendered {
            composition: self.composition.name().to_owned(),
            selection,
            xr: self.oxr.clone(),
            desired_xr: self.dxr,
            conditions: self.conditions,
            resources: self.resources,
            steps: self.steps,
            replaced: self.replaced,
            context: Value::Object(self.context),
        })
    }

    fn step_error(&self, step: &str, problem: StepProblem) -> Error {
        Error::step(self.composition.name(), step, problem)
    }

    /// Why a step cannot run, before anything runs.
    fn check(&self, step: &Step) -> Result<(), StepProblem> {
        match &step.run {
            StepRun::Refused(refusal) => Err(refusal.clone().into()),
            StepRun::Unsupported => Err(StepProblem::UnsupportedFunction {
                function: step.function().to_owned(),
            }),
            StepRun::Kcl(kcl) => match kcl.imported.iter().find(|m| !self.modules.contains_key(*m))
            {
                Some(module) => Err(StepProblem::MissingModule {
                    module: module.clone(),
                }),
                None => Ok(()),
            },
            StepRun::AutoReady | StepRun::PassThrough => Ok(()),
        }
    }

    /// `option("params")` as function-kcl v0.12.0 builds it: the input's own `params`,
    /// then `oxr`, `dxr`, `dcds`, `ocds`, `ctx` and `extraResources`, each as Crossplane
    /// serialises it (the keys of maps sorted).
    fn params(&self, kcl: &KclStep) -> Value {
        let mut params = kcl.params.clone();
        params.insert("oxr".into(), sorted(self.oxr));
        params.insert("dxr".into(), sorted(&self.dxr));
        let mut dcds: Vec<&ComposedResource> = self.resources.iter().collect();
        dcds.sort_by(|a, b| a.name.cmp(&b.name));
        params.insert(
            "dcds".into(),
            Value::Object(
                dcds.into_iter()
                    .map(|r| {
                        (
                            r.name.clone(),
                            json!({"Resource": sorted(&r.resource), "Ready": r.ready.as_str()}),
                        )
                    })
                    .collect(),
            ),
        );
        params.insert("ocds".into(), self.observed.ocds());
        params.insert("ctx".into(), sorted(&Value::Object(self.context.clone())));
        params.insert("extraResources".into(), empty());
        Value::Object(params)
    }

    /// The KCL program of a function-kcl step, given the desired state so far; its source
    /// is named `<composition>/<step>.k` in KCL's messages.
    pub fn program(&self, step: &str, kcl: &KclStep) -> Program {
        self.program_with(step, kcl, &self.params(kcl))
    }

    fn program_with(&self, step: &str, kcl: &KclStep, params: &Value) -> Program {
        let file = format!("{}/{step}.k", self.composition.name());
        kcl.program(file, params, self.modules)
    }

    fn run_kcl(&mut self, runtime: &Runtime, step: &str, kcl: &KclStep) -> Result<(), StepProblem> {
        let params = self.params(kcl);
        check_params(&params)?;
        let output = runtime
            .run(&self.program_with(step, kcl, &params))
            .map_err(StepProblem::Kcl)?;
        let items = output_items(&output).map_err(StepProblem::Output)?;
        for (number, item) in items.iter().enumerate() {
            if !item.is_object() {
                return Err(StepProblem::Output(format!(
                    "item {} of the output is {}, not a mapping",
                    number + 1,
                    xr_admission::admission::a_type(item)
                )));
            }
            check_annotations(item).map_err(StepProblem::Output)?;
        }
        let mut composed = Vec::new();
        match kcl.target {
            Target::Default => self.default_target(step, &items, &mut composed)?,
            Target::Resources => self.resources_target(step, &items, &mut composed)?,
            Target::Xr => {
                for item in &items {
                    set_leaves(&mut self.dxr, item, &[])
                        .map_err(|e| StepProblem::Output(format!("cannot set the XR: {e}")))?;
                }
            }
            Target::PatchDesired => self.patch_desired(step, &items)?,
            Target::PatchResources => {
                for (name, base) in &kcl.resources {
                    self.set(name, base.clone(), Ready::Unspecified, step);
                }
                self.patch_desired(step, &items)?;
            }
        }
        self.steps.push(StepOutput {
            step: step.to_owned(),
            composed,
        });
        Ok(())
    }

    /// The `Default` target: an item of the XR's kind sets the desired XR's status; a meta
    /// resource is read; anything else is a composed resource, replacing one of the same
    /// name a step before composed.
    fn default_target(
        &mut self,
        step: &str,
        items: &[Value],
        composed: &mut Vec<Value>,
    ) -> Result<(), StepProblem> {
        let mut names = Names::default();
        let mut conditions_set: Vec<String> = Vec::new();
        for item in items {
            if item.get("apiVersion") == self.oxr.get("apiVersion")
                && item.get("kind") == self.oxr.get("kind")
            {
                if let Some(Value::Object(status)) = item.get("status") {
                    let target = &mut self.dxr["status"];
                    if !target.is_object() {
                        *target = empty();
                    }
                    if let Value::Object(target) = target {
                        merge_override(target, status);
                    }
                }
                continue;
            }
            if item.get("apiVersion").and_then(Value::as_str) == Some(KCL_META_API_VERSION) {
                self.meta(item, &mut conditions_set)?;
                continue;
            }
            let mut resource = item.clone();
            let [ready, annotated] =
                take_annotations(&mut resource, [KCL_READY, KCL_RESOURCE_NAME]);
            let ready = parse_ready(ready.as_deref())?;
            let name = resource_name(annotated, &resource)?;
            names.check(&name, &resource)?;
            if let Some(&index) = self.index.get(&name) {
                let first = &self.resources[index];
                self.replaced.push(Replaced {
                    name: name.clone(),
                    first: (kind_and_name(&first.resource), first.step.clone()),
                    by: (kind_and_name(&resource), step.to_owned()),
                });
            }
            self.set(&name, resource, ready, step);
            composed.push(item.clone());
        }
        Ok(())
    }

    /// The `Resources` target: every item is a composed resource; one of a name a step
    /// before composed is merged into it at the top level.
    fn resources_target(
        &mut self,
        step: &str,
        items: &[Value],
        composed: &mut Vec<Value>,
    ) -> Result<(), StepProblem> {
        let mut names = Names::default();
        for item in items {
            let mut resource = item.clone();
            let [annotated] = take_annotations(&mut resource, [KCL_RESOURCE_NAME]);
            let name = resource_name(annotated, &resource)?;
            names.check(&name, &resource)?;
            if let Some(&index) = self.index.get(&name)
                && let (Value::Object(existing), Value::Object(new)) =
                    (&self.resources[index].resource, &resource)
            {
                let mut merged = existing.clone();
                merged.extend(new.clone());
                resource = Value::Object(merged);
            }
            self.set(&name, resource, Ready::Unspecified, step);
            composed.push(item.clone());
        }
        self.read_ready_annotations()
    }

    /// The `PatchDesired` target: each item patches the desired resource of its name, leaf
    /// by leaf (not its `apiVersion`, `kind` or `metadata.name`); every item must match.
    fn patch_desired(&mut self, step: &str, items: &[Value]) -> Result<(), StepProblem> {
        let mut patches = Vec::new();
        for item in items {
            let mut patch = item.clone();
            let [annotated] = take_annotations(&mut patch, [KCL_RESOURCE_NAME]);
            let name = annotated.unwrap_or_else(|| {
                string_at(&patch, "/metadata/name")
                    .unwrap_or_default()
                    .to_owned()
            });
            if let Some(&index) = self.index.get(&name) {
                patches.push((index, patch));
            }
        }
        if patches.len() != items.len() {
            return Err(StepProblem::Output(format!(
                "failed to match all resources, found {} / {} patches",
                patches.len(),
                items.len()
            )));
        }
        for (index, patch) in patches {
            let target = &mut self.resources[index];
            set_leaves(
                &mut target.resource,
                &patch,
                &[&["apiVersion"], &["kind"], &["metadata", "name"]],
            )
            .map_err(|e| StepProblem::Output(format!("cannot patch `{}`: {e}", target.name)))?;
            target.step = step.to_owned();
        }
        self.read_ready_annotations()
    }

    /// Read and remove the `krm.kcl.dev/ready` annotation of every desired resource, as
    /// the targets other than `Default` do after applying the output.
    fn read_ready_annotations(&mut self) -> Result<(), StepProblem> {
        for resource in &mut self.resources {
            let [ready] = take_annotations(&mut resource.resource, [KCL_READY]);
            if let Some(ready) = ready {
                resource.ready = parse_ready(Some(&ready))?;
            }
        }
        Ok(())
    }

    /// A meta resource of function-kcl, under the `Default` target.
    fn meta(&mut self, item: &Value, conditions_set: &mut Vec<String>) -> Result<(), StepProblem> {
        let kind = item.get("kind").and_then(Value::as_str).unwrap_or_default();
        match kind {
            // XR connection details and events leave no trace in the rendered output.
            "CompositeConnectionDetails" | "Events" => Ok(()),
            "Context" => {
                if let Some(Value::Object(data)) = item.get("data") {
                    merge_override(&mut self.context, data);
                }
                Ok(())
            }
            "Conditions" => {
                let Some(Value::Array(conditions)) = item.get("conditions") else {
                    return Ok(());
                };
                for entry in conditions {
                    let condition = entry.get("condition").cloned().unwrap_or_default();
                    let kind = condition
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    if SYSTEM_CONDITIONS.contains(&kind) {
                        return Err(StepProblem::Output(format!(
                            "cannot set ClaimCondition type: {kind} is a reserved Crossplane Condition"
                        )));
                    }
                    let force = entry.get("force").and_then(Value::as_bool).unwrap_or(false);
                    if conditions_set.iter().any(|k| k == kind) && !force {
                        continue;
                    }
                    conditions_set.push(kind.to_owned());
                    let status = condition
                        .get("status")
                        .and_then(Value::as_str)
                        .filter(|status| ["True", "False"].contains(status))
                        .unwrap_or("Unknown");
                    let mut rendered = json!({
                        "type": kind,
                        "status": status,
                        "lastTransitionTime": CONDITION_TIME,
                        "reason": condition.get("reason").cloned().unwrap_or_else(|| "".into()),
                    });
                    if let Some(message) = condition.get("message").filter(|m| !m.is_null()) {
                        rendered["message"] = message.clone();
                    }
                    self.conditions.push(rendered);
                }
                Ok(())
            }
            "ExtraResources" => Err(StepProblem::Unsupported(
                "the output requests extra resources (meta.krm.kcl.dev/v1alpha1 \
                 ExtraResources), which kcl-render does not supply"
                    .into(),
            )),
            other => Err(StepProblem::Output(format!(
                "invalid kind \"{other}\" for apiVersion \"{KCL_META_API_VERSION}\" - must be \
                 CompositeConnectionDetails or ExtraResources"
            ))),
        }
    }

    /// function-auto-ready: a desired resource nobody said is ready or not, whose observed
    /// resource has the condition `Ready: True`, is ready.
    fn auto_ready(&mut self) {
        for resource in &mut self.resources {
            if resource.ready != Ready::Unspecified {
                continue;
            }
            let ready = self
                .observed
                .get(&resource.name)
                .and_then(|o| o.pointer("/status/conditions"))
                .and_then(Value::as_array)
                .is_some_and(|conditions| {
                    conditions
                        .iter()
                        .any(|c| c["type"] == "Ready" && c["status"] == "True")
                });
            if ready {
                resource.ready = Ready::True;
            }
        }
    }

    /// Set the desired resource of a name, keeping its place if it was there.
    fn set(&mut self, name: &str, resource: Value, ready: Ready, step: &str) {
        let composed = ComposedResource {
            name: name.to_owned(),
            resource,
            ready,
            step: step.to_owned(),
        };
        match self.index.get(name) {
            Some(&index) => self.resources[index] = composed,
            None => {
                self.index.insert(name.to_owned(), self.resources.len());
                self.resources.push(composed);
            }
        }
    }
}

/// The names one step's output has used, for function-kcl's duplicate check.
#[derive(Default)]
struct Names(HashMap<String, String>);

impl Names {
    fn check(&mut self, name: &str, resource: &Value) -> Result<(), StepProblem> {
        let this = kind_and_name(resource);
        match self.0.get(name) {
            Some(first) => Err(StepProblem::DuplicateName {
                name: name.to_owned(),
                first: first.clone(),
                second: this,
            }),
            None => {
                self.0.insert(name.to_owned(), this);
                Ok(())
            }
        }
    }
}

/// The composition resource name of an item: its annotation, else its name.
fn resource_name(annotated: Option<String>, resource: &Value) -> Result<String, StepProblem> {
    annotated
        .or_else(|| string_at(resource, "/metadata/name").map(str::to_owned))
        .filter(|name| !name.is_empty())
        .ok_or_else(|| {
            StepProblem::Output(format!(
                "{} has neither a {KCL_RESOURCE_NAME} annotation nor a metadata.name, so it \
                 has no composition resource name",
                kind_and_name(resource)
            ))
        })
}

/// The value of a `krm.kcl.dev/ready` annotation.
fn parse_ready(value: Option<&str>) -> Result<Ready, StepProblem> {
    match value {
        None => Ok(Ready::Unspecified),
        Some(value) => Ready::from_annotation(value).ok_or_else(|| {
            StepProblem::Input(format!(
                "invalid function input: invalid \"{KCL_READY}\" annotation value \"{value}\": \
                 must be True, False, or Unspecified"
            ))
        }),
    }
}
