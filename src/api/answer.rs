//! How an API answer is read: a redirect, a body that is not JSON, an error envelope or
//! a success without `data` is an error naming the subject; otherwise the `data` object.

use crate::client::HttpAnswer;
use crate::error::{ApiFailure, Error, Result};
use serde_json::{Map, Value};

/// Reads an answer about `subject` ("instance obxxx", "the instance list
/// (page 2)"): 200 with `success: true` and an object `data` is the only
/// success; that `data` object is returned.
pub fn interpret_envelope(
    answer: HttpAnswer,
    subject: &str,
    request_id: &str,
) -> Result<Map<String, Value>> {
    let status = answer.status;
    if (300..400).contains(&status) {
        let target = answer.location.as_deref().unwrap_or("(no Location header)");
        let host = location_host(target);
        return Err(Error::api(
            format!(
                "the API redirected the request for {subject} (HTTP {status}) to {host}; obssl does not follow redirects"
            ),
            ApiFailure::without_envelope(status, request_id).because("redirect"),
        )
        .with_hint("point --endpoint at the final API address"));
    }
    let envelope: Option<Map<String, Value>> = serde_json::from_slice(&answer.body).ok();
    let Some(mut envelope) = envelope else {
        let (what, reason) = if answer.body.is_empty() {
            ("an empty body", "empty body")
        } else {
            ("a body that is not JSON", "not JSON")
        };
        return Err(Error::api(
            format!("the API answered for {subject} with HTTP {status} and {what}"),
            ApiFailure::without_envelope(status, request_id).because(reason),
        )
        .with_hint(non_json_hint(status)));
    };
    let text = |key: &str, env: &Map<String, Value>| -> Option<String> {
        match env.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    };
    let success = envelope.get("success") == Some(&Value::Bool(true));
    let failure = ApiFailure {
        status,
        error_code: text("errorCode", &envelope),
        message: text("errorMessage", &envelope).or_else(|| text("message", &envelope)),
        request_id: text("requestId", &envelope).or_else(|| Some(request_id.to_string())),
        reason: match (status, success) {
            (200, true) => Some("no data object"),
            (200, false) => Some("success not true"),
            _ => None,
        },
    };
    if status != 200 || !success {
        let what = if status == 404 {
            format!("{subject} was not found (HTTP 404)")
        } else if status != 200 && answer.attempts > 1 {
            format!(
                "the API answered with an error for {subject} (HTTP {status}) after {} attempts",
                answer.attempts
            )
        } else if status != 200 {
            format!("the API answered with an error for {subject} (HTTP {status})")
        } else {
            format!("the API reported a failure for {subject} (success is not true)")
        };
        let hint = match status {
            404 => "check the instance id, and the project (the instance may belong to another project)",
            403 => "check that this AccessKey may read this instance",
            429 | 500..=599 => "the service is busy or failing; retry later, quoting the requestId to support if it persists",
            _ => "quote the requestId when you contact support",
        };
        return Err(Error::api(what, failure).with_hint(hint));
    }
    match envelope.remove("data") {
        Some(Value::Object(data)) => Ok(data),
        _ => Err(Error::api(
            format!("the API answer for {subject} has no `data` object"),
            failure,
        )
        .with_hint("check that --endpoint points at the OceanBase Cloud API")),
    }
}

fn non_json_hint(status: u16) -> &'static str {
    if status == 200 {
        "check that --endpoint points at the OceanBase Cloud API (a proxy or gateway may have answered)"
    } else {
        "a proxy or gateway may have answered; retry later, and check --endpoint"
    }
}

fn location_host(location: &str) -> String {
    match location.parse::<ureq::http::Uri>() {
        Ok(uri) => match uri.host() {
            Some(host) => format!("host {host}"),
            None => format!("`{location}` on the same host"),
        },
        Err(_) => format!("`{location}`"),
    }
}
