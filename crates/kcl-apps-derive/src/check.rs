//! The checks of a resolved app: the rules that hold across its parts (unique names and
//! pins, requirements), what KCL and Kubernetes accept as names, and what the struct must
//! have (no generics, an `enabled` switch).
//!
//! Every error goes to one accumulator, at the span of the text that is wrong, so that all
//! misuse is reported at once.

use std::collections::HashSet;

use darling::Error;
use darling::error::Accumulator;
use kcl_codegen_syntax::lexical::is_identifier;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, Path};

use crate::fields::Fields;
use crate::model::{App, HandWritten, Image, Object, Release, Text};

/// Check the app resolved from `input`, whose fields are `fields`.
pub fn check(app: &App, input: &DeriveInput, fields: &Fields, errors: &mut Accumulator) {
    let ident = &app.parameters;
    if !input.generics.params.is_empty() {
        errors.push(
            Error::custom("an app cannot be generic: it is one entry of the apps parameters")
                .with_span(&input.generics),
        );
    }
    enabled(fields, ident, errors);
    let mut cx = Checker {
        errors,
        release_names: Unique::new("release name"),
        pins: Unique::new("pin"),
        object_names: Unique::new("object name"),
        image_names: Unique::new("image name"),
        hand_written_files: Unique::new("hand-written file"),
    };
    app.releases.iter().for_each(|release| cx.release(release));
    app.objects.iter().for_each(|object| cx.object(object));
    cx.requires(&app.requires, ident);
    app.images.iter().for_each(|image| cx.image(image));
    (app.hand_written.iter()).for_each(|part| cx.hand_written(part));
    crate::layout::check(&input.attrs, errors);
}

/// An app is switched on by a `bool` field serialised as `enabled`.
fn enabled(fields: &Fields, app: &Ident, errors: &mut Accumulator) {
    if !fields.known {
        // serde's derive reports what kept the fields from being read.
        return;
    }
    let error = match fields.all.iter().find(|f| f.name == "enabled") {
        // A flattened field may bring `enabled`; serde knows, the derive cannot.
        None if fields.flattened => return,
        None => Error::custom(format!(
            "`{app}` has no `enabled` field: an app needs a `bool` field serialised as \
             `enabled`, which switches it on"
        ))
        .with_span(app),
        Some(field) if !field.is_bool => {
            Error::custom("`enabled` switches the app on: it must be a `bool`").with_span(&field.ty)
        }
        Some(field) if field.skipped => Error::custom(format!(
            "`{}` is skipped by serde, so the parameters cannot switch the app on",
            field.ident
        ))
        .with_span(&field.ident),
        Some(_) => return,
    };
    errors.push(error);
}

/// The state of the checks of one app's parts.
struct Checker<'a> {
    errors: &'a mut Accumulator,
    release_names: Unique,
    pins: Unique,
    object_names: Unique,
    image_names: Unique,
    hand_written_files: Unique,
}

impl Checker<'_> {
    fn error(&mut self, at: &Text, message: impl std::fmt::Display) {
        self.errors.push(Error::custom(message).with_span(at));
    }

    fn release(&mut self, release: &Release) {
        let name = self.dns_label(&release.name, "release name", "name");
        if name {
            (self.release_names).check(self.errors, &release.name.value, &release.name);
        }
        // A default pin is made of the name: when that is wrong, its error says enough.
        if name || !release.pin.defaulted {
            self.pin(&release.pin);
        }
        self.non_empty(&release.chart, "chart");
        self.non_empty(&release.version, "version");
        self.non_empty(&release.namespace, "namespace");
    }

    fn object(&mut self, object: &Object) {
        if self.dns_label(&object.name, "object name", "name") {
            (self.object_names).check(self.errors, &object.name.value, &object.name);
        }
        if let Some(external_name) = &object.external_name {
            self.non_empty(external_name, "external_name");
        }
    }

    /// `requires`: other apps, each once.
    fn requires(&mut self, paths: &[Path], app: &Ident) {
        let mut seen = HashSet::new();
        for path in paths {
            let message = if path.is_ident("Self") || path.is_ident(app) {
                "an app cannot require itself"
            } else if !seen.insert(path.to_token_stream().to_string()) {
                "this app is already required"
            } else {
                continue;
            };
            self.errors.push(Error::custom(message).with_span(path));
        }
    }

    /// `image(...)`: a name manifests use, a repository without a tag, a tag and a pin.
    fn image(&mut self, image: &Image) {
        let name = self.non_empty(&image.name, "name");
        if name {
            (self.image_names).check(self.errors, &image.name.value, &image.name);
        }
        if self.non_empty(&image.repository, "repository") {
            let repository = &image.repository.value;
            let last = repository.rsplit('/').next().unwrap_or_default();
            if repository.contains('@') || last.contains(':') {
                let message = "the repository carries no tag or digest: `tag` pins it";
                self.error(&image.repository, message);
            }
        }
        self.non_empty(&image.tag, "tag");
        if name || !image.pin.defaulted {
            self.pin(&image.pin);
        }
    }

    /// `hand_written(file = ..., what = ...)`: one line each (they become a comment of the
    /// generated code), a file named once.
    fn hand_written(&mut self, part: &HandWritten) {
        let file = self.line(&part.file, "file");
        self.line(&part.what, "what");
        if file {
            (self.hand_written_files).check(self.errors, &part.file.value, &part.file);
        }
    }

    /// Whether `text` is one line that is not empty.
    fn line(&mut self, text: &Text, what: &str) -> bool {
        if !self.non_empty(text, what) {
            return false;
        }
        if text.value.contains(['\n', '\r']) {
            self.error(
                text,
                format!("`{what}` is one line: it becomes a KCL comment"),
            );
            return false;
        }
        true
    }

    /// A pin is a KCL identifier, unique in the app.
    fn pin(&mut self, pin: &Text) {
        if !is_identifier(&pin.value) {
            let hint = hint(pin, "pin");
            let message = format!(
                "the pin `{}` is not a valid KCL identifier{hint}",
                pin.value
            );
            self.error(pin, message);
            return;
        }
        self.pins.check(self.errors, &pin.value, pin);
    }

    /// Whether a required text is not empty.
    fn non_empty(&mut self, text: &Text, what: &str) -> bool {
        if text.value.trim().is_empty() {
            self.error(text, format!("`{what}` must not be empty"));
            return false;
        }
        true
    }

    /// Whether the name of a release or object, which ends composed resource names, is a
    /// DNS label: lower case letters, digits and `-`. `key` sets it.
    fn dns_label(&mut self, name: &Text, what: &str, key: &str) -> bool {
        let value = &name.value;
        let valid = !value.is_empty()
            && (value.bytes()).all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !value.starts_with('-')
            && !value.ends_with('-');
        if !valid {
            let hint = hint(name, key);
            let message = format!(
                "the {what} `{value}` is not a DNS label (lower case letters, digits and `-`){hint}"
            );
            self.error(name, message);
        }
        valid
    }
}

/// `; set `key = "..."``, when `text` is a default that `key` would set.
fn hint(text: &Text, key: &str) -> String {
    if text.defaulted {
        format!("; set `{key} = \"...\"`")
    } else {
        String::new()
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

    /// Record `name`, written at `at`; an error when it was recorded before.
    pub fn check(&mut self, errors: &mut Accumulator, name: &str, at: &impl Spanned) {
        if !self.seen.insert(name.to_owned()) {
            let Unique { what, within, .. } = self;
            errors.push(
                Error::custom(format!("duplicate {what} `{name}` in this {within}")).with_span(at),
            );
        }
    }
}
