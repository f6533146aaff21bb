//! What a render produced, and its output in `crossplane render`'s shape.

use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::observed::{CROSSPLANE_RESOURCE_NAME, Observed};
use crate::select::Selection;
use crate::value::{empty, prune_nulls};

/// The label Crossplane puts on composed resources: the XR's name.
pub const COMPOSITE_LABEL: &str = "crossplane.io/composite";

/// The time `crossplane render` gives every condition it writes (a required field, whose
/// real value would be noise).
pub const CONDITION_TIME: &str = "2024-01-01T00:00:00Z";

/// Whether a composed resource is ready, as the function SDK spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ready {
    /// No step said.
    #[default]
    Unspecified,
    /// Ready.
    True,
    /// Not ready.
    False,
}

impl Ready {
    /// The word function-kcl reads from `krm.kcl.dev/ready` and writes into `dcds`.
    pub fn as_str(self) -> &'static str {
        match self {
            Ready::Unspecified => "Unspecified",
            Ready::True => "True",
            Ready::False => "False",
        }
    }

    pub(crate) fn from_annotation(value: &str) -> Option<Ready> {
        match value {
            "Unspecified" => Some(Ready::Unspecified),
            "True" => Some(Ready::True),
            "False" => Some(Ready::False),
            _ => None,
        }
    }
}

/// A desired composed resource at the end of the pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct ComposedResource {
    /// Its composition resource name: the key Crossplane tracks it by.
    pub name: String,
    /// The resource as the pipeline desires it, without function-kcl's `krm.kcl.dev/*`
    /// annotations and before Crossplane's metadata ([`Rendered::documents`] adds it).
    pub resource: Value,
    /// Whether it is ready.
    pub ready: Ready,
    /// The step that set it last.
    pub step: String,
}

/// The composed resources one step emitted, as KCL produced them.
#[derive(Debug, Clone, PartialEq)]
pub struct StepOutput {
    /// The step's name.
    pub step: String,
    /// Every item of the output that became a composed resource, in the output's order,
    /// with its `krm.kcl.dev/*` annotations.
    pub composed: Vec<Value>,
}

/// A composed resource that a later step emitted again under the same name, with the
/// `Default` target: function-kcl keeps only the later one.
#[derive(Debug, Clone, PartialEq)]
pub struct Replaced {
    /// The composition resource name.
    pub name: String,
    /// The first resource, `<Kind>/<name>`, and the step that emitted it.
    pub first: (String, String),
    /// The resource that replaced it, `<Kind>/<name>`, and the step that emitted it.
    pub by: (String, String),
}

/// What rendering an XR through its Composition produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The Composition that ran.
    pub composition: String,
    /// Why it was selected.
    pub selection: Selection,
    /// The XR as the pipeline observed it (admitted).
    pub xr: Value,
    /// The desired XR after the last step: its `apiVersion`, `kind` and what the steps
    /// set (the `status` an item of the XR's kind sets; everything, with the `XR` target).
    pub desired_xr: Value,
    /// The conditions steps set on the XR (function-kcl's `Conditions`), in order.
    pub conditions: Vec<Value>,
    /// Every desired composed resource, in the order they were first desired.
    pub resources: Vec<ComposedResource>,
    /// Each KCL step's composed resources, in pipeline order.
    pub steps: Vec<StepOutput>,
    /// Composed resources a later step replaced.
    pub replaced: Vec<Replaced>,
    /// The pipeline's context after the last step.
    pub context: Value,
}

impl Rendered {
    /// The composed resources a step emitted (none for a step that is not there).
    pub fn step(&self, name: &str) -> &[Value] {
        self.steps
            .iter()
            .find(|step| step.step == name)
            .map_or(&[], |step| step.composed.as_slice())
    }

    /// The desired composed resource of a composition resource name.
    pub fn resource(&self, name: &str) -> Option<&ComposedResource> {
        self.resources.iter().find(|r| r.name == name)
    }

    /// The output as `crossplane render` prints it: first the XR (`apiVersion`, `kind`,
    /// its name and namespace, and the status the pipeline set, with its `Ready`
    /// condition), then each composed resource, sorted by composition resource name,
    /// with the metadata Crossplane gives it (the XR's namespace, a `generateName` when it
    /// has no name, the `crossplane.io/composition-resource-name` annotation, the
    /// `crossplane.io/composite` label, the XR as its controller); a resource observed
    /// under the same name keeps the observed name and namespace.
    ///
    /// Fields the pipeline set to `null` are left out of the XR, as the API server stores
    /// the status Crossplane applies.
    pub fn documents(&self, observed: &Observed) -> Vec<Value> {
        let mut documents = vec![self.xr_document()];
        let mut resources: Vec<&ComposedResource> = self.resources.iter().collect();
        resources.sort_by(|a, b| a.name.cmp(&b.name));
        documents.extend(
            resources
                .into_iter()
                .map(|r| self.composed_document(r, observed.get(&r.name))),
        );
        documents
    }

    /// [`Rendered::documents`] as a YAML stream, each document after a `---` line.
    pub fn to_yaml(&self, observed: &Observed) -> Result<String, Error> {
        let stream = crate::to_yaml_stream(&self.documents(observed)).map_err(Error::Print)?;
        Ok(format!("---\n{stream}"))
    }

    fn xr_document(&self) -> Value {
        let mut xr = self.desired_xr.clone();
        prune_nulls(&mut xr);
        let Value::Object(fields) = &mut xr else {
            return xr;
        };
        let mut document = Map::new();
        document.insert("apiVersion".into(), self.xr["apiVersion"].clone());
        document.insert("kind".into(), self.xr["kind"].clone());
        let mut metadata = match fields.remove("metadata") {
            Some(Value::Object(metadata)) => metadata,
            _ => Map::new(),
        };
        set_or_remove(&mut metadata, "name", self.xr.pointer("/metadata/name"));
        set_or_remove(
            &mut metadata,
            "namespace",
            self.xr.pointer("/metadata/namespace"),
        );
        document.insert("metadata".into(), Value::Object(metadata));
        fields.remove("apiVersion");
        fields.remove("kind");
        document.extend(std::mem::take(fields));
        let status = document.entry("status").or_insert_with(empty);
        if !status.is_object() {
            *status = empty();
        }
        // As crossplane render sets them on the desired XR: its Ready condition, then the
        // steps' conditions, each replacing one of its type.
        let mut conditions = match status.get("conditions") {
            Some(Value::Array(existing)) => existing.clone(),
            _ => Vec::new(),
        };
        set_condition(&mut conditions, self.ready_condition());
        for condition in &self.conditions {
            set_condition(&mut conditions, condition.clone());
        }
        status["conditions"] = Value::Array(conditions);
        Value::Object(document)
    }

    /// The XR's `Ready` condition as `crossplane render` sets it: available when every
    /// composed resource is ready, else creating, naming the first unready ones.
    fn ready_condition(&self) -> Value {
        let mut unready: Vec<&str> = self
            .resources
            .iter()
            .filter(|r| r.ready != Ready::True)
            .map(|r| r.name.as_str())
            .collect();
        if unready.is_empty() {
            return json!({"type": "Ready", "status": "True",
                "lastTransitionTime": CONDITION_TIME, "reason": "Available"});
        }
        unready.sort_unstable();
        const FIRST: usize = 3;
        let names = if unready.len() > FIRST {
            format!(
                "{}, and {} more",
                unready[..FIRST].join(", "),
                unready.len() - FIRST
            )
        } else {
            unready.join(", ")
        };
        json!({"type": "Ready", "status": "False", "lastTransitionTime": CONDITION_TIME,
            "reason": "Creating", "message": format!("Unready resources: {names}")})
    }

    fn composed_document(&self, composed: &ComposedResource, observed: Option<&Value>) -> Value {
        let mut resource = composed.resource.clone();
        if !resource.is_object() {
            return resource;
        }
        if !resource.get("metadata").is_some_and(Value::is_object) {
            resource["metadata"] = empty();
        }
        let xr_name = self.xr.pointer("/metadata/name").cloned();
        let xr_namespace = self
            .xr
            .pointer("/metadata/namespace")
            .filter(|n| n.as_str().is_some_and(|n| !n.is_empty()));
        let Value::Object(metadata) = &mut resource["metadata"] else {
            return resource;
        };
        if let Some(observed) = observed {
            for field in ["namespace", "name", "generateName"] {
                let value = observed.pointer(&format!("/metadata/{field}"));
                set_or_remove(metadata, field, value);
            }
        }
        let named = |m: &Map<String, Value>, key: &str| {
            m.get(key)
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
        };
        if !named(metadata, "name")
            && !named(metadata, "generateName")
            && let Some(Value::String(name)) = &xr_name
        {
            metadata.insert("generateName".into(), format!("{name}-").into());
        }
        if let Some(namespace) = xr_namespace {
            metadata.insert("namespace".into(), namespace.clone());
        }
        add_string(
            metadata,
            "annotations",
            CROSSPLANE_RESOURCE_NAME,
            &composed.name,
        );
        if let Some(Value::String(name)) = &xr_name {
            add_string(metadata, "labels", COMPOSITE_LABEL, name);
        }
        if let (Some(name), Some(namespace)) = (
            self.xr
                .pointer("/spec/claimRef/name")
                .and_then(Value::as_str),
            self.xr
                .pointer("/spec/claimRef/namespace")
                .and_then(Value::as_str),
        ) {
            add_string(metadata, "labels", "crossplane.io/claim-name", name);
            add_string(
                metadata,
                "labels",
                "crossplane.io/claim-namespace",
                namespace,
            );
        }
        let owner = json!({
            "apiVersion": self.xr["apiVersion"],
            "kind": self.xr["kind"],
            "name": xr_name.unwrap_or_default(),
            "uid": self.xr.pointer("/metadata/uid").cloned().unwrap_or_else(|| "".into()),
            "controller": true,
            "blockOwnerDeletion": true,
        });
        let references = metadata
            .entry("ownerReferences")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(references) = references {
            references.retain(|r| r.get("uid") != owner.get("uid"));
            references.push(owner);
        }
        resource
    }
}

fn set_or_remove(metadata: &mut Map<String, Value>, key: &str, value: Option<&Value>) {
    match value.filter(|v| v.as_str().is_some_and(|s| !s.is_empty())) {
        Some(value) => {
            metadata.insert(key.into(), value.clone());
        }
        None => {
            metadata.remove(key);
        }
    }
}

/// Add `key: value` to the string map `field` of metadata (annotations, labels).
fn add_string(metadata: &mut Map<String, Value>, field: &str, key: &str, value: &str) {
    let map = metadata.entry(field).or_insert_with(empty);
    if !map.is_object() {
        *map = empty();
    }
    map[key] = Value::String(value.to_owned());
}

/// Set a condition in a list, replacing the one of the same type.
fn set_condition(conditions: &mut Vec<Value>, condition: Value) {
    match conditions
        .iter_mut()
        .find(|c| c.get("type") == condition.get("type"))
    {
        Some(existing) => *existing = condition,
        None => conditions.push(condition),
    }
}
