//! `cargo xtask package [--check]`: build `package/` from `kcl/` through the in-process
//! KCL runtime.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dot_kubernetes::package;
use dot_kubernetes::render::Pipeline;
use kcl_codegen::regions::{self, Generated, Mode};

use crate::TaskResult;

/// Build every package file first, so that a KCL error anywhere stops the run before
/// anything is written; then write (atomically, only what changed) or compare them all.
pub fn run(root: &Path, check: bool) -> TaskResult {
    // Paths stay relative to the repository root, so that diffs read `a/package/...`.
    std::env::set_current_dir(root).map_err(|e| format!("cannot enter {}: {e}", root.display()))?;
    let pipeline = Pipeline::load(Path::new("kcl"))?;
    let files: Vec<Generated> = package::build(&pipeline)?
        .into_iter()
        .map(|file| Generated {
            path: PathBuf::from(file.path),
            contents: file.contents,
        })
        .collect();
    if !check {
        std::fs::create_dir_all("package").map_err(|e| format!("cannot create package/: {e}"))?;
    }
    let mode = if check { Mode::Check } else { Mode::Write };
    let report = regions::update(&files, mode)?;
    if check && !report.is_up_to_date() {
        print!("{report}");
        eprintln!(
            "{} package file(s) are stale; run `cargo xtask package` to update them",
            report.stale.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
