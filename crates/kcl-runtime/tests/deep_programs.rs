//! Deeply recursive programs do not abort the process with a stack overflow.
//!
//! KCL's parser and evaluator recurse once per level of nesting or call, and a stack
//! overflow inside the library aborts the process. Each shape runs in a child process
//! (see `support`), so that the test proves the process survives and gets a result or an
//! error, instead of dying with the test run.

mod support;

use kcl_runtime::{Error, Program, Runtime};

/// How deep each shape goes: thousands, well past what a default 2 MiB test thread or
/// 8 MiB main thread stack holds (each level takes 1.4 to 4.3 KiB of stack). KCL takes
/// time more than linear in the depth of nested lists and dicts, hence fewer of those.
const DEPTH: usize = 5000;
const LIST_DEPTH: usize = 2000;
const DICT_DEPTH: usize = 1000;

/// The program of one shape.
fn program(shape: &str) -> Program {
    let n = DEPTH;
    let code = |code: String| Program::new().source("main.k", code);
    match shape {
        "recursive-lambda" => code(format!(
            "f = lambda n: int -> int {{\n    0 if n == 0 else 1 + f(n - 1)\n}}\nr = f({})\n",
            n / 2
        )),
        "recursive-schema" => code(format!(
            "schema N:\n    n: int\n    r: int = 0 if n == 0 else N {{n = n - 1}}.r + 1\n\nr = N {{n = {}}}.r\n",
            n / 2
        )),
        "nested-lists" => code(format!(
            "x = {}1{}\n",
            "[".repeat(LIST_DEPTH),
            "]".repeat(LIST_DEPTH)
        )),
        "nested-dicts" => code(format!(
            "x = {}1{}\n",
            "{a = ".repeat(DICT_DEPTH),
            "}".repeat(DICT_DEPTH)
        )),
        "nested-parentheses" => code(format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n))),
        "long-plus-chain" => code(format!("x = 1{}\n", " + 1".repeat(2 * n))),
        "deep-json-list-option" => code("x = option(\"p\")\n".into())
            .option("p", format!("{}1{}", "[".repeat(n), "]".repeat(n))),
        "deep-json-dict-option" => code("x = option(\"p\")\n".into())
            .option("p", format!("{}1{}", "{\"a\": ".repeat(n), "}".repeat(n))),
        other => panic!("unknown shape {other}"),
    }
}

/// The child: run one shape and report how it ended.
#[test]
fn child() {
    let Some(shape) = support::case() else {
        return;
    };
    let runtime = Runtime::global().unwrap_or_else(|e| panic!("{e}"));
    match runtime.run(&program(&shape)) {
        Ok(out) => {
            let start: String = out.json_text.chars().take(60).collect();
            println!("OUTCOME result {start}\nEND");
        }
        Err(Error::Kcl(e)) => println!("OUTCOME kcl-error {}\nEND", e.message),
        Err(e) => println!("OUTCOME other-error {e}\nEND"),
    }
}

/// Run `shape` in a child; what it reported.
fn outcome(shape: &str) -> String {
    let (output, stdout) = support::in_child(shape, &[]);
    let report = support::report(&stdout, "OUTCOME ")
        .and_then(|r| r.split("\nEND").next())
        .map(str::to_owned);
    match report {
        Some(report) if output.status.success() => report,
        _ => panic!(
            "{shape}: the process did not survive:\n{}",
            support::describe(&output, &stdout)
        ),
    }
}

#[test]
fn a_recursive_lambda_thousands_deep_gives_its_result() {
    let got = outcome("recursive-lambda");
    assert_eq!(got, format!("result {{\"r\": {}}}", DEPTH / 2));
}

#[test]
fn a_recursive_schema_thousands_deep_gives_its_result() {
    let got = outcome("recursive-schema");
    assert_eq!(got, format!("result {{\"r\": {}}}", DEPTH / 2));
}

#[test]
fn thousands_of_nested_lists_give_kcls_own_nesting_error() {
    // KCL evaluates them, then its JSON output stops at 128 levels.
    let got = outcome("nested-lists");
    assert!(got.starts_with("kcl-error"), "{got}");
    assert!(got.contains("recursion limit exceeded"), "{got}");
}

#[test]
fn thousands_of_nested_dicts_give_kcls_own_nesting_error() {
    let got = outcome("nested-dicts");
    assert!(got.starts_with("kcl-error"), "{got}");
    assert!(got.contains("recursion limit exceeded"), "{got}");
}

#[test]
fn thousands_of_nested_parentheses_give_the_value() {
    assert_eq!(outcome("nested-parentheses"), "result {\"x\": 1}");
}

#[test]
fn a_plus_chain_of_ten_thousand_terms_gives_its_sum() {
    assert_eq!(
        outcome("long-plus-chain"),
        format!("result {{\"x\": {}}}", 2 * DEPTH + 1)
    );
}

#[test]
fn json_options_nested_thousands_deep_do_not_crash() {
    // KCL reads an option as JSON up to 128 levels deep; deeper, it takes the text as a
    // string (see the crate docs).
    for shape in ["deep-json-list-option", "deep-json-dict-option"] {
        let got = outcome(shape);
        assert!(got.starts_with("result {\"x\": \""), "{shape}: {got}");
    }
}
