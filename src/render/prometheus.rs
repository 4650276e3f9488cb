//! `check -o prometheus` and `obssl exporter`: the metric families of the
//! instances, defined once here and written by both. Every instance family
//! is a gauge labelled by `instance_id` (and `instance_name` when the
//! instance list gave a name). A metric whose value the answer did
//! not give (a failed query, a null field) is left out for that instance;
//! `obssl_check_state` and `obssl_api_read_success` are always there. For
//! `check`, two unlabelled gauges say whether the run itself worked and when
//! it ran, so that a run that failed as a whole (wrong credentials, `--all`
//! could not list) still replaces the file instead of leaving the previous
//! run's "all OK" in place. The formats themselves are in [`super::exposition`].

use super::addresses::{wire_series, WireSeries, WIRE_FAMILIES};
use super::exposition::{Exposition, FamilyHead};
use super::spool::Spool;
use crate::cacert::CaCert;
use crate::check::{CaChecked, Checked};
use serde_json::Value;
use std::io::{self, Write};

/// One instance's values, typed: what the instance families write for it.
/// Built from a [`Checked`] ([`InstanceSeries::of`]) and rendered in either
/// format ([`InstanceSeries::family`]); the exporter changes values (an
/// instance that could not be read keeps its last values with
/// `api_read` false), never text.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceSeries {
    pub id: Box<str>,
    /// The `instance_name` label, when the instance list gave a name.
    pub name: Option<Box<str>>,
    /// enableSSL OPEN; `None` when the answer did not say.
    pub ssl_enabled: Option<bool>,
    /// forceSSL OPEN.
    pub ssl_forced: Option<bool>,
    /// forceSSLSupport: whether SSL can be enforced on the instance.
    pub force_supported: Option<bool>,
    /// certValid.
    pub cert_valid: Option<bool>,
    /// validPeriod, Unix seconds.
    pub cert_expiry: Option<i64>,
    /// The check state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    pub state: u8,
    /// Whether the SSL status could be read from the API.
    pub api_read: bool,
    /// With `--ca`: each certificate of the instance's CA.
    pub ca: Box<[CaSeries]>,
    /// With `--wire`: each probed address.
    pub wire: Box<[WireSeries]>,
}

/// One certificate of an instance's CA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaSeries {
    pub fingerprint: Box<str>,
    pub not_after: i64,
    /// With `--ca-file`: whether the bundle holds it.
    pub in_bundle: Option<bool>,
}

/// Writes one sample: the labels beyond the instance's, and the value.
type Emit<'a> = &'a mut dyn FnMut(&[(&'static str, &str)], f64);

/// An instance family: its head, whether it is left out when no instance
/// has a series in it (the CA families, which only `--ca` fills, and the
/// wire families, which only `--wire` fills), and its samples for one instance.
struct Family {
    head: FamilyHead,
    optional: bool,
    samples: fn(&InstanceSeries, Emit),
}

fn flag(yes: bool) -> f64 {
    if yes {
        1.0
    } else {
        0.0
    }
}

fn one(value: Option<f64>, emit: Emit) {
    if let Some(v) = value {
        emit(&[], v);
    }
}

/// The samples of the wire family `index` for every address of `s`.
fn wire_samples(s: &InstanceSeries, index: usize, emit: Emit) {
    for w in s.wire.iter() {
        if let Some(v) = w.values[index] {
            emit(&w.labels(), v);
        }
    }
}

/// The instance families, in the order they are written.
const FAMILIES: [Family; 9 + WIRE_FAMILIES.len()] = [
    Family {
        head: FamilyHead::gauge(
            "obssl_ssl_enabled",
            "Whether SSL is enabled on the instance (enableSSL OPEN): 1 yes, 0 no.",
        ),
        optional: false,
        samples: |s, emit| one(s.ssl_enabled.map(flag), emit),
    },
    Family {
        head: FamilyHead::gauge(
            "obssl_ssl_forced",
            "Whether SSL is enforced for every connection (forceSSL OPEN): 1 yes, 0 no.",
        ),
        optional: false,
        samples: |s, emit| one(s.ssl_forced.map(flag), emit),
    },
    Family {
        head: FamilyHead::gauge(
            "obssl_ssl_force_supported",
            "Whether the instance supports enforcing SSL (forceSSLSupport): 1 yes, 0 no.",
        ),
        optional: false,
        samples: |s, emit| one(s.force_supported.map(flag), emit),
    },
    Family {
        head: FamilyHead::gauge(
            "obssl_cert_valid",
            "Whether the API reports the certificate valid (certValid): 1 yes, 0 no.",
        ),
        optional: false,
        samples: |s, emit| one(s.cert_valid.map(flag), emit),
    },
    Family {
        head: FamilyHead::gauge(
            "obssl_cert_expiry_timestamp_seconds",
            "When the certificate expires (validPeriod), as a Unix timestamp in seconds.",
        ),
        optional: false,
        samples: |s, emit| one(s.cert_expiry.map(|t| t as f64), emit),
    },
    Family {
        head: FamilyHead::gauge(
            "obssl_check_state",
            "The obssl check state of the instance: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
        ),
        optional: false,
        samples: |s, emit| emit(&[], f64::from(s.state)),
    },
    Family {
        head: FamilyHead::gauge(
            "obssl_api_read_success",
            "Whether the SSL status of the instance could be read from the API: 1 yes, 0 no.",
        ),
        optional: false,
        samples: |s, emit| emit(&[], flag(s.api_read)),
    },
    Family {
        head: FamilyHead::gauge(
            "obssl_ca_cert_not_after_timestamp_seconds",
            "When the instance's CA certificate (caUrl) expires, as a Unix timestamp in seconds.",
        ),
        optional: true,
        samples: |s, emit| {
            for ca in s.ca.iter() {
                emit(&[("fingerprint", &ca.fingerprint)], ca.not_after as f64);
            }
        },
    },
    Family {
        head: FamilyHead::gauge(
            "obssl_ca_in_bundle",
            "Whether the --ca-file bundle holds the instance's CA certificate: 1 yes, 0 no.",
        ),
        optional: true,
        samples: |s, emit| {
            for ca in s.ca.iter() {
                if let Some(held) = ca.in_bundle {
                    emit(&[("fingerprint", &ca.fingerprint)], flag(held));
                }
            }
        },
    },
    Family {
        head: WIRE_FAMILIES[0].0,
        optional: true,
        samples: |s, emit| wire_samples(s, 0, emit),
    },
    Family {
        head: WIRE_FAMILIES[1].0,
        optional: true,
        samples: |s, emit| wire_samples(s, 1, emit),
    },
    Family {
        head: WIRE_FAMILIES[2].0,
        optional: true,
        samples: |s, emit| wire_samples(s, 2, emit),
    },
    Family {
        head: WIRE_FAMILIES[3].0,
        optional: true,
        samples: |s, emit| wire_samples(s, 3, emit),
    },
    Family {
        head: WIRE_FAMILIES[4].0,
        optional: true,
        samples: |s, emit| wire_samples(s, 4, emit),
    },
];

/// How many families an instance has series in.
pub const INSTANCE_FAMILIES: usize = FAMILIES.len();

/// The instance families in the order they are written, each with whether
/// it is left out when no instance has a series in it.
pub fn instance_families() -> impl Iterator<Item = (&'static FamilyHead, bool)> {
    FAMILIES.iter().map(|f| (&f.head, f.optional))
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
    /// The values of `c`. A value the answer did not give (a failed query,
    /// a null field) is `None` and its series left out.
    pub fn of(c: &Checked) -> InstanceSeries {
        let status = |name: &str| c.outcome.result.as_ref().ok().and_then(|v| v.get(name));
        let open = |name: &str| match status(name)? {
            Value::String(s) => Some(s == "OPEN"),
            _ => None,
        };
        let ca = match &c.ca {
            Some(CaChecked {
                result: Ok(certs),
                in_bundle,
            }) => certs
                .iter()
                .enumerate()
                .map(|(i, cert): (usize, &CaCert)| CaSeries {
                    fingerprint: cert.fingerprint.as_str().into(),
                    not_after: cert.not_after.as_second(),
                    in_bundle: in_bundle.as_ref().and_then(|b| b.get(i).copied()),
                })
                .collect(),
            _ => Box::default(),
        };
        let wire = wire_series(c.wire.as_ref());
        InstanceSeries {
            id: c.outcome.instance_id.as_str().into(),
            name: c.outcome.name.as_deref().map(Into::into),
            ssl_enabled: open("enableSSL"),
            ssl_forced: open("forceSSL"),
            force_supported: match status("forceSSLSupport") {
                Some(Value::Bool(supported)) => Some(*supported),
                _ => None,
            },
            cert_valid: match status("certValid") {
                Some(Value::Bool(valid)) => Some(*valid),
                _ => None,
            },
            cert_expiry: c.verdict.expiry.map(|t| t.as_second()),
            state: c.verdict.state.code(),
            api_read: c.outcome.result.is_ok(),
            ca,
            wire,
        }
    }

    /// The samples of family `index` (of [`instance_families`]) for this
    /// instance, appended to `out`: none, one, or one per CA certificate or
    /// address.
    pub fn family(&self, index: usize, out: &mut String) {
        let instance = instance_labels(&self.id, self.name.as_deref());
        let head = &FAMILIES[index].head;
        (FAMILIES[index].samples)(self, &mut |extra, value| {
            if extra.is_empty() {
                out.push_str(&head.sample(&instance, value));
            } else {
                let mut labels = instance.clone();
                labels.extend_from_slice(extra);
                out.push_str(&head.sample(&labels, value));
            }
        });
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
        let mut lines = String::new();
        for (index, spool) in self.families.iter_mut().enumerate() {
            lines.clear();
            series.family(index, &mut lines);
            if !lines.is_empty() {
                spool.push(&lines)?;
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
                "obssl_api_read_success{instance_id=\"ob-a\"} 1",
                "obssl_api_read_success{instance_id=\"ob-b\"} 0",
            ]
        );
        assert_eq!(text.matches("# HELP obssl_").count(), 9, "{text}");
        assert!(!text.contains("obssl_ca_"), "{text}");
        assert!(text.contains("\nobssl_last_run_success 1\n"), "{text}");
    }
}
