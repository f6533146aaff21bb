//! `cargo xtask plan --from <revision>`: what upgrading from the package released at a git
//! revision to today's `package/` does to every example and test scenario.
//!
//! The old package is read from git (`git show <revision>:package/...`): nothing is checked
//! out or written. The checked-in `package/` is what was released at each commit (CI fails
//! when it is stale), and it embeds every step's KCL inline, so it is all the render needs.

use std::path::Path;
use std::process::{Command, ExitCode};

use dot_kubernetes::render::parse_yaml;
use dot_kubernetes_apps::Provider;
use kcl_render::plan::{Planner, XrPlan, to_text};
use kcl_render::{Observed, Renderer};
use serde_json::{Value, json};

use crate::scenarios::{read_scenarios, scenario_xr, yaml_files};
use crate::{Error, TaskResult};

/// The arguments of `cargo xtask plan`.
#[derive(clap::Args)]
pub struct PlanArgs {
    /// The git revision whose package/ is installed today (a commit, tag or branch).
    #[arg(long, value_name = "REVISION")]
    pub from: String,
    /// text (like terraform plan) or json (a list of {xr, plan} or {xr, error}).
    #[arg(long, value_enum, default_value = "text")]
    pub output: Output,
}

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// A summary line per XR, then each change.
    Text,
    /// The same facts, as JSON.
    Json,
}

/// An XR that the plan covers, and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// `examples/aws.yaml`, `tests/scenarios/no-apps.yaml (google)`, `every-app (aws)`;
    /// `... at <revision>` for a file as it was at the revision, where it differs.
    pub label: String,
    /// The XR.
    pub xr: Value,
}

/// One XR planned, or why it could not be.
pub struct Planned {
    /// Which XR.
    pub label: String,
    /// Its plan, or the error.
    pub plan: Result<XrPlan, String>,
}

pub fn run(root: &Path, args: &PlanArgs) -> TaskResult {
    let planned = plan_revision(root, &args.from)?;
    let text = match args.output {
        Output::Text => planned
            .iter()
            .map(|planned| match &planned.plan {
                Ok(plan) => format!(
                    "# {}\n{}",
                    planned.label,
                    to_text(std::slice::from_ref(plan))
                ),
                Err(e) => format!("# {}\nerror: {e}\n", planned.label),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Output::Json => {
            let list: Vec<Value> = planned
                .iter()
                .map(|planned| match &planned.plan {
                    Ok(plan) => json!({"xr": planned.label, "plan": plan}),
                    Err(e) => json!({"xr": planned.label, "error": e}),
                })
                .collect();
            format!("{}\n", serde_json::to_string_pretty(&list)?)
        }
    };
    print!("{text}");
    let failed = planned.iter().filter(|p| p.plan.is_err()).count();
    let changed = (planned.iter())
        .filter(|p| p.plan.as_ref().is_ok_and(XrPlan::has_changes))
        .count();
    eprintln!(
        "cargo xtask plan: {} XRs planned from {} to package/: {changed} with changes, {failed} failed",
        planned.len(),
        args.from
    );
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else if changed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Plan every example and scenario from the package at `revision` to today's `package/`.
pub fn plan_revision(root: &Path, revision: &str) -> Result<Vec<Planned>, Error> {
    let commit = resolve(root, revision)?;
    let short = &commit[..commit.len().min(7)];
    let old = old_package(root, &commit, revision)?;
    let new = Renderer::load(
        &root.join("package/compositions.yaml"),
        Some(&root.join("package/definition.yaml")),
    )
    .map_err(|e| format!("today's package/: {e}"))?;
    let planner = Planner::new(old, new);
    let planned = sources(root, &commit, short)?
        .into_iter()
        .map(|source| Planned {
            plan: planner
                .plan(source.xr, &Observed::none())
                .map_err(|e| e.to_string()),
            label: source.label,
        })
        .collect();
    Ok(planned)
}

/// The full commit of a revision.
fn resolve(root: &Path, revision: &str) -> Result<String, Error> {
    git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{revision}^{{commit}}"),
        ],
    )
    .map(|out| out.trim().to_owned())
    .map_err(|_| {
        format!(
            "`{revision}` is no commit of this repository (a shallow clone lacks the \
                 history: `git fetch --unshallow`)"
        )
        .into()
    })
}

/// The package at a commit, read from git.
fn old_package(root: &Path, commit: &str, revision: &str) -> Result<Renderer, Error> {
    let file = |name: &str| {
        git(root, &["show", &format!("{commit}:package/{name}")]).map_err(|_| {
            format!(
                "package/{name} is not checked in at {revision}: the package is checked in \
                 since `cargo xtask package` made it; plan from a later revision"
            )
        })
    };
    let (compositions, definition) = (file("compositions.yaml")?, file("definition.yaml")?);
    Renderer::from_yaml(&compositions, Some(&definition))
        .map_err(|e| format!("the package at {revision}: {e}").into())
}

/// The XRs: every example, and every scenario for every provider (today's, those derived
/// from the registry included), then the files of both as they were at the commit where
/// they differ from today's (or are gone since).
fn sources(root: &Path, commit: &str, short: &str) -> Result<Vec<Source>, Error> {
    let mut sources = Vec::new();
    let mut examples = Vec::new();
    for (name, text) in read_dir_yaml(&root.join("examples"))? {
        sources.push(Source {
            label: format!("examples/{name}"),
            xr: parse_yaml(&text).map_err(|e| format!("examples/{name}: {e}"))?,
        });
        examples.push((name, text));
    }
    for scenario in read_scenarios(&root.join("tests/scenarios"))? {
        let label = match &scenario.file {
            Some(_) => format!("tests/scenarios/{}.yaml", scenario.name),
            None => format!("{} (derived from the registry)", scenario.name),
        };
        for provider in Provider::ALL {
            sources.push(Source {
                label: format!("{label} ({provider})"),
                xr: scenario_xr(&scenario.name, provider, scenario.parameters.clone()),
            });
        }
    }
    let scenario_files = read_dir_yaml(&root.join("tests/scenarios"))?;
    for (name, text) in changed_since(root, commit, "examples", &examples)? {
        sources.push(Source {
            label: format!("examples/{name} at {short}"),
            xr: parse_yaml(&text).map_err(|e| format!("examples/{name} at {short}: {e}"))?,
        });
    }
    for (name, text) in changed_since(root, commit, "tests/scenarios", &scenario_files)? {
        let parameters =
            parse_yaml(&text).map_err(|e| format!("tests/scenarios/{name} at {short}: {e}"))?;
        let stem = name.trim_end_matches(".yaml");
        for provider in Provider::ALL {
            sources.push(Source {
                label: format!("tests/scenarios/{name} at {short} ({provider})"),
                xr: scenario_xr(stem, provider, parameters.clone()),
            });
        }
    }
    Ok(sources)
}

/// The `*.yaml` files of a directory at a commit whose text differs from today's (`today`:
/// name and text), or that are gone since, sorted by name.
fn changed_since(
    root: &Path,
    commit: &str,
    dir: &str,
    today: &[(String, String)],
) -> Result<Vec<(String, String)>, Error> {
    // A directory that did not exist at the commit has nothing to add.
    let Ok(listing) = git(
        root,
        &["ls-tree", "--name-only", &format!("{commit}:{dir}")],
    ) else {
        return Ok(Vec::new());
    };
    let mut changed = Vec::new();
    for name in listing.lines().filter(|name| name.ends_with(".yaml")) {
        let text = git(root, &["show", &format!("{commit}:{dir}/{name}")])?;
        if !today.iter().any(|(n, t)| n == name && *t == text) {
            changed.push((name.to_owned(), text));
        }
    }
    Ok(changed)
}

/// The `*.yaml` files directly in a directory: name and text, sorted by name.
fn read_dir_yaml(dir: &Path) -> Result<Vec<(String, String)>, Error> {
    let mut files = Vec::new();
    for path in yaml_files(dir)? {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        files.push((name.into_owned(), text));
    }
    Ok(files)
}

/// A git command's standard output, or its standard error as the error.
fn git(root: &Path, args: &[&str]) -> Result<String, Error> {
    let output = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr)
            .trim()
            .to_owned()
            .into())
    }
}

#[cfg(test)]
mod tests {
    use kcl_render::plan::{Action, Outcome};

    use super::*;

    /// The commit before llm-d replaced the vLLM production-stack operator (a81e5ae).
    const BEFORE_LLMD: &str = "2b0e0c6bd55ebf368a66a09848683e47f45d7cc2";

    fn root() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
    }

    fn plan_of<'a>(planned: &'a [Planned], label: &str) -> &'a XrPlan {
        let planned = planned
            .iter()
            .find(|p| p.label == label)
            .unwrap_or_else(|| panic!("no XR `{label}`"));
        planned
            .plan
            .as_ref()
            .unwrap_or_else(|e| panic!("{label}: {e}"))
    }

    #[test]
    fn planning_from_the_commit_before_llmd_orphans_the_vllm_objects_and_creates_the_llmd_releases()
    {
        if resolve(root(), BEFORE_LLMD).is_err() {
            eprintln!(
                "skipped: the commit {BEFORE_LLMD} is not in this clone (a shallow clone); \
                 CI runs on a full clone"
            );
            return;
        }
        let planned = plan_revision(root(), BEFORE_LLMD).unwrap_or_else(|e| panic!("{e}"));
        let failed: Vec<String> = (planned.iter())
            .filter_map(|p| p.plan.as_ref().err().map(|e| format!("{}: {e}", p.label)))
            .collect();
        assert!(failed.is_empty(), "{failed:?}");

        // The scenario as it was then enabled apps.vllm.
        for provider in Provider::ALL {
            let label =
                format!("tests/scenarios/reference-every-field.yaml at 2b0e0c6 ({provider})");
            let plan = plan_of(&planned, &label);
            let deleted: Vec<&str> = plan
                .of_action(Action::Delete)
                .map(|r| r.name.as_str())
                .collect();
            assert_eq!(deleted.len(), 15, "{label}: {deleted:?}");
            for change in plan.of_action(Action::Delete) {
                assert!(
                    change
                        .name
                        .starts_with("reference-every-field-app-vllm-op-"),
                    "{}",
                    change.name
                );
                assert_eq!(
                    change.deletion.as_ref().map(|d| d.outcome),
                    Some(Outcome::Orphaned),
                    "{}: retained, so orphaned, not deleted",
                    change.name
                );
            }
            assert!(
                plan.fields
                    .iter()
                    .any(|f| f.path == "spec.parameters.apps.vllm"),
                "{label}: the new XRD drops apps.vllm: {:?}",
                plan.fields
            );
        }

        // apps.llmd, which the old XRD did not declare, brings new Releases.
        let plan = plan_of(&planned, "examples/google-llmd.yaml");
        let releases: Vec<&str> = (plan.of_action(Action::Create))
            .filter(|r| r.kind == "Release")
            .map(|r| r.name.as_str())
            .collect();
        for release in ["llmd-01-app-wva", "llmd-01-app-lws", "llmd-01-app-valkey"] {
            assert!(releases.contains(&release), "{release} in {releases:?}");
        }
        assert_eq!(plan.summary.delete, 0);
    }

    #[test]
    fn planning_from_head_reads_the_package_from_git_and_leaves_nothing_behind() {
        let status = || git(root(), &["status", "--porcelain", "--untracked-files=all"]).unwrap();
        let before = status();
        let planned = plan_revision(root(), "HEAD").unwrap_or_else(|e| panic!("{e}"));
        assert!(
            planned.len() > 5,
            "every example and scenario for every provider"
        );
        for planned in &planned {
            assert!(
                planned.plan.is_ok(),
                "{}: {:?}",
                planned.label,
                planned.plan.as_ref().err()
            );
        }
        assert_eq!(status(), before, "no checkout, no file written");
    }

    #[test]
    fn an_unknown_revision_says_so_and_how_to_fetch_history() {
        let error = plan_revision(root(), "no-such-revision")
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.contains("`no-such-revision` is no commit") && error.contains("--unshallow"),
            "{error}"
        );
    }
}
