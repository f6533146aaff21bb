//! The checks and the lowering of apps built by hand, as the derive would build them:
//! what `compose` refuses, and the shape of the KCL it writes.

use kcl_apps::app::{AppSpec, ChartSource, Condition, HandWritten, Release, Values};
use kcl_apps::compose::{self, ComposeError, ComposeErrorKind::*, Conventions};
use kcl_codegen::ast::Module;
use serde_json::{Value, json};

fn app(key: &str, requires: &[&str]) -> AppSpec {
    AppSpec {
        key: key.into(),
        description: format!("Install {key}."),
        parameters: schemars::Schema::try_from(json!({
            "title": key,
            "type": "object",
            "properties": {
                "enabled": {"type": "boolean", "default": false},
                "size": {"type": "string"}
            }
        }))
        .unwrap(),
        releases: Vec::new(),
        objects: Vec::new(),
        requires: requires.iter().map(|r| r.to_string()).collect(),
        images: Vec::new(),
        hand_written: Vec::new(),
    }
}

fn release(name: &str) -> Release {
    Release {
        name: name.into(),
        chart: name.into(),
        source: ChartSource::Repository("https://charts.example.com".into()),
        version: "1.0.0".into(),
        pin: name.into(),
        namespace: name.into(),
        usage: true,
        values: Vec::new(),
        when: None,
    }
}

fn lower(apps: &[AppSpec]) -> Result<Module, ComposeError> {
    compose::apps_block(apps, &Conventions::default())
}

/// The error of lowering an app whose one release has one values part.
fn values_error(at: &[&str], value: Value) -> ComposeError {
    let mut a = app("a", &[]);
    let mut r = release("r");
    r.values.push(Values {
        at: at.iter().map(|key| key.to_string()).collect(),
        value,
        file: None,
        when: None,
    });
    a.releases.push(r);
    lower(&[a]).unwrap_err()
}

#[test]
fn a_parameters_schema_that_does_not_compile_is_the_source_of_the_error() {
    let mut a = app("a", &[]);
    a.parameters = schemars::Schema::try_from(json!({"title": "a", "type": "string"})).unwrap();
    let err = compose::data_dicts(&[a]).unwrap_err();
    let Parameters(schema_error) = &*err.kind else {
        panic!("expected ComposeErrorKind::Parameters, got {err:?}");
    };
    let source = std::error::Error::source(&err).expect("the schema error is the source");
    assert_eq!(source.to_string(), schema_error.to_string());
    assert!(
        err.to_string().ends_with(&schema_error.to_string()),
        "{err}"
    );
}

#[test]
fn requirements_that_form_a_cycle_are_an_error() {
    let err = lower(&[app("a", &["b"]), app("b", &["a"])]).unwrap_err();
    assert_eq!(*err.kind, RequirementCycle, "{err}");
}

#[test]
fn requiring_an_unknown_app_is_an_error_naming_it() {
    let err = lower(&[app("a", &["nope"])]).unwrap_err();
    assert_eq!(
        *err.kind,
        UnknownRequirement {
            required: "nope".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "app `a`: requires `nope`, which is not one of the apps"
    );
}

#[test]
fn a_condition_on_a_field_that_is_not_a_boolean_is_an_error() {
    let mut a = app("a", &[]);
    let mut r = release("r");
    r.when = Some(Condition::Field(vec!["size".into()]));
    a.releases.push(r);
    let err = lower(&[a]).unwrap_err();
    assert_eq!(
        *err.kind,
        NotBoolean {
            path: "size".into()
        },
        "{err}"
    );
}

#[test]
fn an_app_without_an_enabled_field_is_an_error() {
    let mut a = app("a", &[]);
    a.parameters =
        schemars::Schema::try_from(json!({"title": "a", "type": "object", "properties": {}}))
            .unwrap();
    let err = lower(&[a]).unwrap_err();
    assert_eq!(
        *err.kind,
        NoParameter {
            path: "enabled".into()
        },
        "{err}"
    );
}

#[test]
fn two_apps_with_the_same_release_name_are_an_error() {
    let mut a = app("a", &[]);
    a.releases.push(release("shared"));
    let mut b = app("b", &[]);
    let mut r = release("shared");
    r.pin = "other".into();
    b.releases.push(r);
    let err = lower(&[a, b]).unwrap_err();
    assert_eq!(err.app, "b");
    assert_eq!(
        *err.kind,
        DuplicateRelease {
            name: "shared".into(),
            other: "a".into()
        },
        "{err}"
    );
}

#[test]
fn an_app_is_enabled_by_every_app_that_requires_it_transitively() {
    let module = lower(&[app("c", &[]), app("b", &["c"]), app("a", &["b"])]).unwrap();
    let text = module.to_string();
    assert!(
        text.contains("_aEnabled = _apps?.a?.enabled == True\n"),
        "{text}"
    );
    assert!(
        text.contains("_bEnabled = _apps?.b?.enabled == True or _aEnabled\n"),
        "{text}"
    );
    assert!(
        text.contains("_cEnabled = _apps?.c?.enabled == True or _bEnabled\n"),
        "{text}"
    );
}

#[test]
fn adjacent_resources_under_the_same_condition_share_one_if() {
    let mut a = app("a", &[]);
    for name in ["r1", "r2", "r3"] {
        let mut r = release(name);
        r.when = (name != "r3").then(|| Condition::AppEnabled("b".into()));
        a.releases.push(r);
    }
    let text = lower(&[a, app("b", &[])]).unwrap().to_string();
    // Inside `if _aEnabled:` (the other `if _bEnabled:` is app b's own block).
    let inner = "        if _bEnabled:\n";
    assert_eq!(text.matches(inner).count(), 1, "{text}");
    let guarded = text.split(inner).nth(1).unwrap_or_default();
    let r3 = guarded.find("\"r3\"").unwrap_or_default();
    assert!(
        guarded[..r3].contains("\"r1\"") && guarded[..r3].contains("\"r2\""),
        "{text}"
    );
    // r3 has no condition: it stays outside, one level up.
    assert!(
        text.contains("\n        release {\n            _name = \"r3\""),
        "{text}"
    );
}

#[test]
fn a_key_kcl_would_drop_from_the_output_is_an_error() {
    let err = values_error(&[], json!({"server": {"_hidden": true}}));
    assert_eq!(
        *err.kind,
        HiddenKey {
            path: "values.server._hidden".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "app `a`: `values.server._hidden`: KCL drops keys that start with `_` from its output"
    );
}

#[test]
fn values_kcl_cannot_hold_are_an_error_naming_the_app_and_the_path() {
    let err = values_error(&[], json!({"server": {"limit": u64::MAX}}));
    assert_eq!(
        err.to_string(),
        "app `a`: values at `server.limit`: 18446744073709551615 is beyond KCL's integers, \
         which are 64-bit (-9223372036854775808 to 9223372036854775807)"
    );
    // The values dict and 126 lists inside it: 127 levels.
    let deep = (0..126).fold(json!(1), |inner, _| Value::Array(vec![inner]));
    let err = values_error(&[], json!({"deep": deep}));
    assert!(
        err.to_string()
            .starts_with("app `a`: values at `deep[0][0]")
            && err
                .to_string()
                .ends_with("nested 127 lists and mappings deep; the KCL runtime reads at most 126"),
        "{err}"
    );
}

#[test]
fn two_values_parts_setting_the_same_scalar_are_an_error_even_under_a_condition() {
    let replicas_1 = Values {
        at: Vec::new(),
        value: json!({"server": {"replicas": 1}}),
        file: None,
        when: None,
    };
    let err = lower(&[app_with_values([
        replicas_1.clone(),
        Values {
            at: vec!["server".into()],
            value: json!({"replicas": 3}),
            file: None,
            when: None,
        },
    ])])
    .unwrap_err();
    assert_eq!(
        *err.kind,
        ConflictingValues {
            path: "server.replicas".into(),
            first: "values part 1 (inline)".into(),
            second: "values part 2 (inline, at `server`)".into(),
        },
        "{err}"
    );
    let err = lower(&[app_with_values([
        replicas_1,
        Values {
            at: vec!["server".into(), "replicas".into()],
            value: json!(3),
            file: None,
            when: Some(Condition::Field(vec!["big".into()])),
        },
    ])])
    .unwrap_err();
    assert_eq!(
        *err.kind,
        ConflictingValues {
            path: "server.replicas".into(),
            first: "values part 1 (inline)".into(),
            second: "values part 2 (inline, at `server.replicas`, when `big` is true)".into(),
        },
        "{err}"
    );
}

/// An app `a` with a boolean `big`, whose release `r` has an unconditional values part
/// setting `server.replicas` to 1 from `values/a.yaml`, then `second`.
fn app_with_replicas_then(second: Values) -> AppSpec {
    app_with_values([
        Values {
            at: Vec::new(),
            value: json!({"server": {"replicas": 1}}),
            file: Some("values/a.yaml".into()),
            when: None,
        },
        second,
    ])
}

/// An app `a` with a boolean `big`, whose release `r` has these values parts.
fn app_with_values(parts: impl IntoIterator<Item = Values>) -> AppSpec {
    let mut a = app("a", &[]);
    a.parameters = schemars::Schema::try_from(json!({
        "title": "a",
        "type": "object",
        "properties": {
            "enabled": {"type": "boolean", "default": false},
            "big": {"type": "boolean", "default": false}
        }
    }))
    .unwrap();
    let mut r = release("r");
    r.values.extend(parts);
    a.releases.push(r);
    a
}

#[test]
fn a_conditional_part_that_sets_a_path_below_an_earlier_scalar_is_an_error_naming_both_parts() {
    let first = "values part 1 (`values/a.yaml`)".to_owned();
    let cases = [
        // A mapping at the top, under the app's own field.
        (
            Values {
                at: Vec::new(),
                value: json!({"server": {"replicas": {"max": 3}}}),
                file: Some("values/big.yaml".into()),
                when: Some(Condition::Field(vec!["big".into()])),
            },
            "values part 2 (`values/big.yaml`, when `big` is true)",
        ),
        // A path through the scalar, under another app's toggle.
        (
            Values {
                at: vec!["server".into(), "replicas".into(), "max".into()],
                value: json!(3),
                file: None,
                when: Some(Condition::AppEnabled("b".into())),
            },
            "values part 2 (inline, at `server.replicas.max`, when app `b` is enabled)",
        ),
    ];
    for (second, named) in cases {
        let err = lower(&[app_with_replicas_then(second), app("b", &[])]).unwrap_err();
        assert_eq!(
            *err.kind,
            ConflictingValues {
                path: "server.replicas".into(),
                first: first.clone(),
                second: named.into(),
            },
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "app `a`: {first} and {named} both set `server.replicas`, and not both to \
                 mappings; KCL would fail with conflicting values when both apply"
            )
        );
    }
    // Conditional mappings that only add keys still merge.
    let adds = Values {
        at: Vec::new(),
        value: json!({"server": {"resources": {"cpu": 2}}}),
        file: None,
        when: Some(Condition::Field(vec!["big".into()])),
    };
    lower(&[app_with_replicas_then(adds)]).expect("no conflict");
}

/// What the lowering would print for the first case above had it not been refused (each
/// part's entries with `:`, the conditional part's under its `if`), run through the KCL
/// runtime: it renders while the condition is false and fails once it is true.
#[test]
fn what_a_conditional_conflict_would_generate_fails_in_kcl_only_when_its_condition_holds() {
    let program = |big: bool| {
        kcl_runtime::Program::new().source(
            "main.k",
            format!(
                "big = {}\nvalues = {{\n    server: {{replicas: 1}}\n    if big:\n        \
                 server: {{replicas: {{max: 3}}}}\n}}\n",
                if big { "True" } else { "False" }
            ),
        )
    };
    let runtime = kcl_runtime::Runtime::global().unwrap_or_else(|e| panic!("{e}"));
    let quiet = runtime
        .run(&program(false))
        .expect("renders while `big` is false");
    assert_eq!(quiet.json["values"], json!({"server": {"replicas": 1}}));
    let error = runtime.run(&program(true)).unwrap_err().to_string();
    assert!(error.contains("conflicting values"), "{error}");
}

#[test]
fn values_placed_at_a_key_kcl_drops_are_an_error() {
    let err = values_error(&["_secret"], json!("x"));
    assert_eq!(
        *err.kind,
        HiddenValuesPath {
            at: "_secret".into(),
            key: "_secret".into()
        },
        "{err}"
    );
}

#[test]
fn an_app_key_that_is_not_a_kcl_identifier_is_an_error() {
    for key in ["my-app", "1app", "_hidden", ""] {
        let err = lower(&[app(key, &[])]).unwrap_err();
        assert_eq!(*err.kind, KeyNotIdentifier, "{key}: {err}");
    }
}

#[test]
fn oci_charts_get_a_docker_renovate_comment_without_the_scheme() {
    let mut a = app("a", &[]);
    let mut r = release("gw");
    r.source = ChartSource::Oci("oci://registry.example.com/charts".into());
    a.releases.push(r);
    assert_eq!(
        compose::pins(&[a]).to_string(),
        "# renovate: datasource=docker depName=registry.example.com/charts/gw\ngw = \"1.0.0\"\n"
    );
}

#[test]
fn a_condition_on_a_value_needs_an_enum_parameter_that_can_have_it() {
    let lower_with = |size: Value, value: Value| {
        let mut a = app("a", &[]);
        a.parameters = schemars::Schema::try_from(json!({
            "title": "a",
            "type": "object",
            "properties": {"enabled": {"type": "boolean", "default": false}, "size": size}
        }))
        .unwrap();
        let mut r = release("r");
        r.when = Some(Condition::FieldIs {
            path: vec!["size".into()],
            value,
        });
        a.releases.push(r);
        lower(&[a]).map(|module| module.to_string())
    };
    let sizes = json!({"type": "string", "enum": ["small", "large"], "default": "large"});
    let text = lower_with(sizes.clone(), json!("large")).unwrap();
    assert!(
        text.contains("if _apps?.a?.size == \"large\" or not _apps?.a?.size:"),
        "{text}"
    );
    let text = lower_with(sizes.clone(), json!("small")).unwrap();
    assert!(text.contains("if _apps?.a?.size == \"small\":"), "{text}");
    let path = || "size".to_owned();
    let err = lower_with(sizes, json!("medium")).unwrap_err();
    assert_eq!(
        *err.kind,
        NotAnEnumValue {
            path: path(),
            value: json!("medium"),
            values: vec![json!("small"), json!("large")],
        }
    );
    assert_eq!(
        err.to_string(),
        "app `a`: the parameter `size`: \"medium\" is not one of its values \
         (\"small\", \"large\")"
    );
    let err = lower_with(json!({"type": "string"}), json!("x")).unwrap_err();
    assert_eq!(*err.kind, NotEnum { path: path() });
    let size = json!({"type": "string", "enum": ["", "large"]});
    let err = lower_with(size, json!("large")).unwrap_err();
    assert_eq!(
        *err.kind,
        FalsyEnumValue {
            path: path(),
            value: json!("")
        }
    );
}

#[test]
fn a_template_of_the_composite_resource_names_one_of_its_fields() {
    let err = values_error(&[], json!({"owner": "{{ xr:uid }}"}));
    assert!(
        matches!(&*err.kind, UnknownXrField { template } if template == "{{ xr:uid }}"),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "app `a`: `{{ xr:uid }}` names no field of the composite resource; templates read \
         `{{ xr:name }}`, `{{ xr:namespace }}`"
    );
}

#[test]
fn a_hand_written_part_is_one_comment_line() {
    let mut a = app("a", &[]);
    a.hand_written.push(HandWritten {
        file: "main.k".into(),
        what: "two\nlines".into(),
    });
    let err = lower(&[a]).unwrap_err();
    assert_eq!(*err.kind, HandWrittenNotOneLine, "{err}");
}
