//! The `App` derive of kcl-codegen. See `kcl_codegen::App`.

use proc_macro::TokenStream;

/// Derive `kcl_codegen::App` for a struct of app parameters.
#[proc_macro_derive(App, attributes(app))]
pub fn derive_app(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}
