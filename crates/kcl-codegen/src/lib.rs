//! Generate KCL from Rust types.
