//! Lowering apps to KCL: the pins, the enabled flags and one block per app of a
//! composition, the data dicts and the XRD properties.
//!
//! The generated composition code relies on a few names it shares with the hand-written
//! part of the composition (see [`Conventions`]): the list the composed resources are
//! collected in, and the schemas that turn a release, an object and a usage into the
//! resources Crossplane expects. [`crate::resources`] generates those schemas from the
//! same names; a composition may write its own instead.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::app::{
    ARCHIVE_VERSION, AppSpec, ChartSource, Condition, Image, Object, Release, Values, XR_FIELDS,
};
use crate::ast::{AssignOp, BinOp, Entry, Expr, IfChain, Key, ListItem, Module, Stmt};
use crate::resources::field;
use crate::schema::{self, SchemaError};
use ComposeErrorKind::*;
use kcl_codegen_syntax::lexical::is_identifier;
use kcl_codegen_syntax::template::{IMAGE_TAG, Reference, XR_TAG};

/// The names the generated code shares with the hand-written part of the composition.
#[derive(Debug, Clone, PartialEq)]
pub struct Conventions {
    /// The expression of the apps parameters of the composite resource.
    pub apps: Expr,
    /// The variable the apps' composed resources are assigned to, as one list.
    pub items: String,
    /// The schema that makes a Helm `Release` from `_name`, `_chart`, `_repository` or
    /// `_url`, `_version` (absent for an archive URL), `_namespace` and `_values`.
    pub release_schema: String,
    /// The schema that makes a Kubernetes `Object` from `_name`, `_externalName`,
    /// `_manifest` and `_retain`.
    pub object_schema: String,
    /// The schema that makes a `Usage` from `_nameSuffix` and `_kind`; `None` composes no
    /// `Usage` at all (else each release and object has one, unless it says otherwise).
    pub usage_schema: Option<String>,
    /// The expression of the composite resource, whose name and namespace templates read
    /// as `{{ xr:name }}` and `{{ xr:namespace }}`.
    pub xr: Expr,
    /// The prefix of app resources' composition names, after the composite's name.
    pub resource_prefix: String,
    /// Where the objects' manifests are: `None` writes each one into the logic, where its
    /// object is composed; `Some(name)` makes them named data, the dict `name` keyed by
    /// object name that [`manifests`] generates, and the logic refers to it.
    pub manifests: Option<String>,
}

impl Default for Conventions {
    /// `oxr.spec.parameters?.apps`, `_appItems`, `release`, `object`, `usage`, `oxr` and
    /// `app-`, manifests in the logic.
    fn default() -> Self {
        Conventions {
            apps: Expr::name("oxr")
                .attr("spec")
                .attr("parameters")
                .attr_opt("apps"),
            items: "_appItems".into(),
            release_schema: "release".into(),
            object_schema: "object".into(),
            usage_schema: Some("usage".into()),
            xr: Expr::name("oxr"),
            resource_prefix: "app-".into(),
            manifests: None,
        }
    }
}

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
    /// Two values parts set the same key to values that are not both mappings: KCL
    /// would fail with conflicting values when both apply.
    ConflictingValues {
        /// The path of the key.
        path: String,
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
            HiddenValuesPath { at, key } => write!(
                f,
                "values at `{at}`: KCL drops keys that start with `_` (`{key}`) from its output"
            ),
            ValuesOverlapPlainValue { at } => write!(f, "values at `{at}` overlap a plain value"),
            TopValuesNotMapping => f.write_str("values at the top must be a mapping"),
            ConflictingValues { path } => write!(
                f,
                "two values parts set `{path}`; KCL would fail with conflicting values when \
                 both apply"
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

fn error(app: &str, kind: ComposeErrorKind) -> ComposeError {
    ComposeError {
        app: app.to_owned(),
        kind: Box::new(kind),
    }
}

/// The name of the local variable that holds whether an app is enabled.
const APPS_VAR: &str = "_apps";

fn enabled_var(key: &str) -> String {
    format!("_{key}Enabled")
}

/// The pins: one variable per release and per image, each with the comment a dependency
/// bot reads.
pub fn pins(apps: &[AppSpec]) -> Module {
    let mut body = Vec::new();
    for app in apps {
        for release in &app.releases {
            body.push(Stmt::Comment(renovate_comment(release)));
            body.push(Stmt::assign(
                release.pin.clone(),
                Expr::str(release.version.clone()),
            ));
        }
        for image in &app.images {
            body.push(Stmt::Comment(format!(
                "renovate: datasource=docker depName={}",
                image.repository
            )));
            body.push(Stmt::assign(
                image.pin.clone(),
                Expr::str(image.tag.clone()),
            ));
        }
    }
    Module { body }
}

/// `renovate: datasource=... depName=... [registryUrl=...]` for a release's chart.
pub(crate) fn renovate_comment(release: &Release) -> String {
    match &release.source {
        ChartSource::Repository(repository) => format!(
            "renovate: datasource=helm depName={} registryUrl={}",
            release.chart, repository
        ),
        ChartSource::Oci(repository) => format!(
            "renovate: datasource=docker depName={}/{}",
            repository.trim_start_matches("oci://"),
            release.chart
        ),
        ChartSource::Archive(url) => format!(
            "renovate: datasource=helm depName={} registryUrl={}",
            release.chart,
            url.rsplit_once('/').map_or(url.as_str(), |(dir, _)| dir)
        ),
    }
}

/// The apps part of the composition: which apps are enabled, then one list of every
/// enabled app's releases, objects and usages.
///
/// The list is one expression, assigned once: KCL 0.12 can evaluate a top-level list that
/// is extended by several `+=` statements more than once, composing duplicates.
pub fn apps_block(apps: &[AppSpec], conventions: &Conventions) -> Result<Module, ComposeError> {
    check_apps(apps)?;
    let mut body = vec![
        Stmt::assign(APPS_VAR, conventions.apps.clone()),
        Stmt::Comment(
            "An app is enabled when asked for, or when an enabled app requires it.".into(),
        ),
    ];
    for app in enabled_order(apps)? {
        for part in &app.hand_written {
            body.push(Stmt::Comment(format!(
                "{} continues by hand in {}: {}",
                app.key, part.file, part.what
            )));
        }
        body.push(Stmt::assign(enabled_var(&app.key), enabled_expr(app, apps)));
    }
    let mut items = Vec::new();
    for app in apps {
        items.push(ListItem::If(IfChain {
            branches: vec![(
                Expr::name(enabled_var(&app.key)),
                app_items(app, conventions)?,
            )],
            orelse: None,
        }));
    }
    body.push(Stmt::Blank);
    body.push(Stmt::assign(conventions.items.clone(), Expr::List(items)));
    Ok(Module { body })
}

/// The data dicts of the apps: `app<Key> = {...}` per app, in the dot format of
/// [`schema::data_dict`].
pub fn data_dicts(apps: &[AppSpec]) -> Result<Module, ComposeError> {
    let mut body = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        if i > 0 {
            body.push(Stmt::Blank);
        }
        let mut dict =
            schema::data_dict(&app.parameters).map_err(|e| error(&app.key, Parameters(e)))?;
        set_description(&mut dict, &full_description(app));
        body.push(Stmt::assign(
            data_dict_name(&app.key),
            Expr::from_json(&dict).with_dotted_keys(),
        ));
    }
    Ok(Module { body })
}

/// The variable a data dict is generated as: `redis` -> `appRedis`.
pub(crate) fn data_dict_name(key: &str) -> String {
    let mut chars = key.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    format!(
        "app{}{}",
        first.into_iter().collect::<String>(),
        chars.as_str()
    )
}

/// The structural schema of every app, keyed by app key: the `properties` of the apps
/// object of an XRD.
pub fn xrd_properties(apps: &[AppSpec]) -> Result<serde_json::Map<String, Value>, ComposeError> {
    let mut properties = serde_json::Map::new();
    for app in apps {
        let mut schema =
            schema::structural(&app.parameters).map_err(|e| error(&app.key, Parameters(e)))?;
        set_description(&mut schema, &full_description(app));
        properties.insert(app.key.clone(), schema);
    }
    Ok(properties)
}

/// The app's description, followed by what enabling it switches on.
pub(crate) fn full_description(app: &AppSpec) -> String {
    if app.requires.is_empty() {
        return app.description.clone();
    }
    let required: Vec<String> = app.requires.iter().map(|k| format!("`{k}`")).collect();
    format!(
        "{} Requires {}: enabling this app enables {} too.",
        app.description.trim_end(),
        required.join(", "),
        if required.len() == 1 { "it" } else { "them" }
    )
}

fn set_description(schema: &mut Value, description: &str) {
    if let Value::Object(map) = schema {
        // The description goes right after `type`, where readers look for it; the other
        // keys keep their order (`remove` would move the last key into the gap).
        let mut ordered = serde_json::Map::new();
        if let Some(t) = map.shift_remove("type") {
            ordered.insert("type".into(), t);
        }
        ordered.insert("description".into(), Value::String(description.to_owned()));
        map.shift_remove("description");
        ordered.append(map);
        *map = ordered;
    }
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

/// Every app has an `enabled` boolean, unique keys, and requires only known apps.
fn check_apps(apps: &[AppSpec]) -> Result<(), ComposeError> {
    let mut keys = BTreeSet::new();
    let mut pins = BTreeMap::new();
    let mut names = BTreeMap::new();
    for app in apps {
        if !is_identifier(&app.key) || app.key.starts_with('_') {
            return Err(error(&app.key, KeyNotIdentifier));
        }
        if !keys.insert(app.key.as_str()) {
            return Err(error(&app.key, DuplicateKey));
        }
        // Every app is switched on by a boolean `enabled`.
        field_default(app, &["enabled".into()])?;
        check_template_paths(app)?;
        for part in &app.hand_written {
            if [&part.file, &part.what]
                .iter()
                .any(|text| text.contains(['\n', '\r']))
            {
                return Err(error(&app.key, HandWrittenNotOneLine));
            }
        }
        let image_pins = app.images.iter().map(|image| image.pin.as_str());
        for pin in app
            .releases
            .iter()
            .map(|r| r.pin.as_str())
            .chain(image_pins)
        {
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
    }
    for app in apps {
        for required in &app.requires {
            if !keys.contains(required.as_str()) {
                return Err(error(
                    &app.key,
                    UnknownRequirement {
                        required: required.clone(),
                    },
                ));
            }
        }
    }
    Ok(())
}

/// Every `{{ path }}` template of the app's values and manifests reads a parameter of its
/// schema, by serde names.
///
/// A path goes on below a map (`BTreeMap<String, _>`) by any key, into the map's values,
/// and stops being checked below a free-form value (`serde_json::Value`): the schema does
/// not say which keys they have.
fn check_template_paths(app: &AppSpec) -> Result<(), ComposeError> {
    let parameters =
        schema::structural(&app.parameters).map_err(|e| error(&app.key, Parameters(e)))?;
    let check = |value: &Value, origin: &dyn Fn() -> TemplateOrigin| {
        for path in template_paths(value) {
            if let Some(problem) = path_problem(&parameters, &path, origin) {
                return Err(error(&app.key, problem));
            }
        }
        Ok(())
    };
    for release in &app.releases {
        for part in &release.values {
            check(&part.value, &|| match &part.file {
                Some(file) => TemplateOrigin::File(file.clone()),
                None => TemplateOrigin::InlineValues {
                    release: release.name.clone(),
                },
            })?;
        }
    }
    for object in &app.objects {
        check(&object.manifest, &|| match &object.file {
            Some(file) => TemplateOrigin::File(file.clone()),
            None => TemplateOrigin::InlineManifest {
                object: object.name.clone(),
            },
        })?;
    }
    Ok(())
}

/// The paths of the `{{ path }}` templates in a value, in order.
fn template_paths(value: &Value) -> Vec<Vec<&str>> {
    match value {
        Value::String(s) => match Reference::parse(s) {
            Some(Reference::Path(path)) => vec![path],
            _ => Vec::new(),
        },
        Value::Array(items) => items.iter().flat_map(template_paths).collect(),
        Value::Object(map) => map.values().flat_map(template_paths).collect(),
        _ => Vec::new(),
    }
}

/// Why `path` reads no parameter of the structural schema `parameters`, if it does not.
fn path_problem(
    parameters: &Value,
    path: &[&str],
    origin: &dyn Fn() -> TemplateOrigin,
) -> Option<ComposeErrorKind> {
    let mut node = parameters;
    for (i, field) in path.iter().enumerate() {
        if node.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true)) {
            // A free-form value: any path below it may exist.
            return None;
        }
        if let Some(values) = node.get("additionalProperties") {
            // A map: the segment is a key, the rest reads its value.
            node = values;
            continue;
        }
        let parent = path[..i].join(".");
        let Some(properties) = node.get("properties").and_then(Value::as_object) else {
            let ty = node
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            return Some(TemplatePathThroughValue {
                origin: origin(),
                path: path.join("."),
                parent,
                ty: ty.to_owned(),
            });
        };
        match properties.get(*field) {
            Some(property) => node = property,
            None => {
                let suggestion = did_you_mean(field, properties.keys()).map(|closest| {
                    let mut fixed = path.to_vec();
                    fixed[i] = closest;
                    fixed.join(".")
                });
                return Some(UnknownTemplatePath {
                    origin: origin(),
                    path: path.join("."),
                    parent,
                    field: (*field).to_owned(),
                    suggestion,
                });
            }
        }
    }
    None
}

/// The candidate closest to `name`, if one is close enough to be a likely misspelling.
fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a String>) -> Option<&'a str> {
    candidates
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate.as_str()))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// The apps in an order where every app comes after all the apps that require it, so that
/// each enabled flag can read theirs. A cycle is an error.
fn enabled_order(apps: &[AppSpec]) -> Result<Vec<&AppSpec>, ComposeError> {
    let mut order: Vec<&AppSpec> = Vec::with_capacity(apps.len());
    let mut placed = BTreeSet::new();
    while order.len() < apps.len() {
        let ready = apps.iter().find(|app| {
            !placed.contains(app.key.as_str())
                && requirers(app, apps).all(|r| placed.contains(r.key.as_str()))
        });
        match ready {
            Some(app) => {
                placed.insert(app.key.as_str());
                order.push(app);
            }
            None => {
                let stuck = apps
                    .iter()
                    .find(|a| !placed.contains(a.key.as_str()))
                    .map_or("", |a| a.key.as_str());
                return Err(error(stuck, RequirementCycle));
            }
        }
    }
    Ok(order)
}

fn requirers<'a>(app: &'a AppSpec, apps: &'a [AppSpec]) -> impl Iterator<Item = &'a AppSpec> {
    apps.iter()
        .filter(|other| other.requires.contains(&app.key))
}

/// `_apps?.<key>?.enabled == True or _<requirer>Enabled ...`
fn enabled_expr(app: &AppSpec, apps: &[AppSpec]) -> Expr {
    requirers(app, apps).fold(
        parameter(&app.key, &["enabled"]).binary(BinOp::Eq, Expr::Bool(true)),
        |expr, requirer| expr.binary(BinOp::Or, Expr::name(enabled_var(&requirer.key))),
    )
}

/// `_apps?.<key>?.<path...>`, null-safe all the way.
fn parameter(key: &str, path: &[impl AsRef<str>]) -> Expr {
    path.iter()
        .fold(Expr::name(APPS_VAR).attr_opt(key), |expr, part| {
            expr.attr_opt(part.as_ref())
        })
}

fn condition_expr(app: &AppSpec, condition: &Condition) -> Result<Expr, ComposeError> {
    match condition {
        Condition::AppEnabled(key) => Ok(Expr::name(enabled_var(key))),
        Condition::Field(path) => {
            let value = parameter(&app.key, path);
            match field_default(app, path)? {
                // Absent means true: only an explicit `false` switches it off.
                Some(Value::Bool(true)) => Ok(value.binary(BinOp::NotEq, Expr::Bool(false))),
                _ => Ok(value.binary(BinOp::Eq, Expr::Bool(true))),
            }
        }
        Condition::FieldIs { path, value } => {
            let parameter = parameter(&app.key, path);
            let equal = parameter.clone().binary(BinOp::Eq, Expr::from_json(value));
            if enum_default(app, path, value)?.as_ref() == Some(value) {
                // Absent (`None`, or `Undefined` when the XR was not defaulted) means the
                // default, which is this value; every value of the enum is truthy.
                Ok(equal.binary(BinOp::Or, parameter.not()))
            } else {
                Ok(equal)
            }
        }
    }
}

/// The default of an enum parameter compared with `value`; an error when the parameter is
/// missing, not an enum, has a falsy value (KCL could not tell it from an absent one), or
/// cannot be `value`.
fn enum_default(
    app: &AppSpec,
    path: &[String],
    value: &Value,
) -> Result<Option<Value>, ComposeError> {
    let dotted = path.join(".");
    let node = property(app, path).ok_or_else(|| {
        error(
            &app.key,
            NoParameter {
                path: dotted.clone(),
            },
        )
    })?;
    let values: Vec<&Value> = (node.get("enum").and_then(Value::as_array).into_iter())
        .flatten()
        .filter(|v| !v.is_null())
        .collect();
    let problem = if values.is_empty() {
        Some(NotEnum { path: dotted })
    } else if let Some(falsy) = values.iter().find(|v| !is_truthy(v)) {
        Some(FalsyEnumValue {
            path: dotted,
            value: (*falsy).clone(),
        })
    } else if !values.contains(&value) {
        Some(NotAnEnumValue {
            path: dotted,
            value: value.clone(),
            values: values.into_iter().cloned().collect(),
        })
    } else {
        None
    };
    match problem {
        Some(problem) => Err(error(&app.key, problem)),
        None => Ok(node.get("default").cloned()),
    }
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

/// The structural schema of the app's parameter at `path`.
fn property(app: &AppSpec, path: &[String]) -> Option<Value> {
    let mut node = schema::structural(&app.parameters).ok()?;
    for part in path {
        node = node.get("properties")?.get(part)?.clone();
    }
    Some(node)
}

/// The default of a boolean parameter; an error when the parameter is missing or not a
/// boolean.
fn field_default(app: &AppSpec, path: &[String]) -> Result<Option<Value>, ComposeError> {
    let dotted = path.join(".");
    let node = property(app, path).ok_or_else(|| {
        error(
            &app.key,
            NoParameter {
                path: dotted.clone(),
            },
        )
    })?;
    if node.get("type") != Some(&Value::String("boolean".into())) {
        return Err(error(&app.key, NotBoolean { path: dotted }));
    }
    Ok(node.get("default").cloned())
}

/// The list items one app appends: its releases and objects, each followed by its usage,
/// conditional ones inside `if` items.
fn app_items(app: &AppSpec, conventions: &Conventions) -> Result<Vec<ListItem>, ComposeError> {
    let mut items = Vec::new();
    for release in &app.releases {
        let mut resource = vec![ListItem::Expr(release_expr(app, release, conventions)?)];
        if release.usage {
            resource.extend(usage_expr(&release.name, "Release", conventions));
        }
        items.extend(guarded(app, release.when.as_ref(), resource)?);
    }
    for object in &app.objects {
        let mut resource = vec![ListItem::Expr(object_expr(app, object, conventions)?)];
        if object.usage {
            resource.extend(usage_expr(&object.name, "Object", conventions));
        }
        items.extend(guarded(app, object.when.as_ref(), resource)?);
    }
    Ok(merge_guards(items))
}

/// The items with adjacent `if`s that test the same condition (and have no `else`) merged
/// into one, as a hand-written list would have them.
fn merge_guards(items: Vec<ListItem>) -> Vec<ListItem> {
    let mut merged: Vec<ListItem> = Vec::with_capacity(items.len());
    for item in items {
        if let (Some(ListItem::If(last)), ListItem::If(next)) = (merged.last_mut(), &item)
            && let ([(cond, body)], None, [(next_cond, next_body)], None) = (
                last.branches.as_mut_slice(),
                &last.orelse,
                next.branches.as_slice(),
                &next.orelse,
            )
            && cond == next_cond
        {
            body.extend(next_body.iter().cloned());
            continue;
        }
        merged.push(item);
    }
    merged
}

fn guarded(
    app: &AppSpec,
    when: Option<&Condition>,
    items: Vec<ListItem>,
) -> Result<Vec<ListItem>, ComposeError> {
    Ok(match when {
        None => items,
        Some(condition) => vec![ListItem::If(IfChain {
            branches: vec![(condition_expr(app, condition)?, items)],
            orelse: None,
        })],
    })
}

fn release_expr(
    app: &AppSpec,
    release: &Release,
    conventions: &Conventions,
) -> Result<Expr, ComposeError> {
    let mut body = vec![
        Entry::pair(field::NAME, Expr::str(release.name.clone())),
        Entry::pair(field::CHART, Expr::str(release.chart.clone())),
    ];
    match &release.source {
        ChartSource::Repository(url) | ChartSource::Oci(url) => {
            body.push(Entry::pair(field::REPOSITORY, Expr::str(url.clone())));
            body.push(Entry::pair(field::VERSION, Expr::name(release.pin.clone())));
        }
        // The archive's name is the pin; a `version` beside a URL would only be compared
        // with what is deployed.
        ChartSource::Archive(url) => {
            body.push(Entry::pair(field::URL, archive_expr(url, &release.pin)))
        }
    }
    body.push(Entry::pair(
        field::NAMESPACE,
        Expr::str(release.namespace.clone()),
    ));
    if !release.values.is_empty() {
        let values = values_expr(app, &release.values, &conventions.xr)?.with_dotted_keys();
        body.push(Entry::pair(field::VALUES, values));
    }
    Ok(Expr::Schema {
        name: conventions.release_schema.clone(),
        body,
    })
}

/// `"https://example.com/redis-" + redis + ".tgz"` for `https://example.com/redis-{version}.tgz`.
fn archive_expr(url: &str, pin: &str) -> Expr {
    let mut parts = url.split(ARCHIVE_VERSION);
    let first = Expr::str(parts.next().unwrap_or_default());
    parts.fold(first, |expr, rest| {
        let expr = expr.binary(BinOp::Add, Expr::name(pin));
        if rest.is_empty() {
            expr
        } else {
            expr.binary(BinOp::Add, Expr::str(rest))
        }
    })
}

fn object_expr(
    app: &AppSpec,
    object: &Object,
    conventions: &Conventions,
) -> Result<Expr, ComposeError> {
    let external_name = match &object.external_name {
        Some(name) => Expr::str(name.clone()),
        None => {
            let name = object.manifest.pointer("/metadata/name").ok_or_else(|| {
                error(
                    &app.key,
                    NoMetadataName {
                        object: object.name.clone(),
                    },
                )
            })?;
            template_expr(app, name, &conventions.xr)?
        }
    };
    let manifest = match &conventions.manifests {
        None => manifest_expr(app, object, conventions)?,
        // [`manifests`] writes it there.
        Some(manifests) => {
            check_visible_keys(app, &object.manifest, &object.name)?;
            Expr::Index {
                value: Box::new(Expr::name(manifests.clone())),
                index: Box::new(Expr::str(object.name.clone())),
                null_safe: false,
            }
        }
    };
    let mut body = vec![
        Entry::pair(field::NAME, Expr::str(object.name.clone())),
        Entry::pair(field::EXTERNAL_NAME, external_name),
        Entry::pair(field::MANIFEST, manifest),
    ];
    if object.retain {
        body.push(Entry::pair(field::RETAIN, Expr::Bool(true)));
    }
    Ok(Expr::Schema {
        name: conventions.object_schema.clone(),
        body,
    })
}

/// An object's manifest as KCL, its one-entry chains as dotted keys.
fn manifest_expr(
    app: &AppSpec,
    object: &Object,
    conventions: &Conventions,
) -> Result<Expr, ComposeError> {
    check_visible_keys(app, &object.manifest, &object.name)?;
    Ok(template_expr(app, &object.manifest, &conventions.xr)?.with_dotted_keys())
}

/// The objects' manifests as named data, `<manifests> = {<object name> = <manifest>}`,
/// when [`Conventions::manifests`] names the dict (and nothing otherwise): the apps block
/// refers to it, so that large manifests do not stand in the logic.
pub fn manifests(apps: &[AppSpec], conventions: &Conventions) -> Result<Module, ComposeError> {
    let Some(name) = &conventions.manifests else {
        return Ok(Module::default());
    };
    check_apps(apps)?;
    let mut entries = Vec::new();
    for app in apps {
        for object in &app.objects {
            entries.push(Entry::pair(
                object.name.clone(),
                manifest_expr(app, object, conventions)?,
            ));
        }
    }
    Ok(Module {
        body: vec![
            Stmt::Comment("The manifests of the apps' objects, by object name.".into()),
            Stmt::assign(name.clone(), Expr::Dict(entries)),
        ],
    })
}

/// The usage of a resource, unless the composition composes none.
fn usage_expr(name: &str, kind: &str, conventions: &Conventions) -> Option<ListItem> {
    let schema = conventions.usage_schema.clone()?;
    Some(ListItem::Expr(Expr::Schema {
        name: schema,
        body: vec![
            Entry::pair(
                field::NAME_SUFFIX,
                Expr::str(format!("{}{name}", conventions.resource_prefix)),
            ),
            Entry::pair(field::KIND, Expr::str(kind)),
        ],
    }))
}

/// KCL leaves keys that start with `_` out of its output, so such a key in a manifest or
/// in values would silently vanish: refuse it instead.
fn check_visible_keys(app: &AppSpec, value: &Value, path: &str) -> Result<(), ComposeError> {
    match value {
        Value::Object(map) => map.iter().try_for_each(|(key, v)| {
            let path = format!("{path}.{key}");
            if key.starts_with('_') {
                return Err(error(&app.key, HiddenKey { path }));
            }
            check_visible_keys(app, v, &path)
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| check_visible_keys(app, v, &format!("{path}[{i}]"))),
        _ => Ok(()),
    }
}

/// A node of merged values: plain JSON plus entries that exist only under a condition.
enum ValuesNode {
    Leaf(Value),
    Map(Vec<(String, Option<Condition>, ValuesNode)>),
}

/// Merge the values parts of a release into one dict expression: each part is placed at
/// its path, and the entries of a conditional part are guarded by its condition.
fn values_expr(app: &AppSpec, parts: &[Values], xr: &Expr) -> Result<Expr, ComposeError> {
    let mut root = ValuesNode::Map(Vec::new());
    for part in parts {
        if let Some(key) = part.at.iter().find(|key| key.starts_with('_')) {
            return Err(error(
                &app.key,
                HiddenValuesPath {
                    at: part.at.join("."),
                    key: key.clone(),
                },
            ));
        }
        check_visible_keys(app, &part.value, "values")?;
        insert_part(&mut root, &[], &part.at, &part.value, part.when.as_ref())
            .map_err(|kind| ComposeError {
                app: app.key.clone(),
                kind,
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

fn node_expr(app: &AppSpec, node: &ValuesNode, xr: &Expr) -> Result<Expr, ComposeError> {
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
                        branches: vec![(condition_expr(app, condition)?, vec![entry])],
                        orelse: None,
                    }),
                });
            }
            Ok(Expr::Dict(body))
        }
    }
}

/// A JSON value as KCL, with `{{ path }}` strings read from the app's parameters,
/// `{{ image:<name> }}` strings made from the image's pin and `{{ xr:<field> }}` strings
/// read from the composite resource `xr`.
fn template_expr(app: &AppSpec, value: &Value, xr: &Expr) -> Result<Expr, ComposeError> {
    Ok(match value {
        Value::String(s) => {
            let reference = Reference::parse(s);
            if let Some(name) = reference.as_ref().and_then(|r| r.tagged(IMAGE_TAG)) {
                let image = find_image(app, name)?;
                Expr::str(format!("{}:", image.repository))
                    .binary(BinOp::Add, Expr::name(image.pin.clone()))
            } else if let Some(field) = reference.as_ref().and_then(|r| r.tagged(XR_TAG)) {
                let (_, path) =
                    (XR_FIELDS.iter().find(|(name, _)| *name == field)).ok_or_else(|| {
                        error(
                            &app.key,
                            UnknownXrField {
                                template: s.clone(),
                            },
                        )
                    })?;
                (path.iter()).fold(xr.clone(), |expr, part| expr.attr(*part))
            } else if let Some(Reference::Path(path)) = reference {
                parameter(&app.key, &path)
            } else {
                Expr::Str(s.clone())
            }
        }
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
        other => Expr::from_json(other),
    })
}

fn find_image<'a>(app: &'a AppSpec, name: &str) -> Result<&'a Image, ComposeError> {
    app.images
        .iter()
        .find(|image| image.name == name)
        .ok_or_else(|| {
            error(
                &app.key,
                UnknownImage {
                    name: name.to_owned(),
                },
            )
        })
}

/// `` `{{ xr:name }}`, `{{ xr:namespace }}` ``: what templates read of the composite resource.
fn xr_fields() -> String {
    let fields: Vec<String> = (XR_FIELDS.iter())
        .map(|(name, _)| format!("`{{{{ xr:{name} }}}}`"))
        .collect();
    fields.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn app(key: &str, requires: &[&str]) -> AppSpec {
        AppSpec {
            key: key.into(),
            description: format!("Install {key}."),
            parameters: schemars::Schema::try_from(json!({
                "title": key,
                "type": "object",
                "properties": {
                    "enabled": {"type": "boolean", "default": false},
                    "size": {"type": "string"}
                }
            }))
            .unwrap(),
            releases: Vec::new(),
            objects: Vec::new(),
            requires: requires.iter().map(|r| r.to_string()).collect(),
            images: Vec::new(),
            hand_written: Vec::new(),
        }
    }

    fn release(name: &str) -> Release {
        Release {
            name: name.into(),
            chart: name.into(),
            source: ChartSource::Repository("https://charts.example.com".into()),
            version: "1.0.0".into(),
            pin: name.into(),
            namespace: name.into(),
            usage: true,
            values: Vec::new(),
            when: None,
        }
    }

    fn lower(apps: &[AppSpec]) -> Result<Module, ComposeError> {
        apps_block(apps, &Conventions::default())
    }

    #[test]
    fn a_parameters_schema_that_does_not_compile_is_the_source_of_the_error() {
        let mut a = app("a", &[]);
        a.parameters = schemars::Schema::try_from(json!({"title": "a", "type": "string"})).unwrap();
        let err = data_dicts(&[a]).unwrap_err();
        let ComposeErrorKind::Parameters(schema_error) = &*err.kind else {
            panic!("expected ComposeErrorKind::Parameters, got {err:?}");
        };
        let source = std::error::Error::source(&err).expect("the schema error is the source");
        assert_eq!(source.to_string(), schema_error.to_string());
        assert!(
            err.to_string().ends_with(&schema_error.to_string()),
            "{err}"
        );
    }

    /// The error of lowering an app whose one release has one values part.
    fn values_error(at: &[&str], value: Value) -> ComposeError {
        let mut a = app("a", &[]);
        let mut r = release("r");
        r.values.push(Values {
            at: at.iter().map(|key| key.to_string()).collect(),
            value,
            file: None,
            when: None,
        });
        a.releases.push(r);
        lower(&[a]).unwrap_err()
    }

    #[test]
    fn requirements_that_form_a_cycle_are_an_error() {
        let err = lower(&[app("a", &["b"]), app("b", &["a"])]).unwrap_err();
        assert_eq!(*err.kind, RequirementCycle, "{err}");
    }

    #[test]
    fn requiring_an_unknown_app_is_an_error_naming_it() {
        let err = lower(&[app("a", &["nope"])]).unwrap_err();
        assert_eq!(
            *err.kind,
            UnknownRequirement {
                required: "nope".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "app `a`: requires `nope`, which is not one of the apps"
        );
    }

    #[test]
    fn a_condition_on_a_field_that_is_not_a_boolean_is_an_error() {
        let mut a = app("a", &[]);
        let mut r = release("r");
        r.when = Some(Condition::Field(vec!["size".into()]));
        a.releases.push(r);
        let err = lower(&[a]).unwrap_err();
        assert_eq!(
            *err.kind,
            NotBoolean {
                path: "size".into()
            },
            "{err}"
        );
    }

    #[test]
    fn an_app_without_an_enabled_field_is_an_error() {
        let mut a = app("a", &[]);
        a.parameters =
            schemars::Schema::try_from(json!({"title": "a", "type": "object", "properties": {}}))
                .unwrap();
        let err = lower(&[a]).unwrap_err();
        assert_eq!(
            *err.kind,
            NoParameter {
                path: "enabled".into()
            },
            "{err}"
        );
    }

    #[test]
    fn two_apps_with_the_same_release_name_are_an_error() {
        let mut a = app("a", &[]);
        a.releases.push(release("shared"));
        let mut b = app("b", &[]);
        let mut r = release("shared");
        r.pin = "other".into();
        b.releases.push(r);
        let err = lower(&[a, b]).unwrap_err();
        assert_eq!(err.app, "b");
        assert_eq!(
            *err.kind,
            DuplicateRelease {
                name: "shared".into(),
                other: "a".into()
            },
            "{err}"
        );
    }

    #[test]
    fn an_app_is_enabled_by_every_app_that_requires_it_transitively() {
        let module = lower(&[app("c", &[]), app("b", &["c"]), app("a", &["b"])]).unwrap();
        let text = module.to_string();
        assert!(
            text.contains("_aEnabled = _apps?.a?.enabled == True\n"),
            "{text}"
        );
        assert!(
            text.contains("_bEnabled = _apps?.b?.enabled == True or _aEnabled\n"),
            "{text}"
        );
        assert!(
            text.contains("_cEnabled = _apps?.c?.enabled == True or _bEnabled\n"),
            "{text}"
        );
    }

    #[test]
    fn adjacent_resources_under_the_same_condition_share_one_if() {
        let mut a = app("a", &[]);
        for name in ["r1", "r2", "r3"] {
            let mut r = release(name);
            r.when = (name != "r3").then(|| Condition::AppEnabled("b".into()));
            a.releases.push(r);
        }
        let text = lower(&[a, app("b", &[])]).unwrap().to_string();
        // Inside `if _aEnabled:` (the other `if _bEnabled:` is app b's own block).
        let inner = "        if _bEnabled:\n";
        assert_eq!(text.matches(inner).count(), 1, "{text}");
        let guarded = text.split(inner).nth(1).unwrap_or_default();
        let r3 = guarded.find("\"r3\"").unwrap_or_default();
        assert!(
            guarded[..r3].contains("\"r1\"") && guarded[..r3].contains("\"r2\""),
            "{text}"
        );
        // r3 has no condition: it stays outside, one level up.
        assert!(
            text.contains("\n        release {\n            _name = \"r3\""),
            "{text}"
        );
    }

    #[test]
    fn a_key_kcl_would_drop_from_the_output_is_an_error() {
        let err = values_error(&[], json!({"server": {"_hidden": true}}));
        assert_eq!(
            *err.kind,
            HiddenKey {
                path: "values.server._hidden".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "app `a`: `values.server._hidden`: KCL drops keys that start with `_` from its output"
        );
    }

    #[test]
    fn two_values_parts_setting_the_same_scalar_are_an_error_even_under_a_condition() {
        let mut a = app("a", &[]);
        a.parameters = schemars::Schema::try_from(json!({
            "title": "a",
            "type": "object",
            "properties": {
                "enabled": {"type": "boolean", "default": false},
                "big": {"type": "boolean", "default": false}
            }
        }))
        .unwrap();
        let mut r = release("r");
        r.values.push(Values {
            at: Vec::new(),
            value: json!({"server": {"replicas": 1}}),
            file: None,
            when: None,
        });
        r.values.push(Values {
            at: vec!["server".into()],
            value: json!({"replicas": 3}),
            file: None,
            when: None,
        });
        a.releases.push(r.clone());
        let conflict = ConflictingValues {
            path: "server.replicas".into(),
        };
        let err = lower(&[a.clone()]).unwrap_err();
        assert_eq!(*err.kind, conflict, "{err}");
        r.values[1] = Values {
            at: vec!["server".into(), "replicas".into()],
            value: json!(3),
            file: None,
            when: Some(Condition::Field(vec!["big".into()])),
        };
        a.releases = vec![r];
        let err = lower(&[a]).unwrap_err();
        assert_eq!(*err.kind, conflict, "{err}");
    }

    #[test]
    fn values_placed_at_a_key_kcl_drops_are_an_error() {
        let err = values_error(&["_secret"], json!("x"));
        assert_eq!(
            *err.kind,
            HiddenValuesPath {
                at: "_secret".into(),
                key: "_secret".into()
            },
            "{err}"
        );
    }

    #[test]
    fn an_app_key_that_is_not_a_kcl_identifier_is_an_error() {
        for key in ["my-app", "1app", "_hidden", ""] {
            let err = lower(&[app(key, &[])]).unwrap_err();
            assert_eq!(*err.kind, KeyNotIdentifier, "{key}: {err}");
        }
    }

    #[test]
    fn oci_charts_get_a_docker_renovate_comment_without_the_scheme() {
        let mut r = release("gw");
        r.source = ChartSource::Oci("oci://registry.example.com/charts".into());
        assert_eq!(
            renovate_comment(&r),
            "renovate: datasource=docker depName=registry.example.com/charts/gw"
        );
    }

    #[test]
    fn a_condition_on_a_value_needs_an_enum_parameter_that_can_have_it() {
        let lower_with = |size: Value, value: Value| {
            let mut a = app("a", &[]);
            a.parameters = schemars::Schema::try_from(json!({
                "title": "a",
                "type": "object",
                "properties": {"enabled": {"type": "boolean", "default": false}, "size": size}
            }))
            .unwrap();
            let mut r = release("r");
            r.when = Some(Condition::FieldIs {
                path: vec!["size".into()],
                value,
            });
            a.releases.push(r);
            lower(&[a]).map(|module| module.to_string())
        };
        let sizes = json!({"type": "string", "enum": ["small", "large"], "default": "large"});
        let text = lower_with(sizes.clone(), json!("large")).unwrap();
        assert!(
            text.contains("if _apps?.a?.size == \"large\" or not _apps?.a?.size:"),
            "{text}"
        );
        let text = lower_with(sizes.clone(), json!("small")).unwrap();
        assert!(text.contains("if _apps?.a?.size == \"small\":"), "{text}");
        let path = || "size".to_owned();
        let err = lower_with(sizes, json!("medium")).unwrap_err();
        assert_eq!(
            *err.kind,
            NotAnEnumValue {
                path: path(),
                value: json!("medium"),
                values: vec![json!("small"), json!("large")],
            }
        );
        assert_eq!(
            err.to_string(),
            "app `a`: the parameter `size`: \"medium\" is not one of its values \
             (\"small\", \"large\")"
        );
        let err = lower_with(json!({"type": "string"}), json!("x")).unwrap_err();
        assert_eq!(*err.kind, NotEnum { path: path() });
        let size = json!({"type": "string", "enum": ["", "large"]});
        let err = lower_with(size, json!("large")).unwrap_err();
        assert_eq!(
            *err.kind,
            FalsyEnumValue {
                path: path(),
                value: json!("")
            }
        );
    }

    #[test]
    fn a_template_of_the_composite_resource_names_one_of_its_fields() {
        let err = values_error(&[], json!({"owner": "{{ xr:uid }}"}));
        assert!(
            matches!(&*err.kind, UnknownXrField { template } if template == "{{ xr:uid }}"),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "app `a`: `{{ xr:uid }}` names no field of the composite resource; templates read \
             `{{ xr:name }}`, `{{ xr:namespace }}`"
        );
    }

    #[test]
    fn a_hand_written_part_is_one_comment_line() {
        let mut a = app("a", &[]);
        a.hand_written.push(crate::app::HandWritten {
            file: "main.k".into(),
            what: "two\nlines".into(),
        });
        let err = lower(&[a]).unwrap_err();
        assert_eq!(*err.kind, HandWrittenNotOneLine, "{err}");
    }
}
