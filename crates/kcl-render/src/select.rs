//! Which Composition an XR gets, as Crossplane chooses it: the XRD's enforced
//! Composition, else the one the XR names, else (when the XR neither names nor selects
//! one) the XRD's default, else the Compositions of the XR's type whose labels match the
//! XR's selector. Where Crossplane would pick one of several at random, that is an error.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use crate::composition::{Composition, label_list};
use crate::error::SelectionError;

/// Why a Composition was selected.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// The XRD enforces it (`spec.enforcedCompositionRef`).
    Enforced,
    /// The XR names it, at this path.
    Named(String),
    /// The XR neither names nor selects one, and the XRD's default is this one
    /// (`spec.defaultCompositionRef`).
    Default,
    /// Its labels match the XR's selector (these labels, `key=value`; none when the XR
    /// selects nothing and it is the only Composition of the XR's type).
    Labels(Vec<String>),
}

impl fmt::Display for Selection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selection::Enforced => f.write_str("the XRD's enforced Composition"),
            Selection::Named(path) => write!(f, "named by the XR's {path}"),
            Selection::Default => {
                f.write_str("the XRD's default Composition (the XR neither names nor selects one)")
            }
            Selection::Labels(labels) if labels.is_empty() => f.write_str(
                "the only Composition of the XR's type (the XR neither names nor selects one)",
            ),
            Selection::Labels(labels) => {
                write!(f, "selected by the labels {}", labels.join(", "))
            }
        }
    }
}

/// Select the Composition for `xr` among `compositions`: its index, and why.
pub(crate) fn select(
    compositions: &[Composition],
    xrd: Option<&Value>,
    xr: &Value,
) -> Result<(usize, Selection), SelectionError> {
    let api_version = xr.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = xr.get("kind").and_then(Value::as_str).unwrap_or("");
    let xr_type = format!("{api_version} {kind}");
    let named = |name: &str, from: &str| -> Result<usize, SelectionError> {
        let index = compositions
            .iter()
            .position(|c| c.name() == name)
            .ok_or_else(|| SelectionError::NotFound {
                name: name.to_owned(),
                from: from.to_owned(),
                available: compositions.iter().map(|c| c.name().to_owned()).collect(),
            })?;
        let composition = &compositions[index];
        if composition.composite_type() != (api_version, kind) {
            return Err(SelectionError::Incompatible {
                name: name.to_owned(),
                composes: composition.composes(),
                xr: xr_type.clone(),
            });
        }
        Ok(index)
    };

    if let Some(name) = xrd.and_then(|xrd| string(xrd, "/spec/enforcedCompositionRef/name")) {
        return Ok((
            named(name, "the XRD's spec.enforcedCompositionRef.name")?,
            Selection::Enforced,
        ));
    }
    // Crossplane v2's fields, or those of a legacy cluster-scoped XR.
    let (reference, selector) = if xr.pointer("/spec/crossplane").is_some() {
        (
            "/spec/crossplane/compositionRef/name",
            "/spec/crossplane/compositionSelector",
        )
    } else {
        ("/spec/compositionRef/name", "/spec/compositionSelector")
    };
    if let Some(name) = string(xr, reference) {
        let path = reference.trim_start_matches('/').replace('/', ".");
        return Ok((named(name, &path)?, Selection::Named(path)));
    }
    let selector = xr.pointer(selector).filter(|s| !s.is_null());
    if selector.is_none()
        && let Some(name) = xrd.and_then(|xrd| string(xrd, "/spec/defaultCompositionRef/name"))
    {
        return Ok((
            named(name, "the XRD's spec.defaultCompositionRef.name")?,
            Selection::Default,
        ));
    }
    let wanted: BTreeMap<String, String> = selector
        .and_then(|s| s.get("matchLabels"))
        .and_then(Value::as_object)
        .map(|labels| {
            labels
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let of_type: Vec<(usize, &Composition)> = compositions
        .iter()
        .enumerate()
        .filter(|(_, c)| c.composite_type() == (api_version, kind))
        .collect();
    let matches: Vec<usize> = of_type
        .iter()
        .filter(|(_, c)| {
            wanted
                .iter()
                .all(|(key, value)| c.labels().get(key) == Some(value))
        })
        .map(|(index, _)| *index)
        .collect();
    let labels = label_list(&wanted);
    match matches.as_slice() {
        [only] => Ok((*only, Selection::Labels(labels))),
        [] => Err(SelectionError::NoMatch {
            xr: xr_type,
            labels,
            candidates: of_type.iter().map(|(_, c)| c.describe()).collect(),
        }),
        several => Err(SelectionError::Several {
            labels,
            matches: several
                .iter()
                .map(|i| compositions[*i].name().to_owned())
                .collect(),
        }),
    }
}

fn string<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}
