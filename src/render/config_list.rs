//! `obssl config list`: each setting with its value and where it came from,
//! as a table, a JSON array, or one JSON object per line.

use super::shared::{json_line, new_table, pretty_json, table_text};
use crate::config::OutputFormat;
use crate::sanitize::visible;
use serde_json::{json, Value};

/// One line of `config list`.
pub struct Row {
    pub name: &'static str,
    /// The value as shown (a secret masked); `None` when not set.
    pub value: Option<String>,
    /// Where the value came from; `None` when not set.
    pub source: Option<String>,
    /// One half of an AccessKey pair whose halves come from different sources.
    pub conflict: bool,
}

/// Added to the Source column of both AccessKey rows when they break the pair rule.
const CONFLICT_NOTE: &str = "(conflict: the ID and the secret must come from one source)";

impl Row {
    /// `{"name", "value", "source"}`, and `"conflict": true` for a half of a mixed pair.
    fn to_json(&self) -> Value {
        let mut item = json!({"name": self.name, "value": self.value, "source": self.source});
        if self.conflict {
            item["conflict"] = json!(true);
        }
        item
    }
}

/// `rows` in `format`. The table is never coloured.
pub fn render(rows: &[Row], format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => {
            let items: Vec<Value> = rows.iter().map(Row::to_json).collect();
            pretty_json(&items)
        }
        // One setting per line, compact.
        OutputFormat::Jsonl => rows.iter().map(|r| json_line(&r.to_json())).collect(),
        OutputFormat::Table => {
            let mut table = new_table(["Name", "Value", "Source"]);
            for r in rows {
                let mut source = r.source.clone().unwrap_or_else(|| "-".into());
                if r.conflict {
                    source = format!("{source} {CONFLICT_NOTE}");
                }
                let value = r.value.as_deref().map_or("<not set>".into(), visible);
                table.add_row([
                    r.name.to_string(),
                    value.into_owned(),
                    visible(&source).into_owned(),
                ]);
            }
            table_text(&table)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> [Row; 2] {
        [
            Row {
                name: "access_key_id",
                value: Some("AKID".into()),
                source: Some("environment variable OBSSL_ACCESS_KEY_ID".into()),
                conflict: true,
            },
            Row {
                name: "project_id",
                value: None,
                source: None,
                conflict: false,
            },
        ]
    }

    #[test]
    fn every_form_shows_every_row() {
        let table = render(&rows(), OutputFormat::Table);
        assert!(
            table.contains(&format!(
                "environment variable OBSSL_ACCESS_KEY_ID {CONFLICT_NOTE}"
            )),
            "{table}"
        );
        assert!(table.contains("│ project_id    ┆ <not set> ┆ -"), "{table}");
        assert_eq!(
            render(&rows(), OutputFormat::Jsonl),
            "{\"name\":\"access_key_id\",\"value\":\"AKID\",\
             \"source\":\"environment variable OBSSL_ACCESS_KEY_ID\",\"conflict\":true}\n\
             {\"name\":\"project_id\",\"value\":null,\"source\":null}\n"
        );
        let json: Value = serde_json::from_str(&render(&rows(), OutputFormat::Json)).unwrap();
        assert_eq!(
            json[1],
            json!({"name": "project_id", "value": null, "source": null})
        );
    }
}
