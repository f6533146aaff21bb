//! `kcl-render plan --from OLD --to NEW [--from-xrd F] [--to-xrd F] [--observed F]
//! [--output text|json] [--kcl-module NAME=DIR ...] [--timeout DURATION] XR...`: what a new package version does
//! to each XR, offline.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use kcl_render::plan::{Planner, XrPlan, to_text};
use kcl_render::{Observed, Renderer, deadline};

/// The long help of `kcl-render plan`.
pub const LONG_ABOUT: &str = "What a new version of a package does to each XR, offline, \
before anyone installs it: each XR is rendered with the old Compositions (--from) and the new \
ones (--to), each admitted against its own XRD, and the composed resources are compared by \
composition resource name, in Crossplane's terms.

Each resource is created, updated (its changed fields, and a unified diff of its YAML), \
deleted or unchanged. A key that changes while the kind and the external name \
(crossplane.io/external-name, else metadata.name) stay is a delete and a create, flagged as a \
recreation. A provider-helm Release whose spec.forProvider.chart.version changes is an \
upgrade of that Helm release. A delete says what Crossplane does to the real thing: orphaned, \
left unmanaged, when the resource's managementPolicies lack Delete (and \"*\") or its \
deletionPolicy is Orphan; deleted otherwise (marked `!-`); a Usage that goes no longer protects \
what it protected.

A field of the XR that the new XRD does not declare is dropped (the API server prunes it); one \
whose value it refuses is kept, as the stored XR keeps it, but no update of the XR is admitted \
until it is fixed; both are reported at their path, as is a field the old XRD did not declare.

--kcl-module gives both packages the same KCL module; to check the new package's composed \
resources against CRDs, render with it (kcl-render XR NEW_COMPOSITIONS --crds DIR).

A plan that takes longer than --timeout (default 60s, for all its XRs) stops with an error: \
the KCL runtime runs in-process and cannot be interrupted otherwise.

Exit status, as terraform plan -detailed-exitcode: 0 when nothing changes, 2 when something \
does, 1 on an error (an XR that either package cannot render).";

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A summary line per XR, then each change, as terraform plan prints it.
    Text,
    /// A JSON list of the plans, one per XR, in the order given.
    Json,
}

/// The arguments of `kcl-render plan`.
#[derive(Args, Debug)]
pub struct PlanArgs {
    /// The old package's Compositions, a YAML stream (its compositions.yaml).
    #[arg(long, value_name = "OLD_COMPOSITIONS")]
    from: PathBuf,
    /// The new package's Compositions, a YAML stream (its compositions.yaml).
    #[arg(long, value_name = "NEW_COMPOSITIONS")]
    to: PathBuf,
    /// The old package's XRD (its definition.yaml): admit each XR against it for the old
    /// render.
    #[arg(long, value_name = "XRD")]
    from_xrd: Option<PathBuf>,
    /// The new package's XRD (its definition.yaml): admit each XR against it for the new
    /// render; the fields it drops or refuses are reported.
    #[arg(long, value_name = "XRD")]
    to_xrd: Option<PathBuf>,
    /// Observed composed resources (a YAML stream keyed by each document's
    /// crossplane.io/composition-resource-name annotation), given to both renders: plan a
    /// later reconcile.
    #[arg(long, value_name = "OBSERVED")]
    observed: Option<PathBuf>,
    /// The KCL module a step's dependencies declare and its source imports, as a directory
    /// with its kcl.mod, for both packages (repeatable).
    #[arg(long = "kcl-module", value_name = "NAME=DIR", value_parser = crate::parse_module)]
    kcl_modules: Vec<(String, PathBuf)>,
    /// text (like terraform plan) or json (the same facts, for CI).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    output: Format,
    /// How long the whole plan may take (`90s`, `2m`, `1500ms`): at the deadline, kcl-render
    /// stops with an error, since a KCL program may never end. The default is
    /// `crossplane render`'s.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = deadline::parse_timeout)]
    pub timeout: Duration,
    /// The composite resources (XRs) to plan, each a YAML or JSON file (`-` for standard
    /// input).
    #[arg(value_name = "XR", required = true)]
    xrs: Vec<PathBuf>,
}

/// Plan every XR; the exit code says whether anything changes.
pub fn run(args: &PlanArgs) -> Result<ExitCode, String> {
    let load = |compositions: &Path, xrd: Option<&Path>, flag: &str| {
        let mut renderer = Renderer::load(compositions, xrd).map_err(|e| format!("{flag}: {e}"))?;
        for (name, dir) in &args.kcl_modules {
            renderer = renderer
                .with_kcl_module(name, dir)
                .map_err(|e| e.to_string())?;
        }
        Ok::<_, String>(renderer)
    };
    let planner = Planner::new(
        load(&args.from, args.from_xrd.as_deref(), "--from")?,
        load(&args.to, args.to_xrd.as_deref(), "--to")?,
    );
    let observed = match &args.observed {
        Some(path) => Observed::from_yaml_stream(&crate::read(path)?)
            .map_err(|e| format!("{}: {e}", path.display()))?,
        None => Observed::none(),
    };
    let plans = args
        .xrs
        .iter()
        .map(|path| {
            planner
                .plan_yaml(&crate::read(path)?, &observed)
                .map_err(|e| format!("{}: {e}", path.display()))
        })
        .collect::<Result<Vec<XrPlan>, String>>()?;
    let output = match args.output {
        Format::Text => to_text(&plans),
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&plans)
                .map_err(|e| format!("cannot print JSON: {e}"))?;
            json.push('\n');
            json
        }
    };
    write_stdout(&output)?;
    Ok(if plans.iter().any(XrPlan::has_changes) {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Write to standard output; a reader that stops reading (`| head`) is no failure.
fn write_stdout(text: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => written.map_err(|e| format!("cannot write standard output: {e}")),
    }
}
