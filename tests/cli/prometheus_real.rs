//! Our metrics read by the real programs that read them: a Prometheus server
//! scraping `obssl exporter`, a node_exporter reading `check -o prometheus
//! --write` from its textfile directory, `promtool check metrics` over both
//! outputs, and `promtool check rules` over the alert rules of
//! docs/monitoring.md (taken from the doc itself, so that the two cannot drift).
//!
//! Each program runs from a temporary directory on loopback, on a free port.
//! Without `prometheus`, `promtool` or `prometheus-node-exporter` these tests
//! print that they were skipped and how to install them; with
//! `OBSSL_REQUIRE_PROMETHEUS=1` (set by `.ci/run`) a missing program is a failure.

use crate::exporter::{http_get, sample, Answer, Exporter};
use crate::util::*;
use obssl_mock::MockConfig;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The program `name`, from PATH or /usr/bin, or `None` after saying on the
/// real stderr that `test` is skipped (a failure with OBSSL_REQUIRE_PROMETHEUS=1).
pub(crate) fn require(name: &str, test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/local/bin")])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    if found.is_some() {
        return found;
    }
    if std::env::var("OBSSL_REQUIRE_PROMETHEUS").is_ok_and(|v| v == "1") {
        panic!("OBSSL_REQUIRE_PROMETHEUS=1 but {name} was not found");
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {name} was not found. Install it (Debian: apt-get install prometheus \
         prometheus-node-exporter) and run `OBSSL_REQUIRE_PROMETHEUS=1 cargo test prometheus_real` \
         (as .ci/run does)."
    );
    None
}

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], refused_port()))
}

/// `GET path` from a Go server (which keeps connections open unless told not to).
fn get(addr: SocketAddr, path: &str) -> Answer {
    http_get(addr, path, &[("Connection", "close")])
}

/// Waits at most `limit` for `ready` to give a value.
fn wait_for<T>(limit: Duration, what: &str, mut ready: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = ready() {
            return value;
        }
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Whether something answers HTTP on `addr`.
fn answers(addr: SocketAddr) -> bool {
    std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

/// `promtool check metrics` over `text` on stdin: what it said, empty when clean.
pub(crate) fn promtool_check_metrics(promtool: &Path, text: &str) -> (bool, String) {
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

/// The now of the test machine, in Unix seconds.
fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

const DAY: f64 = 86_400.0;

#[test]
fn prometheus_scrapes_the_exporter_and_holds_the_fixtures_values() {
    let test = "prometheus_scrapes_the_exporter_and_holds_the_fixtures_values";
    let Some(prometheus) = require("prometheus", test) else {
        return;
    };
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let exporter = Exporter::start(
        &mock,
        home.path(),
        &[
            "obxxx",
            "obcluster-demo",
            "obcluster-expired",
            "mock-not-found",
            "--refresh",
            "1h",
            "-v",
        ],
    );
    exporter.wait_for_refreshes(1);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\
             scrape_configs:\n  - job_name: obssl\n    static_configs:\n      - targets: ['{}']\n",
            exporter.addr
        ),
    )
    .unwrap();
    let web = free_addr();
    let log = std::fs::File::create(dir.path().join("prometheus.log")).unwrap();
    let _prometheus = Running(
        Command::new(prometheus)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address={web}"))
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("prometheus starts"),
    );
    let prometheus_log = || std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap();
    wait_for(Duration::from_secs(60), "Prometheus to be ready", || {
        (answers(web) && get(web, "/-/ready").status == 200).then_some(())
    });
    let query = |q: &str| -> serde_json::Value {
        let answer = get(web, &format!("/api/v1/query?query={q}"));
        assert_eq!(answer.status, 200, "{answer:?}");
        serde_json::from_str(&answer.body).unwrap()
    };
    let family = "obssl_cert_expiry_timestamp_seconds";
    let result = wait_for(
        Duration::from_secs(60),
        "the first scrape in Prometheus",
        || {
            let answer = query(family);
            let result = answer["data"]["result"].as_array()?.clone();
            (result.len() == 3).then_some((answer, result))
        },
    );
    let (answer, result) = result;
    let _ = writeln!(
        std::io::stderr(),
        "Prometheus /api/v1/query?query={family}:\n{}",
        serde_json::to_string_pretty(&answer).unwrap()
    );
    assert_eq!(answer["status"], "success");
    let value_of = |result: &[serde_json::Value], id: &str| -> f64 {
        let series = result
            .iter()
            .find(|s| s["metric"]["instance_id"] == id)
            .unwrap_or_else(|| panic!("no series of {id}: {result:?}"));
        assert_eq!(series["metric"]["job"], "obssl");
        assert_eq!(series["metric"]["instance"], exporter.addr.to_string());
        series["value"][1].as_str().unwrap().parse().unwrap()
    };
    // The fixtures: obxxx is the API reference's example; obcluster-demo
    // expires 200 days after its answer, obcluster-expired 2 days before.
    assert_eq!(value_of(&result, "obxxx"), 1_796_875_873.0);
    let demo = value_of(&result, "obcluster-demo");
    assert!((demo - (now() + 200.0 * DAY)).abs() < DAY, "{demo}");
    let expired = value_of(&result, "obcluster-expired");
    assert!((expired - (now() - 2.0 * DAY)).abs() < DAY, "{expired}");
    // mock-not-found has no expiry, and obssl_up 0.
    let up = query("obssl_up");
    let up = up["data"]["result"].as_array().unwrap();
    assert_eq!(value_of(up, "mock-not-found"), 0.0);
    assert_eq!(value_of(up, "obxxx"), 1.0);
    let state = query("obssl_check_state");
    assert_eq!(
        value_of(
            state["data"]["result"].as_array().unwrap(),
            "obcluster-expired"
        ),
        2.0
    );
    // The counter came through as a counter.
    let calls = query("obssl_exporter_api_requests_total");
    let calls = calls["data"]["result"].as_array().unwrap();
    let success = calls
        .iter()
        .find(|s| s["metric"]["outcome"] == "success")
        .unwrap();
    assert_eq!(success["value"][1], "3");
    // The target is up, and it was scraped in OpenMetrics (what Prometheus asks for first).
    let targets = get(web, "/api/v1/targets");
    let targets: serde_json::Value = serde_json::from_str(&targets.body).unwrap();
    let active = targets["data"]["activeTargets"].as_array().unwrap();
    assert_eq!(active.len(), 1, "{targets}");
    assert_eq!(active[0]["health"], "up", "{targets}\n{}", prometheus_log());
    assert_eq!(active[0]["lastError"], "", "{targets}");
    let log = exporter.stderr();
    assert!(
        log.contains("GET /metrics 200 application/openmetrics-text"),
        "{log}"
    );
    // Prometheus's scrapes did not call the API: one refresh, four calls.
    assert_eq!(
        mock.requests().iter().filter(|r| r.status != 401).count(),
        4,
        "{log}"
    );
}

#[test]
fn node_exporter_reads_the_textfile_without_error() {
    let test = "node_exporter_reads_the_textfile_without_error";
    let Some(node_exporter) = require("prometheus-node-exporter", test) else {
        return;
    };
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("obssl.prom");
    let run = Run::of(obssl_for(&mock, home.path()).args([
        "check",
        "obxxx",
        "obcluster-demo",
        "mock-not-found",
        "--ca",
        "-o",
        "prometheus",
        "--write",
        file.to_str().unwrap(),
    ]));
    // (Its status depends on the day: obxxx's certificate expires on a fixed date.)
    assert!(file.is_file(), "{}", run.stderr);
    let web = free_addr();
    let _node = Running(
        Command::new(node_exporter)
            .args(["--collector.disable-defaults", "--collector.textfile"])
            .arg(format!(
                "--collector.textfile.directory={}",
                dir.path().display()
            ))
            .arg(format!("--web.listen-address={web}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("node_exporter starts"),
    );
    let body = wait_for(Duration::from_secs(30), "node_exporter", || {
        if !answers(web) {
            return None;
        }
        let answer = get(web, "/metrics");
        (answer.status == 200).then_some(answer.body)
    });
    assert_eq!(
        sample(&body, "node_textfile_scrape_error"),
        Some(0.0),
        "{body}"
    );
    assert_eq!(
        sample(
            &body,
            "obssl_cert_expiry_timestamp_seconds{instance_id=\"obxxx\"}"
        ),
        Some(1_796_875_873.0),
        "{body}"
    );
    for series in [
        "obssl_ssl_enabled{instance_id=\"obcluster-demo\"}",
        "obssl_probe_success{instance_id=\"mock-not-found\"}",
        "obssl_last_run_success",
        "obssl_ca_cert_not_after_timestamp_seconds{fingerprint=\"",
    ] {
        assert!(
            body.contains(&format!("\n{series}")),
            "{series} missing:\n{body}"
        );
    }
    assert!(body.contains("# TYPE obssl_check_state gauge"), "{body}");
}

#[test]
fn promtool_finds_both_outputs_clean() {
    let test = "promtool_finds_both_outputs_clean";
    let Some(promtool) = require("promtool", test) else {
        return;
    };
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let check =
        Run::of(obssl_for(&mock, home.path()).args(["check", "--all", "--ca", "-o", "prometheus"]));
    assert!(
        check.stdout.contains("obssl_ca_cert_not_after"),
        "{}",
        check.stdout
    );
    let exporter = Exporter::start(&mock, home.path(), &["--all", "--ca", "--refresh", "1h"]);
    exporter.wait_for_refreshes(1);
    let served = exporter.metrics();
    assert!(served.contains("obssl_up{"), "{served}");
    for (what, text) in [("check -o prometheus", check.stdout), ("exporter", served)] {
        let (ok, said) = promtool_check_metrics(&promtool, &text);
        assert!(ok && said.is_empty(), "promtool on {what}: {said}\n{text}");
    }
}

/// The alert rules of docs/monitoring.md: the ```yaml block after the
/// `<!-- promtool: rules -->` marker.
fn documented_rules() -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/monitoring.md"))
        .unwrap();
    let after = doc
        .split("<!-- promtool: rules -->")
        .nth(1)
        .expect("docs/monitoring.md marks its rules with <!-- promtool: rules -->");
    let block = after
        .split("```yaml\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("a ```yaml block after the marker");
    format!("{block}\n")
}

#[test]
fn promtool_accepts_the_documented_alert_rules() {
    let test = "promtool_accepts_the_documented_alert_rules";
    let Some(promtool) = require("promtool", test) else {
        return;
    };
    let rules = documented_rules();
    for alert in ["ObsslCertificateExpiringSoon", "ObsslInstanceDown"] {
        assert!(rules.contains(&format!("alert: {alert}")), "{rules}");
    }
    assert!(rules.contains("obssl_up == 0"), "{rules}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("obssl-rules.yml");
    std::fs::write(&file, &rules).unwrap();
    let out = Command::new(promtool)
        .args(["check", "rules"])
        .arg(&file)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}\n{rules}");
    assert!(said.contains("SUCCESS"), "{said}");
}
