//! Composed resources checked against `CustomResourceDefinition`s (for example a provider
//! package's `crds/`), with the structural rules admission uses ([`xr_admission::validate`]):
//! types, enums, required fields, no undeclared fields, nulls pruned and defaults applied
//! first. What `crossplane beta validate` checks, offline and in the same run.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use serde_json::{Value, json};

use crate::error::Error;
use crate::rendered::ComposedResource;
use crate::renderer::{documents, read};

/// CustomResourceDefinitions by API group and kind.
#[derive(Debug, Clone, Default)]
pub struct Crds {
    by_kind: BTreeMap<(String, String), Crd>,
}

#[derive(Debug, Clone)]
struct Crd {
    name: String,
    /// Each version: its name, whether it is served, its schema.
    versions: Vec<(String, bool, Option<Value>)>,
}

/// One problem of a composed resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrdProblem {
    /// The composed resource, by composition resource name.
    pub resource: String,
    /// Its `apiVersion` and `kind`.
    pub kind: String,
    /// Where in it, as a dotted path (list items as `[i]`).
    pub path: String,
    /// What is wrong, in the API server's words.
    pub message: String,
}

impl fmt::Display for CrdProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` ({}): {}: {}",
            self.resource, self.kind, self.path, self.message
        )
    }
}

/// What checking composed resources against the CRDs found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validation {
    /// Every problem, resource by resource.
    pub problems: Vec<CrdProblem>,
    /// The kinds (`<apiVersion> <kind>`) that have no CRD among those loaded; their
    /// resources are not checked.
    pub without_crd: BTreeSet<String>,
    /// How many resources were checked against a CRD.
    pub checked: usize,
}

impl Crds {
    /// Every CRD (`apiextensions.k8s.io` `CustomResourceDefinition`) in the YAML files
    /// (`*.yaml`, `*.yml`) under `dir`, at any depth; other documents are skipped.
    pub fn load(dir: &Path) -> Result<Crds, Error> {
        let mut files: Vec<_> = walkdir::WalkDir::new(dir)
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Error::Io {
                path: dir.to_path_buf(),
                source: e.into(),
            })?
            .into_iter()
            .filter(|entry| entry.file_type().is_file())
            .map(walkdir::DirEntry::into_path)
            .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        files.sort();
        let mut crds = Crds::default();
        for path in files {
            let text = read(&path)?;
            crds.extend(documents(&text, &path.display().to_string())?);
        }
        Ok(crds)
    }

    /// Add the CRDs among `documents`.
    pub fn extend(&mut self, documents: impl IntoIterator<Item = Value>) {
        for document in documents {
            if document.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition")
                || !document
                    .get("apiVersion")
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.starts_with("apiextensions.k8s.io/"))
            {
                continue;
            }
            let field = |pointer: &str| {
                document
                    .pointer(pointer)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let versions = document
                .pointer("/spec/versions")
                .and_then(Value::as_array)
                .map(|versions| {
                    versions
                        .iter()
                        .map(|v| {
                            (
                                v.get("name")
                                    .and_then(Value::as_str)
                                    .unwrap_or_default()
                                    .to_owned(),
                                v.get("served").and_then(Value::as_bool).unwrap_or(true),
                                v.pointer("/schema/openAPIV3Schema").cloned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            self.by_kind.insert(
                (field("/spec/group"), field("/spec/names/kind")),
                Crd {
                    name: field("/metadata/name"),
                    versions,
                },
            );
        }
    }

    /// How many CRDs there are.
    pub fn len(&self) -> usize {
        self.by_kind.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_kind.is_empty()
    }

    /// Check composed resources against the CRD of their kind, each at its served version.
    pub fn validate(&self, resources: &[ComposedResource]) -> Validation {
        let mut validation = Validation::default();
        for composed in resources {
            let resource = &composed.resource;
            let api_version = resource
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("");
            let kind = resource.get("kind").and_then(Value::as_str).unwrap_or("");
            let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
            let kind_text = format!("{api_version} {kind}");
            let Some(crd) = self.by_kind.get(&(group.to_owned(), kind.to_owned())) else {
                validation.without_crd.insert(kind_text);
                continue;
            };
            let problem = |path: &str, message: String| CrdProblem {
                resource: composed.name.clone(),
                kind: kind_text.clone(),
                path: path.to_owned(),
                message,
            };
            let Some((_, _, schema)) = crd
                .versions
                .iter()
                .find(|(name, served, _)| name == version && *served)
            else {
                let served: Vec<&str> = crd
                    .versions
                    .iter()
                    .filter(|(_, served, _)| *served)
                    .map(|(name, _, _)| name.as_str())
                    .collect();
                validation.problems.push(problem(
                    "apiVersion",
                    format!(
                        "the CRD {} serves no version {version} (it serves {})",
                        crd.name,
                        served.join(", ")
                    ),
                ));
                continue;
            };
            validation.checked += 1;
            let Some(schema) = schema else {
                continue;
            };
            // The API server checks metadata by ObjectMeta's rules, not by the schema.
            let mut schema = schema.clone();
            if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
                properties.insert(
                    "metadata".into(),
                    json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
                );
            }
            let mut copy = resource.clone();
            for violation in xr_admission::validate::admit(&schema, &mut copy, "") {
                validation
                    .problems
                    .push(problem(&violation.path, violation.message));
            }
        }
        validation
    }
}
