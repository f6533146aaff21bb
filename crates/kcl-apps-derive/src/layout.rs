//! The layout of pins in the attribute: dependency bots find a pin by its neighbours.
//!
//! Renovate reads a chart's pin from `chart = "...", repository = "..." | url = "...",
//! version = "..."` and an image's from `repository = "...", tag = "..."`, written one after
//! the other in that order. A pin written otherwise would compile and silently stop being
//! updated, so any other order is a compile error.

use darling::Error;
use darling::error::Accumulator;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Meta, Token};

/// The keys that must stand one after the other, in order, in each part of this name.
const PINNED_PARTS: [(&str, &[&[&str]], &str); 2] = [
    (
        "release",
        &[&["chart"], &["repository", "url"], &["version"]],
        "`chart`, then `repository` or `url`, then `version`",
    ),
    (
        "image",
        &[&["repository"], &["tag"]],
        "`repository`, then `tag`",
    ),
];

/// Check every `release(...)` and `image(...)` of the `#[app(...)]` attributes.
pub fn check(attrs: &[Attribute], errors: &mut Accumulator) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("app")) {
        let Ok(parts) = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        else {
            // Malformed attributes are the parser's to report.
            continue;
        };
        for part in &parts {
            let Meta::List(list) = part else { continue };
            let Some((_, keys, wanted)) = PINNED_PARTS
                .iter()
                .find(|(name, _, _)| list.path.is_ident(name))
            else {
                continue;
            };
            let Ok(fields) = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            else {
                continue;
            };
            let names: Vec<String> = fields
                .iter()
                .map(|field| {
                    field
                        .path()
                        .get_ident()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                })
                .collect();
            if !in_a_row(&names, keys) {
                errors.push(
                    Error::custom(format!(
                        "write {wanted} one after the other: Renovate finds the pin by that layout"
                    ))
                    .with_span(&list.path.span()),
                );
            }
        }
    }
}

/// Whether `keys` stand one after the other, in order. A part missing a key, or with two
/// of one (`repository` and `url`), is left to the other checks.
fn in_a_row(names: &[String], keys: &[&[&str]]) -> bool {
    let is = |name: &String, options: &[&str]| options.contains(&name.as_str());
    if !keys
        .iter()
        .all(|options| names.iter().filter(|n| is(n, options)).count() == 1)
    {
        return true;
    }
    names.windows(keys.len()).any(|window| {
        window
            .iter()
            .zip(keys)
            .all(|(name, options)| is(name, options))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| k.to_string()).collect()
    }

    #[test]
    fn chart_source_and_version_must_stand_in_a_row() {
        let release = PINNED_PARTS[0].1;
        assert!(in_a_row(
            &names(&["name", "chart", "url", "version", "namespace"]),
            release
        ));
        assert!(!in_a_row(
            &names(&["chart", "name", "repository", "version"]),
            release
        ));
        assert!(!in_a_row(
            &names(&["version", "chart", "repository"]),
            release
        ));
        // A missing key is reported elsewhere.
        assert!(in_a_row(&names(&["chart", "version"]), release));
    }
}
