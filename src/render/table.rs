//! `-o table`: for one instance a two-column table of every field (known
//! ones with human labels), for many a row per instance. States and the
//! expiry are coloured alike in both (see [`crate::style`]).

use super::error::short_error;
use super::{new_table, plain_value, table_text, Answers, MISSING};
use crate::api::{SslStatus, KNOWN_FIELDS};
use crate::expiry::{describe_time_left, parse_valid_period};
use crate::fleet::Outcome;
use crate::sanitize::visible;
use crate::style::{expiry_tone, value_cell, Palette, Tone};
use comfy_table::Cell;
use jiff::Timestamp;
use serde_json::Value;

/// The columns of the table of many instances.
pub const FLEET_HEADER: [&str; 7] = [
    "Instance ID",
    "SSL",
    "Forced",
    "Cert valid",
    "Expires",
    "Time left",
    "Auto-update",
];

/// The table of `answers`, coloured by `palette`; `now` dates the time left.
pub fn render(answers: Answers, now: Timestamp, palette: &Palette) -> String {
    match answers {
        Answers::One(status) => one(status, now, palette),
        Answers::Many(outcomes) => many(outcomes, now, palette),
    }
}

/// One instance: the known fields in a fixed order (missing ones as `-`),
/// then any field obssl does not know, under its API name.
fn one(status: &SslStatus, now: Timestamp, palette: &Palette) -> String {
    let mut table = new_table(["Field", "Value"]);
    palette.apply(&mut table);
    for (name, label) in KNOWN_FIELDS {
        let value = status.get(name);
        let cell = if name == "validPeriod" {
            match Expiry::of(value, now) {
                Some(e) => palette.cell(e.tone, format!("{} ({})", e.date, e.left)),
                None => palette.cell(None, MISSING),
            }
        } else {
            let text = plain_value(value).unwrap_or_else(|| MISSING.to_string());
            value_cell(name, &text, palette)
        };
        table.add_row(vec![Cell::new(label), cell]);
    }
    for (name, value) in status {
        if KNOWN_FIELDS.iter().any(|(known, _)| known == name) {
            continue;
        }
        let text = plain_value(Some(value)).unwrap_or_else(|| MISSING.to_string());
        table.add_row([visible(name).into_owned(), text]);
    }
    table_text(&table)
}

/// One row per instance, in the order given; a failed instance shows its error.
fn many(outcomes: &[Outcome], now: Timestamp, palette: &Palette) -> String {
    let mut table = new_table(FLEET_HEADER);
    palette.apply(&mut table);
    for outcome in outcomes {
        let row: Vec<Cell> = match &outcome.result {
            Ok(status) => {
                let text = |name: &str| plain_value(status.get(name)).unwrap_or(MISSING.into());
                let state = |name: &str| value_cell(name, &text(name), palette);
                let (date, left, tone) = match Expiry::of(status.get("validPeriod"), now) {
                    Some(e) => (e.date, e.left, e.tone),
                    None => (MISSING.to_string(), MISSING.to_string(), None),
                };
                vec![
                    Cell::new(visible(&outcome.instance_id)),
                    state("enableSSL"),
                    state("forceSSL"),
                    state("certValid"),
                    palette.cell(tone, date),
                    palette.cell(tone, left),
                    state("autoUpdate"),
                ]
            }
            Err(e) => {
                let mut row = vec![
                    Cell::new(visible(&outcome.instance_id)),
                    palette.cell(Some(Tone::Bad), format!("error: {}", short_error(e))),
                ];
                row.resize_with(FLEET_HEADER.len(), || Cell::new(""));
                row
            }
        };
        table.add_row(row);
    }
    table_text(&table)
}

/// `validPeriod` as the tables show it.
struct Expiry {
    /// The date as the API gave it.
    date: String,
    /// "in 11 days", "expired 2 days ago", or "unrecognised date".
    left: String,
    /// Red once expired, yellow when expiring soon (none for an unrecognised date).
    tone: Option<Tone>,
}

impl Expiry {
    /// The expiry of `value` at `now`; `None` when it is null or missing.
    fn of(value: Option<&Value>, now: Timestamp) -> Option<Expiry> {
        let date = plain_value(value)?;
        Some(match parse_valid_period(&date) {
            Some(expiry) => Expiry {
                left: describe_time_left(expiry, now),
                tone: expiry_tone(expiry, now),
                date,
            },
            None => Expiry {
                date,
                left: "unrecognised date".to_string(),
                tone: None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiFailure, Error};
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-11-29T00:00:00Z".parse().unwrap()
    }

    fn one_table(data: &Value, palette: &Palette) -> String {
        render(Answers::One(data.as_object().unwrap()), now(), palette)
    }

    fn plain_table(data: &Value) -> String {
        one_table(data, &Palette::default())
    }

    fn ok(id: &str, data: Value) -> Outcome {
        Outcome {
            instance_id: id.into(),
            result: Ok(data.as_object().unwrap().clone()),
        }
    }

    fn not_found(id: &str) -> Outcome {
        Outcome {
            instance_id: id.into(),
            result: Err(Error::api(
                format!("instance {id} was not found (HTTP 404)"),
                ApiFailure {
                    status: 404,
                    error_code: Some("InstanceNotFound".into()),
                    message: Some("gone".into()),
                    request_id: Some("rid".into()),
                },
            )),
        }
    }

    #[test]
    fn labels_expiry_and_time_left() {
        let data = json!({"instanceId": "obxxx", "enableSSL": "OPEN", "certValid": true,
                          "validPeriod": "2026-12-10T04:11:13Z"});
        let out = plain_table(&data);
        assert!(out.contains("SSL enabled"), "{out}");
        assert!(out.contains("2026-12-10T04:11:13Z (in 11 days)"), "{out}");
        assert!(out.contains("true"));
    }

    #[test]
    fn nulls_and_missing_fields_show_a_dash_and_extras_appear() {
        let data = json!({"validPeriod": null, "caUrl": null, "tlsVersion": "TLSv1.3",
                          "nested": {"a": 1}});
        let out = plain_table(&data);
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
        let plain = one_table(&data, &Palette::new(false));
        assert!(!plain.contains('\x1b'), "{plain}");
        assert_eq!(plain, plain_table(&data));
        let coloured = one_table(&data, &Palette::new(true));
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
        let out = plain_table(&data);
        assert!(out.contains("next tuesday (unrecognised date)"), "{out}");
    }

    #[test]
    fn fleet_rows_follow_the_input_and_show_errors() {
        let outcomes = [
            ok(
                "ob-z",
                json!({"enableSSL": "OPEN", "validPeriod": "2026-12-10T04:11:13Z"}),
            ),
            not_found("ob-a"),
        ];
        let out = render(Answers::Many(&outcomes), now(), &Palette::default());
        assert!(
            out.find("ob-z").unwrap() < out.find("ob-a").unwrap(),
            "{out}"
        );
        assert!(out.contains("in 11 days"), "{out}");
        assert!(out.contains("error: HTTP 404 InstanceNotFound"), "{out}");
        assert!(!out.contains('\x1b'), "{out}");
    }

    #[test]
    fn the_fleet_table_colours_like_the_single_table() {
        let outcomes = [
            ok(
                "ob-z",
                json!({"enableSSL": "OPEN", "forceSSL": "CLOSE", "certValid": true,
                       "validPeriod": "2026-11-28T00:00:00Z", "autoUpdate": "OPEN"}),
            ),
            not_found("ob-a"),
        ];
        let out = render(Answers::Many(&outcomes), now(), &Palette::new(true));
        let row = out.lines().find(|l| l.contains("ob-z")).unwrap();
        for (sgr, text) in [
            ("\x1b[38;5;2m", "OPEN"),
            ("\x1b[38;5;1m", "CLOSE"),
            ("\x1b[38;5;1m", "expired 1 day ago"),
        ] {
            assert!(row.contains(&format!("{sgr}{text}")), "{text}: {row:?}");
        }
        let error_row = out.lines().find(|l| l.contains("ob-a")).unwrap();
        assert!(error_row.contains("\x1b[38;5;1merror:"), "{error_row:?}");
    }
}
