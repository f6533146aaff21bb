//! `cargo xtask` works on the checkout it is run in, found at run time, not on the one
//! it was compiled in: with a target directory shared between two checkouts, one must
//! not read or write the other.

use std::fs;
use std::process::Command;

use crate::common::root;

#[test]
fn xtask_codegen_works_on_the_checkout_of_the_current_directory() {
    // Another checkout: a workspace with an xtask member, the KCL files (one of them
    // stale) and the package.
    let other = tempfile::tempdir().expect("a temporary directory");
    let checkout = other.path();
    fs::write(
        checkout.join("Cargo.toml"),
        "[workspace]\nmembers = [\"xtask\"]\n",
    )
    .unwrap();
    fs::create_dir_all(checkout.join("xtask")).unwrap();
    fs::write(
        checkout.join("xtask/Cargo.toml"),
        "[package]\nname = \"xtask\"\n",
    )
    .unwrap();
    for dir in ["kcl", "package"] {
        fs::create_dir_all(checkout.join(dir)).unwrap();
        for entry in fs::read_dir(root().join(dir)).unwrap() {
            let file = entry.unwrap().file_name();
            fs::copy(root().join(dir).join(&file), checkout.join(dir).join(&file)).unwrap();
        }
    }
    let apps = checkout.join("kcl/apps.k");
    let text = fs::read_to_string(&apps).unwrap();
    let (head, tail) = text
        .split_once("# END GENERATED pins")
        .expect("apps.k has a pins region");
    fs::write(
        &apps,
        format!("{head}stale = 1\n# END GENERATED pins{tail}"),
    )
    .unwrap();

    // Run from a subdirectory of the other checkout, with this checkout's build.
    let output = codegen_check_in(&checkout.join("kcl"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the other checkout is stale; stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("a/kcl/apps.k") && stdout.contains("-stale = 1"),
        "the diff is the other checkout's: {stdout}"
    );
    // The package is built from the KCL as generated, not from the stale file on disk.
    assert!(
        !stdout.contains("a/package/"),
        "the package follows the generated KCL: {stdout}"
    );

    // Outside any checkout: a clear error, not this checkout.
    let nowhere = tempfile::tempdir().unwrap();
    let output = codegen_check_in(nowhere.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && stderr.starts_with("error: ") && stderr.contains("xtask"),
        "{stderr}"
    );
}

/// `cargo xtask codegen --check` of this checkout's build, with its KCL runtime (the one
/// installed in its target directory), run in `dir`.
fn codegen_check_in(dir: &std::path::Path) -> std::process::Output {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root().join("target"), std::path::PathBuf::from);
    Command::new(env!("CARGO"))
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .arg("run")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(root().join("Cargo.toml"))
        .args(["--package", "xtask", "--", "codegen", "--check"])
        .output()
        .expect("cargo runs")
}
