//! `obssl probe` with instance ids against the mock API (no database: the
//! mock's tenant addresses point at a port nothing listens on, or at a fake
//! server the test starts): discovery, the network filter, instances that
//! cannot be read, and the JSON fields of each address.

use crate::util::{assert_no_secret, home, obssl_for, start_mock, Run};
use obssl_mock::{MockConfig, MockTenantAddress};
use std::io::Write;
use std::net::TcpListener;

/// A fake MySQL server offering no TLS, on 127.0.0.1.
fn no_tls_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let mut p = vec![10];
            p.extend_from_slice(b"8.0.0-fake\0");
            p.extend_from_slice(&[1, 0, 0, 0]);
            p.extend_from_slice(b"abcdefgh\0");
            p.extend_from_slice(&0x8200u16.to_le_bytes());
            let mut bytes = (p.len() as u32).to_le_bytes()[..3].to_vec();
            bytes.push(0);
            bytes.extend_from_slice(&p);
            let _ = s.write_all(&bytes);
        }
    });
    port
}

#[test]
fn probe_discovers_the_tenant_addresses_of_an_instance() {
    let mock = start_mock(MockConfig::default());
    let home = home();
    // The default tenant of every instance: 127.0.0.1:1, where nothing listens.
    let run =
        Run::of(obssl_for(&mock, home.path()).args(["probe", "obcluster-demo", "-o", "json"]));
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let row = &rows[0];
    assert_eq!(row["instanceId"], "obcluster-demo");
    assert_eq!(row["tenantId"], "t1");
    assert_eq!(row["tenantName"], "app1");
    assert_eq!(row["network"], "intranet");
    assert_eq!(row["address"], "127.0.0.1:1");
    assert_eq!(row["verdict"][0], "unreachable");
    assert_eq!(row["wire"]["unreached"]["stage"], "connect");
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
        .map(|l| serde_json::from_str(l).unwrap())
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
        run.stderr.contains("lists no online internet address"),
        "{}",
        run.stderr
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
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
