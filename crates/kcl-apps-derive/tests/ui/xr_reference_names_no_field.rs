use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Run a proxy.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "proxy",
    release(
        chart = "proxy", repository = "https://charts.example.com", version = "1.0.0",
        namespace = "proxy",
        values(inline = "owner: '{{ xr:nmae }}'"),
        values(inline = "uid: '{{ xr:uid }}'"),
    ),
)]
pub struct Proxy {
    /// Install the app.
    pub enabled: bool,
}

fn main() {}
