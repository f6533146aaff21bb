//! The runtime against the real KCL library.

use kcl_runtime::{Error, KclErrorKind, Program, Runtime};

fn runtime() -> &'static Runtime {
    Runtime::global().unwrap_or_else(|e| panic!("{e}"))
}

fn run(code: &str) -> Result<serde_json::Value, Error> {
    runtime()
        .run(&Program::new().source("main.k", code))
        .map(|o| o.json)
}

#[test]
fn json_options_reach_option_params_as_dicts() {
    let out = runtime()
        .run(
            &Program::new()
                .source(
                    "main.k",
                    "p = option(\"params\")\nname = p.oxr.metadata.name\nn = len(p.ocds)\nflag = option(\"flag\")\n",
                )
                .option("params", r#"{"oxr": {"metadata": {"name": "a"}}, "ocds": {"x": 1}}"#)
                .option("flag", "plain"),
        )
        .unwrap();
    assert_eq!(out.json["name"], "a");
    assert_eq!(out.json["n"], 1);
    assert_eq!(out.json["flag"], "plain");
    assert!(out.yaml.contains("name: a"), "{}", out.yaml);
}

#[test]
fn schemas_lambdas_comprehensions_and_null_safe_access_evaluate() {
    let out = run(r#"
schema Pin:
    name: str
    version: str = "1.0.0"
    check:
        len(name) > 0

double = lambda x: int -> int { x * 2 }
pins = [Pin {name = n} for n in ["a", "b"]]
doubled = [double(i) for i in range(3) if i != 1]
d = {k: v for k, v in {"x": 1, "y": 2} if v > 1}
cfg = {apps = None}
missing = cfg?.apps?.cache?.enabled
present = {apps = {cache = {enabled = True}}}?.apps?.cache?.enabled
"#)
    .unwrap();
    assert_eq!(out["pins"][1]["name"], "b");
    assert_eq!(out["pins"][1]["version"], "1.0.0");
    assert_eq!(out["doubled"], serde_json::json!([0, 4]));
    assert_eq!(out["d"], serde_json::json!({"y": 2}));
    assert_eq!(out["missing"], serde_json::Value::Null);
    assert_eq!(out["present"], true);
}

#[test]
fn a_syntax_error_is_a_compile_error_with_its_line_and_column() {
    let Err(Error::Kcl(e)) = run("a = 1\nb = (1 +\n") else {
        panic!("expected a KCL error")
    };
    assert_eq!(e.kind, KclErrorKind::Compile);
    let at = e.location().expect("a location");
    assert_eq!(at.file, "main.k");
    assert_eq!(at.line, 2);
    assert!(at.column.is_some(), "{e}");
}

#[test]
fn an_undefined_name_is_a_compile_error_naming_it() {
    let Err(Error::Kcl(e)) = run("a = 1\nb = x\n") else {
        panic!("expected a KCL error")
    };
    assert_eq!(e.kind, KclErrorKind::Compile);
    assert!(e.message.contains("name 'x' is not defined"), "{e}");
    assert_eq!(e.location().map(|l| l.line), Some(2));
}

#[test]
fn a_failed_assert_is_an_evaluation_error_with_its_message_and_line() {
    let Err(Error::Kcl(e)) = run("a = 1\nassert a == 2, \"boom\"\n") else {
        panic!("expected a KCL error")
    };
    assert_eq!(e.kind, KclErrorKind::Evaluation);
    assert!(e.message.contains("boom"), "{e}");
    assert_eq!(e.location().map(|l| l.line), Some(2));
}

#[test]
fn files_are_read_relative_to_the_work_dir_and_can_import_each_other() {
    let dir = tempdir();
    std::fs::write(dir.join("data.k"), "pins = {cache = \"1.2.3\"}\n").unwrap();
    std::fs::write(
        dir.join("main.k"),
        "import .data\ncache = data.pins.cache\n",
    )
    .unwrap();
    let out = runtime()
        .run(&Program::new().work_dir(&dir).file(dir.join("main.k")))
        .unwrap();
    assert_eq!(out.json["cache"], "1.2.3");
    // The same file given as in-memory source still resolves its import.
    let code = std::fs::read_to_string(dir.join("main.k")).unwrap();
    let out = runtime()
        .run(
            &Program::new()
                .work_dir(&dir)
                .source(dir.join("main.k").to_string_lossy(), code),
        )
        .unwrap();
    assert_eq!(out.json["cache"], "1.2.3");
}

#[test]
fn formatting_gives_the_canonical_text_and_is_a_fixed_point() {
    let formatted = runtime().format("a={\"b\":1,c=[1,2]}").unwrap();
    assert_eq!(formatted, "a = {\"b\": 1, c = [1, 2]}\n");
    assert_eq!(runtime().format(&formatted).unwrap(), formatted);
}

#[test]
fn the_runtime_reports_its_version() {
    let v = runtime().version().unwrap();
    assert!(
        v.version.chars().next().is_some_and(|c| c.is_ascii_digit()),
        "{v:?}"
    );
}

#[test]
fn many_threads_evaluate_at_once_and_every_result_is_right() {
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..50 {
                    let out = runtime()
                        .run(
                            &Program::new()
                                .source("main.k", "p = option(\"params\")\nr = p.t * 1000 + p.i\n")
                                .option("params", format!(r#"{{"t": {t}, "i": {i}}}"#)),
                        )
                        .unwrap();
                    assert_eq!(out.json["r"], t * 1000 + i);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn a_program_whose_top_level_is_a_list_gives_one_document_per_item() {
    // The shape of a Configuration's compositions.k: schemas, then a bare list of instances.
    let out = runtime()
        .run(&Program::new().source(
            "compositions.k",
            r#"
schema composition:
    _provider: str
    apiVersion: str = "apiextensions.crossplane.io/v1"
    kind: str = "Composition"
    metadata: {str:str} = {name = "cluster-" + _provider}

[composition{_provider = "aws"} composition{_provider = "google"}]
"#,
        ))
        .unwrap();
    let names: Vec<_> = out
        .documents()
        .iter()
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["cluster-aws", "cluster-google"]);
    assert_eq!(out.documents()[1]["kind"], "Composition");
    assert_eq!(out.json, serde_json::Value::Array(out.documents().to_vec()));
    assert_eq!(out.yaml.matches("\n---\n").count(), 1, "{}", out.yaml);
}

#[test]
fn several_documents_of_any_json_type_are_read_in_order() {
    let out = runtime()
        .run(&Program::new().source("main.k", r#"[{a = 1}, "x\n---\ny", 1.5, True, None]"#))
        .unwrap();
    assert_eq!(
        out.documents(),
        [
            serde_json::json!({"a": 1}),
            serde_json::json!("x\n---\ny"),
            serde_json::json!(1.5),
            serde_json::json!(true),
            serde_json::Value::Null,
        ]
    );
}

#[test]
fn a_program_of_variables_is_one_document_and_an_empty_list_is_none() {
    let out = runtime()
        .run(&Program::new().source("main.k", "a = 1\n_hidden = 2\n"))
        .unwrap();
    assert_eq!(out.documents(), [serde_json::json!({"a": 1})]);
    assert_eq!(out.json, serde_json::json!({"a": 1}));
    let out = runtime()
        .run(&Program::new().source("main.k", "[{a = 1}]"))
        .unwrap();
    assert_eq!(out.documents(), [serde_json::json!({"a": 1})]);
    let out = runtime()
        .run(&Program::new().source("main.k", "[]"))
        .unwrap();
    assert!(out.documents().is_empty(), "{out:?}");
    assert_eq!(out.json, serde_json::json!([]));
}

#[test]
fn a_file_that_does_not_exist_is_an_io_error_naming_it() {
    let dir = tempdir();
    let missing = dir.join("absent.k");
    match runtime().run(&Program::new().work_dir(&dir).file(&missing)) {
        Err(Error::Io { context, source }) => {
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
            assert!(context.contains("absent.k"), "{context}");
        }
        other => panic!("expected Error::Io, got {other:?}"),
    }
}

#[test]
fn a_relative_file_name_is_found_in_the_work_dir() {
    let dir = tempdir();
    std::fs::write(dir.join("relative.k"), "a = 1\n").unwrap();
    let out = runtime()
        .run(&Program::new().work_dir(&dir).file("relative.k"))
        .unwrap();
    assert_eq!(out.json["a"], 1);
}

/// Run `code` written to a file of its own, loaded by the runtime from disk.
fn run_file(name: &str, code: &str) -> (std::path::PathBuf, Result<serde_json::Value, Error>) {
    let dir = tempdir();
    let path = dir.join(name);
    std::fs::write(&path, code).unwrap();
    let result = runtime()
        .run(&Program::new().work_dir(&dir).file(&path))
        .map(|o| o.json);
    (path, result)
}

fn assert_plain(e: &kcl_runtime::KclError) {
    assert!(
        !e.message.contains('\u{1b}'),
        "terminal escapes in {:?}",
        e.message
    );
}

#[test]
fn compile_errors_of_a_file_are_plain_text_with_file_line_and_column() {
    for (name, code, line, column, says) in [
        ("syntax.k", "a = 1\nb = (1 +\n", 2, 8, "expected one of"),
        (
            "undefined.k",
            "a = 1\nb = x\n",
            2,
            5,
            "name 'x' is not defined",
        ),
        (
            "type.k",
            "a = 1\n\nb = 1 + \"x\"\n",
            3,
            5,
            "unsupported operand",
        ),
    ] {
        let (path, result) = run_file(name, code);
        let Err(Error::Kcl(e)) = result else {
            panic!("{name}: expected a KCL error, got {result:?}")
        };
        assert_eq!(e.kind, KclErrorKind::Compile, "{e}");
        assert_plain(&e);
        assert!(e.message.contains(says), "{e}");
        let at = e
            .location()
            .unwrap_or_else(|| panic!("{name}: no location in {e}"));
        assert_eq!(
            (at.file.as_str(), at.line, at.column),
            (path.to_str().unwrap(), line, Some(column)),
            "{e}"
        );
    }
}

#[test]
fn evaluation_errors_of_a_file_are_plain_text_with_file_and_line() {
    for (name, code, line, says) in [
        ("assert.k", "a = 1\nassert a == 2, \"boom\"\n", 2, "boom"),
        (
            "index.k",
            "a = [1]\n\n\nb = a[5]\n",
            4,
            "list index out of range",
        ),
    ] {
        let (path, result) = run_file(name, code);
        let Err(Error::Kcl(e)) = result else {
            panic!("{name}: expected a KCL error, got {result:?}")
        };
        assert_eq!(e.kind, KclErrorKind::Evaluation, "{e}");
        assert_plain(&e);
        assert!(e.message.contains(says), "{e}");
        let at = e
            .location()
            .unwrap_or_else(|| panic!("{name}: no location in {e}"));
        assert_eq!(
            (at.file.as_str(), at.line),
            (path.to_str().unwrap(), line),
            "{e}"
        );
    }
}

#[test]
fn errors_in_an_imported_file_are_plain_text_and_name_that_file() {
    let dir = tempdir();
    std::fs::write(dir.join("broken.k"), "x = [1][3]\n").unwrap();
    let main = dir.join("main_imports_broken.k");
    std::fs::write(&main, "import .broken\ny = broken.x\n").unwrap();
    let result = runtime().run(&Program::new().work_dir(&dir).file(&main));
    let Err(Error::Kcl(e)) = result else {
        panic!("expected a KCL error, got {result:?}")
    };
    assert_plain(&e);
    assert!(
        e.locations
            .iter()
            .any(|l| l.file.ends_with("broken.k") && l.line == 1),
        "{e:?}"
    );
}

#[test]
fn floats_in_the_json_output_are_read_exactly() {
    // serde_json's default float parser reads this one ULP low.
    let x = 3.0261999441573203e-52_f64;
    let out = runtime()
        .run(&Program::new().source("main.k", format!("x = {x:e}\ny = [x]\n")))
        .unwrap();
    assert!(
        out.json_text.contains("3.0261999441573203e-52"),
        "{}",
        out.json_text
    );
    assert_eq!(out.json["x"].as_f64().map(f64::to_bits), Some(x.to_bits()));
    assert_eq!(
        out.json["y"][0].as_f64().map(f64::to_bits),
        Some(x.to_bits())
    );
}

#[test]
fn a_program_too_large_for_a_pooled_worker_runs_on_a_thread_of_its_own() {
    // 300 KB of text asks for more stack than a pooled worker has.
    let mut code = String::from("# padding\n").repeat(20_000);
    code.extend((0..10_000).map(|i| format!("a{i} = {i}\n")));
    assert!(code.len() > 300_000);
    let out = runtime()
        .run(&Program::new().source("main.k", code))
        .unwrap();
    assert_eq!(out.json["a9999"], 9999);
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "kcl-runtime-test-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn imports_are_read_from_the_syntax_tree_without_resolving_them() {
    let source = "import k8s.api.apps.v1 as apps\nimport .local\nx = 1\n\
                  s = \"\"\"\nimport not_an_import\n\"\"\"\n";
    assert_eq!(
        runtime().imports("main.k", source).unwrap(),
        ["k8s.api.apps.v1", ".local"]
    );
    assert_eq!(
        runtime().imports("main.k", "x = = 1\n").unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn an_external_package_resolves_imports_of_its_name() {
    let module = tempdir();
    std::fs::write(
        module.join("kcl.mod"),
        "[package]\nname = \"helpers\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    std::fs::write(module.join("names.k"), "greeting = \"hello\"\n").unwrap();
    let code = "import helpers.names\nx = names.greeting\n";
    let out = runtime()
        .run(
            &Program::new()
                .source("main.k", code)
                .external_package("helpers", &module),
        )
        .unwrap();
    assert_eq!(out.json["x"], "hello");
    let missing = runtime().run(&Program::new().source("main.k", code));
    assert!(
        missing
            .unwrap_err()
            .to_string()
            .contains("pkgpath helpers.names not found"),
        "without the package the import is not found"
    );
}

#[test]
fn kcl_run_settings_change_the_output() {
    let code = "a = None\n_hidden = 1\nb = {c = None, d = 1}\n";
    let plain = runtime()
        .run(&Program::new().source("main.k", code))
        .unwrap();
    assert_eq!(
        plain.json,
        serde_json::json!({"a": null, "b": {"c": null, "d": 1}})
    );
    let settings = runtime()
        .run(
            &Program::new()
                .source("main.k", code)
                .disable_none(true)
                .show_hidden(true)
                .override_value("b.d=2"),
        )
        .unwrap();
    assert_eq!(
        settings.json,
        serde_json::json!({"_hidden": 1, "b": {"d": 2}})
    );
    let selected = runtime()
        .run(&Program::new().source("main.k", code).path_selector("b"))
        .unwrap();
    assert_eq!(selected.json, serde_json::json!({"c": null, "d": 1}));
}
