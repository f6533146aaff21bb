//! The end-to-end tests of dot-kubernetes: one test binary, a module per concern, so that the
//! provider × scenario matrix is rendered once per run (in parallel, on first use; see
//! `common`) and shared by every module that checks it.

mod common;

mod admission;
mod bad_input;
mod composed_keys;
mod contract;
mod generated;
mod invariants;
mod matrix;
mod package;
mod pipeline;
mod typed_cluster;
mod xrd;
mod xtask_root;

/// Every `tests/*.rs` file is a module of this binary (with `autotests = false`, a file
/// that is not declared here would silently not run).
#[test]
fn every_test_file_is_a_module_of_the_test_binary() {
    let main = include_str!("main.rs");
    let undeclared: Vec<String> = common::files_with_extension(&common::root().join("tests"), "rs")
        .into_iter()
        .filter_map(|path| {
            path.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .filter(|stem| stem != "main" && !main.contains(&format!("\nmod {stem};\n")))
        .collect();
    assert!(
        undeclared.is_empty(),
        "declare them with `mod <name>;` in tests/main.rs: {undeclared:?}"
    );
}
