use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install KEDA, the event-driven autoscaler. Prometheus-based triggers need a Prometheus
/// endpoint (the `prometheus` app, or one of your own); other triggers work without it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase", default)]
#[app(
    release(
        chart = "keda",
        repository = "https://kedacore.github.io/charts",
        version = "2.19.0",
        namespace = "keda",
    ),
    release(
        chart = "keda-add-ons-http",
        repository = "https://kedacore.github.io/charts",
        version = "0.12.2",
        namespace = "keda",
        when(field = http_addon),
    )
)]
pub struct Keda {
    /// Install the app.
    pub enabled: bool,
    /// Install the KEDA HTTP add-on, which scales HTTP workloads (to zero, too).
    pub http_addon: bool,
}

/// The defaults of every parameter: serde fills in a missing one from here (the
/// container's `#[serde(default)]`), and schemars makes them the XRD's defaults.
impl Default for Keda {
    fn default() -> Self {
        Keda {
            enabled: false,
            http_addon: true,
        }
    }
}
