use kcl_apps::{App, AppRegistry};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install the cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
}

/// The apps, in installation order.
#[derive(Serialize, Deserialize, AppRegistry)]
#[serde(rename_all = "camelCase")]
pub struct Apps {
    /// The cache.
    pub cache: Option<Cache>,
    /// Not optional.
    pub store: Cache,
    /// Not an app's field.
    #[serde(skip)]
    pub skipped: Option<Cache>,
    /// Flattened.
    #[serde(flatten)]
    pub flattened: Option<Cache>,
    /// A second field with the key `cache`.
    #[serde(rename = "cache")]
    pub again: Option<Cache>,
}

/// Not a struct with named fields.
#[derive(AppRegistry)]
pub struct Tuple(Option<Cache>);

/// A generic registry.
#[derive(AppRegistry)]
pub struct Generic<T> {
    /// The cache.
    pub cache: Option<T>,
}

fn main() {}
