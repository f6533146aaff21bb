//! The `App` and `AppRegistry` derives of kcl-apps, re-exported as `kcl_apps::App` and
//! `kcl_apps::AppRegistry`.
//!
//! The attribute is parsed in `attrs` (darling), checked and resolved in `check`, which
//! reads YAML through `yaml`, and turned into code in `expand`. Every misuse is a compile
//! error at the span of the part that is wrong, all reported at once.

mod attrs;
mod check;
mod expand;
mod krate;
mod layout;
mod registry;
mod yaml;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derive `kcl_apps::App` for a struct of app parameters.
///
/// ```
/// use kcl_apps::App;
/// use schemars::JsonSchema;
/// use serde::{Deserialize, Serialize};
///
/// fn yes() -> bool {
///     true
/// }
///
/// /// Install the autoscaler, and its HTTP add-on.
/// #[derive(Serialize, Deserialize, JsonSchema, App)]
/// #[serde(rename_all = "camelCase")]
/// #[app(
///     key = "autoscaler",
///     release(chart = "autoscaler", repository = "https://charts.example.com",
///             version = "2.19.0", namespace = "autoscaler"),
///     release(chart = "autoscaler-http", repository = "https://charts.example.com",
///             version = "0.12.2", namespace = "autoscaler", when(field = http_addon)),
/// )]
/// pub struct Autoscaler {
///     /// Install the autoscaler.
///     #[serde(default)]
///     pub enabled: bool,
///     /// Install the HTTP add-on.
///     #[serde(default = "yes")]
///     pub http_addon: bool,
/// }
///
/// let spec = Autoscaler::spec();
/// assert_eq!(spec.key, "autoscaler");
/// assert_eq!(spec.releases[1].pin, "autoscalerHttp");
/// ```
///
/// The struct has named fields and no generics; its doc comment is the app's description
/// (lines joined with spaces, paragraphs with a blank line) and its `JsonSchema` the
/// parameters. Several `#[app(...)]` attributes merge.
///
/// - `key = "apiGateway"`: the app's key, lowerCamelCase; default: the type's name with
///   its first letter in lower case.
/// - `crate = "path"`: the path the generated code reaches kcl-apps by; default
///   `::kcl_apps` (for a crate that uses kcl-apps through a re-export).
/// - `requires = OtherApp` or `requires(A, B)`, repeatable: apps this one needs, by type.
/// - `no_usage`: compose no `Usage` for any release or object of the app (saying it again
///   on one of them is an error).
/// - `hand_written(file = "kcl/main.k", what = "...")`, repeatable: the app continues in
///   hand-written KCL in that file (named as the project names it); it becomes a comment of
///   the generated code, so both are one line.
/// - `release(...)`, repeatable, in installation order:
///   - `chart = "..."`, `version = "..."`, `namespace = "..."` (required);
///   - exactly one of `repository = "https://..."` (a Helm repository),
///     `repository = "oci://<registry>/<path>"` (an OCI registry: composed as
///     `chart.repository`, `chart.name` and `chart.version`) or
///     `url = "https://.../<chart>-{version}.tgz"` (an archive whose name is the pin);
///   - `chart`, the source and `version` written one after the other, in that order:
///     Renovate finds the pin by that layout;
///   - `name = "..."`: the release name, a DNS label; default: the chart;
///   - `pin = "..."`: the KCL name of the version pin; default: the name in lowerCamelCase
///     (`autoscaler-http` -> `autoscalerHttp`);
///   - `values = "file.yaml"`, or `values(file = "..." | inline = "...", at = "a.b",
///     when(...))`, repeatable, merged in order; without `at` a part must be a mapping;
///   - `no_usage`: compose no `Usage` for the release;
///   - `when(...)`: the release exists only then.
/// - `object(...)`, repeatable:
///   - exactly one of `file = "..."` or `inline = "..."`: a manifest with `apiVersion`,
///     `kind` and `metadata.name`;
///   - `name = "..."`: a DNS label; default: the file's stem (required with `inline`);
///   - `external_name = "..."`: its `crossplane.io/external-name`; default: the
///     manifest's `metadata.name`;
///   - `retain`: keep the object when the composite resource is deleted;
///   - `no_usage`: compose no `Usage` that holds the cluster for it;
///   - `when(...)`.
/// - `image(name = "...", repository = "...", tag = "...", pin = "...")`, repeatable: a
///   pinned container image, named in manifests and values as `"{{ image:<name> }}"`;
///   `repository` and `tag` one after the other.
/// - `when(app = OtherApp)`: another app is enabled; `when(field = some_field)`: a `bool`
///   field of this struct is true (it becomes the field's serde name, e.g. `httpAddon`);
///   `when(field = size, is = Size::Large)`: an enum field (or `Option` of one) has that
///   variant, as serde writes it; rustc checks that the value is of the field's type.
///
/// The struct needs a `bool` field serialised as `enabled`: it switches the app on. In
/// values and manifests, a string that is exactly `"{{ path }}"` reads the app's parameter
/// at that dotted path; its first segment must be a field's serde name (checked at compile
/// time, with a suggestion). The derive sees only the struct's own fields: the rest of the
/// path is checked against the parameters' schema when kcl-apps lowers the app. `"{{ xr:name }}"` and
/// `"{{ xr:namespace }}"` read the composite resource's name and namespace
/// (`kcl_apps::app::XR_FIELDS`; another `xr:` field is a compile error).
///
/// Files are relative to the directory of the crate being compiled (`CARGO_MANIFEST_DIR`)
/// and are read and parsed at compile time; editing one recompiles the crate. Release
/// names, object names and pins are unique within an app.
#[proc_macro_derive(App, attributes(app))]
pub fn derive_app(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}

/// Derive `kcl_apps::AppRegistry` for a struct with one `Option<App>` field per app:
/// the apps of a composition, in installation order.
///
/// ```
/// use kcl_apps::{App, AppRegistry};
/// use schemars::JsonSchema;
/// use serde::{Deserialize, Serialize};
///
/// /// Install a cache.
/// #[derive(Default, Serialize, Deserialize, JsonSchema, App)]
/// #[app(release(chart = "cache", repository = "https://charts.example.com",
///               version = "1.0.0", namespace = "cache"))]
/// pub struct Cache {
///     /// Install the cache.
///     pub enabled: bool,
/// }
///
/// /// Install a dashboard; it needs the cache.
/// #[derive(Default, Serialize, Deserialize, JsonSchema, App)]
/// #[app(requires = Cache, release(chart = "dashboard", repository = "https://charts.example.com",
///                                 version = "2.0.0", namespace = "dashboard"))]
/// pub struct Dashboard {
///     /// Install the dashboard.
///     pub enabled: bool,
/// }
///
/// /// The apps of the composition, in installation order.
/// #[derive(Default, Serialize, Deserialize, JsonSchema, AppRegistry)]
/// #[serde(rename_all = "camelCase")]
/// pub struct Apps {
///     /// The cache.
///     #[serde(default, skip_serializing_if = "Option::is_none")]
///     pub cache: Option<Cache>,
///     /// The dashboard.
///     #[serde(default, skip_serializing_if = "Option::is_none")]
///     pub dashboard: Option<Dashboard>,
/// }
///
/// let keys: Vec<String> = Apps::specs().into_iter().map(|app| app.key).collect();
/// assert_eq!(keys, ["cache", "dashboard"]);
/// ```
///
/// The order of the fields is the order of the apps: the installation order, and the order
/// of the apps' properties in the XRD. Each field is serialised (by serde's rules:
/// `rename_all`, `rename`) as its app's key, which a constant checks at compile time; a
/// field that is not `Option<App>`, skipped or flattened is a compile error.
/// `#[app(crate = "path")]` on the struct names the path of kcl-apps, as for `App`.
#[proc_macro_derive(AppRegistry, attributes(app))]
pub fn derive_app_registry(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    registry::derive(&input).into()
}
