//! Answers and verdicts the renderers' unit tests share.

use crate::check::{evaluate, Checked, Policy};
use crate::error::{ApiFailure, Error, Result};
use crate::fleet::Outcome;
use jiff::Timestamp;
use serde_json::Value;

/// An instance whose answer is `data` (a JSON object).
pub fn ok(id: &str, data: Value) -> Outcome {
    outcome(id, Ok(data))
}

/// An instance whose answer is `result`.
pub fn outcome(id: &str, result: Result<Value>) -> Outcome {
    Outcome {
        instance_id: id.into(),
        name: None,
        result: result.map(|v| v.as_object().unwrap().clone()),
    }
}

/// The API's 404 for instance `id`, with its error envelope.
pub fn not_found(id: &str) -> Error {
    Error::api(
        format!("instance {id} was not found (HTTP 404)"),
        ApiFailure {
            status: 404,
            error_code: Some("InstanceNotFound".into()),
            message: Some("gone".into()),
            request_id: Some("rid".into()),
            reason: None,
        },
    )
}

/// `outcome` judged by the default policy at `now`, without a CA.
pub fn checked(outcome: Outcome, now: Timestamp) -> Checked {
    let verdict = evaluate(outcome.result.as_ref(), &Policy::default(), now);
    Checked {
        outcome,
        verdict,
        ca: None,
        wire: None,
    }
}
