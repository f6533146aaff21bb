//! The checks made before anything is lowered: the apps as a set (keys, pins, resource
//! names, requirements), and in each app what KCL would drop or read wrongly (hand-written
//! comments, keys that start with `_`, templates that name nothing).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::error::{
    ComposeError, ComposeErrorKind, ComposeErrorKind::*, TemplateOrigin, error, not_kcl_value,
};
use super::parameters::Parameters;
use super::values::{Template, template};
use crate::app::AppSpec;
use kcl_codegen_syntax::json;
use kcl_codegen_syntax::lexical::is_identifier;

/// Check the apps; each one with its parameters schema compiled, in the same order.
pub(super) fn apps(apps: &[AppSpec]) -> Result<Vec<Parameters<'_>>, ComposeError> {
    let mut keys = BTreeSet::new();
    let mut pins = BTreeMap::new();
    let mut names = BTreeMap::new();
    let mut checked = Vec::with_capacity(apps.len());
    for app in apps {
        if !is_identifier(&app.key) || app.key.starts_with('_') {
            return Err(error(&app.key, KeyNotIdentifier));
        }
        if !keys.insert(app.key.as_str()) {
            return Err(error(&app.key, DuplicateKey));
        }
        let parameters = Parameters::compile(app)?;
        // Every app is switched on by a boolean `enabled`.
        parameters.bool_default(&["enabled".into()])?;
        for part in &app.hand_written {
            if [&part.file, &part.what]
                .iter()
                .any(|text| text.contains(['\n', '\r']))
            {
                return Err(error(&app.key, HandWrittenNotOneLine));
            }
        }
        let image_pins = app.images.iter().map(|image| image.pin.as_str());
        for pin in (app.releases.iter().map(|r| r.pin.as_str())).chain(image_pins) {
            claim(&mut pins, pin, &app.key, |other| DuplicatePin {
                pin: pin.to_owned(),
                other,
            })?;
        }
        for release in &app.releases {
            claim(&mut names, &release.name, &app.key, |other| {
                DuplicateRelease {
                    name: release.name.clone(),
                    other,
                }
            })?;
        }
        for object in &app.objects {
            claim(&mut names, &object.name, &app.key, |other| {
                DuplicateResourceName {
                    name: object.name.clone(),
                    other,
                }
            })?;
        }
        yaml(&parameters)?;
        checked.push(parameters);
    }
    for app in apps {
        for required in &app.requires {
            if !keys.contains(required.as_str()) {
                let required = required.clone();
                return Err(error(&app.key, UnknownRequirement { required }));
            }
        }
    }
    Ok(checked)
}

/// Record that `app` takes `name`; when another app took it first, the error `taken`
/// makes of that app's key.
fn claim<'a>(
    owners: &mut BTreeMap<&'a str, &'a str>,
    name: &'a str,
    app: &'a str,
    taken: impl FnOnce(String) -> ComposeErrorKind,
) -> Result<(), ComposeError> {
    match owners.insert(name, app) {
        Some(other) => Err(error(app, taken(other.to_owned()))),
        None => Ok(()),
    }
}

/// The app's values and manifests: no key KCL would drop, and every template names
/// something the app has.
fn yaml(app: &Parameters) -> Result<(), ComposeError> {
    let key = &app.app.key;
    for release in &app.app.releases {
        for part in &release.values {
            if let Some(hidden) = part.at.iter().find(|key| key.starts_with('_')) {
                let kind = HiddenValuesPath {
                    at: part.at.join("."),
                    key: hidden.clone(),
                };
                return Err(error(key, kind));
            }
            visible_keys(key, &part.value, "values")?;
            kcl_value(key, &part.value, || "values".to_owned())?;
            templates(app, &part.value, &|| match &part.file {
                Some(file) => TemplateOrigin::File(file.clone()),
                None => TemplateOrigin::InlineValues {
                    release: release.name.clone(),
                },
            })?;
        }
    }
    for object in &app.app.objects {
        visible_keys(key, &object.manifest, &object.name)?;
        kcl_value(key, &object.manifest, || {
            format!("the manifest of `{}`", object.name)
        })?;
        templates(app, &object.manifest, &|| match &object.file {
            Some(file) => TemplateOrigin::File(file.clone()),
            None => TemplateOrigin::InlineManifest {
                object: object.name.clone(),
            },
        })?;
    }
    Ok(())
}

/// KCL leaves keys that start with `_` out of its output, so such a key in a manifest or
/// in values would silently vanish: refuse it instead.
fn visible_keys(app: &str, value: &Value, path: &str) -> Result<(), ComposeError> {
    match value {
        Value::Object(map) => map.iter().try_for_each(|(key, v)| {
            let path = format!("{path}.{key}");
            if key.starts_with('_') {
                return Err(error(app, HiddenKey { path }));
            }
            visible_keys(app, v, &path)
        }),
        Value::Array(items) => (items.iter().enumerate())
            .try_for_each(|(i, v)| visible_keys(app, v, &format!("{path}[{i}]"))),
        _ => Ok(()),
    }
}

/// KCL holds `value`, which `place` names: no integer beyond 64 bits, no nesting deeper
/// than KCL reads ([`kcl_codegen_syntax::json::check`], the rule the printer applies).
fn kcl_value(app: &str, value: &Value, place: impl FnOnce() -> String) -> Result<(), ComposeError> {
    json::check(value).map_err(|e| not_kcl_value(app, place())(e))
}

/// Every template in `value`, which is written at `origin`, names an image, a field of
/// the composite resource or a parameter of the app.
fn templates(
    app: &Parameters,
    value: &Value,
    origin: &dyn Fn() -> TemplateOrigin,
) -> Result<(), ComposeError> {
    match value {
        Value::String(s) => match template(app, s)? {
            Some(Template::Parameter(path)) => app.check_template(&path, origin),
            _ => Ok(()),
        },
        Value::Array(items) => (items.iter()).try_for_each(|v| templates(app, v, origin)),
        Value::Object(map) => (map.values()).try_for_each(|v| templates(app, v, origin)),
        _ => Ok(()),
    }
}
