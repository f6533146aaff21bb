//! Resolving the attributes: what darling parsed becomes the app model, every default
//! filled in, every file read and every name looked up (fields, images, the composite
//! resource's fields). A part that cannot be resolved is an error, at the span of what is
//! wrong, and is left out of the model; the rules that hold across the model are checked
//! afterwards ([`crate::check`]).

use std::path::PathBuf;

use darling::Error;
use darling::error::Accumulator;
use darling::util::Flag;
use proc_macro2::Span;
use serde_json::Value;
use syn::LitStr;
use syn::spanned::Spanned;

use crate::attrs::{
    AppAttrs, HandWrittenAttr, ImageAttr, Named, ObjectAttr, ReleaseAttr, ValuesAttr, WhenAttr,
};
use crate::fields::Fields;
use crate::model::{
    App, ChartSource, Condition, FieldValue, HandWritten, Image, Object, Release, Text, Values,
};
use crate::names::{description, lower_camel_case, type_name_key};
use crate::templates::Templates;
use crate::yaml;

/// An app resolved from its attributes: the model of what resolved, and the files it read.
pub struct Resolved {
    /// The app; a part that did not resolve is left out.
    pub app: App,
    /// The files the app was read from, absolute.
    pub files: Vec<PathBuf>,
}

/// Resolve the parsed attributes of the struct whose fields are `fields`; what does not
/// resolve goes to `errors`.
pub fn resolve(attrs: AppAttrs, fields: &Fields, errors: &mut Accumulator) -> Resolved {
    let key = match &attrs.key {
        Some(key) => Text::of(key),
        None => Text::defaulted(type_name_key(&attrs.ident.to_string()), attrs.ident.span()),
    };
    errors.handle(self::key(&key));
    let description = description(&attrs.attrs);
    if description.is_empty() {
        errors.push(
            Error::custom("an app needs a doc comment: it becomes the XRD description")
                .with_span(&attrs.ident),
        );
    }
    let images = (attrs.images.iter().flatten())
        .map(|image| image.value.name.value())
        .collect();
    let mut cx = Resolver {
        templates: Templates {
            fields,
            app: &attrs.ident,
            images,
        },
        no_usage: attrs.no_usage.is_present().then(|| attrs.no_usage.span()),
        files: Vec::new(),
    };
    let releases = resolved(errors, attrs.releases, |r| cx.release(r));
    let objects = resolved(errors, attrs.objects, |o| cx.object(o));
    let images = resolved(errors, attrs.images, |i| Ok(image(&key, i)));
    let hand_written = resolved(errors, attrs.hand_written, |h| Ok(hand_written(h)));
    let requires = attrs.requires.into_iter().flat_map(|r| r.0).collect();
    let files = cx.files;
    Resolved {
        app: App {
            key,
            description: Text::new(description, attrs.ident.span()),
            parameters: attrs.ident,
            releases,
            objects,
            requires,
            images,
            hand_written,
        },
        files,
    }
}

/// The parts that parsed and resolve; the errors of the others go to `errors`.
fn resolved<P, T>(
    errors: &mut Accumulator,
    parts: Vec<darling::Result<P>>,
    mut resolve: impl FnMut(P) -> darling::Result<T>,
) -> Vec<T> {
    (parts.into_iter())
        .filter_map(|part| errors.handle(part.and_then(&mut resolve)))
        .collect()
}

/// What resolving one app needs to know.
struct Resolver<'a> {
    /// What the templates in the app's YAML may name: the struct's fields and the app's
    /// images.
    templates: Templates<'a>,
    /// Where the app says `no_usage`, if it does: its releases and objects have none.
    no_usage: Option<Span>,
    /// The files read so far.
    files: Vec<PathBuf>,
}

impl Resolver<'_> {
    fn release(&mut self, release: Named<ReleaseAttr>) -> darling::Result<Release> {
        let Named { value: attr, span } = release;
        let name = match &attr.name {
            Some(name) => Text::of(name),
            None => Text::defaulted(attr.chart.value(), attr.chart.span()),
        };
        let pin = match &attr.pin {
            Some(pin) => Text::of(pin),
            None => Text::defaulted(lower_camel_case(&name.value), name.span),
        };
        let source = source(attr.repository.as_ref(), attr.url.as_ref(), span);
        let usage = self.usage(&attr.no_usage, "release");
        let values = all(attr.values.into_iter().map(|part| self.values(part)));
        let when = self.when(attr.when);
        let ((source, usage), (values, when)) = join(join(source, usage), join(values, when))?;
        Ok(Release {
            name,
            chart: Text::of(&attr.chart),
            source,
            version: Text::of(&attr.version),
            pin,
            namespace: Text::of(&attr.namespace),
            usage,
            values,
            when,
        })
    }

    /// Whether a release or object has a `Usage`: not when it says `no_usage`, nor when the
    /// app does (then saying it again is an error).
    fn usage(&self, no_usage: &Flag, part: &str) -> darling::Result<bool> {
        if no_usage.is_present() && self.no_usage.is_some() {
            let message = format!("the app says `no_usage` already: no {part} of it has a `Usage`");
            return Err(Error::custom(message).with_span(&no_usage.span()));
        }
        Ok(!no_usage.is_present() && self.no_usage.is_none())
    }

    fn values(&mut self, part: Named<ValuesAttr>) -> darling::Result<Values> {
        let Named { value: attr, span } = part;
        let at = match &attr.at {
            Some(lit) => {
                let at = lit.value();
                if at.split('.').any(str::is_empty) {
                    let message = "`at` is a dotted path of keys, as in `server.ingress`";
                    Err(Error::custom(message).with_span(lit))
                } else {
                    let at = at.split('.');
                    Ok(at
                        .map(|key| Text::new(key.to_owned(), lit.span()))
                        .collect())
                }
            }
            None => Ok(Vec::new()),
        };
        let value = self.yaml(attr.file.as_ref(), attr.inline.as_ref(), span, "values");
        let value = value.and_then(|(value, lit)| {
            let references = self.templates.check(&value, lit, attr.file.is_some());
            let mapping = if attr.at.is_none() && !matches!(value, Value::Object(_)) {
                let message = "values must be a mapping, unless `at` puts them below a key";
                Err(Error::custom(message).with_span(lit))
            } else {
                Ok(())
            };
            join(references, mapping).map(|_| value)
        });
        let when = self.when(attr.when);
        let (at, (value, when)) = join(at, join(value, when))?;
        Ok(Values {
            at,
            value,
            file: attr.file.as_ref().map(Text::of),
            when,
        })
    }

    fn object(&mut self, object: Named<ObjectAttr>) -> darling::Result<Object> {
        let Named { value: attr, span } = object;
        let name = match (&attr.name, &attr.file, &attr.inline) {
            (Some(name), _, _) => Ok(Text::of(name)),
            (None, Some(file), _) => {
                let path = file.value();
                let stem = std::path::Path::new(&path).file_stem().unwrap_or_default();
                Ok(Text::defaulted(
                    stem.to_string_lossy().into_owned(),
                    file.span(),
                ))
            }
            (None, None, Some(_)) => {
                Err(Error::custom("an inline object needs a `name`").with_span(&span))
            }
            // Without YAML there is no object; the error says so.
            (None, None, None) => Ok(Text::defaulted(String::new(), span)),
        };
        let manifest = self.yaml(attr.file.as_ref(), attr.inline.as_ref(), span, "object");
        let manifest = manifest.and_then(|(manifest, lit)| {
            let references = self.templates.check(&manifest, lit, attr.file.is_some());
            join(references, self::manifest(&manifest, lit)).map(|_| manifest)
        });
        let when = self.when(attr.when);
        let usage = self.usage(&attr.no_usage, "object");
        let ((name, manifest), (when, usage)) = join(join(name, manifest), join(when, usage))?;
        Ok(Object {
            name,
            external_name: attr.external_name.as_ref().map(Text::of),
            usage,
            manifest,
            file: attr.file.as_ref().map(Text::of),
            retain: attr.retain.is_present(),
            when,
        })
    }

    /// Exactly one of `file` or `inline`, parsed; the value and its literal.
    fn yaml<'l>(
        &mut self,
        file: Option<&'l LitStr>,
        inline: Option<&'l LitStr>,
        part: Span,
        name: &str,
    ) -> darling::Result<(Value, &'l LitStr)> {
        match (file, inline) {
            (Some(file), None) => {
                let loaded = yaml::load_file(file)?;
                self.files.push(loaded.path);
                Ok((loaded.value, file))
            }
            (None, Some(inline)) => Ok((yaml::parse_inline(inline)?, inline)),
            (Some(_), Some(inline)) => {
                let message = format!("`{name}` takes either `file` or `inline`, not both");
                Err(Error::custom(message).with_span(inline))
            }
            (None, None) => {
                let message =
                    format!("`{name}` needs YAML: `file = \"path.yaml\"` or `inline = \"...\"`");
                Err(Error::custom(message).with_span(&part))
            }
        }
    }

    /// `when(...)`: exactly one of `app` or `field`, and `is` only with `field`.
    fn when(&self, when: Option<Named<WhenAttr>>) -> darling::Result<Option<Condition>> {
        when.map(|when| self.condition(when)).transpose()
    }

    fn condition(&self, when: Named<WhenAttr>) -> darling::Result<Condition> {
        let Named { value: when, span } = when;
        match (when.app, when.field, when.is) {
            (Some(app), None, None) => Ok(Condition::AppEnabled(app)),
            (None, Some(field), None) => {
                let name = self
                    .templates
                    .fields
                    .bool_field(&field, self.templates.app)?;
                Ok(Condition::Field(vec![Text::new(name, field.span())]))
            }
            (None, Some(ident), Some(value)) => {
                let field = self.templates.fields.field(&ident, self.templates.app)?;
                let name = Text::new(field.name.clone(), ident.span());
                Ok(Condition::FieldIs {
                    path: vec![name],
                    value: FieldValue {
                        field: ident,
                        value,
                    },
                })
            }
            (Some(_), Some(field), _) => {
                let message = "`when` takes either `app` or `field`, not both";
                Err(Error::custom(message).with_span(&field))
            }
            (_, None, Some(value)) => Err(Error::custom(
                "`is` is the value a `field` must have, as in \
                 `when(field = size, is = Size::Large)`",
            )
            .with_span(&value)),
            (None, None, None) => Err(Error::custom(
                "`when` needs a condition: `when(app = OtherApp)`, `when(field = some_flag)` \
                 or `when(field = some_field, is = Enum::Variant)`",
            )
            .with_span(&span)),
        }
    }
}

/// `key`: lower camel case, as apps are keys of a KCL dict and XRD properties.
fn key(key: &Text) -> darling::Result<()> {
    let mut chars = key.value.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_alphanumeric());
    if valid {
        return Ok(());
    }
    let hint = if key.defaulted {
        "; set `key = \"...\"`"
    } else {
        ""
    };
    let message = format!(
        "`{}` is not a valid app key: use lowerCamelCase letters and digits, as in \
         `apiGateway`{hint}",
        key.value
    );
    Err(Error::custom(message).with_span(key))
}

/// Exactly one of `repository = "https://..." | "oci://..."` or
/// `url = "https://.../chart-{version}.tgz"`.
fn source(
    repository: Option<&LitStr>,
    url: Option<&LitStr>,
    release: Span,
) -> darling::Result<ChartSource> {
    let error = |message: &str, at: &dyn Spanned| Err(Error::custom(message).with_span(&at.span()));
    match (repository, url) {
        (Some(repository), None) => {
            let value = repository.value();
            if value.starts_with("https://") || value.starts_with("http://") {
                return Ok(ChartSource::Repository(Text::of(repository)));
            }
            let Some(path) = value.strip_prefix("oci://") else {
                return error(
                    "a repository is an `https://` Helm repository or an `oci://` registry",
                    repository,
                );
            };
            if !path.is_empty() && !path.ends_with('/') && !path.contains(':') {
                return Ok(ChartSource::Oci(Text::of(repository)));
            }
            error(
                "an OCI repository is `oci://<registry>/<path>`, without the chart name or a \
                 tag: the chart and `version` complete it",
                repository,
            )
        }
        (None, Some(url)) => {
            let value = url.value();
            if value.starts_with("oci://") {
                error(
                    "an untagged OCI `url` pulls the newest chart whatever `version` says; use \
                     `repository = \"oci://<registry>/<path>\"` with `chart` and `version`",
                    url,
                )
            } else if !value.contains("{version}") {
                error(
                    "`url` is a chart archive whose name carries the version: write the version \
                     as `{version}`, as in `https://example.com/redis-{version}.tgz`",
                    url,
                )
            } else {
                Ok(ChartSource::Archive(Text::of(url)))
            }
        }
        (Some(_), Some(url)) => error("a release has either `repository` or `url`, not both", url),
        (None, None) => error(
            "a release needs a chart source: `repository = \"https://...\"`, \
             `repository = \"oci://...\"` or `url = \"https://...-{version}.tgz\"`",
            &release,
        ),
    }
}

/// A manifest is a mapping with `apiVersion`, `kind` and `metadata.name`.
fn manifest(manifest: &Value, lit: &LitStr) -> darling::Result<()> {
    if !matches!(manifest, Value::Object(_)) {
        return Err(Error::custom("a manifest must be a mapping").with_span(lit));
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
    if missing.is_empty() {
        return Ok(());
    }
    let message = format!("the manifest has no {}", missing.join(", "));
    Err(Error::custom(message).with_span(lit))
}

/// `image(...)`; the pin defaults to the lowerCamelCase app key and image name.
fn image(key: &Text, image: Named<ImageAttr>) -> Image {
    let attr = image.value;
    let pin = match &attr.pin {
        Some(pin) => Text::of(pin),
        None => {
            let name = format!("{}-{}", key.value, attr.name.value());
            Text::defaulted(lower_camel_case(&name), attr.name.span())
        }
    };
    Image {
        name: Text::of(&attr.name),
        repository: Text::of(&attr.repository),
        tag: Text::of(&attr.tag),
        pin,
    }
}

fn hand_written(part: Named<HandWrittenAttr>) -> HandWritten {
    HandWritten {
        file: Text::of(&part.value.file),
        what: Text::of(&part.value.what),
    }
}

/// Both values, or every error of both.
fn join<A, B>(a: darling::Result<A>, b: darling::Result<B>) -> darling::Result<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(error), Ok(_)) | (Ok(_), Err(error)) => Err(error),
        (Err(a), Err(b)) => Err(Error::multiple(vec![a, b])),
    }
}

/// Every value, or every error.
fn all<T>(results: impl Iterator<Item = darling::Result<T>>) -> darling::Result<Vec<T>> {
    let mut errors = Error::accumulator();
    let values = results.filter_map(|result| errors.handle(result)).collect();
    errors.finish_with(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_of_both_parts_are_kept_in_order() {
        let a: darling::Result<()> = Err(Error::custom("first"));
        let b: darling::Result<()> = Err(Error::custom("second"));
        let messages: Vec<String> = (join(a, b).unwrap_err().into_iter())
            .map(|e| e.to_string())
            .collect();
        assert_eq!(messages, ["first", "second"]);
    }
}
