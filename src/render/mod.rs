//! Turning an answer into what the user reads: one module per output form.
//! `table`, `json`, `field` show one instance; `fleet` shows several;
//! `plugin`, `check_json` and `prometheus` are the forms of `obssl check`.

pub mod check_json;
pub mod field;
pub mod fleet;
pub mod json;
pub mod plugin;
pub mod prometheus;
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
