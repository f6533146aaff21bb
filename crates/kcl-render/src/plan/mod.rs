//! What a new version of a package does to each XR, offline, before anyone installs it:
//! the XR rendered with the old and the new Compositions, each admitted against its own
//! XRD, and the composed resources compared by composition resource name, in Crossplane's
//! terms.
//!
//! - Each composed resource is [`Action::Create`], [`Action::Delete`], [`Action::Update`]
//!   or [`Action::Unchanged`]. A key that changes while the kind and the external name
//!   stay is a delete and a create, both flagged as a [`Recreation`]: Crossplane deletes
//!   the old resource and creates the new one.
//! - An update lists its changed fields by path, old and new ([`FieldChange`]); a
//!   provider-helm `Release` whose chart version changes is named as an upgrade of that
//!   release ([`ChartUpgrade`]).
//! - A delete says what Crossplane does to the real thing ([`Deletion`]): it is orphaned
//!   when the resource's `managementPolicies` lack `Delete` (and `*`) or its
//!   `deletionPolicy` is `Orphan`, deleted otherwise; a `Usage` that goes no longer
//!   protects what it protected.
//! - A field of the XR that an XRD does not declare is dropped, as the API server prunes
//!   it; one whose value an XRD refuses is kept, as the stored XR keeps it; both are
//!   reported at their path ([`FieldProblem`]).
//!
//! The plan is data (serde-serializable, for `--output json`) and text in the manner of
//! `terraform plan` ([`to_text`]); a Configuration's tests can assert that a change
//! deletes nothing:
//!
//! ```no_run
//! use kcl_render::plan::{Action, Planner};
//! use kcl_render::{Observed, Renderer};
//!
//! let planner = Planner::new(
//!     Renderer::load("released/compositions.yaml".as_ref(), Some("released/definition.yaml".as_ref()))?,
//!     Renderer::load("package/compositions.yaml".as_ref(), Some("package/definition.yaml".as_ref()))?,
//! );
//! let plan = planner.plan_yaml(&std::fs::read_to_string("examples/aws.yaml")?, &Observed::none())?;
//! assert_eq!(plan.summary.delete, 0, "{}", kcl_render::plan::to_text(&[plan.clone()]));
//! assert!(plan.resources.iter().all(|r| r.action != Action::Delete));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod admission;
mod crossplane;
mod fields;
mod text;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

pub use admission::{FieldEffect, FieldProblem};
pub use crossplane::{
    CHART_VERSION_PATH, Deletion, EXTERNAL_NAME, HelmRelease, Outcome, deletion, external_name,
    helm_release, subject,
};
pub use fields::{FieldChange, changed_fields};
pub use text::to_text;

use crate::admission::parse_xr;
use crate::error::Error;
use crate::observed::Observed;
use crate::rendered::{ComposedResource, Rendered};
use crate::renderer::Renderer;

/// Which package: the old one (`--from`) or the new one (`--to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Side {
    /// The old package, installed today.
    From,
    /// The new package, to be installed.
    To,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::From => "the old package (--from)",
            Side::To => "the new package (--to)",
        })
    }
}

/// What upgrading does to a composed resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// Only the new package composes it: Crossplane creates it.
    Create,
    /// Both compose it, differently: Crossplane updates it.
    Update,
    /// Only the old package composes it: Crossplane deletes it (see [`Deletion`]).
    Delete,
    /// Both compose it alike.
    Unchanged,
}

/// A delete and a create of the same real thing under another key: the same API group,
/// kind and external name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recreation {
    /// The old key, deleted.
    pub from: String,
    /// The new key, created.
    pub to: String,
}

/// A provider-helm `Release` whose chart version changes: an upgrade of that release in
/// every cluster the XR is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartUpgrade {
    /// The Helm release.
    pub release: String,
    /// The chart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
    /// The version installed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The version the upgrade installs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Where the version is: [`CHART_VERSION_PATH`].
    pub path: String,
}

/// What upgrading does to one composed resource, by its composition resource name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceChange {
    /// The composition resource name: the key Crossplane tracks the resource by.
    pub name: String,
    /// Create, update, delete or unchanged.
    pub action: Action,
    /// The resource's `apiVersion` (the new one's, unless it is deleted).
    pub api_version: String,
    /// Its `kind`.
    pub kind: String,
    /// The name of the real thing ([`external_name`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_name: Option<String>,
    /// What it stands for, in a few words ([`subject`]): `Release cilium`.
    pub subject: String,
    /// A delete and a create of the same real thing under another key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recreation: Option<Recreation>,
    /// For a delete: what Crossplane does to the real thing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion: Option<Deletion>,
    /// For a provider-helm `Release` created or deleted: the release it installs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub helm: Option<HelmRelease>,
    /// For a provider-helm `Release` updated to another chart version: the upgrade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upgrade: Option<ChartUpgrade>,
    /// For an update: every changed field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// The resource as the old package composes it.
    #[serde(skip)]
    pub old: Option<Value>,
    /// The resource as the new package composes it.
    #[serde(skip)]
    pub new: Option<Value>,
}

impl ResourceChange {
    /// Whether Crossplane deletes the real thing: a delete that is not orphaned.
    pub fn destroys(&self) -> bool {
        self.deletion
            .as_ref()
            .is_some_and(|d| d.outcome == Outcome::Deleted)
    }
}

/// How many composed resources each action touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// To create.
    pub create: usize,
    /// To update.
    pub update: usize,
    /// To delete.
    pub delete: usize,
    /// Unchanged.
    pub unchanged: usize,
    /// Of the deletes, those whose real thing is deleted too.
    pub destroy: usize,
    /// Of the deletes, those whose real thing stays, unmanaged.
    pub orphan: usize,
    /// Recreations (each counted once among the deletes and once among the creates).
    pub recreate: usize,
}

/// The XR a plan is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct XrRef {
    /// Its `apiVersion`.
    pub api_version: String,
    /// Its `kind`.
    pub kind: String,
    /// Its namespace, for a namespaced XR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Its name.
    pub name: String,
}

impl fmt::Display for XrRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(namespace) => write!(f, "{} {namespace}/{}", self.kind, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// What upgrading from one package to another does to one XR.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct XrPlan {
    /// The XR.
    pub xr: XrRef,
    /// The Composition the old package runs for it.
    pub from_composition: String,
    /// The Composition the new package runs for it.
    pub to_composition: String,
    /// The XR's fields that either XRD drops or refuses, the old one's first.
    pub fields: Vec<FieldProblem>,
    /// Every composed resource of either package, sorted by composition resource name.
    pub resources: Vec<ResourceChange>,
    /// The counts.
    pub summary: Summary,
}

impl XrPlan {
    /// Whether upgrading changes anything: a resource created, updated or deleted, or a
    /// field of the XR that the new XRD drops or refuses.
    pub fn has_changes(&self) -> bool {
        self.resources.iter().any(|r| r.action != Action::Unchanged)
            || self.fields.iter().any(|f| f.xrd == Side::To)
    }

    /// The change of a composition resource name.
    pub fn resource(&self, name: &str) -> Option<&ResourceChange> {
        self.resources.iter().find(|r| r.name == name)
    }

    /// The resources of an action.
    pub fn of_action(&self, action: Action) -> impl Iterator<Item = &ResourceChange> {
        self.resources.iter().filter(move |r| r.action == action)
    }
}

/// Why an XR could not be planned: one package could not render it.
#[derive(Debug)]
pub struct PlanError {
    /// The package that failed.
    pub side: Side,
    /// Why (boxed: a render's error is large).
    pub error: Box<Error>,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.side, self.error)
    }
}

impl std::error::Error for PlanError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.error)
    }
}

/// Two packages, the old and the new, each loaded once: plan any number of XRs.
#[derive(Debug, Clone)]
pub struct Planner {
    from: Renderer,
    to: Renderer,
}

impl Planner {
    /// Plan the upgrade from the package `from` renders to the one `to` renders (each
    /// with its own XRD, if any, and KCL modules).
    pub fn new(from: Renderer, to: Renderer) -> Self {
        Planner { from, to }
    }

    /// The old package's renderer.
    pub fn from(&self) -> &Renderer {
        &self.from
    }

    /// The new package's renderer.
    pub fn to(&self) -> &Renderer {
        &self.to
    }

    /// [`Planner::plan`] of an XR given as YAML (or JSON).
    pub fn plan_yaml(&self, xr: &str, observed: &Observed) -> Result<XrPlan, PlanError> {
        let xr = parse_xr(xr).map_err(|error| PlanError {
            side: Side::From,
            error: Box::new(error),
        })?;
        self.plan(xr, observed)
    }

    /// Render the XR with both packages (each admitting it against its own XRD, with the
    /// same observed resources) and compare what they compose.
    pub fn plan(&self, xr: Value, observed: &Observed) -> Result<XrPlan, PlanError> {
        let render = |renderer: &Renderer, side: Side| {
            let fail = |error| PlanError {
                side,
                error: Box::new(error),
            };
            let (admitted, fields) =
                admission::admit_as_stored(renderer, side, xr.clone()).map_err(fail)?;
            let rendered = renderer.render_admitted(admitted, observed).map_err(fail)?;
            Ok::<_, PlanError>((rendered, fields))
        };
        let (old, mut fields) = render(&self.from, Side::From)?;
        let (new, new_fields) = render(&self.to, Side::To)?;
        fields.extend(new_fields);
        let resources = compare(&old, &new);
        Ok(XrPlan {
            xr: xr_ref(&new.xr),
            from_composition: old.composition,
            to_composition: new.composition,
            fields,
            summary: summarize(&resources),
            resources,
        })
    }
}

fn xr_ref(xr: &Value) -> XrRef {
    let text = |pointer: &str| {
        xr.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    XrRef {
        api_version: text("/apiVersion"),
        kind: text("/kind"),
        namespace: xr
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .map(str::to_owned),
        name: text("/metadata/name"),
    }
}

/// The identity of the real thing behind a resource, for pairing a delete with a create:
/// API group, kind, external name.
fn identity(resource: &Value) -> Option<(String, String, String)> {
    let api_version = resource["apiVersion"].as_str()?;
    Some((
        crossplane::group(api_version).to_owned(),
        resource["kind"].as_str()?.to_owned(),
        external_name(resource)?.to_owned(),
    ))
}

/// Compare what two renders compose, by composition resource name, sorted by it.
pub fn compare(old: &Rendered, new: &Rendered) -> Vec<ResourceChange> {
    let olds: BTreeMap<&str, &ComposedResource> =
        old.resources.iter().map(|r| (r.name.as_str(), r)).collect();
    let news: BTreeMap<&str, &ComposedResource> =
        new.resources.iter().map(|r| (r.name.as_str(), r)).collect();
    let mut names: Vec<&str> = olds.keys().chain(news.keys()).copied().collect();
    names.sort_unstable();
    names.dedup();
    let mut changes: Vec<ResourceChange> = names
        .into_iter()
        .map(|name| change(name, olds.get(name).copied(), news.get(name).copied()))
        .collect();
    pair_recreations(&mut changes);
    changes
}

fn change(
    name: &str,
    old: Option<&ComposedResource>,
    new: Option<&ComposedResource>,
) -> ResourceChange {
    let old = old.map(|r| &r.resource);
    let new = new.map(|r| &r.resource);
    let shown = new.or(old).expect("a name of either render");
    let (action, fields) = match (old, new) {
        (Some(old), Some(new)) => {
            let fields = changed_fields(old, new);
            if fields.is_empty() {
                (Action::Unchanged, fields)
            } else {
                (Action::Update, fields)
            }
        }
        (None, _) => (Action::Create, Vec::new()),
        (_, None) => (Action::Delete, Vec::new()),
    };
    let upgrade = match (
        action,
        old.and_then(helm_release),
        new.and_then(helm_release),
    ) {
        (Action::Update, Some(before), Some(after)) if before.version != after.version => {
            Some(ChartUpgrade {
                release: after.release,
                chart: after.chart,
                from: before.version,
                to: after.version,
                path: CHART_VERSION_PATH.to_owned(),
            })
        }
        _ => None,
    };
    ResourceChange {
        name: name.to_owned(),
        action,
        api_version: shown["apiVersion"].as_str().unwrap_or_default().to_owned(),
        kind: shown["kind"].as_str().unwrap_or_default().to_owned(),
        external_name: external_name(shown).map(str::to_owned),
        subject: subject(shown),
        recreation: None,
        deletion: (action == Action::Delete).then(|| deletion(shown)),
        helm: matches!(action, Action::Create | Action::Delete)
            .then(|| helm_release(shown))
            .flatten(),
        upgrade,
        fields,
        old: old.cloned(),
        new: new.cloned(),
    }
}

/// Flag each delete and create of the same real thing (one each) as a recreation.
fn pair_recreations(changes: &mut [ResourceChange]) {
    let of_action = |changes: &[ResourceChange],
                     action: Action|
     -> BTreeMap<(String, String, String), Vec<usize>> {
        let mut found: BTreeMap<_, Vec<usize>> = BTreeMap::new();
        for (index, change) in changes.iter().enumerate() {
            let resource = change.new.as_ref().or(change.old.as_ref());
            if change.action == action
                && let Some(identity) = resource.and_then(identity)
            {
                found.entry(identity).or_default().push(index);
            }
        }
        found
    };
    let deletes = of_action(changes, Action::Delete);
    let creates = of_action(changes, Action::Create);
    for (identity, deleted) in deletes {
        let Some(created) = creates.get(&identity) else {
            continue;
        };
        // Only an unambiguous pair is one real thing under a new key.
        if let ([deleted], [created]) = (deleted.as_slice(), created.as_slice()) {
            let recreation = Recreation {
                from: changes[*deleted].name.clone(),
                to: changes[*created].name.clone(),
            };
            changes[*deleted].recreation = Some(recreation.clone());
            changes[*created].recreation = Some(recreation);
        }
    }
}

fn summarize(changes: &[ResourceChange]) -> Summary {
    let mut summary = Summary::default();
    for change in changes {
        match change.action {
            Action::Create => summary.create += 1,
            Action::Update => summary.update += 1,
            Action::Delete => {
                summary.delete += 1;
                if change.destroys() {
                    summary.destroy += 1;
                } else {
                    summary.orphan += 1;
                }
                if change.recreation.is_some() {
                    summary.recreate += 1;
                }
            }
            Action::Unchanged => summary.unchanged += 1,
        }
    }
    summary
}
