//! A runtime that cannot be found is a typed error, never a panic.
//!
//! This is its own test binary because the variable is read once per process.

use kcl_runtime::{KCL_LIB_PATH_ENV, Runtime};

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
    assert!(message.contains("cargo xtask test"), "{message}");
}
