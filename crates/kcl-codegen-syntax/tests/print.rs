//! The printer against the real KCL formatter and evaluator: printed text is what `kcl fmt`
//! would write (formatting it changes nothing), and it means what the tree says.

use kcl_codegen_syntax::ast::{
    AssignOp, Attr, BinOp, Entry, Expr, IfChain, Key, ListItem, Module, Schema, Stmt, Type, UnaryOp,
};
use kcl_runtime::{Error, Program, Runtime};
use proptest::prelude::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------- helpers

fn runtime() -> &'static Runtime {
    Runtime::global().unwrap_or_else(|e| panic!("{e}"))
}

fn format(src: &str) -> String {
    runtime().format(src).unwrap_or_else(|e| panic!("{e}"))
}

/// Assert that `text` is valid KCL that `kcl fmt` leaves unchanged.
///
/// The formatter hands back its input untouched when it cannot parse it, so a fixed point
/// alone proves nothing: the text is also formatted with blank lines added at the end,
/// which only a successful parse removes.
fn assert_canonical(text: &str) {
    assert_eq!(format(text), text, "`kcl fmt` changes the printed text");
    assert_eq!(
        format(&format!("{text}\n\n\n")),
        text,
        "`kcl fmt` cannot parse the printed text:\n{text}"
    );
}

/// Assert that KCL's parser rejects `printed`.
fn assert_syntax_error(printed: &str) {
    let result = runtime().run(&Program::new().source("main.k", printed));
    assert!(
        matches!(&result, Err(Error::Kcl(e)) if e.message.contains("InvalidSyntax")),
        "{printed} gave {result:?}"
    );
}

fn eval(src: &str) -> Value {
    runtime()
        .run(&Program::new().source("main.k", src))
        .unwrap_or_else(|e| panic!("{e}\n--- program:\n{src}"))
        .json
}

fn name(s: &str) -> Expr {
    Expr::name(s)
}

fn s(text: &str) -> Expr {
    Expr::str(text)
}

fn int(i: i64) -> Expr {
    Expr::Int(i)
}

fn bin(left: Expr, op: BinOp, right: Expr) -> Expr {
    left.binary(op, right)
}

fn neg(operand: Expr) -> Expr {
    Expr::Unary {
        op: UnaryOp::Neg,
        operand: Box::new(operand),
    }
}

fn if_else(cond: Expr, then: Expr, orelse: Expr) -> Expr {
    Expr::IfElse {
        cond: Box::new(cond),
        then: Box::new(then),
        orelse: Box::new(orelse),
    }
}

fn list(items: Vec<Expr>) -> Expr {
    Expr::List(items.into_iter().map(ListItem::Expr).collect())
}

fn dict(entries: Vec<(&str, Expr)>) -> Expr {
    Expr::Dict(
        entries
            .into_iter()
            .map(|(k, v)| Entry::pair(k, v))
            .collect(),
    )
}

fn path(parts: &[&str], op: AssignOp, value: Expr) -> Entry {
    Entry::Pair {
        key: Key::Path(parts.iter().map(|p| p.to_string()).collect()),
        op,
        value,
    }
}

fn chain<T>(branches: Vec<(Expr, Vec<T>)>, orelse: Option<Vec<T>>) -> IfChain<T> {
    IfChain { branches, orelse }
}

fn module(body: Vec<Stmt>) -> Module {
    Module { body }
}

fn comment(text: &str) -> Stmt {
    Stmt::Comment(text.into())
}

/// Print `x = <expr>` after `prelude`, check it is canonical and return what `x` is.
fn eval_x(prelude: &str, expr: Expr) -> Value {
    let printed = module(vec![Stmt::assign("x", expr)]).to_string();
    assert_canonical(&printed);
    eval(&format!("{prelude}{printed}"))["x"].clone()
}

// ---------------------------------------------------------------------------- layout

#[test]
fn empty_collections_print_inline() {
    let printed = module(vec![
        Stmt::assign("a", Expr::Dict(vec![])),
        Stmt::assign("b", Expr::List(vec![])),
        Stmt::assign(
            "c",
            Expr::Schema {
                name: "R".into(),
                body: vec![],
            },
        ),
    ])
    .to_string();
    assert_eq!(printed, "a = {}\nb = []\nc = R {}\n");
    assert_canonical(&printed);
}

#[test]
fn dict_entries_print_one_per_line_with_four_space_indentation() {
    // Too long for one line.
    let value = Expr::Dict(vec![
        Entry::pair("name", s(&"a".repeat(80))),
        Entry::Pair {
            key: Key::Name("labels".into()),
            op: AssignOp::Union,
            value: dict(vec![("app", s("a")), ("empty", Expr::Dict(vec![]))]),
        },
        Entry::Pair {
            key: Key::Name("items".into()),
            op: AssignOp::Append,
            value: list(vec![int(1)]),
        },
        Entry::Unpack(name("extra")),
    ]);
    let printed = Stmt::assign("x", value).to_string();
    assert_eq!(
        printed,
        format!(
            "x = {{\n    name = \"{}\"\n    labels: {{app = \"a\", empty = {{}}}}\n    items += [1]\n    **extra\n}}\n",
            "a".repeat(80)
        )
    );
    assert_canonical(&printed);
}

#[test]
fn short_dicts_print_on_one_line_as_hand_written_kcl_does() {
    let value = Expr::Dict(vec![
        Entry::pair("name", name("_xr")),
        Entry::pair("kind", s("ProviderConfig")),
        Entry::Pair {
            key: Key::Name("labels".into()),
            op: AssignOp::Union,
            value: dict(vec![("app", s("a")), ("empty", Expr::Dict(vec![]))]),
        },
    ]);
    let more = Expr::Dict(vec![
        Entry::Pair {
            key: Key::Path(vec!["spec".into(), "type".into()]),
            op: AssignOp::Append,
            value: list(vec![int(1), dict(vec![("b", Expr::Bool(true))])]),
        },
        Entry::Unpack(name("extra")),
    ]);
    let printed = module(vec![
        Stmt::assign("_xr", s("xr")),
        Stmt::assign("extra", dict(vec![("z", int(0))])),
        Stmt::assign("x", value),
        Stmt::assign("y", dict(vec![("a", int(1))])),
        Stmt::assign("z", more),
        Stmt::Expr(Expr::Schema {
            name: "R".into(),
            body: vec![Entry::pair("a", int(1)), Entry::pair("b", int(2))],
        }),
    ])
    .to_string();
    assert_eq!(
        printed,
        "_xr = \"xr\"
extra = {z = 0}
x = {name = _xr, kind = \"ProviderConfig\", labels: {app = \"a\", empty = {}}}
y = {a = 1}
z = {spec.type += [1, {b = True}], **extra}
R {a = 1, b = 2}
"
    );
    // Formatting keeps it; the schema statement is left out of the evaluation.
    assert_canonical(&printed);
    let printed = printed.replace("R {a = 1, b = 2}\n", "");
    let out = eval(&printed);
    assert_eq!(
        out["x"],
        json!({"name": "xr", "kind": "ProviderConfig", "labels": {"app": "a", "empty": {}}})
    );
    assert_eq!(
        out["z"],
        json!({"spec": {"type": [1, {"b": true}]}, "z": 0})
    );
}

#[test]
fn a_dict_or_list_is_on_one_line_when_the_line_ends_by_column_100() {
    let mut seen = (false, false);
    for length in 76..=92 {
        let text = "a".repeat(length);
        let short = &text[8..];
        // The one-line form of each, and the multi-line form it falls back to.
        let cases = [
            (
                Expr::Dict(vec![Entry::pair("a", s(&text)), Entry::pair("b", int(1))]),
                format!("x = {{a = \"{text}\", b = 1}}\n"),
                format!("x = {{\n    a = \"{text}\"\n    b = 1\n}}\n"),
                json!({"a": text, "b": 1}),
            ),
            (
                list(vec![s(&text), int(1)]),
                format!("x = [\"{text}\", 1]\n"),
                format!("x = [\n    \"{text}\"\n    1\n]\n"),
                json!([text, 1]),
            ),
            // One level deeper, the indentation counts.
            (
                Expr::Dict(vec![
                    Entry::pair("long", s(&"b".repeat(100))),
                    Entry::pair("n", dict(vec![("k", list(vec![s(short)])), ("l", int(2))])),
                ]),
                format!(
                    "x = {{\n    long = \"{}\"\n    n = {{k = [\"{short}\"], l = 2}}\n}}\n",
                    "b".repeat(100)
                ),
                format!(
                    "x = {{\n    long = \"{}\"\n    n = {{\n        k = [\"{short}\"]\n        l = 2\n    }}\n}}\n",
                    "b".repeat(100)
                ),
                json!({"long": "b".repeat(100), "n": {"k": [short], "l": 2}}),
            ),
        ];
        for (value, one_line, multi_line) in cases.iter().map(|(v, o, m, _)| (v, o, m)) {
            let printed = Stmt::assign("x", value.clone()).to_string();
            // The line of the dict or list in question: the only one, or the last but one.
            let lines: Vec<&str> = one_line.lines().collect();
            let line = lines[lines.len().saturating_sub(2)];
            let fits = line.chars().count() <= 100;
            seen = (seen.0 || fits, seen.1 || !fits);
            assert_eq!(&printed, if fits { one_line } else { multi_line });
            assert_canonical(&printed);
        }
        for (value, _, _, expected) in cases {
            let printed = Stmt::assign("x", value).to_string();
            assert_eq!(eval(&printed)["x"], expected);
        }
    }
    assert_eq!(seen, (true, true), "both sides of the limit are tried");
}

#[test]
fn a_dict_holding_an_if_or_a_multi_line_value_is_multi_line() {
    let long = s(&"a".repeat(100));
    let with_if = Expr::Dict(vec![
        Entry::pair("a", int(1)),
        Entry::If(chain(
            vec![(name("c"), vec![Entry::pair("b", int(2))])],
            None,
        )),
    ]);
    let outer = Expr::Dict(vec![
        Entry::pair("short", dict(vec![("a", int(1)), ("b", int(2))])),
        Entry::pair("inner", dict(vec![("long", long), ("b", int(2))])),
    ]);
    let items = Expr::List(vec![
        ListItem::Expr(int(1)),
        ListItem::If(chain(vec![(name("c"), vec![ListItem::Expr(int(2))])], None)),
    ]);
    let printed = module(vec![
        Stmt::assign("c", Expr::Bool(true)),
        Stmt::assign("x", with_if),
        Stmt::assign("y", outer),
        Stmt::assign("z", items),
    ])
    .to_string();
    assert_eq!(
        printed,
        format!(
            "c = True
x = {{
    a = 1
    if c:
        b = 2
}}
y = {{
    short = {{a = 1, b = 2}}
    inner = {{
        long = \"{}\"
        b = 2
    }}
}}
z = [
    1
    if c:
        2
]
",
            "a".repeat(100)
        )
    );
    assert_canonical(&printed);
    let out = eval(&printed);
    assert_eq!(out["x"], json!({"a": 1, "b": 2}));
    assert_eq!(out["z"], json!([1, 2]));
}

#[test]
fn a_lone_entry_holding_a_dict_or_config_is_multi_line_as_the_formatter_breaks_it() {
    let lone = |value: Expr| Expr::Dict(vec![Entry::pair("a", value)]);
    let printed = module(vec![
        Stmt::assign("x", lone(dict(vec![("b", int(1))]))),
        Stmt::assign("y", lone(Expr::Dict(vec![]))),
        Stmt::assign("z", Expr::Dict(vec![Entry::Unpack(Expr::Dict(vec![]))])),
        Stmt::assign(
            "w",
            Expr::Schema {
                name: "R".into(),
                body: vec![Entry::pair(
                    "a",
                    Expr::Schema {
                        name: "R".into(),
                        body: vec![],
                    },
                )],
            },
        ),
        // Anything else holds one line: a list, a comprehension, a parenthesised dict.
        Stmt::assign("v", lone(list(vec![dict(vec![("b", int(1))])]))),
        Stmt::assign("u", lone(Expr::Paren(Box::new(Expr::Dict(vec![]))))),
        // With a dotted key, the entry itself is the one line.
        Stmt::assign(
            "t",
            Expr::Dict(vec![path(&["a", "b"], AssignOp::Override, int(1))]),
        ),
    ])
    .to_string();
    assert_eq!(
        printed,
        "x = {
    a = {b = 1}
}
y = {
    a = {}
}
z = {
    **{}
}
w = R {
    a = R {}
}
v = {a = [{b = 1}]}
u = {a = ({})}
t = {a.b = 1}
"
    );
    assert_canonical(&printed);
}

#[test]
fn lists_print_on_one_line_when_they_fit_and_one_item_per_line_otherwise() {
    let scalars = list(vec![
        Expr::None,
        Expr::Bool(true),
        int(-1),
        Expr::Float(0.5),
        s("a"),
        name("b"),
    ]);
    assert_eq!(scalars.to_string(), "[None, True, -1, 0.5, \"a\", b]");

    let nested = Expr::List(vec![
        ListItem::Expr(list(vec![int(1), int(2)])),
        ListItem::Expr(Expr::List(vec![])),
        ListItem::Expr(dict(vec![("a", int(1))])),
        ListItem::Unpack(name("more")),
    ]);
    assert_eq!(nested.to_string(), "[[1, 2], [], {a = 1}, *more]");
    let long = Expr::List(vec![
        ListItem::Expr(s(&"a".repeat(50))),
        ListItem::Expr(dict(vec![("a", s(&"b".repeat(50)))])),
    ]);
    assert_eq!(
        long.to_string(),
        format!(
            "[\n    \"{}\"\n    {{a = \"{}\"}}\n]",
            "a".repeat(50),
            "b".repeat(50)
        )
    );
    let printed = module(vec![
        Stmt::assign("b", int(0)),
        Stmt::assign("more", list(vec![])),
        Stmt::assign("x", scalars),
        Stmt::assign("y", nested),
        Stmt::assign("z", long),
    ])
    .to_string();
    assert_canonical(&printed);
    let out = eval(&printed);
    assert_eq!(out["x"], json!([null, true, -1, 0.5, "a", 0]));
    assert_eq!(out["y"], json!([[1, 2], [], {"a": 1}]));
    assert_eq!(out["z"][1], json!({"a": "b".repeat(50)}));
}

#[test]
fn schema_instantiations_print_their_name_then_the_body() {
    let release = Expr::Schema {
        name: "Release".into(),
        body: vec![
            Entry::pair("_name", s("redis")),
            Entry::pair("_values", dict(vec![("replicas", int(2))])),
        ],
    };
    let printed = module(vec![Stmt::assign("x", release)]).to_string();
    assert_eq!(
        printed,
        "x = Release {_name = \"redis\", _values = {replicas = 2}}\n"
    );
    assert_canonical(&printed);
    let prelude = "schema Release:\n    _name: str\n    _values: {str:}\n    name: str = _name\n    values: {str:} = _values\n\n";
    assert_eq!(
        eval(&format!("{prelude}{printed}"))["x"],
        json!({"name": "redis", "values": {"replicas": 2}})
    );
}

#[test]
fn calls_comprehensions_and_selections_print_inline() {
    let call = Expr::Call {
        func: Box::new(name("f")),
        args: vec![int(1), name("y")],
        kwargs: vec![("z".into(), int(3))],
    };
    assert_eq!(call.to_string(), "f(1, y, z=3)");

    let comp = Expr::ListComp {
        element: Box::new(bin(name("v"), BinOp::Mul, int(2))),
        vars: vec!["v".into()],
        iter: Box::new(list(vec![int(1), int(2), int(3)])),
        cond: Some(Box::new(bin(name("v"), BinOp::NotEq, int(2)))),
    };
    assert_eq!(comp.to_string(), "[v * 2 for v in [1, 2, 3] if v != 2]");

    let dict_comp = Expr::DictComp {
        key: Box::new(name("k")),
        value: Box::new(bin(name("v"), BinOp::Add, int(1))),
        vars: vec!["k".into(), "v".into()],
        iter: Box::new(name("d")),
        cond: None,
    };
    assert_eq!(dict_comp.to_string(), "{k: v + 1 for k, v in d}");

    let select = name("cfg")
        .attr_opt("apps")
        .attr_opt("redis")
        .attr("enabled");
    assert_eq!(select.to_string(), "cfg?.apps?.redis.enabled");
    let index = Expr::Index {
        value: Box::new(name("xs")),
        index: Box::new(int(0)),
        null_safe: true,
    };
    assert_eq!(index.to_string(), "xs?[0]");

    let prelude = "f = lambda a, b, z { a + b + z }\ny = 2\nd = {a = 1}\ncfg = {apps = {redis = {enabled = True}}}\nxs = [7]\n";
    assert_eq!(eval_x(prelude, call), json!(6));
    assert_eq!(eval_x(prelude, comp), json!([2, 6]));
    assert_eq!(eval_x(prelude, dict_comp), json!({"a": 2}));
    assert_eq!(eval_x(prelude, select), json!(true));
    assert_eq!(eval_x(prelude, index), json!(7));
}

// ---------------------------------------------------------------------------- conditionals

#[test]
fn if_elif_else_in_dicts_prints_one_entry_per_line() {
    let value = Expr::Dict(vec![
        Entry::pair("always", int(0)),
        Entry::If(chain(
            vec![
                (name("a"), vec![Entry::pair("x", int(1))]),
                (
                    name("b"),
                    vec![Entry::pair("x", int(2)), Entry::pair("y", int(2))],
                ),
            ],
            Some(vec![Entry::pair("x", int(3))]),
        )),
        Entry::pair(
            "nested",
            Expr::Dict(vec![Entry::If(chain(
                vec![(name("a"), vec![Entry::pair("deep", int(4))])],
                None,
            ))]),
        ),
    ]);
    let printed = Stmt::assign("x", value).to_string();
    assert_eq!(
        printed,
        "x = {
    always = 0
    if a:
        x = 1
    elif b:
        x = 2
        y = 2
    else:
        x = 3
    nested = {
        if a:
            deep = 4
    }
}
"
    );
    assert_canonical(&printed);
    assert_eq!(
        eval(&format!("a = False\nb = True\n{printed}"))["x"],
        json!({"always": 0, "x": 2, "y": 2, "nested": {}})
    );
    assert_eq!(
        eval(&format!("a = True\nb = True\n{printed}"))["x"],
        json!({"always": 0, "x": 1, "nested": {"deep": 4}})
    );
}

#[test]
fn if_elif_else_in_lists_prints_one_item_per_line() {
    let value = Expr::List(vec![
        ListItem::Expr(int(0)),
        ListItem::If(chain(
            vec![
                (name("a"), vec![ListItem::Expr(int(1))]),
                (
                    name("b"),
                    vec![ListItem::Expr(int(2)), ListItem::Unpack(list(vec![int(3)]))],
                ),
            ],
            Some(vec![ListItem::Expr(dict(vec![("c", int(4))]))]),
        )),
    ]);
    let printed = Stmt::assign("x", value).to_string();
    assert_eq!(
        printed,
        "x = [
    0
    if a:
        1
    elif b:
        2
        *[3]
    else:
        {c = 4}
]
"
    );
    assert_canonical(&printed);
    assert_eq!(
        eval(&format!("a = False\nb = True\n{printed}"))["x"],
        json!([0, 2, 3])
    );
    assert_eq!(
        eval(&format!("a = False\nb = False\n{printed}"))["x"],
        json!([0, {"c": 4}])
    );
}

#[test]
fn if_elif_else_statements_print_at_top_level_and_nested() {
    let printed = module(vec![
        Stmt::assign("a", int(2)),
        Stmt::If(chain(
            vec![
                (
                    bin(name("a"), BinOp::Eq, int(1)),
                    vec![Stmt::assign("_x", s("one"))],
                ),
                (
                    bin(name("a"), BinOp::Eq, int(2)),
                    vec![Stmt::If(chain(
                        vec![(Expr::Bool(true), vec![Stmt::assign("_x", s("two"))])],
                        Some(vec![Stmt::assign("_x", s("never"))]),
                    ))],
                ),
            ],
            Some(vec![Stmt::assign("_x", s("other"))]),
        )),
        Stmt::assign("y", name("_x")),
    ])
    .to_string();
    assert_eq!(
        printed,
        "a = 2
if a == 1:
    _x = \"one\"
elif a == 2:
    if True:
        _x = \"two\"
    else:
        _x = \"never\"
else:
    _x = \"other\"
y = _x
"
    );
    assert_canonical(&printed);
    assert_eq!(eval(&printed)["y"], json!("two"));
}

#[test]
fn an_else_holding_only_an_if_prints_as_elif_like_the_formatter() {
    let inner = |target: &str| {
        chain(
            vec![(name("b"), vec![Stmt::assign(target, int(2))])],
            Some(vec![Stmt::assign(target, int(3))]),
        )
    };
    let printed = module(vec![
        Stmt::assign("a", Expr::Bool(false)),
        Stmt::assign("b", Expr::Bool(true)),
        Stmt::If(chain(
            vec![(name("a"), vec![Stmt::assign("_c", int(1))])],
            Some(vec![Stmt::Blank, Stmt::If(inner("_c"))]),
        )),
        Stmt::assign(
            "x",
            Expr::Dict(vec![Entry::If(chain(
                vec![(name("a"), vec![Entry::pair("c", int(1))])],
                Some(vec![Entry::If(chain(
                    vec![(name("b"), vec![Entry::pair("c", int(2))])],
                    None,
                ))]),
            ))]),
        ),
        Stmt::assign(
            "y",
            Expr::List(vec![ListItem::If(chain(
                vec![(name("a"), vec![ListItem::Expr(int(1))])],
                Some(vec![ListItem::If(chain(
                    vec![(name("b"), vec![ListItem::Expr(int(2))])],
                    Some(vec![ListItem::Expr(int(3))]),
                ))]),
            ))]),
        ),
        Stmt::assign("c", name("_c")),
    ])
    .to_string();
    assert_eq!(
        printed,
        "a = False
b = True
if a:
    _c = 1
elif b:
    _c = 2
else:
    _c = 3
x = {
    if a:
        c = 1
    elif b:
        c = 2
}
y = [
    if a:
        1
    elif b:
        2
    else:
        3
]
c = _c
"
    );
    assert_canonical(&printed);
    assert_eq!(
        eval(&printed),
        json!({"a": false, "b": true, "x": {"c": 2}, "y": [2], "c": 2})
    );
}

#[test]
fn a_blank_line_after_an_if_with_else_is_dropped_like_the_formatter_does() {
    let printed = module(vec![
        Stmt::assign("a", Expr::Bool(true)),
        Stmt::If(chain(
            vec![(name("a"), vec![Stmt::assign("_b", int(1))])],
            Some(vec![Stmt::assign("_b", int(2))]),
        )),
        Stmt::Blank,
        comment("about c"),
        Stmt::assign("c", name("_b")),
    ])
    .to_string();
    assert_eq!(
        printed,
        "a = True\nif a:\n    _b = 1\nelse:\n    _b = 2\n# about c\nc = _b\n"
    );
    assert_canonical(&printed);
}

#[test]
fn an_if_without_else_is_followed_by_a_blank_line_as_the_formatter_writes_it() {
    let when = |cond: &str, target: &str| {
        Stmt::If(chain(
            vec![(name(cond), vec![Stmt::assign(target, int(1))])],
            None,
        ))
    };
    let printed = module(vec![
        Stmt::assign("a", Expr::Bool(true)),
        when("a", "b"),
        Stmt::assign("c", int(2)),
        // Nested at the end of a branch: the formatter leaves one blank line per `if`.
        Stmt::If(chain(vec![(name("a"), vec![when("a", "d")])], None)),
        Stmt::assign("e", int(3)),
        when("a", "f"),
    ])
    .to_string();
    assert_eq!(
        printed,
        "a = True
if a:
    b = 1

c = 2
if a:
    if a:
        d = 1


e = 3
if a:
    f = 1

"
    );
    assert_canonical(&printed);
}

#[test]
fn empty_branches_print_as_no_ops_and_empty_else_is_left_out() {
    let printed = module(vec![
        Stmt::assign("a", Expr::Bool(true)),
        Stmt::If(chain(
            vec![(name("a"), vec![])],
            Some(vec![Stmt::assign("z", int(0))]),
        )),
        Stmt::If(chain(
            vec![(name("a"), vec![comment("only a comment")])],
            Some(vec![Stmt::Blank]),
        )),
        Stmt::assign(
            "x",
            Expr::Dict(vec![Entry::If(chain(
                vec![(name("a"), vec![])],
                Some(vec![Entry::pair("b", int(1))]),
            ))]),
        ),
        Stmt::assign(
            "y",
            Expr::List(vec![ListItem::If(chain(
                vec![(name("a"), vec![])],
                Some(vec![]),
            ))]),
        ),
    ])
    .to_string();
    assert_eq!(
        printed,
        "a = True
if a:
    assert True
else:
    z = 0
if a:
    # only a comment
    assert True

x = {
    if a:
        **{}
    else:
        b = 1
}
y = [
    if a:
        *[]
]
"
    );
    assert_canonical(&printed);
    assert_eq!(eval(&printed), json!({"a": true, "x": {}, "y": []}));
}

#[test]
fn chains_without_branches_print_their_else_part_in_place() {
    let printed = module(vec![
        Stmt::If(chain(vec![], Some(vec![Stmt::assign("a", int(1))]))),
        Stmt::If(chain(vec![], None)),
        Stmt::assign(
            "x",
            Expr::Dict(vec![Entry::If(chain(
                vec![],
                Some(vec![Entry::pair("b", int(2))]),
            ))]),
        ),
        Stmt::assign(
            "y",
            Expr::List(vec![ListItem::If(chain(
                vec![],
                Some(vec![ListItem::Expr(int(3))]),
            ))]),
        ),
    ])
    .to_string();
    assert_eq!(printed, "a = 1\nx = {b = 2}\ny = [3]\n");
    assert_canonical(&printed);
}

// ---------------------------------------------------------------------------- comments and blank lines

#[test]
fn blank_lines_collapse_and_never_start_or_end_a_block() {
    let printed = module(vec![
        Stmt::Blank,
        Stmt::assign("a", int(1)),
        Stmt::Blank,
        Stmt::Blank,
        Stmt::assign("b", int(2)),
        Stmt::If(chain(
            vec![(
                name("a"),
                vec![
                    Stmt::Blank,
                    Stmt::assign("c", int(3)),
                    Stmt::Blank,
                    Stmt::assign("d", int(4)),
                    Stmt::Blank,
                ],
            )],
            Some(vec![Stmt::assign("c", int(0))]),
        )),
        Stmt::Blank,
    ])
    .to_string();
    assert_eq!(
        printed,
        "a = 1\n\nb = 2\nif a:\n    c = 3\n\n    d = 4\nelse:\n    c = 0\n"
    );
    assert_canonical(&printed);
}

#[test]
fn a_blank_line_before_a_statement_goes_before_its_comments() {
    let printed = module(vec![
        comment("header"),
        Stmt::Blank,
        comment("about a"),
        Stmt::assign("a", int(1)),
        comment("about b"),
        Stmt::Blank,
        Stmt::assign("b", int(2)),
        comment("first paragraph"),
        Stmt::Blank,
        comment("second paragraph"),
        Stmt::assign("c", int(3)),
        Stmt::Blank,
        comment("trailing"),
        Stmt::Blank,
        comment("lines"),
    ])
    .to_string();
    assert_eq!(
        printed,
        "# header

# about a
a = 1

# about b
b = 2

# first paragraph

# second paragraph
c = 3
# trailing
# lines
"
    );
    assert_canonical(&printed);
}

#[test]
fn two_comment_lines_between_statements_bring_a_blank_line_before_them() {
    let printed = module(vec![
        Stmt::assign("a", int(1)),
        comment("one line"),
        Stmt::assign("b", int(2)),
        comment("two\nlines"),
        Stmt::assign("c", int(3)),
        Stmt::Assign {
            target: "d".into(),
            op: AssignOp::Union,
            value: Expr::Schema {
                name: "R".into(),
                body: vec![],
            },
        },
        comment("not after"),
        comment("a unification"),
        Stmt::assign("e", int(5)),
    ])
    .to_string();
    assert_eq!(
        printed,
        "a = 1\n# one line\nb = 2\n\n# two\n# lines\nc = 3\nd: R {}\n# not after\n# a unification\ne = 5\n"
    );
    assert_canonical(&printed);
}

#[test]
fn comments_print_one_line_per_line_of_text() {
    let printed = module(vec![
        comment("renovate: datasource=helm depName=redis"),
        comment("two\nlines\r\nand\rthree"),
        comment(""),
        comment("  indented"),
        Stmt::assign("a", int(1)),
    ])
    .to_string();
    assert_eq!(
        printed,
        "# renovate: datasource=helm depName=redis\n# two\n# lines\n# and\n# three\n#\n#   indented\na = 1\n"
    );
    assert_canonical(&printed);
}

#[test]
fn comments_inside_branches_stay_before_their_statement() {
    let printed = module(vec![
        Stmt::assign("a", Expr::Bool(true)),
        Stmt::If(chain(
            vec![(
                name("a"),
                vec![
                    comment("first"),
                    Stmt::assign("b", int(1)),
                    Stmt::Blank,
                    comment("second"),
                    Stmt::Blank,
                    comment("third"),
                    Stmt::assign("c", int(2)),
                ],
            )],
            Some(vec![comment("in else"), Stmt::assign("b", int(0))]),
        )),
    ])
    .to_string();
    assert_eq!(
        printed,
        "a = True
if a:
    # first
    b = 1

    # second
    # third
    c = 2
else:
    # in else
    b = 0
"
    );
    assert_canonical(&printed);
}

#[test]
fn comments_at_the_end_of_a_branch_move_after_the_if() {
    let printed = module(vec![
        Stmt::assign("a", Expr::Bool(true)),
        Stmt::If(chain(
            vec![(
                name("a"),
                vec![
                    Stmt::assign("b", int(1)),
                    comment("end of if"),
                    Stmt::If(chain(vec![], None)),
                ],
            )],
            Some(vec![
                Stmt::If(chain(
                    vec![(name("a"), vec![Stmt::assign("b", int(2)), comment("inner")])],
                    Some(vec![Stmt::assign("b", int(3))]),
                )),
                comment("end of else"),
            ]),
        )),
        Stmt::assign("c", int(4)),
    ])
    .to_string();
    assert_eq!(
        printed,
        "a = True
if a:
    b = 1
elif a:
    b = 2
else:
    b = 3
# end of if
# inner
# end of else
c = 4
"
    );
    assert_canonical(&printed);
}

#[test]
fn displaying_a_statement_prints_it_as_a_module_of_its_own() {
    assert_eq!(Stmt::assign("a", int(1)).to_string(), "a = 1\n");
    assert_eq!(comment("x").to_string(), "# x\n");
    assert_eq!(Stmt::Blank.to_string(), "");
    let when = Stmt::If(chain(
        vec![(name("a"), vec![Stmt::assign("b", int(1))])],
        None,
    ));
    // KCL 0.12's formatter keeps the blank line behind an `if` even at the end.
    assert_eq!(when.to_string(), "if a:\n    b = 1\n\n");
    assert_eq!(Stmt::Expr(name("a")).to_string(), "a\n");
    // KCL rejects a statement that starts with `-`.
    assert_eq!(
        Stmt::Expr(bin(neg(name("a")), BinOp::Add, int(1))).to_string(),
        "(-a + 1)\n"
    );
    assert_eq!(
        Stmt::Assign {
            target: "items".into(),
            op: AssignOp::Append,
            value: list(vec![int(1)]),
        }
        .to_string(),
        "items += [1]\n"
    );
    assert_eq!(module(vec![]).to_string(), "");
}

// ---------------------------------------------------------------------------- operators

#[test]
fn operands_get_parentheses_only_where_precedence_needs_them() {
    let (a, b, c) = (name("a"), name("b"), name("c"));
    let cases = [
        (
            bin(bin(a.clone(), BinOp::Or, b.clone()), BinOp::And, c.clone()),
            "(a or b) and c",
        ),
        (
            bin(a.clone(), BinOp::Or, bin(b.clone(), BinOp::And, c.clone())),
            "a or b and c",
        ),
        (
            bin(bin(a.clone(), BinOp::Sub, b.clone()), BinOp::Sub, c.clone()),
            "a - b - c",
        ),
        (
            bin(a.clone(), BinOp::Sub, bin(b.clone(), BinOp::Sub, c.clone())),
            "a - (b - c)",
        ),
        (
            bin(bin(a.clone(), BinOp::Add, b.clone()), BinOp::Mul, c.clone()),
            "(a + b) * c",
        ),
        (
            bin(a.clone(), BinOp::Add, bin(b.clone(), BinOp::Mul, c.clone())),
            "a + b * c",
        ),
        (
            bin(bin(a.clone(), BinOp::Lt, b.clone()), BinOp::Eq, c.clone()),
            "(a < b) == c",
        ),
        (
            bin(a.clone(), BinOp::Eq, bin(b.clone(), BinOp::In, c.clone())),
            "a == (b in c)",
        ),
        (
            bin(
                bin(a.clone(), BinOp::BitOr, b.clone()),
                BinOp::Eq,
                c.clone(),
            ),
            "a | b == c",
        ),
        (
            bin(
                a.clone(),
                BinOp::BitOr,
                bin(b.clone(), BinOp::Eq, c.clone()),
            ),
            "a | (b == c)",
        ),
        (a.clone().binary(BinOp::Eq, b.clone()).not(), "not (a == b)"),
        (bin(a.clone().not(), BinOp::Eq, b.clone()), "not a == b"),
        (neg(bin(a.clone(), BinOp::Add, b.clone())), "-(a + b)"),
        (neg(neg(a.clone())), "-(-a)"),
        (neg(int(-1)), "-(-1)"),
        (a.clone().not().not(), "not (not a)"),
        (
            if_else(
                a.clone(),
                b.clone(),
                if_else(c.clone(), a.clone(), b.clone()),
            ),
            "b if a else a if c else b",
        ),
        (
            if_else(
                if_else(a.clone(), b.clone(), c.clone()),
                a.clone(),
                b.clone(),
            ),
            "a if (b if a else c) else b",
        ),
        (
            bin(
                if_else(a.clone(), b.clone(), c.clone()),
                BinOp::Add,
                a.clone(),
            ),
            "(b if a else c) + a",
        ),
        (bin(int(-1), BinOp::Mul, int(2)), "-1 * 2"),
        (
            Expr::Paren(Box::new(bin(a.clone(), BinOp::Add, b.clone()))),
            "(a + b)",
        ),
        (bin(a.clone(), BinOp::NotIn, b.clone()), "a not in b"),
        (bin(a.clone(), BinOp::Add, b.clone()).attr("x"), "(a + b).x"),
        (int(1).attr("x"), "(1).x"),
        (int(-1).attr("x"), "(-1).x"),
        (Expr::Float(0.5).attr("x"), "(0.5).x"),
        (Expr::Float(2.0).attr("x"), "float(2).x"),
        (s("a").attr("upper"), "\"a\".upper"),
    ];
    for (expr, expected) in cases {
        assert_eq!(expr.to_string(), expected);
        assert_canonical(&format!("x = {expr}\n"));
    }
}

#[test]
fn parenthesised_operands_evaluate_as_the_tree_says() {
    let t = Expr::Bool(true);
    let f = Expr::Bool(false);
    let cases = [
        // (True or True) and False; without parentheses it would be True.
        (
            bin(bin(t.clone(), BinOp::Or, t.clone()), BinOp::And, f.clone()),
            json!(false),
        ),
        (
            bin(int(10), BinOp::Sub, bin(int(4), BinOp::Sub, int(3))),
            json!(9),
        ),
        (
            bin(bin(int(1), BinOp::Add, int(2)), BinOp::Mul, int(3)),
            json!(9),
        ),
        // not (1 == 2) is True; (not 1) == 2 is False.
        (int(1).binary(BinOp::Eq, int(2)).not(), json!(true)),
        // (1 < 2) == True is True; the chain 1 < 2 == True is False.
        (
            bin(bin(int(1), BinOp::Lt, int(2)), BinOp::Eq, t.clone()),
            json!(true),
        ),
        // 3 | (1 == 1) is a type error; (3 | 1) == 3 is True.
        (
            bin(bin(int(3), BinOp::BitOr, int(1)), BinOp::Eq, int(3)),
            json!(true),
        ),
        (neg(neg(int(5))), json!(5)),
        (neg(bin(int(1), BinOp::Add, int(2))), json!(-3)),
        (
            bin(if_else(f.clone(), int(1), int(2)), BinOp::Add, int(10)),
            json!(12),
        ),
        (
            if_else(if_else(t.clone(), f.clone(), t.clone()), int(1), int(2)),
            json!(2),
        ),
        (
            bin(
                dict(vec![("a", int(1))]),
                BinOp::BitOr,
                dict(vec![("b", int(2))]),
            ),
            json!({"a": 1, "b": 2}),
        ),
        (
            Expr::ListComp {
                element: Box::new(name("v")),
                vars: vec!["v".into()],
                iter: Box::new(if_else(t.clone(), list(vec![int(1)]), list(vec![]))),
                cond: Some(Box::new(if_else(t.clone(), t.clone(), f.clone()))),
            },
            json!([1]),
        ),
    ];
    for (expr, expected) in cases {
        assert_eq!(eval_x("", expr.clone()), expected, "{expr}");
    }
}

// ---------------------------------------------------------------------------- numbers

#[test]
fn integers_print_plainly_including_the_extremes() {
    for i in [0, 1, -1, 42, i64::MAX, i64::MIN + 1] {
        assert_eq!(int(i).to_string(), i.to_string());
        assert_eq!(eval_x("", int(i)), json!(i));
    }
    // Written as a literal, the formatter would turn it into `--9223372036854775808`.
    assert_eq!(int(i64::MIN).to_string(), "-9223372036854775807 - 1");
    assert_eq!(eval_x("", int(i64::MIN)), json!(i64::MIN));
    assert_eq!(
        int(i64::MIN).attr("x").to_string(),
        "(-9223372036854775807 - 1).x"
    );
    assert_eq!(
        bin(int(i64::MIN), BinOp::Mul, int(1)).to_string(),
        "(-9223372036854775807 - 1) * 1"
    );
}

/// The number KCL produced for `x = <float>`, read from its JSON text exactly.
fn eval_float(x: f64) -> f64 {
    let printed = module(vec![Stmt::assign("x", Expr::Float(x))]).to_string();
    assert_canonical(&printed);
    let out = runtime()
        .run(&Program::new().source("main.k", printed.as_str()))
        .unwrap_or_else(|e| panic!("{e}\n{printed}"));
    assert!(out.json["x"].is_f64(), "{printed} gave {}", out.json_text);
    // serde_json does not promise to round floats exactly; Rust's own parser does.
    let text = out.json_text.trim();
    let number = text
        .strip_prefix("{\"x\":")
        .and_then(|rest| rest.strip_suffix('}'))
        .unwrap_or_else(|| panic!("unexpected JSON {text}"))
        .trim();
    number.parse().unwrap_or_else(|e| panic!("{number}: {e}"))
}

#[test]
fn floats_print_so_that_kcl_reads_back_the_same_float() {
    let cases = [
        (0.5, "0.5"),
        (-0.5, "-0.5"),
        (0.1, "0.1"),
        (1.0, "float(1)"),
        (-3.0, "float(-3)"),
        (0.0, "float(0)"),
        (-0.0, "float(\"-0.0\")"),
        (1e20, "float(\"1e20\")"),
        (1.5e300, "float(\"1.5e300\")"),
        (2.5e-5, "0.000025"),
        (1e-7, "float(\"1e-7\")"),
        (5e-324, "float(\"5e-324\")"),
        (f64::MAX, "float(\"1.7976931348623157e308\")"),
        (123456.789, "123456.789"),
        (0.30000000000000004, "0.30000000000000004"),
    ];
    for (x, expected) in cases {
        assert_eq!(Expr::Float(x).to_string(), expected);
        let back = eval_float(x);
        assert_eq!(
            back.to_bits(),
            x.to_bits(),
            "{expected} read back as {back}"
        );
    }
}

#[test]
fn non_finite_floats_print_as_kcl_spells_them() {
    assert_eq!(Expr::Float(f64::NAN).to_string(), "float(\"nan\")");
    assert_eq!(Expr::Float(f64::INFINITY).to_string(), "float(\"inf\")");
    assert_eq!(
        Expr::Float(f64::NEG_INFINITY).to_string(),
        "float(\"-inf\")"
    );
    // KCL has no infinite floats: evaluating one is an error, not a different number.
    let printed = Stmt::assign("x", Expr::Float(f64::INFINITY)).to_string();
    assert_canonical(&printed);
    let result = runtime().run(&Program::new().source("main.k", printed.as_str()));
    assert!(
        matches!(&result, Err(Error::Kcl(e)) if e.message.contains("overflow")),
        "{result:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_finite_float_reads_back_exactly(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
        prop_assert_eq!(eval_float(x).to_bits(), x.to_bits());
    }
}

// ---------------------------------------------------------------------------- keys and names

#[test]
fn key_paths_print_dotted_and_fall_back_to_nested_dicts() {
    let value = Expr::Dict(vec![
        path(&["a", "b", "c"], AssignOp::Override, int(2)),
        path(&["a", "type"], AssignOp::Override, s("t")),
        path(&["l", "x-y", "z"], AssignOp::Append, list(vec![int(2)])),
        path(&["single"], AssignOp::Union, int(1)),
    ]);
    let printed = Stmt::assign("x", value).to_string();
    assert_eq!(
        printed,
        "x = {
    a.b.c = 2
    a.type = \"t\"
    l: {
        \"x-y\": {
            z += [2]
        }
    }
    single: 1
}
"
    );
    assert_canonical(&printed);
    let base = "base = {a = {b = {c = 0, d = 1}}, l = {\"x-y\" = {z = [1]}}}\n";
    let merged = eval(&format!(
        "{base}{}",
        printed.replace("x = {", "x = base | {")
    ));
    assert_eq!(
        merged["x"],
        json!({"a": {"b": {"c": 2, "d": 1}, "type": "t"}, "l": {"x-y": {"z": [1, 2]}}, "single": 1})
    );
}

#[test]
fn attributes_that_are_not_identifiers_are_selected_by_index() {
    let expr = name("d").attr("a-b").attr_opt("c.d").attr_opt("type");
    assert_eq!(expr.to_string(), "d[\"a-b\"]?[\"c.d\"]?.type");
    let prelude = "d = {\"a-b\" = {\"c.d\" = {type = 1}}}\n";
    assert_eq!(eval_x(prelude, expr), json!(1));
    assert_eq!(
        eval_x("d = None\n", name("d").attr_opt("a-b").attr_opt("x")),
        Value::Null
    );
}

#[test]
fn qualified_and_keyword_names_print_escaped() {
    let printed = module(vec![
        Stmt::assign("type", int(1)),
        Stmt::assign(
            "x",
            bin(name("type"), BinOp::Add, name("math.pi").attr("real")),
        ),
        Stmt::assign(
            "y",
            Expr::ListComp {
                element: Box::new(name("in")),
                vars: vec!["in".into()],
                iter: Box::new(list(vec![int(1)])),
                cond: None,
            },
        ),
    ])
    .to_string();
    assert_eq!(
        printed,
        "$type = 1\nx = $type + math.pi.real\ny = [$in for $in in [1]]\n"
    );
    assert_canonical(&printed);
}

#[test]
fn names_kcl_cannot_spell_print_as_syntax_errors_not_as_other_code() {
    for bad in ["a-b", "", "1x", "a b", "a..b", "é"] {
        for stmt in [
            Stmt::assign(bad, int(1)),
            Stmt::assign("x", name(bad)),
            Stmt::assign(
                "x",
                Expr::Schema {
                    name: bad.into(),
                    body: vec![],
                },
            ),
            Stmt::assign(
                "x",
                Expr::Call {
                    func: Box::new(name("f")),
                    args: vec![],
                    kwargs: vec![(bad.into(), int(1))],
                },
            ),
            Stmt::assign(
                "x",
                Expr::Dict(vec![Entry::Pair {
                    key: Key::Path(vec![]),
                    op: AssignOp::Override,
                    value: int(1),
                }]),
            ),
        ] {
            let printed = module(vec![stmt]).to_string();
            assert!(printed.contains("<invalid name"), "{printed}");
            assert_syntax_error(&printed);
        }
    }
}

#[test]
fn a_statement_union_with_anything_but_a_schema_is_a_syntax_error() {
    // `name: value` exists only as `name: Schema {...}` at statement level.
    let printed = Stmt::Assign {
        target: "a".into(),
        op: AssignOp::Union,
        value: dict(vec![("b", int(1))]),
    }
    .to_string();
    assert_eq!(printed, "a: {b = 1}\n");
    assert_syntax_error(&printed);
    let schema = Stmt::Assign {
        target: "a".into(),
        op: AssignOp::Union,
        value: Expr::Schema {
            name: "R".into(),
            body: vec![Entry::pair("b", int(1))],
        },
    };
    // A builtin type's name there would read as a typed assignment.
    let builtin = Stmt::Assign {
        target: "a".into(),
        op: AssignOp::Union,
        value: Expr::Schema {
            name: "int".into(),
            body: vec![],
        },
    }
    .to_string();
    assert_eq!(builtin, "a: <invalid name \"int\">\n");
    let printed = module(vec![schema.clone(), schema]).to_string();
    assert_eq!(printed, "a: R {b = 1}\na: R {b = 1}\n");
    assert_canonical(&printed);
    assert_eq!(
        eval(&format!("schema R:\n    b: int\n\n{printed}"))["a"],
        json!({"b": 1})
    );
}

// ---------------------------------------------------------------------------- schema definitions

fn attr(name: &str, optional: bool, ty: Type, default: Option<Expr>) -> Attr {
    Attr {
        name: name.into(),
        optional,
        ty,
        default,
    }
}

fn any_dict() -> Type {
    Type::Dict(Box::new(Type::Str), Box::new(Type::Any))
}

#[test]
fn schema_definitions_print_attributes_then_statements_then_a_blank_line() {
    let release = Schema {
        name: "release".into(),
        attrs: vec![
            attr("_name", false, Type::Str, None),
            attr("_url", true, Type::Str, None),
            attr("_retain", false, Type::Bool, Some(Expr::Bool(false))),
            attr(
                "_kind",
                false,
                Type::Union(vec![
                    Type::Literal("Release".into()),
                    Type::Literal("Object".into()),
                ]),
                Some(s("Object")),
            ),
            attr("_values", true, any_dict(), None),
            attr("_refs", true, Type::List(Box::new(any_dict())), None),
            attr("type", true, Type::Str, None),
            attr("schema", true, Type::Int, Some(int(1))),
        ],
        body: vec![
            comment("What it makes."),
            Stmt::assign("kind", s("Release")),
            Stmt::assign(
                "metadata",
                dict(vec![("name", name("_name")), ("retain", name("_retain"))]),
            ),
            Stmt::Blank,
            Stmt::If(chain(
                vec![(name("_url"), vec![Stmt::assign("url", name("_url"))])],
                None,
            )),
            Stmt::assign("kindOf", name("_kind")),
        ],
    };
    let printed = module(vec![
        comment("A release."),
        Stmt::Schema(release),
        Stmt::Schema(Schema {
            name: "Empty".into(),
            attrs: vec![],
            body: vec![],
        }),
        Stmt::assign(
            "x",
            Expr::Schema {
                name: "release".into(),
                body: vec![
                    Entry::pair("_name", s("r")),
                    Entry::pair("_url", s("u")),
                    Entry::pair("type", s("t")),
                ],
            },
        ),
        Stmt::assign(
            "y",
            Expr::Schema {
                name: "Empty".into(),
                body: vec![],
            },
        ),
        Stmt::Schema(Schema {
            name: "Last".into(),
            attrs: vec![attr("n", false, Type::Named("release".into()), None)],
            body: vec![],
        }),
    ])
    .to_string();
    assert_eq!(
        printed,
        r#"# A release.
schema release:
    _name: str
    _url?: str
    _retain: bool = False
    _kind: "Release" | "Object" = "Object"
    _values?: {str:}
    _refs?: [{str:}]
    $type?: str
    $schema?: int = 1
    # What it makes.
    kind = "Release"
    metadata = {name = _name, retain = _retain}

    if _url:
        url = _url

    kindOf = _kind

schema Empty:
    assert True

x = release {_name = "r", _url = "u", type = "t"}
y = Empty {}
schema Last:
    n: release

"#
    );
    assert_canonical(&printed);
    assert_eq!(
        eval(&printed)["x"],
        json!({"type": "t", "schema": 1, "kind": "Release", "metadata": {"name": "r", "retain": false}, "url": "u", "kindOf": "Object"})
    );
}

#[test]
fn every_type_prints_as_kcl_spells_it_and_checks_values() {
    let types = [
        (Type::Any, "any", json!([1])),
        (Type::Bool, "bool", json!(true)),
        (Type::Int, "int", json!(2)),
        (Type::Float, "float", json!(1.5)),
        (Type::Str, "str", json!("s")),
        (
            Type::Literal("a\"b é".into()),
            "\"a\\\"b é\"",
            json!("a\"b é"),
        ),
        (Type::List(Box::new(Type::Int)), "[int]", json!([1, 2])),
        (
            Type::Dict(
                Box::new(Type::Str),
                Box::new(Type::List(Box::new(any_dict()))),
            ),
            "{str:[{str:}]}",
            json!({"k": [{"a": 1}]}),
        ),
        (
            Type::Union(vec![Type::Int, Type::Str]),
            "int | str",
            json!("u"),
        ),
        (Type::Named("pkg.Name".into()), "pkg.Name", Value::Null),
    ];
    for (ty, text, _) in &types {
        let printed = Stmt::Schema(Schema {
            name: "S".into(),
            attrs: vec![attr("a", true, ty.clone(), None)],
            body: vec![],
        })
        .to_string();
        assert_eq!(printed, format!("schema S:\n    a?: {text}\n\n"));
        assert_canonical(&printed);
    }
    for (ty, _, value) in types.into_iter().filter(|(_, _, v)| !v.is_null()) {
        let schema = Stmt::Schema(Schema {
            name: "S".into(),
            attrs: vec![attr("a", false, ty, None)],
            body: vec![],
        });
        let x = Expr::Schema {
            name: "S".into(),
            body: vec![Entry::pair("a", Expr::try_from_json(&value).unwrap())],
        };
        let printed = module(vec![schema, Stmt::assign("x", x)]).to_string();
        assert_eq!(eval(&printed)["x"]["a"], value, "{printed}");
    }
    // A value of another type is refused.
    let schema = Stmt::Schema(Schema {
        name: "S".into(),
        attrs: vec![attr("a", false, Type::Literal("R".into()), None)],
        body: vec![],
    });
    let printed = module(vec![
        schema,
        Stmt::assign(
            "x",
            Expr::Schema {
                name: "S".into(),
                body: vec![Entry::pair("a", s("O"))],
            },
        ),
    ])
    .to_string();
    assert!(
        runtime()
            .run(&Program::new().source("main.k", printed.as_str()))
            .is_err(),
        "{printed}"
    );
}

#[test]
fn a_string_type_kcl_cannot_spell_is_a_syntax_error() {
    // The formatter writes a string type's text back unescaped, and KCL compares escaped
    // ones wrongly: only a quote can be escaped there.
    for text in ["a\nb", "a\\b", "${b}", "tab\t", "\u{17d8}"] {
        let printed = Stmt::Schema(Schema {
            name: "S".into(),
            attrs: vec![attr("a", true, Type::Literal(text.into()), None)],
            body: vec![],
        })
        .to_string();
        assert!(printed.contains("<invalid type"), "{printed}");
        assert_syntax_error(&printed);
    }
}

#[test]
fn a_schema_definition_below_the_top_level_or_with_a_quoted_attribute_is_a_syntax_error() {
    let schema = || {
        Stmt::Schema(Schema {
            name: "S".into(),
            attrs: vec![],
            body: vec![],
        })
    };
    // KCL reads `"a-b": int`, but the formatter moves the blank lines around it.
    let quoted = Stmt::Schema(Schema {
        name: "S".into(),
        attrs: vec![attr("a-b", false, Type::Int, None)],
        body: vec![],
    });
    for printed in [
        module(vec![Stmt::If(chain(
            vec![(Expr::Bool(true), vec![schema()])],
            None,
        ))])
        .to_string(),
        module(vec![Stmt::Schema(Schema {
            name: "T".into(),
            attrs: vec![],
            body: vec![schema()],
        })])
        .to_string(),
        module(vec![quoted]).to_string(),
    ] {
        assert!(printed.contains("<invalid"), "{printed}");
        assert_syntax_error(&printed);
    }
}

// ---------------------------------------------------------------------------- dotted keys

#[test]
fn one_entry_chains_become_dotted_keys_and_evaluate_the_same() {
    let value = json!({
        "metadata": {"labels": {"app": "a"}},
        "spec": {"template": {"a": 1, "b": 2}, "type": {"if": {"x": {}}}},
        "list": [{"x": {"y": 1}}, {"z": {"a-b": 1}}],
        "odd-key": {"c": 1},
    });
    let printed =
        Stmt::assign("x", Expr::try_from_json(&value).unwrap().with_dotted_keys()).to_string();
    assert_eq!(
        printed,
        r#"x = {
    metadata.labels.app = "a"
    spec = {template = {a = 1, b = 2}, type.if.x = {}}
    list = [
        {x.y = 1}
        {
            z = {"a-b" = 1}
        }
    ]
    "odd-key" = {c = 1}
}
"#
    );
    assert_canonical(&printed);
    assert_eq!(eval(&printed)["x"], value);
}

#[test]
fn an_entry_that_another_could_merge_with_keeps_its_dict() {
    let one = |k: &str| dict(vec![(k, int(1))]);
    let entry = |key: &str, op, value| Entry::Pair {
        key: Key::Name(key.into()),
        op,
        value,
    };
    let kept = |entries: Vec<Entry>| {
        let value = Expr::Dict(entries);
        assert_eq!(value.clone().with_dotted_keys(), value);
    };
    // `=` beside another entry for the same key, or beside `**`: replacing is not merging.
    kept(vec![
        entry("a", AssignOp::Override, one("b")),
        entry("a", AssignOp::Override, one("c")),
    ]);
    kept(vec![
        entry("a", AssignOp::Override, one("b")),
        Entry::If(chain(
            vec![(name("c"), vec![entry("a", AssignOp::Override, one("d"))])],
            None,
        )),
    ]);
    kept(vec![
        entry("a", AssignOp::Override, one("b")),
        Entry::Unpack(name("more")),
    ]);
    // `+=`, a dict of two entries, a `**` or `if` inside, a key that is not an identifier.
    kept(vec![entry("a", AssignOp::Append, one("b"))]);
    kept(vec![entry(
        "a",
        AssignOp::Override,
        dict(vec![("b", int(1)), ("c", int(2))]),
    )]);
    kept(vec![entry(
        "a",
        AssignOp::Override,
        Expr::Dict(vec![Entry::Unpack(name("more"))]),
    )]);
    kept(vec![entry("a-b", AssignOp::Override, one("c"))]);
    kept(vec![entry("a", AssignOp::Override, one("c-d"))]);
    // `:` merges anyway: those entries are rewritten, in `if` branches too.
    let merged = Expr::Dict(vec![
        entry("a", AssignOp::Union, one("b")),
        Entry::If(chain(
            vec![(name("c"), vec![entry("a", AssignOp::Union, one("d"))])],
            None,
        )),
    ])
    .with_dotted_keys();
    assert_eq!(
        Stmt::assign("x", merged).to_string(),
        "x = {\n    a.b = 1\n    if c:\n        a.d = 1\n}\n"
    );
    // A schema config's own entries stay (its attributes may have defaults to merge into);
    // the dicts in their values do not.
    let config = Expr::Schema {
        name: "R".into(),
        body: vec![
            Entry::pair("spec", dict(vec![("a", one("b")), ("c", one("d"))])),
            Entry::pair("status", one("e")),
        ],
    };
    assert_eq!(
        config.with_dotted_keys().to_string(),
        "R {spec = {a.b = 1, c.d = 1}, status = {e = 1}}"
    );
}

#[test]
fn a_dotted_key_merges_where_a_dict_would_replace() {
    // What `with_dotted_keys` warns about: the value is the same, a merge is not.
    let x = dict(vec![("a", dict(vec![("b", int(1))]))]);
    let base = "base = {a = {c = 2}}\n";
    let replaced = eval(&format!(
        "{base}{}y = base | x\n",
        Stmt::assign("x", x.clone())
    ));
    let merged = eval(&format!(
        "{base}{}y = base | x\n",
        Stmt::assign("x", x.with_dotted_keys())
    ));
    assert_eq!(replaced["x"], merged["x"]);
    assert_eq!(replaced["y"], json!({"a": {"b": 1}}));
    assert_eq!(merged["y"], json!({"a": {"c": 2, "b": 1}}));
}

/// `x = <value>` after `prelude`, as written and with dotted keys: both texts and what each
/// evaluates to.
fn as_written_and_dotted(prelude: &str, value: Expr) -> [(String, Result<Value, Error>); 2] {
    [value.clone(), value.with_dotted_keys()].map(|value| {
        let printed = module(vec![Stmt::assign("x", value)]).to_string();
        assert_canonical(&printed);
        let program = format!("{prelude}{printed}");
        let result = runtime()
            .run(&Program::new().source("main.k", &program))
            .map(|out| out.json["x"].clone());
        (printed, result)
    })
}

#[test]
fn an_override_inside_a_value_that_merges_into_another_stays_an_override() {
    let entry = |key: &str, op, value| Entry::Pair {
        key: Key::Name(key.into()),
        op,
        value,
    };
    let one = |key: &str, op, value| Expr::Dict(vec![entry(key, op, value)]);
    // A property test found this one: `b: {type = {a = 0}}` overrides the `type` that
    // `b = {type = 0}` set; as `b.type.a = 0` it would merge into it and conflict.
    let [(_, written), (dotted, merged)] = as_written_and_dotted(
        "",
        Expr::Dict(vec![
            entry(
                "b",
                AssignOp::Override,
                one("type", AssignOp::Override, int(0)),
            ),
            entry(
                "b",
                AssignOp::Union,
                one(
                    "type",
                    AssignOp::Override,
                    one("a", AssignOp::Override, int(0)),
                ),
            ),
        ]),
    );
    assert_eq!(written.ok(), Some(json!({"b": {"type": {"a": 0}}})));
    assert_eq!(
        merged.ok(),
        Some(json!({"b": {"type": {"a": 0}}})),
        "{dotted}"
    );
    assert_eq!(dotted, "x = {b = {type = 0}, b.type = {a = 0}}\n");
    // The same inside the items of a list that merges into another, item by item.
    let listed = |value| Expr::List(vec![ListItem::Expr(value)]);
    let [(_, written), (dotted, merged)] = as_written_and_dotted(
        "",
        Expr::Dict(vec![
            entry(
                "a",
                AssignOp::Override,
                listed(one(
                    "b",
                    AssignOp::Override,
                    one("c", AssignOp::Override, int(1)),
                )),
            ),
            entry(
                "a",
                AssignOp::Union,
                listed(one(
                    "b",
                    AssignOp::Override,
                    one("d", AssignOp::Override, int(2)),
                )),
            ),
        ]),
    );
    assert_eq!(written.ok(), Some(json!({"a": [{"b": {"d": 2}}]})));
    assert_eq!(
        merged.ok(),
        Some(json!({"a": [{"b": {"d": 2}}]})),
        "{dotted}"
    );
    // And in a schema config's `:` entry, which merges into the attribute's default.
    let [(_, written), (dotted, merged)] = as_written_and_dotted(
        "schema R:\n    a: {str:any} = {b = {d = 2}}\n\n",
        Expr::Schema {
            name: "R".into(),
            body: vec![entry(
                "a",
                AssignOp::Union,
                one(
                    "b",
                    AssignOp::Override,
                    one("c", AssignOp::Override, int(1)),
                ),
            )],
        },
    );
    assert_eq!(written.ok(), Some(json!({"a": {"b": {"c": 1}}})));
    assert_eq!(merged.ok(), Some(json!({"a": {"b": {"c": 1}}})), "{dotted}");
}

/// A schema whose defaults the generated configs merge into: a dict, a list and a scalar
/// under the generated keys, and any other key through its index signature.
const MERGE_TARGET: &str = "schema R:
    [...str]: any
    a: any = {b = {type = 0}}
    type: any = [{a = {b = 1}}]
    b: any = 0

";

/// Dicts, configs of [`MERGE_TARGET`] and lists that mix `=` and `:`, repeat keys, and
/// hold `if`s on constants: what values and manifests are made of.
fn arb_literal_dict() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        any::<i8>().prop_map(|i| int(i.into())),
        Just(Expr::Dict(vec![]))
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        let pair = (
            prop_oneof![Just("a"), Just("b"), Just("type"), Just("x-y")],
            prop_oneof![Just(AssignOp::Override), Just(AssignOp::Union)],
            inner.clone(),
        )
            .prop_map(|(key, op, value)| Entry::Pair {
                key: Key::Name(key.into()),
                op,
                value,
            });
        let entry = prop_oneof![
            4 => pair.clone(),
            1 => (any::<bool>(), prop::collection::vec(pair, 1..3)).prop_map(|(cond, body)| {
                Entry::If(IfChain { branches: vec![(Expr::Bool(cond), body)], orelse: None })
            }),
        ];
        // One entry more often than not: those are the ones that become dotted keys.
        let entries = prop_oneof![
            2 => prop::collection::vec(entry.clone(), 1..2),
            1 => prop::collection::vec(entry, 0..4),
        ];
        let key = prop_oneof![Just("a"), Just("b"), Just("type")];
        prop_oneof![
            4 => entries.clone().prop_map(Expr::Dict),
            1 => entries.prop_map(|body| Expr::Schema { name: "R".into(), body }),
            1 => prop::collection::vec(inner.clone(), 0..3)
                .prop_map(|items| Expr::List(items.into_iter().map(ListItem::Expr).collect())),
            // One value merged into another: where `=` and `:` inside it differ.
            2 => (key, inner.clone(), inner).prop_map(|(key, base, merged)| {
                let entry = |op, value| Entry::Pair { key: Key::Name(key.into()), op, value };
                Expr::Dict(vec![entry(AssignOp::Override, base), entry(AssignOp::Union, merged)])
            }),
        ]
    })
}

proptest! {
    // 256 cases, or as many as `PROPTEST_CASES` asks for.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn any_json_value_with_dotted_keys_evaluates_back_to_it(value in arb_json()) {
        let printed = module(vec![Stmt::assign("x", Expr::try_from_json(&value).unwrap().with_dotted_keys())]).to_string();
        assert_canonical(&printed);
        prop_assert_eq!(&eval(&printed)["x"], &value, "{}", printed);
    }

    /// Wherever the literal as written evaluates, the dotted one evaluates to the same value
    /// (a repeated `=` key replaces, a repeated `:` key merges or conflicts), and where it
    /// does not, neither does the dotted one.
    #[test]
    fn dotted_keys_never_change_what_a_literal_dict_is(value in arb_literal_dict()) {
        let [(original, a), (dotted, b)] = as_written_and_dotted(MERGE_TARGET, value);
        match (a, b) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b, "{}\n{}", original, dotted),
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "{:?} vs {:?}\n{}\n{}", a, b, original, dotted),
        }
    }
}

// ---------------------------------------------------------------------------- whole modules

#[test]
fn a_realistic_composition_module_is_canonical_and_evaluates() {
    let release = |name: &str, values: Expr| Expr::Schema {
        name: "Release".into(),
        body: vec![
            Entry::pair("_name", s(name)),
            Entry::pair("_version", Expr::name("redisVersion")),
            Entry::pair("_values", values),
        ],
    };
    let enabled = |app: &str| {
        name("_apps")
            .attr_opt(app)
            .attr_opt("enabled")
            .binary(BinOp::Eq, Expr::Bool(true))
    };
    let body = vec![
        comment("Generated by kcl-codegen: do not edit."),
        Stmt::Blank,
        comment("renovate: datasource=helm depName=redis registryUrl=https://charts.example.com"),
        Stmt::assign("redisVersion", s("2.17.0")),
        Stmt::Blank,
        Stmt::assign("_items", Expr::List(vec![])),
        Stmt::assign(
            "_apps",
            dict(vec![
                ("redis", dict(vec![("enabled", Expr::Bool(true))])),
                ("tempo", Expr::None),
            ]),
        ),
        comment("An app is enabled when asked for, or when an enabled app requires it."),
        Stmt::assign("_redisEnabled", enabled("redis")),
        Stmt::assign(
            "_tempoEnabled",
            enabled("tempo").binary(BinOp::Or, name("_redisEnabled")),
        ),
        Stmt::Blank,
        Stmt::If(chain(
            vec![(
                name("_redisEnabled"),
                vec![Stmt::Assign {
                    target: "_items".into(),
                    op: AssignOp::Append,
                    value: Expr::List(vec![ListItem::Expr(release(
                        "redis",
                        Expr::Dict(vec![
                            Entry::Pair {
                                key: Key::Name("krm.kcl.dev/ready".into()),
                                op: AssignOp::Union,
                                value: s("True"),
                            },
                            Entry::If(chain(
                                vec![(
                                    name("_tempoEnabled"),
                                    vec![path(
                                        &["network", "policy"],
                                        AssignOp::Override,
                                        s("tempo"),
                                    )],
                                )],
                                None,
                            )),
                        ]),
                    ))]),
                }],
            )],
            None,
        )),
        Stmt::If(chain(
            vec![(
                name("_tempoEnabled"),
                vec![Stmt::Assign {
                    target: "_items".into(),
                    op: AssignOp::Append,
                    value: Expr::List(vec![ListItem::Expr(release("tempo", Expr::Dict(vec![])))]),
                }],
            )],
            Some(vec![
                comment("Nothing to install."),
                Stmt::assign("_none", Expr::None),
            ]),
        )),
        Stmt::Blank,
        Stmt::assign(
            "items",
            Expr::ListComp {
                element: Box::new(name("i").attr("name")),
                vars: vec!["i".into()],
                iter: Box::new(name("_items")),
                cond: None,
            },
        ),
        Stmt::assign(
            "values",
            Expr::Index {
                value: Box::new(name("_items")),
                index: Box::new(int(0)),
                null_safe: false,
            }
            .attr("values"),
        ),
    ];
    let printed = module(body).to_string();
    assert_eq!(
        printed,
        r#"# Generated by kcl-codegen: do not edit.

# renovate: datasource=helm depName=redis registryUrl=https://charts.example.com
redisVersion = "2.17.0"

_items = []
_apps = {redis = {enabled = True}, tempo = None}
# An app is enabled when asked for, or when an enabled app requires it.
_redisEnabled = _apps?.redis?.enabled == True
_tempoEnabled = _apps?.tempo?.enabled == True or _redisEnabled

if _redisEnabled:
    _items += [
        Release {
            _name = "redis"
            _version = redisVersion
            _values = {
                "krm.kcl.dev/ready": "True"
                if _tempoEnabled:
                    network.policy = "tempo"
            }
        }
    ]

if _tempoEnabled:
    _items += [Release {_name = "tempo", _version = redisVersion, _values = {}}]
else:
    # Nothing to install.
    _none = None
items = [i.name for i in _items]
values = _items[0].values
"#
    );
    assert_canonical(&printed);
    let prelude = "schema Release:\n    _name: str\n    _version: str\n    _values: {str:}\n    name: str = _name\n    version: str = _version\n    values: {str:} = _values\n\n";
    let out = eval(&format!("{prelude}{printed}"));
    assert_eq!(out["items"], json!(["redis", "tempo"]));
    assert_eq!(
        out["values"],
        json!({"krm.kcl.dev/ready": "True", "network": {"policy": "tempo"}})
    );
}

#[test]
fn json_values_print_as_literals_that_evaluate_back_to_them() {
    let value = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "a", "labels": {"app.kubernetes.io/name": "a"}, "annotations": {}},
        "type": "object",
        "properties": {"replicas": {"type": "integer", "default": 1, "minimum": 0}},
        "required": ["replicas"],
        "enum": [null, true, 1.5, -2, "${x}"],
        "nested": [[], [{}], [{"a": [1, 2]}]],
        "": "empty key",
        "if": "keyword",
        "$schema": "dollar",
    });
    let printed = module(vec![Stmt::assign(
        "x",
        Expr::try_from_json(&value).unwrap(),
    )])
    .to_string();
    assert_canonical(&printed);
    assert_eq!(eval(&printed)["x"], value);
}

#[test]
fn json_integers_beyond_64_bits_are_refused_with_their_path_and_the_range() {
    // A float in their place would lose digits: 18446744073709551615 would print as
    // 1.8446744073709552e19.
    for big in [i64::MAX as u64 + 1, u64::MAX] {
        let value = json!({"pools": [{"min": 1}, {"min": big}]});
        let error = Expr::try_from_json(&value).unwrap_err();
        assert_eq!(error.path, "pools[1].min");
        assert_eq!(
            error.to_string(),
            format!(
                "pools[1].min: {big} is beyond KCL's integers, which are 64-bit \
                 (-9223372036854775808 to 9223372036854775807)"
            )
        );
    }
    // The extremes of 64 bits are integers, and floats stay floats, however large.
    let value = json!([i64::MAX, i64::MIN, 1.8446744073709552e19, -1e300]);
    assert_eq!(eval_x("", Expr::try_from_json(&value).unwrap()), value);
}

/// A JSON value of `depth` lists, one inside the other, around a number.
fn nested_lists(depth: usize) -> Value {
    (0..depth).fold(json!(1), |inner, _| Value::Array(vec![inner]))
}

#[test]
fn json_values_deeper_than_kcl_outputs_are_refused_before_the_runtime_sees_them() {
    // 126 levels print and evaluate back.
    let deepest = nested_lists(126);
    assert_eq!(eval_x("", Expr::try_from_json(&deepest).unwrap()), deepest);
    // At 127 the runtime fails with a message of its own internals, as the same literal
    // written by hand shows; the conversion refuses it first, at its path, with the limit.
    let too_deep = nested_lists(127);
    let literal = (0..127).fold(int(1), |inner, _| list(vec![inner]));
    let printed = module(vec![Stmt::assign("x", literal)]).to_string();
    let result = runtime().run(&Program::new().source("main.k", &printed));
    assert!(
        matches!(&result, Err(Error::Kcl(e)) if e.message.contains("called `Result::unwrap()`")),
        "{result:?}"
    );
    let error = Expr::try_from_json(&json!({"a": {"b": too_deep}})).unwrap_err();
    assert_eq!(
        error.to_string(),
        "a.b[0][0][0][0][0][0]...(117 more)...[0]: nested 127 lists and mappings deep; the \
         KCL runtime reads at most 126"
    );
}

// ---------------------------------------------------------------------------- operators, at random

/// A value of the small typed language the next property draws expressions from.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Int(i64),
    Bool(bool),
}

impl Val {
    fn int(self) -> i64 {
        match self {
            Val::Int(i) => i,
            Val::Bool(_) => unreachable!("typed by construction"),
        }
    }

    fn bool(self) -> bool {
        match self {
            Val::Bool(b) => b,
            Val::Int(_) => unreachable!("typed by construction"),
        }
    }
}

/// What the tree means, computed in Rust.
fn meaning(expr: &Expr) -> Val {
    match expr {
        Expr::Int(i) => Val::Int(*i),
        Expr::Bool(b) => Val::Bool(*b),
        Expr::Paren(inner) => meaning(inner),
        Expr::Unary { op, operand } => match op {
            UnaryOp::Neg => Val::Int(-meaning(operand).int()),
            UnaryOp::Not => Val::Bool(!meaning(operand).bool()),
        },
        Expr::IfElse { cond, then, orelse } => {
            if meaning(cond).bool() {
                meaning(then)
            } else {
                meaning(orelse)
            }
        }
        Expr::Binary { left, op, right } => {
            let (l, r) = (meaning(left), meaning(right));
            match op {
                BinOp::And => Val::Bool(l.bool() && r.bool()),
                BinOp::Or => Val::Bool(l.bool() || r.bool()),
                BinOp::Eq => Val::Bool(l == r),
                BinOp::NotEq => Val::Bool(l != r),
                BinOp::Lt => Val::Bool(l.int() < r.int()),
                BinOp::LtE => Val::Bool(l.int() <= r.int()),
                BinOp::Gt => Val::Bool(l.int() > r.int()),
                BinOp::GtE => Val::Bool(l.int() >= r.int()),
                BinOp::Add => Val::Int(l.int() + r.int()),
                BinOp::Sub => Val::Int(l.int() - r.int()),
                BinOp::Mul => Val::Int(l.int() * r.int()),
                BinOp::BitOr => Val::Int(l.int() | r.int()),
                BinOp::In | BinOp::NotIn => unreachable!("not generated"),
            }
        }
        other => unreachable!("not generated: {other:?}"),
    }
}

/// Integer expressions (small enough never to overflow) and boolean ones, every operator
/// mixed with every other, parentheses only where the tree has `Expr::Paren`.
fn arb_typed(want_bool: bool, depth: u32) -> BoxedStrategy<Expr> {
    let leaf = if want_bool {
        any::<bool>().prop_map(Expr::Bool).boxed()
    } else {
        (-9i64..10).prop_map(Expr::Int).boxed()
    };
    if depth == 0 {
        return leaf;
    }
    let int = || arb_typed(false, depth - 1);
    let boolean = || arb_typed(true, depth - 1);
    let b = |e: Expr| Box::new(e);
    let if_else = (
        boolean(),
        arb_typed(want_bool, depth - 1),
        arb_typed(want_bool, depth - 1),
    )
        .prop_map(move |(cond, then, orelse)| Expr::IfElse {
            cond: b(cond),
            then: b(then),
            orelse: b(orelse),
        });
    let paren = arb_typed(want_bool, depth - 1).prop_map(|e| Expr::Paren(Box::new(e)));
    if want_bool {
        let logic = (
            boolean(),
            prop_oneof![
                Just(BinOp::And),
                Just(BinOp::Or),
                Just(BinOp::Eq),
                Just(BinOp::NotEq)
            ],
            boolean(),
        )
            .prop_map(|(l, op, r)| bin(l, op, r));
        let compare = (
            int(),
            prop_oneof![
                Just(BinOp::Eq),
                Just(BinOp::NotEq),
                Just(BinOp::Lt),
                Just(BinOp::LtE),
                Just(BinOp::Gt),
                Just(BinOp::GtE)
            ],
            int(),
        )
            .prop_map(|(l, op, r)| bin(l, op, r));
        let not = boolean().prop_map(Expr::not);
        prop_oneof![1 => leaf, 3 => logic, 3 => compare, 1 => not, 1 => if_else, 1 => paren].boxed()
    } else {
        let arith = (
            int(),
            prop_oneof![
                Just(BinOp::Add),
                Just(BinOp::Sub),
                Just(BinOp::Mul),
                Just(BinOp::BitOr)
            ],
            int(),
        )
            .prop_map(|(l, op, r)| bin(l, op, r));
        let negate = int().prop_map(neg);
        prop_oneof![1 => leaf, 4 => arith, 1 => negate, 1 => if_else, 1 => paren].boxed()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Precedence, proved by evaluation: KCL computes what the tree means.
    #[test]
    fn printed_operators_evaluate_to_what_the_tree_means(
        exprs in prop::collection::vec(any::<bool>().prop_flat_map(|b| arb_typed(b, 4)), 1..8),
    ) {
        let body = exprs
            .iter()
            .enumerate()
            .map(|(i, e)| Stmt::assign(format!("x{i}"), e.clone()))
            .collect();
        let printed = module(body).to_string();
        assert_canonical(&printed);
        let out = eval(&printed);
        for (i, expr) in exprs.iter().enumerate() {
            let expected = match meaning(expr) {
                Val::Int(v) => json!(v),
                Val::Bool(v) => json!(v),
            };
            prop_assert_eq!(&out[format!("x{i}")], &expected, "x{} = {}", i, expr);
        }
    }
}

/// JSON values with nasty keys and strings. Keys never start with `_`: KCL keeps such keys
/// in a dict but leaves them out of its output. Floats are short binary fractions, which
/// serde_json reads back exactly.
fn arb_json() -> impl Strategy<Value = Value> {
    let text = "[a-z\"\\$\\{\\}\n\t\x00-\x1f\u{80}-\u{10ffff}./ -]{0,8}";
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        (-1000i32..1000).prop_map(|i| json!(f64::from(i) / 8.0 + 0.125)),
        text.prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(
                (
                    text.prop_filter("no hidden keys", |k| !k.starts_with('_')),
                    inner
                ),
                0..5
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_json_value_prints_as_a_literal_that_evaluates_back_to_it(value in arb_json()) {
        let printed = module(vec![Stmt::assign("x", Expr::try_from_json(&value).unwrap())]).to_string();
        assert_canonical(&printed);
        prop_assert_eq!(&eval(&printed)["x"], &value, "{}", printed);
    }
}

// ---------------------------------------------------------------------------- random trees

/// Names as generators use them, keywords included.
fn arb_name() -> BoxedStrategy<String> {
    prop_oneof![
        Just("a".to_string()),
        Just("type".to_string()),
        Just("_items".to_string()),
        Just("schema".to_string()),
        "[a-z_][a-z0-9_]{0,6}",
    ]
    .boxed()
}

fn arb_key() -> impl Strategy<Value = Key> {
    prop_oneof![
        3 => prop_oneof![arb_name(), "[a-z./ -]{0,8}", Just("krm.kcl.dev/ready".to_string())].prop_map(Key::Name),
        1 => prop::collection::vec(prop_oneof![arb_name(), Just("x-y".to_string())], 1..4).prop_map(Key::Path),
    ]
}

fn arb_op() -> impl Strategy<Value = AssignOp> {
    prop_oneof![
        Just(AssignOp::Override),
        Just(AssignOp::Union),
        Just(AssignOp::Append)
    ]
}

fn arb_binop() -> impl Strategy<Value = BinOp> {
    prop_oneof![
        Just(BinOp::And),
        Just(BinOp::Or),
        Just(BinOp::Eq),
        Just(BinOp::NotEq),
        Just(BinOp::Lt),
        Just(BinOp::LtE),
        Just(BinOp::Gt),
        Just(BinOp::GtE),
        Just(BinOp::In),
        Just(BinOp::NotIn),
        Just(BinOp::Add),
        Just(BinOp::Sub),
        Just(BinOp::Mul),
        Just(BinOp::BitOr),
    ]
}

fn arb_chain<T: std::fmt::Debug + Clone + 'static>(
    item: impl Strategy<Value = T> + Clone + 'static,
    cond: impl Strategy<Value = Expr> + Clone + 'static,
) -> impl Strategy<Value = IfChain<T>> {
    (
        prop::collection::vec((cond, prop::collection::vec(item.clone(), 0..3)), 0..3),
        prop::option::of(prop::collection::vec(item, 0..3)),
    )
        .prop_map(|(branches, orelse)| IfChain { branches, orelse })
}

fn arb_expr() -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![
        Just(Expr::None),
        any::<bool>().prop_map(Expr::Bool),
        any::<i64>().prop_map(Expr::Int),
        any::<f64>().prop_map(Expr::Float),
        "[a-z${}\"\\\\\n]{0,6}".prop_map(Expr::Str),
        // Long enough to reach the width limit.
        "[a-z ]{20,60}".prop_map(Expr::Str),
        arb_name().prop_map(Expr::Name),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        let entry = prop_oneof![
            3 => (arb_key(), arb_op(), inner.clone()).prop_map(|(key, op, value)| Entry::Pair { key, op, value }),
            1 => inner.clone().prop_map(Entry::Unpack),
        ];
        let entry = entry.clone().prop_recursive(2, 8, 3, move |entries| {
            arb_chain(entries, arb_name().prop_map(Expr::Name)).prop_map(Entry::If)
        });
        let item = prop_oneof![
            3 => inner.clone().prop_map(ListItem::Expr),
            1 => inner.clone().prop_map(ListItem::Unpack),
        ];
        let item = item.clone().prop_recursive(2, 8, 3, move |items| {
            arb_chain(items, arb_name().prop_map(Expr::Name)).prop_map(ListItem::If)
        });
        let boxed = || inner.clone().prop_map(Box::new);
        prop_oneof![
            (boxed(), prop_oneof![arb_name(), Just("x-y".to_string())], any::<bool>()).prop_map(|(value, attr, null_safe)| Expr::Select { value, attr, null_safe }),
            (boxed(), boxed(), any::<bool>()).prop_map(|(value, index, null_safe)| Expr::Index { value, index, null_safe }),
            (boxed(), prop::collection::vec(inner.clone(), 0..3), prop::collection::vec((arb_name(), inner.clone()), 0..2))
                .prop_map(|(func, args, kwargs)| Expr::Call { func, args, kwargs }),
            prop::collection::vec(item, 0..4).prop_map(Expr::List),
            prop::collection::vec(entry.clone(), 0..4).prop_map(Expr::Dict),
            (arb_name(), prop::collection::vec(entry, 0..3)).prop_map(|(name, body)| Expr::Schema { name, body }),
            (boxed(), arb_binop(), boxed()).prop_map(|(left, op, right)| Expr::Binary { left, op, right }),
            (prop_oneof![Just(UnaryOp::Not), Just(UnaryOp::Neg)], boxed()).prop_map(|(op, operand)| Expr::Unary { op, operand }),
            (boxed(), boxed(), boxed()).prop_map(|(cond, then, orelse)| Expr::IfElse { cond, then, orelse }),
            (boxed(), prop::collection::vec(arb_name(), 1..3), boxed(), prop::option::of(boxed()))
                .prop_map(|(element, vars, iter, cond)| Expr::ListComp { element, vars, iter, cond }),
            (boxed(), boxed(), prop::collection::vec(arb_name(), 1..3), boxed(), prop::option::of(boxed()))
                .prop_map(|(key, value, vars, iter, cond)| Expr::DictComp { key, value, vars, iter, cond }),
            boxed().prop_map(Expr::Paren),
        ]
    })
    .boxed()
}

fn arb_stmt() -> impl Strategy<Value = Stmt> {
    let leaf = prop_oneof![
        2 => "[ -~\n\u{17d8}é]{0,12}".prop_map(Stmt::Comment),
        2 => Just(Stmt::Blank),
        4 => (arb_name(), prop_oneof![Just(AssignOp::Override), Just(AssignOp::Append)], arb_expr())
            .prop_map(|(target, op, value)| Stmt::Assign { target, op, value }),
        // `a: int {}` would be a typed assignment: the printer refuses it.
        1 => (arb_name(), arb_name().prop_filter("a schema", |n| !["bool", "int", "float", "str"].contains(&n.as_str())), prop::collection::vec((arb_key(), arb_op(), arb_expr()), 0..2)).prop_map(|(target, schema, entries)| Stmt::Assign {
            target,
            op: AssignOp::Union,
            value: Expr::Schema {
                name: schema,
                body: entries.into_iter().map(|(key, op, value)| Entry::Pair { key, op, value }).collect(),
            },
        }),
        1 => arb_expr().prop_map(Stmt::Expr),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        arb_chain(inner, arb_expr()).prop_map(Stmt::If)
    })
}

fn arb_type() -> BoxedStrategy<Type> {
    let leaf = prop_oneof![
        Just(Type::Any),
        Just(Type::Bool),
        Just(Type::Int),
        Just(Type::Float),
        Just(Type::Str),
        "[a-zA-Z \"]{0,6}".prop_map(Type::Literal),
        prop_oneof![Just("R".to_string()), Just("pkg.Name".to_string())].prop_map(Type::Named),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| Type::List(Box::new(t))),
            (inner.clone(), inner.clone()).prop_map(|(k, v)| Type::Dict(Box::new(k), Box::new(v))),
            prop::collection::vec(inner, 2..4).prop_map(Type::Union),
        ]
    })
    .boxed()
}

/// Schema definitions, which KCL allows at the top level only.
fn arb_schema() -> impl Strategy<Value = Stmt> {
    let attr = (
        arb_name(),
        any::<bool>(),
        arb_type(),
        prop::option::of(arb_expr()),
    )
        .prop_map(|(name, optional, ty, default)| Attr {
            name,
            optional,
            ty,
            default,
        });
    (
        arb_name(),
        prop::collection::vec(attr, 0..4),
        prop::collection::vec(arb_stmt(), 0..4),
    )
        .prop_map(|(name, attrs, body)| Stmt::Schema(Schema { name, attrs, body }))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The main proof: whatever the tree, `kcl fmt` parses the printed text and leaves it
    /// as it is.
    #[test]
    fn every_printed_tree_is_a_fixed_point_of_the_formatter(
        body in prop::collection::vec(prop_oneof![4 => arb_stmt(), 1 => arb_schema()], 0..8)
    ) {
        let printed = module(body).to_string();
        prop_assert_eq!(format(&printed), printed.clone());
        let parsed = format(&format!("{printed}\n\n\n")) == printed;
        // On failure, say where KCL's parser stopped.
        let syntax = runtime().run(&Program::new().source("main.k", printed.as_str()));
        prop_assert!(parsed, "does not parse: {:?}\n{}", syntax.err(), printed);
    }
}
