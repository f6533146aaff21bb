//! Typed errors: what KCL said, and why the runtime could not be loaded.

use std::fmt;
use std::path::PathBuf;

use crate::discovery::install_command;

/// Anything that can go wrong when using the runtime.
#[derive(Debug, Clone)]
pub enum Error {
    /// The runtime could not be found or loaded.
    Load(LoadError),
    /// KCL rejected or failed to evaluate the program.
    Kcl(KclError),
    /// The runtime answered with something this crate does not understand.
    Protocol(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(e) => e.fmt(f),
            Error::Kcl(e) => e.fmt(f),
            Error::Protocol(message) => write!(f, "KCL runtime protocol error: {message}"),
        }
    }
}

impl std::error::Error for Error {}

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

/// The KCL runtime could not be found or loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// What went wrong.
    pub reason: String,
    /// Every path that was tried, in order.
    pub tried: Vec<PathBuf>,
}

impl LoadError {
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        LoadError {
            reason: reason.into(),
            tried: Vec::new(),
        }
    }

    pub(crate) fn tried(mut self, path: PathBuf) -> Self {
        self.tried.push(path);
        self
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the KCL runtime is not available: {}", self.reason)?;
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
        write!(f, "; install it with `{}`", install_command())
    }
}

impl std::error::Error for LoadError {}

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
    /// The whole message, as KCL printed it.
    pub message: String,
    /// The places KCL named (`---> File <file>:<line>[:<column>]`), in order.
    pub locations: Vec<Location>,
}

impl KclError {
    /// Read the locations out of a KCL message.
    pub(crate) fn parse(kind: KclErrorKind, message: &str) -> Self {
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

/// Parse `---> File main.k:2:8: message` (the column and message are optional).
fn parse_location(line: &str) -> Option<Location> {
    let rest = line.trim_start().strip_prefix("--->")?.trim_start();
    let rest = rest.strip_prefix("File ")?;
    let mut parts = rest.splitn(4, ':');
    let file = parts.next()?.trim().to_owned();
    let line_no = parts.next()?.trim().parse().ok()?;
    let column = parts.next().and_then(|c| c.trim().parse().ok());
    Some(Location {
        file,
        line: line_no,
        column,
    })
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
}
