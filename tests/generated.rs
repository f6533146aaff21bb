//! The checked-in `kcl/*.k` files are what the Rust types generate, in the KCL formatter's
//! canonical form, and generating is deterministic: `cargo test` catches drift as
//! `cargo xtask codegen --check` does.

use dot_kubernetes::render::RUNTIME_HINT;
use dot_kubernetes_apps::codegen::{GeneratedFile, generated_files};
use kcl_codegen::regions::{self, Generated, Mode};
use kcl_runtime::Runtime;

use crate::common::root;

fn generate() -> Vec<GeneratedFile> {
    generated_files().unwrap_or_else(|e| panic!("the Rust types do not generate KCL: {e}"))
}

/// Each generated file's whole new contents: its regions spliced into the file on disk.
fn splice(files: &[GeneratedFile]) -> Vec<Generated> {
    files
        .iter()
        .map(|file| {
            regions::splice_kcl_file(&root().join(&file.path), &file.regions)
                .unwrap_or_else(|e| panic!("cannot splice {}: {e}", file.path))
        })
        .collect()
}

#[test]
fn the_checked_in_kcl_files_are_up_to_date_with_the_rust_types() {
    let files = generate();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "kcl/data.k",
            "kcl/definition.k",
            "kcl/apps.k",
            "kcl/manifests.k",
            "kcl/aws.k",
            "kcl/azure.k",
            "kcl/google.k"
        ]
    );
    let report = regions::update(&splice(&files), Mode::Check)
        .unwrap_or_else(|e| panic!("cannot compare the generated files: {e}"));
    assert!(
        report.is_up_to_date(),
        "stale generated KCL; run `cargo xtask codegen`:\n{report}"
    );
}

#[test]
fn every_generated_kcl_file_is_in_the_formatters_canonical_form() {
    let runtime = Runtime::global()
        .map_err(|e| e.with_hint(RUNTIME_HINT))
        .unwrap_or_else(|e| panic!("no KCL runtime: {e}"));
    let mut unformatted = Vec::new();
    for file in splice(&generate()) {
        let formatted = runtime
            .format(&file.contents)
            .unwrap_or_else(|e| panic!("{} does not format: {e}", file.path.display()));
        if formatted != file.contents {
            let diff = similar_lines(&file.contents, &formatted);
            unformatted.push(format!("{}:\n{diff}", file.path.display()));
        }
    }
    assert!(
        unformatted.is_empty(),
        "kcl fmt changes the generated files:\n{}",
        unformatted.join("\n")
    );
}

#[test]
fn every_checked_in_kcl_file_is_in_the_formatters_canonical_form() {
    let runtime = Runtime::global()
        .map_err(|e| e.with_hint(RUNTIME_HINT))
        .unwrap_or_else(|e| panic!("no KCL runtime: {e}"));
    let dir = root().join("kcl");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "k"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 9, "{paths:?}");
    let mut unformatted = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let formatted = runtime
            .format(&text)
            .unwrap_or_else(|e| panic!("{} does not format: {e}", path.display()));
        if formatted != text {
            let diff = similar_lines(&text, &formatted);
            unformatted.push(format!("{}:\n{diff}", path.display()));
        }
    }
    assert!(
        unformatted.is_empty(),
        "kcl fmt changes checked-in files:\n{}",
        unformatted.join("\n")
    );
}

/// A unified diff from the generated text to the formatted one.
fn similar_lines(generated: &str, formatted: &str) -> String {
    similar::TextDiff::from_lines(generated, formatted)
        .unified_diff()
        .header("generated", "kcl fmt")
        .to_string()
}

#[test]
fn generating_twice_gives_identical_bytes() {
    let (first, second) = (generate(), generate());
    assert_eq!(first, second);
    let (first, second) = (splice(&first), splice(&second));
    assert_eq!(first, second);
    assert!(
        first
            .iter()
            .all(|file| file.contents.contains("# BEGIN GENERATED")),
        "every generated file has its regions"
    );
}

/// Each `kcl/*.k` file's hand-written text: the file without the bodies of its generated
/// regions.
fn hand_written_kcl() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("kcl"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "k"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let regions = regions::find(&path, &text).unwrap();
            let mut hand_written = String::new();
            let mut start = 0;
            for region in regions {
                hand_written.push_str(&text[start..region.body.start]);
                start = region.body.end;
            }
            hand_written.push_str(&text[start..]);
            let name = path.strip_prefix(root()).unwrap();
            (name.to_string_lossy().into_owned(), hand_written)
        })
        .collect()
}

#[test]
fn every_app_that_hand_written_kcl_reads_says_so_on_its_type() {
    // Hand-written KCL reads an app by its enabled flag or its parameters.
    let mut read = Vec::new();
    let mut declared = Vec::new();
    for app in dot_kubernetes_apps::registry() {
        let reads = [format!("_{}Enabled", app.key), format!("apps?.{}", app.key)];
        for (file, text) in hand_written_kcl() {
            if reads.iter().any(|read| text.contains(read.as_str())) {
                read.push((app.key.clone(), file));
            }
        }
        for part in &app.hand_written {
            declared.push((app.key.clone(), part.file.clone()));
        }
    }
    assert_eq!(
        declared, read,
        "the apps' `hand_written(file = ...)` and the hand-written KCL that reads them"
    );
    assert!(
        !declared.is_empty(),
        "External Secrets continues in kcl/apps.k"
    );
}
