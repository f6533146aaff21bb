//! Escaping that cannot be broken: any Rust string, as a value or as a dict key, and any
//! keyword used as a name, evaluates in the real KCL runtime to exactly what the tree says.

use kcl_codegen_syntax::ast::{
    AssignOp, Attr, Entry, Expr, IfChain, Key, ListItem, Module, Schema, Stmt, Type,
};
use kcl_codegen_syntax::lexical::{BARE_KEYWORD_KEYS as BARE_KEYS, KEYWORDS};
use kcl_runtime::{Program, Runtime};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn runtime() -> &'static Runtime {
    Runtime::global().unwrap_or_else(|e| panic!("{e}"))
}

fn format(src: &str) -> String {
    runtime().format(src).unwrap_or_else(|e| panic!("{e}"))
}

/// Print the module, check that `kcl fmt` parses it and leaves it unchanged, and evaluate
/// it after `prelude`.
fn print_and_eval(prelude: &str, body: Vec<Stmt>) -> Value {
    let printed = Module { body }.to_string();
    assert_eq!(
        format(&printed),
        printed,
        "`kcl fmt` changes the printed text"
    );
    // The formatter returns text it cannot parse unchanged; a parsed one loses these.
    assert_eq!(
        format(&format!("{printed}\n\n\n")),
        printed,
        "`kcl fmt` cannot parse:\n{printed}"
    );
    runtime()
        .run(&Program::new().source("main.k", format!("{prelude}{printed}")))
        .unwrap_or_else(|e| panic!("{e}\n--- program:\n{prelude}{printed}"))
        .json
}

/// `[[key, value], ...]` of the dict `x`, read inside KCL: KCL leaves keys that start with
/// `_` out of its output, but they are in the dict.
fn pairs_of_x() -> Stmt {
    Stmt::assign(
        "pairs",
        Expr::ListComp {
            element: Box::new(Expr::List(vec![
                ListItem::Expr(Expr::name("k")),
                ListItem::Expr(Expr::name("v")),
            ])),
            vars: vec!["k".into(), "v".into()],
            iter: Box::new(Expr::name("x")),
            cond: None,
        },
    )
}

fn key(name: &str) -> Key {
    Key::Name(name.into())
}

fn pair(key: Key, value: Expr) -> Entry {
    Entry::Pair {
        key,
        op: AssignOp::Override,
        value,
    }
}

/// Strings heavy in what breaks string literals: quotes, backslashes, `${`, line breaks,
/// control characters and non-ASCII, mixed with anything at all.
fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\"\\\\$\\{\\}\\n\\r\\t\\x00-\\x1f\\u{80}-\\u{10ffff}a-z ]*",
        any::<String>(),
    ]
}

#[test]
fn strings_print_with_the_escapes_kcl_reads_back() {
    let cases = [
        ("plain", r#""plain""#),
        ("say \"hi\"", r#""say \"hi\"""#),
        (r"C:\dir\n", r#""C:\\dir\\n""#),
        ("a\nb\tc\rd", r#""a\nb\tc\rd""#),
        ("nul\0bell\x07del\x7f", r#""nul\x00bell\x07del\x7f""#),
        ("next line\u{85}", r#""next line\x85""#),
        ("${name} $x ${ $", r#""\x24{name} $x \x24{ $""#),
        (r"\${x}", r#""\\\x24{x}""#),
        ("é ü 😀 \u{2028} \u{feff}", "\"é ü 😀 \u{2028} \u{feff}\""),
        ("khmer \u{17d8}", r#""khmer \u17d8""#),
        ("", r#""""#),
    ];
    let mut values = Vec::new();
    for (text, expected) in cases {
        assert_eq!(Expr::str(text).to_string(), expected);
        values.push(ListItem::Expr(Expr::str(text)));
    }
    let out = print_and_eval("", vec![Stmt::assign("x", Expr::List(values))]);
    let texts: Vec<&str> = cases.iter().map(|(text, _)| *text).collect();
    assert_eq!(out["x"], json!(texts));
}

#[test]
fn long_strings_of_multi_byte_characters_are_written_in_ascii() {
    // KCL cannot read a 64 KiB string token of `é`: long literals use `\u` escapes.
    let text = "é".repeat(40_000) + "😀";
    let printed = Expr::str(text.clone()).to_string();
    assert!(printed.is_ascii());
    assert!(printed.starts_with(r#""\u00e9\u00e9"#) && printed.ends_with(r#"\U0001f600""#));
    let out = print_and_eval("", vec![Stmt::assign("x", Expr::str(text.clone()))]);
    assert_eq!(out["x"], Value::String(text));
    // Short ones stay readable.
    assert_eq!(Expr::str("é").to_string(), "\"é\"");
}

#[test]
fn every_character_evaluates_to_itself_in_a_string() {
    // All of Unicode: written as is in short strings, and escaped in long ones.
    let chars: Vec<char> = (0..=0x10FFFF).filter_map(char::from_u32).collect();
    for size in [2048, 0x10000] {
        for block in chars.chunks(size) {
            let text: String = block.iter().collect();
            let printed = Expr::str(text.clone()).to_string();
            assert_eq!(printed.is_ascii(), size > 2048 || text.is_ascii());
            let out = print_and_eval("", vec![Stmt::assign("x", Expr::str(text.clone()))]);
            assert_eq!(out["x"], Value::String(text));
        }
    }
}

#[test]
fn keys_that_are_not_identifiers_are_quoted_and_keywords_where_kcl_needs_it() {
    let value = Expr::Dict(vec![
        pair(key("name"), Expr::Int(1)),
        pair(key("_hidden"), Expr::Int(2)),
        pair(key("krm.kcl.dev/ready"), Expr::str("True")),
        pair(key("a-b"), Expr::Int(3)),
        pair(key("1x"), Expr::Int(4)),
        pair(key(""), Expr::Int(5)),
        pair(key("type"), Expr::str("object")),
        pair(key("default"), Expr::Int(6)),
        pair(key("$schema"), Expr::Int(7)),
        pair(key("${x}"), Expr::Int(8)),
        pair(key("é"), Expr::Int(9)),
    ]);
    assert_eq!(
        value.to_string(),
        r#"{
    name = 1
    _hidden = 2
    "krm.kcl.dev/ready" = "True"
    "a-b" = 3
    "1x" = 4
    "" = 5
    type = "object"
    default = 6
    "$schema" = 7
    "\x24{x}" = 8
    "é" = 9
}"#
    );
    let out = print_and_eval("", vec![Stmt::assign("x", value), pairs_of_x()]);
    assert_eq!(
        out["pairs"],
        json!([
            ["name", 1],
            ["_hidden", 2],
            ["krm.kcl.dev/ready", "True"],
            ["a-b", 3],
            ["1x", 4],
            ["", 5],
            ["type", "object"],
            ["default", 6],
            ["$schema", 7],
            ["${x}", 8],
            ["é", 9]
        ])
    );
}

#[test]
fn keywords_work_as_names_keys_paths_attributes_and_loop_variables() {
    for kw in KEYWORDS {
        let kw = *kw;
        let body = vec![
            Stmt::assign(kw, Expr::Int(1)),
            Stmt::assign("name", Expr::name(kw)),
            Stmt::assign("d", Expr::Dict(vec![pair(key(kw), Expr::Int(2))])),
            Stmt::assign(
                "p",
                Expr::Dict(vec![pair(
                    Key::Path(vec![kw.into(), kw.into()]),
                    Expr::Int(3),
                )]),
            ),
            Stmt::assign("attr", Expr::name("d").attr(kw)),
            Stmt::assign("safe", Expr::name("p").attr_opt(kw).attr_opt(kw)),
            Stmt::assign(
                "comp",
                Expr::ListComp {
                    element: Box::new(Expr::name(kw)),
                    vars: vec![kw.into()],
                    iter: Box::new(Expr::List(vec![ListItem::Expr(Expr::Int(4))])),
                    cond: None,
                },
            ),
            Stmt::assign(
                "call",
                Expr::Call {
                    func: Box::new(Expr::name("f")),
                    args: vec![],
                    kwargs: vec![(kw.into(), Expr::Int(5))],
                },
            ),
        ];
        let prelude = format!("f = lambda ${kw} {{ ${kw} }}\n");
        let out = print_and_eval(&prelude, body);
        assert_eq!(out[kw], json!(1), "{kw}");
        assert_eq!(out["name"], json!(1), "{kw}");
        assert_eq!(out["d"], json!({kw: 2}), "{kw}");
        assert_eq!(out["p"], json!({kw: {kw: 3}}), "{kw}");
        assert_eq!(out["attr"], json!(2), "{kw}");
        assert_eq!(out["safe"], json!(3), "{kw}");
        assert_eq!(out["comp"], json!([4]), "{kw}");
        assert_eq!(out["call"], json!(5), "{kw}");
    }
}

#[test]
fn keyword_keys_are_bare_where_kcl_reads_them_in_every_place_a_key_stands() {
    for kw in KEYWORDS {
        let kw = *kw;
        let bare = BARE_KEYS.contains(&kw);
        let one = Expr::Dict(vec![pair(key(kw), Expr::Int(1))]);
        let spelled = if bare {
            kw.to_owned()
        } else {
            format!("\"{kw}\"")
        };
        assert_eq!(one.to_string(), format!("{{{spelled} = 1}}"));
        let path = |parts: &[&str]| {
            pair(
                Key::Path(parts.iter().map(|p| p.to_string()).collect()),
                Expr::Int(2),
            )
        };
        // After an `if` entry (where `else` and `elif` would continue the `if`), first and
        // after a comma on one line, as every part of a dotted key, in a schema's config,
        // and as a schema attribute.
        let after_if = |entry: Entry| {
            Expr::Dict(vec![
                Entry::If(IfChain {
                    branches: vec![(Expr::name("c"), vec![pair(key("a"), Expr::Int(0))])],
                    orelse: None,
                }),
                entry,
            ])
        };
        let inline = Expr::Dict(vec![
            pair(key(kw), Expr::Int(1)),
            pair(key("a"), Expr::name("c")),
            pair(key(&format!("{kw}2")), Expr::Int(3)),
        ]);
        let second = Expr::Dict(vec![
            pair(key("a"), Expr::name("c")),
            pair(key(kw), Expr::Int(1)),
        ]);
        let paths = Expr::Dict(vec![
            path(&[kw, "m", "l"]),
            path(&["f", kw, "l"]),
            path(&["f", "m2", kw]),
        ]);
        let config = Expr::Schema {
            name: "S".into(),
            body: vec![pair(key(kw), Expr::Int(1)), path(&["d", kw])],
        };
        let schema = Stmt::Schema(Schema {
            name: "S".into(),
            attrs: vec![
                Attr {
                    name: kw.into(),
                    optional: false,
                    ty: Type::Int,
                    default: None,
                },
                Attr {
                    name: "d".into(),
                    optional: true,
                    ty: Type::Dict(Box::new(Type::Str), Box::new(Type::Any)),
                    default: None,
                },
            ],
            body: vec![],
        });
        let out = print_and_eval(
            "",
            vec![
                Stmt::assign("c", Expr::Bool(true)),
                schema,
                Stmt::assign("after_if", after_if(pair(key(kw), Expr::Int(1)))),
                Stmt::assign("after_if_path", after_if(path(&[kw, "x"]))),
                Stmt::assign("inline", inline),
                Stmt::assign("second", second),
                Stmt::assign("paths", paths),
                Stmt::assign("config", config),
            ],
        );
        assert_eq!(out["after_if"], json!({"a": 0, kw: 1}), "{kw}");
        assert_eq!(out["after_if_path"], json!({"a": 0, kw: {"x": 2}}), "{kw}");
        assert_eq!(
            out["inline"],
            json!({kw: 1, "a": true, format!("{kw}2"): 3}),
            "{kw}"
        );
        assert_eq!(out["second"], json!({"a": true, kw: 1}), "{kw}");
        assert_eq!(
            out["paths"],
            json!({kw: {"m": {"l": 2}}, "f": {kw: {"l": 2}, "m2": {kw: 2}}}),
            "{kw}"
        );
        assert_eq!(out["config"], json!({kw: 1, "d": {kw: 2}}), "{kw}");
    }
}

#[test]
fn the_keywords_quoted_as_keys_are_those_kcl_does_not_read_bare() {
    // Bare, first in a dict or after an `if` entry, these do not parse or mean something
    // else (`else` and `elif` continue the `if`; `True` is a value, not a key).
    for kw in KEYWORDS.iter().filter(|kw| !BARE_KEYS.contains(kw)) {
        let texts = [
            format!("x = {{{kw} = 1}}\n"),
            format!("c = True\nx = {{\n    if c:\n        a = 0\n    {kw} = 1\n}}\n"),
        ];
        let reads_it = texts.iter().all(|text| {
            runtime()
                .run(&Program::new().source("main.k", text.as_str()))
                .is_ok_and(|out| out.json["x"].get(kw) == Some(&json!(1)))
        });
        assert!(!reads_it, "KCL reads `{kw}` as a bare key: print it bare");
    }
}

#[test]
fn a_key_with_a_keyword_is_the_keyword_itself() {
    let entries = KEYWORDS
        .iter()
        .enumerate()
        .map(|(i, kw)| pair(key(kw), Expr::Int(i as i64)))
        .collect();
    let out = print_and_eval("", vec![Stmt::assign("x", Expr::Dict(entries))]);
    let expected: Map<String, Value> = KEYWORDS
        .iter()
        .enumerate()
        .map(|(i, kw)| (kw.to_string(), json!(i)))
        .collect();
    assert_eq!(out["x"], Value::Object(expected));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_string_evaluates_to_exactly_itself(texts in prop::collection::vec(nasty_string(), 1..8)) {
        let items = texts.iter().map(|t| ListItem::Expr(Expr::str(t.clone()))).collect();
        let out = print_and_eval("", vec![Stmt::assign("x", Expr::List(items))]);
        prop_assert_eq!(&out["x"], &json!(texts));
    }

    #[test]
    fn any_string_as_a_dict_key_gives_exactly_that_key(keys in prop::collection::vec(nasty_string(), 1..8)) {
        let mut unique = keys;
        unique.sort();
        unique.dedup();
        let entries = unique
            .iter()
            .enumerate()
            .map(|(i, k)| pair(key(k), Expr::Int(i as i64)))
            .collect();
        let out = print_and_eval("", vec![Stmt::assign("x", Expr::Dict(entries)), pairs_of_x()]);
        let expected: Vec<Value> = unique.iter().enumerate().map(|(i, k)| json!([k, i])).collect();
        prop_assert_eq!(&out["pairs"], &Value::Array(expected));
    }

    #[test]
    fn any_key_path_gives_exactly_those_nested_keys(parts in prop::collection::vec(nasty_string(), 1..4)) {
        let value = Expr::Dict(vec![pair(Key::Path(parts.clone()), Expr::Int(1))]);
        // Level by level: the keys of the dict reached so far, then the leaf.
        let mut body = vec![Stmt::assign("x", value)];
        let mut reached = Expr::name("x");
        for (i, part) in parts.iter().enumerate() {
            body.push(Stmt::assign(
                format!("keys{i}"),
                Expr::ListComp {
                    element: Box::new(Expr::name("k")),
                    vars: vec!["k".into()],
                    iter: Box::new(reached.clone()),
                    cond: None,
                },
            ));
            reached = Expr::Index {
                value: Box::new(reached),
                index: Box::new(Expr::str(part.clone())),
                null_safe: false,
            };
        }
        body.push(Stmt::assign("leaf", reached));
        let out = print_and_eval("", body);
        for (i, part) in parts.iter().enumerate() {
            prop_assert_eq!(&out[format!("keys{i}")], &json!([part]));
        }
        prop_assert_eq!(&out["leaf"], &json!(1));
    }

    #[test]
    fn any_attribute_name_selects_exactly_that_key(attr in nasty_string()) {
        let dict = Expr::Dict(vec![pair(key(&attr), Expr::str("found"))]);
        let body = vec![
            Stmt::assign("_d", dict),
            Stmt::assign("x", Expr::name("_d").attr(attr.clone())),
            Stmt::assign("y", Expr::name("_d").attr_opt(attr.clone())),
        ];
        let out = print_and_eval("", body);
        prop_assert_eq!(&out["x"], &json!("found"));
        prop_assert_eq!(&out["y"], &json!("found"));
    }

    #[test]
    fn any_comment_text_stays_a_comment(text in nasty_string()) {
        let body = vec![
            Stmt::Comment(text.clone()),
            Stmt::assign("x", Expr::Int(1)),
            Stmt::Comment(text),
        ];
        let out = print_and_eval("", body);
        prop_assert_eq!(out, json!({"x": 1}));
    }
}
