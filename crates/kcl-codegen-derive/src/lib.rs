//! The `App` derive.
