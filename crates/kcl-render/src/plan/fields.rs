//! Fields by path: the leaves two values differ in, and a field removed at the path
//! admission reports it at.

use serde::Serialize;
use serde_json::Value;

/// A field that differs between the old and the new value, at its path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// Where: keys joined by `.`, list items as `[i]`, a key with a `.`, `/`, `[` or `"`
    /// in it as `["key"]` (`metadata.annotations["crossplane.io/external-name"]`).
    pub path: String,
    /// The old value; absent when the field is new.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new value; absent when the field is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// Every field in which `new` differs from `old`, in the order the values are written
/// (the old one's keys first): a field present on one side only is reported whole, a
/// value of another type whole, lists item by item.
pub fn changed_fields(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    diff(old, new, &mut String::new(), &mut out);
    out
}

fn diff(old: &Value, new: &Value, path: &mut String, out: &mut Vec<FieldChange>) {
    // The children both sides may have, each with the step to it from here.
    let children: Vec<(String, Option<&Value>, Option<&Value>)> = match (old, new) {
        (Value::Object(old), Value::Object(new)) => old
            .keys()
            .chain(new.keys().filter(|k| !old.contains_key(*k)))
            .map(|key| (key_step(path, key), old.get(key), new.get(key)))
            .collect(),
        (Value::Array(old), Value::Array(new)) => (0..old.len().max(new.len()))
            .map(|index| (format!("[{index}]"), old.get(index), new.get(index)))
            .collect(),
        (old, new) => {
            if old != new {
                out.push(FieldChange {
                    path: path.clone(),
                    old: Some(old.clone()),
                    new: Some(new.clone()),
                });
            }
            return;
        }
    };
    for (step, old, new) in children {
        let length = path.len();
        path.push_str(&step);
        match (old, new) {
            (Some(a), Some(b)) => diff(a, b, path, out),
            (a, b) => out.push(FieldChange {
                path: path.clone(),
                old: a.cloned(),
                new: b.cloned(),
            }),
        }
        path.truncate(length);
    }
}

/// The step from `path` to its field `key`: `.key`, or `key` at the top, or `["key"]` for
/// a key that would not read back as one.
fn key_step(path: &str, key: &str) -> String {
    if key.contains(['.', '/', '[', '"']) || key.is_empty() {
        format!("[{}]", Value::String(key.to_owned()))
    } else if path.is_empty() {
        key.to_owned()
    } else {
        format!(".{key}")
    }
}

/// Remove the field at a path as admission writes it (`spec.a.b`, list items as `[i]`;
/// a key may itself hold dots); whether there was one.
pub(crate) fn remove_at(value: &mut Value, path: &str) -> bool {
    match value {
        Value::Object(fields) => {
            let key = fields
                .keys()
                .find(|key| {
                    path.strip_prefix(key.as_str())
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
                })
                .cloned();
            let Some(key) = key else {
                return false;
            };
            let rest = &path[key.len()..];
            if rest.is_empty() {
                fields.shift_remove(&key).is_some()
            } else {
                let rest = rest.strip_prefix('.').unwrap_or(rest);
                fields
                    .get_mut(&key)
                    .is_some_and(|child| remove_at(child, rest))
            }
        }
        Value::Array(items) => {
            let Some((index, rest)) = path
                .strip_prefix('[')
                .and_then(|p| p.split_once(']'))
                .and_then(|(index, rest)| Some((index.parse::<usize>().ok()?, rest)))
            else {
                return false;
            };
            if rest.is_empty() {
                if index < items.len() {
                    items.remove(index);
                    return true;
                }
                return false;
            }
            let rest = rest.strip_prefix('.').unwrap_or(rest);
            items
                .get_mut(index)
                .is_some_and(|child| remove_at(child, rest))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn changed_leaves_are_reported_at_their_paths_with_both_values() {
        let old = json!({"spec": {"chart": {"version": "1.0"}, "gone": 1, "list": [1, 2]},
            "metadata": {"annotations": {"crossplane.io/external-name": "a"}}});
        let new = json!({"spec": {"chart": {"version": "1.1"}, "list": [1, 3, 4], "added": {"x": true}},
            "metadata": {"annotations": {"crossplane.io/external-name": "b"}}});
        let paths: Vec<(String, Option<Value>, Option<Value>)> = changed_fields(&old, &new)
            .into_iter()
            .map(|c| (c.path, c.old, c.new))
            .collect();
        assert_eq!(
            paths,
            [
                (
                    "spec.chart.version".into(),
                    Some(json!("1.0")),
                    Some(json!("1.1"))
                ),
                ("spec.gone".into(), Some(json!(1)), None),
                ("spec.list[1]".into(), Some(json!(2)), Some(json!(3))),
                ("spec.list[2]".into(), None, Some(json!(4))),
                ("spec.added".into(), None, Some(json!({"x": true}))),
                (
                    r#"metadata.annotations["crossplane.io/external-name"]"#.into(),
                    Some(json!("a")),
                    Some(json!("b"))
                ),
            ]
        );
        assert!(changed_fields(&old, &old).is_empty());
    }

    #[test]
    fn a_field_is_removed_at_an_admission_path_even_when_its_key_has_dots() {
        let mut xr = json!({"spec": {"apps": {"old": {"enabled": true}, "keep": 1},
            "list": [{"a": 1, "b": 2}], "labels": {"example.org/x": "y"}}});
        assert!(remove_at(&mut xr, "spec.apps.old"));
        assert!(remove_at(&mut xr, "spec.list[0].b"));
        assert!(remove_at(&mut xr, "spec.labels.example.org/x"));
        assert!(!remove_at(&mut xr, "spec.missing"));
        assert_eq!(
            xr,
            json!({"spec": {"apps": {"keep": 1}, "list": [{"a": 1}], "labels": {}}})
        );
    }
}
