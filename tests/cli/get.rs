//! `obssl get` end to end: the real binary against the in-process mock API.

use crate::support::*;
use obssl_mock::{MockAlgorithm, MockConfig, MockQop};
use predicates::prelude::*;
use std::time::Duration;

#[test]
fn table_shows_the_reference_example_with_labels_and_time_left() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let out = obssl_for(&mock, h.path())
        .args(["get", "obxxx"])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for expected in [
        "Instance ID",
        "obxxx",
        "SSL enabled",
        "OPEN",
        "SSL enforced",
        "CLOSE",
        "Certificate valid",
        "true",
        "2026-12-10T04:11:13Z (",
        "OceanBase-CA.zip",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in\n{stdout}"
        );
    }
    assert!(
        stdout.contains("days") || stdout.contains("day)") || stdout.contains("hours"),
        "time left shown next to the expiry:\n{stdout}"
    );
    assert_no_secret(&stdout, Some(&mock));
}

#[test]
fn json_is_the_data_object_exactly_as_sent() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let out = obssl_for(&mock, h.path())
        .args(["get", "obxxx", "-o", "json"])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let data: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is only JSON");
    assert_eq!(data, reference_example());
    assert!(stdout.contains("\n  \""), "pretty-printed:\n{stdout}");
}

#[test]
fn unknown_fields_survive_into_json_and_the_table() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let out = obssl_for(&mock, h.path())
        .args(["get", "obcluster-extra", "--output", "json"])
        .assert()
        .success();
    let data: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(data["tlsVersion"], "TLSv1.3");
    assert!(data.get("cipherSuites").is_some());

    obssl_for(&mock, h.path())
        .args(["get", "obcluster-extra"])
        .assert()
        .success()
        .stdout(predicate::str::contains("tlsVersion").and(predicate::str::contains("TLSv1.3")));
}

#[test]
fn null_and_missing_fields_show_a_dash_in_the_table() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let out = obssl_for(&mock, h.path())
        .args(["get", "obcluster-nulls"])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for label in [
        "Certificate expires",
        "CA certificate URL",
        "Certificate auto-update",
    ] {
        let row = stdout
            .lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("no row {label}:\n{stdout}"));
        assert!(row.contains(" - "), "{label} should show '-': {row}");
    }
}

#[test]
fn field_prints_one_bare_value_case_insensitively() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    for (name, value) in [
        ("enableSSL", "OPEN\n"),
        ("forcessl", "CLOSE\n"),
        ("CERTVALID", "true\n"),
        ("validPeriod", "2026-12-10T04:11:13Z\n"),
        ("forceSSLSupport", "true\n"),
    ] {
        obssl_for(&mock, h.path())
            .args(["get", "obxxx", "--field", name])
            .assert()
            .success()
            .stdout(value)
            .stderr("");
    }
}

#[test]
fn unknown_field_is_a_usage_error_listing_valid_names_before_any_request() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    obssl_for(&mock, h.path())
        .args(["get", "obxxx", "--field", "expiry"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("unknown field `expiry`"))
        .stderr(predicate::str::contains("validPeriod"))
        .stderr(predicate::str::contains("enableSSL"));
    assert_eq!(mock.request_count(), 0);
}

#[test]
fn wrong_secret_is_exit_4_after_exactly_two_requests_and_never_leaks() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let wrong = "sk-WRONG-SECRET-91e0c4";
    let out = obssl_for(&mock, h.path())
        .env("OBSSL_ACCESS_KEY_SECRET", wrong)
        .args(["get", "obxxx"])
        .assert()
        .code(4)
        .stdout("")
        .stderr(predicate::str::contains(
            "authentication failed for instance obxxx",
        ))
        .stderr(predicate::str::contains(ACCESS_KEY_ID));
    assert_eq!(
        mock.request_count(),
        2,
        "one unsigned and one signed request"
    );
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(!stderr.contains(wrong), "{stderr}");
    assert_no_secret(&stderr, Some(&mock));
}

#[test]
fn the_signed_request_carries_path_query_user_agent_and_request_id() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    obssl_for(&mock, h.path())
        .args([
            "get",
            "obxxx",
            "--request-id",
            "trace-42",
            "--field",
            "status",
        ])
        .assert()
        .success();
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs[0].authorization.is_none(), "first request unsigned");
    let signed = &reqs[1];
    assert_eq!(
        signed.url,
        "/api/v2/instances/obxxx/security/ssl?requestId=trace-42"
    );
    let auth = signed.authorization.as_deref().unwrap();
    assert_eq!(
        digest_param(auth, "uri").as_deref(),
        Some("/api/v2/instances/obxxx/security/ssl?requestId=trace-42")
    );
    assert_eq!(
        digest_param(auth, "username").as_deref(),
        Some(ACCESS_KEY_ID)
    );
    let ua = signed
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
        .map(|(_, v)| v.clone());
    assert_eq!(ua, Some(format!("obssl/{}", env!("CARGO_PKG_VERSION"))));
}

#[test]
fn a_fresh_uuid_request_id_is_sent_by_default() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    obssl_for(&mock, h.path())
        .args(["get", "obxxx", "--field", "status"])
        .assert()
        .success();
    let url = mock.requests()[1].url.clone();
    let id = url.split("requestId=").nth(1).unwrap();
    let parsed = uuid::Uuid::parse_str(id).expect("a UUID");
    assert_eq!(parsed.get_version_num(), 4);
}

#[test]
fn sha256_challenges_work() {
    let mock = start_mock(MockConfig {
        algorithm: MockAlgorithm::Sha256,
        ..MockConfig::default()
    });
    let h = home();
    obssl_for(&mock, h.path())
        .args(["get", "obxxx", "--field", "enableSSL"])
        .assert()
        .success()
        .stdout("OPEN\n");
}

#[test]
fn rfc2069_challenges_without_qop_work() {
    let mock = start_mock(MockConfig {
        qop: MockQop::None,
        ..MockConfig::default()
    });
    let h = home();
    obssl_for(&mock, h.path())
        .args(["get", "obxxx", "--field", "enableSSL"])
        .assert()
        .success()
        .stdout("OPEN\n");
}

#[test]
fn a_nonce_stale_on_every_try_ends_in_exit_4_after_three_requests() {
    let mock = start_mock(MockConfig {
        nonce_lifetime: Some(Duration::ZERO),
        ..MockConfig::default()
    });
    let h = home();
    obssl_for(&mock, h.path())
        .args(["get", "obxxx"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("stale"));
    assert_eq!(
        mock.request_count(),
        3,
        "unsigned, signed, one stale retry: never a loop"
    );
}

#[test]
fn api_errors_are_exit_5_with_status_code_and_request_id() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let cases = [
        ("mock-not-found", "404", Some("InstanceNotFound")),
        ("mock-success-false", "200", Some("E001R000")),
        ("mock-server-error", "500", Some("InternalError")),
        ("mock-not-json", "200", None),
        ("mock-message-field", "400", Some("InvalidParameter")),
    ];
    for (id, status, code) in cases {
        let out = obssl_for(&mock, h.path())
            .args(["get", id, "--request-id", "rid-for-support"])
            .assert()
            .code(5)
            .stdout("");
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains(id), "names the instance: {stderr}");
        assert!(
            stderr.contains(&format!("HTTP status: {status}")),
            "{id}: {stderr}"
        );
        assert!(stderr.contains("rid-for-support"), "{id}: {stderr}");
        if let Some(code) = code {
            assert!(stderr.contains(code), "{id}: {stderr}");
        }
        assert!(stderr.contains("hint:"), "says what to try: {stderr}");
    }
    // The `message` variant of the envelope is shown too.
    obssl_for(&mock, h.path())
        .args(["get", "mock-message-field"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("message:"));
}

#[test]
fn bad_instance_ids_are_refused_before_any_request() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    for bad in [
        "",
        "a/b",
        "x?y",
        "<z>",
        "a|b",
        "a{b}",
        "x#y",
        "x%2Fy",
        "a b",
        "tab\there",
        "obé",
        "bell\u{7}",
    ] {
        obssl_for(&mock, h.path())
            .args(["get", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("invalid instance id"));
    }
    assert_eq!(mock.request_count(), 0);
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let h = home();
    isolated("obssl", h.path())
        .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("OBSSL_ACCESS_KEY_SECRET", SECRET)
        .args([
            "get",
            "obxxx",
            "--endpoint",
            "http://api-cloud.oceanbase.com",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only allowed for loopback"));
    isolated("obssl", h.path())
        .env("OBSSL_ENDPOINT", "http://192.0.2.1:8080")
        .args(["get", "obxxx"])
        .assert()
        .code(2);
}

#[test]
fn missing_credentials_are_exit_3() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    isolated("obssl", h.path())
        .env("OBSSL_ENDPOINT", mock.base_url())
        .args(["get", "obxxx"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("no credentials"));
    isolated("obssl", h.path())
        .env("OBSSL_ENDPOINT", mock.base_url())
        .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .args(["get", "obxxx"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("OBSSL_ACCESS_KEY_SECRET is not"));
    assert_eq!(mock.request_count(), 0);
}

#[test]
fn a_refused_connection_is_exit_6() {
    let h = home();
    let port = refused_port();
    isolated("obssl", h.path())
        .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("OBSSL_ACCESS_KEY_SECRET", SECRET)
        // The retries' backoff is not under test: about a millisecond.
        .env("OBSSL_TEST_BACKOFF_MS", "1")
        .args([
            "get",
            "obxxx",
            "--endpoint",
            &format!("http://127.0.0.1:{port}"),
        ])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("network failure"));
}

#[test]
fn a_slow_server_is_cut_off_by_timeout_with_exit_6() {
    let mock = start_mock(MockConfig {
        latency: Duration::from_secs(5),
        ..MockConfig::default()
    });
    let h = home();
    obssl_for(&mock, h.path())
        .args(["get", "obxxx", "--timeout", "0.5"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("timed out"));
    // The mock is still sleeping out its latency for the request obssl gave up on.
    stop_in_background(mock);
}

#[test]
fn bad_flags_are_usage_errors() {
    let h = home();
    for args in [
        &["get", "obxxx", "-o", "yaml"][..],
        &["get", "obxxx", "--timeout", "0"][..],
        &["get", "obxxx", "--bogus"][..],
        &["get"][..],
        &["get", "obxxx", "--request-id", "has space"][..],
    ] {
        isolated("obssl", h.path())
            .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("OBSSL_ACCESS_KEY_SECRET", SECRET)
            .args(args)
            .assert()
            .code(2);
    }
}

#[test]
fn help_has_examples_and_version_prints() {
    let h = home();
    isolated("obssl", h.path())
        .args(["get", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("obssl get obcluster-xxxx -o json"));
    isolated("obssl", h.path())
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("obssl {}\n", env!("CARGO_PKG_VERSION")));
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_quietly_with_status_0() {
    let mock = start_mock(MockConfig {
        latency: Duration::from_millis(100),
        ..MockConfig::default()
    });
    let bin = env!("CARGO_BIN_EXE_obssl");
    // The reader exits before obssl writes (the mock adds latency), so the write hits a closed pipe.
    let script = format!(
        "'{bin}' get obxxx -o json | true; echo \"a=${{PIPESTATUS[0]}}\"; \
         '{bin}' get obxxx | head -c1 >/dev/null; echo \"b=${{PIPESTATUS[0]}}\""
    );
    let h = home();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .env_clear()
        .envs(isolated_env(h.path()))
        .envs(mock_env(&mock))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("a=0") && stdout.contains("b=0"),
        "stdout={stdout} stderr={stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    // Deterministic form: the read end is closed before obssl has even connected.
    for args in [
        &["get", "obxxx", "-o", "json"][..],
        &["get", "obxxx", "obcluster-demo"][..],
    ] {
        let mut child = std::process::Command::new(bin)
            .args(args)
            .env_clear()
            .envs(isolated_env(h.path()))
            .envs(mock_env(&mock))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: quiet, got {stderr}");
    }
}

#[test]
fn json_keeps_the_api_field_order_not_alphabetical() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let out = obssl_for(&mock, h.path())
        .args(["get", "obcluster-extra", "-o", "json"])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    // The mock sends ... "tlsVersion", "certificate": {"issuer", "serialNumber", "keyUsage"},
    // "validPeriod": an order that sorting would change.
    let at = |key: &str| {
        stdout
            .find(&format!("\"{key}\""))
            .unwrap_or_else(|| panic!("{key} missing:\n{stdout}"))
    };
    assert!(at("tlsVersion") < at("certificate"), "{stdout}");
    assert!(at("certificate") < at("validPeriod"), "{stdout}");
    assert!(at("serialNumber") < at("keyUsage"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn obssl_mock_run_drives_obssl_get_as_the_readme_says() {
    let h = home();
    let obssl = env!("CARGO_BIN_EXE_obssl");
    isolated("obssl-mock", h.path())
        .args(["run", "--", obssl, "get", "obxxx", "--field", "enableSSL"])
        .assert()
        .success()
        .stdout("OPEN\n");
    // The table form of the README's quick start, and the command's own exit status.
    isolated("obssl-mock", h.path())
        .args(["run", "--", obssl, "get", "obcluster-xxxx"])
        .assert()
        .success()
        .stdout(predicate::str::contains("SSL enabled"));
    isolated("obssl-mock", h.path())
        .args(["run", "--", obssl, "get", "mock-not-found"])
        .assert()
        .code(5);
}
