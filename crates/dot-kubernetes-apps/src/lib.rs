//! The apps of dot-kubernetes as Rust types: the single source of truth for the apps
//! schema, the XRD and the composition code in `kcl/`.
//!
//! - [`apps`]: one type per app, declared with `#[derive(App)]`;
//! - [`registry`]: every app, in the order the composition installs them;
//! - [`cluster`]: typed `Cluster` resources and their parameters, for consumers that build
//!   and check XRs in Rust;
//! - [`codegen`]: the generated regions of `kcl/data.k`, `kcl/definition.k`, `kcl/apps.k`
//!   and the provider steps.
//!
//! Constants consumers need: [`GATEWAY_NAME`], [`GATEWAY_NAMESPACE`], [`PROMETHEUS_URL`].
//!
//! This crate needs no KCL runtime: running the composition's KCL (rendering a `Cluster`,
//! building the package) is the `dot-kubernetes` crate's job.

pub mod apps;
pub mod cluster;
pub mod codegen;

pub use apps::{GATEWAY_NAME, GATEWAY_NAMESPACE, PROMETHEUS_URL};
pub use cluster::{Apps, Cluster, Parameters, Provider};

use kcl_apps::{AppRegistry, AppSpec};

/// Every app, in the order the composition installs them: the fields of [`Apps`].
pub fn registry() -> Vec<AppSpec> {
    Apps::specs()
}
