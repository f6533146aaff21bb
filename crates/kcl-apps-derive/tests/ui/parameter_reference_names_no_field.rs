use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Run a proxy.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase")]
#[app(
    key = "proxy",
    release(
        chart = "proxy", repository = "https://charts.example.com", version = "1.0.0",
        namespace = "proxy",
        values = "tests/fixtures/values/proxy-misspelt.yaml",
        values(inline = "listen: '{{ listenPrt }}'"),
        values(inline = "secret: '{{ token }}'"),
        values(inline = "other: '{{ nothingLikeIt }}'"),
    ),
)]
pub struct Proxy {
    /// Install the app.
    pub enabled: bool,
    /// The host.
    pub host: String,
    /// The port.
    pub port: u16,
    /// The port it listens on.
    pub listen_port: u16,
    /// The upstream.
    pub upstream: Upstream,
    /// Not a parameter.
    #[serde(skip)]
    pub token: String,
}

/// Where the proxy sends requests.
#[derive(Serialize, Deserialize, JsonSchema)]
pub struct Upstream {
    /// Its address.
    pub address: String,
}

fn main() {}
