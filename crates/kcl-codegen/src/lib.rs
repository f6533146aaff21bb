//! Generate KCL from Rust types.
//!
//! - [`ast`]: a typed KCL syntax tree, printed in the canonical form of the KCL formatter;
//! - [`schema`]: the schema compiler, from a schemars JSON Schema to a KCL data dict and a
//!   Kubernetes structural schema;
//! - [`regions`]: generated regions inside hand-written files, written atomically or
//!   compared with a diff;
//! - [`app`] and [`compose`]: apps (Helm releases and Kubernetes objects switched on by a
//!   composite resource's parameters), described with `#[derive(App)]` and lowered to KCL.
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
//! let module = Module { body: vec![Stmt::assign("scaling", Expr::from_json(&dict))] };
//! assert_eq!(module.to_string(), r#"scaling = {
//!     "type" = "object"
//!     description = "How an application scales."
//!     properties = {
//!         min = {
//!             "type" = "integer"
//!             description = "The fewest replicas."
//!             default = 1
//!         }
//!     }
//!     required = []
//! }
//! "#);
//!
//! let structural = schema::structural(&parameters)?;
//! assert_eq!(structural["properties"]["min"]["default"], 1);
//! # Ok::<(), kcl_codegen::schema::SchemaError>(())
//! ```

pub mod app;
pub mod ast;
pub mod compose;
mod print;
pub mod regions;
pub mod schema;

pub use app::{App, AppSpec};
pub use kcl_codegen_derive::App;

/// Used by the code `#[derive(App)]` expands to; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use schemars;
    pub use serde_json;
}
