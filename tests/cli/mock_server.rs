//! Drives the mock API server over real HTTP: ureq with hand-made digest headers, `curl --digest`,
//! and the `obssl-mock` binary.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use digest_auth::AuthContext;
use obssl_mock::{MockAlgorithm, MockConfig, MockQop, MockServer};
use predicates::prelude::*;
use serde_json::{json, Value};

const ID: &str = "mock-access-key-id";
const SECRET: &str = "mock-access-key-secret";
const OBXXX_PATH: &str = "/api/v2/instances/obxxx/security/ssl";
const OBXXX_TARGET: &str = "/api/v2/instances/obxxx/security/ssl?requestId=abc";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

struct Answer {
    status: u16,
    www_authenticate: Option<String>,
    content_type: Option<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

fn get(agent: &ureq::Agent, url: &str, authorization: Option<&str>) -> Answer {
    let mut request = agent.get(url);
    if let Some(authorization) = authorization {
        request = request.header("Authorization", authorization);
    }
    let mut response = request.call().expect("HTTP exchange with the mock");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let www_authenticate = header("www-authenticate");
    let content_type = header("content-type");
    Answer {
        status: response.status().as_u16(),
        www_authenticate,
        content_type,
        body: response.body_mut().read_to_string().unwrap(),
    }
}

/// An unauthenticated request's challenge, parsed by digest_auth's client side.
fn challenge(agent: &ureq::Agent, url: &str) -> digest_auth::WwwAuthenticateHeader {
    let answer = get(agent, url, None);
    assert_eq!(answer.status, 401);
    digest_auth::parse(&answer.www_authenticate.expect("a Digest challenge")).unwrap()
}

fn sign(challenge: &mut digest_auth::WwwAuthenticateHeader, password: &str, uri: &str) -> String {
    challenge
        .respond(&AuthContext::new(ID, password, uri))
        .unwrap()
        .to_header_string()
}

/// Challenge, sign, send: the answer to a correctly authenticated GET of `target`.
fn authenticated_get(server: &MockServer, agent: &ureq::Agent, target: &str) -> Answer {
    let url = format!("{}{target}", server.base_url());
    let mut challenge = challenge(agent, &url);
    let authorization = sign(&mut challenge, SECRET, target);
    get(agent, &url, Some(&authorization))
}

fn start(config: MockConfig) -> MockServer {
    MockServer::start(config).expect("mock server starts")
}

/// Whether to run the `curl --digest` cross-checks. They are part of the proof that the
/// mock speaks real digest, so a missing curl fails them unless `OBSSL_SKIP_CURL=1` says
/// to skip on purpose (`.ci/run` installs curl).
fn curl_installed() -> bool {
    let installed = Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !installed {
        assert!(
            std::env::var_os("OBSSL_SKIP_CURL").is_some_and(|v| v == "1"),
            "curl is not installed: install it (the tests check the mock against curl --digest) \
             or set OBSSL_SKIP_CURL=1 to skip these checks"
        );
        eprintln!("note: curl is not installed and OBSSL_SKIP_CURL=1: skipping this test");
    }
    installed
}

/// The API reference's call: `curl --digest -u 'AK:SK' URL` (proxies off for the test).
fn curl_digest(url: &str, credentials: &str) -> std::process::Output {
    Command::new("curl")
        .args(["-sS", "--noproxy", "*", "--digest", "-u", credentials, url])
        .output()
        .expect("curl runs")
}

#[test]
fn unauthenticated_request_gets_a_digest_challenge() {
    let server = start(MockConfig::default());
    let answer = get(
        &agent(),
        &format!("{}{OBXXX_TARGET}", server.base_url()),
        None,
    );
    assert_eq!(answer.status, 401);
    let challenge = answer.www_authenticate.unwrap();
    assert!(
        challenge.starts_with(
            "Digest realm=\"OceanBase Cloud API\", qop=\"auth\", algorithm=MD5, nonce=\""
        ),
        "{challenge}"
    );
    assert!(challenge.contains("opaque=\""), "{challenge}");
    assert_eq!(server.request_count(), 1);
    let recorded = &server.requests()[0];
    assert_eq!(
        (
            recorded.method.as_str(),
            recorded.url.as_str(),
            recorded.status
        ),
        ("GET", OBXXX_TARGET, 401)
    );
    assert_eq!(recorded.authorization, None);
}

#[test]
fn unknown_instance_and_path_still_need_authentication() {
    let server = start(MockConfig::default());
    let agent = agent();
    for target in [
        "/api/v2/instances/nope/security/ssl?requestId=1",
        "/elsewhere",
    ] {
        assert_eq!(
            get(&agent, &format!("{}{target}", server.base_url()), None).status,
            401
        );
    }
}

#[test]
fn signed_request_gets_the_documented_example() {
    let server = start(MockConfig::default());
    let answer = authenticated_get(&server, &agent(), OBXXX_TARGET);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.content_type.as_deref(),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(
        answer.json(),
        json!({"data": crate::support::reference_example(), "requestId": "abc", "success": true})
    );
    let recorded = server.requests();
    assert_eq!(
        recorded.iter().map(|r| r.status).collect::<Vec<_>>(),
        [401, 200]
    );
    assert!(recorded[1]
        .authorization
        .as_deref()
        .unwrap()
        .starts_with("Digest "));
    assert!(recorded[1]
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host")));
}

#[test]
fn curl_digest_gets_the_documented_example() {
    if !curl_installed() {
        return;
    }
    let server = start(MockConfig::default());
    let out = curl_digest(
        &format!("{}{OBXXX_TARGET}", server.base_url()),
        &format!("{ID}:{SECRET}"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        body,
        json!({"data": crate::support::reference_example(), "requestId": "abc", "success": true})
    );
    // Key order as in the API reference.
    assert!(String::from_utf8_lossy(&out.stdout)
        .starts_with(r#"{"data":{"autoUpdate":"OPEN","caUrl":"#));
}

#[test]
fn curl_digest_works_with_md5_and_sha256() {
    if !curl_installed() {
        return;
    }
    for algorithm in [MockAlgorithm::Md5, MockAlgorithm::Sha256] {
        let server = start(MockConfig {
            algorithm,
            ..MockConfig::default()
        });
        let out = curl_digest(
            &format!("{}{OBXXX_TARGET}", server.base_url()),
            &format!("{ID}:{SECRET}"),
        );
        let body: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("{algorithm}: {e}: {}", String::from_utf8_lossy(&out.stdout))
        });
        assert_eq!(body["success"], json!(true), "{algorithm}");
        let statuses: Vec<u16> = server.requests().iter().map(|r| r.status).collect();
        assert_eq!(statuses, [401, 200], "{algorithm}");
        let authorization = server.requests()[1].authorization.clone().unwrap();
        assert!(
            authorization.contains(&format!("algorithm={algorithm}"))
                || authorization.contains(&format!("algorithm=\"{algorithm}\"")),
            "{authorization}"
        );
    }
}

#[test]
fn curl_digest_works_without_qop() {
    if !curl_installed() {
        return;
    }
    let server = start(MockConfig {
        qop: MockQop::None,
        ..MockConfig::default()
    });
    let out = curl_digest(
        &format!("{}{OBXXX_TARGET}", server.base_url()),
        &format!("{ID}:{SECRET}"),
    );
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["data"]["instanceId"], json!("obxxx"));
}

#[test]
fn every_algorithm_verifies_digest_auth_client() {
    let agent = agent();
    for algorithm in [
        MockAlgorithm::Md5,
        MockAlgorithm::Md5Sess,
        MockAlgorithm::Sha256,
        MockAlgorithm::Sha256Sess,
    ] {
        let server = start(MockConfig {
            algorithm,
            ..MockConfig::default()
        });
        assert_eq!(
            authenticated_get(&server, &agent, OBXXX_TARGET).status,
            200,
            "{algorithm}"
        );
    }
}

#[test]
fn signing_the_path_without_the_query_is_refused() {
    let server = start(MockConfig::default());
    let agent = agent();
    let url = format!("{}{OBXXX_TARGET}", server.base_url());
    let mut challenge = challenge(&agent, &url);
    let authorization = sign(&mut challenge, SECRET, OBXXX_PATH);
    let answer = get(&agent, &url, Some(&authorization));
    assert_eq!(answer.status, 401);
    assert!(answer.www_authenticate.is_some());
    assert!(!answer.www_authenticate.unwrap().contains("stale"));
    assert!(answer.body.contains("uri"), "{}", answer.body);
}

#[test]
fn wrong_password_is_refused() {
    let server = start(MockConfig::default());
    let agent = agent();
    let url = format!("{}{OBXXX_TARGET}", server.base_url());
    let mut challenge = challenge(&agent, &url);
    let authorization = sign(&mut challenge, "not-the-secret", OBXXX_TARGET);
    let answer = get(&agent, &url, Some(&authorization));
    assert_eq!(answer.status, 401);
    assert!(!answer.www_authenticate.unwrap().contains("stale"));
}

#[test]
fn wrong_username_is_refused() {
    let server = start(MockConfig::default());
    let agent = agent();
    let url = format!("{}{OBXXX_TARGET}", server.base_url());
    let mut challenge = challenge(&agent, &url);
    let authorization = challenge
        .respond(&AuthContext::new("someone-else", SECRET, OBXXX_TARGET))
        .unwrap()
        .to_header_string();
    assert_eq!(get(&agent, &url, Some(&authorization)).status, 401);
}

#[test]
fn nonce_reuse_needs_a_growing_nonce_count() {
    let server = start(MockConfig::default());
    let agent = agent();
    let url = format!("{}{OBXXX_TARGET}", server.base_url());
    let mut challenge = challenge(&agent, &url);
    let first = sign(&mut challenge, SECRET, OBXXX_TARGET);
    assert_eq!(get(&agent, &url, Some(&first)).status, 200);
    // The same header again (same nc): a replay. The hash verified, so the fresh challenge is
    // marked stale (a racing client retries once instead of giving up).
    let replay = get(&agent, &url, Some(&first));
    assert_eq!(replay.status, 401);
    assert!(replay.www_authenticate.unwrap().contains("stale=true"));
    // Pre-emptive reuse of the challenge with nc+1 works.
    let second = sign(&mut challenge, SECRET, OBXXX_TARGET);
    assert_eq!(get(&agent, &url, Some(&second)).status, 200);
}

#[test]
fn expired_nonce_gets_a_stale_challenge() {
    let lifetime = Duration::from_millis(50);
    let server = start(MockConfig {
        nonce_lifetime: Some(lifetime),
        ..MockConfig::default()
    });
    let agent = agent();
    let url = format!("{}{OBXXX_TARGET}", server.base_url());
    let mut challenge = challenge(&agent, &url);
    // The nonce was issued before the challenge was recorded: wait until it is
    // past its lifetime, and no longer.
    let expired = server.requests()[0].received_at + lifetime + Duration::from_millis(10);
    thread::sleep(expired.saturating_duration_since(Instant::now()));
    let authorization = sign(&mut challenge, SECRET, OBXXX_TARGET);
    let answer = get(&agent, &url, Some(&authorization));
    assert_eq!(answer.status, 401);
    let fresh = answer.www_authenticate.unwrap();
    assert!(fresh.contains("stale=true"), "{fresh}");
    let mut fresh = digest_auth::parse(&fresh).unwrap();
    assert_ne!(fresh.nonce, challenge.nonce);
    let retry = sign(&mut fresh, SECRET, OBXXX_TARGET);
    assert_eq!(get(&agent, &url, Some(&retry)).status, 200);
}

#[test]
fn hostile_authorization_headers_do_not_crash_the_server() {
    let server = start(MockConfig::default());
    let agent = agent();
    let url = format!("{}{OBXXX_TARGET}", server.base_url());

    // Raw bytes: no HTTP library between us and the server.
    let raw = format!(
        "GET {OBXXX_TARGET} HTTP/1.1\r\nHost: {}\r\nAuthorization: Digest username=\"\u{e9}\u{1F512}\", realm=\"\u{fc}\"\r\nConnection: close\r\n\r\n",
        server.addr()
    );
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    let reply = String::from_utf8_lossy(&reply);
    assert!(
        reply.is_empty() || reply.starts_with("HTTP/1.1 4"),
        "{reply}"
    );

    for garbage in [
        "Digest",
        "Digest ,,,=\"",
        "Digest username=\"a\", nc=zz",
        "Digest \"\"\"",
        "Bearer x",
    ] {
        assert_eq!(get(&agent, &url, Some(garbage)).status, 401, "{garbage}");
    }
    assert_eq!(authenticated_get(&server, &agent, OBXXX_TARGET).status, 200);
}

#[test]
fn built_in_fixtures_answer_as_documented() {
    let server = start(MockConfig::default());
    let agent = agent();
    let target = |id: &str| format!("/api/v2/instances/{id}/security/ssl?requestId=r-1");
    let envelope = |code: &str, field: &str, message: &str| {
        let mut envelope = serde_json::Map::new();
        envelope.insert("success".into(), json!(false));
        envelope.insert("errorCode".into(), json!(code));
        envelope.insert(field.into(), json!(message));
        envelope.insert("requestId".into(), json!("r-1"));
        Value::Object(envelope)
    };

    let not_found = authenticated_get(&server, &agent, &target("mock-not-found"));
    assert_eq!(not_found.status, 404);
    assert_eq!(
        not_found.body,
        r#"{"success":false,"errorCode":"InstanceNotFound","errorMessage":"Instance mock-not-found not found","requestId":"r-1"}"#
    );

    let success_false = authenticated_get(&server, &agent, &target("mock-success-false"));
    assert_eq!(success_false.status, 200);
    assert_eq!(
        success_false.json(),
        envelope("E001R000", "errorMessage", "Unknown Error")
    );

    let server_error = authenticated_get(&server, &agent, &target("mock-server-error"));
    assert_eq!(server_error.status, 500);
    assert_eq!(server_error.json()["errorCode"], json!("InternalError"));
    assert_eq!(server_error.json()["success"], json!(false));

    let not_json = authenticated_get(&server, &agent, &target("mock-not-json"));
    assert_eq!(not_json.status, 200);
    assert!(not_json.content_type.unwrap().starts_with("text/html"));
    assert!(serde_json::from_str::<Value>(&not_json.body).is_err());
    assert!(not_json.body.contains("<html>"));

    let message_field = authenticated_get(&server, &agent, &target("mock-message-field"));
    assert_eq!(message_field.status, 400);
    let body = message_field.json();
    assert_eq!(body["errorCode"], json!("InvalidParameter"));
    assert!(body["message"].is_string() && body.get("errorMessage").is_none());

    let unknown = authenticated_get(&server, &agent, &target("obcluster-unknown"));
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.json(),
        envelope(
            "InstanceNotFound",
            "errorMessage",
            "Instance obcluster-unknown not found"
        )
    );
}

#[test]
fn built_in_data_fixtures() {
    let server = start(MockConfig::default());
    let agent = agent();
    let data = |id: &str| {
        let answer = authenticated_get(
            &server,
            &agent,
            &format!("/api/v2/instances/{id}/security/ssl?requestId=x"),
        );
        assert_eq!(answer.status, 200, "{id}: {}", answer.body);
        assert_eq!(answer.json()["success"], json!(true));
        answer.json()["data"].clone()
    };

    let demo = data("obcluster-demo");
    assert_eq!(
        (demo["enableSSL"].as_str(), demo["forceSSL"].as_str()),
        (Some("OPEN"), Some("OPEN"))
    );
    let expiry: jiff::Timestamp = demo["validPeriod"].as_str().unwrap().parse().unwrap();
    let days_left = expiry.duration_since(jiff::Timestamp::now()).as_hours() / 24;
    assert!((199..=200).contains(&days_left), "{days_left}");

    let nulls = data("obcluster-nulls");
    assert!(nulls.get("autoUpdate").is_none());
    for key in ["validPeriod", "caUrl", "forceSSLSupport"] {
        assert_eq!(nulls[key], Value::Null, "{key}");
    }

    let extra = data("obcluster-extra");
    assert_eq!(extra["tlsVersion"], json!("TLSv1.3"));
    assert!(extra["cipherSuites"].is_array() && extra["certificate"].is_object());

    assert_eq!(
        data("obcluster-legacy-date")["validPeriod"],
        json!("2027-09-20 07:55:03.0")
    );
}

#[test]
fn other_paths_and_methods_get_error_envelopes() {
    let server = start(MockConfig::default());
    let agent = agent();
    let other_path = authenticated_get(&server, &agent, "/api/v2/other?requestId=1");
    assert_eq!(other_path.status, 404);
    assert_eq!(other_path.json()["success"], json!(false));

    let url = format!("{}{OBXXX_TARGET}", server.base_url());
    let mut challenge = challenge(&agent, &url);
    let authorization = challenge
        .respond(&AuthContext::new_with_method(
            ID,
            SECRET,
            OBXXX_TARGET,
            None::<&[u8]>,
            digest_auth::HttpMethod::DELETE,
        ))
        .unwrap()
        .to_header_string();
    let mut response = agent
        .delete(&url)
        .header("Authorization", &authorization)
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let body: Value = serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(body["success"], json!(false));
}

#[test]
fn fixtures_dir_overrides_and_extends() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("obmine.json"),
        r#"{"instanceId":"obmine","status":"RUNNING","b":1,"a":2}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("obxxx.json"),
        r#"{"instanceId":"obxxx","status":"CLOSE"}"#,
    )
    .unwrap();
    let server = start(MockConfig {
        fixtures_dir: Some(dir.path().to_owned()),
        ..MockConfig::default()
    });
    let agent = agent();
    let mine = authenticated_get(
        &server,
        &agent,
        "/api/v2/instances/obmine/security/ssl?requestId=q",
    );
    assert_eq!(
        mine.body,
        r#"{"data":{"instanceId":"obmine","status":"RUNNING","b":1,"a":2},"requestId":"q","success":true}"#
    );
    let overridden = authenticated_get(&server, &agent, OBXXX_TARGET);
    assert_eq!(
        overridden.json()["data"],
        json!({"instanceId":"obxxx","status":"CLOSE"})
    );
    assert!(server.fixture_ids().contains(&"obmine".to_owned()));
}

#[test]
fn malformed_fixture_file_fails_start_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.json"), "{ nope").unwrap();
    let error = MockServer::start(MockConfig {
        fixtures_dir: Some(dir.path().to_owned()),
        ..MockConfig::default()
    })
    .unwrap_err();
    assert!(error.to_string().contains("broken.json"), "{error}");
}

#[test]
fn requests_are_answered_concurrently() {
    // A correctness check of concurrency, with a wide margin for a loaded machine:
    // serialized, 16 answers would take 16 × 300 ms = 4.8 s; concurrent, about 300 ms.
    let server = Arc::new(start(MockConfig {
        latency: Duration::from_millis(300),
        ..MockConfig::default()
    }));
    let url = format!("{}{OBXXX_TARGET}", server.base_url());
    let began = Instant::now();
    let clients: Vec<_> = (0..16)
        .map(|_| {
            let url = url.clone();
            thread::spawn(move || get(&agent(), &url, None).status)
        })
        .collect();
    for client in clients {
        assert_eq!(client.join().unwrap(), 401);
    }
    let elapsed = began.elapsed();
    assert!(
        elapsed < Duration::from_millis(2400),
        "16 requests took {elapsed:?}: the mock serializes them"
    );
    assert!(
        elapsed >= Duration::from_millis(300),
        "latency was not applied: {elapsed:?}"
    );
    assert_eq!(server.request_count(), 16);
}

#[test]
fn stop_releases_the_port() {
    let server = start(MockConfig::default());
    let addr = server.addr();
    server.stop();
    let again = MockServer::start(MockConfig {
        listen: addr,
        ..MockConfig::default()
    })
    .expect("port is free again");
    assert_eq!(again.addr(), addr);
}

fn mock_bin() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(crate::support::mock_bin());
    for variable in [
        "OBSSL_MOCK_ACCESS_KEY_ID",
        "OBSSL_MOCK_ACCESS_KEY_SECRET",
        "OBSSL_ENDPOINT",
        "OBSSL_ACCESS_KEY_ID",
        "OBSSL_ACCESS_KEY_SECRET",
    ] {
        command.env_remove(variable);
    }
    command
}

#[cfg(unix)]
#[test]
fn run_exits_with_the_command_status() {
    mock_bin()
        .args([
            "run",
            "--",
            "sh",
            "-c",
            r#"test -n "$OBSSL_ENDPOINT" && exit 7"#,
        ])
        .assert()
        .code(7)
        .stdout(predicate::str::is_empty());
}

#[cfg(unix)]
#[test]
fn run_reports_a_signal_death_as_128_plus_signal() {
    mock_bin()
        .args(["run", "--", "sh", "-c", "kill -TERM $$"])
        .assert()
        .code(128 + 15);
}

#[cfg(unix)]
#[test]
fn run_passes_working_credentials_to_curl() {
    if !curl_installed() {
        return;
    }
    let script = r#"curl -sS --noproxy '*' --digest -u "$OBSSL_ACCESS_KEY_ID:$OBSSL_ACCESS_KEY_SECRET" "$OBSSL_ENDPOINT/api/v2/instances/obxxx/security/ssl?requestId=from-run""#;
    for algorithm in ["md5", "sha-256"] {
        let out = mock_bin()
            .env("OBSSL_MOCK_ACCESS_KEY_SECRET", "a-different-secret")
            .args(["run", "--algorithm", algorithm, "--", "sh", "-c", script])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{algorithm}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let body: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            body,
            json!({"data": crate::support::reference_example(), "requestId": "from-run", "success": true})
        );
    }
}

#[test]
fn run_reports_a_missing_command_like_a_shell() {
    mock_bin()
        .args(["run", "--", "obssl-mock-no-such-command-here"])
        .assert()
        .code(127)
        .stderr(predicate::str::contains(
            "obssl-mock-no-such-command-here: command not found",
        ));
}

#[test]
fn bad_options_exit_2_with_a_clear_message() {
    mock_bin()
        .args(["serve", "--algorithm", "sha-512"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sha-512"));
    mock_bin()
        .args(["--latency-ms", "soon"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--latency-ms"));
    mock_bin()
        .args(["run", "--nonce-lifetime", "-1", "--", "true"])
        .assert()
        .code(2);
    mock_bin()
        .args(["run"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("CMD"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.json"), "{").unwrap();
    mock_bin()
        .args(["run", "--fixtures"])
        .arg(dir.path())
        .args(["--", "true"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.json"));
}

#[test]
fn serve_prints_url_credentials_and_export_lines() {
    let mut child = std::process::Command::new(crate::support::mock_bin())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("OBSSL_MOCK_ACCESS_KEY_SECRET")
        .env_remove("OBSSL_MOCK_ACCESS_KEY_ID")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut banner = String::new();
    let mut buffer = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(10);
    while !banner.contains("Ctrl-C") && Instant::now() < deadline {
        let read = stdout.read(&mut buffer).unwrap();
        if read == 0 {
            break;
        }
        banner.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        banner.contains("export OBSSL_ENDPOINT=http://127.0.0.1:"),
        "{banner}"
    );
    assert!(
        banner.contains("export OBSSL_ACCESS_KEY_ID=mock-access-key-id"),
        "{banner}"
    );
    assert!(
        banner.contains("export OBSSL_ACCESS_KEY_SECRET=mock-access-key-secret"),
        "{banner}"
    );
    assert!(
        banner.contains("obcluster-legacy-date") && banner.contains("mock-message-field"),
        "{banner}"
    );
}

/// The client crate obssl itself uses (http-auth) against the mock's digest_auth verification.
#[test]
fn http_auth_client_is_accepted_and_may_reuse_the_challenge() {
    let agent = agent();
    for (algorithm, qop_auth) in [
        (MockAlgorithm::Md5, true),
        (MockAlgorithm::Md5Sess, true),
        (MockAlgorithm::Sha256, true),
        (MockAlgorithm::Sha256Sess, true),
        (MockAlgorithm::Md5, false),
        (MockAlgorithm::Sha256, false),
    ] {
        let server = start(MockConfig {
            algorithm,
            qop: MockQop::from_qop_auth(qop_auth),
            ..MockConfig::default()
        });
        let url = format!("{}{OBXXX_TARGET}", server.base_url());
        let challenge = get(&agent, &url, None).www_authenticate.unwrap();
        let mut client = http_auth::PasswordClient::try_from(challenge.as_str()).unwrap();
        let params = http_auth::PasswordParams {
            username: ID,
            password: SECRET,
            uri: OBXXX_TARGET,
            method: "GET",
            body: Some(&[]),
        };
        for attempt in 1..=3 {
            let authorization = client.respond(&params).unwrap();
            let answer = get(&agent, &url, Some(&authorization));
            assert_eq!(
                answer.status, 200,
                "{algorithm} qop={qop_auth} attempt {attempt}: {}",
                answer.body
            );
        }
    }
}
