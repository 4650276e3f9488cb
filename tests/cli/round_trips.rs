//! The round trips a run saves: the fleet's workers connect while the first
//! request earns the digest challenge (the nonce cache's round trips are in
//! nonce_cache.rs).

use crate::support::tls::cert_file;
use crate::support::{generated, start_mock, Run, ACCESS_KEY_ID, SECRET};
use obssl_mock::{MockConfig, MockServer, MockTls, MockTlsVersions};

fn fleet(mock: &MockServer, ids: &[String], jobs: &str, extra: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let ca = cert_file("ca.pem");
    Run::of(
        crate::support::isolated("obssl", home.path())
            .env("OBSSL_ENDPOINT", mock.base_url())
            .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("OBSSL_ACCESS_KEY_SECRET", SECRET)
            .args(["get", "-o", "jsonl", "--jobs", jobs, "--ca-bundle"])
            .arg(ca)
            .args(extra)
            .args(ids),
    )
}

/// Asserts the run used `jobs` connections, all open before the first request arrived,
/// and cost N + 1 requests.
fn connected_ahead(mock: &MockServer, ids: usize, jobs: u64, list_requests: usize) {
    let requests = mock.requests();
    assert_eq!(requests.len(), ids + 1 + list_requests, "{requests:?}");
    assert_eq!(requests[0].status, 401);
    assert_eq!(
        requests[0].connections_accepted, jobs,
        "every worker's connection is open before the first request arrives"
    );
    let mut used: Vec<u64> = requests.iter().map(|r| r.connection).collect();
    used.sort_unstable();
    used.dedup();
    assert_eq!(used.len() as u64, jobs, "{used:?}");
}

#[test]
fn the_workers_connect_while_the_first_request_earns_the_challenge() {
    let ids = generated(24);
    for versions in [MockTlsVersions::Tls13, MockTlsVersions::Tls12] {
        let mock = start_mock(MockConfig {
            generated_instances: 24,
            tls: Some(MockTls {
                cert: cert_file("good.pem"),
                key: cert_file("server.key"),
                versions,
            }),
            ..MockConfig::default()
        });
        let r = fleet(&mock, &ids, "4", &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.stdout.lines().count(), 24);
        connected_ahead(&mock, 24, 4, 0);
    }
}

#[test]
fn with_all_the_workers_connect_while_the_list_earns_the_challenge() {
    let mock = start_mock(MockConfig {
        generated_instances: 6,
        ..MockConfig::default()
    });
    let r = fleet(&mock, &[], "3", &["--all"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let answered = r.stdout.lines().count();
    // The list's page (its handshake: 2 requests) and one request per instance.
    connected_ahead(&mock, answered, 3, 1);
}

#[test]
fn one_instance_opens_one_connection() {
    let mock = start_mock(MockConfig::default());
    let r = fleet(&mock, &["obxxx".to_string()], "16", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(mock.requests()[0].connections_accepted, 1);
    assert!(mock.requests().iter().all(|r| r.connection == 1));
}
