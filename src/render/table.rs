//! `-o table`: a two-column table of every field, known ones with human labels.

use super::plain_value;
use crate::api::{SslStatus, KNOWN_FIELDS};
use crate::expiry::{describe_time_left, parse_valid_period};
use comfy_table::{presets, ContentArrangement, Table};
use jiff::Timestamp;
use serde_json::Value;

/// Shown for a null or missing value.
pub const MISSING: &str = "-";

/// Renders one instance: the known fields in a fixed order (missing ones as
/// `-`), then any field obssl does not know, under its API name.
pub fn render_table(status: &SslStatus, now: Timestamp) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(["Field", "Value"]);
    for (name, label) in KNOWN_FIELDS {
        let value = status.get(name);
        let text = if name == "validPeriod" {
            expiry_cell(value, now)
        } else {
            plain_value(value).unwrap_or_else(|| MISSING.to_string())
        };
        table.add_row([label.to_string(), text]);
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

fn expiry_cell(value: Option<&Value>, now: Timestamp) -> String {
    let Some(text) = plain_value(value) else {
        return MISSING.to_string();
    };
    match parse_valid_period(&text) {
        Some(expiry) => format!("{text} ({})", describe_time_left(expiry, now)),
        None => format!("{text} (unrecognised date)"),
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
    fn an_unparsable_date_is_shown_not_fatal() {
        let data = json!({"validPeriod": "next tuesday"});
        let out = render_table(data.as_object().unwrap(), now());
        assert!(out.contains("next tuesday (unrecognised date)"), "{out}");
    }
}
