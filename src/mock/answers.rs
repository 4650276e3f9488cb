//! What the mock answers to a request: routing, the success and error envelopes, the 401.

use jiff::{SignedDuration, Timestamp, Unit};
use serde_json::{json, Map, Value};

use super::digest::Rejection;
use super::fixtures::{healthy_instance, Fixture, FixtureSet};

const SSL_PATH_PREFIX: &str = "/api/v2/instances/";
const SSL_PATH_SUFFIX: &str = "/security/ssl";
const JSON: &str = "application/json; charset=utf-8";

/// A complete HTTP answer, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
    /// Extra headers (`WWW-Authenticate`, `Allow`).
    pub(crate) headers: Vec<(&'static str, String)>,
}

/// 401 with a Digest challenge; the plain-text body says why, for whoever debugs a client.
pub(crate) fn unauthorized(challenge: String, rejection: Rejection) -> Answer {
    Answer {
        status: 401,
        content_type: "text/plain; charset=utf-8",
        body: format!("401 Unauthorized: {}\n", rejection.explanation()),
        headers: vec![("WWW-Authenticate", challenge)],
    }
}

/// The answer to an authenticated request for `target` (path and query as received).
pub(crate) fn authenticated(method: &str, target: &str, fixtures: &FixtureSet) -> Answer {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let request_id = query_parameter(query, "requestId");
    let request_id_value = request_id.clone().map_or(Value::Null, Value::String);

    let Some(instance_id) = ssl_instance_id(path) else {
        return error_envelope(
            404,
            "NotFound",
            "errorMessage",
            &format!("No API at {path}"),
            request_id_value,
        );
    };
    if method != "GET" {
        let mut answer = error_envelope(
            405,
            "MethodNotAllowed",
            "errorMessage",
            &format!("Method {method} is not allowed here; use GET"),
            request_id_value,
        );
        answer.headers.push(("Allow", "GET".to_owned()));
        return answer;
    }
    let Some(request_id) = request_id else {
        return error_envelope(
            400,
            "InvalidParameter",
            "errorMessage",
            "Missing required query parameter requestId",
            Value::Null,
        );
    };
    match fixtures.get(&instance_id) {
        Some(fixture) => fixture_answer(fixture, request_id),
        None => error_envelope(
            404,
            "InstanceNotFound",
            "errorMessage",
            &format!("Instance {instance_id} not found"),
            Value::String(request_id),
        ),
    }
}

fn fixture_answer(fixture: &Fixture, request_id: String) -> Answer {
    match fixture {
        Fixture::Data(data) => success(data.clone(), request_id),
        Fixture::HealthyExpiringInDays { instance_id, days } => success(
            healthy_instance(instance_id, &rfc3339_days_from_now(*days)),
            request_id,
        ),
        Fixture::ErrorEnvelope {
            status,
            error_code,
            message_field,
            message,
        } => error_envelope(
            *status,
            error_code,
            message_field,
            message,
            Value::String(request_id),
        ),
        Fixture::HtmlPage => Answer {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\
                   <body><h1>Please sign in to continue</h1></body></html>\n"
                .to_owned(),
            headers: Vec::new(),
        },
    }
}

fn success(data: Value, request_id: String) -> Answer {
    let body = json!({ "data": data, "requestId": request_id, "success": true });
    json_answer(200, &body)
}

fn error_envelope(
    status: u16,
    error_code: &str,
    message_field: &str,
    message: &str,
    request_id: Value,
) -> Answer {
    let mut envelope = Map::new();
    envelope.insert("success".to_owned(), Value::Bool(false));
    envelope.insert("errorCode".to_owned(), Value::String(error_code.to_owned()));
    envelope.insert(message_field.to_owned(), Value::String(message.to_owned()));
    envelope.insert("requestId".to_owned(), request_id);
    json_answer(status, &Value::Object(envelope))
}

fn json_answer(status: u16, body: &Value) -> Answer {
    Answer {
        status,
        content_type: JSON,
        body: body.to_string(),
        headers: Vec::new(),
    }
}

/// `now + days`, to the second, as `2026-12-10T04:11:13Z`.
fn rfc3339_days_from_now(days: i64) -> String {
    let later = Timestamp::now()
        .checked_add(SignedDuration::from_hours(days * 24))
        .and_then(|t| t.round(Unit::Second))
        .unwrap_or(Timestamp::MAX);
    later.to_string()
}

/// The instance id of `/api/v2/instances/{id}/security/ssl`, percent-decoded.
pub(crate) fn ssl_instance_id(path: &str) -> Option<String> {
    let encoded = path
        .strip_prefix(SSL_PATH_PREFIX)?
        .strip_suffix(SSL_PATH_SUFFIX)?;
    if encoded.is_empty() || encoded.contains('/') {
        return None;
    }
    Some(percent_decode(encoded, false))
}

/// The first value of `name` in a query string, percent-decoded (`+` is a space).
pub(crate) fn query_parameter(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(key, _)| percent_decode(key, true) == name)
        .map(|(_, value)| percent_decode(value, true))
}

fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', high, low]) => hex_pair(*high, *low),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(byte), _) => {
                decoded.push(byte);
                i += 3;
                continue;
            }
            (None, b'+') if plus_is_space => decoded.push(b' '),
            (None, other) => decoded.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let digit = |c: u8| (c as char).to_digit(16);
    Some((digit(high)? * 16 + digit(low)?) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(target: &str) -> Answer {
        authenticated("GET", target, &FixtureSet::builtin())
    }

    fn body(answer: &Answer) -> Value {
        serde_json::from_str(&answer.body).unwrap()
    }

    #[test]
    fn success_envelope_echoes_the_request_id() {
        let answer = get("/api/v2/instances/obxxx/security/ssl?requestId=abc-1");
        assert_eq!(answer.status, 200);
        assert!(
            answer.body.starts_with(r#"{"data":{"autoUpdate":"OPEN","#),
            "{}",
            answer.body
        );
        assert!(
            answer
                .body
                .ends_with(r#""requestId":"abc-1","success":true}"#),
            "{}",
            answer.body
        );
    }

    #[test]
    fn demo_certificate_expires_about_200_days_from_now() {
        let answer = get("/api/v2/instances/obcluster-demo/security/ssl?requestId=x");
        let valid_period = body(&answer)["data"]["validPeriod"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            valid_period.ends_with('Z') && !valid_period.contains('.'),
            "{valid_period}"
        );
        let expiry: Timestamp = valid_period.parse().unwrap();
        let days = expiry.duration_since(Timestamp::now()).as_hours() / 24;
        assert!((199..=200).contains(&days), "{days}");
    }

    #[test]
    fn unknown_ids_paths_and_methods() {
        let answer = get("/api/v2/instances/nope/security/ssl?requestId=r");
        assert_eq!(answer.status, 404);
        assert_eq!(
            answer.body,
            r#"{"success":false,"errorCode":"InstanceNotFound","errorMessage":"Instance nope not found","requestId":"r"}"#
        );
        assert_eq!(get("/api/v2/instances?requestId=r").status, 404);
        assert_eq!(
            get("/api/v2/instances//security/ssl?requestId=r").status,
            404
        );
        let post = authenticated(
            "POST",
            "/api/v2/instances/obxxx/security/ssl?requestId=r",
            &FixtureSet::builtin(),
        );
        assert_eq!(post.status, 405);
        assert_eq!(post.headers, vec![("Allow", "GET".to_owned())]);
        assert_eq!(get("/api/v2/instances/obxxx/security/ssl").status, 400);
    }

    #[test]
    fn query_and_path_are_percent_decoded() {
        assert_eq!(
            query_parameter("a=1&requestId=x%2Fy+z", "requestId").as_deref(),
            Some("x/y z")
        );
        assert_eq!(
            query_parameter("requestId", "requestId").as_deref(),
            Some("")
        );
        assert_eq!(query_parameter("other=1", "requestId"), None);
        assert_eq!(
            ssl_instance_id("/api/v2/instances/ob%2Dx/security/ssl").as_deref(),
            Some("ob-x")
        );
        assert_eq!(percent_decode("100%", false), "100%");
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
    }
}
