//! The `App` and `AppRegistry` derives of kcl-apps, re-exported as `kcl_apps::App` and
//! `kcl_apps::AppRegistry`.
//!
//! As serde's derive: the attribute is parsed in `attrs` (darling), resolved into the app
//! model in `resolve` (defaults, YAML read through `yaml`, names looked up in the struct's
//! serde `fields`, `templates` in the YAML looked up too), checked in a separate pass in `check` (and `layout`), and turned into
//! code in `expand`. The model is kcl-apps-model's, shared with kcl-apps, at the derive's
//! stage (`model`). Every misuse is a compile error at the span of the part that is wrong,
//! all reported at once.

mod attrs;
mod check;
mod expand;
mod fields;
mod krate;
mod layout;
mod model;
mod names;
mod registry;
mod resolve;
mod templates;
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
/// /// Install a cache, and its metrics exporter.
/// #[derive(Serialize, Deserialize, JsonSchema, App)]
/// #[serde(rename_all = "camelCase")]
/// #[app(
///     key = "cache",
///     release(chart = "cache", repository = "https://charts.example.com",
///             version = "1.4.0", namespace = "cache"),
///     release(chart = "cache-exporter", repository = "https://charts.example.com",
///             version = "0.3.1", namespace = "cache", when(field = metrics_exporter)),
/// )]
/// pub struct Cache {
///     /// Install the cache.
///     #[serde(default)]
///     pub enabled: bool,
///     /// Install the metrics exporter.
///     #[serde(default = "yes")]
///     pub metrics_exporter: bool,
/// }
///
/// let spec = Cache::spec();
/// assert_eq!(spec.key, "cache");
/// assert_eq!(spec.releases[1].pin, "cacheExporter");
/// ```
///
#[doc = include_str!("../attributes.md")]
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
