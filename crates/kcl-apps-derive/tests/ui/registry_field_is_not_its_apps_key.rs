use kcl_apps::{App, AppRegistry};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install the API gateway.
#[derive(Serialize, Deserialize, JsonSchema, App)]
pub struct ApiGateway {
    /// Install the app.
    pub enabled: bool,
}

/// The apps, in installation order.
#[derive(Serialize, Deserialize, AppRegistry)]
pub struct Apps {
    /// Serialised as `api_gateway`, but the key is `apiGateway`.
    pub api_gateway: Option<ApiGateway>,
    /// Not an app.
    pub host: Option<String>,
}

fn main() {}
