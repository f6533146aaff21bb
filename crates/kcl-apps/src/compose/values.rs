//! Values and templates: the values parts of a release merged into one dict, and the
//! templates in values and manifests (`{{ path }}`, `{{ image:<name> }}`,
//! `{{ xr:<field> }}`) resolved against the app.

use serde_json::Value;

use super::error::{ComposeError, ComposeErrorKind, ComposeErrorKind::*, error, not_kcl_value};
use super::parameters::Parameters;
use crate::app::{Condition, Image, Values, XR_FIELDS};
use crate::ast::{AssignOp, BinOp, Entry, Expr, IfChain, Key, ListItem};
use kcl_codegen_syntax::template::{IMAGE_TAG, Reference, XR_TAG};

/// A node of merged values: plain JSON plus entries that exist only under a condition.
enum ValuesNode {
    Leaf(Value),
    Map(Vec<ValuesEntry>),
}

/// A key of a [`ValuesNode::Map`]: one map may hold a key more than once (under different
/// conditions, or from different parts), and KCL unions them with `:`.
struct ValuesEntry {
    key: String,
    when: Option<Condition>,
    /// The index of the values part that set it (for a map that several parts fill, the
    /// first).
    part: usize,
    node: ValuesNode,
}

/// Merge the values parts of a release into one dict expression: each part is placed at
/// its path, and the entries of a conditional part are guarded by its condition.
///
/// Two parts that give one key values that are not both mappings would make KCL fail
/// with "conflicting values" whenever both apply, which conditions can hide from a render:
/// that is an error here ([`ConflictingValues`]), whatever the conditions, naming both
/// parts and the path.
pub(super) fn values_expr(
    app: &Parameters,
    parts: &[Values],
    xr: &Expr,
) -> Result<Expr, ComposeError> {
    let error = |kind| ComposeError {
        app: app.app.key.clone(),
        kind,
    };
    let mut root = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        insert_part(&mut root, index, &part.at, &part.value, part.when.as_ref()).map_err(error)?;
    }
    if let Some(conflict) = conflict(&[&root], &[]) {
        let (first, second) = (
            conflict.parts.0.min(conflict.parts.1),
            conflict.parts.0.max(conflict.parts.1),
        );
        return Err(error(Box::new(ConflictingValues {
            path: conflict.path,
            first: describe_part(first, &parts[first]),
            second: describe_part(second, &parts[second]),
        })));
    }
    node_expr(app, &ValuesNode::Map(root), xr)
}

/// Place part number `part` at `at` in `entries`.
fn insert_part(
    entries: &mut Vec<ValuesEntry>,
    part: usize,
    at: &[String],
    value: &Value,
    when: Option<&Condition>,
) -> Result<(), Box<ComposeErrorKind>> {
    match at.split_first() {
        None => {
            let Value::Object(map) = value else {
                return Err(Box::new(TopValuesNotMapping));
            };
            for (key, value) in map {
                merge_entry(entries, part, key, when, value);
            }
        }
        Some((last, [])) => merge_entry(entries, part, last, when, value),
        Some((first, rest)) => {
            let index = unconditional_map(entries, first).unwrap_or_else(|| {
                entries.push(ValuesEntry {
                    key: first.clone(),
                    when: None,
                    part,
                    node: ValuesNode::Map(Vec::new()),
                });
                entries.len() - 1
            });
            let ValuesNode::Map(inner) = &mut entries[index].node else {
                unreachable!("unconditional_map finds maps")
            };
            insert_part(inner, part, rest, value, when)?;
        }
    }
    Ok(())
}

/// Add `key: value` to a map, merging into an unconditional map already there when both
/// are unconditional maps, so that parts read as one dict.
fn merge_entry(
    entries: &mut Vec<ValuesEntry>,
    part: usize,
    key: &str,
    when: Option<&Condition>,
    value: &Value,
) {
    if let (None, Value::Object(map), Some(index)) = (when, value, unconditional_map(entries, key))
        && let ValuesNode::Map(inner) = &mut entries[index].node
    {
        for (k, v) in map {
            merge_entry(inner, part, k, None, v);
        }
        return;
    }
    entries.push(ValuesEntry {
        key: key.to_owned(),
        when: when.cloned(),
        part,
        node: values_node(value, part),
    });
}

fn unconditional_map(entries: &[ValuesEntry], key: &str) -> Option<usize> {
    entries
        .iter()
        .position(|e| e.key == key && e.when.is_none() && matches!(e.node, ValuesNode::Map(_)))
}

fn values_node(value: &Value, part: usize) -> ValuesNode {
    match value {
        Value::Object(map) => ValuesNode::Map(
            map.iter()
                .map(|(k, v)| ValuesEntry {
                    key: k.clone(),
                    when: None,
                    part,
                    node: values_node(v, part),
                })
                .collect(),
        ),
        other => ValuesNode::Leaf(other.clone()),
    }
}

/// Two parts that set one key where KCL would fail when both apply.
struct Conflict {
    path: String,
    parts: (usize, usize),
}

/// The first key that the maps `maps` (at `path`, unioned as KCL unions them) hold more
/// than once with a value that is not a mapping; conditions aside, since any of them can
/// hold.
fn conflict(maps: &[&[ValuesEntry]], path: &[&str]) -> Option<Conflict> {
    let entries: Vec<&ValuesEntry> = maps.iter().flat_map(|entries| entries.iter()).collect();
    let mut keys: Vec<&str> = Vec::new();
    for entry in &entries {
        if !keys.contains(&entry.key.as_str()) {
            keys.push(&entry.key);
        }
    }
    for key in keys {
        let same: Vec<&ValuesEntry> = entries.iter().copied().filter(|e| e.key == key).collect();
        let here: Vec<&str> = path.iter().copied().chain([key]).collect();
        if let Some(leaf) = same.iter().find(|e| matches!(e.node, ValuesNode::Leaf(_)))
            && let Some(other) = same.iter().find(|e| !std::ptr::eq(**e, *leaf))
        {
            return Some(Conflict {
                path: here.join("."),
                parts: (leaf.part, other.part),
            });
        }
        let inner: Vec<&[ValuesEntry]> = same
            .iter()
            .filter_map(|e| match &e.node {
                ValuesNode::Map(inner) => Some(inner.as_slice()),
                ValuesNode::Leaf(_) => None,
            })
            .collect();
        if let Some(conflict) = conflict(&inner, &here) {
            return Some(conflict);
        }
    }
    None
}

/// A values part as an error names it: its number (from 1), its file or `inline`, where
/// it goes and when it applies.
fn describe_part(index: usize, part: &Values) -> String {
    let mut text = format!("values part {}", index + 1);
    text += &match &part.file {
        Some(file) => format!(" (`{file}`"),
        None => " (inline".to_owned(),
    };
    if !part.at.is_empty() {
        text += &format!(", at `{}`", part.at.join("."));
    }
    match &part.when {
        None => {}
        Some(Condition::AppEnabled(app)) => text += &format!(", when app `{app}` is enabled"),
        Some(Condition::Field(path)) => text += &format!(", when `{}` is true", path.join(".")),
        Some(Condition::FieldIs { path, value }) => {
            text += &format!(", when `{}` is {value}", path.join("."))
        }
    }
    text + ")"
}

fn node_expr(app: &Parameters, node: &ValuesNode, xr: &Expr) -> Result<Expr, ComposeError> {
    match node {
        ValuesNode::Leaf(value) => template_expr(app, value, xr),
        ValuesNode::Map(entries) => {
            let mut body = Vec::new();
            for ValuesEntry {
                key, when, node, ..
            } in entries
            {
                let entry = Entry::Pair {
                    key: Key::Name(key.clone()),
                    // `:` unions with an entry of the same key from another part.
                    op: AssignOp::Union,
                    value: node_expr(app, node, xr)?,
                };
                body.push(match when {
                    None => entry,
                    Some(condition) => Entry::If(IfChain {
                        branches: vec![(app.condition(condition)?, vec![entry])],
                        orelse: None,
                    }),
                });
            }
            Ok(Expr::Dict(body))
        }
    }
}

/// What a template string stands for.
pub(super) enum Template<'a> {
    /// `{{ image:<name> }}`: the app's image of that name.
    Image(&'a Image),
    /// `{{ xr:<field> }}`: the composite resource's field at this path.
    Xr(&'static [&'static str]),
    /// `{{ path }}`: the app's parameter at this path (not checked here: see
    /// [`Parameters::check_template`]).
    Parameter(Vec<&'a str>),
}

/// What the string `s` of one of the app's values or manifests stands for: `None` for a
/// plain string, an error for a reference to an image or a field of the composite
/// resource that does not exist. A tag other than `image` and `xr` is a plain string.
pub(super) fn template<'a>(
    app: &'a Parameters,
    s: &'a str,
) -> Result<Option<Template<'a>>, ComposeError> {
    let Some(reference) = Reference::parse(s) else {
        return Ok(None);
    };
    if let Some(name) = reference.tagged(IMAGE_TAG) {
        let image = (app.app.images.iter()).find(|image| image.name == name);
        let image = image.ok_or_else(|| {
            let name = name.to_owned();
            error(&app.app.key, UnknownImage { name })
        })?;
        Ok(Some(Template::Image(image)))
    } else if let Some(field) = reference.tagged(XR_TAG) {
        let (_, path) = (XR_FIELDS.iter().find(|(name, _)| *name == field)).ok_or_else(|| {
            let template = s.to_owned();
            error(&app.app.key, UnknownXrField { template })
        })?;
        Ok(Some(Template::Xr(path)))
    } else if let Reference::Path(path) = reference {
        Ok(Some(Template::Parameter(path)))
    } else {
        Ok(None)
    }
}

/// A JSON value as KCL, with `{{ path }}` strings read from the app's parameters,
/// `{{ image:<name> }}` strings made from the image's pin and `{{ xr:<field> }}` strings
/// read from the composite resource `xr`.
pub(super) fn template_expr(
    app: &Parameters,
    value: &Value,
    xr: &Expr,
) -> Result<Expr, ComposeError> {
    Ok(match value {
        Value::String(s) => match template(app, s)? {
            Some(Template::Image(image)) => Expr::str(format!("{}:", image.repository))
                .binary(BinOp::Add, Expr::name(image.pin.clone())),
            Some(Template::Xr(path)) => {
                (path.iter()).fold(xr.clone(), |expr, part| expr.attr(*part))
            }
            Some(Template::Parameter(path)) => app.read(&path),
            None => Expr::Str(s.clone()),
        },
        Value::Array(items) => Expr::List(
            items
                .iter()
                .map(|item| template_expr(app, item, xr).map(ListItem::Expr))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Expr::Dict(
            map.iter()
                .map(|(k, v)| Ok(Entry::pair(k.clone(), template_expr(app, v, xr)?)))
                .collect::<Result<_, ComposeError>>()?,
        ),
        // A scalar; `check` refused integers KCL cannot hold, with their paths.
        other => {
            Expr::try_from_json(other).map_err(not_kcl_value(&app.app.key, "a value".to_owned()))?
        }
    })
}
