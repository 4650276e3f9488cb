//! HTTPS end to end: the mock's own TLS listener (`--tls-cert`/`--tls-key`), and what
//! obssl says when the TLS handshake fails, one failure kind at a time, against real TLS
//! servers (the certificates are in tests/data/tls-errors, made by its make.sh).

use crate::support::tls::cert_file;
use crate::support::{isolated, start_mock, Run, ACCESS_KEY_ID, SECRET};
use obssl_mock::{MockConfig, MockServer, MockTls, MockTlsVersions};

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
        // The challenge, then two signed requests: all on one TLS connection (which one
        // depends on the order the server accepted the connection opened ahead for the
        // second worker and the first one: the first worker's, the other stays unused).
        assert_eq!(requests.len(), 3, "{requests:?}");
        let first = requests[0].connection;
        assert!(
            requests.iter().all(|r| r.connection == first),
            "{requests:?}"
        );
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

/// `obssl get obxxx` against `endpoint` with `-v`: its exit status and stderr.
fn failing_get(endpoint: &str) -> Run {
    let r = obssl_at(endpoint, &["get", "obxxx", "-v"]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    r
}

/// Asserts `stderr` tells `words` in the error and in the `-v` line, and no debug names.
fn tells(stderr: &str, words: &str) {
    let error = stderr
        .lines()
        .find(|line| line.starts_with("error: TLS failure while reading instance obxxx: "))
        .unwrap_or_else(|| panic!("no TLS error line in {stderr}"));
    assert!(error.contains(words), "{stderr}");
    let verbose = stderr
        .lines()
        .find(|line| line.starts_with("* TLS failed after "))
        .unwrap_or_else(|| panic!("no -v line in {stderr}"));
    assert!(verbose.contains(words), "{stderr}");
    for debug in [
        "Other(",
        "OtherError",
        "Context {",
        "AlertReceived",
        "InvalidCertificate",
    ] {
        assert!(!stderr.contains(debug), "{debug} in {stderr}");
    }
}

#[test]
fn a_ca_certificate_sent_as_the_servers_own_is_named_so() {
    let mock = https_mock("ca.pem", "ca.key", MockTlsVersions::Both);
    let r = failing_get(&mock.base_url());
    tells(
        &r.stderr,
        "certificate problem: 127.0.0.1 sent a CA certificate as its own",
    );
    assert!(
        r.stderr.contains("the server's TLS setup must be fixed"),
        "{}",
        r.stderr
    );
    assert_eq!(mock.request_count(), 0);
}

#[test]
fn an_expired_certificate_is_told_with_its_date_and_a_renewal_hint() {
    let mock = https_mock("expired.pem", "server.key", MockTlsVersions::Both);
    let r = failing_get(&mock.base_url());
    tells(
        &r.stderr,
        "certificate problem: the certificate of 127.0.0.1 expired on 2021-06-01 12:00:00 UTC (it is now 20",
    );
    assert!(r.stderr.contains("must be renewed"), "{}", r.stderr);
}

#[test]
fn a_certificate_not_valid_yet_is_told_with_its_date_and_the_clock() {
    let mock = https_mock("not-yet-valid.pem", "server.key", MockTlsVersions::Tls12);
    let r = failing_get(&mock.base_url());
    tells(
        &r.stderr,
        "certificate problem: the certificate of 127.0.0.1 is not valid before 2100-01-01 00:00:00 UTC",
    );
    assert!(r.stderr.contains("check the date, time"), "{}", r.stderr);
}

#[test]
fn an_unknown_issuer_is_named_and_ca_bundle_is_the_hint() {
    let mock = https_mock("stranger.pem", "server.key", MockTlsVersions::Both);
    let r = failing_get(&mock.base_url());
    tells(
        &r.stderr,
        "certificate problem: the certificate of 127.0.0.1 was issued by \"CN=Stranger Root CA,O=Stranger Ltd\", which is not a trusted root",
    );
    assert!(r.stderr.contains("--ca-bundle FILE"), "{}", r.stderr);
}

#[test]
fn a_name_mismatch_names_the_name_asked_for_and_the_names_of_the_certificate() {
    let mock = https_mock("wrong-name.pem", "server.key", MockTlsVersions::Both);
    let r = failing_get(&mock.base_url());
    tells(
        &r.stderr,
        "certificate problem: the certificate of 127.0.0.1 is not valid for the name 127.0.0.1 asked for; it is valid for: db.example.com, *.example.net",
    );
    assert!(
        r.stderr.contains("check the host name in --endpoint"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_handshake_alert_is_named_in_words() {
    // A real rustls server that wants a client certificate (mutual TLS).
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use std::sync::Arc;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(cert_file("ca.pem")).unwrap())
        .unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![CertificateDer::from_pem_file(cert_file("good.pem")).unwrap()],
            PrivateKeyDer::from_pem_file(cert_file("server.key")).unwrap(),
        )
        .unwrap();
    let port = serve_tls_once(Arc::new(config));
    let r = failing_get(&format!("https://127.0.0.1:{port}"));
    tells(
        &r.stderr,
        "127.0.0.1 ended the TLS handshake with the alert \"certificate required\": it wants a client certificate",
    );
}

/// A TLS server (one thread) that runs the handshake of every connection and then reads
/// until the client goes away.
fn serve_tls_once(config: std::sync::Arc<rustls::ServerConfig>) -> u16 {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(tcp) = stream else { return };
            let Ok(conn) = rustls::ServerConnection::new(config.clone()) else {
                continue;
            };
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            let _ = tls.read(&mut [0u8; 1024]);
        }
    });
    port
}

#[test]
fn a_server_of_older_tls_versions_is_told_so() {
    // What a server speaking only TLS 1.0 or 1.1 (OpenSSL with MaxProtocol TLSv1.1)
    // answers a TLS 1.2/1.3 ClientHello with: a fatal protocol_version alert.
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut tcp) = stream else { return };
            let _ = tcp.read(&mut [0u8; 4096]);
            let _ = tcp.write_all(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]);
        }
    });
    let r = failing_get(&format!("https://127.0.0.1:{port}"));
    tells(
        &r.stderr,
        "127.0.0.1 refused the TLS versions obssl speaks (1.2 and 1.3): it sent the alert \"protocol version\"",
    );
    assert!(
        r.stderr.contains("must speak TLS 1.2 or 1.3"),
        "{}",
        r.stderr
    );
}

/// The mock's plain-HTTP port, reached with `https://`, says so at once (it answers the
/// ClientHello 400 as real servers do; it used to wait, and the client timed out after 10 s).
#[test]
fn https_to_the_mock_s_plain_http_port_is_told_at_once() {
    let mock = start_mock(MockConfig::default());
    let https = mock.base_url().replacen("http://", "https://", 1);
    // A ClientHello is random: try several, each must be told at once.
    for _ in 0..5 {
        let r = failing_get(&https);
        tells(
            &r.stderr,
            "127.0.0.1 did not answer in TLS (is this port plain HTTP?",
        );
        assert!(
            !r.stderr.contains("timed out"),
            "told at once, not by a timeout: {}",
            r.stderr
        );
    }
}

#[test]
fn a_plain_http_port_behind_an_https_endpoint_is_told_so() {
    // A plain-HTTP server answers the ClientHello as the bad request it is (as nginx does).
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut tcp) = stream else { return };
            let _ = tcp.read(&mut [0u8; 4096]);
            let _ = tcp.write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let r = failing_get(&format!("https://127.0.0.1:{port}"));
    tells(
        &r.stderr,
        "127.0.0.1 did not answer in TLS (is this port plain HTTP?",
    );
    assert!(
        r.stderr.contains("check the endpoint's scheme and port"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_tls_failure_of_the_ca_download_is_told_in_words_too() {
    // The API answers over plain HTTP; its caUrl points at an HTTPS server whose
    // certificate expired.
    let expired = https_mock("expired.pem", "server.key", MockTlsVersions::Both);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}/ca/OceanBase-CA.zip", expired.base_url());
    let data = serde_json::json!({
        "instanceId": "ob-ca-tls", "enableSSL": "OPEN", "forceSSL": "OPEN", "certValid": true,
        "autoUpdate": "OPEN", "validPeriod": "2099-01-01T00:00:00Z", "caUrl": url,
    });
    std::fs::write(dir.path().join("ob-ca-tls.json"), data.to_string()).unwrap();
    let api = start_mock(MockConfig {
        fixtures_dir: Some(dir.path().to_path_buf()),
        ..MockConfig::default()
    });
    let r = obssl_at(&api.base_url(), &["ca", "ob-ca-tls"]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "CA download {url}: TLS failure: certificate problem: the certificate of 127.0.0.1 expired on 2021-06-01 12:00:00 UTC"
        )),
        "{}",
        r.stderr
    );
}
