use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install a job queue.
#[derive(Serialize, Deserialize, JsonSchema, App)]
#[app(key = "job-queue")]
pub struct JobQueue {
    /// Install the app.
    pub enabled: bool,
}
fn main() {}
