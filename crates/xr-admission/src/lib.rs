//! Admit a Crossplane composite resource (XR) as the Kubernetes API server would, before
//! a composition function reads it.
//!
//! - [`validate`]: admit a value against a structural schema (prune nulls, apply defaults,
//!   validate), with the API server's messages at dotted paths;
//! - [`admission`]: admit a whole XR against its CompositeResourceDefinition (type,
//!   metadata, schema), within the sizes the API server stores and the depth the KCL
//!   runtime reads.
//!
//! ```
//! use serde_json::json;
//! use xr_admission::validate::admit;
//!
//! let schema = json!({"type": "object", "properties": {
//!     "replicas": {"type": "integer", "minimum": 1, "default": 1}}});
//! let mut parameters = json!({"replicas": null});
//! assert!(admit(&schema, &mut parameters, "spec").is_empty());
//! assert_eq!(parameters, json!({"replicas": 1}));
//! ```

pub mod admission;
pub mod validate;
