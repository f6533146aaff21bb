//! Expansion: a checked app becomes an `impl kcl_apps::App` whose `spec()` builds the same
//! model at run time.
//!
//! The generated code names only kcl-apps (as `_kcl_apps`, see [`crate::krate`]) and
//! `::std` paths, and cannot panic.

use darling::{Error, FromDeriveInput};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::attrs::AppAttrs;
use crate::model::{
    App, ChartSource, Condition, FieldValue, HandWritten, Image, Object, Release, Text, Values,
};
use crate::resolve::Resolved;
use crate::{check, fields, krate, resolve, yaml};

/// Expand `#[derive(App)]` on `input`: parse the attributes, resolve them, check the
/// result, and only then expand it; or report every misuse at once.
pub fn derive(input: &DeriveInput) -> TokenStream {
    if let Err(error) = check_shape(input) {
        return error.write_errors();
    }
    let attrs = match AppAttrs::from_derive_input(input) {
        Ok(attrs) => attrs,
        Err(errors) => return errors.write_errors(),
    };
    let krate = match attrs.krate.as_ref().map(LitStr::parse).transpose() {
        Ok(krate) => krate::path_or_default(krate),
        Err(error) => return error.into_compile_error(),
    };
    let fields = fields::Fields::of(input);
    let mut errors = Error::accumulator();
    let resolved = resolve::resolve(attrs, &fields, &mut errors);
    check::check(&resolved.app, input, &fields, &mut errors);
    match errors.finish() {
        Ok(()) => krate::scope(&krate, expand(&resolved)),
        Err(errors) => errors.write_errors(),
    }
}

/// An app is a struct with named fields: its parameters.
fn check_shape(input: &DeriveInput) -> darling::Result<()> {
    let error = || Error::custom("an app is a struct with named fields: its parameters");
    match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(_) => Ok(()),
            Fields::Unnamed(fields) => Err(error().with_span(fields)),
            Fields::Unit => Err(error().with_span(&input.ident)),
        },
        Data::Enum(data) => Err(error().with_span(&data.enum_token)),
        Data::Union(data) => Err(error().with_span(&data.union_token)),
    }
}

fn expand(resolved: &Resolved) -> TokenStream {
    let Resolved { app, files } = resolved;
    let App {
        key,
        description,
        parameters: ident,
        releases,
        objects,
        requires,
        images,
        hand_written,
    } = app;
    // Depending on the files makes cargo rebuild when one of them changes (a path that is
    // not UTF-8 cannot be named in `include_bytes!`; such a file is read but not tracked).
    let files = files.iter().filter_map(|path| path.to_str());
    let releases = releases.iter().map(release);
    let objects = objects.iter().map(object);
    let requires = requires.iter().map(app_key);
    let images = images.iter().map(image);
    let hand_written = hand_written.iter().map(|HandWritten { file, what }| {
        quote! {
            _kcl_apps::app::HandWritten {
                file: ::std::string::String::from(#file),
                what: ::std::string::String::from(#what),
            }
        }
    });
    let value_checks = value_checks(app);
    quote! {
        #[automatically_derived]
        impl _kcl_apps::App for #ident {
            const KEY: &'static str = #key;

            fn spec() -> _kcl_apps::AppSpec {
                #(const _: &[u8] = ::std::include_bytes!(#files);)*
                #value_checks
                _kcl_apps::AppSpec {
                    key: ::std::string::String::from(#key),
                    description: _kcl_apps::__private::prose(#description),
                    parameters: _kcl_apps::__private::schemars::schema_for!(Self),
                    releases: ::std::vec![#(#releases),*],
                    objects: ::std::vec![#(#objects),*],
                    requires: ::std::vec![#(#requires),*],
                    images: ::std::vec![#(#images),*],
                    hand_written: ::std::vec![#(#hand_written),*],
                }
            }
        }
    }
}

fn release(release: &Release) -> TokenStream {
    let Release {
        name,
        chart,
        source,
        version,
        pin,
        namespace,
        usage,
        values,
        when,
    } = release;
    let source = match source {
        ChartSource::Repository(url) => {
            quote!(_kcl_apps::app::ChartSource::Repository(::std::string::String::from(#url)))
        }
        ChartSource::Oci(url) => {
            quote!(_kcl_apps::app::ChartSource::Oci(::std::string::String::from(#url)))
        }
        ChartSource::Archive(url) => {
            quote!(_kcl_apps::app::ChartSource::Archive(::std::string::String::from(#url)))
        }
    };
    let values = values.iter().map(values_part);
    let when = condition(when.as_ref());
    quote! {
        _kcl_apps::app::Release {
            name: ::std::string::String::from(#name),
            chart: ::std::string::String::from(#chart),
            source: #source,
            version: ::std::string::String::from(#version),
            pin: ::std::string::String::from(#pin),
            namespace: ::std::string::String::from(#namespace),
            usage: #usage,
            values: ::std::vec![#(#values),*],
            when: #when,
        }
    }
}

fn values_part(values: &Values) -> TokenStream {
    let at = &values.at;
    let value = yaml::to_tokens(&values.value);
    let file = optional_string(values.file.as_ref());
    let when = condition(values.when.as_ref());
    quote! {
        _kcl_apps::app::Values {
            at: ::std::vec![#(::std::string::String::from(#at)),*],
            value: #value,
            file: #file,
            when: #when,
        }
    }
}

fn object(object: &Object) -> TokenStream {
    let Object {
        name,
        external_name,
        usage,
        manifest,
        file,
        retain,
        when,
    } = object;
    let manifest = yaml::to_tokens(manifest);
    let when = condition(when.as_ref());
    let external_name = optional_string(external_name.as_ref());
    let file = optional_string(file.as_ref());
    quote! {
        _kcl_apps::app::Object {
            name: ::std::string::String::from(#name),
            external_name: #external_name,
            usage: #usage,
            manifest: #manifest,
            file: #file,
            retain: #retain,
            when: #when,
        }
    }
}

/// `Some(String::from(text))` or `None`.
fn optional_string(text: Option<&Text>) -> TokenStream {
    match text {
        Some(text) => quote!(::std::option::Option::Some(::std::string::String::from(#text))),
        None => quote!(::std::option::Option::None),
    }
}

fn image(image: &Image) -> TokenStream {
    let Image {
        name,
        repository,
        tag,
        pin,
    } = image;
    quote! {
        _kcl_apps::app::Image {
            name: ::std::string::String::from(#name),
            repository: ::std::string::String::from(#repository),
            tag: ::std::string::String::from(#tag),
            pin: ::std::string::String::from(#pin),
        }
    }
}

fn condition(condition: Option<&Condition>) -> TokenStream {
    let condition = match condition {
        None => return quote!(::std::option::Option::None),
        Some(Condition::AppEnabled(path)) => {
            let key = app_key(path);
            quote!(_kcl_apps::app::Condition::AppEnabled(#key))
        }
        Some(Condition::Field(path)) => quote! {
            _kcl_apps::app::Condition::Field(
                ::std::vec![#(::std::string::String::from(#path)),*]
            )
        },
        // The value as serde writes it; the field's schema is checked against it when the
        // app is lowered (a value that does not serialise becomes `null`, refused there).
        Some(Condition::FieldIs {
            path,
            value: FieldValue { value, .. },
        }) => quote! {
            _kcl_apps::app::Condition::FieldIs {
                path: ::std::vec![#(::std::string::String::from(#path)),*],
                value: _kcl_apps::__private::serde_json::to_value(&#value)
                    .unwrap_or(_kcl_apps::__private::serde_json::Value::Null),
            }
        },
    };
    quote!(::std::option::Option::Some(#condition))
}

/// Every condition of the app, all of its parts.
fn conditions(app: &App) -> impl Iterator<Item = &Condition> {
    let releases = app.releases.iter().flat_map(|release| {
        let values = release.values.iter().filter_map(|v| v.when.as_ref());
        release.when.iter().chain(values)
    });
    let objects = app.objects.iter().filter_map(|object| object.when.as_ref());
    releases.chain(objects)
}

/// For each `when(field = f, is = V)`, code that makes rustc check that `V` is a value of
/// the field's type (or of `T` for an `Option<T>` field), with errors at `V`. It is never
/// run.
fn value_checks(app: &App) -> TokenStream {
    let checks = conditions(app).filter_map(|condition| match condition {
        Condition::FieldIs {
            value: FieldValue { field, value },
            ..
        } => Some(quote_spanned! {value.span()=>
            let _ = |app: &Self| _kcl_apps::__private::value_of(&app.#field, &#value);
        }),
        _ => None,
    });
    quote!(#(#checks)*)
}

/// The key of the app type `path`, spanned so that rustc reports an unknown type, or a type
/// that is not an app, at `path`.
fn app_key(path: &syn::Path) -> TokenStream {
    quote_spanned! {path.span()=>
        ::std::string::String::from(<#path as _kcl_apps::App>::KEY)
    }
}
