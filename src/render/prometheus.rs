//! `check -o prometheus` and `obssl exporter`: the metric families of the
//! instances, defined once here and written by both. Every instance family
//! is a gauge labelled by `instance_id` (and `instance_name` when the
//! instance list gave a name). A metric whose value the answer did
//! not give (a failed query, a null field) is left out for that instance;
//! `obssl_check_state` and `obssl_probe_success` are always there. For
//! `check`, two unlabelled gauges say whether the run itself worked and when
//! it ran, so that a run that failed as a whole (wrong credentials, `--all`
//! could not list) still replaces the file instead of leaving the previous
//! run's "all OK" in place. The formats themselves are in [`super::exposition`].

use super::addresses::{wire_lines, WIRE_FAMILIES};
use super::exposition::{Exposition, FamilyHead};
use super::spool::Spool;
use crate::cacert::CaCert;
use crate::check::{CaChecked, Checked};
use serde_json::Value;
use std::io::{self, Write};

/// An instance family: its head, and its value for one instance.
struct Family {
    head: FamilyHead,
    value: fn(&Checked) -> Option<f64>,
}

const FAMILIES: [Family; 6] = [
    Family {
        head: FamilyHead::gauge(
            "obssl_ssl_enabled",
            "Whether SSL is enabled on the instance (enableSSL OPEN): 1 yes, 0 no.",
        ),
        value: |c| open_flag(c, "enableSSL"),
    },
    Family {
        head: FamilyHead::gauge(
            "obssl_ssl_forced",
            "Whether SSL is enforced for every connection (forceSSL OPEN): 1 yes, 0 no.",
        ),
        value: |c| open_flag(c, "forceSSL"),
    },
    Family {
        head: FamilyHead::gauge(
            "obssl_cert_valid",
            "Whether the API reports the certificate valid (certValid): 1 yes, 0 no.",
        ),
        value: |c| match status_field(c, "certValid")? {
            Value::Bool(valid) => Some(if *valid { 1.0 } else { 0.0 }),
            _ => None,
        },
    },
    Family {
        head: FamilyHead::gauge(
            "obssl_cert_expiry_timestamp_seconds",
            "When the certificate expires (validPeriod), as a Unix timestamp in seconds.",
        ),
        value: |c| c.verdict.expiry.map(|t| t.as_second() as f64),
    },
    Family {
        head: FamilyHead::gauge(
            "obssl_check_state",
            "The obssl check state of the instance: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
        ),
        value: |c| Some(f64::from(c.verdict.state.code())),
    },
    Family {
        head: FamilyHead::gauge(
            "obssl_probe_success",
            "Whether the SSL status of the instance could be read: 1 yes, 0 no.",
        ),
        value: |c| Some(if c.outcome.result.is_ok() { 1.0 } else { 0.0 }),
    },
];

/// The index of `obssl_probe_success` among [`InstanceSeries::lines`].
pub const PROBE_SUCCESS: usize = 5;

/// The value of a CA series for the `usize`th certificate of an instance's CA.
type CaValue = fn(&CaChecked, usize, &CaCert) -> Option<f64>;

/// With `--ca`: each CA certificate's expiry, labelled by instance and
/// fingerprint, and with `--ca-file` whether the bundle holds it.
const CA_FAMILIES: [(FamilyHead, CaValue); 2] = [
    (
        FamilyHead::gauge(
            "obssl_ca_cert_not_after_timestamp_seconds",
            "When the instance's CA certificate (caUrl) expires, as a Unix timestamp in seconds.",
        ),
        |_, _, cert| Some(cert.not_after.as_second() as f64),
    ),
    (
        FamilyHead::gauge(
            "obssl_ca_in_bundle",
            "Whether the --ca-file bundle holds the instance's CA certificate: 1 yes, 0 no.",
        ),
        |ca, i, _| {
            let held = ca.in_bundle.as_ref()?.get(i)?;
            Some(if *held { 1.0 } else { 0.0 })
        },
    ),
];

/// How many families an instance has series in.
pub const INSTANCE_FAMILIES: usize = FAMILIES.len() + CA_FAMILIES.len() + WIRE_FAMILIES.len();

/// The instance families in the order they are written, each with whether
/// it is left out when no instance has a series in it (the CA families,
/// which only `--ca` fills, and the wire families, which only `--wire` fills).
pub fn instance_families() -> impl Iterator<Item = (&'static FamilyHead, bool)> {
    FAMILIES
        .iter()
        .map(|f| (&f.head, false))
        .chain(CA_FAMILIES.iter().map(|(head, _)| (head, true)))
        .chain(WIRE_FAMILIES.iter().map(|(head, _)| (head, true)))
}

/// One instance's samples, per family (in the order of
/// [`instance_families`]): each entry is that family's lines for the
/// instance (none, one, or one per CA certificate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceSeries {
    pub lines: Box<[Box<str>]>,
}

/// The labels that name an instance: `instance_id`, and `instance_name`
/// when the instance list gave one (`--all`, `--names`).
pub fn instance_labels<'a>(id: &'a str, name: Option<&'a str>) -> Vec<(&'static str, &'a str)> {
    let mut labels = vec![("instance_id", id)];
    if let Some(name) = name {
        labels.push(("instance_name", name));
    }
    labels
}

impl InstanceSeries {
    /// The samples of `c`.
    pub fn of(c: &Checked) -> InstanceSeries {
        let labels = instance_labels(&c.outcome.instance_id, c.outcome.name.as_deref());
        let mut lines: Vec<Box<str>> = FAMILIES
            .iter()
            .map(|family| match (family.value)(c) {
                Some(value) => family.head.sample(&labels, value).into(),
                None => "".into(),
            })
            .collect();
        let certs = match &c.ca {
            Some(ca) => ca.result.as_ref().ok().map(|certs| (ca, certs)),
            None => None,
        };
        for (head, value) in &CA_FAMILIES {
            let mut text = String::new();
            if let Some((ca, certs)) = &certs {
                for (i, cert) in certs.iter().enumerate() {
                    if let Some(v) = value(ca, i, cert) {
                        let mut labels = labels.clone();
                        labels.push(("fingerprint", &cert.fingerprint));
                        text.push_str(&head.sample(&labels, v));
                    }
                }
            }
            lines.push(text.into());
        }
        lines.extend(wire_lines(&labels, c.wire.as_ref()));
        InstanceSeries {
            lines: lines.into(),
        }
    }
}

/// The metrics of a run, written as the answers arrive: each family's
/// series go to a [`Spool`] of their own at once (the format groups a
/// family's series under its `# HELP` and `# TYPE`), and
/// [`PrometheusReport::finish`] writes the families in order, then the
/// run-level gauges (success 1) stamped `now`.
#[derive(Default)]
pub struct PrometheusReport {
    families: [Spool; INSTANCE_FAMILIES],
}

impl PrometheusReport {
    pub fn add(&mut self, c: &Checked) -> io::Result<()> {
        let series = InstanceSeries::of(c);
        for (lines, spool) in series.lines.iter().zip(&mut self.families) {
            if !lines.is_empty() {
                spool.push(lines)?;
            }
        }
        Ok(())
    }

    pub fn finish(self, now: jiff::Timestamp, sink: &mut dyn Write) -> io::Result<()> {
        for ((head, optional), spool) in instance_families().zip(self.families) {
            // With `check --ca` only: a CA family is left out when no instance has a series.
            if optional && spool.is_empty() {
                continue;
            }
            sink.write_all(head.head(Exposition::Text).as_bytes())?;
            spool.copy_to(sink)?;
        }
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

const LAST_RUN_SUCCESS: FamilyHead = FamilyHead::gauge(
    "obssl_last_run_success",
    "Whether the last obssl check run produced results: 1 yes, 0 no \
     (wrong credentials, the instance list could not be read, bad arguments).",
);
const LAST_RUN_TIMESTAMP: FamilyHead = FamilyHead::gauge(
    "obssl_last_run_timestamp_seconds",
    "When the last obssl check run ended, as a Unix timestamp in seconds.",
);

/// The run-level gauges alone: `obssl_last_run_success` (1 when the run
/// produced results, 0 when it failed as a whole) and
/// `obssl_last_run_timestamp_seconds`. A failed run writes only these.
pub fn render_run_metrics(success: bool, now: jiff::Timestamp) -> String {
    let mut text = LAST_RUN_SUCCESS.head(Exposition::Text);
    text.push_str(&LAST_RUN_SUCCESS.sample(&[], f64::from(u8::from(success))));
    text.push_str(&LAST_RUN_TIMESTAMP.head(Exposition::Text));
    text.push_str(&LAST_RUN_TIMESTAMP.sample(&[], now.as_second() as f64));
    text
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
}
