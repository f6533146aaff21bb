//! A typed KCL syntax tree: generated KCL is built as values, never by gluing strings.
//!
//! The tree covers what generators need, not the whole language. [`Module`]'s `Display`
//! prints it in the canonical form of the KCL formatter (the rules are on that impl).

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
    /// lists, `null` `None`.
    pub fn from_json(value: &serde_json::Value) -> Expr {
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
                    .map(|item| ListItem::Expr(Expr::from_json(item)))
                    .collect(),
            ),
            serde_json::Value::Object(map) => Expr::Dict(
                map.iter()
                    .map(|(k, v)| Entry::pair(k.clone(), Expr::from_json(v)))
                    .collect(),
            ),
        }
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
