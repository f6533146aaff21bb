//! The schemas the lowered apps instantiate, `release`, `object` and `usage`, generated
//! from the names the lowering uses ([`field`], [`Conventions`]), so that a composition
//! does not type them again: they make the Crossplane resources that install an app with
//! provider-helm and provider-kubernetes, and the `Usage`s that keep what they run on
//! alive while they exist.
//!
//! Every resource is named after the composite resource and composed under that name
//! (`<xr>-<prefix><_name>`, with the `crossplane.io/external-name` and function-kcl's
//! `krm.kcl.dev/composition-resource-name` annotations), and uses the `ProviderConfig`
//! named after the composite resource. A composition that composes its resources in
//! another shape writes its own schemas with the same attributes instead.

pub use crate::compose::conventions::field;

use crate::ast::{AssignOp, Attr, BinOp, Entry, Expr, IfChain, Key, Schema, Stmt, Type};
use crate::compose::conventions::Conventions;

/// provider-helm's `Release`.
const HELM_API_VERSION: &str = "helm.m.crossplane.io/v1beta1";
/// provider-kubernetes' `Object`.
const KUBERNETES_API_VERSION: &str = "kubernetes.m.crossplane.io/v1alpha1";
/// Crossplane's `Usage`.
const PROTECTION_API_VERSION: &str = "protection.crossplane.io/v1beta1";
/// The kinds a usage can be for: the release's and the object's.
const RELEASE_KIND: &str = "Release";
const OBJECT_KIND: &str = "Object";
/// What Crossplane names a managed resource by.
const EXTERNAL_NAME: &str = "crossplane.io/external-name";
/// What function-kcl names a composed resource by.
const COMPOSITION_RESOURCE_NAME: &str = "krm.kcl.dev/composition-resource-name";
/// The management policies of a resource that outlives the composite resource.
const RETAINED: [&str; 3] = ["Create", "Update", "Observe"];

/// What the schemas need to know about the composition beyond the [`Conventions`].
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceSchemas {
    /// The composite resource's name: it names the composed resources and the
    /// `ProviderConfig`s they use.
    pub xr_name: Expr,
    /// A usage's `spec.of`: the resource every release and object keeps alive, for example
    /// `{apiVersion = ..., kind = ..., resourceRef.name = <xr name>}`.
    pub usage_of: Expr,
}

impl ResourceSchemas {
    /// Schemas whose usages keep the resource of this `apiVersion` and `kind` that is named
    /// after the composite resource alive (for example the cluster the apps run in).
    pub fn keeping_alive(xr_name: Expr, api_version: Expr, kind: Expr) -> ResourceSchemas {
        let usage_of = Expr::Dict(vec![
            Entry::pair("apiVersion", api_version),
            Entry::pair("kind", kind),
            resource_ref(xr_name.clone()),
        ]);
        ResourceSchemas { xr_name, usage_of }
    }

    /// The `release`, `object` and `usage` schemas, under the names `conventions` gives
    /// them, each with a comment; no `usage` when the composition composes none.
    pub fn module(&self, conventions: &Conventions) -> crate::ast::Module {
        let mut body = vec![
            Stmt::Comment(format!(
                "A Helm release of an app, composed as `<xr>-{}<{}>`.",
                conventions.resource_prefix,
                field::NAME
            )),
            Stmt::Schema(self.release(conventions)),
            Stmt::Comment(format!(
                "A Kubernetes object of an app, composed as `<xr>-{}<{}>`. Retained objects \
                     (CRDs,\ncluster-wide objects others may share) are never deleted with the \
                     composite resource.",
                conventions.resource_prefix,
                field::NAME
            )),
            Stmt::Schema(self.object(conventions)),
        ];
        if let Some(usage) = &conventions.usage_schema {
            body.push(Stmt::Comment(format!(
                "Keeps `spec.of` alive until the resource `<xr>-<{}>` is gone.",
                field::NAME_SUFFIX
            )));
            body.push(Stmt::Schema(self.usage(usage)));
        }
        crate::ast::Module { body }
    }

    fn release(&self, conventions: &Conventions) -> Schema {
        let chart = vec![
            Entry::pair("name", Expr::name(field::CHART)),
            only_if(field::REPOSITORY, "repository"),
            only_if(field::URL, "url"),
            only_if(field::VERSION, "version"),
        ];
        let spec = Expr::Dict(vec![
            Entry::pair(
                "forProvider",
                Expr::Dict(vec![
                    Entry::pair("chart", Expr::Dict(chart)),
                    Entry::pair("namespace", Expr::name(field::NAMESPACE)),
                    only_if(field::VALUES, "values"),
                ]),
            ),
            Entry::pair("managementPolicies", retained()),
            Entry::pair("rollbackLimit", Expr::Int(3)),
            self.provider_config(),
        ]);
        Schema {
            name: conventions.release_schema.clone(),
            attrs: vec![
                attr(field::NAME, Type::Str),
                attr(field::CHART, Type::Str),
                optional(field::REPOSITORY, Type::Str),
                optional(field::URL, Type::Str),
                optional(field::VERSION, Type::Str),
                attr(field::NAMESPACE, Type::Str),
                optional(field::VALUES, any_dict()),
            ],
            body: vec![
                Stmt::assign("apiVersion", Expr::str(HELM_API_VERSION)),
                Stmt::assign("kind", Expr::str(RELEASE_KIND)),
                Stmt::assign(
                    "metadata",
                    self.metadata(conventions, Expr::name(field::NAME)),
                ),
                Stmt::assign("spec", spec),
            ],
        }
    }

    fn object(&self, conventions: &Conventions) -> Schema {
        let spec = Expr::Dict(vec![
            only_if(field::REFERENCES, "references"),
            Entry::Pair {
                key: Key::Path(vec!["forProvider".into(), "manifest".into()]),
                op: AssignOp::Override,
                value: Expr::name(field::MANIFEST),
            },
            Entry::If(IfChain {
                branches: vec![(
                    Expr::name(field::RETAIN),
                    vec![Entry::pair("managementPolicies", retained())],
                )],
                orelse: None,
            }),
            self.provider_config(),
        ]);
        Schema {
            name: conventions.object_schema.clone(),
            attrs: vec![
                attr(field::NAME, Type::Str),
                attr(field::EXTERNAL_NAME, Type::Str),
                attr(field::MANIFEST, any_dict()),
                Attr {
                    default: Some(Expr::Bool(false)),
                    ..attr(field::RETAIN, Type::Bool)
                },
                optional(field::REFERENCES, Type::List(Box::new(any_dict()))),
            ],
            body: vec![
                Stmt::assign("apiVersion", Expr::str(KUBERNETES_API_VERSION)),
                Stmt::assign("kind", Expr::str(OBJECT_KIND)),
                Stmt::assign(
                    "metadata",
                    self.metadata(conventions, Expr::name(field::EXTERNAL_NAME)),
                ),
                Stmt::assign("spec", spec),
            ],
        }
    }

    fn usage(&self, schema: &str) -> Schema {
        // `<xr>-<_nameSuffix>`: the resource the usage is for.
        let by_name = || {
            self.xr_name
                .clone()
                .binary(BinOp::Add, Expr::str("-"))
                .binary(BinOp::Add, Expr::name(field::NAME_SUFFIX))
        };
        let name = || by_name().binary(BinOp::Add, Expr::str("-usage"));
        let api_version = |value: &str| vec![Entry::pair("apiVersion", Expr::str(value))];
        let by = Expr::Dict(vec![
            Entry::If(IfChain {
                branches: vec![(
                    Expr::name(field::KIND).binary(BinOp::Eq, Expr::str(RELEASE_KIND)),
                    api_version(HELM_API_VERSION),
                )],
                orelse: Some(api_version(KUBERNETES_API_VERSION)),
            }),
            Entry::pair("kind", Expr::name(field::KIND)),
            resource_ref(by_name()),
        ]);
        Schema {
            name: schema.to_owned(),
            attrs: vec![
                attr(field::NAME_SUFFIX, Type::Str),
                Attr {
                    default: Some(Expr::str(OBJECT_KIND)),
                    ..attr(
                        field::KIND,
                        Type::Union(vec![
                            Type::Literal(RELEASE_KIND.into()),
                            Type::Literal(OBJECT_KIND.into()),
                        ]),
                    )
                },
            ],
            body: vec![
                Stmt::assign("apiVersion", Expr::str(PROTECTION_API_VERSION)),
                Stmt::assign("kind", Expr::str("Usage")),
                Stmt::assign(
                    "metadata",
                    Expr::Dict(vec![
                        Entry::pair("name", name()),
                        Entry::pair(
                            "annotations",
                            Expr::Dict(vec![
                                Entry::pair("krm.kcl.dev/ready", Expr::str("True")),
                                Entry::pair(EXTERNAL_NAME, name()),
                                Entry::pair(COMPOSITION_RESOURCE_NAME, name()),
                            ]),
                        ),
                    ]),
                ),
                Stmt::assign(
                    "spec",
                    Expr::Dict(vec![
                        Entry::pair("of", self.usage_of.clone()),
                        Entry::pair("by", by),
                    ]),
                ),
            ],
        }
    }

    /// `name` and annotations of a resource composed as `<xr>-<prefix><_name>`.
    fn metadata(&self, conventions: &Conventions, external_name: Expr) -> Expr {
        let name = || {
            self.xr_name
                .clone()
                .binary(
                    BinOp::Add,
                    Expr::str(format!("-{}", conventions.resource_prefix)),
                )
                .binary(BinOp::Add, Expr::name(field::NAME))
        };
        Expr::Dict(vec![
            Entry::pair("name", name()),
            Entry::pair(
                "annotations",
                Expr::Dict(vec![
                    Entry::pair(EXTERNAL_NAME, external_name),
                    Entry::pair(COMPOSITION_RESOURCE_NAME, name()),
                ]),
            ),
        ])
    }

    /// `providerConfigRef`: the `ProviderConfig` named after the composite resource.
    fn provider_config(&self) -> Entry {
        Entry::pair(
            "providerConfigRef",
            Expr::Dict(vec![
                Entry::pair("name", self.xr_name.clone()),
                Entry::pair("kind", Expr::str("ProviderConfig")),
            ]),
        )
    }
}

/// `resourceRef.name = name`.
fn resource_ref(name: Expr) -> Entry {
    Entry::Pair {
        key: Key::Path(vec!["resourceRef".into(), "name".into()]),
        op: AssignOp::Override,
        value: name,
    }
}

/// `if <attribute>: key = <attribute>`.
fn only_if(attribute: &str, key: &str) -> Entry {
    Entry::If(IfChain {
        branches: vec![(
            Expr::name(attribute),
            vec![Entry::pair(key, Expr::name(attribute))],
        )],
        orelse: None,
    })
}

fn retained() -> Expr {
    Expr::List(
        RETAINED
            .iter()
            .map(|policy| crate::ast::ListItem::Expr(Expr::str(*policy)))
            .collect(),
    )
}

/// `{str:}`.
fn any_dict() -> Type {
    Type::Dict(Box::new(Type::Str), Box::new(Type::Any))
}

fn attr(name: &str, ty: Type) -> Attr {
    Attr {
        name: name.into(),
        optional: false,
        ty,
        default: None,
    }
}

fn optional(name: &str, ty: Type) -> Attr {
    Attr {
        optional: true,
        ..attr(name, ty)
    }
}
