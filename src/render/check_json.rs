//! `check -o json`: the overall state, the counts, and every instance with its
//! state and reasons.

use super::error::error_object;
use super::pretty_json;
use crate::check::{overall, Checked, Counts};
use serde_json::{json, Value};

pub fn render_check_json(checked: &[Checked]) -> String {
    let counts = Counts::of(checked);
    let instances: Vec<Value> = checked
        .iter()
        .map(|c| {
            let mut object = json!({
                "instanceId": c.outcome.instance_id,
                "state": c.verdict.state.as_str(),
                "reasons": c.verdict.reasons(),
                "validPeriod": c.outcome.result.as_ref().ok().and_then(|s| s.get("validPeriod")),
                "expiryTimestamp": c.verdict.expiry.map(|t| t.as_second()),
            });
            if let Err(e) = &c.outcome.result {
                object["error"] = error_object(e);
            }
            object
        })
        .collect();
    let report = json!({
        "state": overall(checked).as_str(),
        "counts": {
            "critical": counts.critical,
            "warning": counts.warning,
            "unknown": counts.unknown,
            "ok": counts.ok,
        },
        "instances": instances,
    });
    pretty_json(&report)
}
