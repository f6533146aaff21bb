//! What Crossplane and function-kcl do to the JSON values they pass around, in the terms
//! of the Go code that does it: maps serialised with sorted keys, `mergo` merges,
//! `fieldpath` writes leaf by leaf, annotations read and removed.

use serde_json::{Map, Value};

/// An empty mapping.
pub(crate) fn empty() -> Value {
    Value::Object(Map::new())
}

/// The value with the keys of every mapping sorted, as Go's `encoding/json` writes a map:
/// how a function receives what Crossplane sends it.
pub(crate) fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(fields) => {
            let mut keys: Vec<&String> = fields.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|key| (key.clone(), sorted(&fields[key])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// `mergo.Merge(&target, source, mergo.WithOverride)` on JSON mappings: a mapping merges
/// into a non-empty mapping key by key; anything else, `null` included, replaces what is
/// there.
pub(crate) fn merge_override(target: &mut Map<String, Value>, source: &Map<String, Value>) {
    for (key, value) in source {
        match (target.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(nested)) if !existing.is_empty() => {
                merge_override(existing, nested);
            }
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Remove the fields whose value is `null`, at every level of mappings, as the API server
/// stores an object applied to it.
pub(crate) fn prune_nulls(value: &mut Value) {
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(fields) => {
                fields.retain(|_, v| !v.is_null());
                pending.extend(fields.values_mut());
            }
            Value::Array(items) => pending.extend(items.iter_mut()),
            _ => {}
        }
    }
}

/// One step of a path into a value.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Field(String),
    Index(usize),
}

/// function-kcl's `SetData`: write every leaf of `data` (a value that is neither a mapping
/// nor a list, `null` included) into `target` at the same path, creating the mappings and
/// lists on the way and growing lists as `fieldpath` does. Empty mappings and lists write
/// nothing. Leaves at the top-level paths in `skip` (`apiVersion`, `metadata.name`) are
/// left alone.
pub(crate) fn set_leaves(target: &mut Value, data: &Value, skip: &[&[&str]]) -> Result<(), String> {
    let mut path = Vec::new();
    set_leaves_at(target, data, skip, &mut path)
}

fn set_leaves_at(
    target: &mut Value,
    data: &Value,
    skip: &[&[&str]],
    path: &mut Vec<Segment>,
) -> Result<(), String> {
    match data {
        Value::Object(fields) => {
            for (key, value) in fields {
                path.push(Segment::Field(key.clone()));
                set_leaves_at(target, value, skip, path)?;
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                path.push(Segment::Index(index));
                set_leaves_at(target, value, skip, path)?;
                path.pop();
            }
        }
        leaf => {
            let skipped = skip.iter().any(|skipped| {
                skipped.len() == path.len()
                    && skipped
                        .iter()
                        .zip(path.iter())
                        .all(|(s, p)| *p == Segment::Field((*s).to_owned()))
            });
            if !skipped {
                set_at(target, path, leaf.clone())?;
            }
        }
    }
    Ok(())
}

/// Write `value` at `path`, creating what is missing on the way.
fn set_at(target: &mut Value, path: &[Segment], value: Value) -> Result<(), String> {
    let mut current = target;
    for (depth, segment) in path.iter().enumerate() {
        match segment {
            Segment::Field(key) => {
                if current.is_null() {
                    *current = empty();
                }
                let Value::Object(fields) = current else {
                    return Err(format!("{} is not a mapping", display(&path[..depth])));
                };
                current = fields.entry(key.clone()).or_insert(Value::Null);
            }
            Segment::Index(index) => {
                if current.is_null() {
                    *current = Value::Array(Vec::new());
                }
                let Value::Array(items) = current else {
                    return Err(format!("{} is not a list", display(&path[..depth])));
                };
                if items.len() <= *index {
                    items.resize(index + 1, Value::Null);
                }
                current = &mut items[*index];
            }
        }
    }
    *current = value;
    Ok(())
}

/// A path as `a.b[0].c`.
fn display(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Field(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    if out.is_empty() {
        "the top".into()
    } else {
        out
    }
}

/// `<Kind>/<name>` of a resource, as function-kcl names it in messages.
pub(crate) fn kind_and_name(resource: &Value) -> String {
    let kind = resource.get("kind").and_then(Value::as_str).unwrap_or("");
    let name = resource
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    format!("{kind}/{name}")
}

/// The string field at a JSON pointer, if it is one.
pub(crate) fn string_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

/// Check that every annotation of a resource is a string, as the API server requires (and
/// function-kcl reads annotations only as strings).
pub(crate) fn check_annotations(resource: &Value) -> Result<(), String> {
    match resource.pointer("/metadata/annotations") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Object(annotations)) => {
            match annotations.iter().find(|(_, value)| !value.is_string()) {
                Some((key, value)) => Err(format!(
                    "{}: the annotation {key} is {value}, not a string",
                    kind_and_name(resource)
                )),
                None => Ok(()),
            }
        }
        Some(other) => Err(format!(
            "{}: metadata.annotations is {other}, not a mapping",
            kind_and_name(resource)
        )),
    }
}

/// Remove the annotations `keys` of a resource and return their values, as
/// `meta.RemoveAnnotations` does: annotations left empty are removed altogether.
pub(crate) fn take_annotations<const N: usize>(
    resource: &mut Value,
    keys: [&str; N],
) -> [Option<String>; N] {
    let mut taken = [const { None }; N];
    if let Some(Value::Object(metadata)) = resource.get_mut("metadata")
        && let Some(Value::Object(annotations)) = metadata.get_mut("annotations")
    {
        for (slot, key) in taken.iter_mut().zip(keys) {
            *slot = annotations
                .remove(key)
                .and_then(|v| v.as_str().map(str::to_owned));
        }
        if annotations.is_empty() {
            metadata.remove("annotations");
        }
    }
    taken
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_merge_recurses_into_mappings_and_lets_everything_else_replace() {
        let mut target = json!({"a": {"x": 1, "y": 2}, "b": [1, 2], "c": "old", "d": {}});
        let source = json!({"a": {"y": 3}, "b": [3], "c": null, "d": {"z": 1}});
        merge_override(target.as_object_mut().unwrap(), source.as_object().unwrap());
        assert_eq!(
            target,
            json!({"a": {"x": 1, "y": 3}, "b": [3], "c": null, "d": {"z": 1}})
        );
    }

    #[test]
    fn leaves_are_written_at_their_paths_and_lists_grow() {
        let mut target = json!({"apiVersion": "v1", "spec": {"list": [1]}});
        let data = json!({"apiVersion": "v2", "spec": {"list": [null, null, 3], "new": {"a": true}, "empty": {}}});
        set_leaves(&mut target, &data, &[&["apiVersion"]]).unwrap();
        assert_eq!(
            target,
            json!({"apiVersion": "v1", "spec": {"list": [null, null, 3], "new": {"a": true}}})
        );
        let error = set_leaves(
            &mut json!({"spec": "text"}),
            &json!({"spec": {"a": 1}}),
            &[],
        );
        assert_eq!(error, Err("spec is not a mapping".into()));
    }

    #[test]
    fn keys_are_sorted_at_every_level() {
        let value = sorted(&json!({"b": {"d": 1, "c": [{"f": 1, "e": 2}]}, "a": 1}));
        assert_eq!(
            value.to_string(),
            r#"{"a":1,"b":{"c":[{"e":2,"f":1}],"d":1}}"#
        );
    }

    #[test]
    fn annotations_left_empty_are_removed() {
        let mut resource = json!({"metadata": {"name": "a", "annotations": {"x": "1"}}});
        assert_eq!(
            take_annotations(&mut resource, ["x", "y"]),
            [Some("1".into()), None]
        );
        assert_eq!(resource, json!({"metadata": {"name": "a"}}));
    }
}
