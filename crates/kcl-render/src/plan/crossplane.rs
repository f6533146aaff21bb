//! What Crossplane does to the real thing behind a composed resource: its identity (kind
//! and external name), what it manages (a Helm release, a Kubernetes object, a protection),
//! and what deleting it does.

use serde::Serialize;
use serde_json::Value;

/// The annotation that holds a managed resource's name outside Kubernetes.
pub const EXTERNAL_NAME: &str = "crossplane.io/external-name";

/// The path of a provider-helm `Release`'s chart version.
pub const CHART_VERSION_PATH: &str = "spec.forProvider.chart.version";

/// The API group of a `apiVersion` (empty for the core group).
pub(crate) fn group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The name of the real thing: the `crossplane.io/external-name` annotation, else
/// `metadata.name` (which Crossplane's managed reconciler copies into the annotation when
/// it is absent). `None` for a resource named by `generateName`, whose name Crossplane
/// makes up.
pub fn external_name(resource: &Value) -> Option<&str> {
    str_at(
        resource,
        "/metadata/annotations/crossplane.io~1external-name",
    )
    .or_else(|| str_at(resource, "/metadata/name"))
}

/// Whether a resource is a provider-helm `Release`.
fn is_helm_release(resource: &Value) -> bool {
    // helm.crossplane.io, or helm.m.crossplane.io for the namespaced kind.
    let group = group(resource["apiVersion"].as_str().unwrap_or(""));
    resource["kind"] == "Release" && group.starts_with("helm.") && group.ends_with("crossplane.io")
}

/// Whether a resource is a provider-kubernetes `Object`.
fn is_kubernetes_object(resource: &Value) -> bool {
    resource["kind"] == "Object"
        && resource.pointer("/spec/forProvider/manifest").is_some()
        && group(resource["apiVersion"].as_str().unwrap_or("")).starts_with("kubernetes.")
}

/// Whether a resource is a Crossplane `Usage` (or `ClusterUsage`).
fn is_usage(resource: &Value) -> bool {
    let group = group(resource["apiVersion"].as_str().unwrap_or(""));
    matches!(resource["kind"].as_str(), Some("Usage" | "ClusterUsage"))
        && matches!(
            group,
            "protection.crossplane.io" | "apiextensions.crossplane.io"
        )
}

/// A Helm release that a provider-helm `Release` installs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmRelease {
    /// The release's name: the external name.
    pub release: String,
    /// The chart (`spec.forProvider.chart.name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
    /// The chart's version (`spec.forProvider.chart.version`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The namespace it is installed in (`spec.forProvider.namespace`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// The Helm release a provider-helm `Release` installs, if it is one.
pub fn helm_release(resource: &Value) -> Option<HelmRelease> {
    if !is_helm_release(resource) {
        return None;
    }
    let version = resource.pointer("/spec/forProvider/chart/version");
    Some(HelmRelease {
        release: external_name(resource).unwrap_or("?").to_owned(),
        chart: str_at(resource, "/spec/forProvider/chart/name").map(str::to_owned),
        version: version.and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }),
        namespace: str_at(resource, "/spec/forProvider/namespace").map(str::to_owned),
    })
}

/// What a composed resource stands for, in a few words: `Release cilium` (a Helm release),
/// `Object Namespace production-stack-system` (the manifest of a provider-kubernetes
/// `Object`), `Usage`, or `<Kind> <external name>`.
pub fn subject(resource: &Value) -> String {
    let kind = resource["kind"].as_str().unwrap_or("?");
    if let Some(release) = helm_release(resource) {
        return format!("Release {}", release.release);
    }
    if is_kubernetes_object(resource) {
        return format!("Object {}", manifest(resource));
    }
    if is_usage(resource) {
        return kind.to_owned();
    }
    match external_name(resource) {
        Some(name) => format!("{kind} {name}"),
        None => kind.to_owned(),
    }
}

/// `<Kind> <namespace>/<name>` of an `Object`'s manifest.
fn manifest(resource: &Value) -> String {
    let manifest = &resource["spec"]["forProvider"]["manifest"];
    let kind = manifest["kind"].as_str().unwrap_or("?");
    let name = match (
        str_at(manifest, "/metadata/namespace"),
        str_at(manifest, "/metadata/name"),
    ) {
        (Some(namespace), Some(name)) => format!("{namespace}/{name}"),
        (None, Some(name)) => name.to_owned(),
        _ => "?".to_owned(),
    };
    format!("{kind} {name}")
}

/// What Crossplane does with the real thing when it deletes a composed resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Deleting the resource deletes what it manages (or, for a resource that manages
    /// nothing outside itself, the resource itself is what is lost).
    Deleted,
    /// The resource is deleted, but what it manages stays, unmanaged.
    Orphaned,
}

/// What deleting a composed resource does, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deletion {
    /// Whether the real thing goes or stays.
    pub outcome: Outcome,
    /// Why it stays: `its managementPolicies lack Delete` or `its deletionPolicy is Orphan`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What happens, in a sentence: `Crossplane deletes the Release; the Helm release
    /// `cilium` stays installed, unmanaged`.
    pub consequence: String,
    /// For a `Usage`: what it stops protecting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unprotects: Option<String>,
}

/// What Crossplane does when a Composition stops composing `resource`: it deletes it; what
/// the resource manages is deleted too unless its `managementPolicies` lack `Delete` (and
/// `*`) or its `deletionPolicy` is `Orphan`. A `Usage` that goes no longer protects what it
/// protected.
pub fn deletion(resource: &Value) -> Deletion {
    let kind = resource["kind"].as_str().unwrap_or("?");
    let policies = resource
        .pointer("/spec/managementPolicies")
        .and_then(Value::as_array)
        .filter(|policies| !policies.is_empty());
    let reason = if policies.is_some_and(|p| !p.iter().any(|p| p == "Delete" || p == "*")) {
        Some("its managementPolicies lack Delete".to_owned())
    } else if resource.pointer("/spec/deletionPolicy") == Some(&Value::from("Orphan")) {
        Some("its deletionPolicy is Orphan".to_owned())
    } else {
        None
    };
    let orphaned = reason.is_some();
    let mut unprotects = None;
    let consequence = if let Some(release) = helm_release(resource) {
        let name = release.release;
        if orphaned {
            format!(
                "Crossplane deletes the Release; the Helm release `{name}` stays installed, unmanaged"
            )
        } else {
            format!("Crossplane deletes the Release, which uninstalls the Helm release `{name}`")
        }
    } else if is_kubernetes_object(resource) {
        let manifest = manifest(resource);
        let (kind, name) = manifest.split_once(' ').unwrap_or((&manifest, ""));
        if orphaned {
            format!(
                "Crossplane deletes the Object; the {kind} `{name}` stays in the cluster, unmanaged"
            )
        } else {
            format!(
                "Crossplane deletes the Object, which deletes the {kind} `{name}` from the cluster"
            )
        }
    } else if is_usage(resource) {
        let protected = reference(&resource["spec"]["of"]);
        let by = reference(&resource["spec"]["by"]);
        unprotects.clone_from(&protected);
        let protected =
            protected.map_or_else(|| "what it protected".to_owned(), |p| format!("the {p}"));
        match by {
            Some(by) => format!(
                "Crossplane deletes the {kind}: {protected} is no longer protected from \
                 deletion while the {by} uses it"
            ),
            None => format!(
                "Crossplane deletes the {kind}: {protected} is no longer protected from deletion"
            ),
        }
    } else if resource.pointer("/spec/forProvider").is_some() {
        let name = external_name(resource)
            .map(|name| format!(" `{name}`"))
            .unwrap_or_default();
        if orphaned {
            format!(
                "Crossplane deletes the {kind}; the external resource{name} it manages stays, unmanaged"
            )
        } else {
            format!(
                "Crossplane deletes the {kind}, and with it the external resource{name} it manages"
            )
        }
    } else if orphaned {
        format!("Crossplane deletes the {kind}; what it manages stays, unmanaged")
    } else {
        match str_at(resource, "/metadata/name") {
            Some(name) => format!("Crossplane deletes the {kind} `{name}`"),
            None => format!("Crossplane deletes the {kind}"),
        }
    };
    Deletion {
        outcome: if orphaned {
            Outcome::Orphaned
        } else {
            Outcome::Deleted
        },
        reason,
        consequence,
        unprotects,
    }
}

/// ``<Kind> `<name>` `` of a Usage's `of` or `by`.
fn reference(of: &Value) -> Option<String> {
    let kind = of["kind"].as_str()?;
    Some(match str_at(of, "/resourceRef/name") {
        Some(name) => format!("{kind} `{name}`"),
        None => match of
            .pointer("/resourceSelector/matchLabels")
            .and_then(Value::as_object)
        {
            Some(labels) if !labels.is_empty() => {
                let labels: Vec<String> = labels
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                    .collect();
                format!("{kind} selected by {}", labels.join(", "))
            }
            _ => kind.to_owned(),
        },
    })
}
