//! What the views share: the [`Answers`] they render, the text of a missing
//! value, plain values, obssl's one table style, JSON text.

use crate::api::SslStatus;
use crate::fleet::Outcome;
use crate::sanitize::visible;
use comfy_table::{presets, ContentArrangement, Row, Table};
use serde::Serialize;
use serde_json::Value;

/// Shown for a null or missing value.
pub const MISSING: &str = "-";

/// What `get` read: one instance's answer, or the outcome of each of several
/// instances in input order.
#[derive(Debug, Clone, Copy)]
pub enum Answers<'a> {
    One(&'a SslStatus),
    Many(&'a [Outcome]),
}

/// A scalar field value as plain text, made [`visible`]: strings without
/// quotes, bools as true/false, numbers as written; `None` for null or missing.
pub fn plain_value(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) => Some(visible(s).into_owned()),
        other => Some(visible(&other.to_string()).into_owned()),
    }
}

/// A table in obssl's style (every table looks alike) with its header row.
pub(super) fn new_table(header: impl Into<Row>) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    table
}

/// A table's text and a newline.
pub(super) fn table_text(table: &Table) -> String {
    format!("{table}\n")
}

/// `value` as pretty-printed JSON and a newline.
pub(super) fn pretty_json(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values always serialize");
    text.push('\n');
    text
}

/// `value` as compact JSON on one line.
pub(super) fn json_line(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string(value).expect("JSON values always serialize");
    text.push('\n');
    text
}
