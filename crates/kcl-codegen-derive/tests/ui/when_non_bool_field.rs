use kcl_codegen::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install KEDA.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(
    key = "keda",
    release(
        chart = "keda-add-ons-http", repository = "https://kedacore.github.io/charts",
        version = "0.12.2", namespace = "keda", when(field = http_addon),
    ),
)]
pub struct Keda {
    /// Install the app.
    pub enabled: bool,
    /// Install the HTTP add-on.
    pub http_addon: Option<bool>,
}
fn main() {}
