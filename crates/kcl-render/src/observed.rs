//! Observed composed resources: what Crossplane hands every function of a later reconcile.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::admission::{parse_message, yaml_options};
use crate::error::Error;
use crate::value::{kind_and_name, sorted};

/// The annotation Crossplane keys composed resources by.
pub const CROSSPLANE_RESOURCE_NAME: &str = "crossplane.io/composition-resource-name";

/// The annotation function-kcl keys composed resources by.
pub const KCL_RESOURCE_NAME: &str = "krm.kcl.dev/composition-resource-name";

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
    /// `crossplane.io/composition-resource-name` annotation (what Crossplane writes on
    /// them) or else its `krm.kcl.dev/composition-resource-name` annotation. Empty
    /// documents are skipped; a document that is not a mapping, has neither annotation,
    /// or repeats a name is an error that names it. YAML is read as an XR is
    /// ([`crate::admission::parse_xr`]): a parse error is one line, with its line and
    /// column.
    pub fn from_yaml_stream(text: &str) -> Result<Self, Error> {
        let documents: Vec<Value> = serde_saphyr::from_multiple_with_options(text, yaml_options())
            .map_err(|e| {
                Error::Observed(format!("the YAML does not parse: {}", parse_message(&e)))
            })?;
        let mut observed = Observed::none();
        for (index, document) in documents.into_iter().enumerate() {
            if document.is_null() {
                continue;
            }
            let number = index + 1;
            if !document.is_object() {
                return Err(Error::Observed(format!(
                    "document {number} is not a mapping"
                )));
            }
            let name = resource_name(&document)
                .ok_or_else(|| {
                    Error::Observed(format!(
                        "document {number} ({}) has no {CROSSPLANE_RESOURCE_NAME} or \
                         {KCL_RESOURCE_NAME} annotation",
                        kind_and_name(&document)
                    ))
                })?
                .to_owned();
            if observed.resources.contains_key(&name) {
                return Err(Error::Observed(format!(
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

    /// The resource observed under a composition resource name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.resources.get(name)
    }

    /// `option("params").ocds` as function-kcl builds it: each name maps to
    /// `{Resource: <the resource>, ConnectionDetails: {}}`, the keys of maps sorted as Go
    /// writes them.
    pub(crate) fn ocds(&self) -> Value {
        Value::Object(
            self.resources
                .iter()
                .map(|(name, resource)| {
                    (
                        name.clone(),
                        json!({"Resource": sorted(resource), "ConnectionDetails": {}}),
                    )
                })
                .collect(),
        )
    }
}

/// The composition resource name a resource is observed under.
fn resource_name(resource: &Value) -> Option<&str> {
    let annotations = resource.pointer("/metadata/annotations")?;
    [CROSSPLANE_RESOURCE_NAME, KCL_RESOURCE_NAME]
        .into_iter()
        .find_map(|key| annotations.get(key).and_then(Value::as_str))
}
