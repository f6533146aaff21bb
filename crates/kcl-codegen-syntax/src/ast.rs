//! A typed KCL syntax tree: generated KCL is built as values, never by gluing strings.
//!
//! The tree covers what generators need, not the whole language. [`Module`]'s `Display`
//! prints it in the canonical form of the KCL formatter (the rules are on that impl).

use crate::json::{self, JsonError};

/// The column by which a dict or list printed on one line ends (see the layout rules on
/// [`Module`]'s `Display`); a longer one is printed one entry or item per line.
pub const WIDTH: usize = 100;

/// A KCL file: a list of statements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    /// The statements, in order.
    pub body: Vec<Stmt>,
}

/// A statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// A comment line; the text is printed after `# `.
    Comment(String),
    /// An empty line between statements.
    Blank,
    /// `target = value`, `target += value` or `target: value`.
    Assign {
        /// The variable assigned to.
        target: String,
        /// Which operator.
        op: AssignOp,
        /// The value.
        value: Expr,
    },
    /// `if cond: ... elif cond: ... else: ...`.
    If(IfChain<Stmt>),
    /// An expression on its own, such as a call.
    Expr(Expr),
    /// `schema Name:` and its body. KCL defines schemas at the top level only.
    Schema(Schema),
}

/// A schema definition: its attributes, then the statements that compute the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// The schema's name.
    pub name: String,
    /// The attributes a config of the schema can set, in order.
    pub attrs: Vec<Attr>,
    /// The statements after the attributes: assignments of the schema's other attributes
    /// (for example `kind = "Release"`), comments, `if`s.
    pub body: Vec<Stmt>,
}

/// An attribute of a schema: `name: type`, `name?: type` or `name: type = default`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    /// The attribute's name.
    pub name: String,
    /// `name?:`: a config may leave it out (it is then `None`).
    pub optional: bool,
    /// Its type.
    pub ty: Type,
    /// Its value when a config does not set it.
    pub default: Option<Expr>,
}

/// The type of a schema attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// `any`.
    Any,
    /// `bool`.
    Bool,
    /// `int`.
    Int,
    /// `float`.
    Float,
    /// `str`.
    Str,
    /// A string literal type: exactly this string (`"Release"`).
    Literal(String),
    /// `[item]`.
    List(Box<Type>),
    /// `{key:value}`; `{str:}` when the value is [`Type::Any`].
    Dict(Box<Type>, Box<Type>),
    /// `a | b`: any of these types.
    Union(Vec<Type>),
    /// A schema, by name (possibly qualified, `pkg.Name`).
    Named(String),
}

/// The operator of an assignment or a dict entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`: override.
    Override,
    /// `:`: union (the default of KCL config entries).
    Union,
    /// `+=`: append to a list.
    Append,
}

/// `if`/`elif`/`else` over statements, dict entries or list items.
#[derive(Debug, Clone, PartialEq)]
pub struct IfChain<T> {
    /// The `if` and `elif` branches: a condition and what it guards.
    pub branches: Vec<(Expr, Vec<T>)>,
    /// The `else` branch, if any.
    pub orelse: Option<Vec<T>>,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `None`.
    None,
    /// `True` or `False`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating point number.
    Float(f64),
    /// A string literal; any content is escaped so that it evaluates to exactly this text.
    Str(String),
    /// A name (a variable or schema); KCL keywords are escaped with `$`.
    Name(String),
    /// `value.attr`, or `value?.attr` when null-safe.
    Select {
        /// What is selected from.
        value: Box<Expr>,
        /// The attribute.
        attr: String,
        /// `?.` instead of `.`.
        null_safe: bool,
    },
    /// `value[index]`, or `value?[index]` when null-safe.
    Index {
        /// What is indexed.
        value: Box<Expr>,
        /// The index.
        index: Box<Expr>,
        /// `?[` instead of `[`.
        null_safe: bool,
    },
    /// `func(args, name = value)`.
    Call {
        /// What is called.
        func: Box<Expr>,
        /// Positional arguments.
        args: Vec<Expr>,
        /// Keyword arguments.
        kwargs: Vec<(String, Expr)>,
    },
    /// A list literal.
    List(Vec<ListItem>),
    /// A dict (config) literal.
    Dict(Vec<Entry>),
    /// A schema instantiation: `Name {entries}`.
    Schema {
        /// The schema's name.
        name: String,
        /// The entries of the config body.
        body: Vec<Entry>,
    },
    /// `left op right`.
    Binary {
        /// The left operand.
        left: Box<Expr>,
        /// The operator.
        op: BinOp,
        /// The right operand.
        right: Box<Expr>,
    },
    /// `not operand` or `-operand`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `then if cond else orelse`.
    IfElse {
        /// The condition.
        cond: Box<Expr>,
        /// The value when the condition holds.
        then: Box<Expr>,
        /// The value otherwise.
        orelse: Box<Expr>,
    },
    /// `[element for vars in iter if cond]`.
    ListComp {
        /// The element produced per iteration.
        element: Box<Expr>,
        /// The loop variables (one, or two for dicts).
        vars: Vec<String>,
        /// What is iterated.
        iter: Box<Expr>,
        /// An optional filter.
        cond: Option<Box<Expr>>,
    },
    /// `{key: value for vars in iter if cond}`.
    DictComp {
        /// The key produced per iteration.
        key: Box<Expr>,
        /// The value produced per iteration.
        value: Box<Expr>,
        /// The loop variables.
        vars: Vec<String>,
        /// What is iterated.
        iter: Box<Expr>,
        /// An optional filter.
        cond: Option<Box<Expr>>,
    },
    /// `(expr)`.
    Paren(Box<Expr>),
}

/// An item of a list literal.
#[derive(Debug, Clone, PartialEq)]
pub enum ListItem {
    /// A plain element.
    Expr(Expr),
    /// `*expr`: the elements of another list.
    Unpack(Expr),
    /// Elements that exist only when a condition holds.
    If(IfChain<ListItem>),
}

/// An entry of a dict or schema body.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// `key = value`, `key: value` or `key += value`.
    Pair {
        /// The key.
        key: Key,
        /// Which operator.
        op: AssignOp,
        /// The value.
        value: Expr,
    },
    /// `**expr`: the entries of another dict.
    Unpack(Expr),
    /// Entries that exist only when a condition holds.
    If(IfChain<Entry>),
}

/// The key of a dict entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    /// A single key; printed bare when it is a plain identifier, quoted otherwise.
    Name(String),
    /// `a.b.c`: a nested key (each part must be a plain identifier).
    Path(Vec<String>),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `and`
    And,
    /// `or`
    Or,
    /// `==`
    Eq,
    /// `!=`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    LtE,
    /// `>`
    Gt,
    /// `>=`
    GtE,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `|` (dict union)
    BitOr,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}

impl Expr {
    /// A string literal.
    pub fn str(s: impl Into<String>) -> Expr {
        Expr::Str(s.into())
    }

    /// A name.
    pub fn name(s: impl Into<String>) -> Expr {
        Expr::Name(s.into())
    }

    /// `self.attr`.
    pub fn attr(self, attr: impl Into<String>) -> Expr {
        Expr::Select {
            value: Box::new(self),
            attr: attr.into(),
            null_safe: false,
        }
    }

    /// `self?.attr`.
    pub fn attr_opt(self, attr: impl Into<String>) -> Expr {
        Expr::Select {
            value: Box::new(self),
            attr: attr.into(),
            null_safe: true,
        }
    }

    /// `self op right`.
    pub fn binary(self, op: BinOp, right: Expr) -> Expr {
        Expr::Binary {
            left: Box::new(self),
            op,
            right: Box::new(right),
        }
    }

    /// `not self`.
    // The name reads like KCL; `std::ops::Not` would spell it `!`, which KCL does not have.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Expr {
        Expr::Unary {
            op: UnaryOp::Not,
            operand: Box::new(self),
        }
    }

    /// The KCL literal of a JSON value: objects become dicts (keys in their order), arrays
    /// lists, `null` `None`, integers KCL integers and floats KCL floats.
    ///
    /// A value that KCL cannot hold is refused at its path ([`json::check`]): an integer
    /// above `i64::MAX` (a float would lose its digits), or lists and mappings nested
    /// deeper than [`json::KCL_VALUE_MAX_DEPTH`] (126), which the runtime fails to output.
    pub fn try_from_json(value: &serde_json::Value) -> Result<Expr, JsonError> {
        json::check(value)?;
        Ok(Expr::from_checked_json(value))
    }

    /// [`Expr::try_from_json`] of a value that [`json::check`] admits.
    fn from_checked_json(value: &serde_json::Value) -> Expr {
        match value {
            serde_json::Value::Null => Expr::None,
            serde_json::Value::Bool(b) => Expr::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Expr::Int(i),
                None => Expr::Float(n.as_f64().unwrap_or_default()),
            },
            serde_json::Value::String(s) => Expr::Str(s.clone()),
            serde_json::Value::Array(items) => Expr::List(
                items
                    .iter()
                    .map(|item| ListItem::Expr(Expr::from_checked_json(item)))
                    .collect(),
            ),
            serde_json::Value::Object(map) => Expr::Dict(
                map.iter()
                    .map(|(k, v)| Entry::pair(k.clone(), Expr::from_checked_json(v)))
                    .collect(),
            ),
        }
    }
}

impl Expr {
    /// The same literal with its one-entry chains written as dotted keys, as hand-written
    /// KCL writes them: `metadata = {labels = {app = "a"}}` becomes
    /// `metadata.labels.app = "a"`, and `spec = {template = {a = 1, b = 2}}` becomes
    /// `spec.template = {a = 1, b = 2}`. Every dict inside the literal is rewritten, in
    /// list items and in the values of schema configs too (but not a schema config's own
    /// entries, whose attributes may have defaults that a dotted key would merge into).
    ///
    /// `a.b = v` is KCL for `a: {b = v}`, so the value the literal evaluates to is the same.
    /// What changes is how the rewritten dict merges into another config later: through
    /// `|`, `**` or a schema's defaults, `a = {b = v}` replaces `a`, while `a.b = v` merges
    /// into it. Use this on literals that are assigned or passed as they are.
    ///
    /// An entry is rewritten when its value is a dict literal with exactly one `key = value`
    /// (or `key: value`, `key += value`) entry, every part of both keys is an identifier,
    /// and its own operator is `:`, or `=` where replacing and merging are the same: in a
    /// dict with no `**` and no other entry for the same key, which does not itself merge
    /// into another value. Inside the literal, the value of a `:` entry merges into another
    /// when its dict has `**` or another entry for the same key, or itself merges, and in a
    /// schema config (into the attribute's default); so do the items of a list that merges
    /// (item by item). There a `=` decides what the merge keeps, and stays. `+=` entries,
    /// `**` operands and other expressions are left as they are.
    pub fn with_dotted_keys(self) -> Expr {
        self.dotted(Merge::Alone)
    }

    /// [`Expr::with_dotted_keys`] for a literal that does or does not merge into another.
    fn dotted(self, merge: Merge) -> Expr {
        match self {
            Expr::Dict(entries) => Expr::Dict(dotted_entries(entries, merge)),
            Expr::List(items) => Expr::List(
                items
                    .into_iter()
                    .map(|item| dotted_item(item, merge))
                    .collect(),
            ),
            Expr::Schema { name, body } => Expr::Schema {
                name,
                body: body.into_iter().map(dotted_values).collect(),
            },
            other => other,
        }
    }
}

/// Whether a literal merges into another value (`:`), where each `=` inside it says that
/// its value replaces what the other holds, and `a = {b = v}` is no longer `a.b = v`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Merge {
    /// Assigned or replacing as it is.
    Alone,
    /// Merged into another value.
    Into,
}

impl Merge {
    /// How the value of an entry with operator `op` merges, when other entries (`meets`)
    /// could meet its key: only a union merges, and only where there is something to
    /// merge into.
    fn of_value(op: AssignOp, meets: bool) -> Merge {
        if op == AssignOp::Union && meets {
            Merge::Into
        } else {
            Merge::Alone
        }
    }
}

impl<T> IfChain<T> {
    /// The same chain with `f` applied to every item of every branch.
    fn map(self, mut f: impl FnMut(T) -> T) -> IfChain<T> {
        let mut body = |items: Vec<T>| items.into_iter().map(&mut f).collect();
        IfChain {
            branches: self
                .branches
                .into_iter()
                .map(|(cond, items)| (cond, body(items)))
                .collect(),
            orelse: self.orelse.map(body),
        }
    }
}

/// The entries of a dict with their one-entry chains collapsed (see
/// [`Expr::with_dotted_keys`]).
fn dotted_entries(entries: Vec<Entry>, merge: Merge) -> Vec<Entry> {
    let mut firsts = Vec::new();
    let unpacks = first_keys(&entries, &mut firsts);
    // Whether anything but this entry could meet its key: another entry, a `**`, or the
    // value this dict merges into.
    let meets = |key: &Key| {
        let first = first_key(key);
        merge == Merge::Into || unpacks || firsts.iter().filter(|k| **k == first).count() > 1
    };
    entries
        .into_iter()
        .map(|entry| collapse(entry, &meets))
        .collect()
}

fn collapse(entry: Entry, meets: &dyn Fn(&Key) -> bool) -> Entry {
    match entry {
        Entry::Pair { key, op, value } => {
            let value = value.dotted(Merge::of_value(op, meets(&key)));
            let replaces_alone =
                op == AssignOp::Union || (op == AssignOp::Override && !meets(&key));
            match (&value, key_parts(&key)) {
                (Expr::Dict(inner), Some(outer)) if replaces_alone => match inner.as_slice() {
                    [
                        Entry::Pair {
                            key: inner_key,
                            op: inner_op,
                            value: inner_value,
                        },
                    ] if key_parts(inner_key).is_some() => {
                        let mut parts = outer;
                        parts.extend(key_parts(inner_key).unwrap_or_default());
                        Entry::Pair {
                            key: Key::Path(parts),
                            op: *inner_op,
                            value: inner_value.clone(),
                        }
                    }
                    _ => Entry::Pair { key, op, value },
                },
                _ => Entry::Pair { key, op, value },
            }
        }
        Entry::If(chain) => Entry::If(chain.map(|e| collapse(e, meets))),
        unpack @ Entry::Unpack(_) => unpack,
    }
}

/// The first part of every key of a dict, `if` branches included; whether it unpacks
/// another dict (`**`) anywhere.
fn first_keys(entries: &[Entry], firsts: &mut Vec<String>) -> bool {
    let mut unpacks = false;
    for entry in entries {
        match entry {
            Entry::Pair { key, .. } => firsts.push(first_key(key)),
            Entry::Unpack(_) => unpacks = true,
            Entry::If(chain) => {
                for body in chain.branches.iter().map(|(_, b)| b).chain(&chain.orelse) {
                    unpacks |= first_keys(body, firsts);
                }
            }
        }
    }
    unpacks
}

/// The key of the dict that an entry sets: its name, or the first part of its path.
fn first_key(key: &Key) -> String {
    match key {
        Key::Name(name) => name.clone(),
        Key::Path(parts) => parts.first().cloned().unwrap_or_default(),
    }
}

/// The parts of a key that a dotted key can spell: every part an identifier.
fn key_parts(key: &Key) -> Option<Vec<String>> {
    let parts = match key {
        Key::Name(name) => vec![name.clone()],
        Key::Path(parts) => parts.clone(),
    };
    (!parts.is_empty() && parts.iter().all(|p| crate::lexical::is_identifier(p))).then_some(parts)
}

/// A list item rewritten; the items of a list that merges into another merge item by item.
fn dotted_item(item: ListItem, merge: Merge) -> ListItem {
    match item {
        ListItem::Expr(expr) => ListItem::Expr(expr.dotted(merge)),
        ListItem::If(chain) => ListItem::If(chain.map(|item| dotted_item(item, merge))),
        unpack @ ListItem::Unpack(_) => unpack,
    }
}

/// A schema config's entry with its value rewritten, the entry itself kept. A `:` entry's
/// value merges into the attribute's default.
fn dotted_values(entry: Entry) -> Entry {
    match entry {
        Entry::Pair { key, op, value } => Entry::Pair {
            key,
            op,
            value: value.dotted(Merge::of_value(op, true)),
        },
        Entry::If(chain) => Entry::If(chain.map(dotted_values)),
        unpack @ Entry::Unpack(_) => unpack,
    }
}

impl Entry {
    /// `key = value`.
    pub fn pair(key: impl Into<String>, value: Expr) -> Entry {
        Entry::Pair {
            key: Key::Name(key.into()),
            op: AssignOp::Override,
            value,
        }
    }
}

impl Stmt {
    /// `target = value`.
    pub fn assign(target: impl Into<String>, value: Expr) -> Stmt {
        Stmt::Assign {
            target: target.into(),
            op: AssignOp::Override,
            value,
        }
    }
}
