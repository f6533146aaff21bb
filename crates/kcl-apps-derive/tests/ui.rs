//! Misuse of `#[derive(App)]` is a compile error at the right span, with a clear message:
//! the trybuild cases in `tests/ui/`. Regenerate their `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p kcl-apps-derive --test ui`, then read them.
//!
//! The derive reads `file = "..."` relative to `CARGO_MANIFEST_DIR`. trybuild compiles the
//! cases in a project of its own, `<target>/tests/trybuild/kcl-apps-derive/`, which is
//! then `CARGO_MANIFEST_DIR`. So this driver first copies `tests/fixtures/` into that
//! project, and a case names a fixture exactly as `tests/derive.rs` does.

use std::path::Path;
use std::{fs, io};

#[test]
fn misuse_is_a_compile_error_at_the_right_span() {
    // `CARGO_TARGET_TMPDIR` is `<target>/tmp`.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory");
    let project = target.join("tests/trybuild").join(env!("CARGO_PKG_NAME"));
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    copy_dir(&fixtures, &project.join("tests/fixtures")).expect("copy the fixtures");

    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
