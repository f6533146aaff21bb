//! YAML from files and string literals, read at compile time and turned into Rust
//! expressions that build the same `serde_json::Value`.

use std::path::PathBuf;

use darling::Error;
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;
use syn::LitStr;

/// A YAML document read from a file.
pub struct FromFile {
    /// The document.
    pub value: Value,
    /// The file's absolute path, so that the expansion can depend on it.
    pub path: PathBuf,
}

/// Read and parse `file`, a path relative to `CARGO_MANIFEST_DIR` (the directory of the
/// crate being compiled). Errors point at the literal.
pub fn load_file(file: &LitStr) -> darling::Result<FromFile> {
    let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return Err(
            Error::custom("CARGO_MANIFEST_DIR is not set; build with cargo").with_span(file),
        );
    };
    let path = PathBuf::from(dir).join(file.value());
    let text = std::fs::read_to_string(&path).map_err(|err| {
        Error::custom(format!(
            "cannot read `{}` (paths are relative to the crate's directory): {err}",
            file.value()
        ))
        .with_span(file)
    })?;
    let value = parse(&text, file, &format!("`{}`", file.value()))?;
    Ok(FromFile { value, path })
}

/// Parse the YAML text of a string literal.
pub fn parse_inline(inline: &LitStr) -> darling::Result<Value> {
    parse(&inline.value(), inline, "the inline YAML")
}

/// Parse `text`; `what` names it in errors, which point at `span`.
fn parse(text: &str, span: &LitStr, what: &str) -> darling::Result<Value> {
    let options = serde_saphyr::options! {
        // `.inf` and `.nan` have no JSON form (serde_json would make them `null`).
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::Reject,
        // One line in the compiler's message; the line and column are in it.
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options(text, options)
        .map_err(|err| Error::custom(format!("{what} is not valid YAML: {err}")).with_span(span))
}

/// A Rust expression that builds `value`. It cannot panic.
pub fn to_tokens(value: &Value) -> TokenStream {
    let json = quote!(_kcl_apps::__private::serde_json);
    match value {
        Value::Null => quote!(#json::Value::Null),
        Value::Bool(b) => quote!(#json::Value::Bool(#b)),
        Value::Number(n) => {
            // A `serde_json::Number` is a u64, an i64 or a finite f64.
            let n = if let Some(u) = n.as_u64() {
                Literal::u64_suffixed(u)
            } else if let Some(i) = n.as_i64() {
                Literal::i64_suffixed(i)
            } else {
                Literal::f64_suffixed(n.as_f64().filter(|f| f.is_finite()).unwrap_or_default())
            };
            quote!(#json::Value::from(#n))
        }
        Value::String(s) => quote!(#json::Value::String(::std::string::String::from(#s))),
        Value::Array(items) => {
            let items = items.iter().map(to_tokens);
            quote!(#json::Value::Array(::std::vec![#(#items),*]))
        }
        Value::Object(entries) => {
            let inserts = entries.iter().map(|(key, value)| {
                let value = to_tokens(value);
                quote!(map.insert(::std::string::String::from(#key), #value);)
            });
            quote!({
                let mut map = #json::Map::new();
                #(#inserts)*
                #json::Value::Object(map)
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> darling::Result<Value> {
        parse(text, &syn::parse_quote!("x"), "the YAML")
    }

    #[test]
    fn non_finite_numbers_are_errors() {
        let err = parse_str("a: .inf").unwrap_err();
        assert!(err.to_string().contains("not valid YAML"), "{err}");
    }

    #[test]
    fn errors_are_one_line_with_a_location() {
        let err = parse_str("a: [1, 2").unwrap_err().to_string();
        assert!(!err.contains('\n') && err.contains("line 1"), "{err}");
    }
}
