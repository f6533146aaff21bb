//! The struct's fields as serde reads them (with `serde_derive_internals`, serde's own
//! rules for `rename_all`, `rename`, `skip` and `flatten`): the names the parameters have.

use darling::Error;
use kcl_apps_model::did_you_mean;
use syn::{DeriveInput, Ident};

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
    /// Its Rust name.
    pub ident: Ident,
    /// Its type.
    pub ty: syn::Type,
    /// The name in the parameters, by serde's rules (`rename_all`, `rename`).
    pub name: String,
    /// Whether its type is spelt `bool`.
    pub is_bool: bool,
    /// Whether serde skips it when reading the parameters.
    pub skipped: bool,
    /// Whether it is `#[serde(flatten)]`.
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
    pub fn field(&self, ident: &Ident, app: &Ident) -> darling::Result<&Field> {
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
    pub fn bool_field(&self, ident: &Ident, app: &Ident) -> darling::Result<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names_follow_rename_all_and_rename() {
        let input: DeriveInput = syn::parse_quote! {
            #[serde(rename_all = "camelCase")]
            struct Cache {
                http_port: u16,
                #[serde(rename = "baseURL")]
                base_url: String,
            }
        };
        let fields = Fields::of(&input);
        let names: Vec<_> = fields.all.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["httpPort", "baseURL"]);
    }
}
