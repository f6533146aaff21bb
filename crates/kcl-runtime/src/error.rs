//! Typed errors: what KCL said, and why the runtime could not be loaded.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// An underlying error kept as the [`source`](std::error::Error::source) of ours.
type Source = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// Anything that can go wrong when using the runtime.
#[derive(Debug, Clone)]
pub enum Error {
    /// The runtime could not be found or loaded.
    Load(LoadError),
    /// KCL rejected or failed to evaluate the program.
    Kcl(KclError),
    /// The runtime answered with something this crate does not understand.
    Protocol(String),
    /// An operating-system error on this side of the call: a source file that cannot be
    /// read, or the thread that runs KCL cannot be started.
    Io {
        /// What was being done, for example `cannot read main.k`.
        context: String,
        /// The error the operating system gave.
        source: Arc<std::io::Error>,
    },
}

impl Error {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source: Arc::new(source),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(e) => e.fmt(f),
            Error::Kcl(e) => e.fmt(f),
            Error::Protocol(message) => write!(f, "KCL runtime protocol error: {message}"),
            Error::Io { context, source } => write!(f, "{context}: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // These display as the error they wrap, so its source is ours.
            Error::Load(e) => e.source(),
            Error::Kcl(e) => e.source(),
            Error::Protocol(_) => None,
            Error::Io { source, .. } => Some(source.as_ref()),
        }
    }
}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        Error::Load(e)
    }
}

impl From<KclError> for Error {
    fn from(e: KclError) -> Self {
        Error::Kcl(e)
    }
}

/// Why the runtime could not be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// No KCL library was found where it was looked for.
    NotFound,
    /// The libpython the KCL library links against is missing, cannot be loaded, or is not
    /// libpython (see [`KCL_LIBPYTHON_PATH_ENV`](crate::KCL_LIBPYTHON_PATH_ENV)).
    Libpython,
    /// The KCL library file is truncated, corrupt or not a KCL runtime library.
    Library,
}

/// The KCL runtime could not be found or loaded.
///
/// It displays as one line: what went wrong, every path tried, what to do about it (the
/// runtime's own advice, such as the `pip` command that installs the pinned `kcl-lib`),
/// and then the [hint](LoadError::with_hint) the embedding application added, if any.
#[derive(Debug, Clone)]
pub struct LoadError {
    /// What went wrong.
    pub reason: String,
    /// Every path that was tried, in order.
    pub tried: Vec<PathBuf>,
    kind: LoadErrorKind,
    /// What to do about it.
    advice: String,
    /// What the embedding application adds, such as its own install command.
    hint: Option<String>,
    source: Option<Source>,
}

impl LoadError {
    /// A problem of `kind`, with what to do about it.
    pub(crate) fn new(
        kind: LoadErrorKind,
        reason: impl Into<String>,
        advice: impl Into<String>,
    ) -> Self {
        LoadError {
            reason: reason.into(),
            tried: Vec::new(),
            kind,
            advice: advice.into(),
            hint: None,
            source: None,
        }
    }

    pub(crate) fn tried(mut self, path: PathBuf) -> Self {
        self.tried.push(path);
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// Add what the application that embeds the runtime says to do, shown last, after
    /// `; `: for example its own command that installs the runtime. A second call replaces
    /// the first hint.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # if false {
    /// let runtime = kcl_runtime::Runtime::global()
    ///     .map_err(|e| e.with_hint("or run `make kcl`, which installs it"))?;
    /// # }
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Why the runtime could not be loaded.
    pub fn kind(&self) -> LoadErrorKind {
        self.kind
    }

    /// What the runtime says to do about it, such as the command that installs it.
    pub fn advice(&self) -> &str {
        &self.advice
    }

    /// The hint the embedding application added with [`with_hint`](LoadError::with_hint).
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
}

impl PartialEq for LoadError {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.reason == other.reason
            && self.tried == other.tried
            && self.advice == other.advice
            && self.hint == other.hint
    }
}

impl Eq for LoadError {}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the KCL runtime is not available: {}", self.reason)?;
        if let Some(source) = &self.source {
            write!(f, " ({source})")?;
        }
        if !self.tried.is_empty() {
            write!(f, " (tried ")?;
            for (i, path) in self.tried.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{}", path.display())?;
            }
            write!(f, ")")?;
        }
        write!(f, "; {}", self.advice)?;
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Whether KCL rejected the program before running it, or the program failed while running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KclErrorKind {
    /// Syntax, type or name errors found while compiling.
    Compile,
    /// A failed `assert`, a runtime type error and the like, found while evaluating.
    Evaluation,
}

/// A place in a KCL source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file name as KCL reports it.
    pub file: String,
    /// The line, starting at 1.
    pub line: u32,
    /// The column, starting at 1, where KCL gives one.
    pub column: Option<u32>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        Ok(())
    }
}

/// KCL rejected the program or failed to evaluate it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KclError {
    /// Compile time or run time.
    pub kind: KclErrorKind,
    /// The whole message, as KCL printed it, as plain text (terminal colour codes removed).
    pub message: String,
    /// The places KCL named, in order.
    pub locations: Vec<Location>,
}

impl KclError {
    /// Read a KCL message: remove its colour codes and read the places it names.
    ///
    /// KCL reports a place in one of two shapes. For a source it can read from disk (a
    /// file, or in-memory source named after an existing file) it quotes the line, with
    /// colours: `error[E2L23]: CompileError` / ` --> /path/main.k:2:5` / `  |` / `2 | b = x`.
    /// For a source that exists only in memory: `---> File main.k:2:5: name 'x' is not
    /// defined`. Both are read.
    pub(crate) fn parse(kind: KclErrorKind, message: &str) -> Self {
        let message = strip_ansi(message);
        let locations = message.lines().filter_map(parse_location).collect();
        KclError {
            kind,
            message: message.trim().to_owned(),
            locations,
        }
    }

    /// The first place KCL named, usually where the error is.
    pub fn location(&self) -> Option<&Location> {
        self.locations.first()
    }
}

impl fmt::Display for KclError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            KclErrorKind::Compile => "KCL compile error",
            KclErrorKind::Evaluation => "KCL evaluation error",
        };
        write!(f, "{kind}: {}", self.message)
    }
}

impl std::error::Error for KclError {}

/// Remove terminal escape sequences: CSI (`ESC [ ... final`, which colours are), OSC
/// (`ESC ] ... BEL` or `ESC ] ... ESC \`) and two-character escapes.
pub(crate) fn strip_ansi(text: &str) -> String {
    const ESC: char = '\u{1b}';
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != ESC {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                // Parameter and intermediate bytes, then one final byte in @..=~.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' {
                        break;
                    }
                    if c == ESC && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            // A two-character escape; an escape at the very end is dropped.
            _ => {}
        }
    }
    out
}

/// Read a place from one line of a KCL message: `---> File main.k:2:8: message` (column
/// and message optional) or ` --> /path/main.k:2:8` (column optional).
fn parse_location(line: &str) -> Option<Location> {
    let line = line.trim_start();
    if let Some(rest) = line.strip_prefix("--->") {
        let rest = rest.trim_start().strip_prefix("File ")?;
        return split_place(rest);
    }
    let rest = line.strip_prefix("-->")?.trim();
    split_place(rest)
}

/// Split `file:line[:column][: anything]` at the first `:<digits>` that ends the file
/// name, so that a file name may itself hold colons that are not followed by a number.
fn split_place(text: &str) -> Option<Location> {
    let mut search = 0;
    while let Some(offset) = text[search..].find(':') {
        let colon = search + offset;
        let after = &text[colon + 1..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let rest = &after[digits..];
        if colon > 0 && digits > 0 && (rest.is_empty() || rest.starts_with(':')) {
            let line = after[..digits].parse().ok()?;
            let column = rest.strip_prefix(':').and_then(|rest| {
                let n = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                let tail = &rest[n..];
                (n > 0 && (tail.is_empty() || tail.starts_with(':')))
                    .then(|| rest[..n].parse().ok())
                    .flatten()
            });
            return Some(Location {
                file: text[..colon].trim().to_owned(),
                line,
                column,
            });
        }
        search = colon + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_read_with_and_without_column() {
        let e = KclError::parse(
            KclErrorKind::Compile,
            "error[E1001]: InvalidSyntax\n ---> File main.k:2:8: expected one of [...] got newline\n",
        );
        assert_eq!(
            e.location(),
            Some(&Location {
                file: "main.k".into(),
                line: 2,
                column: Some(8)
            })
        );
        let e = KclError::parse(
            KclErrorKind::Evaluation,
            "EvaluationError\n---> File main.k:1: boom",
        );
        assert_eq!(e.location().map(|l| (l.line, l.column)), Some((1, None)));
    }

    #[test]
    fn coloured_snippet_messages_become_plain_text_with_their_location() {
        let raw = "error[E2L23]: CompileError\n \u{1b}[1;38;5;12m-->\u{1b}[0m /tmp/x/undef.k:2:5\n\u{1b}[1;38;5;12m  |\u{1b}[0m\n\u{1b}[1;38;5;12m2 |\u{1b}[0m b = x\n\u{1b}[1;38;5;12m  |\u{1b}[0m\u{1b}[1;38;5;9m     ^\u{1b}[0m \u{1b}[1;38;5;9mname 'x' is not defined\u{1b}[0m\n";
        let e = KclError::parse(KclErrorKind::Compile, raw);
        assert!(!e.message.contains('\u{1b}'), "{:?}", e.message);
        assert!(
            e.message.contains("  |     ^ name 'x' is not defined"),
            "{}",
            e.message
        );
        assert_eq!(
            e.locations,
            vec![Location {
                file: "/tmp/x/undef.k".into(),
                line: 2,
                column: Some(5)
            }]
        );
    }

    #[test]
    fn file_names_with_colons_keep_them() {
        let e = KclError::parse(
            KclErrorKind::Compile,
            "---> File C:\\k\\main.k:3:1: a: b\n --> /a:b/c.k:4",
        );
        let places: Vec<_> = e.locations.iter().map(ToString::to_string).collect();
        assert_eq!(places, ["C:\\k\\main.k:3:1", "/a:b/c.k:4"]);
    }

    #[test]
    fn a_load_error_says_the_advice_then_the_hint() {
        let e = LoadError::new(LoadErrorKind::NotFound, "none found", "install it")
            .tried(PathBuf::from("/a"))
            .tried(PathBuf::from("/b"));
        assert_eq!(e.hint(), None);
        assert_eq!(
            e.to_string(),
            "the KCL runtime is not available: none found (tried /a, /b); install it"
        );
        let hinted = e.clone().with_hint("or run `make kcl`");
        assert_eq!(hinted.advice(), "install it");
        assert_eq!(hinted.hint(), Some("or run `make kcl`"));
        assert_eq!(
            hinted.to_string(),
            "the KCL runtime is not available: none found (tried /a, /b); install it; or run \
             `make kcl`"
        );
        assert_ne!(hinted, e);
    }

    #[test]
    fn escape_sequences_of_every_shape_are_removed() {
        assert_eq!(
            strip_ansi("a\u{1b}[0mb\u{1b}]0;title\u{7}c\u{1b}]8;;x\u{1b}\\d\u{1b}(e\u{1b}"),
            "abcde"
        );
    }
}
