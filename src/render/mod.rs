//! Turning an answer into what the user reads: one module per output form.

pub mod field;
pub mod json;
pub mod table;

use serde_json::Value;

/// A scalar field value as plain text: strings without quotes, bools as
/// true/false, numbers as written; `None` for null or missing.
pub fn plain_value(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}
