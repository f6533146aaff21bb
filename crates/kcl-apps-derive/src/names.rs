//! The names and texts the derive makes up: an app's default key, default pins, and the
//! description from the struct's doc comment.

/// The default key of the app type `name`: its first letter in lower case, as serde's
/// `rename_all = "camelCase"` names a variant (`ApiGateway` -> `apiGateway`).
pub fn type_name_key(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `cache-add-ons-http` -> `cacheAddOnsHttp`.
pub fn lower_camel_case(name: &str) -> String {
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
pub fn description(attrs: &[syn::Attribute]) -> String {
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
        assert_eq!(lower_camel_case("queue-metrics"), "queueMetrics");
        assert_eq!(lower_camel_case("dash_board.v2"), "dashBoardV2");
        assert_eq!(lower_camel_case("cache"), "cache");
    }

    #[test]
    fn keys_default_to_the_type_name_in_lower_camel_case() {
        assert_eq!(type_name_key("JobQueue"), "jobQueue");
        assert_eq!(type_name_key("Cache"), "cache");
        assert_eq!(type_name_key("Dashboard2"), "dashboard2");
    }

    #[test]
    fn descriptions_are_the_doc_comment_lines() {
        let input: syn::DeriveInput = syn::parse_quote! {
            /// Install a cache,
            ///   the fast one.
            ///
            /// More.
            struct Cache;
        };
        assert_eq!(
            description(&input.attrs),
            "Install a cache,\n   the fast one.\n\n More."
        );
    }
}
