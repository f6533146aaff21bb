//! An XR as each package's XRD would have it: the fields an XRD does not declare pruned,
//! as the API server prunes them, and the fields it refuses kept as stored, each reported
//! at its path.

use serde::Serialize;
use serde_json::Value;
use xr_admission::admission::admit_xr;

use crate::admission::{check_limits, default_namespace};
use crate::error::Error;
use crate::renderer::Renderer;

use super::Side;
use super::fields::remove_at;

/// What an XRD makes of a field of the XR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FieldEffect {
    /// The XRD does not declare the field: the API server prunes it, so Crossplane never
    /// sees it and the package composes as if it were not written.
    Dropped,
    /// The XRD refuses the field's value (type, enum, bounds, pattern, required): an XR
    /// stored before keeps it and is composed with it, but the API server refuses any
    /// update of the XR until it is fixed, and a new XR written so is refused.
    Refused,
}

/// A field of the XR that one side's XRD drops or refuses.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldProblem {
    /// Whose XRD: the old package's (`from`) or the new one's (`to`).
    pub xrd: Side,
    /// Where, as admission writes it (`spec.parameters.apps.old`, list items as `[i]`).
    pub path: String,
    /// Dropped or refused.
    pub effect: FieldEffect,
    /// Admission's words.
    pub message: String,
}

/// The message admission gives a field the schema does not declare.
const UNDECLARED: &str = "field not declared in schema";

/// Admit `xr` against a renderer's XRD as the API server would treat an XR that is already
/// stored when the XRD changes: defaults applied, undeclared fields pruned
/// ([`FieldEffect::Dropped`]), refused values kept ([`FieldEffect::Refused`]). Problems of
/// the XR's type or metadata, which no Composition would be run for, are an error, as is
/// an XR that is refused without an XRD.
pub(crate) fn admit_as_stored(
    renderer: &Renderer,
    side: Side,
    mut xr: Value,
) -> Result<(Value, Vec<FieldProblem>), Error> {
    let Some(xrd) = renderer.xrd() else {
        return Ok((renderer.admit(xr)?, Vec::new()));
    };
    if !xr.is_object() {
        // The strict admission says what is wrong with it.
        return Err(renderer
            .admit(xr)
            .err()
            .unwrap_or_else(|| Error::NotAnXr("it is not a mapping".into())));
    }
    check_limits(&xr)?;
    let violations = admit_xr(xrd, &mut xr);
    let (body, other): (Vec<_>, Vec<_>) = violations
        .into_iter()
        .partition(|v| v.path.starts_with("spec") || v.path.starts_with("status"));
    if !other.is_empty() {
        return Err(Error::Invalid(other));
    }
    let mut problems = Vec::new();
    for violation in body {
        let effect = if violation.message == UNDECLARED && remove_at(&mut xr, &violation.path) {
            FieldEffect::Dropped
        } else {
            FieldEffect::Refused
        };
        problems.push(FieldProblem {
            xrd: side,
            path: violation.path,
            effect,
            message: violation.message,
        });
    }
    default_namespace(xrd, &mut xr);
    Ok((xr, problems))
}
