use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Run a cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "cache")]
pub struct Cache {
    /// Install the app.
    pub enable: bool,
}

/// Run a dashboard.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "dashboard")]
pub struct Dashboard {
    /// Install the app.
    pub enabled: Option<bool>,
}

/// Run a proxy.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase")]
#[app(key = "proxy")]
pub struct Proxy {
    /// Install the app, under another name.
    #[serde(rename = "on")]
    pub enabled: bool,
    /// Whether it is on, serialised as `enabled`: this is the switch.
    #[serde(rename = "enabled")]
    pub switch: bool,
}

/// Run another cache.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "otherCache")]
pub struct OtherCache {
    /// Not a parameter.
    #[serde(skip)]
    pub enabled: bool,
}

fn main() {}
