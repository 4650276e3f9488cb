//! Names beside ids (issue 20): with `--all` the instance list's
//! `instanceName` is shown in tables, plugin lines and check reports, and as an
//! `instance_name` label in Prometheus; ids given by hand show one only with
//! `--names`, which reads the list once. `get`'s JSON gains nothing.

use crate::support::prometheus::{promtool_check_metrics, require};
use crate::support::*;
use obssl_mock::{MockConfig, MockServer, HOSTILE_TEXT};
use prometheus_parse::Scrape;

fn run(mock: &MockServer, args: &[&str]) -> Run {
    let home = home();
    let r = Run::of(
        obssl_for(mock, home.path())
            .env("COLUMNS", "250")
            .args(args),
    );
    assert_no_secret(&format!("{}{}", r.stdout, r.stderr), Some(mock));
    r
}

/// How many requests for the instance list `mock` saw.
fn list_requests(mock: &MockServer) -> usize {
    mock.requests()
        .iter()
        .filter(|r| r.url.starts_with("/api/v2/instances?") && r.status == 200)
        .count()
}

/// The table row of `id`, its cells trimmed.
fn row<'a>(table: &'a str, id: &str) -> Vec<&'a str> {
    let line = table
        .lines()
        .find(|l| l.starts_with(&format!("│ {id} ")))
        .unwrap_or_else(|| panic!("no row for {id}:\n{table}"));
    line.trim_matches('│').split('┆').map(str::trim).collect()
}

#[test]
fn get_all_tables_show_the_name_beside_the_id() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["get", "--all"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let header = r.stdout.lines().nth(1).unwrap();
    assert!(
        header.starts_with("│ Instance ID ") && header.contains("┆ Name "),
        "{header}"
    );
    assert_eq!(
        row(&r.stdout, "obcluster-demo")[..3],
        ["obcluster-demo", "demo", "OPEN"]
    );
    assert_eq!(
        row(&r.stdout, "obcluster-xxxx")[..2],
        ["obcluster-xxxx", "xxxx"]
    );
    // The reference's example is answered but not listed (its caUrl is the real host).
    assert!(!r.stdout.contains("obxxx"), "{}", r.stdout);
}

#[test]
fn ids_given_by_hand_show_no_name_and_read_no_list() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["get", "obcluster-demo", "obxxx"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("Name"), "{}", r.stdout);
    assert_eq!(row(&r.stdout, "obcluster-demo")[1], "OPEN");
    assert_eq!(list_requests(&mock), 0);
}

#[test]
fn names_with_ids_read_the_list_once_and_join_by_id() {
    let mock = start_mock(MockConfig::default());
    // hostile-ca and obxxx exist but are not listed: they show no name.
    let r = run(
        &mock,
        &["get", "obcluster-demo", "hostile-ca", "obxxx", "--names"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(list_requests(&mock), 1, "{:#?}", mock.requests());
    assert_eq!(
        row(&r.stdout, "obcluster-demo")[..2],
        ["obcluster-demo", "demo"]
    );
    assert_eq!(
        row(&r.stdout, "hostile-ca")[..3],
        ["hostile-ca", "", "OPEN"]
    );
    assert_eq!(row(&r.stdout, "obxxx")[..3], ["obxxx", "", "OPEN"]);
    // One id with --names: the table of many, so that the name has a column.
    let r = run(&mock, &["get", "obcluster-demo", "--names"]);
    assert_eq!(
        row(&r.stdout, "obcluster-demo")[..2],
        ["obcluster-demo", "demo"]
    );
    assert_eq!(list_requests(&mock), 2);
}

#[test]
fn get_json_gains_no_name() {
    let mock = start_mock(MockConfig::default());
    for args in [
        &["get", "--all", "-o", "json"][..],
        &["get", "--all", "-o", "jsonl"],
        &["get", "obcluster-demo", "obxxx", "--names", "-o", "json"],
    ] {
        let r = run(&mock, args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stdout.contains("instanceName"), "{args:?}: {}", r.stdout);
        assert!(!r.stdout.contains("\"demo\""), "{args:?}: {}", r.stdout);
    }
    // The API's data object as it is: the same keys with and without names.
    let keys = |args: &[&str]| -> Vec<Vec<String>> {
        let r = run(&mock, args);
        let list: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
        list.iter()
            .map(|o| o.as_object().unwrap().keys().cloned().collect())
            .collect()
    };
    assert_eq!(
        keys(&["get", "obcluster-demo", "obxxx", "--names", "-o", "json"]),
        keys(&["get", "obcluster-demo", "obxxx", "-o", "json"])
    );
}

#[test]
fn check_all_plugin_lines_name_each_instance() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["check", "--all"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    let summary = r.stdout.lines().next().unwrap();
    assert!(
        summary.contains(", next expiry: obcluster-expired (expired) expired "),
        "{summary}"
    );
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("CRITICAL obcluster-ssl-off (ssl-off): SSL not enabled")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("WARNING obcluster-expiring-warn (expiring-warn): ")),
        "{}",
        r.stdout
    );
    // By hand: no name, unless --names.
    let r = run(&mock, &["check", "obcluster-ssl-off"]);
    assert!(
        r.stdout.contains("\nCRITICAL obcluster-ssl-off: "),
        "{}",
        r.stdout
    );
    let before = list_requests(&mock);
    let r = run(&mock, &["check", "obcluster-ssl-off", "--names"]);
    assert!(
        r.stdout
            .contains("\nCRITICAL obcluster-ssl-off (ssl-off): "),
        "{}",
        r.stdout
    );
    assert_eq!(list_requests(&mock), before + 1);
}

#[test]
fn check_all_prometheus_labels_every_series_with_the_name() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["check", "--all", "-o", "prometheus"]);
    let scrape = Scrape::parse(r.stdout.lines().map(|l| Ok(l.to_string()))).unwrap();
    let mut per_instance = 0;
    for sample in &scrape.samples {
        let Some(id) = sample.labels.get("instance_id") else {
            continue;
        };
        per_instance += 1;
        let expected = id.strip_prefix("obcluster-").unwrap();
        assert_eq!(
            sample.labels.get("instance_name"),
            Some(expected),
            "{sample:?}"
        );
    }
    assert!(per_instance > 15, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "obssl_check_state{instance_id=\"obcluster-demo\",instance_name=\"demo\"} 0\n"
        ),
        "{}",
        r.stdout
    );
    // By hand, without --names: no name label.
    let r = run(&mock, &["check", "obcluster-demo", "-o", "prometheus"]);
    assert!(!r.stdout.contains("instance_name"), "{}", r.stdout);
}

#[test]
fn check_json_wraps_the_name_beside_the_id() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["check", "--all", "-o", "json"]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let demo = report["instances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["instanceId"] == "obcluster-demo")
        .unwrap();
    assert_eq!(demo["instanceName"], "demo");
    let keys: Vec<&String> = demo.as_object().unwrap().keys().collect();
    assert_eq!(keys[..2], ["instanceId", "instanceName"]);
    let r = run(&mock, &["check", "obcluster-demo", "-o", "json"]);
    assert!(!r.stdout.contains("instanceName"), "{}", r.stdout);
}

#[test]
fn hostile_names_are_made_visible_and_escaped_for_prometheus() {
    let mock = start_mock(MockConfig {
        instance_names: vec![("obcluster-ssl-off".into(), HOSTILE_TEXT.into())],
        ..MockConfig::default()
    });
    for args in [&["get", "--all"][..], &["check", "--all"]] {
        let r = run(&mock, args);
        for c in r.stdout.chars() {
            let hidden = matches!(c,
                '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            assert!(
                !hidden || c == '\n',
                "{args:?} shows {c:?} raw:\n{}",
                r.stdout.escape_debug()
            );
        }
        assert!(r.stdout.contains(r"\u{1b}]52;c;"), "{}", r.stdout);
        assert!(
            !r.stdout.lines().any(|l| l.starts_with("WARNING forged")),
            "{}",
            r.stdout
        );
    }
    // Escaped as the exposition format says (backslash, quote, newline): one
    // line per series, the text itself kept.
    let r = run(&mock, &["check", "--all", "-o", "prometheus"]);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("obssl_check_state{instance_id=\"obcluster-ssl-off\","))
        .unwrap_or_else(|| panic!("{}", r.stdout.escape_debug()));
    let escaped = HOSTILE_TEXT.replace('\\', r"\\").replace('\n', r"\n");
    assert_eq!(
        line,
        format!(
            "obssl_check_state{{instance_id=\"obcluster-ssl-off\",instance_name=\"{escaped}\"}} 2"
        )
    );
    assert!(
        !r.stdout.lines().any(|l| l.starts_with("WARNING forged")),
        "{}",
        r.stdout.escape_debug()
    );
    promtool_accepts(
        "hostile_names_are_made_visible_and_escaped_for_prometheus",
        &r.stdout,
    );
}

/// Checks `metrics` with the real `promtool check metrics`; without promtool,
/// says on the real stderr that this part was skipped (a failure instead with
/// `OBSSL_REQUIRE_PROMETHEUS=1`), as the other real-Prometheus tests do.
fn promtool_accepts(test: &str, metrics: &str) {
    let Some(promtool) = require("promtool", test) else {
        return;
    };
    let (clean, said) = promtool_check_metrics(&promtool, metrics);
    assert!(clean, "promtool refused the metrics: {said}");
}

#[test]
fn an_id_given_by_hand_and_listed_by_all_takes_its_name_once() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["get", "obcluster-expired", "--all", "--names"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Named first, listed again: one row, with the name; --names adds no list read.
    let rows: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("│ obcluster-expired "))
        .collect();
    assert_eq!(rows.len(), 1, "{}", r.stdout);
    assert_eq!(
        row(&r.stdout, "obcluster-expired")[..2],
        ["obcluster-expired", "expired"]
    );
    assert!(
        r.stdout
            .lines()
            .nth(3)
            .unwrap()
            .starts_with("│ obcluster-expired "),
        "{}",
        r.stdout
    );
    assert_eq!(list_requests(&mock), 1);
}
