//! How a failed instance is told: the line on stderr ([`error_line`]), the
//! JSON object of `-o json`/`-o jsonl` and `check -o json` ([`error_object`]),
//! and the few words of a table cell.

use crate::error::{Error, ErrorKind};
use crate::sanitize::visible;
use serde_json::{json, Value};

/// The line on stderr for a failed instance: `error: ` and the message, with
/// the API details in parentheses.
pub fn error_line(e: &Error) -> String {
    let mut line = format!("error: {}", visible(&e.message));
    if let Some(api) = &e.api {
        let mut details = Vec::new();
        let status = format!("HTTP {}", api.status);
        if !e.message.contains(&status) {
            details.push(status);
        }
        if let Some(code) = &api.error_code {
            details.push(format!("errorCode {}", visible(code)));
        }
        if let Some(message) = &api.message {
            details.push(format!("message \"{}\"", visible(message)));
        }
        if let Some(id) = &api.request_id {
            details.push(format!("requestId {}", visible(id)));
        }
        line.push_str(&format!(" ({})", details.join(", ")));
    }
    line
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

/// A few words for a table cell: `HTTP 404 InstanceNotFound`, `authentication rejected`.
pub(super) fn short_error(e: &Error) -> String {
    match &e.api {
        Some(api) => match (&api.error_code, api.reason) {
            (Some(code), _) => format!("HTTP {} {}", api.status, visible(code)),
            (None, Some(reason)) => format!("HTTP {}, {reason}", api.status),
            (None, None) => format!("HTTP {}", api.status),
        },
        None => match e.kind {
            ErrorKind::Auth => "authentication rejected".into(),
            ErrorKind::Network => "network failure".into(),
            ErrorKind::Usage => "invalid instance id".into(),
            kind => kind.as_str().into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn not_found() -> Error {
        crate::render::fixtures::not_found("ob-c")
    }

    #[test]
    fn error_lines_objects_and_cells() {
        let e = not_found();
        assert_eq!(
            error_line(&e),
            "error: instance ob-c was not found (HTTP 404) (errorCode InstanceNotFound, message \"gone\", requestId rid)"
        );
        assert_eq!(
            error_object(&e),
            json!({"kind": "api", "status": 404, "errorCode": "InstanceNotFound",
                   "message": "instance ob-c was not found (HTTP 404)", "apiMessage": "gone",
                   "requestId": "rid"})
        );
        assert_eq!(short_error(&e), "HTTP 404 InstanceNotFound");
        let auth = Error::auth("refused");
        assert_eq!(error_line(&auth), "error: refused");
        assert_eq!(error_object(&auth)["status"], Value::Null);
        assert_eq!(error_object(&auth)["apiMessage"], Value::Null);
        assert_eq!(short_error(&auth), "authentication rejected");
    }
}
