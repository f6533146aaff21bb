//! The app model at the derive's stage, [`Written`]: kcl-apps-model's types, shared with
//! kcl-apps, whose texts are the literals the attribute wrote (or that the derive made up
//! for a default), with their spans, so that a check can point at what is wrong.

use kcl_apps_model::Stage;
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::{Ident, LitStr, Path};

/// The model as the attribute writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written;

impl Stage for Written {
    type Text = Text;
    /// Another app, by its Rust type; its key is `<Type as App>::KEY`.
    type App = Path;
    type Value = FieldValue;
    /// The struct whose JSON Schema the parameters are.
    type Parameters = Ident;
}

/// An app, resolved from its attributes.
pub type App = kcl_apps_model::AppSpec<Written>;
/// A hand-written part of an app.
pub type HandWritten = kcl_apps_model::HandWritten<Written>;
/// A pinned container image.
pub type Image = kcl_apps_model::Image<Written>;
/// A Helm release.
pub type Release = kcl_apps_model::Release<Written>;
/// Where a chart comes from.
pub type ChartSource = kcl_apps_model::ChartSource<Written>;
/// A part of a release's values.
pub type Values = kcl_apps_model::Values<Written>;
/// A Kubernetes object.
pub type Object = kcl_apps_model::Object<Written>;
/// When a part of an app exists.
pub type Condition = kcl_apps_model::Condition<Written>;

/// A text of the attribute and where it stands; expanded as a string literal.
#[derive(Debug, Clone)]
pub struct Text {
    /// The text.
    pub value: String,
    /// Where it was written: the literal, or for a default what it was made from.
    pub span: Span,
    /// Whether the derive made it up from something else (a default), so that an error
    /// about it can say which key sets it.
    pub defaulted: bool,
}

impl Text {
    /// The text of a literal.
    pub fn of(lit: &LitStr) -> Text {
        Text {
            value: lit.value(),
            span: lit.span(),
            defaulted: false,
        }
    }

    /// A text the derive read from something other than a literal (a doc comment, a
    /// field's serde name), which stands at `span`.
    pub fn new(value: String, span: Span) -> Text {
        Text {
            value,
            span,
            defaulted: false,
        }
    }

    /// A default, which a key of the attribute would set, made up from what stands at
    /// `span`.
    pub fn defaulted(value: String, span: Span) -> Text {
        Text {
            value,
            span,
            defaulted: true,
        }
    }
}

/// Texts are equal by what they say.
impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.value == other.value && self.defaulted == other.defaulted
    }
}

impl Eq for Text {}

impl ToTokens for Text {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        LitStr::new(&self.value, self.span).to_tokens(tokens);
    }
}

/// `when(field = f, is = V)`'s value: `V`, a path of a value of the type of the field `f`,
/// which the generated code makes rustc check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldValue {
    /// The field, by its Rust name.
    pub field: Ident,
    /// The value.
    pub value: Path,
}
