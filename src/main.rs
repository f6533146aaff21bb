//! `dot-kubernetes render [--provider P] [--observed FILE] XR.yaml` and
//! `dot-kubernetes render --definition`: the composed resources of a `Cluster`, rendered
//! from the `kcl/` directory of the nearest directory, from the current one up, that has
//! one.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dot_kubernetes::cli::{self, RenderArgs};

/// Render dot-kubernetes Compositions through the real KCL runtime.
#[derive(Parser)]
#[command(name = "dot-kubernetes", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Render(RenderArgs),
}

fn main() -> ExitCode {
    let Command::Render(args) = Cli::parse().command;
    let result =
        kcl_dir().and_then(|kcl_dir| cli::render(&kcl_dir, &args).map_err(|e| e.to_string()));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `kcl/` of the nearest directory, from the current one up, whose `kcl/` holds the apps
/// step (`apps.k`).
fn kcl_dir() -> Result<PathBuf, String> {
    let current =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    current
        .ancestors()
        .map(|dir| dir.join("kcl"))
        .find(|kcl| kcl.join("apps.k").is_file())
        .ok_or_else(|| {
            format!(
                "no directory from {} up has kcl/apps.k: run dot-kubernetes inside a checkout \
                 of the repository",
                current.display()
            )
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
}
