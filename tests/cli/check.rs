//! `obssl check` end to end: every state, the worst-wins rule in each output
//! form, Prometheus output read back with a real parser, `--write`, and the
//! plugin exit statuses for usage and configuration errors.

use crate::support::prometheus::parse_prometheus;
use crate::support::*;
use obssl_mock::{MockConfig, MockServer};
use predicates::prelude::*;
use prometheus_parse::{Scrape, Value as PromValue};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

fn check(mock: &MockServer, home: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = obssl_for(mock, home);
    cmd.arg("check").args(args);
    cmd
}

/// The unlabelled run-level gauge `name`, when present.
fn run_metric(scrape: &Scrape, name: &str) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == name)
        .map(|s| match s.value {
            PromValue::Gauge(v) | PromValue::Untyped(v) => v,
            ref other => panic!("{name} is not a gauge: {other:?}"),
        })
}

/// metric -> instance_id -> value (the run-level gauges left out)
fn metric_values(scrape: &Scrape) -> HashMap<String, HashMap<String, f64>> {
    let mut out: HashMap<String, HashMap<String, f64>> = HashMap::new();
    for sample in &scrape.samples {
        if sample.metric.starts_with("obssl_last_run_") {
            continue;
        }
        let value = match sample.value {
            PromValue::Gauge(v) | PromValue::Untyped(v) => v,
            ref other => panic!("{} is not a gauge: {other:?}", sample.metric),
        };
        let id = sample
            .labels
            .get("instance_id")
            .unwrap_or_else(|| panic!("{} has no instance_id", sample.metric))
            .to_string();
        out.entry(sample.metric.clone())
            .or_default()
            .insert(id, value);
    }
    out
}

#[test]
fn every_state_is_reachable_with_its_reason_and_exit_status() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let cases: [(&str, &[&str], i32, &str); 11] = [
        ("obcluster-demo", &[], 0, ""),
        ("obcluster-expiring-warn", &[], 1, "fewer than 30 days left"),
        ("obcluster-expiring-soon", &[], 2, "fewer than 7 days left"),
        ("obcluster-expired", &[], 2, "certificate expired"),
        (
            "obcluster-ssl-off",
            &[],
            2,
            "SSL not enabled (enableSSL is CLOSE)",
        ),
        ("obcluster-cert-invalid", &[], 2, "certificate not valid"),
        ("obcluster-bad-date", &[], 3, "could not be parsed"),
        (
            "mock-not-found",
            &[],
            3,
            "query failed: instance mock-not-found was not found",
        ),
        ("obcluster-not-forced", &[], 0, ""),
        (
            "obcluster-not-forced",
            &["--require-force-ssl"],
            1,
            "SSL not enforced (forceSSL is CLOSE)",
        ),
        (
            "obcluster-no-auto-update",
            &["--require-auto-update"],
            1,
            "certificate auto-update off (autoUpdate is CLOSE)",
        ),
    ];
    for (id, flags, code, reason) in cases {
        let state = ["OK", "WARNING", "CRITICAL", "UNKNOWN"][code as usize];
        let out = check(&mock, h.path(), &[id])
            .args(flags)
            .assert()
            .code(code);
        let text = stdout_of(&out);
        let mut lines = text.lines();
        let summary = lines.next().unwrap();
        assert!(
            summary.starts_with(&format!("SSL {state} - ")),
            "{id}: {text}"
        );
        assert!(summary.contains(" | critical="), "perfdata: {summary}");
        match lines.next() {
            None => assert_eq!(code, 0, "{id}: {text}"),
            Some(line) => {
                assert!(line.starts_with(&format!("{state} {id}: ")), "{line}");
                assert!(line.contains(reason), "{id}: {line}");
            }
        }
    }
}

#[test]
fn the_plugin_summary_counts_and_lists_problems_worst_first() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let out = check(
        &mock,
        h.path(),
        &[
            "obcluster-bad-date",
            "obcluster-demo",
            "obcluster-expiring-warn",
            "obcluster-expired",
            "obcluster-expiring-soon",
        ],
    )
    .assert()
    .code(2);
    let text = stdout_of(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "SSL CRITICAL - 2 critical, 1 warning, 1 unknown, 1 ok, next expiry: obcluster-expired \
         expired 2 days ago | critical=2;;;0; warning=1;;;0; unknown=1;;;0; ok=1;;;0; \
         next_expiry_days=-2;30:;7:;;"
    );
    let order: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "CRITICAL obcluster-expired",
            "CRITICAL obcluster-expiring-soon",
            "WARNING obcluster-expiring-warn",
            "UNKNOWN obcluster-bad-date"
        ]
    );
}

#[test]
fn worst_wins_in_plugin_json_and_prometheus_output() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    // (instances, expected overall state and exit status)
    let cases: [(&[&str], &str, i32); 5] = [
        (
            &["obcluster-demo", "obxxx-not-there-but-ok-id"][..1],
            "OK",
            0,
        ),
        (&["obcluster-demo", "obcluster-bad-date"], "UNKNOWN", 3),
        (
            &[
                "obcluster-bad-date",
                "obcluster-expiring-warn",
                "obcluster-demo",
            ],
            "WARNING",
            1,
        ),
        (
            &[
                "obcluster-expiring-warn",
                "mock-server-error",
                "obcluster-ssl-off",
            ],
            "CRITICAL",
            2,
        ),
        (&["obcluster-demo", "obcluster-legacy-date"], "OK", 0),
    ];
    let state_value = |s: &str| match s {
        "OK" => 0.0,
        "WARNING" => 1.0,
        "CRITICAL" => 2.0,
        _ => 3.0,
    };
    for (ids, state, code) in cases {
        let out = check(&mock, h.path(), ids).assert().code(code);
        assert!(
            stdout_of(&out).starts_with(&format!("SSL {state} - ")),
            "{ids:?}"
        );

        let out = check(&mock, h.path(), ids)
            .args(["-o", "json"])
            .assert()
            .code(code);
        let report: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
        assert_eq!(report["state"], state, "{ids:?}");
        let instances = report["instances"].as_array().unwrap();
        assert_eq!(instances.len(), ids.len());
        let worst = instances
            .iter()
            .map(|i| i["state"].as_str().unwrap())
            .max_by_key(|s| {
                ["OK", "UNKNOWN", "WARNING", "CRITICAL"]
                    .iter()
                    .position(|x| x == s)
            })
            .unwrap();
        assert_eq!(worst, state);

        let out = check(&mock, h.path(), ids)
            .args(["-o", "prometheus"])
            .assert()
            .code(code);
        let scrape = parse_prometheus(&stdout_of(&out));
        let values = metric_values(&scrape);
        let states = &values["obssl_check_state"];
        assert_eq!(states.len(), ids.len());
        let max = states.values().map(|v| *v as i32).collect::<Vec<_>>();
        let worst_value = ["OK", "UNKNOWN", "WARNING", "CRITICAL"]
            .iter()
            .rev()
            .find(|s| max.contains(&(state_value(s) as i32)))
            .unwrap();
        assert_eq!(*worst_value, state, "{ids:?}");
    }
}

#[test]
fn json_output_has_each_instance_state_reasons_and_errors() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let out = check(
        &mock,
        h.path(),
        &[
            "obcluster-demo",
            "obcluster-ssl-off",
            "mock-not-found",
            "-o",
            "json",
        ],
    )
    .assert()
    .code(2);
    let report: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(
        report["counts"],
        serde_json::json!({"critical": 1, "warning": 0, "unknown": 1, "ok": 1})
    );
    let i = &report["instances"];
    assert_eq!(i[0]["instanceId"], "obcluster-demo");
    assert_eq!(i[0]["state"], "OK");
    assert_eq!(i[0]["reasons"], serde_json::json!([]));
    assert!(i[0]["expiryTimestamp"].is_i64());
    assert_eq!(i[1]["state"], "CRITICAL");
    assert_eq!(i[1]["reasons"][0], "SSL not enabled (enableSSL is CLOSE)");
    assert_eq!(i[2]["state"], "UNKNOWN");
    assert_eq!(i[2]["error"]["status"], 404);
    assert_eq!(i[2]["error"]["errorCode"], "InstanceNotFound");
    assert_eq!(
        i[2]["error"]["message"], "instance mock-not-found was not found (HTTP 404)",
        "obssl's sentence"
    );
    assert_eq!(
        i[2]["error"]["apiMessage"], "Instance mock-not-found not found",
        "the API's errorMessage"
    );
}

#[test]
fn prometheus_output_parses_with_the_documented_metrics_and_values() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let ids = [
        "obcluster-demo",
        "obcluster-expiring-soon",
        "obcluster-ssl-off",
        "obcluster-not-forced",
        "obcluster-cert-invalid",
        "obcluster-bad-date",
        "mock-not-found",
    ];
    let before = jiff::Timestamp::now().as_second();
    let out = check(&mock, h.path(), &ids)
        .args(["-o", "prometheus", "--require-force-ssl"])
        .assert()
        .code(2);
    let text = stdout_of(&out);
    let scrape = parse_prometheus(&text);
    let v = metric_values(&scrape);
    let names = [
        "obssl_ssl_enabled",
        "obssl_ssl_forced",
        "obssl_cert_valid",
        "obssl_cert_expiry_timestamp_seconds",
        "obssl_ssl_force_supported",
        "obssl_check_state",
        "obssl_api_read_success",
    ];
    for name in names {
        assert!(v.contains_key(name), "{name}:\n{text}");
        assert!(text.contains(&format!("# HELP {name} ")), "{name}");
    }
    assert_eq!(v.len(), names.len(), "no other metrics");
    assert!(scrape.docs["obssl_check_state"].contains("0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN"));

    assert_eq!(v["obssl_ssl_enabled"]["obcluster-demo"], 1.0);
    assert_eq!(v["obssl_ssl_enabled"]["obcluster-ssl-off"], 0.0);
    assert_eq!(v["obssl_ssl_forced"]["obcluster-not-forced"], 0.0);
    assert_eq!(v["obssl_ssl_force_supported"]["obcluster-not-forced"], 1.0);
    assert_eq!(v["obssl_cert_valid"]["obcluster-cert-invalid"], 0.0);
    assert_eq!(v["obssl_cert_valid"]["obcluster-demo"], 1.0);
    let expiry = v["obssl_cert_expiry_timestamp_seconds"]["obcluster-expiring-soon"] as i64;
    assert!(
        (expiry - (before + 3 * 86_400)).abs() < 120,
        "a timestamp 3 days ahead, not a days gauge: {expiry}"
    );
    assert!(!v["obssl_cert_expiry_timestamp_seconds"].contains_key("obcluster-bad-date"));
    let state = &v["obssl_check_state"];
    assert_eq!(state["obcluster-demo"], 0.0);
    assert_eq!(state["obcluster-not-forced"], 1.0);
    assert_eq!(state["obcluster-expiring-soon"], 2.0);
    assert_eq!(state["obcluster-bad-date"], 3.0);
    assert_eq!(state["mock-not-found"], 3.0);
    // A failed probe: only its state and api_read_success.
    assert_eq!(v["obssl_api_read_success"]["mock-not-found"], 0.0);
    assert_eq!(v["obssl_api_read_success"]["obcluster-bad-date"], 1.0);
    for name in &names[..5] {
        assert!(!v[*name].contains_key("mock-not-found"), "{name}");
    }
}

#[test]
fn write_replaces_the_file_atomically_and_a_failed_run_leaves_it_alone() {
    let mock = start_mock(MockConfig {
        generated_instances: 5,
        ..MockConfig::default()
    });
    let h = home();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("obssl.prom");
    std::fs::write(&target, "# the previous run\n").unwrap();
    let names = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };

    // The instance list cannot be read (wrong secret): the file is replaced
    // by the run-level gauges alone, success 0, so no stale series live on.
    let before = jiff::Timestamp::now().as_second();
    obssl_for(&mock, h.path())
        .env("OBSSL_ACCESS_KEY_SECRET", "sk-wrong")
        .args(["check", "--all", "-o", "prometheus", "--write"])
        .arg(&target)
        .assert()
        .code(3)
        .stdout("");
    let text = std::fs::read_to_string(&target).unwrap();
    let scrape = parse_prometheus(&text);
    assert_eq!(
        run_metric(&scrape, "obssl_last_run_success"),
        Some(0.0),
        "{text}"
    );
    let stamp = run_metric(&scrape, "obssl_last_run_timestamp_seconds").unwrap();
    assert!(stamp >= before as f64, "{text}");
    assert_eq!(scrape.samples.len(), 2, "no per-instance series: {text}");
    assert_eq!(names(), ["obssl.prom"]);

    obssl_for(&mock, h.path())
        .args([
            "check",
            "obcluster-gen-0001",
            "obcluster-gen-0002",
            "-o",
            "prometheus",
            "--write",
        ])
        .arg(&target)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&target).unwrap();
    let scrape = parse_prometheus(&text);
    assert_eq!(run_metric(&scrape, "obssl_last_run_success"), Some(1.0));
    let v = metric_values(&scrape);
    assert_eq!(v["obssl_api_read_success"].len(), 2);
    assert_eq!(names(), ["obssl.prom"], "no temporary file left");

    // On stdout too, e.g. for a usage error found after parsing.
    let out = obssl_for(&mock, h.path())
        .args([
            "check",
            "obxxx",
            "-o",
            "prometheus",
            "--warning",
            "5",
            "--critical",
            "10",
        ])
        .assert()
        .code(3);
    let scrape = parse_prometheus(&stdout_of(&out));
    assert_eq!(run_metric(&scrape, "obssl_last_run_success"), Some(0.0));
    assert_eq!(scrape.samples.len(), 2);

    // Allowed for the other forms too.
    obssl_for(&mock, h.path())
        .args(["check", "obcluster-demo", "--write"])
        .arg(dir.path().join("plugin.txt"))
        .assert()
        .success()
        .stdout("");
    assert!(std::fs::read_to_string(dir.path().join("plugin.txt"))
        .unwrap()
        .starts_with("SSL OK - "));
}

/// `-w` alone moves `--critical` down when needed, as `-c` alone moves `--warning` up.
#[test]
fn one_threshold_alone_moves_the_other_out_of_its_way() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    // 3 days left: below the default critical (7), but -w 2 alone lowers it to 2.
    let out = obssl_for(&mock, h.path())
        .args(["check", "obcluster-expiring-soon", "-w", "2"])
        .assert()
        .code(0);
    let stdout = stdout_of(&out);
    assert!(stdout.contains(";2:;2:;;"), "{stdout}");
    // -w 5 alone: 3 days left is below both (critical lowered to 5).
    obssl_for(&mock, h.path())
        .args(["check", "obcluster-expiring-soon", "-w", "5"])
        .assert()
        .code(2);
    // -c 45 alone raises the warning: 20 days left is CRITICAL.
    obssl_for(&mock, h.path())
        .args(["check", "obcluster-expiring-warn", "-c", "45"])
        .assert()
        .code(2);
    // Both given, out of order: a usage error.
    obssl_for(&mock, h.path())
        .args(["check", "obcluster-demo", "-w", "2", "-c", "7"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "--warning 2 is below --critical 7",
        ));
}

/// With `--ca`, the summary's next expiry and `next_expiry_days` count the CA's notAfter.
#[test]
fn with_ca_the_summary_counts_the_ca_s_expiry() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let out = obssl_for(&mock, h.path())
        .args(["check", "obcluster-ca-expiring", "--ca"])
        .assert()
        .code(2);
    let first = stdout_of(&out).lines().next().unwrap().to_owned();
    assert!(
        first.contains("next expiry: CA of obcluster-ca-expiring in 4 days")
            || first.contains("next expiry: CA of obcluster-ca-expiring in 5 days"),
        "{first}"
    );
    assert!(
        first.contains("next_expiry_days=4;") || first.contains("next_expiry_days=5;"),
        "{first}"
    );
    // Without --ca, the instance's own certificate (200 days).
    let out = obssl_for(&mock, h.path())
        .args(["check", "obcluster-ca-expiring"])
        .assert()
        .code(0);
    assert!(
        stdout_of(&out).contains("next_expiry_days=199;")
            || stdout_of(&out).contains("next_expiry_days=200;")
    );
}

/// A timer that writes the textfile must not show as failed for a CRITICAL instance: the
/// states are in the metrics. The plugin format, written to a file too, keeps its codes.
#[test]
fn metrics_written_to_a_file_exit_0_whatever_the_states_but_the_plugin_keeps_its_codes() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("obssl.prom");
    obssl_for(&mock, h.path())
        .args(["check", "obcluster-expired", "obcluster-expiring-warn"])
        .args(["-o", "prometheus", "--write"])
        .arg(&target)
        .assert()
        .code(0)
        .stdout("")
        .stderr("");
    let scrape = parse_prometheus(&std::fs::read_to_string(&target).unwrap());
    let states = &metric_values(&scrape)["obssl_check_state"];
    assert_eq!(states.len(), 2, "{states:?}");
    assert!(
        states.values().any(|v| *v == 2.0),
        "CRITICAL kept in the metrics: {states:?}"
    );
    // On stdout, the metrics keep the worst state's status (a plugin reading them).
    obssl_for(&mock, h.path())
        .args(["check", "obcluster-expired", "-o", "prometheus"])
        .assert()
        .code(2);
    obssl_for(&mock, h.path())
        .args(["check", "obcluster-expired", "--write"])
        .arg(dir.path().join("plugin.txt"))
        .assert()
        .code(2);
    obssl_for(&mock, h.path())
        .args(["check", "obcluster-expiring-warn", "-o", "json", "--write"])
        .arg(dir.path().join("check.json"))
        .assert()
        .code(1);
}

#[test]
fn usage_and_configuration_errors_are_unknown_3() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    for args in [
        &["check"][..],
        &["check", "--bogus"][..],
        &["check", "obxxx", "-o", "yaml"][..],
        &["check", "obxxx", "--warning", "x"][..],
        &["--timeout", "5", "check", "obxxx", "--jobs", "0"][..],
        &["check", "obxxx", "--warning", "5", "--critical", "10"][..],
        &["check", "a/b"][..],
        &["check", "obxxx", "--write", "/nonexistent/dir/obssl.prom"][..],
    ] {
        obssl_for(&mock, h.path())
            .args(args)
            .assert()
            .code(3)
            .stderr(predicate::str::is_empty().not());
    }
    obssl_for(&mock, h.path())
        .args(["check", "obxxx", "--warning", "5", "--critical", "10"])
        .assert()
        .code(3)
        .stdout(predicate::str::starts_with(
            "SSL UNKNOWN - --warning 5 is below --critical 10",
        ));
    // A flag clap refuses still gives the monitoring system its UNKNOWN line on stdout...
    for (args, said) in [
        (
            &["check", "obxxx", "--warning", "x"][..],
            "'--warning <DAYS>'",
        ),
        (&["check", "obxxx", "--bogus"][..], "'--bogus'"),
    ] {
        obssl_for(&mock, h.path())
            .args(args)
            .assert()
            .code(3)
            .stdout(predicate::str::starts_with(
                "SSL UNKNOWN - invalid arguments: ",
            ))
            .stdout(predicate::str::contains(said));
    }
    // ...but never pollutes JSON or Prometheus output.
    obssl_for(&mock, h.path())
        .args(["check", "obxxx", "-o", "prometheus", "--bogus"])
        .assert()
        .code(3)
        .stdout("");
    assert_eq!(mock.request_count(), 0, "all refused before any request");
    isolated("obssl", h.path())
        .env("OBSSL_ENDPOINT", mock.base_url())
        .args(["check", "obxxx"])
        .assert()
        .code(3)
        .stdout(predicate::str::starts_with(
            "SSL UNKNOWN - no credentials found",
        ));
    // get keeps its own statuses.
    obssl_for(&mock, h.path())
        .args(["get", "--bogus"])
        .assert()
        .code(2);
    obssl_for(&mock, h.path())
        .args(["check", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("3 UNKNOWN"));
}

#[test]
fn wrong_credentials_make_every_instance_unknown() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let out = obssl_for(&mock, h.path())
        .env("OBSSL_ACCESS_KEY_SECRET", "sk-wrong")
        .args(["check", "obcluster-demo", "obxxx", "obcluster-expired"])
        .assert()
        .code(3);
    let text = stdout_of(&out);
    assert!(
        text.starts_with("SSL UNKNOWN - 0 critical, 0 warning, 3 unknown, 0 ok"),
        "{text}"
    );
    assert!(text.contains("authentication failed"), "{text}");
    assert_eq!(mock.request_count(), 2);
}

#[test]
fn check_all_against_the_mock_reaches_every_state() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let out = obssl_for(&mock, h.path())
        .args([
            "check",
            "--all",
            "--require-force-ssl",
            "--require-auto-update",
            "-o",
            "json",
        ])
        .assert()
        .code(2);
    let report: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    let counts = &report["counts"];
    for state in ["critical", "warning", "unknown", "ok"] {
        assert!(counts[state].as_u64().unwrap() >= 1, "{state}: {counts}");
    }
}

#[test]
fn failed_instances_stay_off_stderr_unless_verbose() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    // Icinga 2 merges stderr into the plugin output: the summary must stay first.
    let out = check(&mock, h.path(), &["mock-not-found", "obcluster-demo"])
        .assert()
        .code(3)
        .stderr("");
    let text = stdout_of(&out);
    assert!(
        text.lines()
            .next()
            .unwrap()
            .starts_with("SSL UNKNOWN - 0 critical"),
        "{text}"
    );
    assert!(
        text.contains("UNKNOWN mock-not-found: query failed"),
        "{text}"
    );
    check(&mock, h.path(), &["mock-not-found", "-v"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "error: instance mock-not-found was not found",
        ));
}

#[test]
fn timeout_bounds_the_whole_check_run_and_the_summary_still_prints() {
    // Each request takes 900 ms: under the 1 s per attempt, but five instances
    // one at a time would take over 5 s.
    let mock = start_mock(MockConfig {
        latency: std::time::Duration::from_millis(900),
        generated_instances: 5,
        ..MockConfig::default()
    });
    let h = home();
    let started = std::time::Instant::now();
    let out = check(&mock, h.path(), &["-t", "1", "--jobs", "1"])
        .args(generated(5))
        .assert()
        .code(3)
        .stderr("");
    let elapsed = started.elapsed();
    assert!(elapsed.as_millis() < 3000, "took {elapsed:?}");
    let text = stdout_of(&out);
    assert!(
        text.starts_with("SSL UNKNOWN - 0 critical, 0 warning, 5 unknown, 0 ok"),
        "{text}"
    );
    assert!(
        text.contains("UNKNOWN obcluster-gen-0005: query failed: instance obcluster-gen-0005 was not answered within the 1 s time limit"),
        "{text}"
    );

    // A body that trickles in forever: the run still ends on time.
    let slow = start_mock(MockConfig::default());
    let started = std::time::Instant::now();
    let out = check(
        &slow,
        h.path(),
        &["-t", "1", "obcluster-demo", "fault-trickle"],
    )
    .assert()
    .code(3);
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    let text = stdout_of(&out);
    assert!(
        text.starts_with("SSL UNKNOWN - 0 critical, 0 warning, 1 unknown, 1 ok"),
        "{text}"
    );
    assert!(
        text.contains("UNKNOWN fault-trickle: query failed"),
        "{text}"
    );
}

#[test]
fn short_thresholds_and_a_lone_critical_above_the_default_warning() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    // 20 days left: -w 10 -c 5 is OK, the defaults WARNING.
    check(
        &mock,
        h.path(),
        &["obcluster-expiring-warn", "-w", "10", "-c", "5"],
    )
    .assert()
    .code(0)
    .stdout(predicate::str::contains("next_expiry_days=20;10:;5:;;"));
    // --critical 45 alone raises the warning to 45 instead of failing.
    let out = check(&mock, h.path(), &["obcluster-expiring-warn", "-c", "45"])
        .assert()
        .code(2);
    let text = stdout_of(&out);
    assert!(text.starts_with("SSL CRITICAL - 1 critical"), "{text}");
    assert!(text.contains("fewer than 45 days left"), "{text}");
    assert!(text.contains("next_expiry_days=20;45:;45:;;"), "{text}");
    // An explicit --warning below --critical stays an error.
    check(
        &mock,
        h.path(),
        &["obcluster-expiring-warn", "-w", "30", "-c", "45"],
    )
    .assert()
    .code(3)
    .stdout(predicate::str::starts_with(
        "SSL UNKNOWN - --warning 30 is below --critical 45",
    ));
}

#[cfg(unix)]
#[test]
fn write_through_a_symlink_keeps_the_link() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let real = dir.path().join("data/obssl.prom");
    std::fs::write(&real, "# old\n").unwrap();
    let link = dir.path().join("obssl.prom");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    obssl_for(&mock, h.path())
        .args(["check", "obcluster-demo", "-o", "prometheus", "--write"])
        .arg(&link)
        .assert()
        .success()
        .stdout("");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let scrape = parse_prometheus(&std::fs::read_to_string(&real).unwrap());
    assert_eq!(run_metric(&scrape, "obssl_last_run_success"), Some(1.0));
}

/// Issue 12 item 10: the first instance used to be queried alone (to earn
/// the digest challenge), so a slow one left the rest UNKNOWN, never sent.
#[test]
fn one_slow_first_instance_does_not_starve_the_others() {
    let mock = start_mock(MockConfig {
        generated_instances: 5,
        slow_instances: vec![("obcluster-demo".into(), std::time::Duration::from_secs(10))],
        ..MockConfig::default()
    });
    let h = home();
    let started = std::time::Instant::now();
    let out = check(&mock, h.path(), &["-t", "4", "obcluster-demo"])
        .args(generated(5))
        .assert()
        .code(3);
    assert!(started.elapsed().as_secs() < 6, "{:?}", started.elapsed());
    let text = stdout_of(&out);
    assert!(
        text.starts_with("SSL UNKNOWN - 0 critical, 0 warning, 1 unknown, 5 ok"),
        "{text}"
    );
    assert!(
        text.contains("UNKNOWN obcluster-demo: query failed"),
        "{text}"
    );
    stop_in_background(mock);
}
