//! What `/metrics` serves: the instance families of `check -o prometheus`
//! (the same definitions, [`crate::render::prometheus`]), `obssl_up` per
//! instance, and the exporter's own metrics; rendered once per refresh in
//! both formats and kept, so that a scrape only copies a pointer under a lock
//! held for as long as that takes, never waiting for the API.
//!
//! Per instance the last good series are kept: when an instance cannot be
//! read, its families keep the values of its last successful read,
//! `obssl_probe_success` and `obssl_up` go to 0; an instance never read
//! successfully has the series `check` gives a failed instance (state 3).

use crate::render::exposition::{Exposition, FamilyHead};
use crate::render::prometheus::{
    instance_families, instance_labels, InstanceSeries, PROBE_SUCCESS,
};
use std::sync::{Arc, Mutex};

const UP: FamilyHead = FamilyHead::gauge(
    "obssl_up",
    "Whether the last refresh read the instance's SSL status: 1 yes, 0 no (its other series \
     then keep the values of its last successful read).",
);
const LAST_SUCCESS: FamilyHead = FamilyHead::gauge(
    "obssl_exporter_last_refresh_success_timestamp_seconds",
    "When the last refresh that read the instance list (or the ids given) ended, as a Unix \
     timestamp in seconds; 0 before the first.",
);
const DURATION: FamilyHead = FamilyHead::gauge(
    "obssl_exporter_refresh_duration_seconds",
    "How long the last refresh took, in seconds; 0 before the first.",
);
const REFRESHES: FamilyHead = FamilyHead::counter(
    "obssl_exporter_refreshes",
    "Refreshes ended, by result: success (the instances were listed and read, each with its \
     own outcome) or failure (the run failed as a whole).",
);
const API_REQUESTS: FamilyHead = FamilyHead::counter(
    "obssl_exporter_api_requests",
    "Calls to the OceanBase Cloud API (an instance's SSL status, a page of the instance list) \
     by outcome: success, or the kind of error (auth, api, network, config, usage, internal).",
);

/// One instance as the exporter keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// Its name, when the instance list gave one (the `instance_name` label).
    pub name: Option<Box<str>>,
    /// The series of its last successful read.
    pub good: Option<InstanceSeries>,
    /// The series of the last refresh, when that could not read it.
    pub failed: Option<InstanceSeries>,
}

impl Kept {
    pub fn is_up(&self) -> bool {
        self.failed.is_none()
    }

    /// What a refresh that read it (`up`) or not makes of what was kept.
    pub fn next(
        previous: Option<Kept>,
        name: Option<&str>,
        series: InstanceSeries,
        up: bool,
    ) -> Kept {
        let name = name.map(Into::into);
        if up {
            Kept {
                name,
                good: Some(series),
                failed: None,
            }
        } else {
            Kept {
                name,
                good: previous.and_then(|p| p.good),
                failed: Some(series),
            }
        }
    }

    /// Marked down by a refresh that failed as a whole: the last good series
    /// stay, with `obssl_probe_success` 0.
    pub fn down(self) -> Kept {
        if self.failed.is_some() {
            return self;
        }
        let failed = self.good.clone().map(|mut series| {
            let line = &series.lines[PROBE_SUCCESS];
            if let Some(labels) = line.strip_suffix(" 1\n") {
                series.lines[PROBE_SUCCESS] = format!("{labels} 0\n").into();
            }
            series
        });
        Kept { failed, ..self }
    }

    /// The lines of family `index` as served.
    fn lines(&self, index: usize) -> &str {
        match (&self.good, &self.failed) {
            (Some(good), None) => &good.lines[index],
            (Some(_), Some(failed)) if index == PROBE_SUCCESS => &failed.lines[index],
            (Some(good), Some(_)) => &good.lines[index],
            (None, Some(failed)) => &failed.lines[index],
            (None, None) => "",
        }
    }
}

/// The exporter's own numbers.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// Unix seconds of the end of the last successful refresh.
    pub last_success: Option<f64>,
    /// Seconds the last refresh took.
    pub last_duration: Option<f64>,
    pub refreshes_ok: u64,
    pub refreshes_failed: u64,
    /// Calls by outcome.
    pub calls: Vec<(&'static str, u64)>,
}

/// The bodies of `/metrics` in both formats.
#[derive(Clone)]
pub struct Bodies {
    pub text: Arc<[u8]>,
    pub openmetrics: Arc<[u8]>,
}

/// What the scrapes read: the bodies of the last refresh.
pub struct Served {
    bodies: Mutex<Bodies>,
}

impl Served {
    /// Before the first refresh: the exporter's own metrics only.
    pub fn new(status: &Status) -> Served {
        Served {
            bodies: Mutex::new(render(&[], status)),
        }
    }

    pub fn get(&self) -> Bodies {
        self.bodies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set(&self, bodies: Bodies) {
        *self.bodies.lock().unwrap_or_else(|p| p.into_inner()) = bodies;
    }
}

/// The bodies for `instances` (in order) and `status`.
pub fn render(instances: &[(String, Kept)], status: &Status) -> Bodies {
    let text = render_in(Exposition::Text, instances, status);
    let openmetrics = render_in(Exposition::OpenMetrics, instances, status);
    Bodies {
        text: text.into_bytes().into(),
        openmetrics: openmetrics.into_bytes().into(),
    }
}

fn render_in(format: Exposition, instances: &[(String, Kept)], status: &Status) -> String {
    let mut out = String::new();
    if !instances.is_empty() {
        for (index, (head, optional)) in instance_families().enumerate() {
            if optional && instances.iter().all(|(_, k)| k.lines(index).is_empty()) {
                continue;
            }
            out.push_str(&head.head(format));
            for (_, kept) in instances {
                out.push_str(kept.lines(index));
            }
        }
        out.push_str(&UP.head(format));
        for (id, kept) in instances {
            let labels = instance_labels(id, kept.name.as_deref());
            out.push_str(&UP.sample(&labels, f64::from(u8::from(kept.is_up()))));
        }
    }
    out.push_str(&LAST_SUCCESS.head(format));
    out.push_str(&LAST_SUCCESS.sample(&[], status.last_success.unwrap_or(0.0)));
    out.push_str(&DURATION.head(format));
    out.push_str(&DURATION.sample(&[], status.last_duration.unwrap_or(0.0)));
    out.push_str(&REFRESHES.head(format));
    out.push_str(&REFRESHES.sample(&[("result", "success")], status.refreshes_ok as f64));
    out.push_str(&REFRESHES.sample(&[("result", "failure")], status.refreshes_failed as f64));
    out.push_str(&API_REQUESTS.head(format));
    for (outcome, count) in &status.calls {
        out.push_str(&API_REQUESTS.sample(&[("outcome", outcome)], *count as f64));
    }
    out.push_str(format.end());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures;
    use serde_json::json;

    fn series(id: &str, data: crate::error::Result<serde_json::Value>) -> InstanceSeries {
        let now = "2026-01-01T00:00:00Z".parse().unwrap();
        InstanceSeries::of(&fixtures::checked(fixtures::outcome(id, data), now))
    }

    fn healthy(id: &str) -> InstanceSeries {
        series(
            id,
            Ok(
                json!({"enableSSL": "OPEN", "forceSSL": "OPEN", "certValid": true,
                      "validPeriod": "2026-12-10T04:11:13Z"}),
            ),
        )
    }

    fn failed(id: &str) -> InstanceSeries {
        series(id, Err(crate::error::Error::network("down")))
    }

    fn samples(text: &str) -> Vec<&str> {
        text.lines().filter(|l| !l.starts_with('#')).collect()
    }

    #[test]
    fn before_the_first_refresh_only_the_exporters_own_metrics() {
        let bodies = Served::new(&Status::default()).get();
        let text = std::str::from_utf8(&bodies.text).unwrap();
        assert_eq!(
            samples(text),
            [
                "obssl_exporter_last_refresh_success_timestamp_seconds 0",
                "obssl_exporter_refresh_duration_seconds 0",
                "obssl_exporter_refreshes_total{result=\"success\"} 0",
                "obssl_exporter_refreshes_total{result=\"failure\"} 0",
            ]
        );
        assert!(text.contains("# TYPE obssl_exporter_refreshes_total counter\n"));
        let om = std::str::from_utf8(&bodies.openmetrics).unwrap();
        assert!(
            om.contains("# TYPE obssl_exporter_refreshes counter\n"),
            "{om}"
        );
        assert!(om.ends_with("\n# EOF\n"), "{om}");
    }

    #[test]
    fn a_failed_instance_keeps_its_last_good_values_and_goes_down() {
        let good = Kept::next(None, None, healthy("ob-a"), true);
        let down = Kept::next(Some(good.clone()), None, failed("ob-a"), false);
        let never = Kept::next(None, None, failed("ob-b"), false);
        let status = Status {
            calls: vec![("success", 3), ("network", 2)],
            ..Status::default()
        };
        let bodies = render(
            &[("ob-a".into(), down.clone()), ("ob-b".into(), never)],
            &status,
        );
        let text = String::from_utf8(bodies.text.to_vec()).unwrap();
        let body = samples(&text);
        assert_eq!(
            &body[..10],
            [
                "obssl_ssl_enabled{instance_id=\"ob-a\"} 1",
                "obssl_ssl_forced{instance_id=\"ob-a\"} 1",
                "obssl_cert_valid{instance_id=\"ob-a\"} 1",
                "obssl_cert_expiry_timestamp_seconds{instance_id=\"ob-a\"} 1796875873",
                "obssl_check_state{instance_id=\"ob-a\"} 0",
                "obssl_check_state{instance_id=\"ob-b\"} 3",
                "obssl_probe_success{instance_id=\"ob-a\"} 0",
                "obssl_probe_success{instance_id=\"ob-b\"} 0",
                "obssl_up{instance_id=\"ob-a\"} 0",
                "obssl_up{instance_id=\"ob-b\"} 0",
            ]
        );
        assert!(text.contains("obssl_exporter_api_requests_total{outcome=\"network\"} 2\n"));
        assert!(!text.contains("obssl_ca_"), "{text}");
        // Back up: the fresh values, up 1.
        let up = Kept::next(Some(down.clone()), None, healthy("ob-a"), true);
        assert_eq!(up, good);
        assert!(up.is_up());
        // A refresh that failed as a whole: the last good values, down.
        let whole = good.clone().down();
        assert!(!whole.is_up());
        assert_eq!(whole.lines(0), good.lines(0));
        assert_eq!(
            whole.lines(PROBE_SUCCESS),
            "obssl_probe_success{instance_id=\"ob-a\"} 0\n"
        );
    }
}
