//! KCL's lexical rules, as generated code needs them: what an identifier is, which words
//! are keywords (and which of those KCL still reads as a bare dict key), and how a string
//! is written as a literal that evaluates to exactly itself.
//!
//! The printer follows these rules; a tool that checks names before it builds a tree (a
//! derive, for example) uses the same ones.
//!
//! ```
//! use kcl_codegen_syntax::lexical::{is_bare_key, is_identifier, is_keyword, quote};
//!
//! assert!(is_identifier("http_addon") && !is_identifier("a-b"));
//! assert!(is_keyword("type") && is_bare_key("type"));
//! assert!(is_keyword("if") && !is_bare_key("if"));
//! assert_eq!(quote("${x}"), r#""\x24{x}""#);
//! ```

/// KCL's keywords (`kclvm_span::symbol::Keywords`): as names they need a `$` prefix.
pub const KEYWORDS: &[&str] = &[
    "as",
    "import",
    "rule",
    "schema",
    "mixin",
    "protocol",
    "check",
    "for",
    "assert",
    "if",
    "elif",
    "else",
    "or",
    "and",
    "not",
    "in",
    "is",
    "lambda",
    "all",
    "any",
    "filter",
    "map",
    "type",
    "True",
    "False",
    "None",
    "Undefined",
];

/// The keywords that KCL reads as a plain dict key, bare, wherever a key can stand (found by
/// formatting and evaluating every keyword as a key with the runtime; `tests/escaping.rs`
/// checks it). The others are quoted: `if`, `for`, `not`, `lambda`, `all`, `any`, `filter`,
/// `map` and the constants do not parse as keys, and `elif` and `else` would continue an
/// `if` entry above them.
pub const BARE_KEYWORD_KEYS: &[&str] = &[
    "as", "import", "rule", "schema", "mixin", "protocol", "check", "assert", "or", "and", "in",
    "is", "type",
];

/// A plain KCL identifier, `[A-Za-z_][A-Za-z0-9_]*` (ASCII, as the formatter's own check
/// is). Keywords are identifiers too: see [`is_keyword`].
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// One of [`KEYWORDS`]: as a name it takes a `$` prefix (`$type`).
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Whether `key` can be written as a dict key without quotes: an identifier that is not a
/// keyword, or one of [`BARE_KEYWORD_KEYS`].
pub fn is_bare_key(key: &str) -> bool {
    is_identifier(key) && (!is_keyword(key) || BARE_KEYWORD_KEYS.contains(&key))
}

/// The one character that KCL's source reader cannot take raw anywhere, even in a comment:
/// its display width is 3, and measuring it panics (`width 3 given for non-narrow
/// character`) so that formatting returns nothing and compiling fails. Found by trying
/// every character; it is written as its `\u` escape instead.
const UNREADABLE: char = '\u{17D8}';
const UNREADABLE_ESCAPED: &str = "\\u17d8";

/// Beyond this many bytes, a string literal is written in ASCII only: KCL's source reader
/// fails on a single string token of about 64 KiB of multi-byte characters (a 65,536-byte
/// run of `é` already does), and escapes are plain ASCII.
const LONG_LITERAL: usize = 16 * 1024;

/// `s` as a double-quoted KCL string literal that evaluates to exactly `s`.
///
/// `\`, `"`, newline, tab and carriage return take their short escapes, other control
/// characters `\xNN`, the `$` of `${` is written `\x24` (KCL would interpolate `${`),
/// U+17D8 (which KCL's source reader cannot take) `\u17d8`; literals longer than 16 KiB
/// are written in ASCII. Everything else is written as is.
pub fn quote(s: &str) -> String {
    let mut out = String::new();
    push_quoted(&mut out, s);
    out
}

/// Append `s` as a double-quoted KCL string literal that evaluates to exactly `s` (see
/// [`quote`]).
pub(crate) fn push_quoted(out: &mut String, s: &str) {
    let start = out.len();
    push_escaped(out, s, false);
    if out.len() - start > LONG_LITERAL && !out[start..].is_ascii() {
        out.truncate(start);
        push_escaped(out, s, true);
    }
}

fn push_escaped(out: &mut String, s: &str, ascii_only: bool) {
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // `\${` would be the documented escape, but KCL still looks for the closing
            // `}` after it and rejects `"\${"`; `\x24` is a plain `$` to the lexer.
            '$' if chars.peek() == Some(&'{') => out.push_str("\\x24"),
            // A raw control character ends or breaks the literal. All of them are below
            // U+0100, so `\xNN` (a code point, not a byte) reaches them.
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if c == UNREADABLE || (ascii_only && !c.is_ascii()) => {
                let code = u32::from(c);
                if code <= 0xFFFF {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The text of a comment line as KCL can read it: a comment has no escapes, so the one
/// character KCL cannot read (U+17D8) is spelled out as `\u17d8`.
pub(crate) fn comment_text(text: &str) -> String {
    text.replace(UNREADABLE, UNREADABLE_ESCAPED)
}
