//! `check -o json`: the overall state, the counts, and every instance with its
//! state and reasons.

use super::error::error_object;
use super::pretty_json;
use crate::check::{overall, CaChecked, Checked, Counts};
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
            if let Some(ca) = &c.ca {
                object["ca"] = ca_object(ca);
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

/// With `check --ca`: the CA's certificates (as `obssl ca -o json` tells
/// them, plus `inBundle` with `--ca-file`), or the error.
fn ca_object(ca: &CaChecked) -> Value {
    match &ca.result {
        Err(e) => json!({ "certificates": [], "error": error_object(e) }),
        Ok(certs) => {
            let certificates: Vec<Value> = certs
                .iter()
                .enumerate()
                .map(|(i, cert)| {
                    let mut object = json!({
                        "subject": cert.subject,
                        "issuer": cert.issuer,
                        "serialNumber": cert.serial,
                        "fingerprintSha256": cert.fingerprint,
                        "notBefore": cert.not_before.to_string(),
                        "notAfter": cert.not_after.to_string(),
                        "notAfterTimestamp": cert.not_after.as_second(),
                        "key": cert.key,
                        "selfSigned": cert.self_signed,
                    });
                    if let Some(held) = ca.in_bundle.as_ref().and_then(|h| h.get(i)) {
                        object["inBundle"] = Value::Bool(*held);
                    }
                    object
                })
                .collect();
            json!({ "certificates": certificates })
        }
    }
}
