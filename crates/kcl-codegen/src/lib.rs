//! Generate KCL from Rust types.
//!
//! - [`ast`]: a typed KCL syntax tree, printed in the canonical form of the KCL formatter
//!   (the [`kcl_codegen_syntax`] crate's, re-exported), and [`json`], what KCL holds of a
//!   JSON value (which [`ast::Expr::try_from_json`] checks);
//! - [`schema`]: the schema compiler, from a schemars JSON Schema to a KCL data dict and a
//!   Kubernetes structural schema;
//! - [`regions`]: generated regions inside hand-written files, written atomically or
//!   compared with a diff;
//! - [`staged`]: several files written all or nothing, which [`regions`] writes with.
//!
//! Apps (Helm releases and Kubernetes objects switched on by a composite resource's
//! parameters) and their lowering to KCL are the `kcl-apps` crate's, built on this one.
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
//!     body: vec![Stmt::assign("scaling", Expr::try_from_json(&dict)?.with_dotted_keys())],
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
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use kcl_codegen_syntax::ast;
pub use kcl_codegen_syntax::json;
pub mod regions;
pub mod schema;
pub mod staged;
