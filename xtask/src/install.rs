//! Install the pinned KCL runtime into the project's target directory.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Error;

use kcl_runtime::{KCL_LIB_VERSION, LIBPYTHON_RECORD, local_install_dir};

/// Make sure `target/kcl-lib/<version>` holds the runtime; install it with pip when it
/// does not. A second call finds it and touches no network.
pub fn ensure_runtime(root: &Path) -> Result<(), Error> {
    let dir = local_install_dir(&target_dir(root));
    if dir.join("kcl_lib").is_dir() && dir.join(LIBPYTHON_RECORD).is_file() {
        return Ok(());
    }
    eprintln!(
        "Installing the KCL runtime (kcl-lib {KCL_LIB_VERSION}) into {}",
        dir.display()
    );
    let libpython = libpython()?;
    let parent = dir.parent().ok_or("the install directory has no parent")?;
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    // Install next to the final place, then rename: an interrupted install leaves no
    // half-filled directory that would be taken for a good one.
    let staging = parent.join(format!(".{KCL_LIB_VERSION}.partial"));
    let _ = std::fs::remove_dir_all(&staging);
    let status = Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--root-user-action=ignore",
            "--no-deps",
            "--target",
        ])
        .arg(&staging)
        .arg(format!("kcl-lib=={KCL_LIB_VERSION}"))
        .status()
        .map_err(|e| format!("cannot run python3 -m pip: {e}. {}", PYTHON_HINT))?;
    if !status.success() {
        return Err(format!(
            "pip could not install kcl-lib=={KCL_LIB_VERSION} ({status}). {PYTHON_HINT}"
        )
        .into());
    }
    std::fs::write(
        staging.join(LIBPYTHON_RECORD),
        libpython.to_string_lossy().as_bytes(),
    )
    .map_err(|e| format!("cannot write {}: {e}", staging.display()))?;
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::rename(&staging, &dir)
        .map_err(|e| format!("cannot move the install into {}: {e}", dir.display()))?;
    Ok(())
}

const PYTHON_HINT: &str = "The KCL runtime comes from PyPI: install Python 3 with pip and its shared library \
     (Debian: apt-get install python3 python3-pip libpython3-dev), or set KCL_LIB_PATH to a \
     _kcl_lib library and KCL_LIBPYTHON_PATH to the matching libpython";

/// The shared libpython of `python3`, which the wheel's library links against.
fn libpython() -> Result<PathBuf, Error> {
    kcl_runtime::python_libpython().map_err(|e| format!("{e}. {PYTHON_HINT}").into())
}

/// The Cargo target directory of the workspace.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}
