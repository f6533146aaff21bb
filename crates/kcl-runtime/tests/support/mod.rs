//! Run a case in a child process: this test binary again, with only its `child` test
//! selected, so that a case that kills its process (a signal, an abort) fails the test
//! instead of taking the whole test run down with it.

use std::ffi::OsString;
use std::process::{Command, Output};

/// Set in the child: which case to run.
pub const CASE: &str = "KCL_RUNTIME_TEST_CASE";

/// Run `case` in a child process with `env` added; its exit status and standard output.
pub fn in_child(case: &str, env: &[(&str, OsString)]) -> (Output, String) {
    let exe = std::env::current_exe().expect("the test binary's path");
    let output = Command::new(exe)
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(CASE, case)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output, stdout)
}

/// The case this process is to run, when it is a child.
pub fn case() -> Option<String> {
    std::env::var(CASE).ok()
}

/// The child's report: the text after `marker` up to the end of the output.
pub fn report<'a>(stdout: &'a str, marker: &str) -> Option<&'a str> {
    stdout.find(marker).map(|at| &stdout[at + marker.len()..])
}

/// Describe how a child ended, for assertion messages.
pub fn describe(output: &Output, stdout: &str) -> String {
    format!(
        "status {:?}\n--- stdout\n{stdout}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    )
}
