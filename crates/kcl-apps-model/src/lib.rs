//! The description of an app that a composition installs, shared by kcl-apps, which lowers
//! it to KCL at run time, and by its derive, which builds and checks it at compile time.
//!
//! An app is switched on by `<apps>.<key>.enabled` and brings Helm releases and Kubernetes
//! objects, some of which exist only under a [`Condition`]. Values and manifests are
//! [`serde_json::Value`] templates: a string that is exactly `{{ path }}` (for example
//! `{{ host }}`) stands for the app's own parameter at that path, `{{ image:<name> }}` for
//! an image's pinned reference, and `{{ xr:name }}` and `{{ xr:namespace }}` for the
//! composite resource's name and namespace.
//!
//! Every type is generic over a [`Stage`]: what is a plain value at run time is only
//! tokens at compile time. kcl-apps names the run-time stage (`kcl_apps::app::Runtime`)
//! and the derive its own, so that both read one model instead of two copies that must
//! agree.

use std::fmt::Debug;

/// What the model holds where run time and compile time differ.
///
/// At run time every text is a `String`, another app is its key, a compared value is
/// JSON and the parameters are their JSON Schema. The derive sees tokens instead: each
/// text is the literal it was written as (with its span, for errors), another app is its
/// Rust type, a compared value is a Rust path, and the parameters are the Rust type that
/// derives their schema.
pub trait Stage {
    /// A text of the description: a name, a version, a file, a key.
    type Text: Clone + Debug + PartialEq + Eq;
    /// Another app, which this one requires or a condition reads.
    type App: Clone + Debug + PartialEq + Eq;
    /// The value a condition compares a parameter with.
    type Value: Clone + Debug + PartialEq + Eq;
    /// The app's parameters.
    type Parameters: Clone + Debug + PartialEq;
}

/// Everything a generator needs to know about one app.
#[derive(Debug, Clone, PartialEq)]
pub struct AppSpec<S: Stage> {
    /// The key under the apps parameters (`spec.parameters.apps.<key>`).
    pub key: S::Text,
    /// What the app is, from the type's doc comment; it becomes the XRD description.
    pub description: S::Text,
    /// The app's parameters; at run time their JSON Schema (from schemars).
    pub parameters: S::Parameters,
    /// The Helm releases, in installation order.
    pub releases: Vec<Release<S>>,
    /// The Kubernetes objects.
    pub objects: Vec<Object<S>>,
    /// The apps this one needs; enabling this app enables them too.
    pub requires: Vec<S::App>,
    /// The container images the app's manifests run, each pinned.
    pub images: Vec<Image<S>>,
    /// Where the app continues in hand-written KCL, beyond what is generated.
    pub hand_written: Vec<HandWritten<S>>,
}

/// A part of an app that hand-written KCL composes or reads, beside the generated code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandWritten<S: Stage> {
    /// The file that holds it, as the project names it (for example `kcl/main.k`).
    pub file: S::Text,
    /// What it does there.
    pub what: S::Text,
}

/// A container image that an app's manifests name as `{{ image:<name> }}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image<S: Stage> {
    /// The name manifests refer to the image by.
    pub name: S::Text,
    /// The image without its tag, for example `registry.example.com/team/operator`.
    pub repository: S::Text,
    /// The pinned tag.
    pub tag: S::Text,
    /// The KCL variable the pin is generated as.
    pub pin: S::Text,
}

/// One Helm release of an app.
#[derive(Debug, Clone, PartialEq)]
pub struct Release<S: Stage> {
    /// The release name in the target cluster; the composed resource is `<xr>-app-<name>`.
    pub name: S::Text,
    /// The chart's name.
    pub chart: S::Text,
    /// Where the chart comes from.
    pub source: ChartSource<S>,
    /// The pinned chart version.
    pub version: S::Text,
    /// The KCL variable the pin is generated as, for example `redis`.
    pub pin: S::Text,
    /// The namespace the release is installed in.
    pub namespace: S::Text,
    /// Compose a `Usage` that holds the managed cluster until the release is gone (when
    /// the composition composes usages at all).
    pub usage: bool,
    /// The chart values, as parts merged in order; empty when the chart's defaults do.
    pub values: Vec<Values<S>>,
    /// The release exists only when this holds (besides the app being enabled).
    pub when: Option<Condition<S>>,
}

/// Where a chart is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartSource<S: Stage> {
    /// A classic Helm repository URL (`chart.repository`).
    Repository(S::Text),
    /// An OCI repository, `oci://<registry>/<path>`, that holds the chart as
    /// `<path>/<chart>:<version>`. Composed as `chart.repository`, `chart.name` and
    /// `chart.version`, which makes the Helm provider pull exactly that tag.
    Oci(S::Text),
    /// The URL of a chart archive whose name carries the version: `{version}` in the URL
    /// stands for the pin (`https://example.com/charts/redis-{version}.tgz`). Composed as
    /// `chart.url` alone.
    Archive(S::Text),
}

impl<S: Stage> ChartSource<S> {
    /// The archive URL with `{version}` replaced.
    pub fn archive_url(template: &str, version: &str) -> String {
        template.replace(ARCHIVE_VERSION, version)
    }
}

/// The placeholder of the version in a [`ChartSource::Archive`] URL.
pub const ARCHIVE_VERSION: &str = "{version}";

/// A part of a release's values.
#[derive(Debug, Clone, PartialEq)]
pub struct Values<S: Stage> {
    /// Where in the values the part goes (`["server", "ingress"]`); empty for the top.
    pub at: Vec<S::Text>,
    /// The values; must be an object unless `at` is not empty.
    pub value: serde_json::Value,
    /// The YAML file the values were read from, as the app names it (relative to its
    /// crate); `None` for inline YAML. Errors about the values' templates name it.
    pub file: Option<S::Text>,
    /// The part is present only when this holds.
    pub when: Option<Condition<S>>,
}

/// One Kubernetes object of an app.
#[derive(Debug, Clone, PartialEq)]
pub struct Object<S: Stage> {
    /// The composed resource is `<xr>-app-<name>`.
    pub name: S::Text,
    /// The object's `crossplane.io/external-name`; `None` means the manifest's
    /// `metadata.name`.
    pub external_name: Option<S::Text>,
    /// Protect the managed cluster with a `Usage` until the object is gone (when the
    /// composition composes usages at all).
    pub usage: bool,
    /// The object's manifest.
    pub manifest: serde_json::Value,
    /// The YAML file the manifest was read from, as the app names it (relative to its
    /// crate); `None` for an inline manifest. Errors about its templates name it.
    pub file: Option<S::Text>,
    /// Keep the object when the composite resource is deleted (management policies
    /// `Create, Update, Observe`): for CRDs and cluster-wide objects others may share.
    pub retain: bool,
    /// The object exists only when this holds (besides the app being enabled).
    pub when: Option<Condition<S>>,
}

/// When a part of an app exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition<S: Stage> {
    /// Another app is enabled too.
    AppEnabled(S::App),
    /// The app's own boolean parameter at this path (serde names) is true; when it is
    /// absent, its schema default counts.
    Field(Vec<S::Text>),
    /// The app's own parameter at `path` has this value, for example an enum's variant as
    /// serialised (`"large"`); when it is absent, its schema default counts.
    FieldIs {
        /// The parameter.
        path: Vec<S::Text>,
        /// The value, one of those the parameter's schema allows.
        value: S::Value,
    },
}

/// The candidate closest to `name`, if one is close enough to be a likely misspelling:
/// what errors about an app suggest, at compile time and at run time alike.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_close_name_is_suggested_and_a_far_one_is_not() {
        let names = ["host", "port", "upstream"];
        assert_eq!(did_you_mean("hots", names), Some("host"));
        assert_eq!(did_you_mean("upstreem", names), Some("upstream"));
        assert_eq!(did_you_mean("nothingLikeIt", names), None);
    }

    #[test]
    fn an_archive_url_carries_the_version_where_the_placeholder_is() {
        struct Texts;
        impl Stage for Texts {
            type Text = String;
            type App = String;
            type Value = String;
            type Parameters = ();
        }
        assert_eq!(
            ChartSource::<Texts>::archive_url("https://example.com/cache-{version}.tgz", "1.2"),
            "https://example.com/cache-1.2.tgz"
        );
    }
}
