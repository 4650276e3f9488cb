//! `check -o prometheus`: the Prometheus text exposition format, for the
//! node_exporter textfile collector. Every metric is a gauge labelled by
//! `instance_id` (and `instance_name` when the instance list gave a name). A metric whose value the answer did not give (a failed
//! query, a null field) is left out for that instance; `obssl_check_state`
//! and `obssl_probe_success` are always there. Two unlabelled gauges say
//! whether the run itself worked and when it ran, so that a run that failed
//! as a whole (wrong credentials, `--all` could not list) still replaces
//! the file instead of leaving the previous run's "all OK" in place.

use super::spool::Spool;
use crate::cacert::CaCert;
use crate::check::{CaChecked, Checked};
use serde_json::Value;
use std::io::{self, Write};

struct Family {
    name: &'static str,
    help: &'static str,
    value: fn(&Checked) -> Option<f64>,
}

const FAMILIES: [Family; 6] = [
    Family {
        name: "obssl_ssl_enabled",
        help: "Whether SSL is enabled on the instance (enableSSL OPEN): 1 yes, 0 no.",
        value: |c| open_flag(c, "enableSSL"),
    },
    Family {
        name: "obssl_ssl_forced",
        help: "Whether SSL is enforced for every connection (forceSSL OPEN): 1 yes, 0 no.",
        value: |c| open_flag(c, "forceSSL"),
    },
    Family {
        name: "obssl_cert_valid",
        help: "Whether the API reports the certificate valid (certValid): 1 yes, 0 no.",
        value: |c| match status_field(c, "certValid")? {
            Value::Bool(valid) => Some(if *valid { 1.0 } else { 0.0 }),
            _ => None,
        },
    },
    Family {
        name: "obssl_cert_expiry_timestamp_seconds",
        help: "When the certificate expires (validPeriod), as a Unix timestamp in seconds.",
        value: |c| c.verdict.expiry.map(|t| t.as_second() as f64),
    },
    Family {
        name: "obssl_check_state",
        help: "The obssl check state of the instance: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
        value: |c| Some(f64::from(c.verdict.state.code())),
    },
    Family {
        name: "obssl_probe_success",
        help: "Whether the SSL status of the instance could be read: 1 yes, 0 no.",
        value: |c| Some(if c.outcome.result.is_ok() { 1.0 } else { 0.0 }),
    },
];

/// The metrics of a run, written as the answers arrive: each family's
/// series go to a [`Spool`] of their own at once (the format groups a
/// family's series under its `# HELP` and `# TYPE`), and
/// [`PrometheusReport::finish`] writes the families in order, then the
/// run-level gauges (success 1) stamped `now`.
#[derive(Default)]
pub struct PrometheusReport {
    families: [Spool; FAMILIES.len()],
    ca: [Spool; CA_FAMILIES.len()],
    /// With `check --wire`: the per-address series.
    wire: super::wire::WireMetrics,
}

impl PrometheusReport {
    pub fn add(&mut self, c: &Checked) -> io::Result<()> {
        if let Some(wire) = &c.wire {
            self.wire.add(&instance_labels(c), wire)?;
        }
        let id = instance_labels(c);
        for (family, spool) in FAMILIES.iter().zip(&mut self.families) {
            if let Some(value) = (family.value)(c) {
                spool.push(&format!("{}{{{id}}} {value}\n", family.name))?;
            }
        }
        let Some(ca) = &c.ca else { return Ok(()) };
        let Ok(certs) = &ca.result else {
            return Ok(());
        };
        for ((name, _, value), spool) in CA_FAMILIES.iter().zip(&mut self.ca) {
            for (i, cert) in certs.iter().enumerate() {
                if let Some(v) = value(ca, i, cert) {
                    spool.push(&format!(
                        "{name}{{{id},fingerprint=\"{}\"}} {v}\n",
                        cert.fingerprint
                    ))?;
                }
            }
        }
        Ok(())
    }

    pub fn finish(self, now: jiff::Timestamp, sink: &mut dyn Write) -> io::Result<()> {
        for (family, spool) in FAMILIES.iter().zip(self.families) {
            sink.write_all(
                format!(
                    "# HELP {} {}\n# TYPE {} gauge\n",
                    family.name, family.help, family.name
                )
                .as_bytes(),
            )?;
            spool.copy_to(sink)?;
        }
        // With `check --ca` only: a CA family is left out when no instance has a series.
        for ((name, help, _), spool) in CA_FAMILIES.iter().zip(self.ca) {
            if spool.is_empty() {
                continue;
            }
            sink.write_all(format!("# HELP {name} {help}\n# TYPE {name} gauge\n").as_bytes())?;
            spool.copy_to(sink)?;
        }
        self.wire.finish(sink)?;
        sink.write_all(render_run_metrics(true, now).as_bytes())
    }
}

/// The metrics of `checked`, as [`PrometheusReport`] writes them.
#[cfg(test)]
pub fn render_prometheus(checked: &[Checked], now: jiff::Timestamp) -> String {
    let mut report = PrometheusReport::default();
    for c in checked {
        report.add(c).unwrap();
    }
    let mut out = Vec::new();
    report.finish(now, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The value of a CA series for the `usize`th certificate of an instance's CA.
type CaValue = fn(&CaChecked, usize, &CaCert) -> Option<f64>;

/// With `check --ca`: each CA certificate's expiry, labelled by instance and
/// fingerprint, and with `--ca-file` whether the bundle holds it.
const CA_FAMILIES: [(&str, &str, CaValue); 2] = [
    (
        "obssl_ca_cert_not_after_timestamp_seconds",
        "When the instance's CA certificate (caUrl) expires, as a Unix timestamp in seconds.",
        |_, _, cert| Some(cert.not_after.as_second() as f64),
    ),
    (
        "obssl_ca_in_bundle",
        "Whether the --ca-file bundle holds the instance's CA certificate: 1 yes, 0 no.",
        |ca, i, _| {
            let held = ca.in_bundle.as_ref()?.get(i)?;
            Some(if *held { 1.0 } else { 0.0 })
        },
    ),
];

/// The run-level gauges alone: `obssl_last_run_success` (1 when the run
/// produced results, 0 when it failed as a whole) and
/// `obssl_last_run_timestamp_seconds`. A failed run writes only these.
pub fn render_run_metrics(success: bool, now: jiff::Timestamp) -> String {
    format!(
        "# HELP obssl_last_run_success Whether the last obssl check run produced results: 1 yes, 0 no \
         (wrong credentials, the instance list could not be read, bad arguments).\n\
         # TYPE obssl_last_run_success gauge\n\
         obssl_last_run_success {}\n\
         # HELP obssl_last_run_timestamp_seconds When the last obssl check run ended, as a Unix timestamp in seconds.\n\
         # TYPE obssl_last_run_timestamp_seconds gauge\n\
         obssl_last_run_timestamp_seconds {}\n",
        u8::from(success),
        now.as_second()
    )
}

fn status_field<'a>(c: &'a Checked, name: &str) -> Option<&'a Value> {
    c.outcome.result.as_ref().ok()?.get(name)
}

fn open_flag(c: &Checked, name: &str) -> Option<f64> {
    match status_field(c, name)? {
        Value::String(s) => Some(if s == "OPEN" { 1.0 } else { 0.0 }),
        _ => None,
    }
}

/// A label value as the exposition format wants it: `\`, `"` and newline escaped.
pub fn escape_label_value(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The labels that name an instance: `instance_id`, and `instance_name` when
/// the instance list gave one (`--all`, `--names`), both escaped.
pub(super) fn instance_labels(c: &Checked) -> String {
    let id = escape_label_value(&c.outcome.instance_id);
    match &c.outcome.name {
        Some(name) => format!(
            "instance_id=\"{id}\",instance_name=\"{}\"",
            escape_label_value(name)
        ),
        None => format!("instance_id=\"{id}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_family_holds_every_instance_in_order() {
        use crate::render::fixtures;
        let now = "2026-01-01T00:00:00Z".parse().unwrap();
        let checked = |id: &str, result: crate::error::Result<Value>| {
            fixtures::checked(fixtures::outcome(id, result), now)
        };
        let text = render_prometheus(
            &[
                checked(
                    "ob-a",
                    Ok(serde_json::json!({"enableSSL": "OPEN", "forceSSL": "CLOSE"})),
                ),
                checked("ob-b", Err(crate::error::Error::internal("boom"))),
            ],
            now,
        );
        let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            &body[..6],
            [
                "obssl_ssl_enabled{instance_id=\"ob-a\"} 1",
                "obssl_ssl_forced{instance_id=\"ob-a\"} 0",
                "obssl_check_state{instance_id=\"ob-a\"} 3",
                "obssl_check_state{instance_id=\"ob-b\"} 3",
                "obssl_probe_success{instance_id=\"ob-a\"} 1",
                "obssl_probe_success{instance_id=\"ob-b\"} 0",
            ]
        );
        assert_eq!(text.matches("# HELP obssl_").count(), 8, "{text}");
        assert!(!text.contains("obssl_ca_"), "{text}");
        assert!(text.contains("\nobssl_last_run_success 1\n"), "{text}");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape_label_value(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(escape_label_value("a\nb"), r"a\nb");
        assert_eq!(escape_label_value("obcluster-x"), "obcluster-x");
    }
}
