//! The generated regions of `kcl/data.k`, `kcl/definition.k`, `kcl/apps.k` and the
//! provider steps `kcl/aws.k`, `kcl/azure.k` and `kcl/google.k`.
//!
//! Every region is computed from the Rust types: [`crate::Parameters`], the node sizes of
//! [`crate::Provider`] and the apps of [`crate::registry`]. `cargo xtask codegen` splices
//! them into the files.

use std::fmt;

use kcl_apps::AppSpec;
use kcl_apps::compose::{self, ComposeError, Conventions};
use kcl_apps::resources::ResourceSchemas;
use kcl_codegen::ast::{BinOp, Expr, Module, Stmt};
use kcl_codegen::json::JsonError;
use kcl_codegen::schema::{self, SchemaError};
use schemars::JsonSchema;
use serde_json::Value;

use crate::Provider;
use crate::cluster::{Creds, Gpu, NodeSize, Parameters};

/// A KCL file, relative to the repository root, and the contents of its generated regions.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedFile {
    /// The file, for example `kcl/apps.k`.
    pub path: String,
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
    /// A value of a generated file has no KCL literal (an integer beyond 64 bits, or
    /// nesting deeper than KCL reads).
    Value {
        /// The file, for example `kcl/data.k`.
        file: String,
        /// The variable the value is assigned to, or what is read with it.
        name: String,
        /// Where in the value, and why.
        error: JsonError,
    },
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodegenError::Compose(e) => e.fmt(f),
            CodegenError::Schema(e) => e.fmt(f),
            CodegenError::Value { file, name, error } if error.path.is_empty() => {
                write!(f, "{file}: {name}: {}", error.problem)
            }
            CodegenError::Value { file, name, error } => {
                write!(f, "{file}: {name}.{}: {}", error.path, error.problem)
            }
        }
    }
}

/// Its message is the wrapped error's own, so `source()` is the wrapped error's source.
impl std::error::Error for CodegenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CodegenError::Compose(e) => e.source(),
            CodegenError::Schema(e) => e.source(),
            CodegenError::Value { .. } => None,
        }
    }
}

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

/// The KCL literal of `value`, assigned to (or read with) `name` in `file`.
fn literal(file: &str, name: &str, value: &Value) -> Result<Expr, CodegenError> {
    Expr::try_from_json(value).map_err(|error| CodegenError::Value {
        file: file.to_owned(),
        name: name.to_owned(),
        error,
    })
}

const DATA: &str = "kcl/data.k";

/// The provider steps, which read the parameters alike.
const PROVIDER_STEPS: &str = "kcl/aws.k, kcl/azure.k, kcl/google.k";

/// Every generated region of every KCL file.
pub fn generated_files() -> Result<Vec<GeneratedFile>, CodegenError> {
    let apps = crate::registry();
    let mut files = vec![
        GeneratedFile {
            path: "kcl/data.k".to_owned(),
            regions: vec![
                ("cluster", cluster_data_dicts()?),
                ("apps", compose::data_dicts(&apps)?),
            ],
        },
        GeneratedFile {
            path: "kcl/definition.k".to_owned(),
            regions: vec![(
                "parameters",
                Module {
                    body: vec![Stmt::assign(
                        "_parameters",
                        literal(
                            "kcl/definition.k",
                            "_parameters",
                            &parameters_schema(&apps)?,
                        )?
                        .with_dotted_keys(),
                    )],
                },
            )],
        },
        GeneratedFile {
            path: "kcl/apps.k".to_owned(),
            regions: vec![
                ("pins", compose::pins(&apps)),
                ("schemas", resource_schemas().module(&conventions())),
                ("apps", compose::apps_block(&apps, &conventions())?),
            ],
        },
        GeneratedFile {
            path: "kcl/manifests.k".to_owned(),
            regions: vec![("manifests", compose::manifests(&apps, &conventions())?)],
        },
    ];
    for provider in Provider::ALL {
        let mut regions = vec![
            ("parameters", parameter_reads()?),
            ("sizes", node_sizes(provider)?),
        ];
        if provider == Provider::Google {
            regions.push(("apps", google_app_reads()));
        }
        files.push(GeneratedFile {
            path: format!("kcl/{}", provider.step_file()),
            regions,
        });
    }
    Ok(files)
}

/// How `kcl/apps.k` lowers the apps: the default names, with the objects' manifests as
/// named data (`_manifests`) in `kcl/manifests.k`, which the apps step appends, rather
/// than in the logic.
fn conventions() -> Conventions {
    Conventions {
        manifests: Some("_manifests".into()),
        ..Conventions::default()
    }
}

/// The `release`, `object` and `usage` schemas of `kcl/apps.k`: resources are named after
/// `_xr` (the XR's name, which the hand-written part defines), and a usage keeps the
/// provider's managed cluster alive, whose `apiVersion` and `kind` are the placeholders
/// that the Composition replaces (as the `Pipeline` the tests render with does).
fn resource_schemas() -> ResourceSchemas {
    ResourceSchemas::keeping_alive(
        Expr::name("_xr"),
        Expr::str(Provider::CLUSTER_API_VERSION_PLACEHOLDER),
        Expr::str(Provider::CLUSTER_KIND_PLACEHOLDER),
    )
}

/// How a provider step reads `spec.parameters`: one private variable per field of
/// [`Parameters`] (and per field of its nested objects), named after the field's path, so
/// that the hand-written KCL never spells a field name or a default itself. `apps` are
/// the apps step's.
///
/// A top-level field is read as it is: the API server (and the render's admission) has
/// applied the XRD's defaults. A field of a nested object that has a default falls back
/// to it with `or` when unset, as dot-kubernetes has always read them (so a `0` there
/// means the default too).
pub fn parameter_reads() -> Result<Module, CodegenError> {
    let schema = schema::structural(&schemars::schema_for!(Parameters))?;
    let parameters = || Expr::name("oxr").attr("spec").attr("parameters");
    let mut body = vec![
        Stmt::Comment(
            "spec.parameters, field by field, as the Rust type Parameters names them.".into(),
        ),
        Stmt::Comment(
            "Nested fields fall back to their defaults with `or`, as deployed today.".into(),
        ),
    ];
    for (name, property) in properties(&schema) {
        if name == "apps" {
            continue;
        }
        body.push(Stmt::assign(
            format!("_{name}"),
            parameters().attr_opt(name),
        ));
        for (field, nested) in properties(property) {
            let read = parameters().attr_opt(name).attr_opt(field);
            let read = match nested.get("default") {
                Some(default) if compose::is_truthy(default) => {
                    let variable = format!("_{name}{}", upper_first(field));
                    read.binary(BinOp::Or, literal(PROVIDER_STEPS, &variable, default)?)
                }
                _ => read,
            };
            body.push(Stmt::assign(format!("_{name}{}", upper_first(field)), read));
        }
    }
    Ok(Module { body })
}

/// The properties of an object schema, in order (none for other schemas).
fn properties(schema: &Value) -> impl Iterator<Item = (&String, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

fn upper_first(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// What the Google step reads of the apps: whether Envoy Gateway is enabled (it serves the
/// Gateway API instead of GKE's HTTP load balancing), by the app's key in the Rust type.
fn google_app_reads() -> Module {
    use kcl_apps::App;
    let key = crate::apps::EnvoyGateway::KEY;
    Module {
        body: vec![Stmt::assign(
            format!("_{key}Enabled"),
            Expr::name("oxr")
                .attr("spec")
                .attr("parameters")
                .attr_opt("apps")
                .attr_opt(key)
                .attr_opt("enabled"),
        )],
    }
}

/// A provider's machine types by node size ([`Provider::node_type`] and
/// [`Provider::gpu_node`]), in the field names of its node pool: `_nodeTypes` and
/// `_gpuNodes`, keyed by size.
pub fn node_sizes(provider: Provider) -> Result<Module, CodegenError> {
    let by_size = |f: &dyn Fn(NodeSize) -> Value| -> Value {
        Value::Object(
            NodeSize::ALL
                .into_iter()
                .map(|size| (size.name().to_owned(), f(size)))
                .collect(),
        )
    };
    let node_types = by_size(&|size| Value::from(provider.node_type(size)));
    let gpu_nodes = by_size(&|size| {
        let node = provider.gpu_node(size);
        let mut fields = serde_json::Map::new();
        match provider {
            Provider::Aws => {
                fields.insert(
                    "instanceTypes".into(),
                    serde_json::json!([node.machine_type]),
                );
            }
            Provider::Azure => {
                fields.insert("vmSize".into(), node.machine_type.into());
            }
            Provider::Google => {
                fields.insert("machineType".into(), node.machine_type.into());
            }
        }
        if let Some(disk) = node.disk_size_gb {
            fields.insert("diskSize".into(), disk.into());
        }
        if let Some(accelerator) = node.accelerator {
            fields.insert(
                "guestAccelerator".into(),
                serde_json::json!([{"type": accelerator.kind, "count": accelerator.count}]),
            );
        }
        Value::Object(fields)
    });
    let file = &format!("kcl/{}", provider.step_file());
    Ok(Module {
        body: vec![
            Stmt::Comment(format!(
                "The machine type of each node size on {provider} (Provider::node_type)."
            )),
            Stmt::assign(
                "_nodeTypes",
                literal(file, "_nodeTypes", &node_types)?.with_dotted_keys(),
            ),
            Stmt::Comment(format!(
                "The GPU node pool's fields for each GPU node size on {provider} (Provider::gpu_node)."
            )),
            Stmt::assign(
                "_gpuNodes",
                literal(file, "_gpuNodes", &gpu_nodes)?.with_dotted_keys(),
            ),
        ],
    })
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
    // gpu, apps and creds have data dicts of their own.
    let root = without_properties(
        schema::data_dict(&schemars::schema_for!(Parameters))?,
        &["gpu", "apps", "creds"],
    );
    Ok(Module {
        body: vec![
            Stmt::assign("root", literal(DATA, "root", &root)?.with_dotted_keys()),
            Stmt::Blank,
            Stmt::assign(
                "gpu",
                literal(DATA, "gpu", &data_dict::<Gpu>()?)?.with_dotted_keys(),
            ),
            Stmt::Blank,
            Stmt::assign(
                "creds",
                literal(DATA, "creds", &data_dict::<Creds>()?)?.with_dotted_keys(),
            ),
        ],
    })
}

/// A data dict without the named properties, the others in their order (`shift_remove`:
/// `remove` is a swap-remove under `preserve_order`, which moves the last property).
fn without_properties(mut dict: Value, names: &[&str]) -> Value {
    if let Some(Value::Object(properties)) = dict.get_mut("properties") {
        for name in names {
            properties.shift_remove(*name);
        }
    }
    dict
}

fn data_dict<T: JsonSchema>() -> Result<Value, SchemaError> {
    schema::data_dict(&schemars::schema_for!(T))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removing_properties_keeps_the_order_of_the_others() {
        let dict = serde_json::json!({"properties": {"a": 1, "gpu": 2, "b": 3, "apps": 4, "c": 5}});
        let keys: Vec<String> = without_properties(dict, &["gpu", "apps"])["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["a", "b", "c"]);
    }

    #[test]
    fn every_field_of_parameters_but_the_apps_is_read_by_the_provider_steps() {
        let reads = parameter_reads().expect("the reads generate").to_string();
        for read in [
            "_version = oxr.spec.parameters?.version",
            "_nodeSize = oxr.spec.parameters?.nodeSize",
            "_minNodeCount = oxr.spec.parameters?.minNodeCount",
            "_gpuMinNodeCount = oxr.spec.parameters?.gpu?.minNodeCount or 1",
            "_gpuEnabled = oxr.spec.parameters?.gpu?.enabled\n",
        ] {
            assert!(reads.contains(read), "{read} in:\n{reads}");
        }
        assert!(!reads.contains("apps"), "the apps are the apps step's");
    }
}
