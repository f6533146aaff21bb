//! [`Renderer`]: Compositions and their XRD loaded once, any number of XRs rendered.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kcl_runtime::{Program, Runtime};
use serde_json::Value;

use crate::admission::{admit, parse_xr};
use crate::composition::{Composition, StepRun};
use crate::error::{Error, StepProblem};
use crate::observed::Observed;
use crate::pipeline::Pipeline;
use crate::rendered::Rendered;
use crate::select::{Selection, select};

/// Compositions (a package's `compositions.yaml`) and, optionally, the XRD of the XRs they
/// compose, loaded once; each XR is admitted, matched with its Composition and run
/// through its pipeline ([`Renderer::render`]).
///
/// # No timeout
///
/// A render has no deadline in-process, and cannot have one: the KCL runtime is a native
/// library that a call cannot be taken back from, so a KCL program that does not end (a
/// recursion or a loop without end) keeps [`Renderer::render`] from returning for as long
/// as the process lives. A caller that must bound a render runs it in a child process and
/// kills that at its deadline (the `kcl-render` binary's `--timeout` does this for its
/// own process, default [`crate::deadline::DEFAULT_TIMEOUT`]); a command that can end when
/// time is up waits for it with [`crate::deadline::run`] and then ends the process.
#[derive(Debug, Clone)]
pub struct Renderer {
    compositions: Vec<Composition>,
    xrd: Option<Value>,
    modules: BTreeMap<String, PathBuf>,
}

impl Renderer {
    /// The Compositions among `documents` (documents of other kinds are skipped), and the
    /// XRD to admit XRs with. There must be at least one Composition; each must be in
    /// `Pipeline` mode. A step that cannot run is an error only when its Composition is
    /// rendered.
    pub fn new(
        documents: impl IntoIterator<Item = Value>,
        xrd: Option<Value>,
    ) -> Result<Self, Error> {
        let mut compositions = Vec::new();
        let mut count = 0;
        for (index, document) in documents.into_iter().enumerate() {
            count += 1;
            if let Some(composition) = Composition::from_document(&document, index + 1)? {
                if compositions
                    .iter()
                    .any(|c: &Composition| c.name() == composition.name())
                {
                    return Err(Error::Composition {
                        name: format!("the Composition `{}`", composition.name()),
                        problem: "it is given twice".into(),
                    });
                }
                compositions.push(composition);
            }
        }
        if compositions.is_empty() {
            return Err(Error::Composition {
                name: "the Compositions".into(),
                problem: format!(
                    "none of the {count} documents is an apiextensions.crossplane.io Composition"
                ),
            });
        }
        if let Some(xrd) = &xrd
            && xrd.get("kind").and_then(Value::as_str) != Some("CompositeResourceDefinition")
        {
            return Err(Error::Composition {
                name: "the XRD".into(),
                problem: "it is not a CompositeResourceDefinition".into(),
            });
        }
        find_imported_dependencies(&mut compositions)?;
        Ok(Renderer {
            compositions,
            xrd,
            modules: BTreeMap::new(),
        })
    }

    /// [`Renderer::new`] from YAML: a stream of Compositions (a package's
    /// `compositions.yaml`) and an XRD (a package's `definition.yaml`).
    pub fn from_yaml(compositions: &str, xrd: Option<&str>) -> Result<Self, Error> {
        let compositions = documents(compositions, "the Compositions")?;
        let xrd = match xrd {
            Some(text) => Some(single(documents(text, "the XRD")?, "the XRD")?),
            None => None,
        };
        Renderer::new(compositions, xrd)
    }

    /// [`Renderer::from_yaml`] from files.
    pub fn load(compositions: &Path, xrd: Option<&Path>) -> Result<Self, Error> {
        let compositions = read(compositions)?;
        let xrd = xrd.map(read).transpose()?;
        Renderer::from_yaml(&compositions, xrd.as_deref())
    }

    /// Resolve `import <name>...` of the steps whose `dependencies` declare `name` to the
    /// KCL module in `dir` (where its `kcl.mod` is), as function-kcl resolves the
    /// dependency by downloading it.
    pub fn with_kcl_module(mut self, name: &str, dir: &Path) -> Result<Self, Error> {
        if !dir.is_dir() {
            return Err(Error::Module {
                name: name.to_owned(),
                problem: format!("{} is not a directory", dir.display()),
            });
        }
        let dir = std::fs::canonicalize(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        self.modules.insert(name.to_owned(), dir);
        Ok(self)
    }

    /// The Compositions, in the order given.
    pub fn compositions(&self) -> &[Composition] {
        &self.compositions
    }

    /// The XRD, when one was given.
    pub fn xrd(&self) -> Option<&Value> {
        self.xrd.as_ref()
    }

    /// Admit an XR as the API server would (see [`crate::admission::admit`]).
    pub fn admit(&self, xr: Value) -> Result<Value, Error> {
        admit(self.xrd.as_ref(), xr)
    }

    /// The Composition an (admitted) XR gets, as Crossplane selects it, and why
    /// ([`Selection`]).
    pub fn select(&self, xr: &Value) -> Result<(&Composition, Selection), Error> {
        let (index, selection) =
            select(&self.compositions, self.xrd.as_ref(), xr).map_err(Error::Selection)?;
        Ok((&self.compositions[index], selection))
    }

    /// Render an XR given as YAML (or JSON); see [`Renderer::render`].
    pub fn render_yaml(&self, xr: &str, observed: &Observed) -> Result<Rendered, Error> {
        self.render(parse_xr(xr)?, observed)
    }

    /// Admit an XR, select its Composition and run its pipeline.
    pub fn render(&self, xr: Value, observed: &Observed) -> Result<Rendered, Error> {
        self.render_admitted(self.admit(xr)?, observed)
    }

    /// Select the Composition of an XR that is already admitted and run its pipeline.
    pub fn render_admitted(&self, xr: Value, observed: &Observed) -> Result<Rendered, Error> {
        let (composition, selection) = self.select(&xr)?;
        Pipeline::new(composition, &xr, observed, &self.modules).run(selection)
    }

    /// The KCL program that the first step of an admitted XR's Composition runs, when it is
    /// a function-kcl step: for handing the same evaluation to something else (another
    /// process, a benchmark).
    pub fn first_program(&self, xr: &Value, observed: &Observed) -> Result<Program, Error> {
        let (composition, _) = self.select(xr)?;
        let step = composition
            .steps()
            .first()
            .ok_or_else(|| Error::Composition {
                name: format!("the Composition `{}`", composition.name()),
                problem: "its pipeline is empty".into(),
            })?;
        match &step.run {
            StepRun::Kcl(kcl) => {
                Ok(Pipeline::new(composition, xr, observed, &self.modules)
                    .program(step.name(), kcl))
            }
            _ => Err(Error::step(
                composition.name(),
                step.name(),
                StepProblem::UnsupportedFunction {
                    function: step.function().to_owned(),
                },
            )),
        }
    }
}

/// For every KCL step that declares dependencies, which of them its source imports (by
/// KCL's own parser): only those need a module.
fn find_imported_dependencies(compositions: &mut [Composition]) -> Result<(), Error> {
    for composition in compositions {
        let name = composition.name().to_owned();
        for step in composition.steps_mut() {
            let step_name = step.name().to_owned();
            let StepRun::Kcl(kcl) = &mut step.run else {
                continue;
            };
            if kcl.dependencies.is_empty() {
                continue;
            }
            let imports = Runtime::global()?
                .imports(&format!("{name}/{step_name}.k"), &kcl.source)
                .map_err(|e| Error::step(&name, &step_name, StepProblem::Kcl(e)))?;
            let mut imported: Vec<String> = kcl
                .dependencies
                .iter()
                .filter(|dependency| {
                    imports
                        .iter()
                        .any(|import| import.split('.').next() == Some(dependency.as_str()))
                })
                .cloned()
                .collect();
            imported.dedup();
            kcl.imported = imported;
        }
    }
    Ok(())
}

/// The documents of a YAML stream, empty ones left out.
pub(crate) fn documents(text: &str, input: &str) -> Result<Vec<Value>, Error> {
    let documents: Vec<Value> = serde_saphyr::from_multiple(text).map_err(|e| Error::Yaml {
        input: input.to_owned(),
        message: e.to_string(),
    })?;
    Ok(documents.into_iter().filter(|d| !d.is_null()).collect())
}

fn single(mut documents: Vec<Value>, input: &str) -> Result<Value, Error> {
    match documents.len() {
        1 => Ok(documents.remove(0)),
        n => Err(Error::Composition {
            name: input.to_owned(),
            problem: format!("expected one document, found {n}"),
        }),
    }
}

pub(crate) fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}
