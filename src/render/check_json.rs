//! `check -o json`: the overall state, the counts, and every instance with its
//! state and reasons.

use super::error::error_object;
use super::shared::pretty_json;
use super::spool::Spool;
use crate::check::{CaChecked, Checked, Tally};
use serde_json::{json, Value};
use std::io::{self, Write};

/// `check -o json` written as the answers arrive: each instance's object
/// goes to a [`Spool`] at once, and [`JsonReport::finish`] writes the state
/// and counts (which need every instance) before them. The text is that of
/// one pretty-printed report `{state, counts, instances}`.
#[derive(Default)]
pub struct JsonReport {
    tally: Tally,
    instances: Spool,
}

impl JsonReport {
    pub fn add(&mut self, c: &Checked) -> io::Result<()> {
        if !self.instances.is_empty() {
            self.instances.push(",\n")?;
        }
        self.tally.add(c.verdict.state);
        // The object as it sits in the report's array: two levels in.
        let text = serde_json::to_string_pretty(&instance_object(c))
            .expect("JSON values always serialize");
        let mut indented = String::with_capacity(text.len() + 64);
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                indented.push('\n');
            }
            indented.push_str("    ");
            indented.push_str(line);
        }
        self.instances.push(&indented)
    }

    pub fn finish(self, sink: &mut dyn Write) -> io::Result<()> {
        let counts = self.tally.counts;
        let head = pretty_json(&json!({
            "state": self.tally.overall().as_str(),
            "counts": {
                "critical": counts.critical,
                "warning": counts.warning,
                "unknown": counts.unknown,
                "ok": counts.ok,
            },
            "instances": [],
        }));
        if self.instances.is_empty() {
            return sink.write_all(head.as_bytes());
        }
        let head = head
            .strip_suffix("[]\n}\n")
            .expect("the report ends with its instances");
        sink.write_all(head.as_bytes())?;
        sink.write_all(b"[\n")?;
        self.instances.copy_to(sink)?;
        sink.write_all(b"\n  ]\n}\n")
    }
}

/// The whole report of `checked`, as [`JsonReport`] writes it.
#[cfg(test)]
pub fn render_check_json(checked: &[Checked]) -> String {
    let mut report = JsonReport::default();
    for c in checked {
        report.add(c).unwrap();
    }
    let mut out = Vec::new();
    report.finish(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn instance_object(c: &Checked) -> Value {
    let mut object = json!({
        "instanceId": c.outcome.instance_id,
        "state": c.verdict.state.as_str(),
        "reasons": c.verdict.reasons(),
        "validPeriod": c.outcome.result.as_ref().ok().and_then(|s| s.get("validPeriod")),
        "expiryTimestamp": c.verdict.expiry.map(|t| t.as_second()),
    });
    if let Some(name) = &c.outcome.name {
        // Beside the id, as the instance list gave it (`--all`, `--names`).
        object.as_object_mut().expect("an object").shift_insert(
            1,
            "instanceName".into(),
            name.clone().into(),
        );
    }
    if let Err(e) = &c.outcome.result {
        object["error"] = error_object(e);
    }
    if let Some(ca) = &c.ca {
        object["ca"] = ca_object(ca);
    }
    if let Some(wire) = &c.wire {
        object["wire"] = super::addresses::wire_object(wire);
    }
    object
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::render::fixtures;

    fn checked(id: &str, result: crate::error::Result<Value>) -> Checked {
        let now = "2026-01-01T00:00:00Z".parse().unwrap();
        fixtures::checked(fixtures::outcome(id, result), now)
    }

    /// The streamed text is the one pretty-printed report, byte for byte.
    #[test]
    fn the_streamed_report_is_the_whole_report() {
        let fleet = [
            checked(
                "ob-ok",
                Ok(json!({"enableSSL": "OPEN", "certValid": true,
                          "validPeriod": "2027-01-01T00:00:00Z"})),
            ),
            checked("ob-\"é\"", Err(Error::internal("boom\nline"))),
            checked(
                "ob-soon",
                Ok(json!({"enableSSL": "OPEN", "certValid": true,
                                         "validPeriod": "2026-01-05T00:00:00Z"})),
            ),
        ];
        for n in 0..=fleet.len() {
            let part = &fleet[..n];
            let mut tally = Tally::default();
            part.iter().for_each(|c| tally.add(c.verdict.state));
            let whole = pretty_json(&json!({
                "state": tally.overall().as_str(),
                "counts": {
                    "critical": tally.counts.critical,
                    "warning": tally.counts.warning,
                    "unknown": tally.counts.unknown,
                    "ok": tally.counts.ok,
                },
                "instances": part.iter().map(instance_object).collect::<Vec<_>>(),
            }));
            assert_eq!(render_check_json(part), whole);
        }
    }
}
