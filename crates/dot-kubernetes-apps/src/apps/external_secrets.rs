use kcl_apps::App;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Install External Secrets Operator (ESO).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, App)]
#[serde(rename_all = "camelCase", default)]
#[app(
    release(
        chart = "external-secrets",
        repository = "https://charts.external-secrets.io",
        version = "2.0.0",
        namespace = "external-secrets",
        values(inline = "installCRDs: true"),
    ),
    hand_written(
        file = "kcl/apps.k",
        what = "the provider's ClusterSecretStore (with `store`) and the secrets copied from it",
    )
)]
pub struct ExternalSecrets {
    /// Install the app.
    pub enabled: bool,
    /// Whether to create a `ClusterSecretStore` for the cluster's provider. If `true`,
    /// `creds` needs to be set as well.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<bool>,
    /// The key with Google credentials in the secret. Works only with clusters in Google Cloud.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google_credentials_key: Option<String>,
    /// The key with the Access Key ID in the secret. Works only with clusters in AWS.
    #[serde(rename = "awsAccessKeyIDKey")]
    pub aws_access_key_id_key: String,
    /// The key with the Secret Access Key in the secret. Works only with clusters in AWS.
    pub aws_secret_access_key_key: String,
    /// The URL of the Azure Key Vault. Works only with clusters in Azure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub azure_vault_url: Option<String>,
    /// Secrets to create from the secret store. `store` must be `true` for this to work.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<ExternalSecret>,
}

/// A secret copied from the external secret store into the cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecret {
    /// The name or the key of the secret in the external secret store.
    pub from_secret: String,
    /// The name of the secret.
    pub to_secret: String,
    /// The namespace of the secret.
    pub to_namespace: String,
    /// The type of the secret.
    #[serde(default = "opaque", rename = "type")]
    pub secret_type: String,
}

fn opaque() -> String {
    "Opaque".into()
}

impl Default for ExternalSecrets {
    fn default() -> Self {
        ExternalSecrets {
            enabled: false,
            store: None,
            google_credentials_key: None,
            aws_access_key_id_key: "accessKeyID".into(),
            aws_secret_access_key_key: "secretAccessKey".into(),
            azure_vault_url: None,
            secrets: Vec::new(),
        }
    }
}
