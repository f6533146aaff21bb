//! The templates in an app's YAML (`{{ image:<name> }}`, `{{ xr:<field> }}`, `{{ path }}`),
//! resolved against what the derive knows: the app's images, the composite resource's
//! fields, and the struct's fields by their serde names.

use darling::Error;
use kcl_apps_model::did_you_mean;
use kcl_codegen_syntax::template::{IMAGE_TAG, Reference, XR_FIELDS, XR_TAG};
use serde_json::Value;
use syn::{Ident, LitStr};

use crate::fields::Fields;

/// What the templates of one app may name.
pub struct Templates<'a> {
    /// The struct's fields, as serde names them.
    pub fields: &'a Fields,
    /// The app's type, for messages.
    pub app: &'a Ident,
    /// The names of the images the attribute declares.
    pub images: Vec<String>,
}

impl Templates<'_> {
    /// Every `{{ image:<name> }}`, `{{ xr:<field> }}` and `{{ path }}` in the YAML read from
    /// `lit` (a file when `from_file`) names an image, a field of the composite resource or
    /// a parameter. Only a path's first segment is looked up: the derive sees the struct's
    /// fields, not those of the types they hold (kcl-apps checks the whole path against
    /// the parameters' schema when it lowers the app).
    pub fn check(&self, value: &Value, lit: &LitStr, from_file: bool) -> darling::Result<()> {
        let origin = if from_file {
            format!("`{}`: ", lit.value())
        } else {
            String::new()
        };
        let mut errors = Error::accumulator();
        for template in strings(value) {
            let message = match Reference::parse(template) {
                Some(Reference::Path(path)) => self.parameter_reference(&path),
                Some(reference) => match (reference.tagged(IMAGE_TAG), reference.tagged(XR_TAG)) {
                    (Some(name), _) => self.image_reference(name),
                    (_, Some(field)) => xr_reference(field),
                    // Another tag is a plain string.
                    _ => None,
                },
                None => None,
            };
            if let Some(message) = message {
                errors.push(Error::custom(format!("{origin}{message}")).with_span(lit));
            }
        }
        errors.finish()
    }

    /// What is wrong with `{{ image:<name> }}`, if anything.
    fn image_reference(&self, name: &str) -> Option<String> {
        if self.images.iter().any(|image| image == name) {
            return None;
        }
        let known = if self.images.is_empty() {
            "the app declares no `image(...)`".to_owned()
        } else {
            let known: Vec<String> = self.images.iter().map(|i| format!("`{i}`")).collect();
            format!("the app's images are {}", known.join(", "))
        };
        Some(format!("`{{{{ image:{name} }}}}` names no image: {known}"))
    }

    /// What is wrong with `{{ path }}`, if anything: its first segment is no parameter.
    fn parameter_reference(&self, path: &[&str]) -> Option<String> {
        if !self.fields.known || self.fields.flattened {
            // With a flattened field the parameters have names the derive cannot see.
            return None;
        }
        let (name, whole) = (path[0], path.join("."));
        let parameters = self.fields.all.iter().filter(|f| !f.skipped);
        let names: Vec<&str> = parameters.map(|f| f.name.as_str()).collect();
        match self.fields.all.iter().find(|f| f.name == name) {
            Some(field) if field.skipped => Some(format!(
                "`{{{{ {whole} }}}}` reads `{name}`, which serde skips, so the parameters cannot \
                 set it"
            )),
            Some(_) => None,
            None => {
                let hint = match did_you_mean(name, names.iter().copied()) {
                    Some(field) => {
                        let mut fixed = path.to_vec();
                        fixed[0] = field;
                        format!("; did you mean `{{{{ {} }}}}`?", fixed.join("."))
                    }
                    None => {
                        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                        format!("; its parameters are {}", names.join(", "))
                    }
                };
                Some(format!(
                    "`{{{{ {whole} }}}}` names no parameter of `{}`{hint}",
                    self.app
                ))
            }
        }
    }
}

/// What is wrong with `{{ xr:<field> }}`, if anything: it names a field of the composite
/// resource that templates read.
fn xr_reference(field: &str) -> Option<String> {
    if XR_FIELDS.iter().any(|(known, _)| *known == field) {
        return None;
    }
    let hint = match did_you_mean(field, XR_FIELDS.iter().map(|(known, _)| *known)) {
        Some(known) => format!("did you mean `{{{{ xr:{known} }}}}`?"),
        None => {
            let known: Vec<String> = (XR_FIELDS.iter())
                .map(|(known, _)| format!("`{{{{ xr:{known} }}}}`"))
                .collect();
            format!("templates read {}", known.join(", "))
        }
    };
    Some(format!(
        "`{{{{ xr:{field} }}}}` names no field of the composite resource; {hint}"
    ))
}

/// Every string of a YAML value, in order.
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(map) => map.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}
