//! `cargo xtask codegen [--check]` (alias `package`): everything that follows from the
//! Rust types. The generated regions of `kcl/*.k`, then `package/`, built from that KCL
//! through the in-process KCL runtime.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dot_kubernetes_apps::codegen::generated_files;
use kcl_codegen::regions::{self, Generated, Mode};

use crate::{TaskResult, package};

/// Compute every file's new contents first, the package's from the KCL as generated, so
/// that a broken marker or a KCL error anywhere stops the run before anything is written;
/// then write (or compare) them all at once.
pub fn run(root: &Path, check: bool) -> TaskResult {
    let kcl = kcl_files(root)?;
    let package = package::files(root, &kcl)?;
    let files: Vec<Generated> = kcl.into_iter().chain(package).collect();
    let mode = if check { Mode::Check } else { Mode::Write };
    update(root, &files, mode)
}

/// Every KCL file with generated regions, spliced: paths relative to `root`.
fn kcl_files(root: &Path) -> Result<Vec<Generated>, crate::Error> {
    let mut files = Vec::new();
    for file in generated_files()? {
        let spliced = regions::splice_kcl_file(&root.join(&file.path), &file.regions)?;
        files.push(Generated {
            path: PathBuf::from(file.path),
            contents: spliced.contents,
        });
    }
    Ok(files)
}

/// Write the stale files of `files` (paths relative to `root`), or in [`Mode::Check`] print
/// a diff of each (naming it `a/<path>`) and fail when there is one.
fn update(root: &Path, files: &[Generated], mode: Mode) -> TaskResult {
    if mode == Mode::Write {
        for file in files {
            if let Some(dir) = root.join(&file.path).parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
        }
    }
    let report = regions::update_in(root, files, mode)?;
    if mode == Mode::Check && !report.is_up_to_date() {
        print!("{report}");
        eprintln!(
            "{} generated file(s) are stale; run `cargo xtask codegen` to update them",
            report.stale.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
