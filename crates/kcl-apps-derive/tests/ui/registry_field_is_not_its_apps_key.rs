use kcl_apps::{App, AppRegistry};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install the job queue.
#[derive(Serialize, Deserialize, JsonSchema, App)]
pub struct JobQueue {
    /// Install the app.
    pub enabled: bool,
}

/// The apps, in installation order.
#[derive(Serialize, Deserialize, AppRegistry)]
pub struct Apps {
    /// Serialised as `job_queue`, but the key is `jobQueue`.
    pub job_queue: Option<JobQueue>,
    /// Not an app.
    pub host: Option<String>,
}

fn main() {}
