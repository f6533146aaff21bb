//! The `#[app(...)]` attribute language, parsed declaratively with darling.
//!
//! These types hold what the user wrote, with spans; rules that involve more than one
//! part (exactly one of two keys, duplicates, files) are checked in [`crate::check`].

use darling::ast::NestedMeta;
use darling::util::Flag;
use darling::{Error, FromDeriveInput, FromMeta};
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitStr, Meta, Path};

/// Everything in the `#[app(...)]` attributes of a struct (several attributes merge).
#[derive(FromDeriveInput)]
#[darling(attributes(app), forward_attrs(doc))]
pub struct AppAttrs {
    /// The struct's name.
    pub ident: Ident,
    /// The struct's `#[doc]` attributes: its doc comment.
    pub attrs: Vec<syn::Attribute>,
    /// `key = "cache"`; defaults to the struct's name in lowerCamelCase.
    #[darling(default)]
    pub key: Option<LitStr>,
    /// `crate = "path"`: where the generated code finds kcl-apps; default `::kcl_apps`.
    #[darling(default, rename = "crate")]
    pub krate: Option<LitStr>,
    /// `release(...)`, each parsed on its own so that one bad release hides no other error.
    #[darling(multiple, rename = "release")]
    pub releases: Vec<darling::Result<Named<ReleaseAttr>>>,
    /// `object(...)`, each parsed on its own.
    #[darling(multiple, rename = "object")]
    pub objects: Vec<darling::Result<Named<ObjectAttr>>>,
    /// `requires = Type` or `requires(A, B)`.
    #[darling(multiple)]
    pub requires: Vec<Requires>,
    /// `image(...)`, each parsed on its own.
    #[darling(multiple, rename = "image")]
    pub images: Vec<darling::Result<Named<ImageAttr>>>,
    /// `no_usage`: compose no `Usage` for any release or object of the app.
    pub no_usage: Flag,
    /// `hand_written(file = ..., what = ...)`, each parsed on its own.
    #[darling(multiple, rename = "hand_written")]
    pub hand_written: Vec<darling::Result<Named<HandWrittenAttr>>>,
}

/// `hand_written(file = "kcl/main.k", what = "...")`: the app continues in hand-written
/// KCL there.
#[derive(FromMeta)]
pub struct HandWrittenAttr {
    /// The file, as the project names it.
    pub file: LitStr,
    /// What the hand-written KCL does for the app.
    pub what: LitStr,
}

/// `image(name = ..., repository = ..., tag = ..., pin = ...)`: a container image that
/// manifests name as `{{ image:<name> }}`.
#[derive(FromMeta)]
pub struct ImageAttr {
    /// The name manifests refer to it by.
    pub name: LitStr,
    /// The image without its tag.
    pub repository: LitStr,
    /// The pinned tag.
    pub tag: LitStr,
    /// The KCL name of the pin; defaults to the lowerCamelCase app key and image name.
    pub pin: Option<LitStr>,
}

/// `release(chart = ..., repository = ... | url = ..., version = ..., namespace = ..., ...)`.
#[derive(FromMeta)]
pub struct ReleaseAttr {
    /// The release name; defaults to the chart.
    pub name: Option<LitStr>,
    /// The chart's name.
    pub chart: LitStr,
    /// A classic Helm repository, `https://...`, or an OCI one, `oci://...`.
    pub repository: Option<LitStr>,
    /// A chart archive whose URL carries the version as `{version}`.
    pub url: Option<LitStr>,
    /// The pinned chart version.
    pub version: LitStr,
    /// The namespace of the release.
    pub namespace: LitStr,
    /// The KCL name of the pin; defaults to the lowerCamelCase release name.
    pub pin: Option<LitStr>,
    /// Compose no `Usage` for the release.
    pub no_usage: Flag,
    /// `values = "file.yaml"` or `values(...)`, merged in order.
    #[darling(multiple)]
    pub values: Vec<Named<ValuesAttr>>,
    /// The release exists only when this holds.
    pub when: Option<Named<WhenAttr>>,
}

/// `values(file = ... | inline = ..., at = "a.b", when(...))`, or the shorthand
/// `values = "file.yaml"`.
#[derive(FromMeta)]
#[darling(from_expr = ValuesAttr::from_file_expr)]
pub struct ValuesAttr {
    /// A YAML file, relative to the crate's directory.
    pub file: Option<LitStr>,
    /// YAML text.
    pub inline: Option<LitStr>,
    /// A dotted path into the values where this part goes.
    pub at: Option<LitStr>,
    /// The part is present only when this holds.
    pub when: Option<Named<WhenAttr>>,
}

impl ValuesAttr {
    /// `values = "file.yaml"`: a file at the top of the values.
    fn from_file_expr(expr: &Expr) -> darling::Result<Self> {
        Ok(ValuesAttr {
            file: Some(LitStr::from_expr(expr)?),
            inline: None,
            at: None,
            when: None,
        })
    }
}

/// `object(file = ... | inline = ..., name = ..., external_name = ..., retain, no_usage,
/// when(...))`.
#[derive(FromMeta)]
pub struct ObjectAttr {
    /// A YAML manifest file, relative to the crate's directory.
    pub file: Option<LitStr>,
    /// A YAML manifest.
    pub inline: Option<LitStr>,
    /// The object's name in the composition; defaults to the file stem.
    pub name: Option<LitStr>,
    /// The object's external name; defaults to the manifest's `metadata.name`.
    pub external_name: Option<LitStr>,
    /// Keep the object when the composite resource is deleted.
    pub retain: Flag,
    /// Compose no `Usage` for the object.
    pub no_usage: Flag,
    /// The object exists only when this holds.
    pub when: Option<Named<WhenAttr>>,
}

/// `when(app = OtherApp)`, `when(field = some_bool_field)` or
/// `when(field = some_field, is = Enum::Variant)`.
#[derive(FromMeta)]
pub struct WhenAttr {
    /// Another app, by its Rust type.
    pub app: Option<Path>,
    /// A field of this struct, by its Rust name: a `bool` unless `is` is given.
    pub field: Option<Ident>,
    /// The value `field` must have: an enum variant (or a constant) of the field's type.
    pub is: Option<Path>,
}

/// `requires = OtherApp` or `requires(A, B)`: apps this one needs, by their Rust types.
pub struct Requires(pub Vec<Path>);

impl FromMeta for Requires {
    fn from_expr(expr: &Expr) -> darling::Result<Self> {
        Ok(Requires(vec![Path::from_expr(expr)?]))
    }

    fn from_list(items: &[NestedMeta]) -> darling::Result<Self> {
        let mut errors = Error::accumulator();
        let mut apps = Vec::new();
        for item in items {
            match item {
                NestedMeta::Meta(Meta::Path(path)) => apps.push(path.clone()),
                _ => errors.push(
                    Error::custom("expected an app type, as in `requires(ApiGateway)`")
                        .with_span(item),
                ),
            }
        }
        errors.finish_with(Requires(apps))
    }
}

/// A part of the attribute together with the span of its name (`release`, `when`, ...),
/// where errors about the part as a whole point.
pub struct Named<T> {
    /// The parsed part.
    pub value: T,
    /// The span of the part's name.
    pub span: Span,
}

impl<T: FromMeta> FromMeta for Named<T> {
    fn from_meta(item: &Meta) -> darling::Result<Self> {
        Ok(Named {
            value: T::from_meta(item)?,
            span: item.path().span(),
        })
    }
}
