//! The grammar of template references: a string that is exactly `{{ path }}` or
//! `{{ tag:name }}`, which a generator replaces with a KCL expression.
//!
//! - `{{ a.b }}`: a dotted path, each segment a KCL identifier ([`Reference::Path`]);
//! - `{{ tag:name }}`: a name under a tag that is an identifier, `name` being everything
//!   after the first `:`, trimmed ([`Reference::Tagged`]).
//!
//! Spaces inside the braces are optional. Anything else, a string that only contains a
//! reference included, is a plain string. What a path or a tag means is the generator's.
//!
//! ```
//! use kcl_codegen_syntax::template::Reference;
//!
//! assert_eq!(Reference::parse("{{ a.b }}"), Some(Reference::Path(vec!["a", "b"])));
//! assert_eq!(
//!     Reference::parse("{{image:operator}}"),
//!     Some(Reference::Tagged { tag: "image", name: "operator" }),
//! );
//! assert_eq!(Reference::parse("x {{ a }}"), None);
//! assert_eq!(Reference::parse("{{ a-b }}"), None);
//! ```

use crate::lexical::is_identifier;

/// The tag of `{{ image:<name> }}`, which an app's templates use for one of its pinned
/// images. The app model and its derive both read the tags here, so that they agree.
pub const IMAGE_TAG: &str = "image";

/// The tag of `{{ xr:<field> }}`, which an app's templates use for a field of the
/// composite resource ([`XR_FIELDS`]).
pub const XR_TAG: &str = "xr";

/// The fields of the composite resource that `{{ xr:<field> }}` reads, with the path of
/// each in the composite resource.
pub const XR_FIELDS: &[(&str, &[&str])] = &[
    ("name", &["metadata", "name"]),
    ("namespace", &["metadata", "namespace"]),
];

/// A template reference, parsed from a string that is exactly `{{ ... }}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference<'a> {
    /// `{{ a.b }}`: the segments of a dotted path of identifiers.
    Path(Vec<&'a str>),
    /// `{{ tag:name }}`.
    Tagged {
        /// What comes before the first `:`, an identifier.
        tag: &'a str,
        /// What comes after it, trimmed.
        name: &'a str,
    },
}

impl<'a> Reference<'a> {
    /// The reference `s` is, or `None` when `s` is a plain string.
    pub fn parse(s: &'a str) -> Option<Self> {
        let inner = s.strip_prefix("{{")?.strip_suffix("}}")?.trim();
        if let Some((tag, name)) = inner.split_once(':') {
            return is_identifier(tag).then(|| Reference::Tagged {
                tag,
                name: name.trim(),
            });
        }
        let path: Vec<&str> = inner.split('.').collect();
        path.iter()
            .all(|part| is_identifier(part))
            .then_some(Reference::Path(path))
    }

    /// The name of `{{ <tag>:name }}` when this is a reference under `tag`.
    pub fn tagged(&self, tag: &str) -> Option<&'a str> {
        match self {
            Reference::Tagged { tag: t, name } if *t == tag => Some(name),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_whole_strings_of_identifiers() {
        assert_eq!(
            Reference::parse("{{ host }}"),
            Some(Reference::Path(vec!["host"]))
        );
        assert_eq!(
            Reference::parse("{{a.b}}"),
            Some(Reference::Path(vec!["a", "b"]))
        );
        assert_eq!(Reference::parse("x {{ host }}"), None);
        assert_eq!(Reference::parse("{{ a-b }}"), None);
        assert_eq!(Reference::parse("{{ }}"), None);
        assert_eq!(Reference::parse("{{ a. }}"), None);
    }

    #[test]
    fn tagged_names_are_everything_after_the_first_colon() {
        let tagged = |tag, name| Some(Reference::Tagged { tag, name });
        assert_eq!(Reference::parse("{{ xr:name }}"), tagged("xr", "name"));
        assert_eq!(Reference::parse("{{image:  a:b }}"), tagged("image", "a:b"));
        assert_eq!(Reference::parse("{{ image :a }}"), None);
        assert_eq!(Reference::parse("{{ a b:c }}"), None);
        assert_eq!(
            Reference::parse("{{ image:x }}").and_then(|r| r.tagged("image")),
            Some("x")
        );
        assert_eq!(
            Reference::parse("{{ image:x }}").and_then(|r| r.tagged("xr")),
            None
        );
    }
}
