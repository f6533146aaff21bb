//! The `kcl-render` binary over the test Compositions of `tests/fixtures/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn kcl_render(args: &[&str], stdin: &str) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kcl-render"))
        .current_dir(fixture(""))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kcl-render runs");
    let written = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes());
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        panic!("cannot write the standard input of kcl-render: {e}");
    }
    child.wait_with_output().expect("kcl-render finishes")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn it_prints_the_xr_then_the_composed_resources_and_says_which_composition_ran() {
    let output = kcl_render(
        &["xr.yaml", "compositions.yaml", "--xrd", "definition.yaml"],
        "",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("---\n"), "{stdout}");
    let documents: Vec<Value> = serde_saphyr::from_multiple(&stdout).expect("a YAML stream");
    let kinds: Vec<&str> = documents
        .iter()
        .map(|d| d["kind"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(kinds, ["App", "ConfigMap", "ConfigMap", "Widget"]);
    assert_eq!(
        stderr(&output),
        "kcl-render: Composition `two-steps` (selected by the labels shape=two-steps)\n"
    );
}

#[test]
fn the_xr_is_read_from_standard_input_and_observed_resources_from_a_file() {
    let xr = std::fs::read_to_string(fixture("xr.yaml")).expect("the XR");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let observed = dir.path().join("observed.yaml");
    std::fs::write(
        &observed,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-config\n  uid: u-1\n  \
         annotations: {crossplane.io/composition-resource-name: config}\n",
    )
    .expect("written");
    let observed = observed.to_string_lossy().into_owned();
    let output = kcl_render(
        &[
            "-",
            "compositions.yaml",
            "--xrd",
            "definition.yaml",
            "--observed",
            &observed,
        ],
        &xr,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("configUid: u-1"),
        "the status set from the observed resource"
    );
}

#[test]
fn an_imported_dependency_comes_from_kcl_module() {
    let xr = std::fs::read_to_string(fixture("xr.yaml"))
        .expect("the XR")
        .replace("shape: two-steps", "shape: dependencies");
    let without = kcl_render(&["-", "compositions.yaml"], &xr);
    assert!(!without.status.success());
    assert!(
        stderr(&without).contains("--kcl-module helpers=DIR"),
        "{}",
        stderr(&without)
    );
    let with = kcl_render(
        &[
            "-",
            "compositions.yaml",
            "--kcl-module",
            "helpers=modules/helpers",
        ],
        &xr,
    );
    assert!(with.status.success(), "{}", stderr(&with));
    assert!(String::from_utf8_lossy(&with.stdout).contains("name: shop-named"));
}

#[test]
fn a_refused_xr_prints_every_problem_and_fails() {
    let xr = std::fs::read_to_string(fixture("xr.yaml"))
        .expect("the XR")
        .replace("image: nginx", "image: nginx\n  size: huge");
    let output = kcl_render(&["-", "compositions.yaml", "--xrd", "definition.yaml"], &xr);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = stderr(&output);
    assert!(
        stderr.starts_with("error: the XR is invalid (1 problem):\n  spec.size: Unsupported value"),
        "{stderr}"
    );
}

#[test]
fn crds_check_every_composed_resource_and_name_the_kinds_without_one() {
    let valid = kcl_render(
        &[
            "xr.yaml",
            "compositions.yaml",
            "--xrd",
            "definition.yaml",
            "--crds",
            "crds",
        ],
        "",
    );
    assert!(valid.status.success(), "{}", stderr(&valid));
    let stderr_valid = stderr(&valid);
    assert!(
        stderr_valid.contains("warning: no CRD under crds for v1 ConfigMap: not checked")
            && stderr_valid.contains("1 composed resources are valid"),
        "{stderr_valid}"
    );
    // A large App composes a blue Widget; a CRD that knows only red ones refuses it.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let crd = std::fs::read_to_string(fixture("crds/widgets.yaml"))
        .expect("the CRD")
        .replace("enum: [red, blue]", "enum: [red]");
    std::fs::write(dir.path().join("widgets.yml"), crd).expect("written");
    let xr = std::fs::read_to_string(fixture("xr.yaml"))
        .expect("the XR")
        .replace("image: nginx", "image: nginx\n  size: large");
    let crds = dir.path().to_string_lossy().into_owned();
    let invalid = kcl_render(
        &[
            "-",
            "compositions.yaml",
            "--xrd",
            "definition.yaml",
            "--crds",
            &crds,
        ],
        &xr,
    );
    assert!(!invalid.status.success());
    let stderr_invalid = stderr(&invalid);
    assert!(
        stderr_invalid.contains("error: 1 problem against the CRDs")
            && stderr_invalid.contains(
                "`widget` (example.org/v1 Widget): spec.color: Unsupported value: \"blue\""
            ),
        "{stderr_invalid}"
    );
    assert!(
        !invalid.stdout.is_empty(),
        "the render is printed all the same"
    );
}
