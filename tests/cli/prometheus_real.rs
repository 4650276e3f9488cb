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

use crate::support::exporter::{http_get, sample, Answer, Exporter};
use crate::support::prometheus::{promtool_check_metrics, require};
use crate::support::*;
use obssl_mock::MockConfig;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
        "obssl_api_read_success{instance_id=\"mock-not-found\"}",
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

/// A file of docs/prometheus/.
fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/prometheus")
        .join(name)
}

/// What a program said, stdout then stderr, and whether it succeeded.
fn said(out: &std::process::Output) -> (bool, String) {
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn promtool_checks_and_unit_tests_the_shipped_alert_rules() {
    let test = "promtool_checks_and_unit_tests_the_shipped_alert_rules";
    let Some(promtool) = require("promtool", test) else {
        return;
    };
    let rules = shipped("alerts.yml");
    let (ok, text) = said(
        &Command::new(&promtool)
            .args(["check", "rules"])
            .arg(&rules)
            .output()
            .unwrap(),
    );
    assert!(ok && text.contains("SUCCESS: 18 rules found"), "{text}");
    // The unit tests beside the rules: each alert raised by its input series.
    let (ok, text) = said(
        &Command::new(&promtool)
            .args(["test", "rules", "alerts.test.yml"])
            .current_dir(shipped(""))
            .output()
            .unwrap(),
    );
    assert!(ok && text.contains("SUCCESS"), "{text}");
    // docs/monitoring.md points at both.
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/monitoring.md"))
        .unwrap();
    for link in [
        "prometheus/alerts.yml",
        "prometheus/alerts.test.yml",
        "prometheus/grafana-dashboard.json",
    ] {
        assert!(
            doc.contains(link),
            "docs/monitoring.md does not link {link}"
        );
    }
}

/// Starts Prometheus with `config` (YAML) in `dir`; its address.
fn start_prometheus(prometheus: &Path, dir: &Path, config: &str) -> (Running, SocketAddr) {
    let file = dir.join("prometheus.yml");
    std::fs::write(&file, config).unwrap();
    let web = free_addr();
    let log = std::fs::File::create(dir.join("prometheus.log")).unwrap();
    let running = Running(
        Command::new(prometheus)
            .arg(format!("--config.file={}", file.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={web}"))
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("prometheus starts"),
    );
    wait_for(Duration::from_secs(60), "Prometheus to be ready", || {
        (answers(web) && get(web, "/-/ready").status == 200).then_some(())
    });
    (running, web)
}

/// A chunked body (Go's server chunks large answers) put together.
fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || tail.len() < size {
            break;
        }
        out.push_str(&tail[..size]);
        rest = tail[size..].trim_start_matches("\r\n");
    }
    out
}

/// An instant query's result, or why it failed.
fn query(web: SocketAddr, q: &str) -> Result<Vec<serde_json::Value>, String> {
    let mut encoded = String::new();
    for b in q.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let answer = get(web, &format!("/api/v1/query?query={encoded}"));
    let body = if answer
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        dechunk(&answer.body)
    } else {
        answer.body.clone()
    };
    let value: serde_json::Value =
        serde_json::from_str(&body).map_err(|e| format!("{e}: {answer:?}"))?;
    if value["status"] != "success" {
        return Err(format!("{q}: {value}"));
    }
    Ok(value["data"]["result"]
        .as_array()
        .cloned()
        .unwrap_or_default())
}

#[test]
fn prometheus_raises_each_alert_from_the_fixtures_and_answers_every_dashboard_query() {
    let test = "prometheus_raises_each_alert_from_the_fixtures_and_answers_every_dashboard_query";
    let Some(prometheus) = require("prometheus", test) else {
        return;
    };
    // obcluster-demo's tenant address: a MySQL server that offers no TLS (--wire).
    use crate::support::mysql::{greeting, greeting_server, NO_SSL_CAPABILITIES};
    let plain = greeting_server(greeting(b"5.7.25-fake-OceanBase", 42, NO_SSL_CAPABILITIES));
    let mock = start_mock(MockConfig {
        tenant_addresses: vec![format!("obcluster-demo=127.0.0.1:{plain}")
            .parse::<obssl_mock::MockTenantAddress>()
            .unwrap()],
        ..MockConfig::default()
    });
    let home = home();
    let dir = tempfile::tempdir().unwrap();
    // A bundle that holds none of the mock's CAs: every CA is "not in the bundle".
    crate::support::web::write_pki(dir.path());
    let bundle = dir.path().join("ca.pem");
    let fixtures = [
        "obcluster-ssl-off",
        "obcluster-not-forced",
        "obcluster-cert-invalid",
        "obcluster-expiring-warn",
        "obcluster-expired",
        "obcluster-ca-expiring",
        "obcluster-ca-broken",
        "obcluster-demo",
        "mock-not-found",
    ];
    let mut args = fixtures.to_vec();
    args.extend([
        "--ca",
        "--ca-file",
        bundle.to_str().unwrap(),
        "--refresh",
        "1h",
        "--wire",
    ]);
    let exporter = Exporter::start(&mock, home.path(), &args);
    exporter.wait_for_refreshes(1);
    // An exporter whose AccessKey secret is wrong: every refresh fails as a whole.
    let failing = Exporter::start_with_env(
        &mock,
        home.path(),
        &["--all", "--refresh", "1s", "--retries", "0"],
        &[("OBSSL_ACCESS_KEY_SECRET", "not-the-secret-0000")],
    );
    failing.wait_for_refreshes(1);
    // And a target that is not there.
    let gone = free_addr();
    std::fs::copy(shipped("alerts.yml"), dir.path().join("alerts.yml")).unwrap();
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
         rule_files: [alerts.yml]\n\
         scrape_configs:\n  - job_name: obssl\n    static_configs:\n      - targets: ['{}', '{}', '{gone}']\n",
        exporter.addr, failing.addr
    );
    let (_prometheus, web) = start_prometheus(&prometheus, dir.path(), &config);
    // Each alert with what raises it: (alert, label, value).
    let expected = [
        (
            "ObsslSSLDisabled",
            "instance_id",
            "obcluster-ssl-off".to_string(),
        ),
        (
            "ObsslSSLNotEnforced",
            "instance_id",
            "obcluster-not-forced".into(),
        ),
        (
            "ObsslCertificateInvalid",
            "instance_id",
            "obcluster-cert-invalid".into(),
        ),
        (
            "ObsslCertificateExpiringSoon",
            "instance_id",
            "obcluster-expiring-warn".into(),
        ),
        (
            "ObsslCertificateExpired",
            "instance_id",
            "obcluster-expired".into(),
        ),
        (
            "ObsslCAExpiringSoon",
            "instance_id",
            "obcluster-ca-expiring".into(),
        ),
        ("ObsslCANotInBundle", "instance_id", "obcluster-demo".into()),
        (
            "ObsslCheckCritical",
            "instance_id",
            "obcluster-expired".into(),
        ),
        (
            "ObsslCheckUnknown",
            "instance_id",
            "obcluster-ca-broken".into(),
        ),
        (
            "ObsslAPIReadFailing",
            "instance_id",
            "mock-not-found".into(),
        ),
        (
            "ObsslExporterCannotReadAPI",
            "instance",
            failing.addr.to_string(),
        ),
        ("ObsslExporterStale", "instance", failing.addr.to_string()),
        ("ObsslExporterDown", "instance", gone.to_string()),
        ("ObsslWireNoTLS", "address", format!("127.0.0.1:{plain}")),
    ];
    let raised = |alerts: &[serde_json::Value], (name, label, value): &(&str, &str, String)| {
        alerts
            .iter()
            .any(|a| a["metric"]["alertname"] == *name && a["metric"][*label] == value.as_str())
    };
    let deadline = Instant::now() + Duration::from_secs(90);
    let alerts = loop {
        let answer = query(web, "ALERTS");
        let alerts = answer.clone().unwrap_or_default();
        let missing: Vec<_> = expected.iter().filter(|e| !raised(&alerts, e)).collect();
        if missing.is_empty() {
            break alerts;
        }
        assert!(
            Instant::now() < deadline,
            "alerts not raised: {missing:?}\nALERTS: {answer:#?}\nrules: {}\n{}",
            get(web, "/api/v1/rules").body,
            std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    let mut report = String::from("alerts raised in Prometheus from the mock's fixtures:\n");
    for e in &expected {
        report.push_str(&format!("  {} <- {}={}\n", e.0, e.1, e.2));
    }
    // Nothing raised for the healthy instance but what --ca-file and its
    // address without TLS mean for it (both CRITICAL findings of the check).
    for a in &alerts {
        if a["metric"]["instance_id"] == "obcluster-demo" {
            let name = a["metric"]["alertname"].as_str().unwrap();
            assert!(
                ["ObsslCANotInBundle", "ObsslCheckCritical", "ObsslWireNoTLS"].contains(&name),
                "{a}"
            );
        }
    }
    // The dashboard: every panel's query parses and is answered; with these
    // fixtures every one but the wire's (no --wire here) returns data.
    let dashboard: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(shipped("grafana-dashboard.json")).unwrap())
            .unwrap();
    assert_eq!(dashboard["__inputs"][0]["name"], "DS_PROMETHEUS");
    let mut current_row = String::new();
    let mut rows: Vec<(String, usize, usize)> = Vec::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        if panel["type"] == "row" {
            current_row = panel["title"].as_str().unwrap().to_string();
            rows.push((current_row.clone(), 0, 0));
            continue;
        }
        assert_eq!(panel["datasource"]["uid"], "${DS_PROMETHEUS}", "{panel}");
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            let result = wait_for(Duration::from_secs(30), expr, || {
                let result = query(web, expr).unwrap_or_else(|e| panic!("{e}"));
                (!result.is_empty() || current_row.starts_with("Wire")).then_some(result)
            });
            let row = rows.last_mut().unwrap();
            row.1 += 1;
            if !result.is_empty() {
                row.2 += 1;
            }
        }
    }
    report.push_str("dashboard rows (queries with data / queries):\n");
    for (row, queries, with_data) in &rows {
        report.push_str(&format!("  {row}: {with_data}/{queries}\n"));
    }
    let _ = writeln!(std::io::stderr(), "{report}");
    assert_eq!(rows.len(), 5, "{report}");
    // The wire row: the address without TLS, and the unreachable ones (the other
    // instances' tenants point at a closed port).
    let wire = rows.iter().find(|r| r.0.starts_with("Wire")).unwrap();
    assert_eq!(wire.2, 2, "{report}");
}

#[test]
fn prometheus_scrapes_over_tls_with_basic_auth_and_node_exporter_takes_the_same_file() {
    let test = "prometheus_scrapes_over_tls_with_basic_auth_and_node_exporter_takes_the_same_file";
    let (Some(prometheus), Some(node_exporter)) = (
        require("prometheus", test),
        require("prometheus-node-exporter", test),
    ) else {
        return;
    };
    let Some(htpasswd) = require("htpasswd", test) else {
        return;
    };
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let dir = tempfile::tempdir().unwrap();
    crate::support::web::write_pki(dir.path());
    let password = "scrape-password-0123";
    // The hash as the exporter toolkit's docs make it.
    let out = Command::new(htpasswd)
        .args(["-nbBC", "10", "prometheus", password])
        .output()
        .unwrap();
    let line = String::from_utf8(out.stdout).unwrap();
    let hash = line.trim().split_once(':').unwrap().1.to_string();
    let web_config = format!(
        "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  \
         client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n  \
         min_version: TLS12\n\
         http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n    \
         X-Frame-Options: deny\n\
         basic_auth_users:\n  prometheus: {hash}\n"
    );
    let _ = writeln!(
        std::io::stderr(),
        "web config used by node_exporter and obssl:\n{web_config}"
    );
    let config = dir.path().join("web-config.yml");
    std::fs::write(&config, &web_config).unwrap();
    let file = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let (ca, cert, key) = (file("ca.pem"), file("client.pem"), file("client.key"));
    let tls = ["--cacert", &ca, "--cert", &cert, "--key", &key];
    let good = format!("prometheus:{password}");
    // node_exporter, the reference, takes the file.
    let node = free_addr();
    let _node = Running(
        Command::new(node_exporter)
            .args(["--collector.disable-defaults", "--collector.textfile"])
            .arg(format!("--web.config.file={}", config.display()))
            .arg(format!("--web.listen-address={node}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("node_exporter starts"),
    );
    let obssl = Exporter::start(
        &mock,
        home.path(),
        &[
            "obxxx",
            "--refresh",
            "1h",
            "--web.config.file",
            config.to_str().unwrap(),
        ],
    );
    for addr in [node, obssl.addr] {
        let url = format!("https://{addr}/metrics");
        let mut with_auth = tls.to_vec();
        with_auth.extend(["-u", &good]);
        wait_for(
            Duration::from_secs(30),
            "a scrape over TLS with basic auth",
            || {
                let (code, status, body) = crate::support::web::curl(&url, &with_auth);
                (code == 0 && status == 200 && !body.is_empty()).then_some(())
            },
        );
        let mut wrong = tls.to_vec();
        wrong.extend(["-u", "prometheus:wrong"]);
        assert_eq!(crate::support::web::curl(&url, &wrong).1, 401, "{addr}");
        // No client certificate: refused in the handshake.
        let (code, status, _) = crate::support::web::curl(&url, &["--cacert", &ca, "-u", &good]);
        assert!(
            code != 0 && status == 0,
            "{addr}: curl {code} HTTP {status}"
        );
    }
    // Prometheus scrapes obssl with the client certificate and the password.
    let prom_dir = tempfile::tempdir().unwrap();
    let scrape = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\
         scrape_configs:\n  - job_name: obssl\n    scheme: https\n    \
         tls_config:\n      ca_file: {ca}\n      cert_file: {cert}\n      key_file: {key}\n    \
         basic_auth:\n      username: prometheus\n      password: {password}\n    \
         static_configs:\n      - targets: ['{}']\n",
        obssl.addr
    );
    let (_prometheus, web) = start_prometheus(&prometheus, prom_dir.path(), &scrape);
    let up = wait_for(Duration::from_secs(60), "up 1 over TLS", || {
        let result = query(web, "up{job=\"obssl\"}").ok()?;
        let value = result.first()?["value"][1].as_str()?.to_string();
        (value == "1").then_some(value)
    });
    assert_eq!(up, "1");
    let expiry = wait_for(Duration::from_secs(30), "obxxx's expiry over TLS", || {
        let result = query(web, "obssl_cert_expiry_timestamp_seconds").ok()?;
        result.first()?["value"][1].as_str().map(str::to_string)
    });
    assert_eq!(expiry, "1796875873");
    let log = obssl.stderr();
    assert!(!log.contains(password) && !log.contains(&hash), "{log}");
}
