//! `cargo xtask render [--provider P] [--observed FILE] XR.yaml` and
//! `cargo xtask render --definition`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dot_kubernetes_apps::Provider;
use dot_kubernetes_apps::render::{Observed, Pipeline, to_yaml_stream};

use crate::TaskResult;

/// What to render.
#[derive(clap::Args)]
pub struct RenderArgs {
    /// The cloud to render for; defaults to the XR's
    /// spec.crossplane.compositionSelector.matchLabels.provider.
    #[arg(long, value_parser = parse_provider)]
    provider: Option<Provider>,
    /// Observed composed resources, as a YAML stream keyed by each document's
    /// krm.kcl.dev/composition-resource-name annotation: render a later reconcile.
    #[arg(long, value_name = "OBSERVED.yaml")]
    observed: Option<PathBuf>,
    /// Print the XRD that kcl/definition.k produces instead of rendering an XR.
    #[arg(long, conflicts_with_all = ["provider", "observed", "xr"])]
    definition: bool,
    /// The Cluster composite resource, as YAML (`-` for standard input).
    #[arg(required_unless_present = "definition")]
    xr: Option<PathBuf>,
}

fn parse_provider(name: &str) -> Result<Provider, String> {
    Provider::from_name(name)
        .ok_or_else(|| format!("unknown provider `{name}`: expected aws, azure or google"))
}

/// Run the provider's whole Composition (provider step, then apps step) and print every
/// composed resource.
pub fn run(root: &Path, args: &RenderArgs) -> TaskResult {
    let pipeline = Pipeline::load(&root.join("kcl")).map_err(|e| e.to_string())?;
    let items = if args.definition {
        vec![pipeline.composition().xrd().clone()]
    } else {
        let observed = match &args.observed {
            Some(path) => Observed::from_yaml_stream(&read(path)?)
                .map_err(|e| format!("{}: {e}", path.display()))?,
            None => Observed::none(),
        };
        let xr = read(args.xr.as_deref().unwrap_or(Path::new("-")))?;
        pipeline
            .render_yaml(&xr, args.provider, &observed)
            .map_err(|e| e.to_string())?
            .into_items()
    };
    let yaml = to_yaml_stream(&items).map_err(|e| format!("cannot print YAML: {e}"))?;
    print!("{yaml}");
    Ok(ExitCode::SUCCESS)
}

fn read(path: &Path) -> Result<String, String> {
    if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| format!("cannot read standard input: {e}"))
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
}
