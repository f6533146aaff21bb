//! `package/`, built from the KCL that codegen generates through the in-process KCL
//! runtime.

use std::path::{Path, PathBuf};

use dot_kubernetes::package;
use dot_kubernetes::render::Pipeline;
use kcl_codegen::regions::Generated;

use crate::Error;

/// The package's files (paths relative to `root`), built from `kcl/` with the generated
/// files `kcl` (paths relative to `root`) in place of theirs: a scratch copy of `kcl/`
/// holds them, so that the package follows the KCL as generated, before anything is
/// written.
pub fn files(root: &Path, kcl: &[Generated]) -> Result<Vec<Generated>, Error> {
    let scratch =
        tempfile::tempdir().map_err(|e| format!("cannot make a scratch directory: {e}"))?;
    let source = root.join("kcl");
    let copy = scratch.path().join("kcl");
    std::fs::create_dir(&copy).map_err(|e| format!("cannot create {}: {e}", copy.display()))?;
    let entries =
        std::fs::read_dir(&source).map_err(|e| format!("cannot list {}: {e}", source.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", source.display()))?
            .path();
        if let Some(name) = path.file_name().filter(|_| path.is_file()) {
            std::fs::copy(&path, copy.join(name))
                .map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        }
    }
    for file in kcl {
        let path = scratch.path().join(&file.path);
        std::fs::write(&path, &file.contents)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let pipeline = Pipeline::load(&copy)?;
    Ok(package::build(&pipeline)?
        .into_iter()
        .map(|file| Generated {
            path: PathBuf::from(file.path),
            contents: file.contents,
        })
        .collect())
}
