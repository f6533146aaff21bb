//! JSON values as the KCL runtime holds them: its 64-bit integers and the depth to which it
//! reads and writes JSON, checked before a value is printed as a KCL literal
//! ([`crate::ast::Expr::try_from_json`]) or handed to the runtime, so that a value beyond
//! them is refused at its path instead of losing digits or failing inside the runtime.
//!
//! ```
//! use kcl_codegen_syntax::json::{KCL_VALUE_MAX_DEPTH, check};
//!
//! let big = serde_json::json!({"nodes": [{"min": u64::MAX}]});
//! assert_eq!(
//!     check(&big).unwrap_err().to_string(),
//!     "nodes[0].min: 18446744073709551615 is beyond KCL's integers, which are 64-bit \
//!      (-9223372036854775808 to 9223372036854775807)"
//! );
//! let mut deep = serde_json::json!(1);
//! for _ in 0..KCL_VALUE_MAX_DEPTH + 1 {
//!     deep = serde_json::json!([deep]);
//! }
//! assert!(check(&deep).unwrap_err().to_string().ends_with(
//!     "nested 127 lists and mappings deep; the KCL runtime reads at most 126"
//! ));
//! ```

use std::fmt;

use serde_json::Value;

/// The deepest nesting of lists and dicts that the KCL runtime (kcl-lib 0.12.3) reads and
/// writes as JSON, the outermost counted (measured): it reads an option value at most this
/// deep (deeper, it takes the whole option for a string), and its output stops here, the
/// document's own dict counted (a deeper value fails the program with "called
/// `Result::unwrap()` on an `Err` value: ... recursion limit exceeded").
pub const KCL_JSON_MAX_DEPTH: usize = 127;

/// How deep a value may nest, counting itself, where KCL holds it one level below the top:
/// in a top-level variable (its output document is the level above), or in a field of an
/// option (a composite resource in `option("params").oxr`).
pub const KCL_VALUE_MAX_DEPTH: usize = KCL_JSON_MAX_DEPTH - 1;

/// A JSON value that KCL cannot hold: where it is, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Where, from the value given: keys after `.`, list items as `[i]` (`a.b[0]`); empty
    /// for the value itself. A long path is shortened to its first steps and its last.
    pub path: String,
    /// What is wrong there.
    pub problem: JsonProblem,
}

/// Why KCL cannot hold a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonProblem {
    /// An integer above `i64::MAX`: KCL's integers are 64-bit signed, and a float in its
    /// place would lose digits.
    IntegerOutOfRange(u64),
    /// Lists and mappings nested deeper than the runtime reads.
    TooDeep {
        /// How deep the value is, counting the value given as one.
        depth: usize,
        /// The most the runtime reads there.
        max: usize,
    },
}

impl fmt::Display for JsonProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonProblem::IntegerOutOfRange(n) => write!(
                f,
                "{n} is beyond KCL's integers, which are 64-bit ({} to {})",
                i64::MIN,
                i64::MAX
            ),
            JsonProblem::TooDeep { depth, max } => write!(
                f,
                "nested {depth} lists and mappings deep; the KCL runtime reads at most {max}"
            ),
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            self.problem.fmt(f)
        } else {
            write!(f, "{}: {}", self.path, self.problem)
        }
    }
}

impl std::error::Error for JsonError {}

/// Refuse a value that KCL cannot hold in a top-level variable: nested deeper than
/// [`KCL_VALUE_MAX_DEPTH`], or with an integer beyond 64 bits. Floats are KCL floats.
pub fn check(value: &Value) -> Result<(), JsonError> {
    check_depth(value, KCL_VALUE_MAX_DEPTH, "")?;
    check_integers(value, &mut Vec::new())
}

/// Refuse a value nested deeper than `max` lists and mappings (the value itself counts as
/// one), at the path of the first one too deep; `path` names the value (empty: paths
/// start at its first key). Iterative: a value of any depth is checked without recursion.
pub fn check_depth(value: &Value, max: usize, path: &str) -> Result<(), JsonError> {
    // Depth first: (a value, its depth, its step from its parent); `trail` holds the
    // steps from the root to the value being looked at.
    let mut stack: Vec<(&Value, usize, String)> = vec![(value, 1, String::new())];
    let mut trail: Vec<String> = Vec::new();
    while let Some((value, depth, step)) = stack.pop() {
        trail.truncate(depth - 1);
        trail.push(step);
        let children = steps(value);
        if children.is_some() && depth > max {
            return Err(JsonError {
                path: render_path(path, &trail[1..]),
                problem: JsonProblem::TooDeep { depth, max },
            });
        }
        for (step, child) in children.into_iter().flatten().rev() {
            stack.push((child, depth + 1, step));
        }
    }
    Ok(())
}

/// The first integer above `i64::MAX`. Recursive: call it on a value whose depth is
/// checked.
fn check_integers(value: &Value, trail: &mut Vec<String>) -> Result<(), JsonError> {
    if let Value::Number(n) = value
        && let (None, Some(u)) = (n.as_i64(), n.as_u64())
    {
        return Err(JsonError {
            path: render_path("", trail),
            problem: JsonProblem::IntegerOutOfRange(u),
        });
    }
    for (step, child) in steps(value).into_iter().flatten() {
        trail.push(step);
        check_integers(child, trail)?;
        trail.pop();
    }
    Ok(())
}

/// The children of a list or mapping with their steps (`[i]`, `.key`); `None` for a
/// scalar.
fn steps(value: &Value) -> Option<Vec<(String, &Value)>> {
    match value {
        Value::Array(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("[{i}]"), v))
                .collect(),
        ),
        Value::Object(map) => Some(map.iter().map(|(k, v)| (format!(".{k}"), v)).collect()),
        _ => None,
    }
}

/// `path` and the steps after it, without a leading `.`; a long run of steps reads as its
/// first few and its last.
fn render_path(path: &str, steps: &[String]) -> String {
    let mut at = path.to_owned();
    if steps.len() > 12 {
        steps[..8].iter().for_each(|s| at.push_str(s));
        at.push_str(&format!("...({} more)...", steps.len() - 9));
        at.push_str(&steps[steps.len() - 1]);
    } else {
        steps.iter().for_each(|s| at.push_str(s));
    }
    at.strip_prefix('.').map(str::to_owned).unwrap_or(at)
}
