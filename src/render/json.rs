//! `-o json` and `-o jsonl`. One instance: the API's `data` object, every
//! field in the API's order. Many: an object per instance ([`fleet_object`]),
//! in an array or one per line.

use super::error::error_object;
use super::shared::{json_line, pretty_json, Answers};
use crate::fleet::Outcome;
use serde_json::{json, Map, Value};

/// `-o json`: the answer pretty-printed; an array of [`fleet_object`]s for many.
pub fn render(answers: Answers) -> String {
    match answers {
        Answers::One(status) => pretty_json(status),
        Answers::Many(outcomes) => {
            let array: Vec<Value> = outcomes.iter().map(fleet_object).collect();
            pretty_json(&array)
        }
    }
}

/// `-o jsonl`: the answer compact on one line; a [`fleet_object`] per line for many.
pub fn render_lines(answers: Answers) -> String {
    match answers {
        Answers::One(status) => json_line(status),
        Answers::Many(outcomes) => outcomes
            .iter()
            .map(|outcome| json_line(&fleet_object(outcome)))
            .collect(),
    }
}

/// The JSON value of one of many instances: the `data` object itself (with
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::SslStatus;
    use crate::error::{ApiFailure, Error};

    use crate::render::fixtures::ok;

    #[test]
    fn unknown_fields_and_order_survive() {
        let data: SslStatus =
            serde_json::from_str(r#"{"zeta":1,"enableSSL":"OPEN","nested":{"b":2,"a":1}}"#)
                .unwrap();
        let out = render(Answers::One(&data));
        let back: SslStatus = serde_json::from_str(&out).unwrap();
        assert_eq!(back, data);
        assert!(out.find("zeta").unwrap() < out.find("enableSSL").unwrap());
        assert!(out.ends_with("}\n"));
        assert_eq!(
            render_lines(Answers::One(&data)),
            "{\"zeta\":1,\"enableSSL\":\"OPEN\",\"nested\":{\"b\":2,\"a\":1}}\n"
        );
    }

    #[test]
    fn json_objects_are_the_data_or_an_error_object() {
        let a = ok("ob-a", json!({"instanceId": "ob-a", "enableSSL": "OPEN"}));
        let b = ok("ob-b", json!({"enableSSL": "CLOSE"}));
        let c = Outcome {
            instance_id: "ob-c".into(),
            name: None,
            result: Err(Error::api(
                "instance ob-c was not found (HTTP 404)",
                ApiFailure {
                    status: 404,
                    error_code: Some("InstanceNotFound".into()),
                    message: Some("gone".into()),
                    request_id: Some("rid".into()),
                    reason: None,
                },
            )),
        };
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
        let lines = render_lines(Answers::Many(&[a, b, c]));
        assert_eq!(lines.lines().count(), 3, "{lines}");
        assert!(lines.starts_with("{\"instanceId\":\"ob-a\",\"enableSSL\":\"OPEN\"}\n"));
    }
}
