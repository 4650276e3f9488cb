//! Fault matrix: the real binary against a misbehaving mock (or a raw socket),
//! asserting the exit status, the message, and the requests the server saw.

use crate::support::tls::{raw_server, tls_dir, tls_server};
use crate::support::*;
use obssl_mock::{ChallengeStyle, MockAlgorithm, MockConfig, MockQop, MockServer};
use std::net::TcpListener;
use std::time::Duration;

fn run_with(mut cmd: assert_cmd::Command, args: &[&str]) -> Run {
    Run::of(cmd.env("OBSSL_TEST_BACKOFF_MS", "1").args(args))
}

fn run(mock: &MockServer, args: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let r = run_with(obssl_for(mock, home.path()), args);
    assert_no_secret(&format!("{}{}", r.stdout, r.stderr), Some(mock));
    r
}

fn run_at(endpoint: &str, args: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = isolated("obssl", home.path());
    cmd.env("OBSSL_ENDPOINT", endpoint)
        .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("OBSSL_ACCESS_KEY_SECRET", SECRET);
    let r = run_with(cmd, args);
    assert_no_secret(&format!("{}{}", r.stdout, r.stderr), None);
    r
}

fn statuses(mock: &MockServer) -> Vec<u16> {
    mock.requests().iter().map(|r| r.status).collect()
}

/// The distinct `requestId` values the mock saw.
fn request_ids(mock: &MockServer) -> Vec<String> {
    let mut ids: Vec<String> = mock
        .requests()
        .iter()
        .filter_map(|r| r.url.split("requestId=").nth(1).map(str::to_string))
        .collect();
    ids.dedup();
    ids
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
}

fn fails(r: &Run, code: i32, needles: &[&str]) {
    assert_eq!(r.code, code, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    for needle in needles {
        assert!(
            r.stderr.contains(needle),
            "missing {needle:?} in\n{}",
            r.stderr
        );
    }
}

// ---- retries ---------------------------------------------------------------

/// The time between the 429 and the retry, as the mock saw them.
fn wait_after_the_429(mock: &MockServer) -> Duration {
    let requests = mock.requests();
    let refused = requests.iter().position(|r| r.status == 429).unwrap();
    requests[refused + 1]
        .received_at
        .duration_since(requests[refused].received_at)
}

#[test]
fn a_429_is_retried_after_retry_after_seconds_with_the_same_request_id() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["get", "fault-429", "--field", "instanceId"]);
    ok(&r);
    assert_eq!(r.stdout, "fault-429\n");
    assert_eq!(statuses(&mock), [401, 429, 200]);
    assert_eq!(request_ids(&mock).len(), 1, "{:?}", mock.requests());
    // `Retry-After: 1`; without it the backoff here is about a millisecond.
    let waited = wait_after_the_429(&mock);
    assert!(
        waited >= Duration::from_millis(900),
        "Retry-After honoured: {waited:?}"
    );
}

#[test]
fn a_429_is_retried_after_a_retry_after_date() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["get", "fault-429-date", "--field", "instanceId"]);
    ok(&r);
    assert_eq!(statuses(&mock), [401, 429, 200]);
    assert_eq!(request_ids(&mock).len(), 1);
    // The date is 2 s ahead in whole seconds: a wait of more than 1 s (less
    // the time the 429 took to reach obssl); ignored, the backoff here is
    // about a millisecond.
    let waited = wait_after_the_429(&mock);
    assert!(
        waited >= Duration::from_millis(800),
        "the Retry-After date was honoured: {waited:?}"
    );
}

#[test]
fn two_503s_are_ridden_out_with_one_request_id() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["get", "fault-503-twice", "-o", "json", "-v"]);
    ok(&r);
    // The handshake happens once; the retries are signed pre-emptively.
    assert_eq!(statuses(&mock), [401, 503, 503, 200]);
    assert_eq!(request_ids(&mock).len(), 1);
    assert!(r.stderr.contains("* retry 1/3 in "), "{}", r.stderr);
    assert!(r.stderr.contains("* retry 2/3 in "), "{}", r.stderr);
    assert!(r.stderr.contains("(HTTP 503)"), "{}", r.stderr);
}

#[test]
fn a_503_that_never_ends_exits_5_after_all_attempts() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["get", "fault-503-always"]);
    fails(
        &r,
        5,
        &[
            "HTTP 503",
            "after 4 attempts",
            "ServiceUnavailable",
            "requestId",
        ],
    );
    assert_eq!(statuses(&mock), [401, 503, 503, 503, 503]);
    assert_eq!(request_ids(&mock).len(), 1);
}

#[test]
fn retries_0_makes_exactly_one_attempt() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["get", "fault-503-always", "--retries", "0"]);
    fails(&r, 5, &["HTTP 503"]);
    assert!(!r.stderr.contains("attempts"), "{}", r.stderr);
    assert_eq!(statuses(&mock), [401, 503]);
}

#[test]
fn retries_flag_is_validated() {
    let mock = start_mock(MockConfig::default());
    for bad in ["--retries=-1", "--retries=x", "--retries=11"] {
        let r = run(&mock, &["get", "obxxx", bad]);
        fails(&r, 2, &["--retries"]);
    }
    assert_eq!(mock.request_count(), 0);
}

#[test]
fn client_errors_and_500_are_never_retried() {
    for (id, status) in [
        ("mock-message-field", 400),
        ("fault-403", 403),
        ("mock-not-found", 404),
        ("mock-server-error", 500),
    ] {
        let mock = start_mock(MockConfig::default());
        let r = run(&mock, &["get", id]);
        fails(&r, 5, &[&status.to_string()]);
        assert_eq!(statuses(&mock), [401, status], "{id}");
    }
}

#[test]
fn a_refused_connection_is_retried_then_exits_6() {
    let endpoint = format!("http://127.0.0.1:{}", refused_port());
    let r = run_at(&endpoint, &["get", "obxxx", "-v"]);
    fails(&r, 6, &["could not connect", "after 4 attempts"]);
    assert_eq!(r.stderr.matches("> GET ").count(), 4, "{}", r.stderr);
    assert!(r.stderr.contains("* retry 3/3"), "{}", r.stderr);

    let r = run_at(&endpoint, &["get", "obxxx", "-v", "--retries", "0"]);
    fails(&r, 6, &["could not connect"]);
    assert!(!r.stderr.contains("attempts"), "{}", r.stderr);
    assert_eq!(r.stderr.matches("> GET ").count(), 1, "{}", r.stderr);
}

// ---- limits ----------------------------------------------------------------

#[test]
fn a_trickling_body_is_cut_off_at_the_timeout() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["get", "fault-trickle", "--timeout", "1"]);
    fails(&r, 6, &["timed out", "fault-trickle"]);
    assert!(r.took < Duration::from_secs(4), "bounded: {:?}", r.took);
    assert_eq!(statuses(&mock), [401, 200], "a body timeout is not retried");
}

#[test]
fn a_100_mb_answer_is_refused_after_the_cap() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["get", "fault-huge"]);
    fails(&r, 5, &["larger than 1024 KiB", "fault-huge"]);
    assert_eq!(statuses(&mock), [401, 200]);
    assert!(r.took < Duration::from_secs(10), "{:?}", r.took);
}

#[test]
fn a_redirect_is_not_followed_and_authorization_stays_home() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["get", "fault-redirect"]);
    fails(
        &r,
        5,
        &["302", "other.invalid", "does not follow redirects"],
    );
    // Followed, it would have been a DNS failure (exit 6): the signed request went to the mock only.
    assert_eq!(statuses(&mock), [401, 302]);
}

// ---- digest robustness -------------------------------------------------------

#[test]
fn every_challenge_form_is_answered_in_two_requests() {
    let cases: Vec<(&str, MockConfig)> = vec![
        (
            "Basic and Digest headers",
            MockConfig {
                challenge_style: ChallengeStyle::BasicAndDigestHeaders,
                ..MockConfig::default()
            },
        ),
        (
            "two challenges in one header",
            MockConfig {
                challenge_style: ChallengeStyle::TwoChallengesOneHeader,
                ..MockConfig::default()
            },
        ),
        (
            "algorithm=md5",
            MockConfig {
                challenge_style: ChallengeStyle::LowerCaseAlgorithm,
                ..MockConfig::default()
            },
        ),
        (
            "algorithm=sha-256-sess",
            MockConfig {
                challenge_style: ChallengeStyle::LowerCaseAlgorithm,
                algorithm: MockAlgorithm::Sha256Sess,
                ..MockConfig::default()
            },
        ),
        (
            "qop=auth,auth-int",
            MockConfig {
                challenge_style: ChallengeStyle::AuthAndAuthInt,
                ..MockConfig::default()
            },
        ),
        (
            "SHA-256",
            MockConfig {
                algorithm: MockAlgorithm::Sha256,
                ..MockConfig::default()
            },
        ),
        (
            "MD5-sess",
            MockConfig {
                algorithm: MockAlgorithm::Md5Sess,
                ..MockConfig::default()
            },
        ),
        (
            "SHA-256-sess",
            MockConfig {
                algorithm: MockAlgorithm::Sha256Sess,
                ..MockConfig::default()
            },
        ),
        (
            "no qop (RFC 2069)",
            MockConfig {
                qop: MockQop::None,
                ..MockConfig::default()
            },
        ),
    ];
    for (name, config) in cases {
        let mock = start_mock(config);
        let r = run(&mock, &["get", "obxxx", "--field", "instanceId", "-v"]);
        ok(&r);
        assert_eq!(statuses(&mock), [401, 200], "{name}");
        let auth = mock.requests()[1].authorization.clone().unwrap();
        assert!(
            digest_param(&auth, "opaque").is_some(),
            "{name}: opaque echoed"
        );
        assert!(
            r.stderr.contains("* digest: challenge "),
            "{name}: {}",
            r.stderr
        );
        assert_no_secret(&r.stderr, Some(&mock));
    }
}

#[test]
fn stale_nonces_are_refreshed_once_and_then_given_up() {
    // Every nonce is stale by the time the signed request arrives: 3 requests, exit 4.
    let mock = start_mock(MockConfig {
        nonce_lifetime: Some(Duration::ZERO),
        latency: Duration::from_millis(5),
        ..MockConfig::default()
    });
    let r = run(&mock, &["get", "obxxx"]);
    fails(&r, 4, &["stale twice", "after 3 requests"]);
    assert_eq!(statuses(&mock), [401, 401, 401]);
    // A stale nonce mid-run that is refreshed successfully: src/tests/handshake.rs.
}

#[test]
fn a_server_that_answers_401_forever_gets_exactly_two_requests() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["get", "fault-401-forever"]);
    fails(
        &r,
        4,
        &[
            "rejected the signed request",
            "after 2 requests",
            "AccessKey",
        ],
    );
    assert_eq!(statuses(&mock), [401, 401], "401 is never retried");
}

#[test]
fn a_challenge_with_non_ascii_bytes_is_exit_4_not_a_panic() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["get", "fault-challenge-non-ascii", "-vv"]);
    fails(&r, 4, &["non-ASCII", "cannot authenticate"]);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(mock.request_count(), 1);
}

#[test]
fn a_garbage_challenge_is_exit_4_not_a_panic() {
    let mock = start_mock(MockConfig::default());
    let r = run(&mock, &["get", "fault-challenge-garbage"]);
    fails(&r, 4, &["cannot authenticate", "challenge"]);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(mock.request_count(), 1);
}

#[test]
fn raw_hostile_challenges_never_crash() {
    let answers: [&'static [u8]; 4] = [
        b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"\xc3\x28\xff\", nonce=\"\x80\"\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"r\", nonce=\"n\", algorithm=ROT13\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n",
    ];
    for answer in answers {
        let (port, seen) = raw_server(answer);
        let r = run_at(&format!("http://127.0.0.1:{port}"), &["get", "obxxx"]);
        fails(&r, 4, &["cannot authenticate"]);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        assert_eq!(
            seen.try_iter().count(),
            1,
            "{}",
            String::from_utf8_lossy(answer)
        );
    }
}

// ---- verbose -----------------------------------------------------------------

#[test]
fn verbose_tells_requests_statuses_and_digest_decisions_without_secrets() {
    let mock = start_mock(MockConfig::default());
    let r = run(
        &mock,
        &["get", "obxxx", "-v", "--request-id", "rid-verbose"],
    );
    ok(&r);
    for needle in [
        "> GET http://127.0.0.1:",
        "/api/v2/instances/obxxx/security/ssl?requestId=rid-verbose",
        "< 401 Unauthorized (",
        " ms)",
        "* digest: challenge MD5 qop=auth realm=\"OceanBase Cloud API\"; signing (nc=00000001)",
        "< 200 OK (",
    ] {
        assert!(
            r.stderr.contains(needle),
            "missing {needle:?} in\n{}",
            r.stderr
        );
    }
    assert!(
        !r.stderr.contains("Authorization"),
        "-v has no headers:\n{}",
        r.stderr
    );

    let r = run(&mock, &["get", "obxxx", "-vv"]);
    ok(&r);
    assert!(
        r.stderr.contains("> Authorization: Digest (redacted)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("< www-authenticate: Digest realm="),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("response="), "{}", r.stderr);
    assert!(!r.stderr.contains("username="), "{}", r.stderr);
}

// ---- proxies -------------------------------------------------------------------

#[test]
fn no_proxy_bypasses_a_dead_proxy() {
    let mock = start_mock(MockConfig::default());
    let dead = format!("http://127.0.0.1:{}", refused_port());
    let home = tempfile::tempdir().unwrap();
    let mut cmd = obssl_for(&mock, home.path());
    cmd.env("HTTP_PROXY", &dead)
        .env("HTTPS_PROXY", &dead)
        .env("ALL_PROXY", &dead)
        .env("NO_PROXY", "example.com,127.0.0.1");
    let r = run_with(cmd, &["get", "obxxx", "--retries", "0"]);
    ok(&r);
    assert_eq!(statuses(&mock), [401, 200]);
}

#[test]
fn https_proxy_is_used_when_no_proxy_does_not_match() {
    let (proxy_port, seen) = raw_server(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
    let home = tempfile::tempdir().unwrap();
    let mut cmd = isolated("obssl", home.path());
    cmd.env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("OBSSL_ACCESS_KEY_SECRET", SECRET)
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{proxy_port}"))
        .env("NO_PROXY", "example.com");
    let r = run_with(cmd, &["get", "obxxx", "--retries", "0", "-v"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("* proxy: 127.0.0.1:"), "{}", r.stderr);
    let line = seen
        .recv_timeout(Duration::from_secs(5))
        .expect("the proxy was asked");
    assert!(
        line.contains("CONNECT api-cloud.oceanbase.com:443"),
        "the proxy is asked to tunnel to the API: {line}"
    );
    assert_no_secret(&format!("{}{}", r.stdout, r.stderr), None);
}

#[test]
fn a_loopback_endpoint_never_goes_through_a_proxy() {
    // Behind a corporate proxy, the mock (and the quick start) still work.
    let mock = start_mock(MockConfig::default());
    let dead = format!("http://127.0.0.1:{}", refused_port());
    let home = tempfile::tempdir().unwrap();
    let mut cmd = obssl_for(&mock, home.path());
    cmd.env("HTTP_PROXY", &dead).env("ALL_PROXY", &dead);
    let r = run_with(
        cmd,
        &["get", "obxxx", "--retries", "0", "--field", "status"],
    );
    ok(&r);
    assert_eq!(statuses(&mock), [401, 200]);
}

// ---- TLS -------------------------------------------------------------------------

#[test]
fn ca_bundle_adds_a_root_and_verification_is_never_off() {
    let port = tls_server();
    let endpoint = format!("https://127.0.0.1:{port}");
    let bundle = tls_dir().join("ca.pem");

    let r = run_at(
        &endpoint,
        &["get", "obxxx", "--retries", "0", "--field", "status"],
    );
    fails(&r, 6, &["TLS", "--ca-bundle"]);

    let r = run_at(
        &endpoint,
        &[
            "get",
            "obxxx",
            "--field",
            "status",
            "--ca-bundle",
            bundle.to_str().unwrap(),
        ],
    );
    ok(&r);
    assert_eq!(r.stdout, "OPEN\n");

    let home = tempfile::tempdir().unwrap();
    let mut cmd = isolated("obssl", home.path());
    cmd.env("OBSSL_ENDPOINT", &endpoint)
        .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("OBSSL_ACCESS_KEY_SECRET", SECRET)
        .env("OBSSL_CA_BUNDLE", &bundle);
    let r = run_with(cmd, &["get", "obxxx", "--field", "status"]);
    ok(&r);
}

#[test]
fn a_bad_ca_bundle_is_a_configuration_error_naming_the_file() {
    let mock = start_mock(MockConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let r = run(
        &mock,
        &["get", "obxxx", "--ca-bundle", missing.to_str().unwrap()],
    );
    fails(&r, 3, &["cannot read the CA bundle", "missing.pem"]);

    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let r = run(
        &mock,
        &["get", "obxxx", "--ca-bundle", empty.to_str().unwrap()],
    );
    fails(&r, 3, &["empty.pem", "no certificate"]);

    let broken = dir.path().join("broken.pem");
    std::fs::write(
        &broken,
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let r = run(
        &mock,
        &["get", "obxxx", "--ca-bundle", broken.to_str().unwrap()],
    );
    fails(&r, 3, &["broken.pem"]);
    assert_eq!(mock.request_count(), 0);

    // A valid bundle does not stand in the way of a plain-http loopback call.
    let good = tls_dir().join("ca.pem");
    let r = run(
        &mock,
        &["get", "obxxx", "--ca-bundle", good.to_str().unwrap()],
    );
    ok(&r);
}

/// A listener whose accept queue is full: the kernel drops new SYNs, so a
/// connect neither succeeds nor is refused. The fillers must stay open.
#[cfg(target_os = "linux")]
fn unanswered_port() -> Option<(TcpListener, Vec<std::net::TcpStream>, u16)> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..5000 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            Ok(stream) => fillers.push(stream),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                return Some((listener, fillers, addr.port()))
            }
            Err(_) => return None,
        }
    }
    None
}

#[cfg(target_os = "linux")]
#[test]
fn a_connect_timeout_is_a_network_failure_and_is_retried() {
    let (_listener, _fillers, port) =
        unanswered_port().expect("Linux drops SYNs to a listener whose accept queue is full");
    let endpoint = format!("http://127.0.0.1:{port}");
    let r = run_at(
        &endpoint,
        &["get", "obxxx", "-v", "--timeout", "1", "--retries", "0"],
    );
    fails(&r, 6, &["connecting to 127.0.0.1", "timed out"]);
    assert_eq!(r.stderr.matches("> GET ").count(), 1, "{}", r.stderr);
    let r = run_at(
        &endpoint,
        &["get", "obxxx", "-v", "--timeout", "1", "--retries", "1"],
    );
    fails(
        &r,
        6,
        &["connecting to 127.0.0.1", "timed out", "after 2 attempts"],
    );
    assert_eq!(r.stderr.matches("> GET ").count(), 2, "{}", r.stderr);
}
