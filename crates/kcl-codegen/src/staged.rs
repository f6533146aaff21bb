//! Several files written all or nothing.
//!
//! [`Staged::new`] stages every file first: its new contents go to a temporary file next
//! to it (with the permissions of the file it replaces), and what it replaces is copied to
//! a second temporary file beside it. Nothing is replaced until every file is staged, so a
//! file that cannot be staged leaves every file as it was. [`Staged::commit`] then renames
//! the new contents over each file in turn; when one rename fails, the files already
//! replaced get their old contents back (and files that did not exist are removed), and
//! the error names the file that failed.
//!
//! ```
//! use kcl_codegen::staged::Staged;
//!
//! let dir = tempfile::tempdir()?;
//! let (a, b) = (dir.path().join("a.k"), dir.path().join("b.k"));
//! std::fs::write(&a, "a = 1\n")?;
//! Staged::new([(&a, "a = 2\n"), (&b, "b = 2\n")])?.commit()?;
//! assert_eq!(std::fs::read_to_string(&a)?, "a = 2\n");
//! assert_eq!(std::fs::read_to_string(&b)?, "b = 2\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// Why files could not be written all or nothing.
#[derive(Debug)]
pub enum Error {
    /// A file could not be staged; no file was changed.
    NotStaged {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A staged file could not replace its target. Every file replaced before it was put
    /// back as it was, unless `not_restored` names it.
    NotReplaced {
        /// The file that could not be replaced.
        path: PathBuf,
        /// Why.
        source: io::Error,
        /// Each file replaced before it and left with its new contents (or, when it was
        /// new, left in place), with why it could not be put back.
        not_restored: Vec<(PathBuf, io::Error)>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotStaged { path, source } => write!(
                f,
                "cannot stage {} ({source}): no file was changed",
                path.display()
            ),
            Error::NotReplaced {
                path,
                source,
                not_restored,
            } => {
                write!(f, "cannot replace {} ({source}): ", path.display())?;
                if not_restored.is_empty() {
                    return f.write_str("no file was changed");
                }
                let not_restored: Vec<String> = not_restored
                    .iter()
                    .map(|(path, source)| format!("{} ({source})", path.display()))
                    .collect();
                write!(
                    f,
                    "files replaced before it could not be put back as they were: {}",
                    not_restored.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::NotStaged { source, .. } | Error::NotReplaced { source, .. } => Some(source),
        }
    }
}

/// Files staged next to their targets, to be renamed over them all at once by
/// [`Staged::commit`]. Dropping it without committing deletes the temporary files and
/// changes nothing.
#[derive(Debug)]
pub struct Staged {
    files: Vec<StagedFile>,
}

/// One staged file.
#[derive(Debug)]
struct StagedFile {
    /// The file as given: what errors name.
    path: PathBuf,
    /// What is renamed over: the file, or the target of the symbolic link it is.
    target: PathBuf,
    /// The new contents, next to `target`.
    new: NamedTempFile,
    /// A copy of what `target` holds, next to it; `None` when there is no such file.
    old: Option<NamedTempFile>,
}

impl Staged {
    /// Stage each file's new contents next to it, with a copy of what it replaces. A file
    /// that is a symbolic link is written through to its target, and stays a link; a new
    /// file gets mode 0644. The first file that cannot be staged is the error, and nothing
    /// is changed.
    pub fn new<P, C>(files: impl IntoIterator<Item = (P, C)>) -> Result<Staged, Error>
    where
        P: AsRef<Path>,
        C: AsRef<[u8]>,
    {
        // A failure drops (and so deletes) the temporary files already made.
        let files = files
            .into_iter()
            .map(|(path, contents)| stage(path.as_ref(), contents.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(Staged { files })
    }

    /// Rename every staged file over its target, in the order given. When a rename fails,
    /// the files already replaced are put back as they were (the new ones removed), and
    /// the error names the file that could not be replaced, and any file that could not be
    /// put back.
    pub fn commit(self) -> Result<(), Error> {
        let mut replaced: Vec<(PathBuf, PathBuf, Option<NamedTempFile>)> = Vec::new();
        for file in self.files {
            if let Err(error) = file.new.persist(&file.target) {
                return Err(Error::NotReplaced {
                    path: file.path,
                    source: error.error,
                    not_restored: restore(replaced),
                });
            }
            replaced.push((file.path, file.target, file.old));
        }
        Ok(())
    }
}

/// Put back what each replaced file held, the last replaced first; the files that could
/// not be put back, with why.
fn restore(replaced: Vec<(PathBuf, PathBuf, Option<NamedTempFile>)>) -> Vec<(PathBuf, io::Error)> {
    let mut failures = Vec::new();
    for (path, target, old) in replaced.into_iter().rev() {
        let restored = match old {
            Some(old) => old.persist(&target).map(drop).map_err(|e| e.error),
            None => fs::remove_file(&target),
        };
        if let Err(error) = restored {
            failures.push((path, error));
        }
    }
    failures
}

/// A file's new contents and a copy of its old ones, each in a temporary file next to the
/// file that `path` names (through a symbolic link, next to its target).
fn stage(path: &Path, contents: &[u8]) -> Result<StagedFile, Error> {
    let fail = |source| io_error(path, source);
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let target = if is_link {
        fs::canonicalize(path).map_err(fail)?
    } else {
        path.to_owned()
    };
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut new = NamedTempFile::new_in(directory).map_err(fail)?;
    new.write_all(contents).map_err(fail)?;
    let old = match fs::metadata(&target) {
        Ok(metadata) => {
            // The temporary file is private (0600); the file it replaces keeps its mode.
            new.as_file()
                .set_permissions(metadata.permissions())
                .map_err(fail)?;
            let mut old = NamedTempFile::new_in(directory).map_err(fail)?;
            io::copy(&mut fs::File::open(&target).map_err(fail)?, &mut old).map_err(fail)?;
            old.as_file()
                .set_permissions(metadata.permissions())
                .map_err(fail)?;
            Some(old)
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            // A new file: the usual mode rather than the temporary file's private one.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = fs::Permissions::from_mode(0o644);
                new.as_file().set_permissions(mode).map_err(fail)?;
            }
            None
        }
        Err(error) => return Err(fail(error)),
    };
    new.as_file().sync_all().map_err(fail)?;
    Ok(StagedFile {
        path: path.to_owned(),
        target,
        new,
        old,
    })
}

fn io_error(path: &Path, source: io::Error) -> Error {
    Error::NotStaged {
        path: path.to_owned(),
        source,
    }
}
