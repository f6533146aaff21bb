//! `kcl-render XR COMPOSITION [--xrd XRD] [--observed OBSERVED] [--kcl-module NAME=DIR ...]
//! [--crds DIR] [--timeout DURATION]`: render a function-kcl Composition offline, as
//! `crossplane render` would print it. `kcl-render plan ...` ([`plan_command`]): what a new
//! package version does to each XR.

mod plan_command;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use kcl_render::{Crds, EMULATED_FUNCTION_KCL, Observed, Renderer, deadline};

const ABOUT: &str = "Render a function-kcl Composition offline and in-process, on the real KCL \
runtime, and print what `crossplane render` would: the XR with the status the pipeline set, \
then each composed resource.";

/// The long help: what is and is not emulated, and of which function-kcl release.
fn long_about() -> String {
    format!(
        "Render a function-kcl Composition offline and in-process, on the real KCL runtime \
(KCL {kcl}, the one function-kcl {EMULATED_FUNCTION_KCL} embeds), and print what `crossplane render` would: \
the XR with the status the pipeline set, then each composed resource with Crossplane's \
metadata, sorted by composition resource name. No Docker, no cluster.

The XR selects its Composition as Crossplane does: the XRD's enforced Composition, the one \
spec.crossplane.compositionRef names, the XRD's default when the XR neither names nor selects \
one, or the one whose labels match spec.crossplane.compositionSelector.matchLabels. Which one \
ran, and why, is said on standard error; several matches are an error (Crossplane would pick \
one at random).

Emulated, as function-kcl {EMULATED_FUNCTION_KCL} does it: a step whose input is a krm.kcl.dev/v1alpha1 \
KCLRun (whatever the Function's name); option(\"params\") with oxr, ocds, dxr, dcds, ctx, \
extraResources and the input's params; spec.config (but settings and vendor); the targets \
Default, Resources, XR, PatchDesired and PatchResources; krm.kcl.dev/composition-resource-name \
and krm.kcl.dev/ready; the duplicate-name error; the meta resources Context and Conditions; \
KCL module dependencies (ignored unless imported, then from --kcl-module). \
function-auto-ready marks resources ready whose observed resource is Ready; \
function-status-transformer passes through; any other function is an error.

Not emulated: sources function-kcl fetches (OCI, git, URLs), extra and required resources, \
credentials, option(\"resource_list\"), option(\"env\") and option(\"PATH\"), XR connection \
details and events, function-auto-ready's health checks of particular kinds, \
function-status-transformer's conditions, and what Crossplane does after the pipeline.

A render that takes longer than --timeout (default 60s, as `crossplane render`) stops with \
an error: the KCL runtime runs in-process and cannot be interrupted otherwise.

`kcl-render plan --help`: what a new version of a package does to each XR.

Exit status: 0 when rendered (and, with --crds, valid); 1 otherwise.",
        kcl = kcl_runtime::KCL_LIB_VERSION,
    )
}

/// The command line.
#[derive(Parser)]
#[command(
    name = "kcl-render",
    version,
    about = ABOUT,
    long_about = long_about(),
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The composite resource (XR), as YAML or JSON (`-` for standard input).
    #[arg(required = true)]
    xr: Option<PathBuf>,
    /// The Compositions, a YAML stream (a package's compositions.yaml): the one the XR
    /// selects runs.
    #[arg(required = true)]
    composition: Option<PathBuf>,
    /// The XR's CompositeResourceDefinition (a package's definition.yaml): admit the XR
    /// against it first, with the API server's rules and defaults.
    #[arg(long, value_name = "XRD")]
    xrd: Option<PathBuf>,
    /// Observed composed resources, a YAML stream keyed by each document's
    /// crossplane.io/composition-resource-name (or krm.kcl.dev/composition-resource-name)
    /// annotation: render a later reconcile.
    #[arg(long, value_name = "OBSERVED")]
    observed: Option<PathBuf>,
    /// The KCL module a step's `dependencies` declare and its source imports, as a
    /// directory with its kcl.mod (repeatable).
    #[arg(long = "kcl-module", value_name = "NAME=DIR", value_parser = parse_module)]
    kcl_modules: Vec<(String, PathBuf)>,
    /// Check every composed resource against the CustomResourceDefinitions in the YAML
    /// files under DIR (for example a provider package's crds/).
    #[arg(long, value_name = "DIR")]
    crds: Option<PathBuf>,
    /// How long the render may take (`90s`, `2m`, `1500ms`): at the deadline, kcl-render
    /// stops with an error, since a KCL program may never end. The default is
    /// `crossplane render`'s.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = deadline::parse_timeout)]
    timeout: Duration,
}

/// What kcl-render does besides rendering.
#[derive(Subcommand)]
enum Command {
    /// Plan an upgrade: what a new version of a package (its Compositions and XRD) does to
    /// each XR, offline, as terraform plan says it (exit status 0: no changes, 2: changes,
    /// 1: error).
    #[command(long_about = plan_command::LONG_ABOUT)]
    Plan(plan_command::PlanArgs),
}

fn parse_module(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((name, dir)) if !name.is_empty() && !dir.is_empty() => {
            Ok((name.to_owned(), PathBuf::from(dir)))
        }
        _ => Err(format!("`{text}` is not NAME=DIR")),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // A usage error is an error like any other (status 1; `plan` says "changes" with 2).
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let timeout = match &cli.command {
        Some(Command::Plan(args)) => args.timeout,
        None => cli.timeout,
    };
    // At the deadline, returning from main ends the process, and with it a KCL program
    // that would never end.
    let outcome = deadline::run(timeout, move || match &cli.command {
        Some(Command::Plan(args)) => plan_command::run(args),
        None => run(&cli),
    });
    match outcome.unwrap_or_else(|late| Err(late.to_string())) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, String> {
    // Both are required without a subcommand.
    let (Some(xr), Some(composition)) = (&cli.xr, &cli.composition) else {
        return Err("an XR and the Compositions are required".into());
    };
    let mut renderer =
        Renderer::load(composition, cli.xrd.as_deref()).map_err(|e| e.to_string())?;
    for (name, dir) in &cli.kcl_modules {
        renderer = renderer
            .with_kcl_module(name, dir)
            .map_err(|e| e.to_string())?;
    }
    let observed = match &cli.observed {
        Some(path) => Observed::from_yaml_stream(&read(path)?)
            .map_err(|e| format!("{}: {e}", path.display()))?,
        None => Observed::none(),
    };
    let rendered = renderer
        .render_yaml(&read(xr)?, &observed)
        .map_err(|e| e.to_string())?;
    eprintln!(
        "kcl-render: Composition `{}` ({})",
        rendered.composition, rendered.selection
    );
    for replaced in &rendered.replaced {
        eprintln!(
            "warning: `{}`: step `{}` composed {}, and step `{}` replaced it with {} \
             (function-kcl keeps the later one)",
            replaced.name, replaced.first.1, replaced.first.0, replaced.by.1, replaced.by.0
        );
    }
    let yaml = rendered.to_yaml(&observed).map_err(|e| e.to_string())?;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(yaml.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // The reader stopped reading (`| head`): nothing failed.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.map_err(|e| format!("cannot write standard output: {e}"))?,
    }
    let Some(dir) = &cli.crds else {
        return Ok(ExitCode::SUCCESS);
    };
    let crds = Crds::load(dir).map_err(|e| e.to_string())?;
    let validation = crds.validate(&rendered.resources);
    if !validation.without_crd.is_empty() {
        eprintln!(
            "warning: no CRD under {} for {}: not checked",
            dir.display(),
            validation
                .without_crd
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if validation.problems.is_empty() {
        eprintln!(
            "kcl-render: {} composed resources are valid against the CRDs under {}",
            validation.checked,
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let count = validation.problems.len();
    eprintln!(
        "error: {count} {} against the CRDs under {}:",
        if count == 1 { "problem" } else { "problems" },
        dir.display()
    );
    for problem in &validation.problems {
        eprintln!("  {problem}");
    }
    Ok(ExitCode::FAILURE)
}

/// A file's text, or standard input's for `-`.
fn read(path: &Path) -> Result<String, String> {
    if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| format!("cannot read standard input: {e}"))
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
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
    fn the_help_names_the_function_kcl_release_it_emulates_and_what_it_does_not() {
        let help = Cli::command().render_long_help().to_string();
        for mention in [
            "function-kcl v0.12.0",
            "KCL 0.12.3",
            "Not emulated",
            "--kcl-module",
        ] {
            assert!(help.contains(mention), "the help says {mention}:\n{help}");
        }
    }

    #[test]
    fn a_kcl_module_is_name_equals_dir() {
        assert_eq!(
            parse_module("k8s=vendor/k8s"),
            Ok(("k8s".to_owned(), PathBuf::from("vendor/k8s")))
        );
        assert!(parse_module("k8s").is_err());
        assert!(parse_module("=dir").is_err());
    }
}
