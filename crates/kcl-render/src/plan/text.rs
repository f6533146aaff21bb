//! The plan as text, in the manner of `terraform plan`: a summary line per XR, then each
//! change, the destructive ones marked, with a unified diff of the YAML of each update.

use std::fmt::Write as _;

use super::{Action, FieldEffect, ResourceChange, Side, XrPlan};

/// The plans as text: for each XR, `<Kind> <namespace>/<name>: 3 to create, 1 to update,
/// 15 to delete (...)`, then the XR fields that either XRD drops or refuses, then each
/// composed resource that changes, sorted by composition resource name:
///
/// - `+` create, `~` update (with the chart upgrade it is, and a unified diff of its
///   YAML), `-` delete whose real thing stays, unmanaged;
/// - `!` marks what destroys: a delete whose real thing Crossplane deletes, and a field
///   the new XRD drops or refuses.
///
/// An XR with no change is one line.
pub fn to_text(plans: &[XrPlan]) -> String {
    let mut out = String::new();
    for (index, plan) in plans.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        xr_text(plan, &mut out);
    }
    out
}

fn xr_text(plan: &XrPlan, out: &mut String) {
    let composition = if plan.from_composition == plan.to_composition {
        format!("Composition {}", plan.from_composition)
    } else {
        format!(
            "Composition {}, then {}",
            plan.from_composition, plan.to_composition
        )
    };
    let summary = &plan.summary;
    if !plan.has_changes() {
        let _ = writeln!(
            out,
            "{} ({composition}): no changes, {} unchanged",
            plan.xr, summary.unchanged
        );
        return;
    }
    let mut deleted = Vec::new();
    if summary.destroy > 0 {
        deleted.push(format!("{} destroyed", summary.destroy));
    }
    if summary.orphan > 0 {
        deleted.push(format!("{} orphaned", summary.orphan));
    }
    if summary.recreate > 0 {
        deleted.push(format!("{} recreated", summary.recreate));
    }
    let deleted = if deleted.is_empty() {
        String::new()
    } else {
        format!(" ({})", deleted.join(", "))
    };
    let _ = writeln!(
        out,
        "{} ({composition}): {} to create, {} to update, {} to delete{deleted}, {} unchanged",
        plan.xr, summary.create, summary.update, summary.delete, summary.unchanged
    );
    for field in &plan.fields {
        let (mark, what) = match (field.xrd, field.effect) {
            (Side::To, FieldEffect::Dropped) => (
                "!",
                "the new XRD does not declare it: the API server prunes it and the new package composes without it",
            ),
            (Side::To, FieldEffect::Refused) => (
                "!",
                "the new XRD refuses it: the stored XR keeps it, but the API server refuses any update of the XR until it is fixed",
            ),
            (Side::From, FieldEffect::Dropped) => (
                " ",
                "the old XRD does not declare it: the old package composed without it",
            ),
            (Side::From, FieldEffect::Refused) => (" ", "the old XRD refuses it"),
        };
        let _ = writeln!(
            out,
            "\n  {mark} XR field {}: {what} ({})",
            field.path, field.message
        );
    }
    for change in plan
        .resources
        .iter()
        .filter(|r| r.action != Action::Unchanged)
    {
        resource_text(change, out);
    }
}

fn resource_text(change: &ResourceChange, out: &mut String) {
    let mark = match change.action {
        Action::Create => "+",
        Action::Update => "~",
        Action::Delete if change.destroys() => "!-",
        Action::Delete | Action::Unchanged => "-",
    };
    let verb = match change.action {
        Action::Create => "created",
        Action::Update => "updated",
        Action::Delete => "deleted",
        Action::Unchanged => "unchanged",
    };
    let _ = writeln!(
        out,
        "\n  {mark} {} ({} {}): will be {verb}",
        change.name, change.api_version, change.subject
    );
    let detail = |out: &mut String, line: &str| {
        let _ = writeln!(out, "      {line}");
    };
    if let Some(recreation) = &change.recreation {
        detail(
            out,
            &format!(
                "recreation: the same {} under a new key, `{}` deleted and `{}` created",
                change.subject, recreation.from, recreation.to
            ),
        );
    }
    if let (Action::Create, Some(helm)) = (change.action, &change.helm) {
        let chart = helm.chart.as_deref().unwrap_or("?");
        let version = helm
            .version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        let namespace = helm
            .namespace
            .as_deref()
            .map(|n| format!(" in the namespace {n}"))
            .unwrap_or_default();
        detail(
            out,
            &format!(
                "installs the Helm chart {chart}{version} as the release `{}`{namespace}",
                helm.release
            ),
        );
    }
    if let Some(deletion) = &change.deletion {
        let how = match &deletion.reason {
            Some(reason) => format!("orphaned ({reason})"),
            None => "DESTROYED".to_owned(),
        };
        detail(out, &format!("{how}: {}", deletion.consequence));
    }
    if let Some(upgrade) = &change.upgrade {
        let version = |v: &Option<String>| v.as_deref().unwrap_or("none").to_owned();
        detail(
            out,
            &format!(
                "upgrades the Helm release `{}` (chart {}) from {} to {} ({})",
                upgrade.release,
                upgrade.chart.as_deref().unwrap_or("?"),
                version(&upgrade.from),
                version(&upgrade.to),
                upgrade.path
            ),
        );
    }
    if change.action == Action::Update {
        let yaml = |value: &Option<serde_json::Value>| {
            value
                .as_ref()
                .and_then(|v| serde_saphyr::to_string(v).ok())
                .unwrap_or_default()
        };
        let (old, new) = (yaml(&change.old), yaml(&change.new));
        let diff = similar::TextDiff::from_lines(&old, &new);
        let unified = diff
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("{} (old)", change.name),
                &format!("{} (new)", change.name),
            )
            .to_string();
        for line in unified.lines() {
            detail(out, line);
        }
    }
}
