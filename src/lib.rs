//! End-to-end tests of the dot-kubernetes composition live in `tests/`; this crate has no
//! code of its own.
