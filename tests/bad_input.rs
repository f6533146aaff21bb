//! Bad composite resources are refused with a typed error that says what is wrong, both
//! through the library and through the `dot-kubernetes render` command.

use std::process::Output;

use dot_kubernetes::render::{
    NotACluster, Observed, Pipeline, ProviderProblem, RenderError, to_yaml_stream,
};
use dot_kubernetes_apps::Provider;

use crate::common::{composition, render_command, root};

/// An XR with four problems: an unknown app field, two values of the wrong type and a
/// value outside its enum.
const INVALID: &str = "\
apiVersion: devopstoolkit.ai/v2
kind: Cluster
metadata:
  name: broken
spec:
  crossplane:
    compositionSelector:
      matchLabels:
        provider: aws
  parameters:
    nodeSize: huge
    minNodeCount: three
    apps:
      keda:
        enabled: true
        turbo: true
      envoyGateway:
        enabled: maybe
";

const INVALID_PATHS: [&str; 4] = [
    "spec.parameters.nodeSize",
    "spec.parameters.minNodeCount",
    "spec.parameters.apps.keda.turbo",
    "spec.parameters.apps.envoyGateway.enabled",
];

const UNPARSABLE: &str = "apiVersion: devopstoolkit.ai/v2\nmetadata: {name: [unclosed\n";

const NO_SPEC: &str = "\
apiVersion: devopstoolkit.ai/v2
kind: Cluster
metadata:
  name: nothing
";

const UNKNOWN_PROVIDER: &str = "\
apiVersion: devopstoolkit.ai/v2
kind: Cluster
metadata:
  name: elsewhere
spec:
  crossplane:
    compositionSelector:
      matchLabels:
        provider: openstack
  parameters: {}
";

#[test]
fn an_xr_that_breaks_the_xrd_is_invalid_with_every_problem_at_its_path() {
    match composition().render_yaml(INVALID, None) {
        Err(RenderError::Invalid(violations)) => {
            let mut paths: Vec<&str> = violations.iter().map(|v| v.path.as_str()).collect();
            paths.sort_unstable();
            let mut expected = INVALID_PATHS.to_vec();
            expected.sort_unstable();
            assert_eq!(paths, expected, "{violations:?}");
            let enum_violation = violations
                .iter()
                .find(|v| v.path == "spec.parameters.nodeSize")
                .expect("nodeSize is reported");
            assert!(
                enum_violation.message.contains("huge") && enum_violation.message.contains("small"),
                "the enum violation names the value and the supported ones: {enum_violation}"
            );
        }
        other => panic!("expected RenderError::Invalid, got {other:?}"),
    }
}

#[test]
fn yaml_that_does_not_parse_is_a_parse_error() {
    let result = composition().render_yaml(UNPARSABLE, None);
    assert!(matches!(result, Err(RenderError::Parse(_))), "{result:?}");
}

#[test]
fn a_resource_without_spec_is_not_a_cluster() {
    let result = composition().render_yaml(NO_SPEC, Some(Provider::Aws));
    match result {
        Err(RenderError::NotACluster(problem)) => {
            assert_eq!(problem, NotACluster::NoSpec);
            assert!(
                problem.to_string().contains("spec"),
                "the error says what is missing: {problem}"
            )
        }
        other => panic!("expected RenderError::NotACluster, got {other:?}"),
    }
}

#[test]
fn an_unknown_provider_is_refused_by_name() {
    match composition().render_yaml(UNKNOWN_PROVIDER, None) {
        Err(RenderError::Provider(problem)) => {
            assert_eq!(problem, ProviderProblem::Unknown("openstack".into()));
            assert!(
                problem.to_string().contains("openstack"),
                "the error names the provider: {problem}"
            )
        }
        other => panic!("expected RenderError::Provider, got {other:?}"),
    }
}

/// The problems of a run that should have been refused: exit 0, output on stdout, a
/// panic, stderr not starting with `error: ` or not `lines` lines long, or without each of
/// `mentions`.
fn refusal_problems(what: &str, output: &Output, lines: usize, mentions: &[&str]) -> Vec<String> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut problems = Vec::new();
    if output.status.success() {
        problems.push("exits 0".to_owned());
    }
    if !output.stdout.is_empty() {
        problems.push("prints on stdout".to_owned());
    }
    if stderr.contains("panicked") {
        problems.push("panics".to_owned());
    }
    if !stderr.starts_with("error: ") {
        problems.push("stderr does not start with `error: `".to_owned());
    }
    let count = stderr.trim_end().lines().count();
    if count != lines {
        problems.push(format!("stderr has {count} lines, not {lines}"));
    }
    for mention in mentions {
        if !stderr.contains(mention) {
            problems.push(format!("stderr does not say `{mention}`"));
        }
    }
    problems
        .into_iter()
        .map(|problem| format!("{what}: {problem}; stderr:\n{stderr}"))
        .collect()
}

#[test]
fn render_command_reports_each_bad_input_on_stderr_and_exits_non_zero_without_panicking() {
    let mut problems = Vec::new();
    let output = render_command(&["-"], UNPARSABLE);
    problems.extend(refusal_problems(
        "unparsable YAML",
        &output,
        1,
        &["does not parse", "line 2"],
    ));

    let output = render_command(&["--provider", "aws", "-"], NO_SPEC);
    problems.extend(refusal_problems(
        "no spec",
        &output,
        1,
        &["not a Cluster", "spec"],
    ));

    let output = render_command(&["-"], UNKNOWN_PROVIDER);
    problems.extend(refusal_problems(
        "unknown provider",
        &output,
        1,
        &["`openstack`"],
    ));

    // A line that says the XR is invalid, then one line per violation, with its path.
    let output = render_command(&["-"], INVALID);
    let paths = INVALID_PATHS.map(|path| format!("  {path}: "));
    let mentions: Vec<&str> = paths.iter().map(String::as_str).collect();
    problems.extend(refusal_problems(
        "invalid XR",
        &output,
        1 + INVALID_PATHS.len(),
        &mentions,
    ));

    // clap refuses the flag itself: its own usage hint follows the error line.
    let output = render_command(&["--provider", "openstack", "-"], NO_SPEC);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success()
        || stderr.contains("panicked")
        || !stderr
            .lines()
            .next()
            .is_some_and(|line| line.starts_with("error: ") && line.contains("openstack"))
    {
        problems.push(format!(
            "--provider openstack: not refused on its first line; stderr:\n{stderr}"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn render_command_prints_what_the_library_renders() {
    let path = root().join("examples/aws.yaml");
    let xr = std::fs::read_to_string(&path).expect("examples/aws.yaml");
    let output = render_command(&["--provider", "google", "-"], &xr);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "dot-kubernetes render fails: {stderr}"
    );
    // The whole Composition of the provider: its provider step, then the apps step.
    let items = Pipeline::load(&root().join("kcl"))
        .and_then(|pipeline| pipeline.render_yaml(&xr, Some(Provider::Google), &Observed::none()))
        .unwrap_or_else(|e| panic!("examples/aws.yaml does not render: {e}"))
        .into_items();
    let expected = to_yaml_stream(&items).expect("YAML");
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
    assert!(
        expected.contains("container.gcp.m.upbound.io/v1beta1"),
        "rendered for google"
    );
}

#[test]
fn render_command_refuses_a_crossplane_section_that_is_not_a_mapping_without_panicking() {
    let mut problems = Vec::new();
    for (crossplane, path) in [
        ("x", "spec.crossplane"),
        (
            "{compositionSelector: 5}",
            "spec.crossplane.compositionSelector",
        ),
        (
            "{compositionSelector: {matchLabels: [aws]}}",
            "spec.crossplane.compositionSelector.matchLabels",
        ),
    ] {
        let xr = format!(
            "apiVersion: devopstoolkit.ai/v2\nkind: Cluster\nmetadata: {{name: a}}\n\
             spec: {{crossplane: {crossplane}, parameters: {{}}}}\n"
        );
        let output = render_command(&["-"], &xr);
        let mention = format!("  {path}: ");
        problems.extend(refusal_problems(
            &format!("crossplane: {crossplane}"),
            &output,
            2,
            &["(1 problem)", &mention],
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn render_command_reports_an_unusable_observed_file_on_one_line_with_its_line_and_column() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut problems = Vec::new();
    for (what, observed, mentions) in [
        (
            "a duplicate key",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",
            ["the key `name` appears twice", "(line 5, column 3)"],
        ),
        (
            "YAML that does not parse",
            "a: [1\nb: 2\n",
            ["does not parse", "line 2, column 2"],
        ),
    ] {
        let path = dir.path().join("observed.yaml");
        std::fs::write(&path, observed).expect("written");
        let path = path.display().to_string();
        let xr = root().join("examples/aws.yaml").display().to_string();
        let output = render_command(&["--observed", &path, &xr], "");
        let mut mentions = mentions.to_vec();
        mentions.push(&path);
        problems.extend(refusal_problems(what, &output, 1, &mentions));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
