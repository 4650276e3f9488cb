//! Output forms for several instances: a row per instance, a JSON array, JSON
//! lines, `ID<TAB>value` lines, and the one-line error report on stderr.

use super::plain_value;
use super::table::MISSING;
use crate::api::SslStatus;
use crate::error::Error;
use crate::expiry::{describe_time_left, parse_valid_period};
use crate::fleet::Outcome;
use crate::style::{expiry_tone, value_cell, Palette, Tone};
use comfy_table::{presets, Cell, ContentArrangement, Table};
use jiff::Timestamp;
use serde_json::{json, Map, Value};

/// The columns of the fleet table.
pub const TABLE_HEADER: [&str; 7] = [
    "Instance ID",
    "SSL",
    "Forced",
    "Cert valid",
    "Expires",
    "Time left",
    "Auto-update",
];

/// One row per instance, in the order given; a failed instance shows its error.
/// No colour.
pub fn render_fleet_table(outcomes: &[Outcome], now: Timestamp) -> String {
    render_fleet_table_styled(outcomes, now, &Palette::plain())
}

/// [`render_fleet_table`] with states, expiry and errors coloured by `palette`
/// (see [`crate::style`]).
pub fn render_fleet_table_styled(
    outcomes: &[Outcome],
    now: Timestamp,
    palette: &Palette,
) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(TABLE_HEADER);
    palette.apply(&mut table);
    for outcome in outcomes {
        let row: Vec<Cell> = match &outcome.result {
            Ok(status) => {
                let text = |name: &str| plain_value(status.get(name)).unwrap_or(MISSING.into());
                let state = |name: &str| value_cell(name, &text(name), palette);
                let (left, tone) = match plain_value(status.get("validPeriod")) {
                    None => (MISSING.to_string(), None),
                    Some(text) => match parse_valid_period(&text) {
                        Some(expiry) => (describe_time_left(expiry, now), expiry_tone(expiry, now)),
                        None => ("unrecognised date".to_string(), None),
                    },
                };
                vec![
                    Cell::new(&outcome.instance_id),
                    state("enableSSL"),
                    state("forceSSL"),
                    state("certValid"),
                    palette.cell(tone, text("validPeriod")),
                    palette.cell(tone, left),
                    state("autoUpdate"),
                ]
            }
            Err(e) => {
                let mut row = vec![
                    Cell::new(&outcome.instance_id),
                    palette.cell(Some(Tone::Bad), format!("error: {}", short_error(e))),
                ];
                row.resize_with(TABLE_HEADER.len(), || Cell::new(""));
                row
            }
        };
        table.add_row(row);
    }
    format!("{table}\n")
}

/// The JSON value of one instance: the `data` object itself (with
/// `instanceId` put first when the API left it out), or for a failure
/// `{"instanceId": ..., "error": {...}}`.
pub fn fleet_object(outcome: &Outcome) -> Value {
    match &outcome.result {
        Ok(status) if status.contains_key("instanceId") => Value::Object(status.clone()),
        Ok(status) => {
            let mut object = Map::new();
            object.insert("instanceId".into(), outcome.instance_id.clone().into());
            object.extend(status.clone());
            Value::Object(object)
        }
        Err(e) => json!({"instanceId": outcome.instance_id, "error": error_object(e)}),
    }
}

/// `{"kind", "status", "errorCode", "message", "apiMessage", "requestId"}` of
/// an error: `message` is obssl's sentence, `apiMessage` the API's own
/// `errorMessage` (or `message`); absent details are null.
pub fn error_object(e: &Error) -> Value {
    let api = e.api.as_deref();
    json!({
        "kind": e.kind.as_str(),
        "status": api.map(|a| a.status),
        "errorCode": api.and_then(|a| a.error_code.clone()),
        "message": e.message,
        "apiMessage": api.and_then(|a| a.message.clone()),
        "requestId": api.and_then(|a| a.request_id.clone()),
    })
}

/// `-o json`: an array of [`fleet_object`]s, pretty-printed.
pub fn render_fleet_json(outcomes: &[Outcome]) -> String {
    let array: Vec<Value> = outcomes.iter().map(fleet_object).collect();
    let mut text = serde_json::to_string_pretty(&array).expect("JSON values always serialize");
    text.push('\n');
    text
}

/// `-o jsonl`: one compact [`fleet_object`] and a newline.
pub fn render_jsonl_line(outcome: &Outcome) -> String {
    format!("{}\n", fleet_object(outcome))
}

/// The single-instance JSON line: the data object, compact.
pub fn render_jsonl_status(status: &SslStatus) -> String {
    format!(
        "{}\n",
        serde_json::to_string(status).expect("a JSON map always serializes")
    )
}

/// `--field NAME` for several instances: `ID<TAB>value`; nothing for a failure
/// (its error goes to stderr).
pub fn render_fleet_field(outcome: &Outcome, field: &str) -> String {
    match &outcome.result {
        Ok(status) => {
            let value = status
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(field))
                .map(|(_, v)| v);
            format!(
                "{}\t{}\n",
                outcome.instance_id,
                plain_value(value).unwrap_or_default()
            )
        }
        Err(_) => String::new(),
    }
}

/// The line on stderr for a failed instance: `error: ` and the message, with
/// the API details in parentheses.
pub fn error_line(e: &Error) -> String {
    let mut line = format!("error: {}", e.message);
    if let Some(api) = &e.api {
        let mut details = Vec::new();
        let status = format!("HTTP {}", api.status);
        if !e.message.contains(&status) {
            details.push(status);
        }
        if let Some(code) = &api.error_code {
            details.push(format!("errorCode {code}"));
        }
        if let Some(message) = &api.message {
            details.push(format!("message {message:?}"));
        }
        if let Some(id) = &api.request_id {
            details.push(format!("requestId {id}"));
        }
        line.push_str(&format!(" ({})", details.join(", ")));
    }
    line
}

/// A few words for a table cell: `HTTP 404 InstanceNotFound`, `authentication rejected`.
fn short_error(e: &Error) -> String {
    match &e.api {
        Some(api) => match &api.error_code {
            Some(code) => format!("HTTP {} {code}", api.status),
            None => format!("HTTP {}", api.status),
        },
        None => match e.kind {
            crate::error::ErrorKind::Auth => "authentication rejected".into(),
            crate::error::ErrorKind::Network => "network failure".into(),
            crate::error::ErrorKind::Usage => "invalid instance id".into(),
            kind => kind.as_str().into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiFailure;

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
    fn json_objects_are_the_data_or_an_error_object() {
        let a = ok("ob-a", json!({"instanceId": "ob-a", "enableSSL": "OPEN"}));
        let b = ok("ob-b", json!({"enableSSL": "CLOSE"}));
        let c = not_found("ob-c");
        assert_eq!(
            fleet_object(&a),
            json!({"instanceId": "ob-a", "enableSSL": "OPEN"})
        );
        let b_text = fleet_object(&b).to_string();
        assert_eq!(
            b_text, r#"{"instanceId":"ob-b","enableSSL":"CLOSE"}"#,
            "id first"
        );
        assert_eq!(
            fleet_object(&c),
            json!({"instanceId": "ob-c", "error": {"kind": "api", "status": 404,
                   "errorCode": "InstanceNotFound",
                   "message": "instance ob-c was not found (HTTP 404)", "apiMessage": "gone",
                   "requestId": "rid"}})
        );
        let auth = Error::auth("refused");
        assert_eq!(error_object(&auth)["status"], Value::Null);
        assert_eq!(error_object(&auth)["apiMessage"], Value::Null);
        assert_eq!(render_jsonl_line(&a).lines().count(), 1);
    }

    #[test]
    fn table_rows_follow_the_input_and_show_errors() {
        let now: Timestamp = "2026-11-29T00:00:00Z".parse().unwrap();
        let out = render_fleet_table(
            &[
                ok(
                    "ob-z",
                    json!({"enableSSL": "OPEN", "validPeriod": "2026-12-10T04:11:13Z"}),
                ),
                not_found("ob-a"),
            ],
            now,
        );
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
        let now: Timestamp = "2026-11-29T00:00:00Z".parse().unwrap();
        let out = render_fleet_table_styled(
            &[
                ok(
                    "ob-z",
                    json!({"enableSSL": "OPEN", "forceSSL": "CLOSE", "certValid": true,
                           "validPeriod": "2026-11-28T00:00:00Z", "autoUpdate": "OPEN"}),
                ),
                not_found("ob-a"),
            ],
            now,
            &Palette::new(true),
        );
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

    #[test]
    fn field_lines_and_error_lines() {
        let a = ok("ob-a", json!({"forceSSL": "OPEN"}));
        assert_eq!(render_fleet_field(&a, "forceSSL"), "ob-a\tOPEN\n");
        assert_eq!(render_fleet_field(&a, "caUrl"), "ob-a\t\n");
        let c = not_found("ob-c");
        assert_eq!(render_fleet_field(&c, "forceSSL"), "");
        let Err(e) = &c.result else { unreachable!() };
        assert_eq!(
            error_line(e),
            "error: instance ob-c was not found (HTTP 404) (errorCode InstanceNotFound, message \"gone\", requestId rid)"
        );
    }
}
