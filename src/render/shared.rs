//! What the views share: the [`Answers`] they render, the text of a missing
//! value, plain values, obssl's one table style, JSON text.

use crate::api::SslStatus;
use crate::fleet::Outcome;
use crate::sanitize::visible;
use crate::style::{Palette, Tone};
use comfy_table::{presets, Cell, ContentArrangement, Row, Table};
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

/// One row of a two-column `Field | Value` table: the label, the value's text (lines
/// may be split already, with `\n`), and its tone.
pub(super) struct Pair {
    pub label: String,
    pub value: String,
    pub tone: Option<Tone>,
}

/// A `Field | Value` table within `width` columns (`None`: no limit). Values wrap at
/// spaces, never inside a word: a URL or an id longer than the room stays whole (the row
/// is then wider than `width`, and a terminal wraps it without breaking the copy). When a
/// value's longest word does not fit beside the labels, the labels wrap at spaces too.
pub(super) fn pairs_table(pairs: &[Pair], palette: &Palette, width: Option<usize>) -> String {
    let mut table = new_table(["Field", "Value"]);
    table.set_content_arrangement(ContentArrangement::Disabled);
    palette.apply(&mut table);
    let longest = |texts: &mut dyn Iterator<Item = &str>| texts.map(chars).max().unwrap_or(0);
    let label_width = longest(&mut pairs.iter().map(|p| p.label.as_str()).chain(["Field"]));
    let label_words: Vec<String> = pairs.iter().flat_map(|p| words(&p.label)).collect();
    let label_word = longest(&mut label_words.iter().map(String::as_str).chain(["Field"]));
    let value_words: Vec<String> = pairs
        .iter()
        .flat_map(|p| p.value.split('\n').flat_map(words).collect::<Vec<_>>())
        .collect();
    let value_word = longest(&mut value_words.iter().map(String::as_str));
    // A border, and each of the two columns padded by a space on either side and followed
    // by a border: 7 columns besides the texts.
    let (label_room, value_room) = match width {
        None => (usize::MAX, usize::MAX),
        Some(width) => {
            let room = |label: usize| width.saturating_sub(7 + label);
            if room(label_width) >= value_word {
                (label_width, room(label_width))
            } else {
                (
                    label_word,
                    room(label_word).max(value_word.min(room(label_word).max(1))),
                )
            }
        }
    };
    for pair in pairs {
        let value: Vec<String> = pair
            .value
            .split('\n')
            .map(|line| wrap(line, value_room))
            .collect();
        table.add_row(vec![
            Cell::new(wrap(&pair.label, label_room)),
            palette.cell(pair.tone, value.join("\n")),
        ]);
    }
    table_text(&table)
}

/// `text` wrapped at spaces into lines of at most `max` characters (a longer
/// word stays whole on a line of its own): nothing is cut. A parenthesis is one
/// word: `(in 2 days)` is never broken.
pub(super) fn wrap(text: &str, max: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in words(text) {
        match lines.last_mut() {
            Some(line) if chars(line) + 1 + chars(&word) <= max => {
                line.push(' ');
                line.push_str(&word);
            }
            _ => lines.push(word),
        }
    }
    lines.join("\n")
}

/// The words of `text` as [`wrap`] keeps them whole: split at spaces, except inside
/// parentheses.
fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut open = false;
    for part in text.split(' ') {
        match words.last_mut() {
            Some(word) if open => {
                word.push(' ');
                word.push_str(part);
            }
            _ => words.push(part.to_string()),
        }
        let word = words.last().expect("just pushed");
        open = word.starts_with('(') && !word.ends_with(')');
    }
    words
}

fn chars(text: &str) -> usize {
    text.chars().count()
}
