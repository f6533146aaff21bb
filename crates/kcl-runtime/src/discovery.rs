//! Where the KCL native library and the libpython it links against are found.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{LoadError, LoadErrorKind};

/// The pinned version of PyPI's `kcl-lib`, whose wheel carries the runtime.
pub const KCL_LIB_VERSION: &str = "0.12.3";

/// Environment variable naming the KCL library file (`_kcl_lib*.so`) to load.
pub const KCL_LIB_PATH_ENV: &str = "KCL_LIB_PATH";

/// Environment variable naming the libpython shared library to load first.
pub const KCL_LIBPYTHON_PATH_ENV: &str = "KCL_LIBPYTHON_PATH";

/// The file, inside a local install, that records which libpython matches the wheel.
pub const LIBPYTHON_RECORD: &str = "libpython.path";

/// The two libraries to load, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryPaths {
    /// The shared libpython whose symbols the KCL extension module references.
    pub libpython: PathBuf,
    /// The KCL library itself.
    pub library: PathBuf,
}

/// The command that installs the pinned runtime into the project-local install of the
/// Cargo target directory `target_dir`, where [`discover`] finds it:
/// `python3 -m pip install --no-deps --target <target_dir>/kcl-lib/<version> kcl-lib==<version>`.
///
/// `--no-deps`: the runtime needs only the wheel's native library, not the Python packages
/// its Python API imports.
pub fn install_command(target_dir: &Path) -> String {
    pip_install_into(&local_install_dir(target_dir))
}

/// The command that installs the pinned `kcl-lib` into the directory `dir`.
pub(crate) fn pip_install_into(dir: &Path) -> String {
    format!(
        "python3 -m pip install --no-deps --target {} kcl-lib=={KCL_LIB_VERSION}",
        dir.display()
    )
}

/// What to do when no runtime was found: install it where [`discover`] looks.
fn install_advice() -> String {
    format!(
        "install it with `{}` in the directory that holds Cargo's `target` directory, or set \
         {KCL_LIB_PATH_ENV} to the library",
        install_command(Path::new("target"))
    )
}

/// The project-local install directory below a Cargo target directory:
/// `<target>/kcl-lib/<version>`, which holds the `kcl_lib` package.
pub fn local_install_dir(target_dir: &Path) -> PathBuf {
    target_dir.join("kcl-lib").join(KCL_LIB_VERSION)
}

/// Find the runtime: [`KCL_LIB_PATH_ENV`], then a project-local install, then the
/// `kcl_lib` package importable by `python3`.
///
/// The project-local install is looked for in every `target` directory above the running
/// executable and the current directory, and in `CARGO_TARGET_DIR`.
pub fn discover() -> Result<LibraryPaths, LoadError> {
    let mut tried = Vec::new();

    if let Some(path) = std::env::var_os(KCL_LIB_PATH_ENV) {
        let library = PathBuf::from(path);
        if !library.is_file() {
            return Err(LoadError::new(
                LoadErrorKind::NotFound,
                format!(
                    "{KCL_LIB_PATH_ENV} names {}, which is not a file",
                    library.display()
                ),
                install_advice(),
            )
            .tried(library));
        }
        let libpython = libpython_for(library.parent(), &mut tried)?;
        return Ok(LibraryPaths { libpython, library });
    }

    for dir in local_install_candidates() {
        let package = dir.join("kcl_lib");
        tried.push(package.clone());
        if let Some(library) = library_in_package(&package) {
            let libpython = libpython_for(Some(&dir), &mut tried)?;
            return Ok(LibraryPaths { libpython, library });
        }
    }

    match python_kcl_lib_package() {
        Ok(Some(package)) => {
            tried.push(package.clone());
            if let Some(library) = library_in_package(&package) {
                let libpython = libpython_for(None, &mut tried)?;
                return Ok(LibraryPaths { libpython, library });
            }
        }
        Ok(None) => tried.push(PathBuf::from("python3: import kcl_lib")),
        Err(reason) => tried.push(PathBuf::from(format!("python3 ({reason})"))),
    }

    let mut e = LoadError::new(
        LoadErrorKind::NotFound,
        format!("no KCL library (kcl-lib {KCL_LIB_VERSION}) was found"),
        install_advice(),
    );
    e.tried = tried;
    Err(e)
}

/// Target directories that may hold a project-local install, nearest first.
fn local_install_candidates() -> Vec<PathBuf> {
    let mut targets = Vec::new();
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        targets.push(PathBuf::from(dir));
    }
    if let Ok(exe) = std::env::current_exe() {
        // target/debug/deps/test-binary: the `target` directory is an ancestor.
        targets.extend(exe.ancestors().skip(1).map(Path::to_path_buf));
    }
    if let Ok(cwd) = std::env::current_dir() {
        targets.extend(cwd.ancestors().map(|dir| dir.join("target")));
    }
    let mut seen = std::collections::BTreeSet::new();
    targets
        .into_iter()
        .map(|target| local_install_dir(&target))
        .filter(|dir| dir.is_dir() && seen.insert(dir.clone()))
        .collect()
}

/// The `_kcl_lib*.so` (or `.dylib`/`.pyd`) file inside a `kcl_lib` package directory.
fn library_in_package(package: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(package)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("_kcl_lib") && !n.ends_with(".py"))
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

/// libpython: [`KCL_LIBPYTHON_PATH_ENV`], then the record a local install left, then
/// what `python3` reports of itself.
fn libpython_for(
    install_dir: Option<&Path>,
    tried: &mut Vec<PathBuf>,
) -> Result<PathBuf, LoadError> {
    if let Some(path) = std::env::var_os(KCL_LIBPYTHON_PATH_ENV) {
        return Ok(PathBuf::from(path));
    }
    if let Some(dir) = install_dir {
        let record = dir.join(LIBPYTHON_RECORD);
        if let Ok(text) = std::fs::read_to_string(&record) {
            let path = PathBuf::from(text.trim());
            if path.is_file() {
                return Ok(path);
            }
            tried.push(path);
        }
    }
    python_libpython().map_err(|reason| {
        let mut e = LoadError::new(
            LoadErrorKind::Libpython,
            format!("cannot find the libpython shared library ({reason})"),
            format!(
                "set {KCL_LIBPYTHON_PATH_ENV}, or install Python 3 with its shared library \
                 (Debian: apt-get install libpython3-dev)"
            ),
        );
        e.tried.clone_from(tried);
        e
    })
}

/// Ask `python3` where its shared libpython is.
pub fn python_libpython() -> Result<PathBuf, String> {
    let out = python3(
        "import sysconfig, os\n\
         d = sysconfig.get_config_var('LIBDIR') or ''\n\
         names = [sysconfig.get_config_var(n) for n in ('INSTSONAME', 'LDLIBRARY')]\n\
         paths = [os.path.join(d, n) for n in names if n and not n.endswith('.a')]\n\
         print(next((p for p in paths if os.path.isfile(p)), ''))",
    )?;
    if out.is_empty() {
        return Err("python3 has no shared libpython".into());
    }
    Ok(PathBuf::from(out))
}

/// Ask `python3` where the `kcl_lib` package is, without importing it (its Python API
/// needs `protobuf`, which the runtime itself does not).
fn python_kcl_lib_package() -> Result<Option<PathBuf>, String> {
    let out = python3(
        "import importlib.util\n\
         s = importlib.util.find_spec('kcl_lib')\n\
         print(list(s.submodule_search_locations)[0] if s and s.submodule_search_locations else '')",
    )?;
    Ok((!out.is_empty()).then(|| PathBuf::from(out)))
}

fn python3(code: &str) -> Result<String, String> {
    let output = Command::new("python3")
        .args(["-c", code])
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "python3 failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
