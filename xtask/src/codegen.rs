//! `cargo xtask codegen [--check]`.

use std::path::Path;
use std::process::ExitCode;

use dot_kubernetes_apps::codegen::generated_files;
use kcl_codegen::regions::{self, Mode};

use crate::TaskResult;

/// Compute every file's new contents first, so that a broken marker anywhere stops the
/// run before anything is written; then write (or compare) them all.
pub fn run(root: &Path, check: bool) -> TaskResult {
    let mut updates = Vec::new();
    for file in generated_files().map_err(|e| e.to_string())? {
        let path = root.join(file.path);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let contents = regions::replace(&path, &text, &file.regions).map_err(|e| e.to_string())?;
        updates.push((path, contents));
    }
    let mode = if check { Mode::Check } else { Mode::Write };
    let report = regions::update(&updates, mode).map_err(|e| e.to_string())?;
    if check && !report.stale.is_empty() {
        for stale in &report.stale {
            print!("{}", stale.diff);
        }
        eprintln!(
            "{} generated file(s) are stale; run `cargo xtask codegen` to update them",
            report.stale.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
