//! Generate KCL from Rust types.
//!
//! - [`ast`]: a typed KCL syntax tree, printed in the canonical form of the KCL formatter
//!   (the [`kcl_codegen_syntax`] crate's, re-exported);
//! - [`schema`]: the schema compiler, from a schemars JSON Schema to a KCL data dict and a
//!   Kubernetes structural schema;
//! - [`regions`]: generated regions inside hand-written files, written atomically or
//!   compared with a diff;
//! - [`app`] and [`compose`]: apps (Helm releases and Kubernetes objects switched on by a
//!   composite resource's parameters), described with `#[derive(App)]`, listed in order
//!   with `#[derive(AppRegistry)]`, and lowered to KCL; [`resources`]: the schemas the
//!   lowered apps instantiate.
//!
//! A Rust type becomes a KCL data dict and a structural schema:
//!
//! ```
//! use kcl_codegen::ast::{Expr, Module, Stmt};
//! use kcl_codegen::schema;
//!
//! /// How an application scales.
//! #[derive(schemars::JsonSchema)]
//! struct Scaling {
//!     /// The fewest replicas.
//!     #[serde(default = "one")]
//!     min: u32,
//! }
//! fn one() -> u32 { 1 }
//!
//! let parameters = schemars::schema_for!(Scaling);
//! let dict = schema::data_dict(&parameters)?;
//! let module = Module {
//!     body: vec![Stmt::assign("scaling", Expr::from_json(&dict).with_dotted_keys())],
//! };
//! assert_eq!(module.to_string(), r#"scaling = {
//!     type = "object"
//!     description = "How an application scales."
//!     properties.min = {type = "integer", description = "The fewest replicas.", default = 1}
//!     required = []
//! }
//! "#);
//!
//! let structural = schema::structural(&parameters)?;
//! assert_eq!(structural["properties"]["min"]["default"], 1);
//! # Ok::<(), kcl_codegen::schema::SchemaError>(())
//! ```

pub mod app;
pub use kcl_codegen_syntax::ast;
pub mod compose;
pub mod regions;
pub mod resources;
pub mod schema;

pub use app::{App, AppRegistry, AppSpec};
pub use kcl_codegen_derive::{App, AppRegistry};

/// Used by the code `#[derive(App)]` and `#[derive(AppRegistry)]` expand to; not a public
/// API.
#[doc(hidden)]
pub mod __private {
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
