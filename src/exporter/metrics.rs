//! What `/metrics` serves: the instance families of `check -o prometheus`
//! (the same definitions, [`crate::render::prometheus`]), `obssl_up` per
//! instance, `obssl_build_info` and the exporter's own metrics; rendered
//! once per refresh in both formats from each instance's typed values and
//! kept, so that a scrape only clones a reference-counted body under a lock
//! held for as long as that takes, never waiting for the API.
//!
//! Every value comes from the last background refresh (the HELP texts say
//! so). Per instance the last good values are kept: when an instance cannot
//! be read, its series keep the values of its last successful read and
//! `obssl_api_read_success` and `obssl_up` go to 0; an instance never read
//! successfully has the series `check` gives a failed instance (state 3).

use crate::render::exposition::{Exposition, FamilyHead};
use crate::render::prometheus::{instance_families, instance_labels, InstanceSeries};
use bytes::Bytes;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

const UP: FamilyHead = FamilyHead::gauge(
    "obssl_up",
    "Whether the last background refresh read the instance's SSL status: 1 yes, 0 no (its \
     other series then keep the values of its last successful read). Every obssl_ series of \
     an instance comes from the last background refresh, never from the scrape.",
);
const BUILD_INFO: FamilyHead = FamilyHead::gauge(
    "obssl_build_info",
    "A metric with a constant value 1 labelled by the version and revision of obssl, and the \
     platform it was built for.",
);
const READY: FamilyHead = FamilyHead::gauge(
    "obssl_exporter_ready",
    "Whether the first background refresh has completed (as /-/ready says): 1 yes, 0 no.",
);
const LAST_SUCCESS: FamilyHead = FamilyHead::gauge(
    "obssl_exporter_last_refresh_success_timestamp_seconds",
    "When the last background refresh that read the instance list (or the ids given) ended, \
     as a Unix timestamp in seconds; 0 before the first.",
);
const DURATION: FamilyHead = FamilyHead::gauge(
    "obssl_exporter_refresh_duration_seconds",
    "How long the last background refresh took, in seconds; 0 before the first.",
);
const REFRESHES: FamilyHead = FamilyHead::counter(
    "obssl_exporter_refreshes",
    "Background refreshes ended, by result: success (the instances were listed and read, \
     each with its own outcome) or failure (the run failed as a whole).",
);
const API_REQUESTS: FamilyHead = FamilyHead::counter(
    "obssl_exporter_api_requests",
    "Calls to the OceanBase Cloud API (an instance's SSL status, a page of the instance list) \
     by outcome: success, or the kind of error (auth, api, network, config, usage, internal).",
);
const RELOADS: FamilyHead = FamilyHead::counter(
    "obssl_exporter_reloads",
    "Reloads asked for by SIGHUP, by result: success (the web config, instance file and \
     profile were read again) or failure (something was invalid; the old configuration stays).",
);

const WIRE_PROBES: FamilyHead = FamilyHead::counter(
    "obssl_exporter_wire_probes",
    "With --wire: tenant addresses probed in the background refreshes, by the state of what \
     each served (OK, WARNING, CRITICAL, UNKNOWN).",
);
const WIRE_SECONDS: FamilyHead = FamilyHead::counter(
    "obssl_exporter_wire_probe_seconds",
    "With --wire: seconds the background refreshes spent probing tenant addresses, in all.",
);
const WIRE_LAST: FamilyHead = FamilyHead::gauge(
    "obssl_exporter_wire_probe_duration_seconds",
    "With --wire: how long the last background refresh's probes took, in seconds (bounded by \
     the refresh interval, at least 10 s, at most 2 min).",
);

/// The `revision` label of `obssl_build_info`: the commit obssl was built
/// from (set by build.rs from git, or by the build's `OBSSL_GIT_REVISION`).
const REVISION: &str = match option_env!("OBSSL_GIT_REVISION") {
    Some(revision) => revision,
    None => "unknown",
};

/// One instance as the exporter keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// The values served: the last read's when it worked, else those of the
    /// last successful read with `api_read` false, else those of the failed read.
    pub series: InstanceSeries,
    /// Whether the last refresh read it.
    pub up: bool,
    /// Whether it was ever read successfully.
    pub ever_read: bool,
}

impl Kept {
    pub fn is_up(&self) -> bool {
        self.up
    }

    /// What a refresh that read it (`up`) or not makes of what was kept.
    pub fn next(previous: Option<Kept>, series: InstanceSeries, up: bool) -> Kept {
        match previous {
            _ if up => Kept {
                series,
                up: true,
                ever_read: true,
            },
            Some(previous) if previous.ever_read => Kept {
                series: InstanceSeries {
                    name: series.name,
                    ..previous.series
                },
                ..previous
            }
            .down(),
            _ => Kept {
                series,
                up: false,
                ever_read: false,
            },
        }
    }

    /// Marked down (its read failed, or a refresh that failed as a whole):
    /// the values stay, `obssl_api_read_success` 0.
    pub fn down(mut self) -> Kept {
        self.up = false;
        self.series.api_read = false;
        self
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
    pub reloads_ok: u64,
    pub reloads_failed: u64,
    /// Calls by outcome.
    pub calls: Vec<(&'static str, u64)>,
    /// Whether a refresh has completed.
    pub ready: bool,
    /// With `--wire`: the addresses probed so far by state, the seconds the
    /// probes took in all, and in the last refresh.
    pub wire: bool,
    pub wire_probes: std::collections::BTreeMap<&'static str, u64>,
    pub wire_seconds: f64,
    pub wire_last_duration: Option<f64>,
}

/// The bodies of `/metrics` in both formats.
#[derive(Clone)]
pub struct Bodies {
    pub text: Bytes,
    pub openmetrics: Bytes,
}

/// What the scrapes read: the bodies of the last refresh.
pub struct Served {
    bodies: Mutex<Bodies>,
    ready: AtomicBool,
}

impl Served {
    /// Before the first refresh: the exporter's own metrics only.
    pub fn new(status: &Status) -> Served {
        Served {
            bodies: Mutex::new(render(&[], status)),
            ready: AtomicBool::new(false),
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

    /// Whether the first refresh has completed (`/-/ready`).
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    pub fn set_ready(&self) {
        self.ready.store(true, Ordering::SeqCst);
    }
}

/// The bodies for `instances` (in order) and `status`.
pub fn render(instances: &[Kept], status: &Status) -> Bodies {
    let text = render_in(Exposition::Text, instances, status);
    let openmetrics = render_in(Exposition::OpenMetrics, instances, status);
    Bodies {
        text: text.into(),
        openmetrics: openmetrics.into(),
    }
}

fn render_in(format: Exposition, instances: &[Kept], status: &Status) -> String {
    let mut out = String::new();
    if !instances.is_empty() {
        let mut family = String::new();
        for (index, (head, optional)) in instance_families().enumerate() {
            family.clear();
            for kept in instances {
                kept.series.family(index, &mut family);
            }
            if optional && family.is_empty() {
                continue;
            }
            out.push_str(&head.head(format));
            out.push_str(&family);
        }
        out.push_str(&UP.head(format));
        for kept in instances {
            let labels = instance_labels(&kept.series.id, kept.series.name.as_deref());
            out.push_str(&UP.sample(&labels, f64::from(u8::from(kept.is_up()))));
        }
    }
    out.push_str(&BUILD_INFO.head(format));
    out.push_str(&BUILD_INFO.sample(
        &[
            ("version", env!("CARGO_PKG_VERSION")),
            ("revision", REVISION),
            ("os", std::env::consts::OS),
            ("arch", std::env::consts::ARCH),
        ],
        1.0,
    ));
    out.push_str(&READY.head(format));
    out.push_str(&READY.sample(&[], f64::from(u8::from(status.ready))));
    out.push_str(&LAST_SUCCESS.head(format));
    out.push_str(&LAST_SUCCESS.sample(&[], status.last_success.unwrap_or(0.0)));
    out.push_str(&DURATION.head(format));
    out.push_str(&DURATION.sample(&[], status.last_duration.unwrap_or(0.0)));
    out.push_str(&REFRESHES.head(format));
    out.push_str(&REFRESHES.sample(&[("result", "success")], status.refreshes_ok as f64));
    out.push_str(&REFRESHES.sample(&[("result", "failure")], status.refreshes_failed as f64));
    out.push_str(&RELOADS.head(format));
    out.push_str(&RELOADS.sample(&[("result", "success")], status.reloads_ok as f64));
    out.push_str(&RELOADS.sample(&[("result", "failure")], status.reloads_failed as f64));
    if status.wire {
        out.push_str(&WIRE_PROBES.head(format));
        for state in ["OK", "WARNING", "CRITICAL", "UNKNOWN"] {
            let count = status.wire_probes.get(state).copied().unwrap_or(0);
            out.push_str(&WIRE_PROBES.sample(&[("state", state)], count as f64));
        }
        out.push_str(&WIRE_SECONDS.head(format));
        out.push_str(&WIRE_SECONDS.sample(&[], status.wire_seconds));
        out.push_str(&WIRE_LAST.head(format));
        out.push_str(&WIRE_LAST.sample(&[], status.wire_last_duration.unwrap_or(0.0)));
    }
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
        let build = format!(
            "obssl_build_info{{version=\"{}\",revision=\"{REVISION}\",os=\"{}\",arch=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH
        );
        assert_eq!(
            samples(text),
            [
                build.as_str(),
                "obssl_exporter_ready 0",
                "obssl_exporter_last_refresh_success_timestamp_seconds 0",
                "obssl_exporter_refresh_duration_seconds 0",
                "obssl_exporter_refreshes_total{result=\"success\"} 0",
                "obssl_exporter_refreshes_total{result=\"failure\"} 0",
                "obssl_exporter_reloads_total{result=\"success\"} 0",
                "obssl_exporter_reloads_total{result=\"failure\"} 0",
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
        let good = Kept::next(None, healthy("ob-a"), true);
        let down = Kept::next(Some(good.clone()), failed("ob-a"), false);
        let never = Kept::next(None, failed("ob-b"), false);
        let status = Status {
            calls: vec![("success", 3), ("network", 2)],
            ..Status::default()
        };
        let bodies = render(&[down.clone(), never], &status);
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
                "obssl_api_read_success{instance_id=\"ob-a\"} 0",
                "obssl_api_read_success{instance_id=\"ob-b\"} 0",
                "obssl_up{instance_id=\"ob-a\"} 0",
                "obssl_up{instance_id=\"ob-b\"} 0",
            ]
        );
        assert!(text.contains("obssl_exporter_api_requests_total{outcome=\"network\"} 2\n"));
        assert!(!text.contains("obssl_ca_"), "{text}");
        // Back up: the fresh values, up 1.
        let up = Kept::next(Some(down.clone()), healthy("ob-a"), true);
        assert_eq!(up, good);
        assert!(up.is_up());
        // Down twice: still the last good values.
        let again = Kept::next(Some(down.clone()), failed("ob-a"), false);
        assert_eq!(again, down);
        // A refresh that failed as a whole: the last good values, down.
        let whole = good.clone().down();
        assert!(!whole.is_up());
        assert_eq!(
            InstanceSeries {
                api_read: true,
                ..whole.series.clone()
            },
            good.series
        );
        let mut line = String::new();
        let read = instance_families()
            .position(|(head, _)| head.name == "obssl_api_read_success")
            .unwrap();
        whole.series.family(read, &mut line);
        assert_eq!(line, "obssl_api_read_success{instance_id=\"ob-a\"} 0\n");
    }
}
