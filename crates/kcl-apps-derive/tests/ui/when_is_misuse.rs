use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The size of the cache.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    /// Small.
    Small,
    /// Large.
    Large,
}

/// Install the cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "cache",
    object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: a}}", name = "a", when(is = Size::Large)),
    object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: b}}", name = "b", when(app = Other, is = Size::Large)),
    object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: c}}", name = "c", when(field = sise, is = Size::Large)),
    object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: d}}", name = "d", when(field = hidden, is = Size::Large)),
    object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: e}}", name = "e", when(field = size)),
)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
    /// The size.
    pub size: Size,
    /// Not a parameter.
    #[serde(skip)]
    pub hidden: Option<Size>,
}

/// Another app.
#[derive(Serialize, Deserialize, JsonSchema, App)]
pub struct Other {
    /// Install the app.
    pub enabled: bool,
}

fn main() {}
