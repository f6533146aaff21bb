//! Apps for Crossplane compositions written in KCL: Helm releases and Kubernetes objects
//! switched on by a composite resource's parameters, described with `#[derive(App)]`,
//! listed in installation order with `#[derive(AppRegistry)]`, and lowered to KCL.
//!
//! - [`app`]: the description of an app ([`AppSpec`]), what the derive produces;
//! - [`compose`]: the lowering: checks, ordering, values merging, templates, and the
//!   KCL blocks, data dicts and XRD properties of a composition's apps, in the names of
//!   its [`Conventions`](compose::Conventions);
//! - [`resources`]: the schemas the lowered apps instantiate, which read those names.
//!
//! The KCL syntax tree is [`kcl_codegen::ast`], and the parameters' schemas are compiled
//! by [`kcl_codegen::schema`].
//!
//! ```
//! use kcl_apps::{App, AppRegistry};
//!
//! /// Install a cache.
//! #[derive(Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema, App)]
//! #[app(release(chart = "cache", repository = "https://charts.example.com",
//!               version = "1.0.0", namespace = "cache"))]
//! pub struct Cache {
//!     /// Install the cache.
//!     pub enabled: bool,
//! }
//!
//! assert_eq!(Cache::KEY, "cache");
//! assert_eq!(Cache::spec().releases[0].chart, "cache");
//! ```
//!
//! The derives name this crate as `::kcl_apps`; a crate that reaches it under another path
//! says so with `#[app(crate = "path::to::kcl_apps")]`.

pub mod app;
pub mod compose;
pub mod resources;

use kcl_codegen::{ast, schema};

pub use app::{App, AppRegistry, AppSpec};
pub use kcl_apps_derive::{App, AppRegistry};

/// Used by the code `#[derive(App)]` and `#[derive(AppRegistry)]` expand to; not a public
/// API.
#[doc(hidden)]
pub mod __private {
    pub use kcl_codegen::schema::prose;
    pub use schemars;
    pub use serde_json;

    /// A field of type `Self` can have values of type `V`: its own, or `T`'s for an
    /// `Option<T>`.
    #[diagnostic::on_unimplemented(
        message = "`when(field = ..., is = ...)` compares a field of type `{Self}` with a value of type `{V}`",
        label = "not a value of the field's type"
    )]
    pub trait FieldValue<V> {}
    impl<V> FieldValue<V> for V {}
    impl<V> FieldValue<V> for Option<V> {}

    /// Type-checks `when(field = ..., is = value)`; never called.
    pub fn value_of<F: FieldValue<V>, V>(_field: &F, _value: &V) {}

    /// Whether two strings are equal, in a constant.
    pub const fn same(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
}
