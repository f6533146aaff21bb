//! Project tasks: `cargo xtask codegen | render | package | test | bench`.

mod bench;
mod codegen;
mod install;
mod package;
mod render;

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
    /// Regenerate the generated regions of kcl/data.k, kcl/definition.k and kcl/apps.k
    /// from the Rust types.
    Codegen {
        /// Write nothing; print a diff of every stale file and fail if there is one.
        #[arg(long)]
        check: bool,
    },
    /// Render a Cluster composite resource through its provider's Composition (the
    /// provider step, then kcl/apps.k) and print the composed resources as a YAML stream.
    Render(render::RenderArgs),
    /// Build package/ (crossplane.yaml, definition.yaml, compositions.yaml) from kcl/.
    Package {
        /// Write nothing; print a diff of every stale file and fail if there is one.
        #[arg(long)]
        check: bool,
    },
    /// Install the pinned KCL runtime when it is missing, then run the whole test suite.
    Test {
        /// Extra arguments for `cargo test`, after `--`.
        #[arg(last = true)]
        cargo_args: Vec<String>,
    },
    /// Measure the full pipeline against the apps step alone, and rendering in-process
    /// against a fresh process per render.
    Bench(bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = repo_root();
    let result = match cli.task {
        Task::Codegen { check } => codegen::run(&root, check),
        Task::Render(args) => render::run(&root, &args),
        Task::Package { check } => package::run(&root, check),
        Task::Test { cargo_args } => {
            install::ensure_runtime(&root).and_then(|()| run_tests(&root, &cargo_args))
        }
        Task::Bench(args) => bench::run(&root, &args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A task either finishes with an exit code or fails with a message for stderr.
type TaskResult = Result<ExitCode, String>;

/// The repository root: the parent of this crate's directory.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
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
