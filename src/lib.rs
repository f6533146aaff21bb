//! dot-kubernetes on the runtime side: the composition's KCL in `kcl/` run through the
//! real KCL runtime ([`kcl_runtime`], in-process), for the `Cluster` types of
//! [`dot_kubernetes_apps`].
//!
//! - [`render`]: run a `Cluster`'s Composition as function-kcl does, with the generic
//!   renderer [`kcl_render`]: the apps step alone ([`render::Composition`]) or the whole
//!   pipeline, provider step then apps step, as `package/compositions.yaml` ships it
//!   ([`render::Pipeline`]), after admitting the XR as the API server would;
//! - [`package`]: the Crossplane Configuration package built from `kcl/`, and the pin of
//!   function-kcl that moves with the KCL the tests run;
//! - [`cli`]: the `render` command, shared by the `dot-kubernetes` binary and
//!   `cargo xtask render`.
//!
//! The end-to-end tests in `tests/` run this crate, and its binary through
//! `CARGO_BIN_EXE_dot-kubernetes`.

mod admission;
pub mod cli;
mod error;
pub mod package;
pub mod render;
