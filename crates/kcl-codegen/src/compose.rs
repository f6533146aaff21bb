//! Lowering apps to KCL.
