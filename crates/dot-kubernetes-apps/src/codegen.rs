//! The generated regions of `kcl/data.k`, `kcl/definition.k` and `kcl/apps.k`.
//!
//! Every region is computed from the Rust types: [`crate::Parameters`] and the apps of
//! [`crate::registry`]. `cargo xtask codegen` splices them into the files.

use std::fmt;

use kcl_codegen::AppSpec;
use kcl_codegen::ast::{Expr, Module, Stmt};
use kcl_codegen::compose::{self, ComposeError, Conventions};
use kcl_codegen::schema::{self, SchemaError};
use schemars::JsonSchema;
use serde_json::Value;

use crate::cluster::{Creds, Gpu, Parameters};

/// A KCL file, relative to the repository root, and the contents of its generated regions.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedFile {
    /// The file, for example `kcl/apps.k`.
    pub path: &'static str,
    /// Each region's name and KCL, in the order they appear in the file.
    pub regions: Vec<(&'static str, Module)>,
}

/// The Rust types cannot be turned into KCL as they are.
#[derive(Debug)]
pub enum CodegenError {
    /// An app is described in a way the generator cannot lower.
    Compose(ComposeError),
    /// A parameter type has a shape KCL or the XRD cannot express.
    Schema(SchemaError),
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodegenError::Compose(e) => e.fmt(f),
            CodegenError::Schema(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for CodegenError {}

impl From<ComposeError> for CodegenError {
    fn from(e: ComposeError) -> Self {
        CodegenError::Compose(e)
    }
}

impl From<SchemaError> for CodegenError {
    fn from(e: SchemaError) -> Self {
        CodegenError::Schema(e)
    }
}

/// Every generated region of every KCL file.
pub fn generated_files() -> Result<Vec<GeneratedFile>, CodegenError> {
    let apps = crate::registry();
    Ok(vec![
        GeneratedFile {
            path: "kcl/data.k",
            regions: vec![
                ("cluster", cluster_data_dicts()?),
                ("apps", compose::data_dicts(&apps)?),
            ],
        },
        GeneratedFile {
            path: "kcl/definition.k",
            regions: vec![(
                "parameters",
                Module {
                    body: vec![Stmt::assign(
                        "_parameters",
                        Expr::from_json(&parameters_schema(&apps)?),
                    )],
                },
            )],
        },
        GeneratedFile {
            path: "kcl/apps.k",
            regions: vec![
                ("pins", compose::pins(&apps)),
                ("apps", compose::apps_block(&apps, &Conventions::default())?),
            ],
        },
    ])
}

/// The structural schema of `spec.parameters`: [`Parameters`], with every app's schema
/// (and full description) under `apps`.
pub fn parameters_schema(apps: &[AppSpec]) -> Result<Value, CodegenError> {
    let mut parameters = schema::structural(&schemars::schema_for!(Parameters))?;
    let app_properties = compose::xrd_properties(apps)?;
    if let Some(Value::Object(apps_schema)) = parameters.pointer_mut("/properties/apps") {
        apps_schema.insert("properties".into(), Value::Object(app_properties));
    }
    Ok(parameters)
}

/// `root` (the top-level parameters), `gpu` and `creds` as data dicts.
fn cluster_data_dicts() -> Result<Module, CodegenError> {
    let mut root = schema::data_dict(&schemars::schema_for!(Parameters))?;
    // gpu, apps and creds have data dicts of their own.
    if let Some(Value::Object(properties)) = root.get_mut("properties") {
        for nested in ["gpu", "apps", "creds"] {
            properties.remove(nested);
        }
    }
    Ok(Module {
        body: vec![
            Stmt::assign("root", Expr::from_json(&root)),
            Stmt::Blank,
            Stmt::assign("gpu", Expr::from_json(&data_dict::<Gpu>()?)),
            Stmt::Blank,
            Stmt::assign("creds", Expr::from_json(&data_dict::<Creds>()?)),
        ],
    })
}

fn data_dict<T: JsonSchema>() -> Result<Value, SchemaError> {
    schema::data_dict(&schemars::schema_for!(T))
}
