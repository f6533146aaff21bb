//! KCL as generated code writes it.
//!
//! - [`ast`]: a typed KCL syntax tree, whose `Display` prints it in the canonical form of
//!   the KCL formatter (`kcl fmt`): formatting printed text changes nothing, and it
//!   evaluates to what the tree says;
//! - [`lexical`]: KCL's lexical rules (identifiers, keywords, which keywords may be bare
//!   dict keys, string quoting and escaping), which the printer follows and which tools
//!   that check names before building a tree can use;
//! - [`template`]: the grammar of template references, strings that are exactly
//!   `{{ path }}` or `{{ tag:name }}`;
//! - [`json`]: what the KCL runtime holds of a JSON value (64-bit integers, nesting up to
//!   [`json::KCL_VALUE_MAX_DEPTH`] levels), checked before a value is printed or handed to it.
//!
//! ```
//! use kcl_codegen_syntax::ast::{Expr, Module, Stmt};
//!
//! let module = Module {
//!     body: vec![Stmt::assign(
//!         "scaling",
//!         Expr::try_from_json(&serde_json::json!({"type": "object", "if": 1}))?,
//!     )],
//! };
//! assert_eq!(module.to_string(), "scaling = {type = \"object\", \"if\" = 1}\n");
//! # Ok::<(), kcl_codegen_syntax::json::JsonError>(())
//! ```

pub mod ast;
pub mod json;
pub mod lexical;
mod print;
pub mod template;
