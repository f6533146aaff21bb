//! The `kcl-render` binary on inputs that cannot render: a KCL program that never ends,
//! and observed resources that do not parse. Each is one line on standard error and a
//! non-zero exit.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn kcl_render(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kcl-render"))
        .current_dir(fixture(""))
        .args(args)
        .output()
        .expect("kcl-render runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A Composition of the fixtures' App whose one KCL step recurses without end.
const RUNAWAY: &str = r#"apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: runaway
  labels:
    shape: two-steps
spec:
  compositeTypeRef:
    apiVersion: example.org/v1
    kind: App
  mode: Pipeline
  pipeline:
  - step: forever
    functionRef:
      name: function-kcl
    input:
      apiVersion: krm.kcl.dev/v1alpha1
      kind: KCLRun
      spec:
        source: |
          deeper = lambda n: int -> int { deeper(n + 1) }
          items = [{apiVersion = "v1", kind = "ConfigMap", metadata.name = "x", data.n = str(deeper(0))}]
"#;

/// kcl-render exited 1 at a `--timeout 1s` deadline, printing nothing but one line that
/// says so.
fn assert_stopped_at_a_one_second_timeout(output: &Output) {
    let stderr = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(
        errors,
        [
            "error: the render did not finish within 1s (--timeout): a KCL program that does \
          not end (recursion or a loop without end) runs until stopped; if it is only slow, \
          give a longer --timeout"
        ],
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "nothing is printed");
}

#[test]
fn a_program_that_never_ends_is_stopped_at_the_timeout_with_one_line_saying_so() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let compositions = dir.path().join("compositions.yaml");
    std::fs::write(&compositions, RUNAWAY).expect("written");
    let started = Instant::now();
    let output = kcl_render(&[
        "xr.yaml",
        compositions.to_str().expect("a UTF-8 path"),
        "--timeout",
        "1s",
    ]);
    let elapsed = started.elapsed();
    assert_stopped_at_a_one_second_timeout(&output);
    assert!(
        elapsed < Duration::from_secs(20),
        "it took {elapsed:?} to stop"
    );
}

#[test]
fn a_plan_whose_program_never_ends_is_stopped_at_the_timeout_with_one_line_saying_so() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let compositions = dir.path().join("compositions.yaml");
    std::fs::write(&compositions, RUNAWAY).expect("written");
    let compositions = compositions.to_str().expect("a UTF-8 path");
    let output = kcl_render(&[
        "plan",
        "--from",
        compositions,
        "--to",
        compositions,
        "--timeout",
        "1s",
        "xr.yaml",
    ]);
    assert_stopped_at_a_one_second_timeout(&output);
}

#[test]
fn a_timeout_that_is_no_duration_is_refused() {
    for timeout in ["0s", "soon", "-1s", "1 s"] {
        let flag = format!("--timeout={timeout}");
        let output = kcl_render(&["xr.yaml", "compositions.yaml", &flag]);
        let stderr = stderr(&output);
        // A usage error is an error like any other: 1 (`plan` says "changes" with 2).
        assert_eq!(output.status.code(), Some(1), "{timeout}: {stderr}");
        assert!(stderr.contains("--timeout"), "{timeout}: {stderr}");
    }
}

#[test]
fn observed_resources_that_do_not_parse_are_one_line_with_the_file_line_and_column() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let observed = dir.path().join("observed.yaml");
    std::fs::write(&observed, "kind: ConfigMap\nkind: Secret\n").expect("written");
    let output = kcl_render(&[
        "xr.yaml",
        "compositions.yaml",
        "--observed",
        observed.to_str().expect("a UTF-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!(
            "error: {}: the observed resources are unusable: the YAML does not parse: the key \
             `kind` appears twice in one mapping (line 2, column 1)\n",
            observed.display()
        )
    );
}
