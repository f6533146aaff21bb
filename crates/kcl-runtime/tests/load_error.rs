//! A runtime that cannot be found is a typed error, never a panic.
//!
//! This is its own test binary because the variable is read once per process.

use std::path::Path;

use kcl_runtime::{KCL_LIB_PATH_ENV, KCL_LIB_VERSION, Runtime, install_command};

#[test]
fn kcl_lib_path_pointing_nowhere_is_a_load_error_naming_the_path() {
    let nowhere = std::env::temp_dir().join("no-such-dir/_kcl_lib.so");
    // SAFETY: this test binary has no other threads reading the environment.
    unsafe { std::env::set_var(KCL_LIB_PATH_ENV, &nowhere) };
    let err = Runtime::global().unwrap_err();
    assert_eq!(err.tried, vec![nowhere.clone()]);
    let message = err.to_string();
    assert!(
        message.contains(&nowhere.display().to_string()),
        "{message}"
    );
    // The runtime's own advice: the pip command that installs the pinned version where
    // it is looked for.
    let install = install_command(Path::new("target"));
    assert!(
        install.contains(&format!("kcl-lib=={KCL_LIB_VERSION}")),
        "{install}"
    );
    assert!(message.ends_with(&format!("`{install}` in the directory that holds Cargo's `target` directory, or set {KCL_LIB_PATH_ENV} to the library")), "{message}");

    // The embedding application's hint comes last.
    let hinted = err.with_hint("or run `make kcl`");
    assert!(
        hinted
            .to_string()
            .starts_with(&format!("{message}; or run `make kcl`")),
        "{hinted}"
    );
}
