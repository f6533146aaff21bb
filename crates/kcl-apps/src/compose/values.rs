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
    Map(Vec<(String, Option<Condition>, ValuesNode)>),
}

/// Merge the values parts of a release into one dict expression: each part is placed at
/// its path, and the entries of a conditional part are guarded by its condition.
pub(super) fn values_expr(
    app: &Parameters,
    parts: &[Values],
    xr: &Expr,
) -> Result<Expr, ComposeError> {
    let mut root = ValuesNode::Map(Vec::new());
    for part in parts {
        insert_part(&mut root, &[], &part.at, &part.value, part.when.as_ref()).map_err(|kind| {
            ComposeError {
                app: app.app.key.clone(),
                kind,
            }
        })?;
    }
    node_expr(app, &root, xr)
}

/// Place a part at `at` below `node`, which is at `path` in the values.
fn insert_part(
    node: &mut ValuesNode,
    path: &[&str],
    at: &[String],
    value: &Value,
    when: Option<&Condition>,
) -> Result<(), Box<ComposeErrorKind>> {
    let ValuesNode::Map(entries) = node else {
        return Err(Box::new(ValuesOverlapPlainValue { at: at.join(".") }));
    };
    match at.split_first() {
        None => {
            let Value::Object(map) = value else {
                return Err(Box::new(TopValuesNotMapping));
            };
            for (key, value) in map {
                merge_entry(entries, key, when, value, path)?;
            }
            Ok(())
        }
        Some((last, [])) => merge_entry(entries, last, when, value, path),
        Some((first, rest)) => {
            let index = unconditional_map(entries, first).unwrap_or_else(|| {
                entries.push((first.clone(), None, ValuesNode::Map(Vec::new())));
                entries.len() - 1
            });
            let path: Vec<&str> = path.iter().copied().chain([first.as_str()]).collect();
            insert_part(&mut entries[index].2, &path, rest, value, when)
        }
    }
}

/// Add `key: value` to a map, merging into an unconditional map already there when both
/// are unconditional maps, so that parts read as one dict.
///
/// Two parts that both give `key` a value that is not a mapping would make KCL fail with
/// "conflicting values" when both are present (which conditions can hide from a render):
/// that is an error here, naming the path.
fn merge_entry(
    entries: &mut Vec<(String, Option<Condition>, ValuesNode)>,
    key: &str,
    when: Option<&Condition>,
    value: &Value,
    path: &[&str],
) -> Result<(), Box<ComposeErrorKind>> {
    let here: Vec<&str> = path.iter().copied().chain([key]).collect();
    if let (None, Value::Object(map), Some(index)) = (when, value, unconditional_map(entries, key))
        && let ValuesNode::Map(inner) = &mut entries[index].2
    {
        for (k, v) in map {
            merge_entry(inner, k, None, v, &here)?;
        }
        return Ok(());
    }
    let clashes = entries
        .iter()
        .any(|(k, _, node)| k == key && !(matches!(node, ValuesNode::Map(_)) && value.is_object()));
    if clashes {
        return Err(Box::new(ConflictingValues {
            path: here.join("."),
        }));
    }
    entries.push((key.to_owned(), when.cloned(), values_node(value)));
    Ok(())
}

fn unconditional_map(
    entries: &[(String, Option<Condition>, ValuesNode)],
    key: &str,
) -> Option<usize> {
    entries
        .iter()
        .position(|(k, w, n)| k == key && w.is_none() && matches!(n, ValuesNode::Map(_)))
}

fn values_node(value: &Value) -> ValuesNode {
    match value {
        Value::Object(map) => ValuesNode::Map(
            map.iter()
                .map(|(k, v)| (k.clone(), None, values_node(v)))
                .collect(),
        ),
        other => ValuesNode::Leaf(other.clone()),
    }
}

fn node_expr(app: &Parameters, node: &ValuesNode, xr: &Expr) -> Result<Expr, ComposeError> {
    match node {
        ValuesNode::Leaf(value) => template_expr(app, value, xr),
        ValuesNode::Map(entries) => {
            let mut body = Vec::new();
            for (key, when, child) in entries {
                let entry = Entry::Pair {
                    key: Key::Name(key.clone()),
                    // `:` unions with an entry of the same key from another part.
                    op: AssignOp::Union,
                    value: node_expr(app, child, xr)?,
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
