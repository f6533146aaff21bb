//! The description of an app that a composition installs: what `#[derive(App)]` produces.
//!
//! An app is switched on by `<apps>.<key>.enabled` and brings Helm releases and Kubernetes
//! objects, some of which exist only under a [`Condition`]. Values and manifests are
//! [`serde_json::Value`] templates: a string that is exactly `{{ path }}` (for example
//! `{{ host }}`) stands for the app's own parameter at that path, `{{ image:<name> }}` for
//! an image's pinned reference, and `{{ xr:name }}` and `{{ xr:namespace }}` for the
//! composite resource's name and namespace ([`XR_FIELDS`]).
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

pub use kcl_codegen_syntax::template::XR_FIELDS;

/// Everything a generator needs to know about one app.
#[derive(Debug, Clone, PartialEq)]
pub struct AppSpec {
    /// The key under the apps parameters (`spec.parameters.apps.<key>`).
    pub key: String,
    /// What the app is, from the type's doc comment; it becomes the XRD description.
    pub description: String,
    /// The JSON Schema of the app's parameters (from schemars).
    pub parameters: schemars::Schema,
    /// The Helm releases, in installation order.
    pub releases: Vec<Release>,
    /// The Kubernetes objects.
    pub objects: Vec<Object>,
    /// The keys of apps this one needs; enabling this app enables them too.
    pub requires: Vec<String>,
    /// The container images the app's manifests run, each pinned.
    pub images: Vec<Image>,
    /// Where the app continues in hand-written KCL, beyond what is generated.
    pub hand_written: Vec<HandWritten>,
}

/// A part of an app that hand-written KCL composes or reads, beside the generated code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandWritten {
    /// The file that holds it, as the project names it (for example `kcl/main.k`).
    pub file: String,
    /// What it does there.
    pub what: String,
}

/// A container image that an app's manifests name as `{{ image:<name> }}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The name manifests refer to the image by.
    pub name: String,
    /// The image without its tag, for example `registry.example.com/team/operator`.
    pub repository: String,
    /// The pinned tag.
    pub tag: String,
    /// The KCL variable the pin is generated as.
    pub pin: String,
}

/// One Helm release of an app.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    /// The release name in the target cluster; the composed resource is `<xr>-app-<name>`.
    pub name: String,
    /// The chart's name.
    pub chart: String,
    /// Where the chart comes from.
    pub source: ChartSource,
    /// The pinned chart version.
    pub version: String,
    /// The KCL variable the pin is generated as, for example `redis`.
    pub pin: String,
    /// The namespace the release is installed in.
    pub namespace: String,
    /// Compose a `Usage` that holds the managed cluster until the release is gone (when
    /// the composition composes usages at all).
    pub usage: bool,
    /// The chart values, as parts merged in order; empty when the chart's defaults do.
    pub values: Vec<Values>,
    /// The release exists only when this holds (besides the app being enabled).
    pub when: Option<Condition>,
}

/// Where a chart is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartSource {
    /// A classic Helm repository URL (`chart.repository`).
    Repository(String),
    /// An OCI repository, `oci://<registry>/<path>`, that holds the chart as
    /// `<path>/<chart>:<version>`. Composed as `chart.repository`, `chart.name` and
    /// `chart.version`, which makes the Helm provider pull exactly that tag.
    Oci(String),
    /// The URL of a chart archive whose name carries the version: `{version}` in the URL
    /// stands for the pin (`https://example.com/charts/redis-{version}.tgz`). Composed as
    /// `chart.url` alone.
    Archive(String),
}

impl ChartSource {
    /// The archive URL with `{version}` replaced.
    pub fn archive_url(template: &str, version: &str) -> String {
        template.replace(ARCHIVE_VERSION, version)
    }
}

/// The placeholder of the version in a [`ChartSource::Archive`] URL.
pub const ARCHIVE_VERSION: &str = "{version}";

/// A part of a release's values.
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    /// Where in the values the part goes (`["server", "ingress"]`); empty for the top.
    pub at: Vec<String>,
    /// The values; must be an object unless `at` is not empty.
    pub value: serde_json::Value,
    /// The YAML file the values were read from, as the app names it (relative to its
    /// crate); `None` for inline YAML. Errors about the values' templates name it.
    pub file: Option<String>,
    /// The part is present only when this holds.
    pub when: Option<Condition>,
}

/// One Kubernetes object of an app.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// The composed resource is `<xr>-app-<name>`.
    pub name: String,
    /// The object's `crossplane.io/external-name`; `None` means the manifest's
    /// `metadata.name`.
    pub external_name: Option<String>,
    /// Protect the managed cluster with a `Usage` until the object is gone (when the
    /// composition composes usages at all).
    pub usage: bool,
    /// The object's manifest.
    pub manifest: serde_json::Value,
    /// The YAML file the manifest was read from, as the app names it (relative to its
    /// crate); `None` for an inline manifest. Errors about its templates name it.
    pub file: Option<String>,
    /// Keep the object when the composite resource is deleted (management policies
    /// `Create, Update, Observe`): for CRDs and cluster-wide objects others may share.
    pub retain: bool,
    /// The object exists only when this holds (besides the app being enabled).
    pub when: Option<Condition>,
}

/// When a part of an app exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// Another app (by key) is enabled too.
    AppEnabled(String),
    /// The app's own boolean parameter at this path is true; when it is absent, its
    /// schema default counts.
    Field(Vec<String>),
    /// The app's own parameter at `path` has this value, for example an enum's variant as
    /// serialised (`"large"`); when it is absent, its schema default counts.
    FieldIs {
        /// The parameter.
        path: Vec<String>,
        /// The value, one of those the parameter's schema allows.
        value: serde_json::Value,
    },
}
