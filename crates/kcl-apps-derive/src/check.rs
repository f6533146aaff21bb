//! The checks the parser cannot express, and the resolved app they produce.
//!
//! Every check pushes its error to one accumulator, so that all misuse is reported at
//! once, each error at the span of the part that is wrong.

use std::collections::HashSet;
use std::path::PathBuf;

use darling::Error;
use darling::error::Accumulator;
use kcl_codegen_syntax::lexical::is_identifier;
use kcl_codegen_syntax::template::{IMAGE_TAG, Reference, XR_FIELDS, XR_TAG};
use proc_macro2::Span;
use quote::ToTokens;
use serde_json::Value;
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, LitStr, Path};

use crate::attrs::{
    AppAttrs, HandWrittenAttr, ImageAttr, Named, ObjectAttr, ReleaseAttr, ValuesAttr, WhenAttr,
};
use crate::yaml;

/// An app with every default filled in and every file read.
pub struct App {
    /// The struct's name.
    pub ident: Ident,
    /// The app's key.
    pub key: String,
    /// The doc comment, as the XRD description.
    pub description: String,
    /// The Helm releases.
    pub releases: Vec<Release>,
    /// The Kubernetes objects.
    pub objects: Vec<Object>,
    /// The types of the apps this one needs.
    pub requires: Vec<Path>,
    /// The pinned container images.
    pub images: Vec<Image>,
    /// Where the app continues in hand-written KCL.
    pub hand_written: Vec<HandWritten>,
    /// The files the app was read from, absolute.
    pub files: Vec<PathBuf>,
}

/// A hand-written part of the app, as `kcl_apps::app::HandWritten`.
pub struct HandWritten {
    pub file: String,
    pub what: String,
}

/// A Helm release; the fields are those of `kcl_apps::app::Release`.
pub struct Release {
    pub name: String,
    pub chart: String,
    pub source: Source,
    pub version: String,
    pub pin: String,
    pub namespace: String,
    pub usage: bool,
    pub values: Vec<Values>,
    pub when: Option<Condition>,
}

/// Where a chart comes from, as `kcl_apps::app::ChartSource`.
pub enum Source {
    Repository(String),
    Oci(String),
    Archive(String),
}

/// A pinned container image, as `kcl_apps::app::Image`.
pub struct Image {
    pub name: String,
    pub repository: String,
    pub tag: String,
    pub pin: String,
}

/// A part of a release's values, as `kcl_apps::app::Values`.
pub struct Values {
    pub at: Vec<String>,
    pub value: Value,
    pub file: Option<String>,
    pub when: Option<Condition>,
}

/// A Kubernetes object, as `kcl_apps::app::Object`.
pub struct Object {
    pub name: String,
    pub external_name: Option<String>,
    pub usage: bool,
    pub manifest: Value,
    pub file: Option<String>,
    pub retain: bool,
    pub when: Option<Condition>,
}

/// When a part of an app exists.
pub enum Condition {
    /// Another app, by its Rust type, is enabled.
    AppEnabled(Path),
    /// The field with this serialized name is true.
    Field(String),
    /// The field `ident`, serialized as `name`, has the value `value` (a path of the
    /// field's type, which the generated code makes rustc check).
    FieldIs {
        name: String,
        ident: Ident,
        value: Path,
    },
}

/// Check the parsed attributes of `input` and resolve them into an [`App`].
pub fn check(input: &DeriveInput, attrs: AppAttrs) -> darling::Result<App> {
    let mut cx = Checker {
        errors: Error::accumulator(),
        fields: Fields::of(input),
        app: &attrs.ident,
        files: Vec::new(),
        release_names: Unique::new("release name"),
        pins: Unique::new("pin"),
        object_names: Unique::new("object name"),
        image_names: Unique::new("image name"),
        hand_written_files: Unique::new("hand-written file"),
        image_references: Vec::new(),
        parameter_references: Vec::new(),
        no_usage: attrs.no_usage.is_present().then(|| attrs.no_usage.span()),
    };

    if !attrs.generics.params.is_empty() {
        cx.error(
            &attrs.generics,
            "an app cannot be generic: it is one entry of the apps parameters",
        );
    }
    let key = match &attrs.key {
        Some(key) => cx.key(key.value(), key, ""),
        None => cx.key(
            type_name_key(&attrs.ident.to_string()),
            &attrs.ident,
            "; set `key = \"...\"`",
        ),
    };
    cx.enabled();
    let description = description(&attrs.attrs);
    if description.is_empty() {
        cx.error(
            &attrs.ident,
            "an app needs a doc comment: it becomes the XRD description",
        );
    }
    let releases = (attrs.releases.into_iter())
        .filter_map(|release| {
            let release = cx.errors.handle(release)?;
            cx.release(release)
        })
        .collect();
    let objects = (attrs.objects.into_iter())
        .filter_map(|object| {
            let object = cx.errors.handle(object)?;
            cx.object(object)
        })
        .collect();
    let requires = cx.requires(attrs.requires.into_iter().flat_map(|r| r.0));
    let images: Vec<Image> = (attrs.images.into_iter())
        .filter_map(|image| {
            let image = cx.errors.handle(image)?;
            cx.image(&key, image)
        })
        .collect();
    let hand_written = (attrs.hand_written.into_iter())
        .filter_map(|part| {
            let part = cx.errors.handle(part)?;
            cx.hand_written(part)
        })
        .collect();
    cx.image_references(&images);
    cx.parameter_references();
    crate::layout::check(&input.attrs, &mut cx.errors);

    let Checker { errors, files, .. } = cx;
    errors.finish_with(App {
        ident: attrs.ident.clone(),
        key,
        description,
        releases,
        objects,
        requires,
        images,
        hand_written,
        files,
    })
}

/// The state of the checks of one app.
struct Checker<'a> {
    errors: Accumulator,
    fields: Fields,
    /// The app's type, for messages.
    app: &'a Ident,
    /// The files read so far.
    files: Vec<PathBuf>,
    release_names: Unique,
    pins: Unique,
    object_names: Unique,
    image_names: Unique,
    hand_written_files: Unique,
    /// Every `{{ image:<name> }}` in the app's YAML, with the literal that brought it.
    image_references: Vec<(String, LitStr)>,
    /// Every `{{ path }}` in the app's YAML, with the literal that brought it.
    parameter_references: Vec<PathReference>,
    /// Where the app says `no_usage`, if it does: its releases and objects have none.
    no_usage: Option<Span>,
}

/// A `{{ path }}` in a values part or a manifest.
struct PathReference {
    /// The path, split at dots.
    path: Vec<String>,
    /// The `file = "..."` or `inline = "..."` literal it was read from.
    lit: LitStr,
    /// Whether `lit` names a file (else it is the YAML itself).
    from_file: bool,
}

impl Checker<'_> {
    fn error(&mut self, at: &impl Spanned, message: impl std::fmt::Display) {
        self.errors.push(Error::custom(message).with_span(at));
    }

    /// `key`: lower camel case, as apps are keys of a KCL dict and XRD properties.
    fn key(&mut self, value: String, at: &impl Spanned, hint: &str) -> String {
        let mut chars = value.chars();
        let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_alphanumeric());
        if !valid {
            self.error(
                at,
                format!(
                    "`{value}` is not a valid app key: use lowerCamelCase letters and digits, \
                     as in `apiGateway`{hint}"
                ),
            );
        }
        value
    }

    fn release(&mut self, release: Named<ReleaseAttr>) -> Option<Release> {
        let Named { value: attr, span } = release;

        let name_lit = attr.name.as_ref().unwrap_or(&attr.chart);
        let hint = if attr.name.is_some() {
            ""
        } else {
            "; set `name = \"...\"`"
        };
        let name = self.dns_label(name_lit.value(), name_lit, "release name", hint);
        if let Some(name) = &name {
            self.release_names.check(&mut self.errors, name, name_lit);
        }
        let pin = match (&attr.pin, &name) {
            (Some(pin), _) => self.pin(pin.value(), pin, ""),
            (None, Some(name)) => {
                self.pin(lower_camel_case(name), name_lit, "; set `pin = \"...\"`")
            }
            (None, None) => None,
        };

        let chart = self.non_empty(&attr.chart, "chart");
        let version = self.non_empty(&attr.version, "version");
        let namespace = self.non_empty(&attr.namespace, "namespace");
        let source = self.source(attr.repository.as_ref(), attr.url.as_ref(), span);
        let usage = self.usage(&attr.no_usage, "release");
        let values: Vec<Option<Values>> = attr
            .values
            .into_iter()
            .map(|part| self.values(part))
            .collect();
        let when = self.when(attr.when);

        Some(Release {
            name: name?,
            chart: chart?,
            source: source?,
            version: version?,
            pin: pin?,
            namespace: namespace?,
            usage,
            values: values.into_iter().collect::<Option<_>>()?,
            when: when?,
        })
    }

    /// Whether a release or object has a `Usage`: not when it says `no_usage`, nor when the
    /// app does (then saying it again is an error).
    fn usage(&mut self, no_usage: &darling::util::Flag, part: &str) -> bool {
        if no_usage.is_present() && self.no_usage.is_some() {
            self.error(
                &no_usage.span(),
                format!("the app says `no_usage` already: no {part} of it has a `Usage`"),
            );
        }
        !no_usage.is_present() && self.no_usage.is_none()
    }

    /// `hand_written(file = ..., what = ...)`: one line each (they become a comment of the
    /// generated code), a file named once.
    fn hand_written(&mut self, part: Named<HandWrittenAttr>) -> Option<HandWritten> {
        let Named { value: attr, .. } = part;
        let mut line = |lit: &LitStr, what: &str| {
            let value = self.non_empty(lit, what)?;
            if value.contains(['\n', '\r']) {
                self.error(
                    lit,
                    format!("`{what}` is one line: it becomes a KCL comment"),
                );
                return None;
            }
            Some(value)
        };
        let file = line(&attr.file, "file");
        let what = line(&attr.what, "what");
        if let Some(file) = &file {
            self.hand_written_files
                .check(&mut self.errors, file, &attr.file);
        }
        Some(HandWritten {
            file: file?,
            what: what?,
        })
    }

    fn pin(&mut self, pin: String, at: &LitStr, hint: &str) -> Option<String> {
        if !is_identifier(&pin) {
            self.error(
                at,
                format!("the pin `{pin}` is not a valid KCL identifier{hint}"),
            );
            return None;
        }
        self.pins.check(&mut self.errors, &pin, at);
        Some(pin)
    }

    /// Exactly one of `repository = "https://..." | "oci://..."` or
    /// `url = "https://.../chart-{version}.tgz"`.
    fn source(
        &mut self,
        repository: Option<&LitStr>,
        url: Option<&LitStr>,
        release: Span,
    ) -> Option<Source> {
        match (repository, url) {
            (Some(repository), None) => {
                let value = repository.value();
                if value.starts_with("https://") || value.starts_with("http://") {
                    return Some(Source::Repository(value));
                }
                if let Some(path) = value.strip_prefix("oci://") {
                    if !path.is_empty() && !path.ends_with('/') && !path.contains(':') {
                        return Some(Source::Oci(value));
                    }
                    self.error(
                        repository,
                        "an OCI repository is `oci://<registry>/<path>`, without the chart \
                         name or a tag: the chart and `version` complete it",
                    );
                    return None;
                }
                self.error(
                    repository,
                    "a repository is an `https://` Helm repository or an `oci://` registry",
                );
            }
            (None, Some(url)) => {
                let value = url.value();
                if value.starts_with("oci://") {
                    self.error(
                        url,
                        "an untagged OCI `url` pulls the newest chart whatever `version` says; \
                         use `repository = \"oci://<registry>/<path>\"` with `chart` and `version`",
                    );
                } else if !value.contains("{version}") {
                    self.error(
                        url,
                        "`url` is a chart archive whose name carries the version: write the \
                         version as `{version}`, as in `https://example.com/redis-{version}.tgz`",
                    );
                } else {
                    return Some(Source::Archive(value));
                }
            }
            (Some(_), Some(url)) => {
                self.error(url, "a release has either `repository` or `url`, not both");
            }
            (None, None) => self.error(
                &release,
                "a release needs a chart source: `repository = \"https://...\"`, \
                 `repository = \"oci://...\"` or `url = \"https://...-{version}.tgz\"`",
            ),
        }
        None
    }

    /// `image(...)`: a name manifests use, a repository without a tag, a tag and a pin.
    fn image(&mut self, key: &str, image: Named<ImageAttr>) -> Option<Image> {
        let Named { value: attr, .. } = image;
        let name = self.non_empty(&attr.name, "name");
        if let Some(name) = &name {
            self.image_names.check(&mut self.errors, name, &attr.name);
        }
        let repository = self.non_empty(&attr.repository, "repository");
        let repository = repository.and_then(|repository| {
            if repository.contains('@')
                || repository
                    .rsplit('/')
                    .next()
                    .is_some_and(|last| last.contains(':'))
            {
                self.error(
                    &attr.repository,
                    "the repository carries no tag or digest: `tag` pins it",
                );
                return None;
            }
            Some(repository)
        });
        let tag = self.non_empty(&attr.tag, "tag");
        let pin = match (&attr.pin, &name) {
            (Some(pin), _) => self.pin(pin.value(), pin, ""),
            (None, Some(name)) => self.pin(
                lower_camel_case(&format!("{key}-{name}")),
                &attr.name,
                "; set `pin = \"...\"`",
            ),
            (None, None) => None,
        };
        Some(Image {
            name: name?,
            repository: repository?,
            tag: tag?,
            pin: pin?,
        })
    }

    /// An app is switched on by a `bool` field serialised as `enabled`.
    fn enabled(&mut self) {
        if !self.fields.known {
            // serde's derive reports what kept the fields from being read.
            return;
        }
        match self.fields.all.iter().find(|f| f.name == "enabled") {
            None if self.fields.flattened => {
                // A flattened field may bring `enabled`; serde knows, the derive cannot.
            }
            None => {
                let message = format!(
                    "`{}` has no `enabled` field: an app needs a `bool` field serialised as \
                     `enabled`, which switches it on",
                    self.app
                );
                let app = self.app;
                self.error(app, message);
            }
            Some(field) if !field.is_bool => {
                let at = field.ty.clone();
                self.error(&at, "`enabled` switches the app on: it must be a `bool`");
            }
            Some(field) if field.skipped => {
                let message = format!(
                    "`{}` is skipped by serde, so the parameters cannot switch the app on",
                    field.ident
                );
                let at = field.ident.clone();
                self.error(&at, message);
            }
            Some(_) => {}
        }
    }

    /// Every `{{ path }}` names a field of the app, by its serde name. Only the first
    /// segment of a nested path (`{{ a.b }}`) is checked here: the derive sees this
    /// struct's fields, not those of the types they hold; kcl-apps checks the whole path
    /// against the parameters' schema when it lowers the app.
    fn parameter_references(&mut self) {
        if !self.fields.known || self.fields.flattened {
            // With a flattened field the parameters have names the derive cannot see.
            return;
        }
        for reference in std::mem::take(&mut self.parameter_references) {
            let PathReference {
                path,
                lit,
                from_file,
            } = reference;
            let name = &path[0];
            let whole = path.join(".");
            let origin = if from_file {
                format!("`{}`: ", lit.value())
            } else {
                String::new()
            };
            match self.fields.all.iter().find(|f| f.name == *name) {
                Some(field) if field.skipped => {
                    let message = format!(
                        "{origin}`{{{{ {whole} }}}}` reads `{name}`, which serde skips, so the \
                         parameters cannot set it"
                    );
                    self.error(&lit, message);
                }
                Some(_) => {}
                None => {
                    let names = self.fields.all.iter().filter(|f| !f.skipped);
                    let names: Vec<&str> = names.map(|f| f.name.as_str()).collect();
                    let hint = match did_you_mean(name, names.iter().copied()) {
                        Some(field) => {
                            let mut fixed = path.clone();
                            fixed[0] = field.to_owned();
                            format!("; did you mean `{{{{ {} }}}}`?", fixed.join("."))
                        }
                        None => {
                            let names: Vec<String> =
                                names.iter().map(|n| format!("`{n}`")).collect();
                            format!("; its parameters are {}", names.join(", "))
                        }
                    };
                    let message = format!(
                        "{origin}`{{{{ {whole} }}}}` names no parameter of `{}`{hint}",
                        self.app
                    );
                    self.error(&lit, message);
                }
            }
        }
    }

    /// `{{ xr:<field> }}` names a field of the composite resource that templates read.
    fn xr_reference(&mut self, field: &str, lit: &LitStr, from_file: bool) {
        if XR_FIELDS.iter().any(|(known, _)| *known == field) {
            return;
        }
        let origin = if from_file {
            format!("`{}`: ", lit.value())
        } else {
            String::new()
        };
        let hint = match did_you_mean(field, XR_FIELDS.iter().map(|(known, _)| *known)) {
            Some(known) => format!("did you mean `{{{{ xr:{known} }}}}`?"),
            None => {
                let known: Vec<String> = (XR_FIELDS.iter())
                    .map(|(known, _)| format!("`{{{{ xr:{known} }}}}`"))
                    .collect();
                format!("templates read {}", known.join(", "))
            }
        };
        self.error(
            lit,
            format!(
                "{origin}`{{{{ xr:{field} }}}}` names no field of the composite resource; {hint}"
            ),
        );
    }

    /// Every `{{ image:<name> }}` names an image of the app.
    fn image_references(&mut self, images: &[Image]) {
        for (name, lit) in std::mem::take(&mut self.image_references) {
            if !images.iter().any(|image| image.name == name) {
                let known: Vec<String> = images.iter().map(|i| format!("`{}`", i.name)).collect();
                let known = if known.is_empty() {
                    "the app declares no `image(...)`".to_owned()
                } else {
                    format!("the app's images are {}", known.join(", "))
                };
                self.error(
                    &lit,
                    format!("`{{{{ image:{name} }}}}` names no image: {known}"),
                );
            }
        }
    }

    /// Remember the `{{ image:<name> }}` and `{{ path }}` strings of a YAML value read
    /// from `lit` (a file when `from_file`), to check them once the images are known.
    fn collect_references(&mut self, value: &Value, lit: &LitStr, from_file: bool) {
        match value {
            Value::String(s) => {
                let reference = Reference::parse(s);
                if let Some(name) = reference.as_ref().and_then(|r| r.tagged(IMAGE_TAG)) {
                    self.image_references.push((name.to_owned(), lit.clone()));
                } else if let Some(field) = reference.as_ref().and_then(|r| r.tagged(XR_TAG)) {
                    self.xr_reference(field, lit, from_file);
                } else if let Some(Reference::Path(path)) = reference {
                    self.parameter_references.push(PathReference {
                        path: path.into_iter().map(str::to_owned).collect(),
                        lit: lit.clone(),
                        from_file,
                    });
                }
            }
            Value::Array(items) => items
                .iter()
                .for_each(|v| self.collect_references(v, lit, from_file)),
            Value::Object(map) => map
                .values()
                .for_each(|v| self.collect_references(v, lit, from_file)),
            _ => {}
        }
    }

    fn values(&mut self, part: Named<ValuesAttr>) -> Option<Values> {
        let Named { value: attr, span } = part;
        let at = match &attr.at {
            Some(lit) => {
                let at: Vec<String> = lit.value().split('.').map(str::to_owned).collect();
                if at.iter().any(String::is_empty) {
                    self.error(lit, "`at` is a dotted path of keys, as in `server.ingress`");
                    None
                } else {
                    Some(at)
                }
            }
            None => Some(Vec::new()),
        };
        let value = self.yaml(attr.file.as_ref(), attr.inline.as_ref(), span, "values");
        let value = value.and_then(|(value, lit)| {
            self.collect_references(&value, lit, attr.file.is_some());
            if attr.at.is_none() && !matches!(value, Value::Object(_)) {
                self.error(
                    lit,
                    "values must be a mapping, unless `at` puts them below a key",
                );
                return None;
            }
            Some(value)
        });
        let when = self.when(attr.when);
        Some(Values {
            at: at?,
            value: value?,
            file: attr.file.as_ref().map(LitStr::value),
            when: when?,
        })
    }

    fn object(&mut self, object: Named<ObjectAttr>) -> Option<Object> {
        let Named { value: attr, span } = object;
        let name = match (&attr.name, &attr.file) {
            (Some(name), _) => {
                (self.dns_label(name.value(), name, "object name", "")).map(|n| (n, name))
            }
            (None, Some(file)) => {
                let path = file.value();
                let stem = std::path::Path::new(&path).file_stem().unwrap_or_default();
                let stem = stem.to_string_lossy().into_owned();
                let hint = "; set `name = \"...\"`";
                self.dns_label(stem, file, "object name", hint)
                    .map(|n| (n, file))
            }
            (None, None) => {
                if attr.inline.is_some() {
                    self.error(&span, "an inline object needs a `name`");
                }
                None
            }
        };
        if let Some((name, lit)) = &name {
            self.object_names.check(&mut self.errors, name, *lit);
        }
        let manifest = self.yaml(attr.file.as_ref(), attr.inline.as_ref(), span, "object");
        let manifest = manifest.and_then(|(manifest, lit)| {
            self.collect_references(&manifest, lit, attr.file.is_some());
            self.manifest(manifest, lit)
        });
        let external_name = match &attr.external_name {
            Some(lit) => Some(Some(self.non_empty(lit, "external_name")?)),
            None => Some(None),
        };
        let when = self.when(attr.when);
        Some(Object {
            name: name?.0,
            external_name: external_name?,
            usage: self.usage(&attr.no_usage, "object"),
            manifest: manifest?,
            file: attr.file.as_ref().map(LitStr::value),
            retain: attr.retain.is_present(),
            when: when?,
        })
    }

    /// A manifest is a mapping with `apiVersion`, `kind` and `metadata.name`.
    fn manifest(&mut self, manifest: Value, lit: &LitStr) -> Option<Value> {
        if !matches!(manifest, Value::Object(_)) {
            self.error(lit, "a manifest must be a mapping");
            return None;
        }
        let present = |pointer| {
            let value = manifest.pointer(pointer).and_then(Value::as_str);
            value.is_some_and(|value| !value.is_empty())
        };
        let missing: Vec<String> = [
            ("apiVersion", present("/apiVersion")),
            ("kind", present("/kind")),
            ("metadata.name", present("/metadata/name")),
        ]
        .into_iter()
        .filter(|(_, present)| !present)
        .map(|(key, _)| format!("`{key}`"))
        .collect();
        if !missing.is_empty() {
            self.error(lit, format!("the manifest has no {}", missing.join(", ")));
            return None;
        }
        Some(manifest)
    }

    /// Exactly one of `file` or `inline`, parsed; the value and its literal.
    fn yaml<'l>(
        &mut self,
        file: Option<&'l LitStr>,
        inline: Option<&'l LitStr>,
        part: Span,
        name: &str,
    ) -> Option<(Value, &'l LitStr)> {
        match (file, inline) {
            (Some(file), None) => {
                let loaded = self.errors.handle(yaml::load_file(file))?;
                self.files.push(loaded.path);
                Some((loaded.value, file))
            }
            (None, Some(inline)) => Some((self.errors.handle(yaml::parse_inline(inline))?, inline)),
            (Some(_), Some(inline)) => {
                self.error(
                    inline,
                    format!("`{name}` takes either `file` or `inline`, not both"),
                );
                None
            }
            (None, None) => {
                self.error(
                    &part,
                    format!("`{name}` needs YAML: `file = \"path.yaml\"` or `inline = \"...\"`"),
                );
                None
            }
        }
    }

    /// `when(...)`: exactly one of `app` or `field`, and `is` only with `field`. `None`
    /// when it is wrong, `Some(None)` when there is no condition.
    fn when(&mut self, when: Option<Named<WhenAttr>>) -> Option<Option<Condition>> {
        let Some(Named { value: when, span }) = when else {
            return Some(None);
        };
        match (when.app, when.field, when.is) {
            (Some(app), None, None) => Some(Some(Condition::AppEnabled(app))),
            (None, Some(field), None) => {
                let name = self
                    .errors
                    .handle(self.fields.bool_field(&field, self.app))?;
                Some(Some(Condition::Field(name)))
            }
            (None, Some(ident), Some(value)) => {
                let field = self.errors.handle(self.fields.field(&ident, self.app))?;
                Some(Some(Condition::FieldIs {
                    name: field.name.clone(),
                    ident,
                    value,
                }))
            }
            (Some(_), Some(field), _) => {
                self.error(&field, "`when` takes either `app` or `field`, not both");
                None
            }
            (_, None, Some(value)) => {
                self.error(
                    &value,
                    "`is` is the value a `field` must have, as in \
                     `when(field = size, is = Size::Large)`",
                );
                None
            }
            (None, None, None) => {
                self.error(
                    &span,
                    "`when` needs a condition: `when(app = OtherApp)`, `when(field = some_flag)` \
                     or `when(field = some_field, is = Enum::Variant)`",
                );
                None
            }
        }
    }

    /// `requires`: other apps, each once.
    fn requires(&mut self, paths: impl Iterator<Item = Path>) -> Vec<Path> {
        let mut seen = HashSet::new();
        let mut requires = Vec::new();
        for path in paths {
            if path.is_ident("Self") || path.is_ident(self.app) {
                self.error(&path, "an app cannot require itself");
            } else if !seen.insert(path.to_token_stream().to_string()) {
                self.error(&path, "this app is already required");
            } else {
                requires.push(path);
            }
        }
        requires
    }

    /// The value of a required string that must not be empty.
    fn non_empty(&mut self, lit: &LitStr, what: &str) -> Option<String> {
        let value = lit.value();
        if value.trim().is_empty() {
            self.error(lit, format!("`{what}` must not be empty"));
            return None;
        }
        Some(value)
    }

    /// The name of a release or object ends composed resource names, so it must be a DNS
    /// label: lower case letters, digits and `-`.
    fn dns_label(&mut self, name: String, at: &LitStr, what: &str, hint: &str) -> Option<String> {
        let valid = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !name.starts_with('-')
            && !name.ends_with('-');
        if !valid {
            self.error(
                at,
                format!(
                    "the {what} `{name}` is not a DNS label (lower case letters, digits and `-`){hint}"
                ),
            );
            return None;
        }
        Some(name)
    }
}

/// The fields of the struct, as serde names them.
pub struct Fields {
    /// The named fields, in order.
    pub all: Vec<Field>,
    /// Whether serde could read the struct (else its derive reports why).
    pub known: bool,
    /// Whether a field is `#[serde(flatten)]`: its fields are parameters too.
    pub flattened: bool,
}

/// A named field, as serde reads it.
pub struct Field {
    pub ident: Ident,
    pub ty: syn::Type,
    /// The name in the parameters, by serde's rules (`rename_all`, `rename`).
    pub name: String,
    pub is_bool: bool,
    pub skipped: bool,
    pub flatten: bool,
}

impl Fields {
    /// The named fields of `input`, with serde's names for deserialization: the parameters
    /// are read from the composite resource, and schemars describes them that way too.
    pub fn of(input: &DeriveInput) -> Fields {
        use serde_derive_internals::{Ctxt, Derive, ast};

        let cx = Ctxt::new();
        let container = ast::Container::from_ast(&cx, input, Derive::Deserialize);
        let mut fields = Vec::new();
        let known = container.is_some();
        let mut flattened = false;
        if let Some(ast::Container {
            data: ast::Data::Struct(_, serde_fields),
            ..
        }) = &container
        {
            for field in serde_fields {
                flattened |= field.attrs.flatten();
                if let syn::Member::Named(ident) = &field.member {
                    fields.push(Field {
                        ident: ident.clone(),
                        name: field.attrs.name().deserialize_name().to_owned(),
                        ty: field.ty.clone(),
                        is_bool: is_bool(field.ty),
                        skipped: field.attrs.skip_deserializing(),
                        flatten: field.attrs.flatten(),
                    });
                }
            }
        }
        // Misused `#[serde]` attributes are serde's derive's to report.
        let _ = cx.check();
        Fields {
            all: fields,
            known,
            flattened,
        }
    }

    /// The field `ident`, which the parameters can set, or an error at `ident`.
    fn field(&self, ident: &Ident, app: &Ident) -> darling::Result<&Field> {
        let Some(field) = self.all.iter().find(|f| f.ident == *ident) else {
            let idents: Vec<String> = self.all.iter().map(|f| f.ident.to_string()).collect();
            let suggestion = did_you_mean(&ident.to_string(), idents.iter().map(String::as_str))
                .map(|ident| format!("; did you mean `{ident}`?"))
                .unwrap_or_default();
            return Err(
                Error::custom(format!("`{app}` has no field `{ident}`{suggestion}"))
                    .with_span(ident),
            );
        };
        if field.skipped {
            return Err(Error::custom(format!(
                "`{ident}` is skipped by serde, so the parameters cannot set it"
            ))
            .with_span(ident));
        }
        Ok(field)
    }

    /// The serialized name of the `bool` field `ident`, or an error at `ident`.
    fn bool_field(&self, ident: &Ident, app: &Ident) -> darling::Result<String> {
        let field = self.field(ident, app)?;
        if !field.is_bool {
            return Err(Error::custom(format!(
                "`when(field = ...)` needs a `bool` field, or `is = <value>` to compare another \
                 field with; `{ident}` is not a `bool`"
            ))
            .with_span(ident));
        }
        Ok(field.name.clone())
    }
}

/// The candidate closest to `name`, if one is close enough to be a likely misspelling.
fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// Whether `ty` is spelt `bool` (or `core::primitive::bool` and the like).
fn is_bool(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(ty) if ty.qself.is_none() => ty
            .path
            .segments
            .last()
            .is_some_and(|last| last.ident == "bool" && last.arguments.is_none()),
        syn::Type::Group(group) => is_bool(&group.elem),
        syn::Type::Paren(paren) => is_bool(&paren.elem),
        _ => false,
    }
}

/// Names that must be unique within an app (or a registry); the error points at the
/// second one.
pub struct Unique {
    what: &'static str,
    within: &'static str,
    seen: HashSet<String>,
}

impl Unique {
    /// Unique within an app.
    pub fn new(what: &'static str) -> Self {
        Unique::within(what, "app")
    }

    /// Unique within `within` (`app`, `registry`).
    pub fn within(what: &'static str, within: &'static str) -> Self {
        Unique {
            what,
            within,
            seen: HashSet::new(),
        }
    }

    pub fn check(&mut self, errors: &mut Accumulator, name: &str, at: &impl Spanned) {
        if !self.seen.insert(name.to_owned()) {
            let Unique { what, within, .. } = self;
            errors.push(
                Error::custom(format!("duplicate {what} `{name}` in this {within}")).with_span(at),
            );
        }
    }
}

/// The default key of the app type `name`: its first letter in lower case, as serde's
/// `rename_all = "camelCase"` names a variant (`ApiGateway` -> `apiGateway`).
fn type_name_key(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `cache-add-ons-http` -> `cacheAddOnsHttp`.
fn lower_camel_case(name: &str) -> String {
    let mut out = String::new();
    for (i, word) in name
        .split(['-', '_', '.'])
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            if i == 0 {
                out.extend(first.to_lowercase());
            } else {
                out.extend(first.to_uppercase());
            }
            out.push_str(chars.as_str());
        }
    }
    out
}

/// The struct's doc comment, as written; `kcl_apps::schema::prose` turns it into one
/// description at run time, by the same rule as the fields' doc comments.
fn description(attrs: &[syn::Attribute]) -> String {
    let docs: Vec<String> = (attrs.iter())
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(doc) if doc.path.is_ident("doc") => match &doc.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.value()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    docs.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_default_to_the_lower_camel_case_release_name() {
        assert_eq!(lower_camel_case("cache-add-ons-http"), "cacheAddOnsHttp");
        assert_eq!(lower_camel_case("gateway-helm"), "gatewayHelm");
        assert_eq!(lower_camel_case("dash-board"), "dashBoard");
        assert_eq!(lower_camel_case("cache"), "cache");
    }

    #[test]
    fn keys_default_to_the_type_name_in_lower_camel_case() {
        assert_eq!(type_name_key("ApiGateway"), "apiGateway");
        assert_eq!(type_name_key("Cache"), "cache");
        assert_eq!(type_name_key("Dashboard2"), "dashboard2");
    }

    #[test]
    fn descriptions_are_the_doc_comment_lines() {
        let input: DeriveInput = syn::parse_quote! {
            /// Install a cache,
            ///   the autoscaler.
            ///
            /// More.
            struct Cache;
        };
        assert_eq!(
            description(&input.attrs),
            "Install a cache,\n   the autoscaler.\n\n More."
        );
    }

    #[test]
    fn serde_names_follow_rename_all_and_rename() {
        let input: DeriveInput = syn::parse_quote! {
            #[serde(rename_all = "camelCase")]
            struct Cache {
                http_addon: bool,
                #[serde(rename = "repoURL")]
                repo_url: String,
            }
        };
        let fields = Fields::of(&input);
        let names: Vec<_> = fields.all.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["httpAddon", "repoURL"]);
    }
}
