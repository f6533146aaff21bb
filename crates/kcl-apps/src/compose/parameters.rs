//! An app's parameters: their JSON Schema, compiled once per app to its structural form,
//! which conditions and templates are checked against, and the KCL that reads them.

use serde_json::Value;

use super::conventions::{APPS_VAR, enabled_var};
use super::error::{
    ComposeError, ComposeErrorKind, ComposeErrorKind::*, TemplateOrigin, error, not_kcl_value,
};
use crate::app::{AppSpec, Condition};
use crate::ast::{BinOp, Expr};
use crate::schema;
use kcl_apps_model::did_you_mean;

/// An app together with its parameters schema, compiled once: what the lowering reads the
/// app through.
pub(super) struct Parameters<'a> {
    /// The app.
    pub app: &'a AppSpec,
    /// The structural schema of its parameters ([`schema::structural`]).
    pub schema: Value,
}

impl<'a> Parameters<'a> {
    /// Compile the app's parameters schema; an error when it cannot be.
    pub fn compile(app: &'a AppSpec) -> Result<Self, ComposeError> {
        let schema = schema::structural(&app.parameters)
            .map_err(|e| error(&app.key, ComposeErrorKind::Parameters(e)))?;
        Ok(Parameters { app, schema })
    }

    /// The schema of the parameter at `path`.
    fn property(&self, path: &[String]) -> Option<&Value> {
        path.iter()
            .try_fold(&self.schema, |node, part| node.get("properties")?.get(part))
    }

    /// The schema of the parameter at `path` and the path dotted, or an error when the app
    /// has no such parameter.
    fn declared(&self, path: &[String]) -> Result<(&Value, String), ComposeError> {
        let dotted = path.join(".");
        match self.property(path) {
            Some(node) => Ok((node, dotted)),
            None => Err(error(&self.app.key, NoParameter { path: dotted })),
        }
    }

    /// The default of a boolean parameter; an error when the parameter is missing or not a
    /// boolean.
    pub fn bool_default(&self, path: &[String]) -> Result<Option<&Value>, ComposeError> {
        let (node, dotted) = self.declared(path)?;
        if node.get("type") != Some(&Value::String("boolean".into())) {
            return Err(error(&self.app.key, NotBoolean { path: dotted }));
        }
        Ok(node.get("default"))
    }

    /// The default of an enum parameter compared with `value`; an error when the
    /// parameter is missing, not an enum, has a falsy value (KCL could not tell it from an
    /// absent one), or cannot be `value`.
    pub fn enum_default(
        &self,
        path: &[String],
        value: &Value,
    ) -> Result<Option<&Value>, ComposeError> {
        let (node, dotted) = self.declared(path)?;
        let values: Vec<&Value> = (node.get("enum").and_then(Value::as_array).into_iter())
            .flatten()
            .filter(|v| !v.is_null())
            .collect();
        let problem = if values.is_empty() {
            NotEnum { path: dotted }
        } else if let Some(falsy) = values.iter().find(|v| !is_truthy(v)) {
            FalsyEnumValue {
                path: dotted,
                value: (*falsy).clone(),
            }
        } else if !values.contains(&value) {
            NotAnEnumValue {
                path: dotted,
                value: value.clone(),
                values: values.into_iter().cloned().collect(),
            }
        } else {
            return Ok(node.get("default"));
        };
        Err(error(&self.app.key, problem))
    }

    /// Whether the `{{ path }}` template at `origin` reads a parameter, by serde names.
    ///
    /// A path goes on below a map (`BTreeMap<String, _>`) by any key, into the map's
    /// values, and stops being checked below a free-form value (`serde_json::Value`): the
    /// schema does not say which keys they have.
    pub fn check_template(
        &self,
        path: &[&str],
        origin: impl FnOnce() -> TemplateOrigin,
    ) -> Result<(), ComposeError> {
        let mut node = &self.schema;
        for (i, field) in path.iter().enumerate() {
            if node.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true)) {
                return Ok(());
            }
            if let Some(values) = node.get("additionalProperties") {
                node = values;
                continue;
            }
            let parent = path[..i].join(".");
            let Some(properties) = node.get("properties").and_then(Value::as_object) else {
                let ty = node
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown");
                let kind = TemplatePathThroughValue {
                    origin: origin(),
                    path: path.join("."),
                    parent,
                    ty: ty.to_owned(),
                };
                return Err(error(&self.app.key, kind));
            };
            match properties.get(*field) {
                Some(property) => node = property,
                None => {
                    let fields = properties.keys().map(String::as_str);
                    let suggestion = did_you_mean(field, fields).map(|closest| {
                        let mut fixed = path.to_vec();
                        fixed[i] = closest;
                        fixed.join(".")
                    });
                    let kind = UnknownTemplatePath {
                        origin: origin(),
                        path: path.join("."),
                        parent,
                        field: (*field).to_owned(),
                        suggestion,
                    };
                    return Err(error(&self.app.key, kind));
                }
            }
        }
        Ok(())
    }

    /// `_apps?.<key>?.<path...>`: the parameter at `path`.
    pub fn read(&self, path: &[impl AsRef<str>]) -> Expr {
        read(&self.app.key, path)
    }

    /// The KCL test of a condition.
    pub fn condition(&self, condition: &Condition) -> Result<Expr, ComposeError> {
        match condition {
            Condition::AppEnabled(key) => Ok(Expr::name(enabled_var(key))),
            Condition::Field(path) => {
                let value = self.read(path);
                match self.bool_default(path)? {
                    // Absent means true: only an explicit `false` switches it off.
                    Some(Value::Bool(true)) => Ok(value.binary(BinOp::NotEq, Expr::Bool(false))),
                    _ => Ok(value.binary(BinOp::Eq, Expr::Bool(true))),
                }
            }
            Condition::FieldIs { path, value } => {
                let parameter = self.read(path);
                let place = format!("the condition on `{}`", path.join("."));
                let literal =
                    Expr::try_from_json(value).map_err(not_kcl_value(&self.app.key, place))?;
                let equal = parameter.clone().binary(BinOp::Eq, literal);
                if self.enum_default(path, value)? == Some(value) {
                    // Absent (`None`, or `Undefined` when the XR was not defaulted) means the
                    // default, which is this value; every value of the enum is truthy.
                    Ok(equal.binary(BinOp::Or, parameter.not()))
                } else {
                    Ok(equal)
                }
            }
        }
    }
}

/// `_apps?.<key>?.<path...>`: the parameter at `path` of the app `key`, null-safe all the
/// way.
pub(super) fn read(key: &str, path: &[impl AsRef<str>]) -> Expr {
    path.iter()
        .fold(Expr::name(APPS_VAR).attr_opt(key), |expr, part| {
            expr.attr_opt(part.as_ref())
        })
}

/// Whether KCL reads a value as true (in `if`, `not`, `or`): not `None`, `False`, zero
/// or empty.
pub fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}
