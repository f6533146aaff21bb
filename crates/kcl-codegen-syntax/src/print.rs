//! Printing the syntax tree in the canonical form of the KCL formatter (`kcl fmt`).
//!
//! The rules are documented on the `Display` implementation for [`Module`], where users of
//! the (public) syntax tree see them.

use std::fmt;

use crate::ast::{
    AssignOp, Attr, BinOp, Entry, Expr, IfChain, Key, ListItem, Module, Schema, Stmt, Type,
    UnaryOp, WIDTH,
};
use crate::lexical::{comment_text, is_bare_key, is_identifier, is_keyword, push_quoted};

const INDENT: &str = "    ";

/// Printing in the canonical form of `kcl fmt`: formatting printed text changes nothing,
/// and it evaluates to what the tree says. The rules were found by formatting and running
/// programs with the real runtime (kcl-lib 0.12.3); `tests/print.rs` and
/// `tests/escaping.rs` check them against it.
///
/// Layout:
/// - A dict, a schema config or a list is `{}`, `R {}` or `[]` when empty. Otherwise it is
///   printed on one line, its entries or items separated by `, `
///   (`{name = _xr, kind = "ProviderConfig"}`, `["a", 1]`), when all of these hold, and
///   one entry or item per line, indented by four spaces, without commas, when not:
///   - it holds no `if` entry or item (and no comment: the tree has none in expressions);
///   - every dict, config and list inside it is printed on one line too;
///   - it is not a dict or config whose only entry's value is a dict or config literal
///     (`{a = {b = 1}}`, `R {a = {}}`, `{**{}}`): `kcl fmt` always breaks that one over
///     lines, so it stays on one line as a dotted key (`{a.b = 1}`, see
///     [`Expr::with_dotted_keys`]);
///   - its line, up to its closing bracket, ends by column [`WIDTH`] (100).
///
///   `kcl fmt` keeps either layout as it finds it; this rule chooses one.
/// - `schema Name:` is followed by its attributes (`name: type`, `name?: type`,
///   `name: type = default`), then its statements, one level deeper, and always by a blank
///   line, as the formatter writes it. A schema with neither gets `assert True`. KCL
///   defines schemas at the top level only; nested in an `if` or a schema, one is printed
///   as a syntax error.
/// - `if`/`elif`/`else` (statements, dict entries, list items) put their bodies on the
///   following lines. A branch with nothing in it gets a no-op (`assert True`, `**{}`,
///   `*[]`): KCL has no empty blocks. An empty `else` is left out, a chain without branches
///   is replaced by its `else` part, and an `else` holding only an `if` prints as `elif`
///   (the formatter does that).
/// - Blank lines: at most one in a row, none at the start or end of a block. As the
///   formatter does, the blank line between two statements goes before the comments of the
///   second; two or more comment lines between statements bring one; there is none after an
///   `if`, a schema definition, a `name: Schema {...}` or an optional schema attribute
///   (`name?: type`), except the one that always follows an `if` without `else` or a schema
///   definition. Schema attributes are spaced as statements. Comments at the end of a branch are printed after the whole `if` (the
///   formatter would move them), and blank lines between comments are kept at top level
///   only (inside a branch the formatter fills them with spaces).
///
/// Escaping:
/// - Strings are double-quoted. `\`, `"`, newline, tab and carriage return take their short
///   escapes, other control characters `\xNN` (a code point, not a byte), and the `$` of
///   `${` is written `\x24`: KCL would interpolate `${`, and the documented `\${` still
///   needs a closing `}`. U+17D8 is written `\u17d8`: KCL's source reader panics on it (its
///   display width is 3), even in a comment, where it is spelled out the same way.
///   Everything else is written as is, except in literals longer than 16 KiB, which are
///   written in ASCII (`\u00e9`, `\U0001f600`): KCL cannot read a string token of about
///   64 KiB of multi-byte characters.
/// - Names that are KCL keywords take a `$` prefix (`$type`); qualified names (`pkg.Name`)
///   are allowed. A dict key that is not a plain identifier is quoted; a keyword key is
///   bare where KCL reads it as a key (`type = "object"`, `schema = 1`) and quoted where it
///   does not (`"if" = 1`, `"else" = 1`). After a `.`, every keyword is bare: in a key path
///   after its first part (`spec.template.type`, `a.for`), whose first part takes `$` where
///   a bare key would not do, and in selections (`x?.type`). An attribute that is not an
///   identifier is selected by index (`x?["a-b"]`). A key path with a part that is not an
///   identifier becomes nested dicts (`"a-b": {c = 1}` for `"a-b".c = 1`, which KCL
///   evaluates the same way). A schema attribute that is a keyword takes `$`; one that is not
///   an identifier is a syntax error (KCL reads `"a-b": int`, but the formatter then moves
///   the blank lines around it).
///
/// Expressions:
/// - Operands are parenthesised exactly where KCL's grammar would otherwise regroup them.
///   In KCL `not` and unary `-` bind tighter than every binary operator (`not a == b` is
///   `(not a) == b`) and take only a primary operand (`-(-a)`), comparisons chain
///   (`(a < b) == c` needs its parentheses), and `*`/`**` inside an `if` entry take only a
///   primary operand (so unpacked expressions are parenthesised everywhere). A statement
///   that would start with `-` is parenthesised, and so is an expression statement in a
///   schema definition (KCL would read `a?.b` there as an attribute, `[k]` as an index
///   signature).
/// - Floats: the formatter rewrites float literals with Rust's `{}`, so `1.0` would become
///   the integer `1` and `1e20` an integer literal KCL rejects. Floats with a fraction are
///   printed that way (the shortest decimal that reads back exactly); whole ones as
///   `float(3)`, or `float("1e20")` from 2^53 on; magnitudes below 1e-6, `-0.0`, NaN and the
///   infinities through `float("...")` too (KCL reports an infinity as an overflow error
///   when it evaluates it). `i64::MIN` is `-9223372036854775807 - 1`: its literal after
///   the minus does not fit an i64.
///
/// What KCL cannot express is printed so that KCL rejects it, never as different code: a
/// name that is not an identifier (`a-b`, empty) prints as `<invalid name "a-b">`, a string
/// type that needs an escape other than `\"` (the formatter writes a type's text back
/// unescaped) as `<invalid type: ...>`, and `name: value` as a statement exists only for a
/// schema instantiation, so it is printed as is for any other value and fails to parse (and
/// `name: int {...}`, which reads as a typed assignment, prints the schema's name as an
/// invalid name).
impl fmt::Display for Module {
    /// The module as `kcl fmt` would print it: empty, or ending with a newline (and a blank
    /// line per `if` without `else` that ends it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&print_module(&self.body))
    }
}

impl fmt::Display for Stmt {
    /// The statement as a module of its own (so a lone [`Stmt::Blank`] prints nothing).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&print_module(std::slice::from_ref(self)))
    }
}

impl fmt::Display for Expr {
    /// The expression at indentation zero, without a trailing newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut printer = Printer::default();
        printer.expr(self);
        f.write_str(&printer.out)
    }
}

fn print_module(body: &[Stmt]) -> String {
    let mut printer = Printer::default();
    printer.block(&flatten(body), true);
    // Blank lines never end a block, but KCL 0.12's formatter leaves the blank line behind
    // an `if` without `else` (one per nested `if`) even at the end of a file, and the
    // printer has written exactly those.
    printer.out
}

/// A line-level element of a block, after normalisation.
enum Item<'a> {
    Blank,
    /// One line of a comment.
    Comment(&'a str),
    /// An assignment, an expression or an `if` with at least one branch.
    Stmt(&'a Stmt),
    /// `assert True`: the body of a branch that has no statements.
    Pass,
    /// An attribute of a schema definition, which the formatter spaces as a statement.
    Attr(&'a Attr),
}

impl Item<'_> {
    fn is_stmt(&self) -> bool {
        matches!(self, Item::Stmt(_) | Item::Pass | Item::Attr(_))
    }
}

/// The items of a block: comments split into lines, chains without branches replaced by
/// their `else` part, and the trailing comments of branches moved after their `if`.
fn flatten(body: &[Stmt]) -> Vec<Item<'_>> {
    let mut items = Vec::new();
    flatten_into(body, &mut items);
    items
}

fn flatten_into<'a>(body: &'a [Stmt], items: &mut Vec<Item<'a>>) {
    for stmt in body {
        match stmt {
            Stmt::Blank => items.push(Item::Blank),
            Stmt::Comment(text) => items.extend(comment_lines(text).map(Item::Comment)),
            Stmt::If(chain) if chain.branches.is_empty() => {
                flatten_into(chain.orelse.as_deref().unwrap_or_default(), items);
            }
            Stmt::If(chain) => {
                items.push(Item::Stmt(stmt));
                // The formatter would move a comment at the end of a branch into the next
                // branch or out of the `if`; printing it after the `if` is stable.
                for body in chain_bodies(chain) {
                    let body = branch_items(body);
                    let end = body.iter().rposition(Item::is_stmt).map_or(0, |i| i + 1);
                    items.extend(
                        body.into_iter()
                            .skip(end)
                            .filter(|item| matches!(item, Item::Comment(_))),
                    );
                }
            }
            Stmt::Assign { .. } | Stmt::Expr(_) | Stmt::Schema(_) => items.push(Item::Stmt(stmt)),
        }
    }
}

/// The bodies of a chain's branches, then of its `else` (when it is printed).
fn chain_bodies<T>(chain: &IfChain<T>) -> impl Iterator<Item = &[T]> {
    chain
        .branches
        .iter()
        .map(|(_, body)| body.as_slice())
        .chain(chain.orelse.as_deref())
}

/// A condition and the body it guards.
type Branch<'a, T> = (&'a Expr, &'a [T]);

/// The branches of a chain of dict entries or list items and its final `else`, with an
/// `else` whose body is a lone `if` merged in as `elif` branches, as the formatter does.
fn unroll<'a, T>(
    chain: &'a IfChain<T>,
    lone_if: impl Fn(&'a [T]) -> Option<&'a IfChain<T>>,
) -> (Vec<Branch<'a, T>>, Option<&'a [T]>) {
    let mut branches: Vec<_> = chain
        .branches
        .iter()
        .map(|(c, b)| (c, b.as_slice()))
        .collect();
    let mut orelse = chain.orelse.as_deref();
    while let Some(inner) = orelse.and_then(&lone_if) {
        branches.extend(inner.branches.iter().map(|(c, b)| (c, b.as_slice())));
        orelse = inner.orelse.as_deref();
    }
    (branches, orelse)
}

/// The `if` that a block of statements consists of, if it has no other statement, with the
/// comment lines before it. (Comments after it are printed after the whole chain anyway.)
fn lone_if_stmt(body: &[Stmt]) -> Option<(Vec<&str>, &IfChain<Stmt>)> {
    let items = flatten(body);
    let mut comments = Vec::new();
    let mut rest = items.iter();
    for item in rest.by_ref() {
        match item {
            Item::Blank => {}
            Item::Comment(text) => comments.push(*text),
            Item::Stmt(Stmt::If(chain)) if !rest.clone().any(Item::is_stmt) => {
                return Some((comments, chain));
            }
            _ => return None,
        }
    }
    None
}

/// A condition and the items of the body it guards.
type StmtBranch<'a> = (&'a Expr, Vec<Item<'a>>);

/// The branches of a statement chain, each with the items of its body, and its final
/// `else`. An `else` whose body is a lone `if` becomes `elif` branches, with the comments
/// before that `if` at the start of its first branch: the formatter prints it that way.
fn unroll_stmts(chain: &IfChain<Stmt>) -> (Vec<StmtBranch<'_>>, Option<&[Stmt]>) {
    let mut branches: Vec<_> = chain
        .branches
        .iter()
        .map(|(cond, body)| (cond, branch_items(body)))
        .collect();
    let mut orelse = chain.orelse.as_deref();
    while let Some((comments, inner)) = orelse.and_then(lone_if_stmt) {
        for (i, (cond, body)) in inner.branches.iter().enumerate() {
            let mut items = Vec::new();
            if i == 0 {
                items.extend(comments.iter().map(|text| Item::Comment(text)));
            }
            items.extend(branch_items(body));
            branches.push((cond, items));
        }
        orelse = inner.orelse.as_deref();
    }
    (branches, orelse)
}

/// The items of a branch's body: never without a statement.
fn branch_items(body: &[Stmt]) -> Vec<Item<'_>> {
    let mut items = flatten(body);
    if !items.iter().any(Item::is_stmt) {
        items.push(Item::Pass);
    }
    items
}

/// Whether an `else` body prints as nothing at all, so that it can be left out.
fn else_is_empty(body: &[Stmt]) -> bool {
    flatten(body).iter().all(|item| matches!(item, Item::Blank))
}

/// The lines of a comment: a line break inside the text starts a new comment line.
fn comment_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split("\r\n").flat_map(|part| part.split(['\n', '\r']))
}

/// Binding strength, loosest first. Comparisons chain in KCL (`a < b < c`), so an operand
/// of a comparison that is itself a comparison needs parentheses on either side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    IfElse,
    Or,
    And,
    Compare,
    BitOr,
    Sum,
    Product,
    /// `not x`, `-x`, and negative number literals.
    Unary,
    /// Calls, selections, indexing, and atoms other than numbers.
    Primary,
}

fn bin_prec(op: BinOp) -> Prec {
    match op {
        BinOp::Or => Prec::Or,
        BinOp::And => Prec::And,
        BinOp::Eq
        | BinOp::NotEq
        | BinOp::Lt
        | BinOp::LtE
        | BinOp::Gt
        | BinOp::GtE
        | BinOp::In
        | BinOp::NotIn => Prec::Compare,
        BinOp::BitOr => Prec::BitOr,
        BinOp::Add | BinOp::Sub => Prec::Sum,
        BinOp::Mul => Prec::Product,
    }
}

fn bin_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::And => "and",
        BinOp::Or => "or",
        BinOp::Eq => "==",
        BinOp::NotEq => "!=",
        BinOp::Lt => "<",
        BinOp::LtE => "<=",
        BinOp::Gt => ">",
        BinOp::GtE => ">=",
        BinOp::In => "in",
        BinOp::NotIn => "not in",
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::BitOr => "|",
    }
}

fn prec(expr: &Expr) -> Prec {
    match expr {
        Expr::IfElse { .. } => Prec::IfElse,
        Expr::Binary { op, .. } => bin_prec(*op),
        Expr::Unary { .. } => Prec::Unary,
        Expr::Int(i64::MIN) => Prec::Sum,
        Expr::Int(i) if *i < 0 => Prec::Unary,
        Expr::Float(x) if float_is_literal(*x) && x.is_sign_negative() => Prec::Unary,
        _ => Prec::Primary,
    }
}

/// Whether `expr` can be followed by `.attr`, `[index]` or `(args)` without parentheses.
fn is_postfix_operand(expr: &Expr) -> bool {
    match expr {
        // `1.x` would lex as a float.
        Expr::Int(_) => false,
        Expr::Float(x) => !float_is_literal(*x),
        other => prec(other) == Prec::Primary,
    }
}

/// The largest magnitude up to which every whole float is an exact `i64`.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0; // 2^53

/// Whether a float prints as a plain decimal literal (rather than through `float(...)`).
fn float_is_literal(x: f64) -> bool {
    x.is_finite() && x.fract() != 0.0 && x.abs() >= 1e-6
}

/// KCL text that evaluates to exactly `x`.
fn float_text(x: f64) -> String {
    if float_is_literal(x) {
        // The formatter prints float literals with Rust's `{}` too: the shortest decimal
        // that reads back as the same float, without an exponent.
        format!("{x}")
    } else if x.is_nan() {
        "float(\"nan\")".to_owned()
    } else if x.is_infinite() {
        format!("float(\"{}inf\")", if x < 0.0 { "-" } else { "" })
    } else if x == 0.0 && x.is_sign_negative() {
        "float(\"-0.0\")".to_owned()
    } else if x.fract() == 0.0 && x.abs() < EXACT_INTEGERS {
        // Lossless: `x` is a whole number that fits an i64.
        format!("float({})", x as i64)
    } else {
        format!("float(\"{x:e}\")")
    }
}

/// The builtin types that `name: <type> {...}` would read as an annotation.
const BUILTIN_TYPES: &[&str] = &["bool", "int", "float", "str"];

#[derive(Default)]
struct Printer {
    out: String,
    indent: usize,
    /// Set while trying to print a dict or list on one line: everything inside must fit on
    /// that line too, within `room` bytes.
    one_line: Option<OneLine>,
    /// Printing the statements of a schema definition.
    in_schema: bool,
}

/// The state of an attempt to print on one line.
struct OneLine {
    /// The most the line may take.
    room: usize,
    /// Something inside cannot be printed on one line, or the line is too long.
    failed: bool,
}

impl Printer {
    fn line_start(&mut self) {
        for _ in 0..self.indent {
            self.out.push_str(INDENT);
        }
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
        if let Some(one_line) = &mut self.one_line
            && self.out.len() > one_line.room
        {
            one_line.failed = true;
        }
    }

    /// Whether an attempt to print on one line has failed (there is no point going on).
    fn gave_up(&self) -> bool {
        self.one_line.as_ref().is_some_and(|o| o.failed)
    }

    /// Inside an attempt to print on one line, record that it cannot be done.
    fn give_up(&mut self) {
        if let Some(one_line) = &mut self.one_line {
            one_line.failed = true;
        }
    }

    /// The column the next character goes to.
    fn column(&self) -> usize {
        let line = &self.out[self.out.rfind('\n').map_or(0, |i| i + 1)..];
        line.chars().count()
    }

    /// Print with `inline` on one line when it can be (it returns `false` when it cannot,
    /// and so does anything nested in it) and the line then ends by [`WIDTH`]; returns
    /// whether it did. Inside another attempt, it only continues that one.
    fn try_one_line(&mut self, inline: impl FnOnce(&mut Printer) -> bool) -> bool {
        if self.one_line.is_some() {
            if !inline(self) {
                self.give_up();
            }
            return true;
        }
        let column = self.column();
        let mut attempt = Printer {
            out: String::new(),
            indent: 0,
            in_schema: false,
            // Bytes bound characters from above: a line over the room in bytes may still
            // fit in characters, which is checked below.
            one_line: Some(OneLine {
                room: (WIDTH.saturating_sub(column)) * 4,
                failed: false,
            }),
        };
        let printed = inline(&mut attempt) && !attempt.gave_up();
        let fits = column + attempt.out.chars().count() <= WIDTH;
        if printed && fits && !attempt.out.contains('\n') {
            self.out.push_str(&attempt.out);
            true
        } else {
            false
        }
    }

    // ------------------------------------------------------------------ statements

    /// Print the items of a block; the module's own block keeps its trailing comments
    /// and the blank lines between comments (inside a branch the formatter would fill
    /// such a line with indentation, so there they join the blank line before the group).
    fn block(&mut self, items: &[Item<'_>], top_level: bool) {
        let end = items.iter().rposition(Item::is_stmt).map_or(0, |i| i + 1);
        let mut printed_stmt = false;
        let mut drops_blank = false;
        let mut blank_in_gap = false;
        let mut blank_since_comment = false;
        let mut comments: Vec<(bool, &str)> = Vec::new();
        for item in &items[..end] {
            match item {
                Item::Blank => {
                    blank_in_gap = true;
                    blank_since_comment = true;
                }
                Item::Comment(text) => {
                    comments.push((blank_since_comment && !comments.is_empty(), text));
                    blank_since_comment = false;
                }
                Item::Stmt(_) | Item::Pass | Item::Attr(_) => {
                    // The formatter separates two statements with a blank line when there
                    // are at least two lines between them, comments included, except after an
                    // `if` (one without `else` gets its own) or `name: Schema {...}`.
                    if printed_stmt && !drops_blank && (blank_in_gap || comments.len() > 1) {
                        self.push("\n");
                    }
                    for (blank_before, text) in comments.drain(..) {
                        if blank_before && top_level {
                            self.push("\n");
                        }
                        self.comment(text);
                    }
                    match item {
                        Item::Stmt(stmt) => self.stmt(stmt, top_level),
                        Item::Attr(attr) => self.attr(attr),
                        _ => {
                            self.line_start();
                            self.push("assert True\n");
                        }
                    }
                    printed_stmt = true;
                    drops_blank = matches!(
                        item,
                        Item::Stmt(
                            Stmt::If(_)
                                | Stmt::Schema(_)
                                | Stmt::Assign {
                                    op: AssignOp::Union,
                                    ..
                                }
                        ) | Item::Attr(Attr { optional: true, .. })
                    );
                    blank_in_gap = false;
                    blank_since_comment = false;
                }
            }
        }
        if top_level {
            for item in &items[end..] {
                if let Item::Comment(text) = item {
                    self.comment(text);
                }
            }
        }
    }

    fn comment(&mut self, text: &str) {
        self.line_start();
        self.push("#");
        if !text.is_empty() {
            self.push(" ");
            // A comment has no escapes: the one character KCL cannot read is spelled out.
            self.push(&comment_text(text));
        }
        self.push("\n");
    }

    /// A statement; a schema definition only at the top level.
    fn stmt(&mut self, stmt: &Stmt, top_level: bool) {
        match stmt {
            Stmt::Assign { target, op, value } => {
                self.line_start();
                self.name(target);
                self.assign_op(*op);
                match value {
                    // `a: int {}` reads as `a: int = {}` with a line break.
                    Expr::Schema { name, .. }
                        if *op == AssignOp::Union && BUILTIN_TYPES.contains(&name.as_str()) =>
                    {
                        self.invalid_name(name)
                    }
                    _ => self.expr(value),
                }
                self.push("\n");
            }
            Stmt::Expr(expr) => {
                self.line_start();
                let start = self.out.len();
                self.expr(expr);
                // KCL rejects a statement that starts with `-`; in a schema it reads `a?.b` as
                // an attribute and `[...]` as an index signature.
                let printed = &self.out[start..];
                if printed.starts_with('-') || (self.in_schema && !printed.starts_with('(')) {
                    self.out.insert(start, '(');
                    self.push(")");
                }
                self.push("\n");
            }
            Stmt::If(chain) => self.if_stmt(chain),
            Stmt::Schema(schema) if top_level => self.schema(schema),
            Stmt::Schema(schema) => {
                self.line_start();
                self.push("<invalid statement: schema ");
                push_quoted(&mut self.out, &schema.name);
                self.push(" is not at the top level>\n");
            }
            // Flattened away before printing.
            Stmt::Comment(_) | Stmt::Blank => {}
        }
    }

    fn if_stmt(&mut self, chain: &IfChain<Stmt>) {
        let (branches, orelse) = unroll_stmts(chain);
        for (i, (cond, items)) in branches.into_iter().enumerate() {
            self.line_start();
            self.push(if i == 0 { "if " } else { "elif " });
            self.expr(cond);
            self.push(":\n");
            self.indent += 1;
            self.block(&items, false);
            self.indent -= 1;
        }
        match orelse {
            Some(body) if !else_is_empty(body) => {
                self.line_start();
                self.push("else:\n");
                self.indent += 1;
                self.block(&branch_items(body), false);
                self.indent -= 1;
            }
            // The formatter always leaves a blank line after an `if` without `else`.
            _ => self.push("\n"),
        }
    }

    /// `schema Name:`, its attributes and statements, and the blank line the formatter
    /// always puts after it.
    fn schema(&mut self, schema: &Schema) {
        self.line_start();
        self.push("schema ");
        self.name(&schema.name);
        self.push(":\n");
        self.indent += 1;
        let mut items: Vec<Item<'_>> = schema.attrs.iter().map(Item::Attr).collect();
        items.extend(flatten(&schema.body));
        if !items.iter().any(Item::is_stmt) {
            items.push(Item::Pass);
        }
        self.in_schema = true;
        self.block(&items, false);
        self.in_schema = false;
        self.indent -= 1;
        self.push("\n");
    }

    /// `name: type`, `name?: type` or `name: type = default`.
    fn attr(&mut self, attr: &Attr) {
        self.line_start();
        // KCL reads a quoted attribute name too, but the formatter then moves the blank
        // lines around it: an attribute is an identifier.
        self.identifier(&attr.name);
        self.push(if attr.optional { "?: " } else { ": " });
        self.ty(&attr.ty);
        if let Some(default) = &attr.default {
            self.push(" = ");
            self.expr(default);
        }
        self.push("\n");
    }

    fn ty(&mut self, ty: &Type) {
        match ty {
            Type::Any => self.push("any"),
            Type::Bool => self.push("bool"),
            Type::Int => self.push("int"),
            Type::Float => self.push("float"),
            Type::Str => self.push("str"),
            Type::Literal(text) => {
                let mut quoted = String::new();
                push_quoted(&mut quoted, text);
                // The formatter writes a string type back unescaped, and KCL compares escaped
                // ones wrongly: a quote is the one escape that survives.
                if quoted[1..quoted.len() - 1].replace("\\\"", "\"") == *text {
                    self.push(&quoted);
                } else {
                    self.push("<invalid type: ");
                    self.push(&quoted);
                    self.push(">");
                }
            }
            Type::List(item) => {
                self.push("[");
                self.ty(item);
                self.push("]");
            }
            Type::Dict(key, value) => {
                self.push("{");
                self.ty(key);
                self.push(":");
                if **value != Type::Any {
                    self.ty(value);
                }
                self.push("}");
            }
            Type::Union(types) if types.is_empty() => self.push("<invalid type: empty union>"),
            Type::Union(types) => {
                for (i, ty) in types.iter().enumerate() {
                    if i > 0 {
                        self.push(" | ");
                    }
                    self.ty(ty);
                }
            }
            Type::Named(name) => self.name(name),
        }
    }

    fn assign_op(&mut self, op: AssignOp) {
        self.push(match op {
            AssignOp::Override => " = ",
            AssignOp::Union => ": ",
            AssignOp::Append => " += ",
        });
    }

    // ------------------------------------------------------------------ names and keys

    /// A variable or schema name, possibly qualified (`pkg.Name`).
    fn name(&mut self, name: &str) {
        if name.split('.').all(is_identifier) {
            for (i, part) in name.split('.').enumerate() {
                if i > 0 {
                    self.push(".");
                }
                self.identifier(part);
            }
        } else {
            self.invalid_name(name);
        }
    }

    /// A single identifier: a keyword takes a `$` prefix.
    fn identifier(&mut self, name: &str) {
        if is_identifier(name) {
            if is_keyword(name) {
                self.push("$");
            }
            self.push(name);
        } else {
            self.invalid_name(name);
        }
    }

    /// Text that the KCL parser rejects, naming what could not be printed.
    fn invalid_name(&mut self, name: &str) {
        self.push("<invalid name ");
        push_quoted(&mut self.out, name);
        self.push(">");
    }

    /// A dict key that stands for exactly the string `key`.
    fn key_name(&mut self, key: &str) {
        if is_bare_key(key) {
            self.push(key);
        } else {
            push_quoted(&mut self.out, key);
        }
    }

    /// The first part of a dotted key (an identifier): bare where a bare key parses, with
    /// `$` otherwise.
    fn first_key_part(&mut self, part: &str) {
        if !is_bare_key(part) {
            self.push("$");
        }
        self.push(part);
    }

    fn pair(&mut self, key: &Key, op: AssignOp, value: &Expr) {
        match key {
            Key::Name(name) => {
                self.key_name(name);
                self.assign_op(op);
                self.expr(value);
            }
            Key::Path(parts) if parts.is_empty() => {
                self.push("<invalid name: empty key path>");
                self.assign_op(op);
                self.expr(value);
            }
            Key::Path(parts) if parts.iter().all(|p| is_identifier(p)) => {
                for (i, part) in parts.iter().enumerate() {
                    if i == 0 {
                        self.first_key_part(part);
                    } else {
                        // After a `.`, KCL reads every keyword as a plain name.
                        self.push(".");
                        self.push(part);
                    }
                }
                self.assign_op(op);
                self.expr(value);
            }
            Key::Path(parts) => self.nested_path(parts, op, value),
        }
    }

    /// `a.b.c = v` as `a: {b: {c = v}}`, which KCL evaluates the same way, for paths that
    /// a dotted key cannot spell.
    fn nested_path(&mut self, parts: &[String], op: AssignOp, value: &Expr) {
        match parts {
            // Nested dicts take more than one line.
            [_, _, ..] if self.one_line.is_some() => self.give_up(),
            [last] => {
                self.key_name(last);
                self.assign_op(op);
                self.expr(value);
            }
            [first, rest @ ..] => {
                self.key_name(first);
                self.push(": {\n");
                self.indent += 1;
                self.line_start();
                self.nested_path(rest, op, value);
                self.push("\n");
                self.indent -= 1;
                self.line_start();
                self.push("}");
            }
            [] => {}
        }
    }

    // ------------------------------------------------------------------ expressions

    fn expr(&mut self, expr: &Expr) {
        if self.gave_up() {
            return;
        }
        match expr {
            Expr::None => self.push("None"),
            Expr::Bool(b) => self.push(if *b { "True" } else { "False" }),
            // The formatter turns `-9223372036854775808` into `--9223372036854775808`: the
            // literal after the minus does not fit an i64.
            Expr::Int(i64::MIN) => self.push("-9223372036854775807 - 1"),
            Expr::Int(i) => self.push(&i.to_string()),
            Expr::Float(x) => self.push(&float_text(*x)),
            Expr::Str(s) => push_quoted(&mut self.out, s),
            Expr::Name(name) => self.name(name),
            Expr::Select {
                value,
                attr,
                null_safe,
            } => {
                self.postfix_operand(value);
                if is_identifier(attr) {
                    // After a `.`, KCL reads every keyword as a plain name.
                    self.push(if *null_safe { "?." } else { "." });
                    self.push(attr);
                } else {
                    // `x["a-b"]` selects what `x.a-b` cannot spell.
                    self.push(if *null_safe { "?[" } else { "[" });
                    push_quoted(&mut self.out, attr);
                    self.push("]");
                }
            }
            Expr::Index {
                value,
                index,
                null_safe,
            } => {
                self.postfix_operand(value);
                self.push(if *null_safe { "?[" } else { "[" });
                self.expr(index);
                self.push("]");
            }
            Expr::Call { func, args, kwargs } => {
                self.postfix_operand(func);
                self.push("(");
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.expr(arg);
                }
                for (i, (name, value)) in kwargs.iter().enumerate() {
                    if i > 0 || !args.is_empty() {
                        self.push(", ");
                    }
                    self.identifier(name);
                    self.push("=");
                    self.expr(value);
                }
                self.push(")");
            }
            Expr::List(items) => self.list(items),
            Expr::Dict(entries) => self.dict(entries),
            Expr::Schema { name, body } => {
                self.name(name);
                self.push(" ");
                self.dict(body);
            }
            Expr::Binary { left, op, right } => {
                let p = bin_prec(*op);
                let left_prec = prec(left);
                let left_parens = left_prec < p || (p == Prec::Compare && left_prec == p);
                self.operand(left, left_parens);
                self.push(" ");
                self.push(bin_symbol(*op));
                self.push(" ");
                self.operand(right, prec(right) <= p);
            }
            Expr::Unary { op, operand } => {
                self.push(match op {
                    UnaryOp::Not => "not ",
                    UnaryOp::Neg => "-",
                });
                // KCL accepts only a primary expression here: not even `- -1`.
                self.operand(operand, prec(operand) < Prec::Primary);
            }
            Expr::IfElse { cond, then, orelse } => {
                self.operand(then, prec(then) == Prec::IfElse);
                self.push(" if ");
                self.operand(cond, prec(cond) == Prec::IfElse);
                self.push(" else ");
                self.expr(orelse);
            }
            Expr::ListComp {
                element,
                vars,
                iter,
                cond,
            } => {
                self.push("[");
                self.expr(element);
                self.comp_clause(vars, iter, cond.as_deref());
                self.push("]");
            }
            Expr::DictComp {
                key,
                value,
                vars,
                iter,
                cond,
            } => {
                self.push("{");
                self.operand(key, prec(key) == Prec::IfElse);
                self.push(": ");
                self.expr(value);
                self.comp_clause(vars, iter, cond.as_deref());
                self.push("}");
            }
            Expr::Paren(inner) => self.operand(inner, true),
        }
    }

    fn operand(&mut self, expr: &Expr, parens: bool) {
        if parens {
            self.push("(");
        }
        self.expr(expr);
        if parens {
            self.push(")");
        }
    }

    /// After `*` or `**`: inside an `if` entry KCL accepts only a primary expression there,
    /// so anything else is parenthesised everywhere.
    fn unpack_operand(&mut self, expr: &Expr) {
        self.operand(expr, prec(expr) < Prec::Primary);
    }

    fn postfix_operand(&mut self, expr: &Expr) {
        self.operand(expr, !is_postfix_operand(expr));
    }

    fn comp_clause(&mut self, vars: &[String], iter: &Expr, cond: Option<&Expr>) {
        self.push(" for ");
        if vars.is_empty() {
            self.push("<invalid name: no loop variable>");
        }
        for (i, var) in vars.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.identifier(var);
        }
        self.push(" in ");
        // The iterable and the filter cannot be a bare `x if c else y`.
        self.operand(iter, prec(iter) == Prec::IfElse);
        if let Some(cond) = cond {
            self.push(" if ");
            self.operand(cond, prec(cond) == Prec::IfElse);
        }
    }

    fn list(&mut self, items: &[ListItem]) {
        self.collection(
            items,
            ("[", "]"),
            Printer::list_one_line,
            Printer::list_item_lines,
        );
    }

    /// The list on one line, or `false` when it holds an `if`.
    fn list_one_line(&mut self, items: &[&ListItem]) -> bool {
        self.separated(items, ("[", "]"), |p, item| match item {
            ListItem::Expr(expr) => {
                p.expr(expr);
                true
            }
            ListItem::Unpack(expr) => {
                p.push("*");
                p.unpack_operand(expr);
                true
            }
            ListItem::If(_) => false,
        })
    }

    /// A dict, config body or list: `{}` or `[]` when empty, on one line when `one_line`
    /// can print it there and it fits, else one entry or item per line (`lines`).
    fn collection<T: Inline>(
        &mut self,
        items: &[T],
        (open, close): (&str, &str),
        one_line: fn(&mut Self, &[&T]) -> bool,
        lines: fn(&mut Self, &T),
    ) {
        let items = T::flatten(items);
        if items.is_empty() {
            self.push(open);
            self.push(close);
            return;
        }
        if self.try_one_line(|p| one_line(p, &items)) {
            return;
        }
        self.push(open);
        self.push("\n");
        self.indent += 1;
        for item in items {
            lines(self, item);
        }
        self.indent -= 1;
        self.line_start();
        self.push(close);
    }

    /// `open`, the items separated by `, `, `close`; `false` as soon as `item` cannot print
    /// one on the line.
    fn separated<T>(
        &mut self,
        items: &[&T],
        (open, close): (&str, &str),
        item: fn(&mut Self, &T) -> bool,
    ) -> bool {
        self.push(open);
        for (i, each) in items.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            if !item(self, each) {
                return false;
            }
        }
        self.push(close);
        true
    }

    /// The line(s) of a list item in a multi-line list, each ending with a newline.
    fn list_item_lines(&mut self, item: &ListItem) {
        match item {
            ListItem::Expr(expr) => {
                self.line_start();
                self.expr(expr);
                self.push("\n");
            }
            ListItem::Unpack(expr) => {
                self.line_start();
                self.push("*");
                self.unpack_operand(expr);
                self.push("\n");
            }
            ListItem::If(chain) => self.if_lines(chain, "*[]", Printer::list_item_lines),
        }
    }

    fn dict(&mut self, entries: &[Entry]) {
        self.collection(
            entries,
            ("{", "}"),
            Printer::dict_one_line,
            Printer::entry_lines,
        );
    }

    /// The dict or config body on one line, or `false` when it holds an `if` or is a lone
    /// entry whose value is a dict or config (which `kcl fmt` always breaks over lines).
    fn dict_one_line(&mut self, entries: &[&Entry]) -> bool {
        let is_config = |expr: &Expr| matches!(expr, Expr::Dict(_) | Expr::Schema { .. });
        if let [Entry::Pair { value, .. } | Entry::Unpack(value)] = entries
            && is_config(value)
        {
            return false;
        }
        self.separated(entries, ("{", "}"), |p, entry| match entry {
            Entry::Pair { key, op, value } => {
                p.pair(key, *op, value);
                true
            }
            Entry::Unpack(expr) => {
                p.push("**");
                p.unpack_operand(expr);
                true
            }
            Entry::If(_) => false,
        })
    }

    /// The line(s) of a dict entry, each ending with a newline.
    fn entry_lines(&mut self, entry: &Entry) {
        match entry {
            Entry::Pair { key, op, value } => {
                self.line_start();
                self.pair(key, *op, value);
                self.push("\n");
            }
            Entry::Unpack(expr) => {
                self.line_start();
                self.push("**");
                self.unpack_operand(expr);
                self.push("\n");
            }
            Entry::If(chain) => self.if_lines(chain, "**{}", Printer::entry_lines),
        }
    }

    /// An `if` chain of dict entries or list items. `noop` stands in for an empty branch
    /// (KCL has no empty blocks); `lines` prints one entry or item.
    fn if_lines<T: Inline>(&mut self, chain: &IfChain<T>, noop: &str, lines: fn(&mut Self, &T)) {
        let (branches, orelse) = unroll(chain, |body| match T::flatten(body)[..] {
            [item] => item.as_chain(),
            _ => None,
        });
        let branch = |p: &mut Self, body: &[T]| {
            p.indent += 1;
            let body = T::flatten(body);
            if body.is_empty() {
                p.line_start();
                p.push(noop);
                p.push("\n");
            }
            for item in body {
                lines(p, item);
            }
            p.indent -= 1;
        };
        for (i, (cond, body)) in branches.into_iter().enumerate() {
            self.line_start();
            self.push(if i == 0 { "if " } else { "elif " });
            self.expr(cond);
            self.push(":\n");
            branch(self, body);
        }
        if let Some(body) = orelse
            && !T::flatten(body).is_empty()
        {
            self.line_start();
            self.push("else:\n");
            branch(self, body);
        }
    }
}

/// Dict entries and list items, which can hold `if` chains of their own kind.
trait Inline: Sized {
    /// The chain this entry or item is, if it is one.
    fn as_chain(&self) -> Option<&IfChain<Self>>;

    /// The entries or items with the chains that have no branch replaced by their `else`
    /// part (KCL would evaluate them the same way, and `if` needs a condition).
    fn flatten(items: &[Self]) -> Vec<&Self> {
        let mut out = Vec::new();
        for item in items {
            match item.as_chain() {
                Some(chain) if chain.branches.is_empty() => {
                    out.extend(Self::flatten(chain.orelse.as_deref().unwrap_or_default()));
                }
                _ => out.push(item),
            }
        }
        out
    }
}

impl Inline for Entry {
    fn as_chain(&self) -> Option<&IfChain<Self>> {
        match self {
            Entry::If(chain) => Some(chain),
            _ => None,
        }
    }
}

impl Inline for ListItem {
    fn as_chain(&self) -> Option<&IfChain<Self>> {
        match self {
            ListItem::If(chain) => Some(chain),
            _ => None,
        }
    }
}
