//! `-o table`: a two-column table of every field, known ones with human labels.

use super::plain_value;
use crate::api::{SslStatus, KNOWN_FIELDS};
use crate::expiry::{describe_time_left, parse_valid_period};
use crate::style::{expiry_tone, value_cell, Palette, Tone};
use comfy_table::{presets, ContentArrangement, Table};
use jiff::Timestamp;
use serde_json::Value;

/// Shown for a null or missing value.
pub const MISSING: &str = "-";

/// Renders one instance: the known fields in a fixed order (missing ones as
/// `-`), then any field obssl does not know, under its API name. No colour.
pub fn render_table(status: &SslStatus, now: Timestamp) -> String {
    render_table_styled(status, now, &Palette::plain())
}

/// [`render_table`] with states and the expiry coloured by `palette`
/// (see [`crate::style`]).
pub fn render_table_styled(status: &SslStatus, now: Timestamp, palette: &Palette) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(["Field", "Value"]);
    palette.apply(&mut table);
    for (name, label) in KNOWN_FIELDS {
        let value = status.get(name);
        let cell = if name == "validPeriod" {
            let (text, tone) = expiry_cell(value, now);
            palette.cell(tone, text)
        } else {
            let text = plain_value(value).unwrap_or_else(|| MISSING.to_string());
            value_cell(name, &text, palette)
        };
        table.add_row(vec![comfy_table::Cell::new(label), cell]);
    }
    for (name, value) in status {
        if KNOWN_FIELDS.iter().any(|(known, _)| known == name) {
            continue;
        }
        let text = match value {
            Value::Null => MISSING.to_string(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        table.add_row([name.clone(), text]);
    }
    format!("{table}\n")
}

/// The expiry with the time left, and its tone (none when it cannot be read).
fn expiry_cell(value: Option<&Value>, now: Timestamp) -> (String, Option<Tone>) {
    let Some(text) = plain_value(value) else {
        return (MISSING.to_string(), None);
    };
    match parse_valid_period(&text) {
        Some(expiry) => (
            format!("{text} ({})", describe_time_left(expiry, now)),
            expiry_tone(expiry, now),
        ),
        None => (format!("{text} (unrecognised date)"), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-11-29T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn labels_expiry_and_time_left() {
        let data = json!({"instanceId": "obxxx", "enableSSL": "OPEN", "certValid": true,
                          "validPeriod": "2026-12-10T04:11:13Z"});
        let out = render_table(data.as_object().unwrap(), now());
        assert!(out.contains("SSL enabled"), "{out}");
        assert!(out.contains("2026-12-10T04:11:13Z (in 11 days)"), "{out}");
        assert!(out.contains("true"));
    }

    #[test]
    fn nulls_and_missing_fields_show_a_dash_and_extras_appear() {
        let data = json!({"validPeriod": null, "caUrl": null, "tlsVersion": "TLSv1.3",
                          "nested": {"a": 1}});
        let out = render_table(data.as_object().unwrap(), now());
        let dash_rows = out.lines().filter(|l| l.contains(" - ")).count();
        assert_eq!(dash_rows, KNOWN_FIELDS.len(), "{out}");
        assert!(
            out.contains("tlsVersion") && out.contains("TLSv1.3"),
            "{out}"
        );
        assert!(out.contains(r#"{"a":1}"#), "{out}");
    }

    #[test]
    fn colour_marks_states_and_expiry_only_when_on() {
        let data = json!({"enableSSL": "OPEN", "forceSSL": "CLOSE", "certValid": true,
                          "validPeriod": "2026-12-10T04:11:13Z"});
        let plain = render_table_styled(data.as_object().unwrap(), now(), &Palette::plain());
        assert!(!plain.contains('\x1b'), "{plain}");
        assert_eq!(plain, render_table(data.as_object().unwrap(), now()));
        let coloured = render_table_styled(data.as_object().unwrap(), now(), &Palette::new(true));
        for (sgr, text) in [
            ("\x1b[38;5;2m", "OPEN"),
            ("\x1b[38;5;1m", "CLOSE"),
            ("\x1b[38;5;2m", "true"),
            ("\x1b[38;5;3m", "2026-12-10"),
        ] {
            let line = coloured.lines().find(|l| l.contains(text)).unwrap();
            assert!(line.contains(sgr), "{text}: {line:?}");
        }
        let label_line = coloured
            .lines()
            .find(|l| l.contains("Instance ID"))
            .unwrap();
        assert!(!label_line.contains('\x1b'), "{label_line:?}");
    }

    #[test]
    fn an_unparsable_date_is_shown_not_fatal() {
        let data = json!({"validPeriod": "next tuesday"});
        let out = render_table(data.as_object().unwrap(), now());
        assert!(out.contains("next tuesday (unrecognised date)"), "{out}");
    }
}
