//! A KCL program to run, and what running it produced.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::messages::{Argument, ExecProgramArgs, ExecProgramResult, ExternalPkg};

/// A KCL program: source files and/or in-memory sources, a work directory, options, and
/// the settings of `kcl run` that change what a program produces.
#[derive(Debug, Clone, Default)]
pub struct Program {
    work_dir: Option<PathBuf>,
    sources: Vec<(String, Option<String>)>,
    options: Vec<(String, String)>,
    external_packages: Vec<(String, PathBuf)>,
    overrides: Vec<String>,
    path_selectors: Vec<String>,
    sort_keys: bool,
    disable_none: bool,
    show_hidden: bool,
    strict_range_check: bool,
}

impl Program {
    /// An empty program; add files or sources to it.
    pub fn new() -> Self {
        Self::default()
    }

    /// The directory imports and relative paths are resolved against.
    pub fn work_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.work_dir = Some(dir.into());
        self
    }

    /// Add a KCL file, read by the runtime.
    pub fn file(mut self, path: impl AsRef<Path>) -> Self {
        self.sources
            .push((path.as_ref().to_string_lossy().into_owned(), None));
        self
    }

    /// Add in-memory KCL source; `name` is the file name errors will name.
    pub fn source(mut self, name: impl Into<String>, code: impl Into<String>) -> Self {
        self.sources.push((name.into(), Some(code.into())));
        self
    }

    /// Set an option, as `kcl run -D name=value` does: a JSON value becomes a KCL dict,
    /// list, number or boolean, anything else a string. Read it with `option("name")`.
    ///
    /// KCL reads JSON only up to 128 levels of nesting: a deeper value is taken as a
    /// string.
    pub fn option(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.push((name.into(), value.into()));
        self
    }

    /// Sort the keys of dicts in the results.
    pub fn sort_keys(mut self, sort: bool) -> Self {
        self.sort_keys = sort;
        self
    }

    /// Leave `None` values out of the results (`kcl run --disable-none`).
    pub fn disable_none(mut self, disable: bool) -> Self {
        self.disable_none = disable;
        self
    }

    /// Include hidden (`_`-prefixed) top-level variables in the results
    /// (`kcl run --show-hidden`).
    pub fn show_hidden(mut self, show: bool) -> Self {
        self.show_hidden = show;
        self
    }

    /// Refuse numbers outside 32 bits (`kcl run --strict-range-check`).
    pub fn strict_range_check(mut self, strict: bool) -> Self {
        self.strict_range_check = strict;
        self
    }

    /// Override a value, as `kcl run -O path=value` does (`app.image="v2"`).
    pub fn override_value(mut self, spec: impl Into<String>) -> Self {
        self.overrides.push(spec.into());
        self
    }

    /// Output only the value at a path, as `kcl run -S path` does (`a.b.c`).
    pub fn path_selector(mut self, path: impl Into<String>) -> Self {
        self.path_selectors.push(path.into());
        self
    }

    /// Resolve `import <name>` (and `import <name>.<module>`) to a KCL module in `dir`, as
    /// `kcl run -E name=dir` does: the module's root, where its `kcl.mod` is.
    pub fn external_package(mut self, name: impl Into<String>, dir: impl Into<PathBuf>) -> Self {
        self.external_packages.push((name.into(), dir.into()));
        self
    }

    /// The encoded protobuf arguments of `KclService.ExecProgram`, for handing the same
    /// program to the KCL library by other means (another process, another SDK).
    pub fn to_protobuf(&self) -> Result<Vec<u8>, Error> {
        use prost::Message;
        Ok(self.to_args()?.encode_to_vec())
    }

    /// The protobuf arguments of `KclService.ExecProgram`.
    ///
    /// When any source is in memory, files are read here so that names and codes line up
    /// one to one, as the service expects.
    pub(crate) fn to_args(&self) -> Result<ExecProgramArgs, Error> {
        let in_memory = self.sources.iter().any(|(_, code)| code.is_some());
        let mut k_filename_list = Vec::with_capacity(self.sources.len());
        let mut k_code_list = Vec::new();
        for (name, code) in &self.sources {
            k_filename_list.push(name.clone());
            if in_memory {
                let code = match code {
                    Some(code) => code.clone(),
                    None => std::fs::read_to_string(self.resolve(name))
                        .map_err(|e| Error::io(format!("cannot read {name}"), e))?,
                };
                k_code_list.push(code);
            } else {
                // KCL reports a file it cannot open as a compile error without the reason;
                // this side can say which file and why. KCL reads a relative name from the
                // current directory, or else from the work directory.
                if let Err(e) = std::fs::metadata(name) {
                    std::fs::metadata(self.resolve(name))
                        .map_err(|_| Error::io(format!("cannot read {name}"), e))?;
                }
            }
        }
        Ok(ExecProgramArgs {
            work_dir: self
                .work_dir
                .as_ref()
                .map(|d| d.to_string_lossy().into_owned())
                .unwrap_or_default(),
            k_filename_list,
            k_code_list,
            args: self
                .options
                .iter()
                .map(|(name, value)| Argument {
                    name: name.clone(),
                    value: value.clone(),
                })
                .collect(),
            overrides: self.overrides.clone(),
            sort_keys: self.sort_keys,
            disable_none: self.disable_none,
            show_hidden: self.show_hidden,
            strict_range_check: self.strict_range_check,
            path_selector: self.path_selectors.clone(),
            external_pkgs: self
                .external_packages
                .iter()
                .map(|(name, dir)| ExternalPkg {
                    pkg_name: name.clone(),
                    pkg_path: dir.to_string_lossy().into_owned(),
                })
                .collect(),
            ..ExecProgramArgs::default()
        })
    }

    /// How many bytes of program text the runtime will read: sources, files and option
    /// values. The stack a call gets grows with it (see the crate docs).
    pub(crate) fn input_bytes(&self, args: &ExecProgramArgs) -> usize {
        let sources: usize = if args.k_code_list.is_empty() {
            self.sources
                .iter()
                .map(|(name, _)| {
                    std::fs::metadata(self.resolve(name))
                        .map_or(0, |m| usize::try_from(m.len()).unwrap_or(usize::MAX))
                })
                .fold(0, usize::saturating_add)
        } else {
            args.k_code_list.iter().map(String::len).sum()
        };
        let options: usize = self.options.iter().map(|(_, v)| v.len()).sum();
        sources.saturating_add(options)
    }

    fn resolve(&self, name: &str) -> PathBuf {
        match &self.work_dir {
            Some(dir) => dir.join(name),
            None => PathBuf::from(name),
        }
    }
}

/// What a program produced.
///
/// A program's output is a stream of documents. Usually it is one document, the dict of
/// the program's top-level public variables. A program whose top level is a bare list
/// expression (`[a, b]`, as Crossplane compositions often end) produces one document per
/// item instead, as `kcl run` prints a YAML stream. [`Output::documents`] gives them all
/// in both cases.
#[derive(Debug, Clone)]
pub struct Output {
    /// The documents as YAML: one document, or several separated by `---` lines.
    pub yaml: String,
    /// The documents as JSON text, as KCL wrote it: one JSON value per document, separated
    /// by newlines.
    pub json_text: String,
    /// The output, parsed: the document itself when there is exactly one, otherwise an
    /// array of the documents (empty for a program whose top level is `[]`).
    pub json: serde_json::Value,
    /// What the program printed (`print(...)`).
    pub log: String,
    /// Whether `json` is the array of several (or no) documents rather than one document.
    stream: bool,
}

impl Output {
    pub(crate) fn from_result(result: ExecProgramResult) -> Result<Self, Error> {
        let mut documents = serde_json::Deserializer::from_str(&result.json_result)
            .into_iter::<serde_json::Value>()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Error::Protocol(format!("the JSON result does not parse: {e}")))?;
        let stream = documents.len() != 1;
        let json = match documents.pop() {
            Some(only) if !stream => only,
            last => {
                documents.extend(last);
                serde_json::Value::Array(documents)
            }
        };
        Ok(Output {
            yaml: result.yaml_result,
            json_text: result.json_result,
            json,
            log: result.log_message,
            stream,
        })
    }

    /// Every document of the output, in order: one for a program of variables, one per
    /// item for a program whose top level is a list.
    pub fn documents(&self) -> &[serde_json::Value] {
        match (&self.json, self.stream) {
            (serde_json::Value::Array(documents), true) => documents,
            (document, _) => std::slice::from_ref(document),
        }
    }
}
