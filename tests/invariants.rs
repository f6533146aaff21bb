//! What holds for every render of the matrix, whatever the snapshots say: names, usages,
//! provider configs, pins, and which app resources exist (computed independently from the
//! registry and the scenario's parameters).

use std::collections::{BTreeMap, BTreeSet};

use dot_kubernetes_apps::{Provider, registry};
use kcl_apps::AppSpec;
use kcl_apps::app::Condition;
use serde_json::{Value, json};

use crate::common::{Case, RESOURCE_NAME, check_every_case, managed_cluster, resource_name};

const HELM: &str = "helm.m.crossplane.io/v1beta1";
const KUBERNETES: &str = "kubernetes.m.crossplane.io/v1alpha1";

fn annotation<'a>(item: &'a Value, name: &str) -> Option<&'a str> {
    item.pointer("/metadata/annotations")
        .and_then(|a| a.get(name))
        .and_then(Value::as_str)
}

fn is_non_empty_string(value: &Value) -> bool {
    value.as_str().is_some_and(|s| !s.is_empty())
}

fn metadata_name(item: &Value) -> &str {
    item.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The app releases and objects declared without a `Usage` (as deployed, the vLLM
/// operator's objects), by name.
fn unprotected_resources() -> BTreeSet<String> {
    let apps = registry();
    let releases = (apps.iter().flat_map(|app| &app.releases))
        .filter(|release| !release.usage)
        .map(|release| release.name.clone());
    let objects = (apps.iter().flat_map(|app| &app.objects))
        .filter(|object| !object.usage)
        .map(|object| object.name.clone());
    releases.chain(objects).collect()
}

/// Releases and Objects that must keep the managed cluster alive: the apps' resources
/// (but those declared without a usage), the secrets copied by External Secrets, Cilium
/// and the copied credentials.
fn protected<'a>(case: &Case, items: &'a [Value]) -> Vec<&'a Value> {
    let xr = case.xr();
    let app_prefix = format!("{xr}-app-");
    let secret_prefix = format!("{xr}-secret-");
    let singles = [format!("{xr}-creds")];
    let unprotected = unprotected_resources();
    items
        .iter()
        .filter(|item| item["kind"] == "Release" || item["kind"] == "Object")
        .filter(|item| {
            resource_name(item).is_some_and(|name| {
                let app_part = name.strip_prefix(&app_prefix);
                app_part.is_some_and(|part| !unprotected.contains(part))
                    || name.starts_with(&secret_prefix)
                    || singles.iter().any(|s| s == name)
            })
        })
        .collect()
}

#[test]
fn every_item_has_a_composition_resource_name_unique_in_its_render() {
    check_every_case(|_, items, problems| {
        let mut seen = BTreeSet::new();
        for (i, item) in items.iter().enumerate() {
            match resource_name(item) {
                None => problems.push(format!(
                    "item {i} ({} {}) has no {RESOURCE_NAME} annotation",
                    item["kind"],
                    metadata_name(item)
                )),
                Some(name) if !seen.insert(name) => {
                    problems.push(format!("`{name}` is the composition name of two items"))
                }
                Some(_) => {}
            }
        }
    });
}

#[test]
fn every_app_release_and_object_has_exactly_one_usage() {
    check_every_case(|case, items, problems| {
        let usages: Vec<&Value> = items.iter().filter(|i| i["kind"] == "Usage").collect();
        for resource in protected(case, items) {
            let name = metadata_name(resource);
            let composition_name = resource_name(resource).unwrap_or("");
            // Cilium keeps its deployed key, `<xr>-app-cilium`, beside the name `<xr>-cilium`.
            let cilium = composition_name == format!("{}-app-cilium", case.xr());
            if name != composition_name && !cilium {
                problems.push(format!(
                    "`{composition_name}` is named `{name}` in its metadata"
                ));
            }
            let by: Vec<&&Value> = usages
                .iter()
                .filter(|u| u.pointer("/spec/by/resourceRef/name") == Some(&json!(name)))
                .collect();
            let [usage] = by.as_slice() else {
                problems.push(format!("`{name}` has {} usages, not one", by.len()));
                continue;
            };
            let suffix = name
                .strip_prefix(&format!("{}-", case.xr()))
                .unwrap_or(name);
            let expected_name = format!("{}-{suffix}-usage", case.xr());
            if metadata_name(usage) != expected_name
                || resource_name(usage) != Some(expected_name.as_str())
            {
                problems.push(format!(
                    "the usage of `{name}` is `{}` (composition name {:?}), not `{expected_name}`",
                    metadata_name(usage),
                    resource_name(usage)
                ));
            }
            if usage["apiVersion"] != "protection.crossplane.io/v1beta1" {
                problems.push(format!(
                    "the usage of `{name}` is a {}",
                    usage["apiVersion"]
                ));
            }
            if annotation(usage, "krm.kcl.dev/ready") != Some("True") {
                problems.push(format!("the usage of `{name}` is not ready: \"True\""));
            }
            if annotation(usage, "crossplane.io/external-name") != Some(expected_name.as_str()) {
                problems.push(format!(
                    "the usage of `{name}` is not externally named `{expected_name}`"
                ));
            }
            let expected_by = (&resource["apiVersion"], &resource["kind"]);
            if (
                &usage["spec"]["by"]["apiVersion"],
                &usage["spec"]["by"]["kind"],
            ) != expected_by
            {
                problems.push(format!(
                    "the usage of `{name}` is by {} {}, but it is a {} {}",
                    usage["spec"]["by"]["apiVersion"],
                    usage["spec"]["by"]["kind"],
                    resource["apiVersion"],
                    resource["kind"]
                ));
            }
        }
    });
}

#[test]
fn every_usage_is_by_an_existing_resource() {
    check_every_case(|_, items, problems| {
        for usage in items.iter().filter(|i| i["kind"] == "Usage") {
            let by = &usage["spec"]["by"];
            let exists = items.iter().any(|item| {
                item["kind"] == by["kind"]
                    && item["apiVersion"] == by["apiVersion"]
                    && item.pointer("/metadata/name") == by.pointer("/resourceRef/name")
            });
            if !exists {
                problems.push(format!(
                    "usage `{}` is by {by}, which is not in the render",
                    metadata_name(usage)
                ));
            }
        }
    });
}

#[test]
fn every_usage_is_of_the_providers_managed_cluster() {
    check_every_case(|case, items, problems| {
        let (api_version, kind) = managed_cluster(case.provider);
        let expected =
            json!({"apiVersion": api_version, "kind": kind, "resourceRef": {"name": case.xr()}});
        for usage in items.iter().filter(|i| i["kind"] == "Usage") {
            if usage["spec"]["of"] != expected {
                problems.push(format!(
                    "usage `{}` is of {}, not {expected}",
                    metadata_name(usage),
                    usage["spec"]["of"]
                ));
            }
        }
    });
}

#[test]
fn no_cluster_placeholder_is_left() {
    check_every_case(|case, _, problems| {
        let text = case.text();
        for placeholder in [
            Provider::CLUSTER_API_VERSION_PLACEHOLDER,
            Provider::CLUSTER_KIND_PLACEHOLDER,
        ] {
            if text.contains(placeholder) {
                problems.push(format!("`{placeholder}` is left in the render"));
            }
        }
    });
}

#[test]
fn every_release_is_pinned_namespaced_and_installed_through_the_clusters_provider_config() {
    check_every_case(|case, items, problems| {
        for release in items.iter().filter(|i| i["kind"] == "Release") {
            let name = metadata_name(release);
            let for_provider = &release["spec"]["forProvider"];
            if release["apiVersion"] != HELM {
                problems.push(format!("release `{name}` is a {}", release["apiVersion"]));
            }
            if !is_non_empty_string(&for_provider["chart"]["name"]) {
                problems.push(format!("release `{name}` has no chart.name"));
            }
            let chart = &for_provider["chart"];
            let repository = chart["repository"].as_str();
            let url = chart["url"].as_str();
            let version = chart["version"].as_str().filter(|v| !v.is_empty());
            match (repository, url, version) {
                // A repository (https or OCI) and the version to pull from it.
                (Some(_), None, Some(_)) => {}
                // A chart archive whose name is the pin.
                (None, Some(url), None) if url.starts_with("https://") && url.ends_with(".tgz") => {
                }
                _ => problems.push(format!(
                    "release `{name}` has chart.repository {repository:?}, chart.url {url:?} and \
                     chart.version {version:?}: a repository with a version, or an archive URL"
                )),
            }
            if !is_non_empty_string(&for_provider["namespace"]) {
                problems.push(format!("release `{name}` has no namespace"));
            }
            let config = &release["spec"]["providerConfigRef"];
            if config != &json!({"name": case.xr(), "kind": "ProviderConfig"}) {
                problems.push(format!(
                    "release `{name}` uses the provider config {config}"
                ));
            }
            if release["spec"]["rollbackLimit"] != 3 {
                problems.push(format!("release `{name}` has no rollbackLimit 3"));
            }
        }
        let app_prefix = format!("{}-app-", case.xr());
        for release in items.iter().filter(|i| i["kind"] == "Release") {
            let name = metadata_name(release);
            let Some(release_name) = name.strip_prefix(&app_prefix) else {
                continue;
            };
            if annotation(release, "crossplane.io/external-name") != Some(release_name) {
                problems.push(format!(
                    "release `{name}` is not named `{release_name}` in the cluster"
                ));
            }
            if release["spec"]["managementPolicies"] != json!(["Create", "Update", "Observe"]) {
                problems.push(format!(
                    "release `{name}` has the management policies {}",
                    release["spec"]["managementPolicies"]
                ));
            }
        }
    });
}

#[test]
fn every_oci_release_pins_the_tag_that_the_helm_provider_pulls() {
    // The Helm provider pulls `<repository>/<name>:<version>` for an OCI repository, but the
    // newest chart for an untagged `oci://` URL, whatever `version` says.
    let mut oci = 0;
    check_every_case(|_, items, problems| {
        for release in items.iter().filter(|i| i["kind"] == "Release") {
            let chart = &release["spec"]["forProvider"]["chart"];
            let name = metadata_name(release);
            if let Some(url) = chart["url"].as_str().filter(|u| u.starts_with("oci://")) {
                let tagged = url
                    .rsplit('/')
                    .next()
                    .is_some_and(|last| last.contains(':'));
                if !tagged {
                    problems.push(format!("release `{name}` pulls the untagged {url}"));
                }
            }
            if chart["repository"]
                .as_str()
                .is_some_and(|r| r.starts_with("oci://"))
            {
                oci += 1;
                let name_ok = is_non_empty_string(&chart["name"]);
                let tag_ok = chart["version"]
                    .as_str()
                    .is_some_and(|v| !v.is_empty() && !v.contains([':', '@', '/']));
                if !name_ok || !tag_ok || chart.get("url").is_some() {
                    problems.push(format!("release `{name}` does not pin an OCI tag: {chart}"));
                }
            }
        }
    });
    let declared = registry()
        .iter()
        .flat_map(|app| &app.releases)
        .filter(|r| matches!(r.source, kcl_apps::app::ChartSource::Oci(_)))
        .count();
    assert!(
        declared > 0 && oci >= declared,
        "the OCI releases are rendered: {oci}"
    );
}

#[test]
fn every_app_object_carries_its_declared_external_name() {
    // The registry's external name, else the manifest's name (the hand-written secret
    // store is named after the provider, which is also its manifest's name).
    let declared: BTreeMap<String, String> = registry()
        .iter()
        .flat_map(|app| &app.objects)
        .filter_map(|o| Some((o.name.clone(), o.external_name.clone()?)))
        .collect();
    check_every_case(|case, items, problems| {
        let app_prefix = format!("{}-app-", case.xr());
        for object in items.iter().filter(|i| i["kind"] == "Object") {
            let name = metadata_name(object);
            if object["apiVersion"] != KUBERNETES {
                problems.push(format!("object `{name}` is a {}", object["apiVersion"]));
            }
            let config = &object["spec"]["providerConfigRef"];
            if config != &json!({"name": case.xr(), "kind": "ProviderConfig"}) {
                problems.push(format!("object `{name}` uses the provider config {config}"));
            }
            let Some(part) = name.strip_prefix(&app_prefix) else {
                continue;
            };
            let manifest_name = object
                .pointer("/spec/forProvider/manifest/metadata/name")
                .and_then(Value::as_str);
            let expected = declared.get(part).map(String::as_str).or(manifest_name);
            if expected.is_none() || annotation(object, "crossplane.io/external-name") != expected {
                problems.push(format!(
                    "object `{name}`: the external name {:?} is not {expected:?}",
                    annotation(object, "crossplane.io/external-name")
                ));
            }
        }
    });
}

#[test]
fn cilium_is_installed_exactly_off_aws() {
    check_every_case(|case, items, problems| {
        let cilium_name = format!("{}-app-cilium", case.xr());
        let cilium: Vec<&Value> = items
            .iter()
            .filter(|i| resource_name(i) == Some(cilium_name.as_str()))
            .collect();
        let wanted = case.provider != Provider::Aws;
        if cilium.len() != usize::from(wanted) {
            problems.push(format!(
                "{} Cilium releases; expected {}",
                cilium.len(),
                usize::from(wanted)
            ));
        }
        for release in cilium {
            let for_provider = &release["spec"]["forProvider"];
            let chart = &for_provider["chart"];
            if release["kind"] != "Release"
                || metadata_name(release) != format!("{}-cilium", case.xr())
                || chart["name"] != "cilium"
                || chart["repository"] != "https://helm.cilium.io"
                || !is_non_empty_string(&chart["version"])
                || for_provider["namespace"] != "kube-system"
                || annotation(release, "crossplane.io/external-name") != Some("cilium")
            {
                problems.push(format!("Cilium is not the contract's release: {release}"));
            }
            if for_provider["set"].as_array().is_none_or(Vec::is_empty) {
                problems.push("Cilium has no `set` values".into());
            }
        }
    });
}

#[test]
fn provider_configs_reach_the_cluster_with_its_kubeconfig_and_google_identity() {
    check_every_case(|case, items, problems| {
        let xr = case.xr();
        let credentials = json!({
            "source": "Secret",
            "secretRef": {"name": format!("{xr}-cluster"), "namespace": "a-team", "key": "kubeconfig"},
        });
        let identity = json!({
            "type": "GoogleApplicationCredentials",
            "source": "Secret",
            "secretRef": {"name": "gcp-creds", "namespace": "crossplane-system", "key": "creds"},
        });
        let mut with_identity = json!({"credentials": credentials});
        if case.provider == Provider::Google {
            with_identity["identity"] = identity;
        }
        let expected = [
            (
                format!("{xr}-config-helm"),
                HELM,
                xr.to_owned(),
                with_identity.clone(),
            ),
            (
                format!("{xr}-config-helm-local"),
                HELM,
                format!("{xr}-local"),
                json!({"credentials": {"source": "InjectedIdentity"}}),
            ),
            (
                format!("{xr}-config-kubernetes"),
                KUBERNETES,
                xr.to_owned(),
                with_identity,
            ),
        ];
        let configs: Vec<&Value> = items
            .iter()
            .filter(|i| i["kind"] == "ProviderConfig")
            .collect();
        if configs.len() != expected.len() {
            problems.push(format!(
                "{} ProviderConfigs, not {}",
                configs.len(),
                expected.len()
            ));
        }
        for (composition_name, api_version, name, spec) in expected {
            let Some(config) = configs
                .iter()
                .find(|c| resource_name(c) == Some(composition_name.as_str()))
            else {
                problems.push(format!("no ProviderConfig `{composition_name}`"));
                continue;
            };
            if config["apiVersion"] != api_version
                || metadata_name(config) != name
                || config["spec"] != spec
                || annotation(config, "krm.kcl.dev/ready") != Some("True")
            {
                problems.push(format!(
                    "ProviderConfig `{composition_name}` is not a ready {api_version} `{name}` \
                     with spec {spec}: {config}"
                ));
            }
        }
    });
}

#[test]
fn namespaces_and_credentials_are_copied_as_the_parameters_say() {
    check_every_case(|case, items, problems| {
        let xr = case.xr();
        let parameters = &case.scenario.parameters;
        let namespaces: Vec<String> = match parameters.get("namespaces") {
            None | Some(Value::Null) => vec!["dev".into(), "production".into()],
            Some(list) => serde_json::from_value(list.clone()).expect("namespaces are strings"),
        };
        let prefix = format!("{xr}-ns-");
        let actual: Vec<&str> = items
            .iter()
            .filter_map(resource_name)
            .filter_map(|n| n.strip_prefix(&prefix))
            .collect();
        if actual != namespaces {
            problems.push(format!("namespaces {actual:?}, expected {namespaces:?}"));
        }
        for namespace in &namespaces {
            let object = items
                .iter()
                .find(|i| resource_name(i) == Some(format!("{prefix}{namespace}").as_str()));
            let manifest = object.and_then(|o| o.pointer("/spec/forProvider/manifest"));
            if manifest
                != Some(
                    &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}),
                )
            {
                problems.push(format!(
                    "namespace `{namespace}` is not a Namespace: {manifest:?}"
                ));
            }
        }
        let creds = parameters.get("creds").filter(|c| !c.is_null());
        let copied = items
            .iter()
            .any(|i| resource_name(i) == Some(format!("{xr}-creds").as_str()));
        if creds.is_some() != copied {
            problems.push(format!(
                "creds {creds:?}, but the copy is present: {copied}"
            ));
        }
    });
}

/// The app's parameters in a scenario, nulls counting as absent.
fn app_parameters<'a>(parameters: &'a Value, key: &str) -> Option<&'a Value> {
    parameters
        .get("apps")
        .and_then(|apps| apps.get(key))
        .filter(|app| app.is_object())
}

/// Whether an app is asked for, or required by an app that is enabled.
fn enabled(parameters: &Value, apps: &[AppSpec], key: &str) -> bool {
    let asked =
        app_parameters(parameters, key).and_then(|app| app.get("enabled")) == Some(&json!(true));
    asked
        || apps
            .iter()
            .filter(|app| app.requires.iter().any(|r| r == key))
            .any(|app| enabled(parameters, apps, &app.key))
}

/// A field of the app's parameters: its value, else its schema default.
fn field<'a>(parameters: &'a Value, app: &'a AppSpec, path: &[String]) -> Option<&'a Value> {
    let mut value = app_parameters(parameters, &app.key);
    let mut schema = Some(app.parameters.as_value());
    for part in path {
        value = value.and_then(|v| v.get(part)).filter(|v| !v.is_null());
        schema = schema
            .and_then(|s| s.get("properties"))
            .and_then(|p| p.get(part));
    }
    assert!(
        schema.is_some(),
        "app `{}` has no parameter `{}`",
        app.key,
        path.join(".")
    );
    let default = schema.and_then(|s| s.get("default"));
    value.or(default)
}

fn holds(parameters: &Value, apps: &[AppSpec], app: &AppSpec, when: Option<&Condition>) -> bool {
    match when {
        None => true,
        Some(Condition::AppEnabled(key)) => enabled(parameters, apps, key),
        Some(Condition::Field(path)) => field(parameters, app, path) == Some(&json!(true)),
        Some(Condition::FieldIs { path, value }) => field(parameters, app, path) == Some(value),
    }
}

/// The app resources (`<xr>-app-...`, Usages left out) a scenario must have, by app.
fn expected_app_resources(case: &Case, apps: &[AppSpec]) -> BTreeMap<String, String> {
    let parameters = &case.scenario.parameters;
    let mut expected = BTreeMap::new();
    for app in apps
        .iter()
        .filter(|app| enabled(parameters, apps, &app.key))
    {
        let releases = app
            .releases
            .iter()
            .filter(|r| holds(parameters, apps, app, r.when.as_ref()))
            .map(|r| &r.name);
        let objects = app
            .objects
            .iter()
            .filter(|o| holds(parameters, apps, app, o.when.as_ref()))
            .map(|o| &o.name);
        for name in releases.chain(objects) {
            expected.insert(format!("{}-app-{name}", case.xr()), app.key.clone());
        }
    }
    // The hand-written part of External Secrets: the store.
    let external_secrets = app_parameters(parameters, "externalSecrets");
    if enabled(parameters, apps, "externalSecrets")
        && external_secrets.and_then(|e| e.get("store")) == Some(&json!(true))
    {
        expected.insert(
            format!("{}-app-secret-store", case.xr()),
            "externalSecrets".into(),
        );
    }
    expected
}

#[test]
fn every_listed_secret_is_copied_as_deployed_whether_or_not_external_secrets_is_enabled() {
    check_every_case(|case, items, problems| {
        let secrets = app_parameters(&case.scenario.parameters, "externalSecrets")
            .and_then(|e| e.get("secrets"))
            .and_then(Value::as_array);
        let expected: Vec<String> = secrets
            .into_iter()
            .flatten()
            .map(|s| {
                format!(
                    "{}-secret-{}",
                    case.xr(),
                    s["toSecret"].as_str().unwrap_or("")
                )
            })
            .collect();
        let prefix = format!("{}-secret-", case.xr());
        let actual: Vec<&str> = items
            .iter()
            .filter(|i| i["kind"] == "Object")
            .filter_map(resource_name)
            .filter(|n| n.starts_with(&prefix))
            .collect();
        if actual != expected {
            problems.push(format!("copied secrets {actual:?}, expected {expected:?}"));
        }
    });
}

#[test]
fn an_apps_resources_exist_exactly_when_it_is_enabled_or_required_and_their_condition_holds() {
    let apps = registry();
    check_every_case(|case, _, problems| {
        let expected = expected_app_resources(case, &apps);
        let actual: BTreeSet<&str> = case.app_resource_names().into_iter().collect();
        for (name, app) in &expected {
            if !actual.contains(name.as_str()) {
                problems.push(format!("`{name}` of app `{app}` is missing"));
            }
        }
        for name in &actual {
            if !expected.contains_key(*name) {
                problems.push(format!("`{name}` is there but no enabled app asks for it"));
            }
        }
    });
}

#[test]
fn the_expected_app_resources_cover_every_release_and_object_of_the_registry() {
    // Guards the test above: the matrix must switch every part of every app on somewhere.
    let apps = registry();
    let mut seen = BTreeSet::new();
    for case in crate::common::matrix() {
        for name in expected_app_resources(case, &apps).into_keys() {
            let part = name
                .strip_prefix(&format!("{}-app-", case.xr()))
                .map(str::to_owned);
            seen.extend(part);
        }
    }
    let parts: Vec<&String> = apps
        .iter()
        .flat_map(|app| {
            app.releases
                .iter()
                .map(|r| &r.name)
                .chain(app.objects.iter().map(|o| &o.name))
        })
        .filter(|name| !seen.contains(*name))
        .collect();
    assert!(parts.is_empty(), "no scenario enables {parts:?}");
}
