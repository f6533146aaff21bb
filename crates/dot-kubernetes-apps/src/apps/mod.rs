//! One module per app, each a Rust type that declares the app with `#[derive(App)]`, and
//! [`Apps`], the registry of them all.
//!
//! An app is registered by one line of the `apps!` invocation below, `module: Type,`:
//! it declares the module, re-exports what it makes public, and declares the field of
//! [`Apps`] (named as the module, serialised as the app's key). The order of the lines is
//! the installation order and the order of the XRD's properties.

/// Declares each app's module, re-exports it, and declares [`Apps`] with one
/// `Option<App>` field per app, in the order given. An attribute before a line goes on
/// the field (for example `#[serde(rename = "...")]`, when the app's key is not the
/// module's name in lowerCamelCase).
macro_rules! apps {
    ($($(#[$field_attribute:meta])* $module:ident: $app:ident,)*) => {
        $(
            mod $module;
            pub use $module::*;
        )*

        /// Apps to install in the cluster (`spec.parameters.apps`); absent means not
        /// installed.
        // The registry of the apps (`AppRegistry`): each field is serialised as its app's
        // key, which the derive checks at compile time.
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema, AppRegistry)]
        #[serde(rename_all = "camelCase", default)]
        pub struct Apps {
            $(
                #[doc = concat!("The [`", stringify!($app), "`] app.")]
                $(#[$field_attribute])*
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $module: Option<$app>,
            )*
        }

        #[cfg(test)]
        impl Apps {
            /// Every app, each with its `Default`.
            pub(crate) fn every_app_default() -> Self {
                Apps {
                    $($module: Some(<$app>::default()),)*
                }
            }
        }
    };
}

use kcl_apps::AppRegistry;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

apps! {
    crossplane: Crossplane,
    argocd: Argocd,
    openfunction: Openfunction,
    traefik: Traefik,
    dapr: Dapr,
    external_secrets: ExternalSecrets,
    nvidia: Nvidia,
    llmd: Llmd,
    valkey: Valkey,
    prometheus: Prometheus,
    keda: Keda,
    envoy_gateway: EnvoyGateway,
    gateway_inference_extension: GatewayInferenceExtension,
}

/// An app that the composition no longer installs, and the app that replaced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetiredApp {
    /// Its key under `spec.parameters.apps`.
    pub key: &'static str,
    /// What it installed.
    pub what: &'static str,
    /// The key of the app that replaced it.
    pub replaced_by: &'static str,
}

impl RetiredApp {
    /// What admission tells an XR that still sets the app.
    pub fn message(&self) -> String {
        format!(
            "{} is no longer installed: it was replaced by apps.{}; set that instead",
            self.what, self.replaced_by
        )
    }
}

/// The apps that are gone. Admission refuses an XR that still sets one, naming its
/// replacement; the API server would only prune the field.
pub const RETIRED_APPS: &[RetiredApp] = &[RetiredApp {
    key: "vllm",
    what: "the vLLM production-stack operator",
    replaced_by: <Llmd as kcl_apps::App>::KEY,
}];
