//! `kcl_render::plan` through the real KCL runtime, over the Store Composition of
//! `tests/fixtures/plan/` (written for these tests): each test writes the next version of
//! the package by editing a copy of it, and plans the same XR from one to the other.

use std::path::{Path, PathBuf};

use kcl_render::plan::{
    Action, ChartUpgrade, FieldEffect, Outcome, Planner, Recreation, Side, XrPlan, to_text,
};
use kcl_render::{Observed, Renderer};
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/plan")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Each edit `(old, new)` applied once to a fixture's text; an edit that matches nothing
/// is a broken test.
fn edited(name: &str, edits: &[(&str, &str)]) -> String {
    let mut text = read(name);
    for (old, new) in edits {
        assert_eq!(text.matches(old).count(), 1, "`{old}` is once in {name}");
        text = text.replace(old, new);
    }
    text
}

/// Plan the XR of `xr.yaml` from the fixture package to the package those edits make.
fn plan(compositions: &[(&str, &str)], definition: &[(&str, &str)]) -> XrPlan {
    let load = |c: &[(&str, &str)], d: &[(&str, &str)]| {
        Renderer::from_yaml(
            &edited("compositions.yaml", c),
            Some(&edited("definition.yaml", d)),
        )
        .unwrap_or_else(|e| panic!("the package loads: {e}"))
    };
    Planner::new(load(&[], &[]), load(compositions, definition))
        .plan_yaml(&read("xr.yaml"), &Observed::none())
        .unwrap_or_else(|e| panic!("the XR plans: {e}"))
}

fn actions(plan: &XrPlan) -> Vec<(&str, Action)> {
    plan.resources
        .iter()
        .filter(|r| r.action != Action::Unchanged)
        .map(|r| (r.name.as_str(), r.action))
        .collect()
}

#[test]
fn the_same_package_changes_nothing() {
    let plan = plan(&[], &[]);
    assert!(
        !plan.has_changes(),
        "{}",
        to_text(std::slice::from_ref(&plan))
    );
    assert_eq!(plan.summary.unchanged, 7, "every resource is compared");
    assert!(plan.fields.is_empty());
    assert_eq!(
        to_text(&[plan]),
        "Store team-a/shop (Composition store): no changes, 7 unchanged\n"
    );
}

#[test]
fn a_renamed_key_is_a_delete_and_a_create_flagged_as_a_recreation() {
    let plan = plan(
        &[(
            r#"_meta("bucket", "bucket""#,
            r#"_meta("data-bucket", "bucket""#,
        )],
        &[],
    );
    assert_eq!(
        actions(&plan),
        [("bucket", Action::Delete), ("data-bucket", Action::Create)]
    );
    let recreation = Some(Recreation {
        from: "bucket".into(),
        to: "data-bucket".into(),
    });
    for name in ["bucket", "data-bucket"] {
        assert_eq!(
            plan.resource(name).unwrap().recreation,
            recreation,
            "{name}"
        );
    }
    let deleted = plan.resource("bucket").unwrap();
    assert!(deleted.destroys(), "a bucket with no policies is deleted");
    assert_eq!(
        deleted.deletion.as_ref().unwrap().consequence,
        "Crossplane deletes the Bucket, and with it the external resource `shop-data` it manages"
    );
    assert_eq!(plan.summary.recreate, 1);
    let text = to_text(&[plan]);
    assert!(
        text.contains("recreation: the same Bucket shop-data under a new key, `bucket` deleted and `data-bucket` created"),
        "{text}"
    );
}

#[test]
fn a_new_external_name_under_a_new_key_is_no_recreation() {
    let plan = plan(
        &[(
            r#"_meta("bucket", "bucket", _name + "-data")"#,
            r#"_meta("data-bucket", "bucket", _name + "-objects")"#,
        )],
        &[],
    );
    assert_eq!(
        actions(&plan),
        [("bucket", Action::Delete), ("data-bucket", Action::Create)]
    );
    assert!(plan.resources.iter().all(|r| r.recreation.is_none()));
}

#[test]
fn a_chart_version_bump_is_an_update_named_as_an_upgrade_of_the_release() {
    let plan = plan(&[(r#"version = "1.0.0""#, r#"version = "1.1.0""#)], &[]);
    assert_eq!(actions(&plan), [("cache-release", Action::Update)]);
    let release = plan.resource("cache-release").unwrap();
    assert_eq!(
        release.upgrade,
        Some(ChartUpgrade {
            release: "cache".into(),
            chart: Some("redis".into()),
            from: Some("1.0.0".into()),
            to: Some("1.1.0".into()),
            path: "spec.forProvider.chart.version".into(),
        })
    );
    let fields: Vec<(&str, &Value, &Value)> = release
        .fields
        .iter()
        .map(|f| {
            (
                f.path.as_str(),
                f.old.as_ref().unwrap(),
                f.new.as_ref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [(
            "spec.forProvider.chart.version",
            &json!("1.0.0"),
            &json!("1.1.0")
        )]
    );
    let text = to_text(&[plan]);
    for line in [
        "Store team-a/shop (Composition store): 0 to create, 1 to update, 0 to delete, 6 unchanged",
        "  ~ cache-release (helm.crossplane.io/v1beta1 Release cache): will be updated",
        "      upgrades the Helm release `cache` (chart redis) from 1.0.0 to 1.1.0 (spec.forProvider.chart.version)",
        r#"      -      version: "1.0.0""#,
        r#"      +      version: "1.1.0""#,
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "no line `{line}` in:\n{text}"
        );
    }
}

/// The next version stops composing these keys.
fn dropping(keys: &[&str]) -> String {
    format!("_dropped: [str] = {keys:?}")
}

#[test]
fn a_removed_object_is_orphaned_by_its_policies_and_deleted_without_them() {
    let dropped = dropping(&["crds", "namespace", "config"]);
    let plan = plan(&[("_dropped: [str] = []", &dropped)], &[]);
    assert_eq!(
        actions(&plan),
        [
            ("config", Action::Delete),
            ("crds", Action::Delete),
            ("namespace", Action::Delete)
        ]
    );
    let deletion = |name: &str| plan.resource(name).unwrap().deletion.clone().unwrap();
    let crds = deletion("crds");
    assert_eq!(crds.outcome, Outcome::Orphaned);
    assert_eq!(
        crds.reason.as_deref(),
        Some("its managementPolicies lack Delete")
    );
    assert_eq!(
        crds.consequence,
        "Crossplane deletes the Object; the CustomResourceDefinition `widgets.example.org` \
         stays in the cluster, unmanaged"
    );
    let namespace = deletion("namespace");
    assert_eq!(namespace.outcome, Outcome::Orphaned);
    assert_eq!(
        namespace.reason.as_deref(),
        Some("its deletionPolicy is Orphan")
    );
    let config = deletion("config");
    assert_eq!(config.outcome, Outcome::Deleted);
    assert_eq!(
        config.consequence,
        "Crossplane deletes the Object, which deletes the ConfigMap `store-system/settings` \
         from the cluster"
    );
    assert_eq!((plan.summary.orphan, plan.summary.destroy), (2, 1));
    let text = to_text(&[plan]);
    for line in [
        "Store team-a/shop (Composition store): 0 to create, 0 to update, 3 to delete \
         (1 destroyed, 2 orphaned), 4 unchanged",
        "  !- config (kubernetes.crossplane.io/v1alpha2 Object ConfigMap store-system/settings): will be deleted",
        "      DESTROYED: Crossplane deletes the Object, which deletes the ConfigMap `store-system/settings` from the cluster",
        "  - crds (kubernetes.crossplane.io/v1alpha2 Object CustomResourceDefinition widgets.example.org): will be deleted",
        "      orphaned (its managementPolicies lack Delete): Crossplane deletes the Object; the \
         CustomResourceDefinition `widgets.example.org` stays in the cluster, unmanaged",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "no line `{line}` in:\n{text}"
        );
    }
}

#[test]
fn a_release_deleted_with_every_policy_uninstalls_its_helm_release() {
    let dropped = dropping(&["cache-release"]);
    let plan = plan(&[("_dropped: [str] = []", &dropped)], &[]);
    let release = plan.resource("cache-release").unwrap();
    assert_eq!(release.action, Action::Delete);
    assert!(
        release.destroys(),
        "managementPolicies [\"*\"] include Delete"
    );
    assert_eq!(
        release.deletion.as_ref().unwrap().consequence,
        "Crossplane deletes the Release, which uninstalls the Helm release `cache`"
    );
    assert_eq!(
        release.helm.as_ref().map(|h| h.release.as_str()),
        Some("cache")
    );
}

#[test]
fn a_usage_that_disappears_no_longer_protects_what_it_protected() {
    let dropped = dropping(&["bucket-usage"]);
    let plan = plan(&[("_dropped: [str] = []", &dropped)], &[]);
    assert_eq!(actions(&plan), [("bucket-usage", Action::Delete)]);
    let deletion = plan
        .resource("bucket-usage")
        .unwrap()
        .deletion
        .clone()
        .unwrap();
    assert_eq!(deletion.unprotects.as_deref(), Some("Bucket `shop-bucket`"));
    assert_eq!(
        deletion.consequence,
        "Crossplane deletes the Usage: the Bucket `shop-bucket` is no longer protected from \
         deletion while the Release `shop-cache` uses it"
    );
}

#[test]
fn xr_fields_the_new_xrd_refuses_or_drops_are_reported_at_their_path() {
    // The next XRD no longer offers the premium tier, nor the legacy switch.
    let plan = plan(
        &[],
        &[
            ("enum: [standard, premium]", "enum: [standard]"),
            (
                "              legacy:\n                type: boolean\n                default: false\n",
                "",
            ),
        ],
    );
    let fields: Vec<(Side, &str, FieldEffect)> = plan
        .fields
        .iter()
        .map(|f| (f.xrd, f.path.as_str(), f.effect))
        .collect();
    assert_eq!(
        fields,
        [
            (Side::To, "spec.tier", FieldEffect::Refused),
            (Side::To, "spec.legacy", FieldEffect::Dropped),
        ]
    );
    assert!(plan.has_changes());
    // Dropped, the legacy switch is off for the new package: its ConfigMap goes. Refused,
    // the tier is composed as stored.
    assert_eq!(actions(&plan), [("legacy", Action::Delete)]);
    let text = to_text(&[plan]);
    assert!(
        text.contains("  ! XR field spec.tier: the new XRD refuses it")
            && text.contains("  ! XR field spec.legacy: the new XRD does not declare it"),
        "{text}"
    );
}

#[test]
fn a_field_the_old_xrd_does_not_declare_is_left_out_of_the_old_render() {
    // The XR sets a field that only the new XRD declares: the old package never saw it.
    let xr = read("xr.yaml").replace("  legacy: true\n", "  legacy: true\n  replicas: 3\n");
    let old =
        Renderer::from_yaml(&read("compositions.yaml"), Some(&read("definition.yaml"))).unwrap();
    let new = Renderer::from_yaml(
        &read("compositions.yaml"),
        Some(&edited(
            "definition.yaml",
            &[(
                "              legacy:\n",
                "              replicas:\n                type: integer\n              legacy:\n",
            )],
        )),
    )
    .unwrap();
    let plan = Planner::new(old, new)
        .plan_yaml(&xr, &Observed::none())
        .unwrap();
    assert_eq!(plan.fields.len(), 1, "{:?}", plan.fields);
    assert_eq!(
        (
            plan.fields[0].xrd,
            plan.fields[0].path.as_str(),
            plan.fields[0].effect
        ),
        (Side::From, "spec.replicas", FieldEffect::Dropped)
    );
    assert!(
        !plan.has_changes(),
        "what the old XRD dropped is no change the upgrade makes"
    );
}

#[test]
fn the_plan_serializes_with_every_fact_by_name() {
    let plan = plan(&[(r#"version = "1.0.0""#, r#"version = "2.0.0""#)], &[]);
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(
        json["xr"],
        json!({"apiVersion": "example.org/v1", "kind": "Store", "namespace": "team-a", "name": "shop"})
    );
    assert_eq!(json["summary"]["update"], 1);
    let release = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "cache-release")
        .unwrap();
    assert_eq!(release["action"], "update");
    assert_eq!(release["upgrade"]["to"], "2.0.0");
    assert_eq!(
        release["fields"],
        json!([{"path": "spec.forProvider.chart.version", "old": "1.0.0", "new": "2.0.0"}])
    );
}

#[test]
fn a_package_that_cannot_render_the_xr_says_which_package() {
    let old =
        Renderer::from_yaml(&read("compositions.yaml"), Some(&read("definition.yaml"))).unwrap();
    let broken = Renderer::from_yaml(
        &edited(
            "compositions.yaml",
            &[("_name = _xr.metadata.name", "_name = _xr.metadata.nope")],
        ),
        Some(&read("definition.yaml")),
    )
    .unwrap();
    let error = Planner::new(old, broken)
        .plan_yaml(&read("xr.yaml"), &Observed::none())
        .unwrap_err();
    assert_eq!(error.side, Side::To);
    assert!(
        error
            .to_string()
            .starts_with("the new package (--to): Composition `store`, step `compose`:"),
        "{error}"
    );
}
