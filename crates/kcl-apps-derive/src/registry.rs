//! `#[derive(AppRegistry)]`: a struct with one `Option<App>` field per app is the registry
//! of a composition's apps, in the order of its fields.

use darling::Error;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, GenericArgument, PathArguments, Type};

use crate::check::Unique;
use crate::fields::Fields as SerdeFields;
use crate::krate;

/// Expand `#[derive(AppRegistry)]` on `input`, or report every misuse.
pub fn derive(input: &DeriveInput) -> TokenStream {
    registry(input).unwrap_or_else(Error::write_errors)
}

fn registry(input: &DeriveInput) -> darling::Result<TokenStream> {
    let shape = || Error::custom("an app registry is a struct with one named field per app");
    let named = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => named,
            Fields::Unnamed(fields) => return Err(shape().with_span(fields)),
            Fields::Unit => return Err(shape().with_span(&input.ident)),
        },
        Data::Enum(data) => return Err(shape().with_span(&data.enum_token)),
        Data::Union(data) => return Err(shape().with_span(&data.union_token)),
    };
    let mut errors = Error::accumulator();
    let krate = errors.handle(krate::of_registry(&input.attrs).map_err(Error::from));
    let krate = krate::path_or_default(krate.flatten());
    if !input.generics.params.is_empty() {
        errors.push(
            Error::custom("an app registry cannot be generic: its fields are the apps")
                .with_span(&input.generics),
        );
    }
    let serde = SerdeFields::of(input);
    let mut keys = Unique::within("key", "registry");
    let mut apps = Vec::new();
    let mut key_checks = Vec::new();
    for field in &named.named {
        let app = option_of(&field.ty);
        if app.is_none() {
            errors.push(
                Error::custom(
                    "an app's field is `Option<App>`, absent when the app is not asked for",
                )
                .with_span(&field.ty),
            );
        }
        let serde_field = serde
            .all
            .iter()
            .find(|f| Some(&f.ident) == field.ident.as_ref());
        let Some(serde_field) = serde_field else {
            // serde's derive reports what kept the fields from being read.
            continue;
        };
        let ident = &serde_field.ident;
        if serde_field.skipped || serde_field.flatten {
            let why = if serde_field.skipped {
                "skipped by serde"
            } else {
                "flattened"
            };
            errors.push(
                Error::custom(format!(
                    "`{ident}` is {why}: an app is the value of its key in the parameters"
                ))
                .with_span(ident),
            );
            continue;
        }
        let name = &serde_field.name;
        keys.check(&mut errors, name, ident);
        let Some(app) = app else {
            continue;
        };
        apps.push(quote_spanned!(app.span()=> <#app as _kcl_apps::App>::spec()));
        let message = format!(
            "`{ident}` is serialised as `{name}`, which is not the key of its app: name the \
             field after the key, or set `#[serde(rename = \"<key>\")]`"
        );
        // Outside the scope of `_kcl_apps`: a failed check names the constant `_`.
        key_checks.push(quote_spanned! {ident.span()=>
            const _: () = ::std::assert!(
                #krate::__private::same(<#app as #krate::App>::KEY, #name),
                #message,
            );
        });
    }
    errors.finish()?;
    let ident = &input.ident;
    let registry = krate::scope(
        &krate,
        quote! {
            #[automatically_derived]
            impl _kcl_apps::AppRegistry for #ident {
                fn specs() -> ::std::vec::Vec<_kcl_apps::AppSpec> {
                    ::std::vec![#(#apps),*]
                }
            }
        },
    );
    Ok(quote! {
        #(#key_checks)*

        #registry
    })
}

/// `T` of a type spelt `Option<T>` (or `std::option::Option<T>` and the like).
fn option_of(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    let PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match (
        last.ident == "Option",
        arguments.args.first(),
        arguments.args.len(),
    ) {
        (true, Some(GenericArgument::Type(inner)), 1) => Some(inner),
        _ => None,
    }
}
