//! Generated regions inside hand-written files.
//!
//! A region is the lines between two marker comment lines:
//!
//! ```text
//! # BEGIN GENERATED apps (from the Rust types): do not edit
//! ...generated body...
//! # END GENERATED apps
//! ```
//!
//! A BEGIN marker is a line that starts with `# BEGIN GENERATED `, then the region's name
//! (`[A-Za-z0-9_-]+`), then anything. An END marker is `# END GENERATED <name>`, then
//! nothing but whitespace. Markers start at the beginning of the line. Regions do not nest
//! and each name appears once per file.
//!
//! Generating is two steps, so that one broken file stops everything before anything is
//! written: [`splice_file`] (or [`replace`] on text) computes each file's new contents,
//! then [`update`] (or [`update_in`], for paths relative to a directory) compares them with
//! the disk and writes the stale files, or only reports them with a unified diff
//! ([`Mode::Check`]).

use std::fmt;
use std::fs;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::ast::Module;
use crate::staged::Staged;

const BEGIN: &str = "# BEGIN GENERATED";
const END: &str = "# END GENERATED";

/// One generated region of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The region's name, from its markers.
    pub name: String,
    /// The byte range of the body in the file's text: the lines strictly between the
    /// markers, line endings included (empty for an empty region).
    pub body: Range<usize>,
    /// The 1-based line of the BEGIN marker.
    pub begin_line: usize,
    /// The 1-based line of the END marker.
    pub end_line: usize,
}

/// A problem with the markers of a file, or with the bodies meant for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionError {
    /// The file.
    pub path: PathBuf,
    /// The 1-based line at fault; `None` when no line is (a region the file lacks).
    pub line: Option<usize>,
    /// What is wrong.
    pub kind: RegionErrorKind,
}

/// What is wrong with a file's regions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionErrorKind {
    /// A BEGIN marker has no END marker.
    MissingEnd {
        /// The region's name.
        name: String,
    },
    /// An END marker follows no open BEGIN marker.
    EndWithoutBegin {
        /// The name on the END marker.
        name: String,
    },
    /// A second region with the same name.
    Duplicate {
        /// The region's name.
        name: String,
        /// The 1-based line of the first region's BEGIN marker.
        first_line: usize,
    },
    /// A BEGIN marker inside an open region.
    Nested {
        /// The inner region's name.
        name: String,
        /// The open region's name.
        open: String,
    },
    /// An END marker whose name is not the open region's.
    MismatchedEnd {
        /// The open region's name.
        open: String,
        /// The name on the END marker.
        found: String,
    },
    /// A line that starts like a marker but is not one (no name, or text after the END
    /// marker's name).
    MalformedMarker,
    /// The generator has a body for a region the file lacks.
    MissingRegion {
        /// The region's name.
        name: String,
    },
    /// The file has a region the generator no longer produces: its stale text must not
    /// survive silently.
    NotGenerated {
        /// The region's name.
        name: String,
    },
    /// The generator gave two bodies for one region.
    DuplicateBody {
        /// The region's name.
        name: String,
    },
    /// A body holds a line that reads as a marker (a string with a newline, for
    /// example): written, it would end the region early and break the next run.
    MarkerInBody {
        /// The region's name.
        name: String,
        /// The 1-based line of the body that reads as a marker.
        body_line: usize,
    },
}

impl fmt::Display for RegionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.kind),
            None => write!(f, "{}: {}", self.path.display(), self.kind),
        }
    }
}

impl fmt::Display for RegionErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingEnd { name } => {
                write!(f, "region `{name}` has no `{END} {name}` line")
            }
            Self::EndWithoutBegin { name } => {
                write!(
                    f,
                    "`{END} {name}` without a `{BEGIN} {name}` line before it"
                )
            }
            Self::Duplicate { name, first_line } => {
                write!(f, "region `{name}` again (first at line {first_line})")
            }
            Self::Nested { name, open } => {
                write!(f, "region `{name}` begins inside region `{open}`")
            }
            Self::MismatchedEnd { open, found } => {
                write!(f, "`{END} {found}` ends region `{open}`")
            }
            Self::MalformedMarker => write!(
                f,
                "malformed marker: expected `{BEGIN} <name> ...` or `{END} <name>`, \
                 names made of A-Z, a-z, 0-9, `_` and `-`"
            ),
            Self::MissingRegion { name } => {
                write!(f, "no region `{name}`: add its `{BEGIN}`/`{END}` lines")
            }
            Self::NotGenerated { name } => write!(
                f,
                "region `{name}` is not generated any more: remove it with its markers"
            ),
            Self::DuplicateBody { name } => {
                write!(f, "two generated bodies for region `{name}`")
            }
            Self::MarkerInBody { name, body_line } => write!(
                f,
                "line {body_line} of the generated body of region `{name}` reads as a \
                 marker line (`{BEGIN} ...` or `{END} ...`); a value holds a newline?"
            ),
        }
    }
}

impl std::error::Error for RegionError {}

/// The regions of a file's text, in order. `path` only names the file in errors.
pub fn find(path: &Path, text: &str) -> Result<Vec<Region>, RegionError> {
    let error = |line, kind| RegionError {
        path: path.to_owned(),
        line: Some(line),
        kind,
    };
    let mut regions: Vec<Region> = Vec::new();
    // The open region: its name, BEGIN line and where its body starts.
    let mut open: Option<(String, usize, usize)> = None;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let number = index + 1;
        let start = offset;
        offset += line.len();
        match parse_marker(line) {
            None => {}
            Some(Marker::Malformed) => return Err(error(number, RegionErrorKind::MalformedMarker)),
            Some(Marker::Begin(name)) => {
                if let Some((open, _, _)) = open {
                    let name = name.to_owned();
                    return Err(error(number, RegionErrorKind::Nested { name, open }));
                }
                if let Some(first) = regions.iter().find(|r| r.name == name) {
                    let kind = RegionErrorKind::Duplicate {
                        name: name.to_owned(),
                        first_line: first.begin_line,
                    };
                    return Err(error(number, kind));
                }
                open = Some((name.to_owned(), number, offset));
            }
            Some(Marker::End(found)) => match open.take() {
                None => {
                    let name = found.to_owned();
                    return Err(error(number, RegionErrorKind::EndWithoutBegin { name }));
                }
                Some((open, _, _)) if open != found => {
                    let found = found.to_owned();
                    return Err(error(
                        number,
                        RegionErrorKind::MismatchedEnd { open, found },
                    ));
                }
                Some((name, begin_line, body_start)) => regions.push(Region {
                    name,
                    body: body_start..start,
                    begin_line,
                    end_line: number,
                }),
            },
        }
    }
    match open {
        Some((name, begin_line, _)) => Err(error(begin_line, RegionErrorKind::MissingEnd { name })),
        None => Ok(regions),
    }
}

/// The text with the body of every region replaced by the body of the same name.
///
/// Everything outside the bodies, the marker lines included, is kept byte for byte. A
/// non-empty body that does not end with a newline gets one. In a file whose lines all
/// end in CRLF, the body's lines do too. A body with a line that reads as a marker is
/// [`RegionErrorKind::MarkerInBody`]: the next run could not read the file. Every region of the file
/// must have a body and every body a region: a body for a missing region is
/// [`RegionErrorKind::MissingRegion`], and a region without a body is
/// [`RegionErrorKind::NotGenerated`], so that text a generator stopped producing does
/// not survive silently. `path` only names the file in errors.
pub fn replace<N, B>(path: &Path, text: &str, bodies: &[(N, B)]) -> Result<String, RegionError>
where
    N: AsRef<str>,
    B: AsRef<str>,
{
    let error = |line, kind| RegionError {
        path: path.to_owned(),
        line,
        kind,
    };
    let regions = find(path, text)?;
    for (index, (name, _)) in bodies.iter().enumerate() {
        let name = name.as_ref();
        if bodies[..index]
            .iter()
            .any(|(other, _)| other.as_ref() == name)
        {
            let name = name.to_owned();
            return Err(error(None, RegionErrorKind::DuplicateBody { name }));
        }
        if !regions.iter().any(|r| r.name == name) {
            let name = name.to_owned();
            return Err(error(None, RegionErrorKind::MissingRegion { name }));
        }
    }
    let crlf = uses_crlf(text);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for region in regions {
        let Some((_, body)) = bodies.iter().find(|(n, _)| n.as_ref() == region.name) else {
            let kind = RegionErrorKind::NotGenerated { name: region.name };
            return Err(error(Some(region.begin_line), kind));
        };
        let body = body.as_ref();
        if let Some(index) = body.lines().position(|line| parse_marker(line).is_some()) {
            let kind = RegionErrorKind::MarkerInBody {
                name: region.name,
                body_line: index + 1,
            };
            return Err(error(Some(region.begin_line), kind));
        }
        out.push_str(&text[copied..region.body.start]);
        let mut body = body.to_owned();
        if !body.is_empty() && !body.ends_with('\n') {
            body.push('\n');
        }
        out.push_str(&if crlf { to_crlf(&body) } else { body });
        copied = region.body.end;
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

/// Whether the text has line endings and every one is CRLF.
fn uses_crlf(text: &str) -> bool {
    text.contains("\r\n") && text.matches('\n').count() == text.matches("\r\n").count()
}

/// The text with every line ending CRLF.
fn to_crlf(text: &str) -> String {
    normalise(text).replace('\n', "\r\n")
}

enum Marker<'a> {
    Begin(&'a str),
    End(&'a str),
    Malformed,
}

/// The marker on a line (line ending included), if the line is one.
fn parse_marker(line: &str) -> Option<Marker<'_>> {
    let line = line.trim_end_matches(['\n', '\r']);
    if let Some(rest) = line.strip_prefix(BEGIN) {
        return Some(match marker_name(rest) {
            Some((name, _)) => Marker::Begin(name),
            None => Marker::Malformed,
        });
    }
    let rest = line.strip_prefix(END)?;
    Some(match marker_name(rest) {
        Some((name, after)) if after.trim().is_empty() => Marker::End(name),
        _ => Marker::Malformed,
    })
}

/// The name after a marker's prefix and the text after the name. The name follows one
/// space and ends at the first character names cannot hold.
fn marker_name(rest: &str) -> Option<(&str, &str)> {
    let rest = rest.strip_prefix(' ')?;
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    (end > 0).then(|| rest.split_at(end))
}

/// A file's new contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Where the file is. Diffs name it as given, so a path relative to the project root
    /// reads best.
    pub path: PathBuf,
    /// The whole new contents.
    pub contents: String,
}

/// An error of the file-level functions.
#[derive(Debug)]
pub enum Error {
    /// The markers of a file, or the bodies meant for it, are wrong.
    Region(RegionError),
    /// Reading a file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: io::Error,
    },
    /// The files could not be written all or nothing.
    Write(crate::staged::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Region(error) => error.fmt(f),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Write(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Region(error) => Some(error),
            Error::Io { source, .. } => Some(source),
            Error::Write(error) => Some(error),
        }
    }
}

impl From<crate::staged::Error> for Error {
    fn from(error: crate::staged::Error) -> Self {
        Error::Write(error)
    }
}

impl From<RegionError> for Error {
    fn from(error: RegionError) -> Self {
        Error::Region(error)
    }
}

/// Reads a file and replaces the bodies of its regions (see [`replace`]); writes nothing.
pub fn splice_file<N, B>(path: &Path, bodies: &[(N, B)]) -> Result<Generated, Error>
where
    N: AsRef<str>,
    B: AsRef<str>,
{
    let text = fs::read_to_string(path).map_err(|source| io_error(path, source))?;
    let contents = replace(path, &text, bodies)?;
    Ok(Generated {
        path: path.to_owned(),
        contents,
    })
}

/// What [`update`] does with stale files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write every stale file, atomically.
    Write,
    /// Write nothing; only report the stale files.
    Check,
}

/// The files whose contents on disk differed from the generated ones.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// The stale files, in the order given to [`update`]: written in [`Mode::Write`],
    /// left alone in [`Mode::Check`].
    pub stale: Vec<Stale>,
}

impl Report {
    /// Whether every file was already up to date.
    pub fn is_up_to_date(&self) -> bool {
        self.stale.is_empty()
    }
}

impl fmt::Display for Report {
    /// The diffs of all stale files, one after the other.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.stale
            .iter()
            .try_for_each(|stale| f.write_str(&stale.diff))
    }
}

/// A file whose contents on disk differed from the generated ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// The file.
    pub path: PathBuf,
    /// The unified diff from the disk to the generated contents (headers `a/<path>` and
    /// `b/<path>`, 3 lines of context, line endings normalised to LF).
    pub diff: String,
}

/// Compares each file's generated contents with the disk (CRLF counted as LF) and, in
/// [`Mode::Write`], writes those that differ.
///
/// Writing is all or nothing across the files ([`Staged`]): every stale file is staged
/// next to it first (its new contents, with the original's permissions, and a copy of the
/// original), and only when all of them are staged are they renamed over the originals,
/// so a reader never sees half a file; a file that cannot be staged leaves every file as
/// it was, and a rename that fails part-way puts back the files already replaced. The
/// error names the file that failed. A file whose lines all end in CRLF keeps CRLF; a
/// symbolic link is written through to its target, and stays a link. Files that are up
/// to date are not touched. A missing file counts as empty and is created.
pub fn update(files: &[Generated], mode: Mode) -> Result<Report, Error> {
    update_in(Path::new(""), files, mode)
}

/// [`update`] with the files' paths relative to `dir`: each file is read and written at
/// `dir` joined with its path, and named by its path as given, in the report and its diffs
/// (`a/kcl/apps.k` rather than an absolute path), without changing the process's current
/// directory.
pub fn update_in(dir: &Path, files: &[Generated], mode: Mode) -> Result<Report, Error> {
    let mut report = Report::default();
    let mut writes = Vec::new();
    for file in files {
        let path = dir.join(&file.path);
        let old = match fs::read_to_string(&path) {
            Ok(old) => old,
            Err(error) if error.kind() == io::ErrorKind::NotFound => String::new(),
            Err(error) => return Err(io_error(&path, error)),
        };
        let (old_lf, new_lf) = (normalise(&old), normalise(&file.contents));
        if old_lf == new_lf {
            continue;
        }
        if mode == Mode::Write {
            let contents = if uses_crlf(&old) {
                to_crlf(&file.contents)
            } else {
                file.contents.clone()
            };
            writes.push((path, contents));
        }
        report.stale.push(Stale {
            path: file.path.clone(),
            diff: unified_diff(&file.path, &old_lf, &new_lf),
        });
    }
    Staged::new(writes)?.commit()?;
    Ok(report)
}

fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n")
}

fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let path = path.display();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

fn io_error(path: &Path, source: io::Error) -> Error {
    Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// Reads a KCL file and replaces the bodies of its regions with printed modules, laid out
/// as the KCL formatter lays them out (see [`kcl_body`]); writes nothing.
pub fn splice_kcl_file<N: AsRef<str>>(
    path: &Path,
    modules: &[(N, Module)],
) -> Result<Generated, Error> {
    let text = fs::read_to_string(path).map_err(|source| io_error(path, source))?;
    let regions = find(path, &text)?;
    let module_of = |name: &str| {
        modules
            .iter()
            .find(|(n, _)| n.as_ref() == name)
            .map(|(_, m)| m)
    };
    // A region ends the file when only comments follow it once every later region has
    // its new body: what the next run will see, so that one run reaches the fixed point.
    let ends_file = |region: &Region| {
        let later: Vec<&Region> = regions
            .iter()
            .filter(|r| r.begin_line > region.end_line)
            .collect();
        let later_empty = later
            .iter()
            .all(|r| module_of(&r.name).is_none_or(|m| m.to_string().is_empty()));
        let in_later_body = |line: usize| {
            later
                .iter()
                .any(|r| r.begin_line < line && line < r.end_line)
        };
        later_empty && only_comments_after(&text, region.end_line, in_later_body)
    };
    let bodies: Vec<(&str, String)> = modules
        .iter()
        .map(|(name, module)| {
            let ends_file = regions
                .iter()
                .find(|r| r.name == name.as_ref())
                .is_some_and(ends_file);
            (name.as_ref(), kcl_body(module, ends_file))
        })
        .collect();
    let contents = replace(path, &text, &bodies)?;
    Ok(Generated {
        path: path.to_owned(),
        contents,
    })
}

/// The body of a region that holds KCL. The KCL formatter separates a statement from a
/// following END marker comment with a blank line, except at the end of a file, where it
/// keeps trailing comments right under the last statement; `ends_file` says which. A
/// module that ends with a blank line already (after an `if` without `else` or a schema)
/// gets no second one.
pub fn kcl_body(module: &Module, ends_file: bool) -> String {
    let printed = module.to_string();
    if printed.is_empty() || ends_file || printed.ends_with("\n\n") {
        printed
    } else {
        format!("{printed}\n")
    }
}

/// Whether nothing but comments and blank lines follows the 1-based line `line`, not
/// counting the lines for which `skip` (given 1-based line numbers) is true.
fn only_comments_after(text: &str, line: usize, skip: impl Fn(usize) -> bool) -> bool {
    text.lines()
        .enumerate()
        .skip(line)
        .filter(|(index, _)| !skip(index + 1))
        .all(|(_, l)| {
            let l = l.trim();
            l.is_empty() || l.starts_with('#')
        })
}
