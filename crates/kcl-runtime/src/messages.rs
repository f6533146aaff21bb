//! The protobuf messages of the KCL service API that this crate uses.
//!
//! Field numbers are those of the `kcl-lib` package's own descriptor (`spec.proto`);
//! fields this crate never sets are left out, which protobuf allows.

/// `ExecProgramArgs`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecProgramArgs {
    #[prost(string, tag = "1")]
    pub work_dir: String,
    #[prost(string, repeated, tag = "2")]
    pub k_filename_list: Vec<String>,
    #[prost(string, repeated, tag = "3")]
    pub k_code_list: Vec<String>,
    #[prost(message, repeated, tag = "4")]
    pub args: Vec<Argument>,
    #[prost(string, repeated, tag = "5")]
    pub overrides: Vec<String>,
    #[prost(bool, tag = "6")]
    pub disable_yaml_result: bool,
    #[prost(bool, tag = "8")]
    pub strict_range_check: bool,
    #[prost(bool, tag = "9")]
    pub disable_none: bool,
    #[prost(bool, tag = "12")]
    pub sort_keys: bool,
    #[prost(message, repeated, tag = "13")]
    pub external_pkgs: Vec<ExternalPkg>,
    #[prost(bool, tag = "16")]
    pub show_hidden: bool,
    #[prost(string, repeated, tag = "17")]
    pub path_selector: Vec<String>,
}

/// `Argument`: one `-D name=value` option.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Argument {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub value: String,
}

/// `ExecProgramResult`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecProgramResult {
    #[prost(string, tag = "1")]
    pub json_result: String,
    #[prost(string, tag = "2")]
    pub yaml_result: String,
    #[prost(string, tag = "3")]
    pub log_message: String,
    #[prost(string, tag = "4")]
    pub err_message: String,
}

/// `ExternalPkg`: a module that `import <pkg_name>` resolves to the directory `pkg_path`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExternalPkg {
    #[prost(string, tag = "1")]
    pub pkg_name: String,
    #[prost(string, tag = "2")]
    pub pkg_path: String,
}

/// `ParseFileArgs`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ParseFileArgs {
    #[prost(string, tag = "1")]
    pub path: String,
    #[prost(string, tag = "2")]
    pub source: String,
}

/// `ParseFileResult`: the syntax tree as JSON (the rest is left out).
#[derive(Clone, PartialEq, prost::Message)]
pub struct ParseFileResult {
    #[prost(string, tag = "1")]
    pub ast_json: String,
}

/// `FormatCodeArgs`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct FormatCodeArgs {
    #[prost(string, tag = "1")]
    pub source: String,
}

/// `FormatCodeResult`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct FormatCodeResult {
    #[prost(bytes = "vec", tag = "1")]
    pub formatted: Vec<u8>,
}

/// `GetVersionArgs` (no fields).
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetVersionArgs {}

/// `GetVersionResult`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetVersionResult {
    #[prost(string, tag = "1")]
    pub version: String,
    #[prost(string, tag = "2")]
    pub checksum: String,
    #[prost(string, tag = "3")]
    pub git_sha: String,
    #[prost(string, tag = "4")]
    pub version_info: String,
}
