//! A damaged KCL library or a wrong libpython is a clear [`LoadError`], never a crash.
//!
//! `dlopen` of a truncated library maps pages past the end of the file, and the process
//! dies of `SIGBUS` when they are touched. Each case therefore runs in a child process
//! (see `support`): the test checks that the child exits normally and reports the error.

mod support;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use kcl_runtime::{
    KCL_LIB_PATH_ENV, KCL_LIBPYTHON_PATH_ENV, LibraryPaths, LoadError, LoadErrorKind, Runtime,
};

/// The child: load the runtime as configured by the environment and report.
#[test]
fn child() {
    if support::case().is_none() {
        return;
    }
    match Runtime::global() {
        Ok(runtime) => {
            let version = runtime.version().map(|v| v.version);
            println!("REPORT loaded {version:?}\nEND");
        }
        Err(e) => println!("REPORT {:?}\n{e}\nEND", e.kind()),
    }
}

/// The real runtime, found as usual.
fn real() -> LibraryPaths {
    kcl_runtime::discover().unwrap_or_else(|e| panic!("{e}"))
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "kcl-runtime-load-failures-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A copy of the real library in `dir`, changed by `damage`.
fn damaged_copy(dir: &Path, damage: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let library = real().library;
    let mut bytes = std::fs::read(&library).unwrap();
    damage(&mut bytes);
    let copy = dir.join(library.file_name().unwrap());
    std::fs::write(&copy, bytes).unwrap();
    copy
}

/// Load in a child with `env`; the kind and the message of the error it reports.
fn load_error_in_child(case: &str, env: &[(&str, OsString)]) -> (LoadErrorKind, String) {
    let (output, stdout) = support::in_child(case, env);
    let report = support::report(&stdout, "REPORT ")
        .and_then(|r| r.split("\nEND").next())
        .unwrap_or_else(|| {
            panic!(
                "the child died or said nothing:\n{}",
                support::describe(&output, &stdout)
            )
        });
    assert!(
        output.status.success(),
        "{}",
        support::describe(&output, &stdout)
    );
    let (kind, message) = report.split_once('\n').unwrap_or((report, ""));
    let kind = match kind.trim() {
        "NotFound" => LoadErrorKind::NotFound,
        "Libpython" => LoadErrorKind::Libpython,
        "Library" => LoadErrorKind::Library,
        other => panic!("expected a load error, the child reported {other}: {message}"),
    };
    (kind, message.to_owned())
}

fn lib_path_env(library: &Path) -> Vec<(&'static str, OsString)> {
    vec![
        (KCL_LIB_PATH_ENV, library.into()),
        (KCL_LIBPYTHON_PATH_ENV, real().libpython.into()),
    ]
}

#[test]
fn a_library_cut_in_half_is_a_load_error_naming_the_file_and_the_fix() {
    let dir = tempdir("half");
    let copy = damaged_copy(&dir, |bytes| bytes.truncate(bytes.len() / 2));
    let (kind, message) = load_error_in_child("half", &lib_path_env(&copy));
    assert_eq!(kind, LoadErrorKind::Library, "{message}");
    assert!(message.contains(&copy.display().to_string()), "{message}");
    assert!(message.contains("truncated"), "{message}");
    assert!(
        message.contains(&format!("or unset {KCL_LIB_PATH_ENV}")),
        "{message}"
    );
}

#[test]
fn a_library_missing_only_its_last_bytes_is_a_load_error() {
    let dir = tempdir("tail");
    let copy = damaged_copy(&dir, |bytes| bytes.truncate(bytes.len() - 100));
    let (kind, message) = load_error_in_child("tail", &lib_path_env(&copy));
    assert_eq!(kind, LoadErrorKind::Library, "{message}");
    assert!(message.contains("truncated"), "{message}");
}

#[test]
fn a_library_whose_headers_are_overwritten_is_a_load_error() {
    let dir = tempdir("headers");
    // Zeros over the program header table, as a file system that lost a block leaves it.
    let copy = damaged_copy(&dir, |bytes| bytes[64..64 + 4096].fill(0));
    let (kind, message) = load_error_in_child("headers", &lib_path_env(&copy));
    assert_eq!(kind, LoadErrorKind::Library, "{message}");
    assert!(message.contains(&copy.display().to_string()), "{message}");
}

#[test]
fn a_whole_library_without_the_kcl_entry_points_is_a_load_error_naming_the_first_missing() {
    // libpython loads as the KCL library would, and exports none of the service API.
    let other = real().libpython;
    let (kind, message) = load_error_in_child("no-entry-points", &lib_path_env(&other));
    assert_eq!(kind, LoadErrorKind::Library, "{message}");
    assert!(
        message.contains(&format!(
            "{} is not a KCL runtime library: missing `kcl_service_new`",
            other.display()
        )),
        "{message}"
    );
}

#[test]
fn a_damaged_project_local_install_says_to_delete_it_and_reinstall() {
    // target/kcl-lib/<version>/{kcl_lib/<library>, kcl_lib-<version>.dist-info/RECORD}, as
    // `pip install --target` installs it, with bytes added to the library: its ELF structure
    // is intact, but pip recorded another size.
    let paths = real();
    let target = tempdir("install").join("target");
    let install = kcl_runtime::local_install_dir(&target);
    let package = install.join("kcl_lib");
    std::fs::create_dir_all(&package).unwrap();
    let real_package = paths.library.parent().unwrap();
    let dist_info = std::fs::read_dir(real_package.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".dist-info"))
        .expect("the real install has its dist-info");
    let record = std::fs::read_to_string(dist_info.join("RECORD")).unwrap();
    let copied_info = install.join(dist_info.file_name().unwrap());
    std::fs::create_dir_all(&copied_info).unwrap();
    std::fs::write(copied_info.join("RECORD"), record).unwrap();
    std::fs::write(
        install.join(kcl_runtime::LIBPYTHON_RECORD),
        paths.libpython.to_string_lossy().as_bytes(),
    )
    .unwrap();
    let copy = damaged_copy(&package, |bytes| bytes.extend_from_slice(&[0; 512]));
    let (kind, message) = load_error_in_child(
        "install",
        &[("CARGO_TARGET_DIR", target.clone().into_os_string())],
    );
    assert_eq!(kind, LoadErrorKind::Library, "{message}");
    assert!(message.contains(&copy.display().to_string()), "{message}");
    assert!(message.contains("RECORD"), "{message}");
    assert!(
        message.contains(&format!("delete {}", install.display())),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "install it again with `python3 -m pip install --no-deps --target {} kcl-lib==",
            install.display()
        )),
        "{message}"
    );
}

#[test]
fn the_real_library_passes_the_checks_and_loads() {
    let (output, stdout) = support::in_child("real", &lib_path_env(&real().library));
    assert!(
        output.status.success() && stdout.contains("REPORT loaded Ok("),
        "{}",
        support::describe(&output, &stdout)
    );
}

fn libpython_env(libpython: &Path) -> Vec<(&'static str, OsString)> {
    vec![
        (KCL_LIB_PATH_ENV, real().library.into()),
        (KCL_LIBPYTHON_PATH_ENV, libpython.into()),
    ]
}

fn assert_names_libpython_and_the_variable(kind: LoadErrorKind, message: &str, path: &Path) {
    assert_eq!(kind, LoadErrorKind::Libpython, "{message}");
    assert!(message.contains("libpython"), "{message}");
    assert!(message.contains(KCL_LIBPYTHON_PATH_ENV), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(
        !message.contains("cannot load the KCL library"),
        "{message}"
    );
    assert!(!message.contains("install it with"), "{message}");
}

#[test]
fn a_libpython_path_that_does_not_exist_is_reported_as_libpython_naming_the_variable() {
    let missing = tempdir("no-libpython").join("libpython3.11.so.1.0");
    let (kind, message) = load_error_in_child("no-libpython", &libpython_env(&missing));
    assert_names_libpython_and_the_variable(kind, &message, &missing);
}

#[test]
fn a_libpython_path_to_a_file_that_is_no_library_is_reported_as_libpython() {
    let text = tempdir("text-libpython").join("libpython.txt");
    std::fs::write(&text, "not a library").unwrap();
    let (kind, message) = load_error_in_child("text-libpython", &libpython_env(&text));
    assert_names_libpython_and_the_variable(kind, &message, &text);
}

#[cfg(target_os = "linux")]
#[test]
fn a_libpython_path_to_another_shared_library_is_reported_as_not_libpython() {
    // The C library this process runs with: a real shared library, but not libpython.
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let libc = maps
        .lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .find(|path| {
            Path::new(path)
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("libc.so"))
        })
        .map(PathBuf::from)
        .expect("libc is mapped");
    let (kind, message) = load_error_in_child("libc-libpython", &libpython_env(&libc));
    assert_names_libpython_and_the_variable(kind, &message, &libc);
    assert!(message.contains("is not libpython"), "{message}");
}

#[test]
fn load_errors_keep_the_loader_error_as_their_source() {
    // In this process: the load fails before anything is mapped.
    let missing = tempdir("source").join("libpython3.11.so.1.0");
    std::fs::write(&missing, "not a library").unwrap();
    let err: LoadError = Runtime::load(&LibraryPaths {
        libpython: missing,
        library: real().library,
    })
    .unwrap_err();
    assert_eq!(err.kind(), LoadErrorKind::Libpython);
    let source = std::error::Error::source(&err).expect("the dlopen error");
    assert!(!source.to_string().is_empty());
    let wrapped = kcl_runtime::Error::from(err);
    assert!(std::error::Error::source(&wrapped).is_some());
}
