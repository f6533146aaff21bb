//! `kcl-render plan` over the Store Composition of `tests/fixtures/plan/`: its output and
//! its exit status (0 no changes, 2 changes, 1 error), as `terraform plan
//! -detailed-exitcode` gives them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plan")
}

fn kcl_render(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kcl-render"))
        .current_dir(fixtures())
        .args(args)
        .output()
        .expect("kcl-render runs")
}

/// `kcl-render plan` from the fixture package to `to`, with `more` arguments after.
fn plan_to(to: &str, more: &[&str]) -> Output {
    let args = ["plan", "--from", "compositions.yaml", "--to", to];
    kcl_render(&[&args[..], more].concat())
}

/// The same, each package admitting the XR against the fixture XRD.
fn plan_with_xrds_to(to: &str) -> Output {
    plan_to(
        to,
        &[
            "--from-xrd",
            "definition.yaml",
            "--to-xrd",
            "definition.yaml",
            "xr.yaml",
        ],
    )
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The fixture package with the chart version bumped, in a scratch directory.
fn bumped() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let compositions = std::fs::read_to_string(fixtures().join("compositions.yaml"))
        .expect("the Compositions")
        .replace(r#"version = "1.0.0""#, r#"version = "1.1.0""#);
    let path = dir.path().join("compositions.yaml");
    std::fs::write(&path, compositions).expect("written");
    let path = path.to_string_lossy().into_owned();
    (dir, path)
}

#[test]
fn no_changes_exit_0_with_one_line_per_xr() {
    let output = plan_with_xrds_to("compositions.yaml");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "Store team-a/shop (Composition store): no changes, 7 unchanged\n"
    );
}

#[test]
fn changes_exit_2_with_the_summary_line_and_the_diff() {
    let (_dir, new) = bumped();
    let output = plan_with_xrds_to(&new);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with(
            "Store team-a/shop (Composition store): 0 to create, 1 to update, 0 to delete, 6 unchanged\n"
        ) && stdout.contains("--- cache-release (old)\n      +++ cache-release (new)\n"),
        "{stdout}"
    );
}

#[test]
fn json_output_gives_the_same_facts_one_plan_per_xr() {
    let (_dir, new) = bumped();
    let output = plan_to(&new, &["--output", "json", "xr.yaml", "xr.yaml"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let plans: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let plans = plans.as_array().expect("a list");
    assert_eq!(plans.len(), 2, "one plan per XR given");
    let release = plans[0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "cache-release")
        .expect("the release");
    assert_eq!(release["action"], "update");
    assert_eq!(release["upgrade"]["path"], "spec.forProvider.chart.version");
}

#[test]
fn an_xr_that_cannot_be_planned_exits_1_naming_it_and_the_package() {
    let output = plan_to("../compositions.yaml", &["xr.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_eq!(
        text(&output.stderr),
        "error: xr.yaml: the new package (--to): no Composition composes example.org/v1 Store\n"
    );
    let missing = plan_to("nothing.yaml", &["xr.yaml"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).starts_with("error: --to: cannot read nothing.yaml"),
        "{}",
        text(&missing.stderr)
    );
}

#[test]
fn a_usage_error_exits_1_not_2_which_means_changes() {
    let output = kcl_render(&["plan", "--from", "compositions.yaml", "xr.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("--to <NEW_COMPOSITIONS>"));
}
