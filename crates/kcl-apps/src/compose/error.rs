//! Why apps cannot be lowered: [`ComposeError`], the app and a [`ComposeErrorKind`].

use std::fmt;

use kcl_codegen_syntax::json::JsonError;
use serde_json::Value;

use crate::app::XR_FIELDS;
use crate::schema::SchemaError;

/// Apps that cannot be lowered as they are described: the app and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeError {
    /// The app the problem is in (for a requirement cycle, the first app left unordered).
    pub app: String,
    /// What is wrong (boxed: some kinds carry JSON values, and a `Result` stays small).
    pub kind: Box<ComposeErrorKind>,
}

/// What is wrong with an app; its `Display` is the message after `` app `<key>`: ``.
///
/// Parameter paths are dotted (`server.replicas`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ComposeErrorKind {
    /// The app's parameters schema cannot be compiled to a data dict or an XRD schema.
    /// The message is the schema error's own.
    Parameters(SchemaError),
    /// The key is not a KCL identifier, or starts with `_` (KCL leaves such keys out of
    /// its output).
    KeyNotIdentifier,
    /// Another app has the same key.
    DuplicateKey,
    /// A hand-written part's file or description spans more than one line; both go into
    /// a comment of the generated code.
    HandWrittenNotOneLine,
    /// A pin (of a release or an image) is also declared by another app.
    DuplicatePin {
        /// The pin.
        pin: String,
        /// The app that declared it first.
        other: String,
    },
    /// A release name is also declared by another app.
    DuplicateRelease {
        /// The release name.
        name: String,
        /// The app that declared it first.
        other: String,
    },
    /// An object's name is also used, by a release or an object, in another app.
    DuplicateResourceName {
        /// The object's name.
        name: String,
        /// The app that used it first.
        other: String,
    },
    /// The app requires an app that is not one of the apps.
    UnknownRequirement {
        /// The key the app requires.
        required: String,
    },
    /// The apps' requirements form a cycle, so no app of it can come first.
    RequirementCycle,
    /// A condition (or the `enabled` flag every app has) reads a parameter the app does
    /// not have.
    NoParameter {
        /// The parameter's path.
        path: String,
    },
    /// A condition uses a parameter that is not a boolean as one.
    NotBoolean {
        /// The parameter's path.
        path: String,
    },
    /// A condition compares a parameter that is not an enum with a value.
    NotEnum {
        /// The parameter's path.
        path: String,
    },
    /// A condition compares an enum parameter one of whose values KCL reads as absent
    /// (falsy), so it could not tell that value from an absent one.
    FalsyEnumValue {
        /// The parameter's path.
        path: String,
        /// The falsy value.
        value: Value,
    },
    /// A condition compares an enum parameter with a value it cannot have.
    NotAnEnumValue {
        /// The parameter's path.
        path: String,
        /// The value compared with.
        value: Value,
        /// The enum's values.
        values: Vec<Value>,
    },
    /// An object has no external name and its manifest no `metadata.name` to take it from.
    NoMetadataName {
        /// The object's name.
        object: String,
    },
    /// A manifest or values have a key that starts with `_`, which KCL leaves out of its
    /// output.
    HiddenKey {
        /// Where the key is: the object's name or `values`, then the keys and indices.
        path: String,
    },
    /// A value that KCL cannot hold: an integer beyond 64 bits, or lists and mappings
    /// nested deeper than KCL reads.
    NotKclValue {
        /// What holds it: ``values``, ``the manifest of `<object>` ``, ...
        place: String,
        /// Where in it, and why.
        error: JsonError,
    },
    /// A values part is placed at a path with a key that starts with `_`, which KCL leaves
    /// out of its output.
    HiddenValuesPath {
        /// The path the part is placed at.
        at: String,
        /// The first key of it that starts with `_`.
        key: String,
    },
    /// A values part is placed inside a value that another part set to a non-mapping.
    ValuesOverlapPlainValue {
        /// The path the part is placed at.
        at: String,
    },
    /// A values part placed at the top is not a mapping.
    TopValuesNotMapping,
    /// Two values parts set the same key to values that are not both mappings (one part
    /// sets a scalar or a list where the other sets anything): KCL would fail with
    /// conflicting values when both apply, whatever their conditions.
    ConflictingValues {
        /// The path of the key.
        path: String,
        /// The earlier part: its number, file or `inline`, path and condition.
        first: String,
        /// The later part, described as `first` is.
        second: String,
    },
    /// An `{{ xr:<field> }}` template names no field of the composite resource.
    UnknownXrField {
        /// The template, as written.
        template: String,
    },
    /// An `{{ image:<name> }}` template names no image of the app.
    UnknownImage {
        /// The image name.
        name: String,
    },
    /// A `{{ path }}` template names a field that the parameter it is looked up in does
    /// not have.
    UnknownTemplatePath {
        /// Where the template is written.
        origin: TemplateOrigin,
        /// The template's path, as written (`upstream.adress`).
        path: String,
        /// The parameter the field is looked up in (`upstream`); empty for the app's own
        /// parameters.
        parent: String,
        /// The field it does not have (`adress`).
        field: String,
        /// The path with the closest field instead, when one is close (`upstream.address`).
        suggestion: Option<String>,
    },
    /// A `{{ path }}` template goes on below a parameter that has no fields: a string, a
    /// number, a boolean or a list.
    TemplatePathThroughValue {
        /// Where the template is written.
        origin: TemplateOrigin,
        /// The template's path, as written (`host.name`).
        path: String,
        /// The parameter that has no fields (`host`).
        parent: String,
        /// Its JSON Schema type (`string`).
        ty: String,
    },
}

/// Where a template is written: a YAML file of the app, or its inline YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateOrigin {
    /// A YAML file, as the app names it (`values/cache.yaml`).
    File(String),
    /// The inline values of a release.
    InlineValues {
        /// The release's name.
        release: String,
    },
    /// The inline manifest of an object.
    InlineManifest {
        /// The object's name.
        object: String,
    },
}

impl fmt::Display for TemplateOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateOrigin::File(file) => write!(f, "`{file}`"),
            TemplateOrigin::InlineValues { release } => {
                write!(f, "the inline values of release `{release}`")
            }
            TemplateOrigin::InlineManifest { object } => {
                write!(f, "the inline manifest of object `{object}`")
            }
        }
    }
}

impl fmt::Display for ComposeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "app `{}`: {}", self.app, self.kind)
    }
}

/// The message includes its cause; `source()` also exposes the schema error of
/// [`ComposeErrorKind::Parameters`] to callers that inspect it.
impl std::error::Error for ComposeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.kind {
            ComposeErrorKind::Parameters(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for ComposeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ComposeErrorKind::*;
        match self {
            Parameters(e) => e.fmt(f),
            KeyNotIdentifier => f.write_str(
                "the key is not a KCL identifier that KCL outputs (letters, digits and `_`, \
                 not starting with a digit or `_`)",
            ),
            DuplicateKey => f.write_str("the key is declared by two apps"),
            HandWrittenNotOneLine => f.write_str(
                "a hand-written part's file and description are one line each: they are \
                 a comment of the generated code",
            ),
            DuplicatePin { pin, other } => {
                write!(f, "the pin `{pin}` is also declared by `{other}`")
            }
            DuplicateRelease { name, other } => {
                write!(f, "the release `{name}` is also declared by `{other}`")
            }
            DuplicateResourceName { name, other } => {
                write!(f, "the resource name `{name}` is also used by `{other}`")
            }
            UnknownRequirement { required } => {
                write!(f, "requires `{required}`, which is not one of the apps")
            }
            RequirementCycle => f.write_str("the apps' requirements form a cycle"),
            NoParameter { path } => write!(f, "has no parameter `{path}`"),
            NotBoolean { path } => write!(
                f,
                "the parameter `{path}` is used as a condition but is not a boolean"
            ),
            NotEnum { path } => write!(
                f,
                "the parameter `{path}`: a condition compares an enum parameter with one of \
                 its values"
            ),
            FalsyEnumValue { path, value } => write!(
                f,
                "the parameter `{path}`: the value {value} reads as absent in KCL, so a \
                 condition cannot compare with it"
            ),
            NotAnEnumValue {
                path,
                value,
                values,
            } => {
                let values: Vec<String> = values.iter().map(Value::to_string).collect();
                write!(
                    f,
                    "the parameter `{path}`: {value} is not one of its values ({})",
                    values.join(", ")
                )
            }
            NoMetadataName { object } => {
                write!(f, "the manifest of `{object}` has no metadata.name")
            }
            HiddenKey { path } => write!(
                f,
                "`{path}`: KCL drops keys that start with `_` from its output"
            ),
            NotKclValue { place, error } if error.path.is_empty() => {
                write!(f, "{place}: {}", error.problem)
            }
            NotKclValue { place, error } => {
                write!(f, "{place} at `{}`: {}", error.path, error.problem)
            }
            HiddenValuesPath { at, key } => write!(
                f,
                "values at `{at}`: KCL drops keys that start with `_` (`{key}`) from its output"
            ),
            ValuesOverlapPlainValue { at } => write!(f, "values at `{at}` overlap a plain value"),
            TopValuesNotMapping => f.write_str("values at the top must be a mapping"),
            ConflictingValues {
                path,
                first,
                second,
            } => write!(
                f,
                "{first} and {second} both set `{path}`, and not both to mappings; KCL would \
                 fail with conflicting values when both apply"
            ),
            UnknownXrField { template } => write!(
                f,
                "`{template}` names no field of the composite resource; templates read {}",
                xr_fields()
            ),
            UnknownImage { name } => {
                write!(f, "`{{{{ image:{name} }}}}` names no image of the app")
            }
            UnknownTemplatePath {
                origin,
                path,
                parent,
                field,
                suggestion,
            } => {
                write!(f, "{origin}: `{{{{ {path} }}}}` names no parameter")?;
                if !parent.is_empty() {
                    write!(f, ": `{parent}` has no field `{field}`")?;
                }
                match suggestion {
                    Some(suggestion) => write!(f, "; did you mean `{{{{ {suggestion} }}}}`?"),
                    None => Ok(()),
                }
            }
            TemplatePathThroughValue {
                origin,
                path,
                parent,
                ty,
            } => write!(
                f,
                "{origin}: `{{{{ {path} }}}}` names no parameter: `{parent}` is of type `{ty}`, \
                 which has no fields"
            ),
        }
    }
}

/// The error `kind` in the app `app`.
pub(super) fn error(app: &str, kind: ComposeErrorKind) -> ComposeError {
    ComposeError {
        app: app.to_owned(),
        kind: Box::new(kind),
    }
}

/// The error that `place` in the app `app` holds a value KCL cannot hold, for `map_err`.
pub(super) fn not_kcl_value(app: &str, place: String) -> impl FnOnce(JsonError) -> ComposeError {
    move |error| self::error(app, ComposeErrorKind::NotKclValue { place, error })
}

/// `` `{{ xr:name }}`, `{{ xr:namespace }}` ``: what templates read of the composite resource.
fn xr_fields() -> String {
    let fields: Vec<String> = (XR_FIELDS.iter())
        .map(|(name, _)| format!("`{{{{ xr:{name} }}}}`"))
        .collect();
    fields.join(", ")
}
