//! The names the generated code shares with the hand-written part of the composition:
//! where the apps' parameters are read, the list the composed resources are collected in,
//! the schemas that turn a release, an object and a usage into resources, and the
//! attributes the lowering sets on them ([`field`]). The lowering writes these names, and
//! [`crate::resources`] generates schemas that read them.

use crate::ast::Expr;

/// The names the generated code shares with the hand-written part of the composition.
#[derive(Debug, Clone, PartialEq)]
pub struct Conventions {
    /// The expression of the apps parameters of the composite resource.
    pub apps: Expr,
    /// The variable the apps' composed resources are assigned to, as one list.
    pub items: String,
    /// The schema that makes a Helm `Release` from `_name`, `_chart`, `_repository` or
    /// `_url`, `_version` (absent for an archive URL), `_namespace` and `_values`.
    pub release_schema: String,
    /// The schema that makes a Kubernetes `Object` from `_name`, `_externalName`,
    /// `_manifest` and `_retain`.
    pub object_schema: String,
    /// The schema that makes a `Usage` from `_nameSuffix` and `_kind`; `None` composes no
    /// `Usage` at all (else each release and object has one, unless it says otherwise).
    pub usage_schema: Option<String>,
    /// The expression of the composite resource, whose name and namespace templates read
    /// as `{{ xr:name }}` and `{{ xr:namespace }}`.
    pub xr: Expr,
    /// The prefix of app resources' composition names, after the composite's name.
    pub resource_prefix: String,
    /// Where the objects' manifests are: `None` writes each one into the logic, where its
    /// object is composed; `Some(name)` makes them named data, the dict `name` keyed by
    /// object name that [`manifests`](super::manifests) generates, and the logic refers to it.
    pub manifests: Option<String>,
}

impl Default for Conventions {
    /// `oxr.spec.parameters?.apps`, `_appItems`, `release`, `object`, `usage`, `oxr` and
    /// `app-`, manifests in the logic.
    fn default() -> Self {
        Conventions {
            apps: Expr::name("oxr")
                .attr("spec")
                .attr("parameters")
                .attr_opt("apps"),
            items: "_appItems".into(),
            release_schema: "release".into(),
            object_schema: "object".into(),
            usage_schema: Some("usage".into()),
            xr: Expr::name("oxr"),
            resource_prefix: "app-".into(),
            manifests: None,
        }
    }
}

/// The attributes that the lowering sets on the schemas (see [`Conventions`]).
pub mod field {
    /// `release` and `object`: the name the resource is composed under, after the prefix.
    pub const NAME: &str = "_name";
    /// `release`: the chart's name.
    pub const CHART: &str = "_chart";
    /// `release`: a Helm or OCI repository.
    pub const REPOSITORY: &str = "_repository";
    /// `release`: the URL of a chart archive (instead of a repository and version).
    pub const URL: &str = "_url";
    /// `release`: the chart's version.
    pub const VERSION: &str = "_version";
    /// `release`: the namespace the release is installed in.
    pub const NAMESPACE: &str = "_namespace";
    /// `release`: the chart values.
    pub const VALUES: &str = "_values";
    /// `object`: the object's `crossplane.io/external-name`.
    pub const EXTERNAL_NAME: &str = "_externalName";
    /// `object`: the Kubernetes manifest.
    pub const MANIFEST: &str = "_manifest";
    /// `object`: keep the object when the composite resource is deleted.
    pub const RETAIN: &str = "_retain";
    /// `object`: provider-kubernetes references that patch the manifest.
    pub const REFERENCES: &str = "_references";
    /// `usage`: the composed resource the usage is for, after `<xr>-`.
    pub const NAME_SUFFIX: &str = "_nameSuffix";
    /// `usage`: that resource's kind, `Release` or `Object`.
    pub const KIND: &str = "_kind";
}

/// The variable the generated code reads the apps' parameters from
/// ([`Conventions::apps`], assigned once).
pub(crate) const APPS_VAR: &str = "_apps";

/// The variable that holds whether the app `key` is enabled; hand-written KCL reads it too.
pub(crate) fn enabled_var(key: &str) -> String {
    format!("_{key}Enabled")
}
