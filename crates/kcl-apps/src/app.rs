//! The description of an app that a composition installs: what `#[derive(App)]` produces.
//!
//! An app is switched on by `<apps>.<key>.enabled` and brings Helm releases and Kubernetes
//! objects, some of which exist only under a [`Condition`]. Values and manifests are
//! [`serde_json::Value`] templates: a string that is exactly `{{ path }}` (for example
//! `{{ host }}`) stands for the app's own parameter at that path, `{{ image:<name> }}` for
//! an image's pinned reference, and `{{ xr:name }}` and `{{ xr:namespace }}` for the
//! composite resource's name and namespace ([`XR_FIELDS`]).
//!
//! The types are those of [`kcl_apps_model`], which the derive builds at compile time too,
//! at the [`Runtime`] stage: texts are `String`s, another app is its key.
//!
//! An [`AppRegistry`] is the set of apps of a composition, in installation order.

/// A type that describes an app. Implemented by `#[derive(App)]`.
pub trait App {
    /// The app's key under the composition's apps parameters, for example `redis`.
    const KEY: &'static str;

    /// The whole description of the app.
    fn spec() -> AppSpec;
}

/// The apps of a composition, in installation order. Implemented by `#[derive(AppRegistry)]`
/// on a struct with one `Option<App>` field per app, each serialised as its app's key.
pub trait AppRegistry {
    /// Every app's description, in the order of the fields.
    fn specs() -> Vec<AppSpec>;
}

pub use kcl_apps_model::{ARCHIVE_VERSION, Stage};
pub use kcl_codegen_syntax::template::XR_FIELDS;

/// The model at run time, what [`App::spec`] returns: texts are `String`s, another app is
/// its key, a condition compares with a JSON value, and the parameters are their JSON
/// Schema (from schemars).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Runtime;

impl Stage for Runtime {
    type Text = String;
    type App = String;
    type Value = serde_json::Value;
    type Parameters = schemars::Schema;
}

/// Everything a generator needs to know about one app.
pub type AppSpec = kcl_apps_model::AppSpec<Runtime>;
/// A part of an app that hand-written KCL composes or reads, beside the generated code.
pub type HandWritten = kcl_apps_model::HandWritten<Runtime>;
/// A container image that an app's manifests name as `{{ image:<name> }}`.
pub type Image = kcl_apps_model::Image<Runtime>;
/// One Helm release of an app.
pub type Release = kcl_apps_model::Release<Runtime>;
/// Where a chart is published.
pub type ChartSource = kcl_apps_model::ChartSource<Runtime>;
/// A part of a release's values.
pub type Values = kcl_apps_model::Values<Runtime>;
/// One Kubernetes object of an app.
pub type Object = kcl_apps_model::Object<Runtime>;
/// When a part of an app exists: another app (by key) is enabled, or a parameter (by its
/// serde path) is true or has a value.
pub type Condition = kcl_apps_model::Condition<Runtime>;
