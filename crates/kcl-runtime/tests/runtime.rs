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
missing = cfg?.apps?.keda?.enabled
present = {apps = {keda = {enabled = True}}}?.apps?.keda?.enabled
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
    std::fs::write(dir.join("data.k"), "pins = {keda = \"2.19.0\"}\n").unwrap();
    std::fs::write(dir.join("main.k"), "import .data\nkeda = data.pins.keda\n").unwrap();
    let out = runtime()
        .run(&Program::new().work_dir(&dir).file(dir.join("main.k")))
        .unwrap();
    assert_eq!(out.json["keda"], "2.19.0");
    // The same file given as in-memory source still resolves its import.
    let code = std::fs::read_to_string(dir.join("main.k")).unwrap();
    let out = runtime()
        .run(
            &Program::new()
                .work_dir(&dir)
                .source(dir.join("main.k").to_string_lossy(), code),
        )
        .unwrap();
    assert_eq!(out.json["keda"], "2.19.0");
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

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "kcl-runtime-test-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
