//! `#[app(crate = "path")]`: the path the generated code reaches kcl-apps by, `::kcl_apps`
//! unless a crate that re-exports it says otherwise (as serde's `#[serde(crate = "...")]`).
//!
//! The generated code names kcl-apps only as `_kcl_apps`, an alias that [`scope`] brings
//! into an anonymous `const` around it.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Path;

/// `#[app(crate = "...")]`'s path, or `::kcl_apps`.
pub fn path_or_default(krate: Option<Path>) -> Path {
    krate.unwrap_or_else(|| syn::parse_quote!(::kcl_apps))
}

/// `tokens`, which name kcl-apps as `_kcl_apps`, with that alias for `krate`.
pub fn scope(krate: &Path, tokens: TokenStream) -> TokenStream {
    quote! {
        const _: () = {
            use #krate as _kcl_apps;
            #tokens
        };
    }
}

/// The `crate = "..."` of the `#[app(...)]` attributes of a registry, which take no other
/// key.
pub fn of_registry(attrs: &[syn::Attribute]) -> syn::Result<Option<Path>> {
    let mut krate = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("app")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let path: syn::LitStr = meta.value()?.parse()?;
                krate = Some(path.parse()?);
                Ok(())
            } else {
                Err(meta.error("an app registry's `#[app(...)]` takes only `crate = \"...\"`"))
            }
        })?;
    }
    Ok(krate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_defaults_to_kcl_apps() {
        let path = path_or_default(None);
        assert_eq!(quote!(#path).to_string(), ":: kcl_apps");
    }

    #[test]
    fn a_registry_reads_its_crate_path() {
        let input: syn::DeriveInput = syn::parse_quote! {
            #[app(crate = "my::apps")]
            struct Apps {}
        };
        let path = of_registry(&input.attrs).unwrap().unwrap();
        assert_eq!(quote!(#path).to_string(), "my :: apps");
        let input: syn::DeriveInput = syn::parse_quote! {
            #[app(key = "x")]
            struct Apps {}
        };
        assert!(of_registry(&input.attrs).is_err());
    }
}
