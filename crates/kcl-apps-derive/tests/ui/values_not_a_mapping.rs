use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a dashboard.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "dashboard",
    release(
        chart = "dashboard",
        repository = "https://charts.example.com",
        version = "9.4.1",
        namespace = "dashboard",
        values(inline = "[--verbose]"),
        values(inline = "[--verbose]", at = "web.args"),
        values(at = "web"),
    )
)]
pub struct Dashboard {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
