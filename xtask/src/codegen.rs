//! `cargo xtask codegen [--check]`.

use std::path::Path;
use std::process::ExitCode;

use dot_kubernetes_apps::codegen::generated_files;
use kcl_codegen::regions::{self, Mode};

use crate::TaskResult;

/// Compute every file's new contents first, so that a broken marker anywhere stops the
/// run before anything is written; then write (or compare) them all.
pub fn run(root: &Path, check: bool) -> TaskResult {
    // Paths stay relative to the repository root, so that diffs read `a/kcl/apps.k`.
    std::env::set_current_dir(root).map_err(|e| format!("cannot enter {}: {e}", root.display()))?;
    let updates = generated_files()?
        .iter()
        .map(|file| regions::splice_kcl_file(Path::new(&file.path), &file.regions))
        .collect::<Result<Vec<_>, _>>()?;
    let mode = if check { Mode::Check } else { Mode::Write };
    let report = regions::update(&updates, mode)?;
    if check && !report.is_up_to_date() {
        print!("{report}");
        eprintln!(
            "{} generated file(s) are stale; run `cargo xtask codegen` to update them",
            report.stale.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
