//! Project tasks: `cargo xtask codegen (alias package) | render | plan | test | bench`.

mod bench;
mod codegen;
mod install;
mod package;
mod plan;

/// The scenario fixtures the end-to-end tests render: one file, compiled into both (it is
/// test support, in no crate's public API); bench measures them and plan plans them.
#[path = "../../tests/common/scenarios.rs"]
mod scenarios;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Tasks of the dot-kubernetes repository.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate everything that follows from the Rust types: the generated regions of
    /// kcl/*.k, then package/ (crossplane.yaml, definition.yaml, compositions.yaml) built
    /// from that KCL through the KCL runtime (installed first when it is missing).
    #[command(visible_alias = "package")]
    Codegen {
        /// Write nothing; print a diff of every stale file and fail if there is one.
        #[arg(long)]
        check: bool,
    },
    // The command of the `dot-kubernetes` binary: its arguments and help are defined once,
    // with it.
    Render(dot_kubernetes::cli::RenderArgs),
    /// What upgrading from the package released at a git revision to today's package/ does
    /// to every example and test scenario (kcl-render plan over each). Exit status 0: no
    /// changes, 2: changes, 1: error.
    Plan(plan::PlanArgs),
    /// Install the pinned KCL runtime when it is missing, then run the whole test suite.
    Test {
        /// Extra arguments for `cargo test`, after `--`.
        #[arg(last = true)]
        cargo_args: Vec<String>,
    },
    /// Measure the full pipeline against the apps step alone, rendering in-process against
    /// a fresh process per render, and kcl-render over package/ against the render of kcl/.
    Bench(bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = match repo_root() {
        Ok(root) => root,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.task {
        // The package is built through the KCL runtime: install it first on a fresh clone.
        Task::Codegen { check } => {
            install::ensure_runtime(&root).and_then(|()| codegen::run(&root, check))
        }
        Task::Render(args) => dot_kubernetes::cli::render(&root.join("kcl"), &args)
            .map(|()| ExitCode::SUCCESS)
            .map_err(Error::from),
        Task::Plan(args) => install::ensure_runtime(&root).and_then(|()| plan::run(&root, &args)),
        Task::Test { cargo_args } => {
            install::ensure_runtime(&root).and_then(|()| run_tests(&root, &cargo_args))
        }
        Task::Bench(args) => install::ensure_runtime(&root).and_then(|()| bench::run(&root, &args)),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A task either finishes with an exit code or fails with an error, whose message (which
/// includes its cause) is printed after `error: `.
type TaskResult = Result<ExitCode, Error>;

/// Any error of a task; its message includes its cause.
type Error = Box<dyn std::error::Error>;

/// The repository root, found at run time: the nearest directory, from the current one
/// up, whose `Cargo.toml` is a workspace (`[workspace]`) with an `xtask` member
/// (`xtask/Cargo.toml`). Not this crate's compile-time directory: with a target directory
/// shared between two checkouts, that would be the other checkout.
fn repo_root() -> Result<PathBuf, Error> {
    let current =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    current
        .ancestors()
        .find(|dir| is_root(dir))
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            format!(
                "cargo xtask runs inside a checkout of the repository, and no directory from {} \
                 up has a Cargo.toml with [workspace] and an xtask member",
                current.display()
            )
            .into()
        })
}

fn is_root(dir: &Path) -> bool {
    let has_workspace = std::fs::read_to_string(dir.join("Cargo.toml"))
        .is_ok_and(|text| text.lines().any(|line| line.trim() == "[workspace]"));
    has_workspace && dir.join("xtask/Cargo.toml").is_file()
}

/// `cargo test` over the whole workspace (unit, integration, UI and doc tests).
fn run_tests(root: &Path, extra: &[String]) -> TaskResult {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args(["test", "--workspace"])
        .args(extra)
        // Snapshots are reviewed files: a mismatch fails instead of writing `.snap.new`.
        .env("INSTA_UPDATE", "no")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn render_takes_the_arguments_of_the_dot_kubernetes_binary() {
        let cli = Cli::try_parse_from([
            "cargo xtask",
            "render",
            "--provider",
            "google",
            "--observed",
            "observed.yaml",
            "-",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let Task::Render(args) = cli.task else {
            panic!("not the render task");
        };
        assert_eq!(args.provider, Some(dot_kubernetes_apps::Provider::Google));
        assert_eq!(args.observed, Some(PathBuf::from("observed.yaml")));
        assert_eq!(args.xr, Some(PathBuf::from("-")));
        assert!(Cli::try_parse_from(["cargo xtask", "render", "--definition"]).is_ok());
    }
}
