//! Lowering apps to KCL: the pins, the enabled flags and one block per app of a
//! composition, the objects' manifests, the data dicts and the XRD properties.
//!
//! The generated composition code relies on a few names it shares with the hand-written
//! part of the composition (see [`Conventions`]): the list the composed resources are
//! collected in, and the schemas that turn a release, an object and a usage into the
//! resources Crossplane expects. [`crate::resources`] generates those schemas from the
//! same names; a composition may write its own instead.
//!
//! The apps are checked first (`check`), each with its parameters schema compiled once
//! (`parameters`); their values and templates are lowered by `values`.

mod check;
pub(crate) mod conventions;
mod error;
mod parameters;
mod values;

pub use conventions::Conventions;
pub use error::{ComposeError, ComposeErrorKind, TemplateOrigin};
pub use parameters::is_truthy;

use std::collections::BTreeSet;

use serde_json::Value;

use crate::app::{ARCHIVE_VERSION, AppSpec, ChartSource, Condition, Object, Release};
use crate::ast::{BinOp, Entry, Expr, IfChain, ListItem, Module, Stmt};
use crate::schema;
use conventions::{APPS_VAR, enabled_var, field};
use error::{ComposeErrorKind::*, error};
use parameters::Parameters;
use values::{template_expr, values_expr};

/// The pins: one variable per release and per image, each with the comment a dependency
/// bot reads.
pub fn pins(apps: &[AppSpec]) -> Module {
    let mut body = Vec::new();
    for app in apps {
        for release in &app.releases {
            body.push(Stmt::Comment(renovate_comment(release)));
            body.push(Stmt::assign(
                release.pin.clone(),
                Expr::str(release.version.clone()),
            ));
        }
        for image in &app.images {
            body.push(Stmt::Comment(format!(
                "renovate: datasource=docker depName={}",
                image.repository
            )));
            body.push(Stmt::assign(
                image.pin.clone(),
                Expr::str(image.tag.clone()),
            ));
        }
    }
    Module { body }
}

/// `renovate: datasource=... depName=... [registryUrl=...]` for a release's chart.
fn renovate_comment(release: &Release) -> String {
    match &release.source {
        ChartSource::Repository(repository) => format!(
            "renovate: datasource=helm depName={} registryUrl={}",
            release.chart, repository
        ),
        ChartSource::Oci(repository) => format!(
            "renovate: datasource=docker depName={}/{}",
            repository.trim_start_matches("oci://"),
            release.chart
        ),
        ChartSource::Archive(url) => format!(
            "renovate: datasource=helm depName={} registryUrl={}",
            release.chart,
            url.rsplit_once('/').map_or(url.as_str(), |(dir, _)| dir)
        ),
    }
}

/// The apps part of the composition: which apps are enabled, then one list of every
/// enabled app's releases, objects and usages.
///
/// The list is one expression, assigned once: KCL 0.12 can evaluate a top-level list that
/// is extended by several `+=` statements more than once, composing duplicates.
pub fn apps_block(apps: &[AppSpec], conventions: &Conventions) -> Result<Module, ComposeError> {
    let checked = check::apps(apps)?;
    let mut body = vec![
        Stmt::assign(APPS_VAR, conventions.apps.clone()),
        Stmt::Comment(
            "An app is enabled when asked for, or when an enabled app requires it.".into(),
        ),
    ];
    for app in enabled_order(apps)? {
        for part in &app.hand_written {
            body.push(Stmt::Comment(format!(
                "{} continues by hand in {}: {}",
                app.key, part.file, part.what
            )));
        }
        body.push(Stmt::assign(enabled_var(&app.key), enabled_expr(app, apps)));
    }
    let mut items = Vec::new();
    for app in &checked {
        items.push(ListItem::If(IfChain {
            branches: vec![(
                Expr::name(enabled_var(&app.app.key)),
                app_items(app, conventions)?,
            )],
            orelse: None,
        }));
    }
    body.push(Stmt::Blank);
    body.push(Stmt::assign(conventions.items.clone(), Expr::List(items)));
    Ok(Module { body })
}

/// The apps in an order where every app comes after all the apps that require it, so that
/// each enabled flag can read theirs. A cycle is an error.
fn enabled_order(apps: &[AppSpec]) -> Result<Vec<&AppSpec>, ComposeError> {
    let mut order: Vec<&AppSpec> = Vec::with_capacity(apps.len());
    let mut placed = BTreeSet::new();
    while order.len() < apps.len() {
        let ready = apps.iter().find(|app| {
            !placed.contains(app.key.as_str())
                && requirers(app, apps).all(|r| placed.contains(r.key.as_str()))
        });
        match ready {
            Some(app) => {
                placed.insert(app.key.as_str());
                order.push(app);
            }
            None => {
                let stuck = apps
                    .iter()
                    .find(|a| !placed.contains(a.key.as_str()))
                    .map_or("", |a| a.key.as_str());
                return Err(error(stuck, RequirementCycle));
            }
        }
    }
    Ok(order)
}

fn requirers<'a>(app: &'a AppSpec, apps: &'a [AppSpec]) -> impl Iterator<Item = &'a AppSpec> {
    apps.iter()
        .filter(|other| other.requires.contains(&app.key))
}

/// `_apps?.<key>?.enabled == True or _<requirer>Enabled ...`
fn enabled_expr(app: &AppSpec, apps: &[AppSpec]) -> Expr {
    requirers(app, apps).fold(
        parameters::read(&app.key, &["enabled"]).binary(BinOp::Eq, Expr::Bool(true)),
        |expr, requirer| expr.binary(BinOp::Or, Expr::name(enabled_var(&requirer.key))),
    )
}

/// The list items one app appends: its releases and objects, each followed by its usage,
/// conditional ones inside `if` items.
fn app_items(app: &Parameters, conventions: &Conventions) -> Result<Vec<ListItem>, ComposeError> {
    let mut items = Vec::new();
    for release in &app.app.releases {
        let mut resource = vec![ListItem::Expr(release_expr(app, release, conventions)?)];
        if release.usage {
            resource.extend(usage_expr(&release.name, "Release", conventions));
        }
        items.extend(guarded(app, release.when.as_ref(), resource)?);
    }
    for object in &app.app.objects {
        let mut resource = vec![ListItem::Expr(object_expr(app, object, conventions)?)];
        if object.usage {
            resource.extend(usage_expr(&object.name, "Object", conventions));
        }
        items.extend(guarded(app, object.when.as_ref(), resource)?);
    }
    Ok(merge_guards(items))
}

/// The items with adjacent `if`s that test the same condition (and have no `else`) merged
/// into one, as a hand-written list would have them.
fn merge_guards(items: Vec<ListItem>) -> Vec<ListItem> {
    let mut merged: Vec<ListItem> = Vec::with_capacity(items.len());
    for item in items {
        if let (Some(ListItem::If(last)), ListItem::If(next)) = (merged.last_mut(), &item)
            && let ([(cond, body)], None, [(next_cond, next_body)], None) = (
                last.branches.as_mut_slice(),
                &last.orelse,
                next.branches.as_slice(),
                &next.orelse,
            )
            && cond == next_cond
        {
            body.extend(next_body.iter().cloned());
            continue;
        }
        merged.push(item);
    }
    merged
}

fn guarded(
    app: &Parameters,
    when: Option<&Condition>,
    items: Vec<ListItem>,
) -> Result<Vec<ListItem>, ComposeError> {
    Ok(match when {
        None => items,
        Some(condition) => vec![ListItem::If(IfChain {
            branches: vec![(app.condition(condition)?, items)],
            orelse: None,
        })],
    })
}

fn release_expr(
    app: &Parameters,
    release: &Release,
    conventions: &Conventions,
) -> Result<Expr, ComposeError> {
    let mut body = vec![
        Entry::pair(field::NAME, Expr::str(release.name.clone())),
        Entry::pair(field::CHART, Expr::str(release.chart.clone())),
    ];
    match &release.source {
        ChartSource::Repository(url) | ChartSource::Oci(url) => {
            body.push(Entry::pair(field::REPOSITORY, Expr::str(url.clone())));
            body.push(Entry::pair(field::VERSION, Expr::name(release.pin.clone())));
        }
        // The archive's name is the pin; a `version` beside a URL would only be compared
        // with what is deployed.
        ChartSource::Archive(url) => {
            body.push(Entry::pair(field::URL, archive_expr(url, &release.pin)))
        }
    }
    body.push(Entry::pair(
        field::NAMESPACE,
        Expr::str(release.namespace.clone()),
    ));
    if !release.values.is_empty() {
        let values = values_expr(app, &release.values, &conventions.xr)?.with_dotted_keys();
        body.push(Entry::pair(field::VALUES, values));
    }
    Ok(Expr::Schema {
        name: conventions.release_schema.clone(),
        body,
    })
}

/// `"https://example.com/redis-" + redis + ".tgz"` for `https://example.com/redis-{version}.tgz`.
fn archive_expr(url: &str, pin: &str) -> Expr {
    let mut parts = url.split(ARCHIVE_VERSION);
    let first = Expr::str(parts.next().unwrap_or_default());
    parts.fold(first, |expr, rest| {
        let expr = expr.binary(BinOp::Add, Expr::name(pin));
        if rest.is_empty() {
            expr
        } else {
            expr.binary(BinOp::Add, Expr::str(rest))
        }
    })
}

fn object_expr(
    app: &Parameters,
    object: &Object,
    conventions: &Conventions,
) -> Result<Expr, ComposeError> {
    let external_name = match &object.external_name {
        Some(name) => Expr::str(name.clone()),
        None => {
            let name = object.manifest.pointer("/metadata/name").ok_or_else(|| {
                error(
                    &app.app.key,
                    NoMetadataName {
                        object: object.name.clone(),
                    },
                )
            })?;
            template_expr(app, name, &conventions.xr)?
        }
    };
    let manifest = match &conventions.manifests {
        None => manifest_expr(app, object, conventions)?,
        // [`manifests`] writes it there.
        Some(manifests) => Expr::Index {
            value: Box::new(Expr::name(manifests.clone())),
            index: Box::new(Expr::str(object.name.clone())),
            null_safe: false,
        },
    };
    let mut body = vec![
        Entry::pair(field::NAME, Expr::str(object.name.clone())),
        Entry::pair(field::EXTERNAL_NAME, external_name),
        Entry::pair(field::MANIFEST, manifest),
    ];
    if object.retain {
        body.push(Entry::pair(field::RETAIN, Expr::Bool(true)));
    }
    Ok(Expr::Schema {
        name: conventions.object_schema.clone(),
        body,
    })
}

/// An object's manifest as KCL, its one-entry chains as dotted keys.
fn manifest_expr(
    app: &Parameters,
    object: &Object,
    conventions: &Conventions,
) -> Result<Expr, ComposeError> {
    Ok(template_expr(app, &object.manifest, &conventions.xr)?.with_dotted_keys())
}

/// The objects' manifests as named data, `<manifests> = {<object name> = <manifest>}`,
/// when [`Conventions::manifests`] names the dict (and nothing otherwise): the apps block
/// refers to it, so that large manifests do not stand in the logic.
pub fn manifests(apps: &[AppSpec], conventions: &Conventions) -> Result<Module, ComposeError> {
    let Some(name) = &conventions.manifests else {
        return Ok(Module::default());
    };
    let checked = check::apps(apps)?;
    let mut entries = Vec::new();
    for app in &checked {
        for object in &app.app.objects {
            entries.push(Entry::pair(
                object.name.clone(),
                manifest_expr(app, object, conventions)?,
            ));
        }
    }
    Ok(Module {
        body: vec![
            Stmt::Comment("The manifests of the apps' objects, by object name.".into()),
            Stmt::assign(name.clone(), Expr::Dict(entries)),
        ],
    })
}

/// The usage of a resource, unless the composition composes none.
fn usage_expr(name: &str, kind: &str, conventions: &Conventions) -> Option<ListItem> {
    let schema = conventions.usage_schema.clone()?;
    Some(ListItem::Expr(Expr::Schema {
        name: schema,
        body: vec![
            Entry::pair(
                field::NAME_SUFFIX,
                Expr::str(format!("{}{name}", conventions.resource_prefix)),
            ),
            Entry::pair(field::KIND, Expr::str(kind)),
        ],
    }))
}

/// The data dicts of the apps: `app<Key> = {...}` per app, in the dot format of
/// [`schema::data_dict`].
pub fn data_dicts(apps: &[AppSpec]) -> Result<Module, ComposeError> {
    let mut body = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        if i > 0 {
            body.push(Stmt::Blank);
        }
        let mut dict = schema::data_dict(&app.parameters)
            .map_err(|e| error(&app.key, ComposeErrorKind::Parameters(e)))?;
        set_description(&mut dict, &full_description(app));
        let place = "the data dict of its parameters".to_owned();
        let literal = Expr::try_from_json(&dict).map_err(error::not_kcl_value(&app.key, place))?;
        body.push(Stmt::assign(
            data_dict_name(&app.key),
            literal.with_dotted_keys(),
        ));
    }
    Ok(Module { body })
}

/// The variable a data dict is generated as: `redis` -> `appRedis`.
fn data_dict_name(key: &str) -> String {
    let mut chars = key.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    format!(
        "app{}{}",
        first.into_iter().collect::<String>(),
        chars.as_str()
    )
}

/// The structural schema of every app, keyed by app key: the `properties` of the apps
/// object of an XRD.
pub fn xrd_properties(apps: &[AppSpec]) -> Result<serde_json::Map<String, Value>, ComposeError> {
    let mut properties = serde_json::Map::new();
    for app in apps {
        let mut schema = Parameters::compile(app)?.schema;
        set_description(&mut schema, &full_description(app));
        properties.insert(app.key.clone(), schema);
    }
    Ok(properties)
}

/// The app's description, followed by what enabling it switches on.
fn full_description(app: &AppSpec) -> String {
    if app.requires.is_empty() {
        return app.description.clone();
    }
    let required: Vec<String> = app.requires.iter().map(|k| format!("`{k}`")).collect();
    format!(
        "{} Requires {}: enabling this app enables {} too.",
        app.description.trim_end(),
        required.join(", "),
        if required.len() == 1 { "it" } else { "them" }
    )
}

fn set_description(schema: &mut Value, description: &str) {
    if let Value::Object(map) = schema {
        // The description goes right after `type`, where readers look for it; the other
        // keys keep their order (`remove` would move the last key into the gap).
        let mut ordered = serde_json::Map::new();
        if let Some(t) = map.shift_remove("type") {
            ordered.insert("type".into(), t);
        }
        ordered.insert("description".into(), Value::String(description.to_owned()));
        map.shift_remove("description");
        ordered.append(map);
        *map = ordered;
    }
}
