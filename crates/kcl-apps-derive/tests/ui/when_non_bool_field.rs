use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install the autoscaler.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "autoscaler",
    release(
        chart = "autoscaler-add-ons-http", repository = "https://charts.example.com",
        version = "0.12.2", namespace = "autoscaler", when(field = http_addon),
    ),
)]
pub struct Autoscaler {
    /// Install the app.
    pub enabled: bool,
    /// Install the HTTP add-on.
    pub http_addon: Option<bool>,
}
fn main() {}
