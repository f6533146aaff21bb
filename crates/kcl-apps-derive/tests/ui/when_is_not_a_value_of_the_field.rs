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

/// How the cache is backed up.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Backup {
    /// Every day.
    Daily,
}

/// Install the cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "cache",
    object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: a}}", name = "a", when(field = size, is = Size::Lrage)),
    object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: b}}", name = "b", when(field = size, is = Backup::Daily)),
    object(inline = "{apiVersion: v1, kind: Namespace, metadata: {name: c}}", name = "c", when(field = backup, is = Size::Large)),
)]
pub struct Cache {
    /// Install the app.
    pub enabled: bool,
    /// The size.
    pub size: Size,
    /// The backups, if any.
    pub backup: Option<Backup>,
}

fn main() {}
