//! `obssl check --wire` end to end: the mock lists tenant addresses that point at servers the
//! test starts on 127.0.0.1 (a closed port, a fake MySQL server without TLS, one that never
//! answers), and what a monitoring system reads of them: the plugin lines and exit status, the
//! JSON report, the Prometheus series read back with a real parser.

use crate::support::mysql::{greeting, greeting_server, NO_SSL_CAPABILITIES};
use crate::support::prometheus::parse_prometheus;
use crate::support::*;
use obssl_mock::{MockConfig, MockServer, MockTenantAddress};
use prometheus_parse::{Scrape, Value as PromValue};
use serde_json::Value;
use std::io::Write;
use std::net::TcpListener;
use std::path::Path;

/// The mock, `instance`'s tenant addresses at these loopback ports.
fn mock_with(instance: &str, ports: &[u16]) -> MockServer {
    start_mock(MockConfig {
        tenant_addresses: ports
            .iter()
            .map(|port| {
                format!("{instance}=127.0.0.1:{port}")
                    .parse::<MockTenantAddress>()
                    .unwrap()
            })
            .collect(),
        ..MockConfig::default()
    })
}

fn check_wire(mock: &MockServer, home: &Path, args: &[&str]) -> Run {
    let mut cmd = obssl_for(mock, home);
    cmd.args(["check", "--wire"]).args(args);
    Run::of(&mut cmd)
}

/// The value of `metric` for the address `127.0.0.1:port`, checking its other labels.
fn wire_value(scrape: &Scrape, metric: &str, instance: &str, port: u16) -> Option<f64> {
    let address = format!("127.0.0.1:{port}");
    let sample = scrape
        .samples
        .iter()
        .find(|s| s.metric == metric && s.labels.get("address") == Some(address.as_str()))?;
    assert_eq!(sample.labels.get("instance_id"), Some(instance));
    assert_eq!(sample.labels.get("network"), Some("intranet"));
    assert!(sample
        .labels
        .get("tenant_id")
        .is_some_and(|t| t.starts_with('t')));
    assert!(sample
        .labels
        .get("tenant_name")
        .is_some_and(|t| t.starts_with("app")));
    assert!(scrape.docs.contains_key(metric), "HELP for {metric}");
    match sample.value {
        PromValue::Gauge(v) | PromValue::Untyped(v) => Some(v),
        ref other => panic!("{metric} is not a gauge: {other:?}"),
    }
}

#[test]
fn a_closed_port_is_unknown_and_unreachable() {
    let port = refused_port();
    let mock = mock_with("obcluster-demo", &[port]);
    let home = home();
    let run = check_wire(&mock, home.path(), &["obcluster-demo"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("SSL UNKNOWN - 0 critical, 0 warning, 1 unknown, 0 ok"),
        "{}",
        run.stdout
    );
    assert!(
        lines[1].starts_with(&format!(
            "UNKNOWN obcluster-demo: wire app1 intranet 127.0.0.1:{port}: unreachable: connect failed after"
        )),
        "{}",
        run.stdout
    );
    let metrics = check_wire(&mock, home.path(), &["obcluster-demo", "-o", "prometheus"]);
    let scrape = parse_prometheus(&metrics.stdout);
    assert_eq!(
        wire_value(&scrape, "obssl_wire_reachable", "obcluster-demo", port),
        Some(0.0)
    );
    assert_eq!(
        wire_value(&scrape, "obssl_wire_tls", "obcluster-demo", port),
        None
    );
    assert!(metrics
        .stdout
        .contains("obssl_check_state{instance_id=\"obcluster-demo\"} 3"));
    // With --all, the wire series carry the instance's name as its other series do.
    let all = check_wire(&mock, home.path(), &["--all", "-o", "prometheus"]);
    let scrape = parse_prometheus(&all.stdout);
    let demo = scrape
        .samples
        .iter()
        .find(|s| {
            s.metric == "obssl_wire_reachable"
                && s.labels.get("instance_id") == Some("obcluster-demo")
        })
        .expect("a wire series of obcluster-demo");
    assert_eq!(demo.labels.get("instance_name"), Some("demo"));
    assert_eq!(
        demo.labels.get("address"),
        Some(format!("127.0.0.1:{port}").as_str())
    );
}

#[test]
fn a_server_without_client_ssl_is_critical_no_tls() {
    let port = greeting_server(greeting(b"5.7.25-fake-OceanBase", 42, NO_SSL_CAPABILITIES));
    let closed = refused_port();
    let mock = mock_with("obcluster-demo", &[port, closed]);
    let home = home();
    let run = check_wire(&mock, home.path(), &["obcluster-demo"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let line = run.stdout.lines().nth(1).unwrap();
    assert!(
        line.starts_with(&format!(
            "CRITICAL obcluster-demo: wire app1 intranet 127.0.0.1:{port}: no-tls: the server offers no TLS while the API says enableSSL is OPEN; wire app2 intranet 127.0.0.1:{closed}: unreachable:"
        )),
        "{line}"
    );

    let json = check_wire(&mock, home.path(), &["obcluster-demo", "-o", "json"]);
    assert_eq!(json.code, 2);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    let addresses = &report["instances"][0]["wire"]["addresses"];
    assert_eq!(addresses[0]["state"], "CRITICAL");
    assert_eq!(addresses[0]["findings"][0]["name"], "no-tls");
    assert_eq!(addresses[0]["facts"]["tlsOffered"], false);
    assert_eq!(
        addresses[0]["facts"]["serverVersion"],
        "5.7.25-fake-OceanBase"
    );
    assert_eq!(addresses[1]["state"], "UNKNOWN");
    assert_eq!(addresses[1]["findings"][0]["name"], "unreachable");

    let metrics = check_wire(&mock, home.path(), &["obcluster-demo", "-o", "prometheus"]);
    let scrape = parse_prometheus(&metrics.stdout);
    let value = |metric, port| wire_value(&scrape, metric, "obcluster-demo", port);
    assert_eq!(value("obssl_wire_reachable", port), Some(1.0));
    assert_eq!(value("obssl_wire_tls", port), Some(0.0));
    assert_eq!(value("obssl_wire_chain_trusted", port), None);
    assert_eq!(value("obssl_wire_reachable", closed), Some(0.0));
}

#[test]
fn a_server_that_never_answers_is_unknown_within_the_time_limit() {
    let silent = greeting_server(Vec::new());
    let mock = mock_with("obcluster-demo", &[silent]);
    let home = home();
    let run = check_wire(&mock, home.path(), &["obcluster-demo", "-t", "3"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "UNKNOWN obcluster-demo: wire app1 intranet 127.0.0.1:{silent}: no-greeting: connected, but no MySQL greeting in"
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn without_wire_no_address_is_read_and_db_user_needs_its_password() {
    let mock = mock_with("obcluster-demo", &[refused_port()]);
    let home = home();
    let mut cmd = obssl_for(&mock, home.path());
    let plain = Run::of(cmd.args(["check", "obcluster-demo"]));
    assert_eq!(plain.code, 0, "{}", plain.stdout);
    assert!(!mock
        .requests()
        .iter()
        .any(|r| r.url.contains("/address/info")));

    let run = check_wire(
        &mock,
        home.path(),
        &["obcluster-demo", "--db-user", "probe"],
    );
    assert_eq!(run.code, 3);
    assert!(
        run.stderr
            .contains("--db-user probe needs a password in OBSSL_DB_PASSWORD"),
        "{}",
        run.stderr
    );
    assert!(
        !mock
            .requests()
            .iter()
            .any(|r| r.url.contains("/address/info")),
        "refused before any request"
    );
    let mut cmd = obssl_for(&mock, home.path());
    let without_wire = Run::of(cmd.args(["check", "obcluster-demo", "--db-user", "probe"]));
    assert_eq!(without_wire.code, 3, "{}", without_wire.stderr);
    assert!(
        without_wire.stderr.contains("--wire"),
        "{}",
        without_wire.stderr
    );
}

#[test]
fn network_chooses_the_addresses_and_none_online_is_unknown() {
    let port = refused_port();
    let mock = mock_with("obcluster-demo", &[port]);
    let home = home();
    // The mock's internet addresses are CLOSED: nothing online to probe.
    let run = check_wire(
        &mock,
        home.path(),
        &["obcluster-demo", "--network", "internet"],
    );
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "UNKNOWN obcluster-demo: wire: the API lists no online tenant address to probe (of --network)"
        ),
        "{}",
        run.stdout
    );
    let run = check_wire(
        &mock,
        home.path(),
        &["obcluster-demo", "--network", "intranet"],
    );
    assert!(
        run.stdout
            .contains(&format!("127.0.0.1:{port}: unreachable")),
        "{}",
        run.stdout
    );
}

#[test]
fn the_mock_binary_points_tenant_addresses_at_the_ports_given() {
    let port = greeting_server(greeting(b"5.7.25-fake-OceanBase", 42, NO_SSL_CAPABILITIES));
    let home = home();
    let mut cmd = isolated("obssl-mock", home.path());
    cmd.args(["run", "--tenant-address"])
        .arg(format!("obcluster-demo=127.0.0.1:{port}"))
        .args([
            "--",
            env!("CARGO_BIN_EXE_obssl"),
            "check",
            "--wire",
            "obcluster-demo",
            "obcluster-not-forced",
        ]);
    let run = Run::of(&mut cmd);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!("127.0.0.1:{port}: no-tls")),
        "{}",
        run.stdout
    );
    // Without a --tenant-address, an instance's tenant is at the mock's closed port.
    assert!(
        run.stdout
            .contains("UNKNOWN obcluster-not-forced: wire app1 intranet 127.0.0.1:1: unreachable"),
        "{}",
        run.stdout
    );
}

/// `check --wire` on `probe_mariadb`'s servers, listed as tenant addresses of the instance
/// whose caUrl serves the CA of their leaves.
fn check_mariadb(ports: &[u16], args: &[&str], password: Option<&str>) -> (Run, MockServer) {
    let mock = mock_with(crate::support::mariadb::INSTANCE, ports);
    let home = home();
    let mut cmd = obssl_for(&mock, home.path());
    cmd.args(["check", "--wire", crate::support::mariadb::INSTANCE])
        .args(args);
    if let Some(password) = password {
        cmd.env("OBSSL_DB_PASSWORD", password);
    }
    let run = Run::of(&mut cmd);
    for text in [&run.stdout, &run.stderr] {
        assert!(
            !text.contains(crate::support::mariadb::DB_PASSWORD),
            "the password leaked:\n{text}"
        );
    }
    (run, mock)
}

#[test]
fn check_wire_mariadb_tls_against_the_instance_ca_is_ok_with_its_series() {
    let Some(s) = crate::support::mariadb::servers(
        "check_wire_mariadb_tls_against_the_instance_ca_is_ok_with_its_series",
    ) else {
        return;
    };
    let instance = crate::support::mariadb::INSTANCE;
    let (run, _mock) = check_mariadb(&[s.good], &[], None);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .starts_with("SSL OK - 0 critical, 0 warning, 0 unknown, 1 ok"),
        "{}",
        run.stdout
    );

    let (run, _mock) = check_mariadb(&[s.good], &["-o", "prometheus"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let scrape = parse_prometheus(&run.stdout);
    let value = |metric| wire_value(&scrape, metric, instance, s.good);
    assert_eq!(value("obssl_wire_reachable"), Some(1.0));
    assert_eq!(value("obssl_wire_tls"), Some(1.0));
    assert_eq!(value("obssl_wire_chain_trusted"), Some(1.0));
    assert_eq!(
        value("obssl_wire_plaintext_refused"),
        None,
        "not tested without --db-user"
    );
    // The served leaf expires when the API's validPeriod says (within a day).
    let not_after = value("obssl_wire_cert_not_after_timestamp_seconds").unwrap();
    let api = scrape
        .samples
        .iter()
        .find(|s| s.metric == "obssl_cert_expiry_timestamp_seconds")
        .map(|s| match s.value {
            PromValue::Gauge(v) | PromValue::Untyped(v) => v,
            _ => panic!("not a gauge"),
        })
        .unwrap();
    assert!((not_after - api).abs() < 86_400.0, "{not_after} {api}");
}

#[test]
fn check_wire_mariadb_plaintext_refused_is_ok_and_accepted_critical() {
    let Some(s) = crate::support::mariadb::servers(
        "check_wire_mariadb_plaintext_refused_is_ok_and_accepted_critical",
    ) else {
        return;
    };
    let instance = crate::support::mariadb::INSTANCE;
    let password = Some(crate::support::mariadb::DB_PASSWORD);
    let (run, _mock) = check_mariadb(&[s.strict, s.good], &["--db-user", "probe"], password);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let line = run.stdout.lines().nth(1).unwrap();
    assert!(
        line.starts_with(&format!(
            "CRITICAL {instance}: wire app2 intranet 127.0.0.1:{}: plaintext-accepted: a login without TLS was accepted while the API says forceSSL is OPEN"
        , s.good)),
        "{line}"
    );
    assert!(
        !line.contains(&format!("127.0.0.1:{}", s.strict)),
        "the strict server is fine: {line}"
    );
    let (run, _mock) = check_mariadb(
        &[s.strict, s.good],
        &["--db-user", "probe", "-o", "prometheus"],
        password,
    );
    let scrape = parse_prometheus(&run.stdout);
    assert_eq!(
        wire_value(&scrape, "obssl_wire_plaintext_refused", instance, s.strict),
        Some(1.0)
    );
    assert_eq!(
        wire_value(&scrape, "obssl_wire_plaintext_refused", instance, s.good),
        Some(0.0)
    );
}

#[test]
#[ignore = "prints check --wire over the MariaDB servers for a report; the tests above assert it"]
fn check_wire_mariadb_report() {
    let Some(s) = crate::support::mariadb::servers("check_wire_mariadb_report") else {
        return;
    };
    let ports = [s.good, s.strict, s.plain, s.expired, refused_port()];
    let password = Some(crate::support::mariadb::DB_PASSWORD);
    for format in ["plugin", "prometheus"] {
        let (run, _mock) = check_mariadb(&ports, &["--db-user", "probe", "-o", format], password);
        let _ = writeln!(
            std::io::stderr(),
            "## obssl check --wire {} --db-user probe -o {format} (exit {})\n{}",
            crate::support::mariadb::INSTANCE,
            run.code,
            run.stdout
        );
    }
}

/// Every shape of the schema through `check --wire`: the IPv6 peering side from the API is
/// probed (as by `probe`: one conversion), the connection without its port is an UNKNOWN
/// `api-incomplete` reason naming tenant, side and field, and the JSON lists the skipped
/// connections and where the addresses were read.
#[test]
fn check_wire_accounts_for_every_shape_and_probes_ipv6_from_the_api() {
    let v6 = TcpListener::bind("[::1]:0").is_ok();
    let port = greeting_server(greeting(b"5.7.25-fake-OceanBase", 42, NO_SSL_CAPABILITIES));
    let mock = mock_with(obssl_mock::WIRE_SHAPES, &[port]);
    let home = home();
    let shapes = obssl_mock::WIRE_SHAPES;
    let run = check_wire(&mock, home.path(), &[shapes, "-t", "20"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    for part in [
        format!("wire shapes intranet localhost:{port}: no-tls"),
        format!("wire flat intranet 127.0.0.1:{port}: no-tls"),
        format!("wire shapes private-link localhost:{port}: no-tls"),
        "wire shapes intranet: api-incomplete: no `intranetPort`".to_owned(),
    ] {
        assert!(run.stdout.contains(&part), "{part}:\n{}", run.stdout);
    }
    // The peering side is [::1]: reached when this machine has IPv6 loopback (the fake
    // listens on 127.0.0.1 only: refused, not a name lookup of "[::1]").
    let peering = format!("wire shapes peering [::1]:{port}: unreachable: connect failed");
    if v6 {
        assert!(run.stdout.contains(&peering), "{}", run.stdout);
    }
    assert!(!run.stdout.contains("resolve failed"), "{}", run.stdout);
    let run = check_wire(&mock, home.path(), &[shapes, "-t", "20", "-o", "json"]);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let wire = &report["instances"][0]["wire"];
    assert_eq!(wire["addressSource"], "address/info", "{wire}");
    assert_eq!(wire["addresses"].as_array().unwrap().len(), 4);
    let reasons: Vec<&str> = wire["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["not-online", "incomplete"], "{wire}");
}
