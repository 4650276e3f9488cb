//! HTTPS end to end: the mock's own TLS listener (`--tls-cert`/`--tls-key`), and what
//! obssl says when the TLS handshake fails, one failure kind at a time, against real TLS
//! servers (the certificates are in tests/data/tls-errors, made by its make.sh).

use crate::util::{isolated, start_mock, Run, ACCESS_KEY_ID, SECRET};
use obssl::mock::{MockConfig, MockServer, MockTls, MockTlsVersions};
use std::path::{Path, PathBuf};

/// A file of tests/data/tls-errors.
pub(crate) fn cert_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/tls-errors")
        .join(name)
}

/// The mock serving HTTPS with `cert` (of tests/data/tls-errors) and the shared key.
pub(crate) fn https_mock(cert: &str, key: &str, versions: MockTlsVersions) -> MockServer {
    start_mock(MockConfig {
        tls: Some(MockTls {
            cert: cert_file(cert),
            key: cert_file(key),
            versions,
        }),
        ..MockConfig::default()
    })
}

/// `obssl ARGS` against `endpoint` with the test credentials, trusting the test CA.
fn obssl_at(endpoint: &str, args: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let ca = cert_file("ca.pem");
    Run::of(
        isolated("obssl", home.path())
            .env("OBSSL_ENDPOINT", endpoint)
            .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("OBSSL_ACCESS_KEY_SECRET", SECRET)
            .args(args)
            .args(["--ca-bundle", ca.to_str().unwrap(), "--retries", "0"]),
    )
}

#[test]
fn obssl_reads_the_https_mock_trusting_its_ca_and_reuses_one_connection() {
    for versions in [MockTlsVersions::Tls13, MockTlsVersions::Tls12] {
        let mock = https_mock("good.pem", "server.key", versions);
        assert!(
            mock.base_url().starts_with("https://"),
            "{}",
            mock.base_url()
        );
        let r = obssl_at(
            &mock.base_url(),
            &["get", "obxxx", "obcluster-demo", "-o", "json"],
        );
        assert_eq!(r.code, 0, "{versions:?}: {}", r.stderr);
        assert!(r.stdout.contains("\"obcluster-demo\""), "{}", r.stdout);
        let requests = mock.requests();
        // The challenge, then two signed requests: all on one TLS connection.
        assert_eq!(requests.len(), 3, "{requests:?}");
        assert!(requests.iter().all(|r| r.connection == 1), "{requests:?}");
    }
}

#[test]
fn obssl_mock_serves_https_with_tls_cert_and_tls_key() {
    let home = tempfile::tempdir().unwrap();
    let (cert, key, ca) = (
        cert_file("good.pem"),
        cert_file("server.key"),
        cert_file("ca.pem"),
    );
    let r = Run::of(
        isolated("obssl-mock", home.path())
            .args(["run", "--tls-cert"])
            .arg(&cert)
            .arg("--tls-key")
            .arg(&key)
            .args(["--tls-version", "1.2", "--"])
            .arg(env!("CARGO_BIN_EXE_obssl"))
            .args(["get", "obxxx", "--field", "status", "--ca-bundle"])
            .arg(&ca),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "OPEN\n");
    assert!(
        r.stderr.contains("mock API on https://127.0.0.1:"),
        "{}",
        r.stderr
    );

    // A key that is not PEM is refused, naming the file.
    let r = Run::of(
        isolated("obssl-mock", home.path())
            .args(["run", "--tls-cert"])
            .arg(&cert)
            .arg("--tls-key")
            .arg(cert_file("make.sh"))
            .args(["--", "true"]),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("make.sh as the TLS key"), "{}", r.stderr);
}
