//! `obssl probe` with instance ids against the mock API (no database: the
//! mock's tenant addresses point at a port nothing listens on, or at a fake
//! server the test starts): discovery, the network filter, instances that
//! cannot be read, and the JSON fields of each address.

use crate::support::mysql::{fake_mysql, serve_on, short_greeting};
use crate::support::{assert_no_secret, home, obssl_for, start_mock, Run};
use obssl_mock::{MockConfig, MockTenantAddress};
use std::io::Write;
use std::net::TcpListener;

/// A fake MySQL server offering no TLS, on 127.0.0.1: a short greeting, then the
/// connection closed.
fn no_tls_server() -> u16 {
    fake_mysql(|mut s| {
        let _ = s.write_all(&no_tls_hello());
    })
}

fn no_tls_hello() -> Vec<u8> {
    short_greeting(b"8.0.0-fake", 1, 0x8200)
}

#[test]
fn probe_discovers_the_tenant_addresses_of_an_instance() {
    let mock = start_mock(MockConfig::default());
    let home = home();
    // The default tenant of every instance: 127.0.0.1:1, where nothing listens.
    let run =
        Run::of(obssl_for(&mock, home.path()).args(["probe", "obcluster-demo", "-o", "json"]));
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let row = &report["addresses"][0];
    assert_eq!(row["instanceId"], "obcluster-demo");
    assert_eq!(row["tenantId"], "t1");
    assert_eq!(row["tenantName"], "app1");
    assert_eq!(row["network"], "intranet");
    assert_eq!(row["address"], "127.0.0.1:1");
    assert_eq!(row["verdict"][0], "unreachable");
    assert_eq!(row["wire"]["unreached"]["stage"], "connect");
    // The closed internet side is accounted for: skipped, with its reason.
    let skipped = &report["skipped"][0];
    assert_eq!(skipped["reason"], "not-online", "{report}");
    assert_eq!(skipped["network"], "internet");
    assert_eq!(skipped["detail"], "its status is CLOSED");
    assert_eq!(report["instances"][0]["addressSource"], "address/info");
    assert_no_secret(&run.stdout, Some(&mock));
    assert_no_secret(&run.stderr, Some(&mock));

    // The table names the instance, tenant and network.
    let run = Run::of(obssl_for(&mock, home.path()).args(["probe", "obcluster-demo"]));
    for part in [
        "obcluster-demo",
        "app1 (t1)",
        "intranet",
        "UNKNOWN unreachable",
    ] {
        assert!(run.stdout.contains(part), "{part}:\n{}", run.stdout);
    }
}

#[test]
fn probe_holds_the_wire_against_the_api_and_filters_networks() {
    let port = no_tls_server();
    let mock = start_mock(MockConfig {
        tenant_addresses: ["obcluster-demo", "obcluster-ssl-off"]
            .map(|id| MockTenantAddress {
                instance_id: id.into(),
                host: "127.0.0.1".into(),
                port,
            })
            .to_vec(),
        ..MockConfig::default()
    });
    let home = home();
    let run = Run::of(obssl_for(&mock, home.path()).args([
        "probe",
        "obcluster-demo",
        "obcluster-ssl-off",
        "-o",
        "jsonl",
    ]));
    let rows: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|o| o["skipped"] != true)
        .collect();
    // SSL on in the API and no TLS on the wire: CRITICAL; SSL off and no TLS agree.
    assert_eq!(rows.len(), 2, "{}", run.stdout);
    assert_eq!(rows[0]["verdict"][0], "no-tls");
    assert_eq!(rows[1]["verdict"][0], "ok");
    assert_eq!(rows[1]["wire"]["serverVersion"], "8.0.0-fake");
    assert_eq!(run.code, 2, "{}", run.stderr);

    // The internet address of a --tenant-address tenant is CLOSED: nothing to probe.
    let run = Run::of(obssl_for(&mock, home.path()).args([
        "probe",
        "obcluster-demo",
        "--network",
        "internet",
    ]));
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("lists no internet address to probe (2 skipped"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("0 addresses probed; 2 skipped: 1 not online, 1 by --network"),
        "{}",
        run.stdout
    );
}

#[test]
fn probe_reports_instances_that_cannot_be_read_and_goes_on() {
    let port = no_tls_server();
    let mock = start_mock(MockConfig {
        tenant_addresses: vec![MockTenantAddress {
            instance_id: "obcluster-ca-broken".into(),
            host: "127.0.0.1".into(),
            port,
        }],
        ..MockConfig::default()
    });
    let home = home();
    let run = Run::of(obssl_for(&mock, home.path()).args([
        "probe",
        "mock-not-found",
        "obcluster-ca-broken",
        "-o",
        "jsonl",
    ]));
    // The missing instance and the broken CA are told on stderr; the other
    // instance's address is still probed; the run is at least UNKNOWN.
    assert!(run.stderr.contains("mock-not-found"), "{}", run.stderr);
    assert!(run.stderr.contains("broken"), "{}", run.stderr);
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| !l.contains(r#""skipped":true"#))
            .count(),
        1,
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// A fake MySQL server offering no TLS on 127.0.0.1 and, when the machine has IPv6, on
/// [::1], at the same port; whether [::1] listens.
fn no_tls_server_v4_and_v6() -> (u16, bool) {
    for _ in 0..20 {
        let Ok(v6) = TcpListener::bind("[::1]:0") else {
            return (no_tls_server(), false);
        };
        let port = v6.local_addr().unwrap().port();
        let Ok(v4) = TcpListener::bind(("127.0.0.1", port)) else {
            continue;
        };
        for listener in [v4, v6] {
            serve_on(listener, |mut s| {
                let _ = s.write_all(&no_tls_hello());
            });
        }
        return (port, true);
    }
    (no_tls_server(), false)
}

#[test]
fn probe_accounts_for_every_shape_of_the_schema() {
    let (port, v6) = no_tls_server_v4_and_v6();
    let mock = start_mock(MockConfig {
        tenant_addresses: vec![MockTenantAddress {
            instance_id: obssl_mock::WIRE_SHAPES.into(),
            host: "127.0.0.1".into(),
            port,
        }],
        ..MockConfig::default()
    });
    let home = home();
    let shapes = obssl_mock::WIRE_SHAPES;
    let run = Run::of(obssl_for(&mock, home.path()).args(["probe", shapes, "-o", "json", "-v"]));
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let addresses: Vec<(String, String, String)> = report["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["network"].as_str().unwrap().to_owned(),
                a["address"].as_str().unwrap().to_owned(),
                a["verdict"][0].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // The domain-only intranet side, the IPv6 peering side (brackets taken off once), the
    // private link's name (its address beside it), the flat tenant.
    let at = |host: &str| format!("{host}:{port}");
    assert_eq!(
        addresses,
        [
            ("intranet".into(), at("localhost"), "no-tls".into()),
            (
                "peering".into(),
                at("[::1]"),
                if v6 { "no-tls" } else { "unreachable" }.into()
            ),
            ("private-link".into(), at("localhost"), "no-tls".into()),
            ("intranet".into(), at("127.0.0.1"), "no-tls".into()),
        ],
        "{report}"
    );
    assert_eq!(report["addresses"][2]["ip"], "127.0.0.1");
    if v6 {
        assert_eq!(report["addresses"][1]["wire"]["peer"], at("[::1]"));
    }
    // The closed side and the connection without its port are accounted for; the second is
    // a finding of its own, and its sibling was probed.
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2, "{report}");
    assert_eq!(skipped[0]["reason"], "not-online");
    assert_eq!(skipped[1]["reason"], "incomplete");
    assert_eq!(skipped[1]["tenantName"], "shapes");
    assert_eq!(skipped[1]["network"], "intranet");
    assert_eq!(skipped[1]["verdict"][0], "api-incomplete");
    assert_eq!(skipped[1]["state"], "UNKNOWN");
    assert_eq!(skipped[1]["detail"], "no `intranetPort`");
    assert_eq!(run.code, 2, "{}", run.stderr);
    // -v names where the addresses came from and each connection skipped.
    for part in [
        "addresses read from address/info: 4 to probe, 2 skipped",
        "skipped tenant shapes internet t1-shapes-mi.example.invalid:3306: not-online",
        "skipped tenant shapes intranet 127.0.0.1: incomplete: no `intranetPort`",
    ] {
        assert!(run.stderr.contains(part), "{part}:\n{}", run.stderr);
    }

    // The table: one row per address, the incomplete connection too, and the summary.
    let run = Run::of(
        obssl_for(&mock, home.path())
            .env("COLUMNS", "200")
            .args(["probe", shapes]),
    );
    for part in [
        "│ Instance",
        "private-link",
        "UNKNOWN api-incomplete: no `intranetPort`",
        "4 addresses probed: ",
        "; 2 skipped: 1 not online, 1 incomplete (api-incomplete, UNKNOWN)",
    ] {
        assert!(run.stdout.contains(part), "{part}:\n{}", run.stdout);
    }
    // --network keeps one side; the others are skipped by --network, and counted.
    let run = Run::of(obssl_for(&mock, home.path()).args([
        "probe",
        shapes,
        "--network",
        "peering",
        "-o",
        "json",
    ]));
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["addresses"].as_array().unwrap().len(), 1);
    let by_network = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"] == "network")
        .count();
    // The connection without its port is an intranet side: left out by --network too.
    assert_eq!(by_network, 4, "{report}");
    assert_eq!(run.code, 2, "{}", run.stderr);
    // One address: its block, then the incomplete connection of the instance as a line.
    let run = Run::of(obssl_for(&mock, home.path()).args([
        "probe",
        shapes,
        "--network",
        "intranet",
        "--detail",
    ]));
    assert!(
        run.stdout.contains(
            "UNKNOWN api-incomplete: instance obcluster-wire-shapes tenant shapes intranet \
             127.0.0.1: no `intranetPort`"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn probe_reads_the_tenant_list_when_address_info_is_not_served() {
    let port = no_tls_server();
    let id = obssl_mock::NO_ADDRESS_INFO;
    let mock = start_mock(MockConfig {
        tenant_addresses: vec![MockTenantAddress {
            instance_id: id.into(),
            host: "127.0.0.1".into(),
            port,
        }],
        ..MockConfig::default()
    });
    let home = home();
    let run = Run::of(obssl_for(&mock, home.path()).args(["probe", id, "-o", "json", "-v"]));
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        report["instances"][0]["addressSource"], "tenants",
        "{report}"
    );
    assert_eq!(
        report["addresses"][0]["address"],
        format!("127.0.0.1:{port}")
    );
    assert_eq!(report["addresses"][0]["verdict"][0], "no-tls");
    assert!(
        run.stderr
            .contains("addresses read from tenants: 1 to probe"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_fleet_table_fits_the_width_and_keeps_words_whole() {
    let port = no_tls_server();
    let mock = start_mock(MockConfig {
        tenant_addresses: (0..3)
            .map(|_| MockTenantAddress {
                instance_id: "obcluster-demo".into(),
                host: "127.0.0.1".into(),
                port,
            })
            .collect(),
        ..MockConfig::default()
    });
    let home = home();
    let run = Run::of(
        obssl_for(&mock, home.path())
            .env("COLUMNS", "60")
            .args(["probe", "obcluster-demo"]),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let address = format!("127.0.0.1:{port}");
    let table: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with(['│', '┌', '└', '╞', '├']))
        .collect();
    for line in &table {
        assert!(line.chars().count() <= 60, "wider than 60:\n{}", run.stdout);
    }
    // The address is whole on its line, never broken.
    assert_eq!(run.stdout.matches(&address).count(), 3, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("3 addresses probed: 3 CRITICAL; 3 skipped: 3 not online"),
        "{}",
        run.stdout
    );
    // --detail: a block per address.
    let run = Run::of(obssl_for(&mock, home.path()).args(["probe", "obcluster-demo", "--detail"]));
    assert_eq!(run.stdout.matches("│ Verdict").count(), 3, "{}", run.stdout);
}

#[test]
fn probe_help_describes_its_own_timeout() {
    let home = home();
    let run = Run::of(crate::support::isolated("obssl", home.path()).args(["probe", "--help"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let help = run.stdout.split("-t, --timeout").nth(1).unwrap_or_default();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("the whole probe of one address"),
        "{}",
        run.stdout
    );
    assert!(help.contains("[default: 10]"), "{}", run.stdout);
    // check's -t stays the run's limit.
    let run = Run::of(crate::support::isolated("obssl", home.path()).args(["check", "--help"]));
    assert!(!run.stdout.contains("the whole probe of one address"));
}
