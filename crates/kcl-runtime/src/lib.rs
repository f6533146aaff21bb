//! The real KCL runtime, in-process.
//!
//! KCL's compiler and evaluator ship as one native library inside PyPI's `kcl-lib` wheel.
//! That library exports the official KCL C service API (the one every KCL SDK uses), so
//! this crate loads it with [`libloading`], encodes the service's protobuf messages with
//! [`prost`] and calls it directly: no KCL interpreter of our own and no subprocess per
//! evaluation.
//!
//! ```no_run
//! use kcl_runtime::{Program, Runtime};
//!
//! let runtime = Runtime::global()?;
//! let output = runtime.run(
//!     &Program::new()
//!         .source("main.k", "name = option(\"params\").name")
//!         .option("params", r#"{"name": "eg"}"#),
//! )?;
//! assert_eq!(output.json["name"], "eg");
//! # Ok::<(), kcl_runtime::Error>(())
//! ```
//!
//! # The runtime at run time
//!
//! The library is found, in this order, through [`KCL_LIB_PATH_ENV`], a project-local
//! install in a Cargo target directory (`target/kcl-lib/<version>`, see
//! [`local_install_dir`]), and the `kcl_lib` package importable by `python3`. See
//! [`discover`]. [`install_command`] is the `pip` command that makes the project-local
//! install of the pinned version ([`KCL_LIB_VERSION`]). The library links against
//! libpython (Python 3.11 for kcl-lib 0.12.3), which must be installed as a shared library;
//! the Python interpreter is never started.
//!
//! # Output
//!
//! A program's output is a stream of documents: usually one, the dict of its top-level
//! public variables; one per item when its top level is a bare list expression, as
//! Crossplane composition files often end (`[composition{...} composition{...}]`).
//! [`Output::documents`] gives them in order; [`Output::json`] is the document when there
//! is exactly one. KCL flattens nested top-level lists into one stream.
//!
//! # Errors
//!
//! KCL's messages come back as [`KclError`]s in plain text, whether KCL quoted the source
//! line with terminal colours (files on disk, imports, in-memory sources named after an
//! existing file) or not, and the places they name (`file:line[:column]`) are read into
//! [`KclError::locations`].
//!
//! A library that cannot be loaded is a [`LoadError`] whose [`kind`](LoadError::kind)
//! says why and whose message says what to do; an application can add its own advice,
//! such as its command that installs the runtime, with [`LoadError::with_hint`].
//!
//! Before the library is handed to `dlopen`, its ELF headers are read and every segment
//! the loader maps must lie within the file, and its size must be the one pip recorded for
//! it: `dlopen` of a truncated library kills the process with `SIGBUS` instead of failing. A library whose size and headers are
//! intact but whose code bytes were overwritten in place is not detected.
//!
//! # Deep programs
//!
//! KCL's parser and evaluator recurse once per level of nesting and per call, and a stack
//! overflow inside the library aborts the process (it cannot be caught). So every call
//! runs on a worker thread with a large stack: 1 GiB of reserved address space, of which
//! only the pages a call touches take memory (and stay with the worker). A program whose
//! text (sources, files and options) is larger than 128 KiB gets a thread of its own with
//! 8 KiB of stack per byte of text, up to 4 GiB. Measured with kcl-lib 0.12.3, one level
//! of nesting takes at most about 4.3 KiB of stack (nested dicts; nested lists 2.9 KiB,
//! parentheses 2 KiB, a term of a `+` chain 1.4 KiB, a recursive lambda or schema call
//! about 1.5 KiB), so any nesting written in a program of up to about 1 MB of text fits,
//! as do about 700,000 levels of recursion. What KCL limits itself:
//!
//! - its JSON output stops at 128 levels of nesting: deeper values are an evaluation error
//!   (`recursion limit exceeded`);
//! - it reads an option value as JSON only up to 128 levels deep; deeper, the option is the
//!   text itself, a string.
//!
//! What remains: recursion at run time is not bounded by the program text, so a recursive
//! lambda or schema more than about 700,000 calls deep still overflows the stack and
//! aborts the process (though KCL takes time more than linear in such depths: thousands of
//! levels take seconds, tens of thousands minutes, long before the stack runs out); so do
//! programs of more than about 1 MB of text nested all the way down. Files a program
//! imports are not counted in its text.

mod discovery;
mod elf;
mod error;
mod ffi;
mod messages;
mod program;

pub use discovery::{
    KCL_LIB_PATH_ENV, KCL_LIB_VERSION, KCL_LIBPYTHON_PATH_ENV, LIBPYTHON_RECORD, LibraryPaths,
    discover, install_command, local_install_dir, python_libpython,
};
pub use error::{Error, KclError, KclErrorKind, LoadError, LoadErrorKind, Location};
pub use program::{Output, Program};

use std::path::Path;
use std::sync::OnceLock;

/// A loaded KCL runtime.
///
/// Cheap to share: every method takes `&self` and is safe to call from many threads at
/// once (each thread talks to its own KCL service handle).
pub struct Runtime {
    library: ffi::KclLibrary,
    paths: LibraryPaths,
}

/// The version the loaded runtime reports about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The KCL version, for example `0.11.2`.
    pub version: String,
    /// The git commit the runtime was built from.
    pub git_sha: String,
    /// A human-readable summary that the runtime prints for `kcl version`.
    pub info: String,
}

impl Runtime {
    /// The process-wide runtime, discovered and loaded on first use.
    ///
    /// A failed load is remembered too: every later call returns the same error instead of
    /// searching again.
    pub fn global() -> Result<&'static Runtime, LoadError> {
        static GLOBAL: OnceLock<Result<Runtime, LoadError>> = OnceLock::new();
        GLOBAL
            .get_or_init(|| discover().and_then(|paths| Runtime::load(&paths)))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Load the runtime from explicit paths.
    ///
    /// Prefer [`Runtime::global`]; this is for callers that manage the library themselves.
    pub fn load(paths: &LibraryPaths) -> Result<Runtime, LoadError> {
        let library = ffi::KclLibrary::open(paths)?;
        Ok(Runtime {
            library,
            paths: paths.clone(),
        })
    }

    /// The native library file this runtime was loaded from.
    pub fn library_path(&self) -> &Path {
        &self.paths.library
    }

    /// Compile and evaluate a program.
    ///
    /// Compile errors (syntax, types, unknown names) and evaluation errors (a failed
    /// `assert`, a runtime error) both come back as [`Error::Kcl`]. A program whose top
    /// level is a list produces several documents: see [`Output::documents`].
    pub fn run(&self, program: &Program) -> Result<Output, Error> {
        let args = program.to_args()?;
        let stack = ffi::stack_size(program.input_bytes(&args));
        let result: messages::ExecProgramResult =
            self.library.call("KclService.ExecProgram", &args, stack)?;
        if !result.err_message.is_empty() {
            return Err(KclError::parse(KclErrorKind::Evaluation, &result.err_message).into());
        }
        Output::from_result(result)
    }

    /// The modules a KCL source imports, as its `import` statements spell them
    /// (`k8s.api.apps.v1`, `.helpers`), in order, read from the syntax tree of KCL's own
    /// parser. The source is only parsed, nothing is resolved or run: a module that cannot
    /// be found is still listed, and a source with syntax errors gives the imports the
    /// parser recovered (running it reports the errors). `name` is the file name of the
    /// source.
    pub fn imports(&self, name: &str, source: &str) -> Result<Vec<String>, Error> {
        let result: messages::ParseFileResult = self.library.call(
            "KclService.ParseFile",
            &messages::ParseFileArgs {
                path: name.to_owned(),
                source: source.to_owned(),
            },
            ffi::stack_size(source.len()),
        )?;
        let ast: serde_json::Value = serde_json::from_str(&result.ast_json)
            .map_err(|e| Error::Protocol(format!("the syntax tree does not parse: {e}")))?;
        let mut imports = Vec::new();
        // Iterative: the tree of a deeply nested source is deep.
        let mut pending = vec![&ast];
        while let Some(node) = pending.pop() {
            match node {
                serde_json::Value::Object(fields) => {
                    if fields.get("type").and_then(serde_json::Value::as_str) == Some("Import")
                        && let Some(path) =
                            fields.get("rawpath").and_then(serde_json::Value::as_str)
                    {
                        imports.push(path.to_owned());
                    }
                    pending.extend(fields.values().rev());
                }
                serde_json::Value::Array(items) => pending.extend(items.iter().rev()),
                _ => {}
            }
        }
        Ok(imports)
    }

    /// Format KCL source exactly as `kcl fmt` does.
    pub fn format(&self, source: &str) -> Result<String, Error> {
        let result: messages::FormatCodeResult = self.library.call(
            "KclService.FormatCode",
            &messages::FormatCodeArgs {
                source: source.to_owned(),
            },
            ffi::stack_size(source.len()),
        )?;
        String::from_utf8(result.formatted)
            .map_err(|e| Error::Protocol(format!("formatted code is not UTF-8: {e}")))
    }

    /// The version of the loaded runtime.
    pub fn version(&self) -> Result<Version, Error> {
        let result: messages::GetVersionResult = self.library.call(
            "KclService.GetVersion",
            &messages::GetVersionArgs {},
            ffi::MIN_STACK,
        )?;
        Ok(Version {
            version: result.version,
            git_sha: result.git_sha,
            info: result.version_info,
        })
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("library", &self.paths.library)
            .field("libpython", &self.paths.libpython)
            .finish()
    }
}
