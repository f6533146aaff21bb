//! The `render` command, defined once: its arguments ([`RenderArgs`]) and what it does
//! ([`render`]). The `dot-kubernetes` binary and `cargo xtask render` both run it; they
//! differ only in how they find the `kcl/` directory.
//!
//! It renders the package as `cargo xtask package` would build it from `kcl/`, so an edit
//! of `kcl/` shows at once; when that differs from the checked-in `package/`, it warns
//! that the checked-in package is stale.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use dot_kubernetes_apps::Provider;
use kcl_render::deadline::{self, DeadlineExceeded};

use crate::package;
use crate::render::{Observed, Pipeline, RenderError, to_yaml_stream};

/// Render a Cluster composite resource through its provider's Composition (the provider
/// step, then the apps step: kcl/apps.k and kcl/manifests.k), as package/compositions.yaml
/// ships it built from kcl/, and print the composed resources as a YAML stream. Warns when
/// the checked-in package/ is stale.
#[derive(Debug, Clone, clap::Args)]
pub struct RenderArgs {
    /// The cloud to render for; defaults to the XR's
    /// spec.crossplane.compositionSelector.matchLabels.provider.
    #[arg(long, value_parser = parse_provider)]
    pub provider: Option<Provider>,
    /// Observed composed resources, as a YAML stream keyed by each document's
    /// crossplane.io/composition-resource-name (or krm.kcl.dev/composition-resource-name)
    /// annotation: render a later reconcile.
    #[arg(long, value_name = "OBSERVED.yaml")]
    pub observed: Option<PathBuf>,
    /// Print the XRD that kcl/definition.k produces instead of rendering an XR.
    #[arg(long, conflicts_with_all = ["provider", "observed", "xr"])]
    pub definition: bool,
    /// The Cluster composite resource, as YAML (`-` for standard input).
    #[arg(required_unless_present = "definition")]
    pub xr: Option<PathBuf>,
    /// How long the render may take (`90s`, `2m`, `1500ms`): at the deadline, render stops
    /// with an error, since a KCL program may never end. The default is
    /// `crossplane render`'s.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = deadline::parse_timeout)]
    pub timeout: Duration,
}

fn parse_provider(name: &str) -> Result<Provider, String> {
    Provider::from_name(name)
        .ok_or_else(|| format!("unknown provider `{name}`: expected aws, azure or google"))
}

/// Why the `render` command failed; its message is what the command prints after
/// `error: `.
#[derive(Debug)]
pub enum CommandError {
    /// An input could not be read: the XR (a file, or standard input) or the observed
    /// resources.
    Read {
        /// The input: `standard input`, or the file's path.
        input: String,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// The observed resources are unusable.
    Observed {
        /// The file they were read from.
        path: PathBuf,
        /// What is wrong with them.
        source: Box<RenderError>,
    },
    /// The composition could not be loaded, or the XR could not be rendered.
    Render(RenderError),
    /// The render did not finish within `--timeout`; it goes on in its thread until the
    /// process ends.
    Deadline(DeadlineExceeded),
    /// The composed resources could not be printed as YAML.
    Print(serde_saphyr::SerializeError),
    /// Standard output could not be written.
    Write(std::io::Error),
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::Read { input, source } => write!(f, "cannot read {input}: {source}"),
            CommandError::Observed { path, source } => write!(f, "{}: {source}", path.display()),
            CommandError::Render(e) => e.fmt(f),
            CommandError::Deadline(e) => e.fmt(f),
            CommandError::Print(e) => write!(f, "cannot print YAML: {e}"),
            CommandError::Write(e) => write!(f, "cannot write standard output: {e}"),
        }
    }
}

impl std::error::Error for CommandError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CommandError::Read { source, .. } | CommandError::Write(source) => Some(source),
            CommandError::Observed { source, .. } => Some(source.as_ref()),
            // Their messages are the render error's and the deadline's own.
            CommandError::Render(_) | CommandError::Deadline(_) => None,
            CommandError::Print(e) => Some(e),
        }
    }
}

impl From<RenderError> for CommandError {
    fn from(e: RenderError) -> Self {
        CommandError::Render(e)
    }
}

/// Run the provider's whole Composition in `kcl_dir` (provider step, then apps step) for
/// the XR of `args` and print every composed resource to standard output, as a YAML
/// stream; or, with `--definition`, print the XRD. A reader that closes standard output
/// early (`| head`) is no error.
///
/// The render has `args.timeout` to finish ([`kcl_render::deadline`]); past it, this
/// returns [`CommandError::Deadline`] while the render goes on in its thread, since the
/// in-process KCL runtime cannot be interrupted: the caller ends the process.
pub fn render(kcl_dir: &Path, args: &RenderArgs) -> Result<(), CommandError> {
    let (kcl_dir, args) = (kcl_dir.to_owned(), args.clone());
    deadline::run(args.timeout, move || render_now(&kcl_dir, &args))
        .unwrap_or_else(|late| Err(CommandError::Deadline(late)))
}

/// [`render`] without its deadline.
fn render_now(kcl_dir: &Path, args: &RenderArgs) -> Result<(), CommandError> {
    let pipeline = Pipeline::load(kcl_dir)?;
    warn_when_stale(kcl_dir, &pipeline)?;
    let items = if args.definition {
        vec![pipeline.composition().xrd().clone()]
    } else {
        let observed = match &args.observed {
            Some(path) => Observed::from_yaml_stream(&read(path)?).map_err(|source| {
                CommandError::Observed {
                    path: path.clone(),
                    source: Box::new(source.into()),
                }
            })?,
            None => Observed::none(),
        };
        let xr = read(args.xr.as_deref().unwrap_or(Path::new("-")))?;
        pipeline
            .render_yaml(&xr, args.provider, &observed)?
            .into_items()
    };
    let yaml = to_yaml_stream(&items).map_err(CommandError::Print)?;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(yaml.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // The reader stopped reading (`| head`): nothing is left to do, and nothing failed.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => written.map_err(CommandError::Write),
    }
}

/// Warn on standard error when the checked-in `package/` beside `kcl_dir` differs from
/// what `kcl/` builds: the render shows `kcl/`, the cluster gets `package/`.
fn warn_when_stale(kcl_dir: &Path, pipeline: &Pipeline) -> Result<(), CommandError> {
    let root = kcl_dir.parent().unwrap_or(Path::new("."));
    let built = package::render_inputs(pipeline)?;
    let stale: Vec<&str> = package::stale(root, &built)
        .into_iter()
        .map(|file| file.path)
        .collect();
    if !stale.is_empty() {
        eprintln!(
            "warning: the checked-in package is stale: {} differs from what kcl/ builds; \
             this renders kcl/ (run `cargo xtask codegen` to update package/)",
            stale.join(" and ")
        );
    }
    Ok(())
}

/// A file's text, or standard input's for `-`.
fn read(path: &Path) -> Result<String, CommandError> {
    let (input, text) = if path == Path::new("-") {
        (
            "standard input".to_owned(),
            std::io::read_to_string(std::io::stdin()),
        )
    } else {
        (path.display().to_string(), std::fs::read_to_string(path))
    };
    text.map_err(|source| CommandError::Read { input, source })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    /// The arguments as a command of their own.
    #[derive(Parser)]
    struct Render {
        #[command(flatten)]
        args: RenderArgs,
    }

    fn parse(args: &[&str]) -> Result<RenderArgs, clap::Error> {
        Render::try_parse_from(std::iter::once("render").chain(args.iter().copied()))
            .map(|render| render.args)
    }

    #[test]
    fn an_xr_or_the_definition_is_required_and_not_both() {
        let args = parse(&["--provider", "azure", "xr.yaml"]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(args.provider, Some(Provider::Azure));
        assert_eq!(args.xr, Some(PathBuf::from("xr.yaml")));
        assert!(parse(&["--definition"]).is_ok_and(|args| args.definition));
        assert!(parse(&[]).is_err(), "no XR");
        assert!(parse(&["--definition", "xr.yaml"]).is_err());
        assert!(parse(&["--definition", "--provider", "aws"]).is_err());
    }

    #[test]
    fn an_unknown_provider_is_refused_with_the_known_ones() {
        let error = parse(&["--provider", "openstack", "xr.yaml"])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.contains("unknown provider `openstack`: expected aws, azure or google"),
            "{error}"
        );
    }
}
