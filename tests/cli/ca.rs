//! `obssl ca` and `check --ca` end to end against the mock's CA archives:
//! the three formats and deduplication, `--out`, JSON, one download per URL,
//! no credentials at the CA host, the limits, the http refusal, and `check`'s
//! thresholds, `--ca-file` and metrics.

use crate::support::*;
use obssl_mock::{MockConfig, MockServer, EXPIRING_CA_DAYS};
use prometheus_parse::{Scrape, Value as PromValue};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The SHA-256 fingerprint of the mock's test CA (crates/obssl-mock/src/ca/OceanBase-CA.crt).
const TEST_CA_SHA256: &str = "0a3956b5848c44414f1354aec1fad70f4bdc85e3d00c647064bb997e45486b2c";
const TEST_CA_SUBJECT: &str = "CN=obssl-mock Test Root CA,O=obssl test,C=CN";

fn ca(mock: &MockServer, home: &Path, args: &[&str]) -> Run {
    Run::of(obssl_for(mock, home).arg("ca").args(args))
}

fn check(mock: &MockServer, home: &Path, args: &[&str]) -> Run {
    Run::of(obssl_for(mock, home).arg("check").args(args))
}

/// The requests `mock` saw for its CA archives.
fn ca_requests(mock: &MockServer) -> Vec<obssl_mock::RecordedRequest> {
    mock.requests()
        .into_iter()
        .filter(|r| r.url.starts_with("/ca/"))
        .collect()
}

/// A mock whose fixtures directory holds an instance `id` per `(id, caUrl)`.
fn mock_with_ca_urls(dir: &Path, urls: &[(&str, &str)]) -> MockServer {
    for (id, url) in urls {
        let data = serde_json::json!({
            "instanceId": id, "enableSSL": "OPEN", "forceSSL": "OPEN", "certValid": true,
            "autoUpdate": "OPEN", "validPeriod": "2099-01-01T00:00:00Z", "caUrl": url,
        });
        std::fs::write(dir.join(format!("{id}.json")), data.to_string()).unwrap();
    }
    start_mock(MockConfig {
        fixtures_dir: Some(dir.to_path_buf()),
        ..MockConfig::default()
    })
}

#[test]
fn the_same_ca_in_pem_and_pkcs7_is_shown_once_with_its_files_and_the_jks_skipped() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let run = ca(&mock, home.path(), &["obcluster-demo", "-v"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.matches("SHA-256").count(), 1, "{}", run.stdout);
    for part in [
        TEST_CA_SUBJECT,
        TEST_CA_SHA256,
        "RSA 2048",
        "Self-signed ┆ yes",
        "OceanBase-CA/OceanBase-CA.pem",
        "OceanBase-CA/OceanBase-CA.p7b",
        "2036-11-27T03:34:39Z (in ",
    ] {
        assert!(run.stdout.contains(part), "{part}:\n{}", run.stdout);
    }
    assert!(
        run.stderr.contains("skipped OceanBase-CA/OceanBase-CA.jks"),
        "{}",
        run.stderr
    );
    assert_no_secret(&run.stdout, Some(&mock));
    assert_no_secret(&run.stderr, Some(&mock));
}

#[test]
fn json_is_an_array_of_certificates_with_rfc3339_dates() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let run = ca(&mock, home.path(), &["obcluster-demo", "-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let certs: Value = serde_json::from_str(&run.stdout).unwrap();
    let cert = &certs.as_array().unwrap()[0];
    assert_eq!(certs.as_array().unwrap().len(), 1);
    assert_eq!(cert["subject"], TEST_CA_SUBJECT);
    assert_eq!(cert["fingerprintSha256"], TEST_CA_SHA256);
    assert_eq!(cert["notAfter"], "2036-11-27T03:34:39Z");
    assert_eq!(cert["notAfterTimestamp"], 2_111_369_679);
    assert_eq!(cert["selfSigned"], true);
    assert_eq!(cert["key"], "RSA 2048");
    assert_eq!(cert["instanceIds"], serde_json::json!(["obcluster-demo"]));
    // The PEM and the PKCS#7 file (the JKS keystore is skipped).
    assert_eq!(cert["sources"].as_array().unwrap().len(), 2);
    let not_before = cert["notBefore"].as_str().unwrap();
    assert!(
        not_before.parse::<jiff::Timestamp>().is_ok(),
        "{not_before}"
    );
    assert_eq!(
        cert["caUrl"],
        format!("{}/ca/OceanBase-CA.zip", mock.base_url())
    );
}

#[cfg(unix)]
#[test]
fn out_writes_a_pem_bundle_atomically_that_parses_back() {
    use std::os::unix::fs::PermissionsExt;
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ca.pem");
    std::fs::write(&path, "old bundle\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let fresh = dir.path().join("fresh.pem");
    for target in [&path, &fresh] {
        let run = ca(
            &mock,
            home.path(),
            &["obcluster-demo", "--out", target.to_str().unwrap()],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            run.stdout,
            format!(
                "wrote 1 certificate to {}\n  sha256 {TEST_CA_SHA256}  {TEST_CA_SUBJECT}\n",
                target.display()
            )
        );
        let pem = std::fs::read(target).unwrap();
        let certs = x509_cert::Certificate::load_pem_chain(&pem).unwrap();
        assert_eq!(certs.len(), 1);
        use x509_cert::der::Encode;
        let der = certs[0].to_der().unwrap();
        let fingerprint: String = Sha256::digest(&der)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(fingerprint, TEST_CA_SHA256);
        let mode = std::fs::metadata(target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "{}", target.display());
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file left: {names:?}");
    // The target is checked before any request.
    let before = mock.request_count();
    let run = ca(
        &mock,
        home.path(),
        &["obcluster-demo", "--out", "/nonexistent/dir/ca.pem"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("directory does not exist"),
        "{}",
        run.stderr
    );
    assert_eq!(mock.request_count(), before);
}

#[test]
fn many_instances_download_each_ca_url_once() {
    let (mock, home) = (
        start_mock(MockConfig {
            generated_instances: 3,
            ..MockConfig::default()
        }),
        home(),
    );
    let mut args = vec![
        "obcluster-demo",
        "obcluster-ca-expiring",
        "obcluster-expiring-soon",
    ];
    let gens = generated(3);
    args.extend(gens.iter().map(String::as_str));
    args.extend(["-o", "json"]);
    let run = ca(&mock, home.path(), &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let certs: Value = serde_json::from_str(&run.stdout).unwrap();
    let certs = certs.as_array().unwrap();
    assert_eq!(certs.len(), 2, "{}", run.stdout);
    assert_eq!(certs[0]["instanceIds"].as_array().unwrap().len(), 5);
    assert_eq!(
        certs[1]["instanceIds"],
        serde_json::json!(["obcluster-ca-expiring"])
    );
    let urls: Vec<String> = ca_requests(&mock).into_iter().map(|r| r.url).collect();
    assert_eq!(
        urls,
        ["/ca/OceanBase-CA.zip", "/ca/OceanBase-CA-expiring.zip"],
        "one download per distinct caUrl"
    );
}

#[test]
fn the_ca_host_gets_no_credentials_and_no_cookies() {
    let (mock, home) = (
        start_mock(MockConfig {
            cookie_session: true,
            ..MockConfig::default()
        }),
        home(),
    );
    let run = Run::of(
        obssl_for(&mock, home.path())
            .env("OBSSL_PROJECT_ID", "project-1")
            .args(["ca", "obcluster-demo", "obcluster-ca-expiring"]),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let api_cookies = mock
        .requests()
        .iter()
        .filter(|r| !r.url.starts_with("/ca/"))
        .any(|r| r.cookie.is_some());
    assert!(api_cookies, "the API calls did carry the session cookie");
    let downloads = ca_requests(&mock);
    assert_eq!(downloads.len(), 2);
    for request in downloads {
        assert_eq!(request.authorization, None, "{request:?}");
        assert_eq!(request.cookie, None, "{request:?}");
        for (name, value) in &request.headers {
            assert!(!name.eq_ignore_ascii_case("X-Ob-Project-Id"), "{request:?}");
            assert!(
                !value.contains(ACCESS_KEY_ID) && !value.contains(SECRET),
                "{request:?}"
            );
        }
    }
}

#[test]
fn archives_that_break_a_limit_or_fail_exit_5_naming_url_and_limit() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("ob-bomb", "/ca/bomb.zip", "more than 8 MiB, the limit"),
        (
            "ob-many",
            "/ca/many-entries.zip",
            "65 entries, over the limit of 64",
        ),
        (
            "ob-big",
            "/ca/oversized.zip",
            "larger than 1 MiB, the limit",
        ),
        ("ob-broken", "/ca/broken.zip", "not a readable ZIP archive"),
        ("ob-redirect", "/ca/redirect.zip", "redirect (HTTP 302)"),
        ("ob-missing", "/ca/missing.zip", "answered HTTP 404"),
    ];
    let urls: Vec<(&str, &str)> = cases.iter().map(|(id, url, _)| (*id, *url)).collect();
    let mock = mock_with_ca_urls(dir.path(), &urls);
    let home = home();
    for (id, path, limit) in cases {
        let run = ca(&mock, home.path(), &[id]);
        assert_eq!(run.code, 5, "{id}: {}", run.stderr);
        let url = format!("{}{path}", mock.base_url());
        assert!(
            run.stderr.contains(&format!("error: CA download {url}: ")),
            "{id}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(limit), "{id}: {}", run.stderr);
        assert_eq!(run.stdout, "");
    }
    let redirects = ca_requests(&mock)
        .iter()
        .filter(|r| r.url == "/ca/redirect.zip")
        .count();
    assert_eq!(redirects, 1);
    assert!(
        !ca_requests(&mock)
            .iter()
            .any(|r| r.url == "/ca/OceanBase-CA.zip"),
        "the redirect is not followed"
    );
}

#[test]
fn a_file_ca_url_is_refused_saying_only_https_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let mock = mock_with_ca_urls(dir.path(), &[("ob-file", "file:///etc/passwd")]);
    let home = home();
    let run = ca(&mock, home.path(), &["ob-file"]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "CA download file:///etc/passwd: refused: only https:// is allowed (not file)"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("not a valid URL"), "{}", run.stderr);
}

#[test]
fn plain_http_to_another_host_is_refused_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let url = "http://ca.example.invalid/OceanBase-CA.zip";
    let mock = mock_with_ca_urls(dir.path(), &[("ob-http", url)]);
    let home = home();
    let run = ca(&mock, home.path(), &["ob-http", "-vv"]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("CA download {url}: refused before connecting")),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("> GET http://ca.example"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_network_failure_at_the_ca_host_is_exit_6() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}/ca.zip", refused_port());
    let mock = mock_with_ca_urls(dir.path(), &[("ob-down", &url)]);
    let home = home();
    let run = ca(&mock, home.path(), &["ob-down", "--retries", "0"]);
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("CA download {url}: ")),
        "{}",
        run.stderr
    );
}

#[test]
fn check_ca_applies_the_day_thresholds_to_the_ca() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let critical = check(&mock, home.path(), &["obcluster-ca-expiring", "--ca"]);
    assert_eq!(critical.code, 2, "{}", critical.stdout);
    let reason = format!(
        "CA obssl-mock Expiring Root CA expires in {EXPIRING_CA_DAYS} days, fewer than 7 days left"
    );
    assert!(critical.stdout.contains(&reason), "{}", critical.stdout);
    let warning = check(
        &mock,
        home.path(),
        &["obcluster-ca-expiring", "--ca", "--critical", "2"],
    );
    assert_eq!(warning.code, 1, "{}", warning.stdout);
    assert!(
        warning.stdout.contains("fewer than 30 days left (notAfter"),
        "{}",
        warning.stdout
    );
    let ok = check(
        &mock,
        home.path(),
        &["obcluster-ca-expiring", "--ca", "-w", "2", "-c", "1"],
    );
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    let without = check(&mock, home.path(), &["obcluster-ca-expiring"]);
    assert_eq!(
        without.code, 0,
        "without --ca the CA is not looked at: {}",
        without.stdout
    );
    let unknown = check(&mock, home.path(), &["obcluster-ca-broken", "--ca"]);
    assert_eq!(unknown.code, 3, "{}", unknown.stdout);
    assert!(
        unknown.stdout.contains("CA could not be read: CA download"),
        "{}",
        unknown.stdout
    );
}

#[test]
fn check_ca_file_is_critical_for_a_stale_bundle_and_ok_for_a_current_one() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle.pem");
    let bundle_arg = bundle.to_str().unwrap();
    let wrote = ca(&mock, home.path(), &["obcluster-demo", "--out", bundle_arg]);
    assert_eq!(wrote.code, 0, "{}", wrote.stderr);
    let current = check(
        &mock,
        home.path(),
        &["obcluster-demo", "--ca-file", bundle_arg],
    );
    assert_eq!(current.code, 0, "{}", current.stdout);
    let stale = check(
        &mock,
        home.path(),
        &[
            "obcluster-ca-expiring",
            "--ca-file",
            bundle_arg,
            "-w",
            "1",
            "-c",
            "1",
        ],
    );
    assert_eq!(stale.code, 2, "{}", stale.stdout);
    assert!(
        stale.stdout.contains(&format!(
            "the CA bundle {bundle_arg} lacks the instance's CA obssl-mock Expiring Root CA"
        )),
        "{}",
        stale.stdout
    );
    let json = check(
        &mock,
        home.path(),
        &[
            "obcluster-demo",
            "obcluster-ca-expiring",
            "--ca-file",
            bundle_arg,
            "-o",
            "json",
        ],
    );
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    let cert = &report["instances"][0]["ca"]["certificates"][0];
    assert_eq!(cert["fingerprintSha256"], TEST_CA_SHA256);
    assert_eq!(cert["inBundle"], true);
    assert_eq!(
        report["instances"][1]["ca"]["certificates"][0]["inBundle"],
        false
    );
    let unreadable = check(
        &mock,
        home.path(),
        &["obcluster-demo", "--ca-file", "/nonexistent.pem"],
    );
    assert_eq!(unreadable.code, 3);
    assert!(
        unreadable
            .stdout
            .contains("cannot use --ca-file /nonexistent.pem"),
        "{}",
        unreadable.stdout
    );
}

#[test]
fn check_ca_metrics_parse_with_a_real_prometheus_parser() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle.pem");
    let bundle_arg = bundle.to_str().unwrap();
    assert_eq!(
        ca(&mock, home.path(), &["obcluster-demo", "--out", bundle_arg]).code,
        0
    );
    let run = check(
        &mock,
        home.path(),
        &[
            "obcluster-demo",
            "obcluster-ca-expiring",
            "--ca-file",
            bundle_arg,
            "-o",
            "prometheus",
        ],
    );
    let scrape = Scrape::parse(run.stdout.lines().map(|l| Ok(l.to_string()))).unwrap();
    let samples = |name: &str| -> Vec<(String, String, f64)> {
        scrape
            .samples
            .iter()
            .filter(|s| s.metric == name)
            .map(|s| {
                let value = match s.value {
                    PromValue::Gauge(v) | PromValue::Untyped(v) => v,
                    ref other => panic!("{other:?}"),
                };
                (
                    s.labels.get("instance_id").unwrap().to_string(),
                    s.labels.get("fingerprint").unwrap().to_string(),
                    value,
                )
            })
            .collect()
    };
    assert!(scrape
        .docs
        .contains_key("obssl_ca_cert_not_after_timestamp_seconds"));
    let not_after = samples("obssl_ca_cert_not_after_timestamp_seconds");
    assert_eq!(not_after.len(), 2, "{}", run.stdout);
    assert_eq!(
        not_after[0],
        (
            "obcluster-demo".into(),
            TEST_CA_SHA256.into(),
            2_111_369_679.0
        )
    );
    let days_left = (not_after[1].2 - jiff::Timestamp::now().as_second() as f64) / 86_400.0;
    assert!((EXPIRING_CA_DAYS as f64 - 0.1..EXPIRING_CA_DAYS as f64 + 0.1).contains(&days_left));
    let in_bundle = samples("obssl_ca_in_bundle");
    assert_eq!(
        in_bundle[0],
        ("obcluster-demo".into(), TEST_CA_SHA256.into(), 1.0)
    );
    assert_eq!(in_bundle[1].0, "obcluster-ca-expiring");
    assert_eq!(in_bundle[1].2, 0.0);
    let plain = check(&mock, home.path(), &["obcluster-demo", "-o", "prometheus"]);
    assert!(
        !plain.stdout.contains("obssl_ca_"),
        "no CA metrics without --ca"
    );
}

#[test]
fn check_ca_downloads_each_ca_url_once_for_many_instances() {
    let (mock, home) = (
        start_mock(MockConfig {
            generated_instances: 4,
            ..MockConfig::default()
        }),
        home(),
    );
    let mut args: Vec<String> = generated(4);
    args.extend(["obcluster-demo".into(), "--ca".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = check(&mock, home.path(), &args);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let urls: Vec<String> = ca_requests(&mock).into_iter().map(|r| r.url).collect();
    assert_eq!(urls, ["/ca/OceanBase-CA.zip"]);
}

#[test]
fn with_several_instances_a_failed_ca_is_reported_and_the_others_shown() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let run = ca(
        &mock,
        home.path(),
        &[
            "obcluster-demo",
            "obcluster-ca-broken",
            "mock-not-found",
            "-o",
            "json",
        ],
    );
    assert_eq!(run.code, 5, "{}", run.stderr);
    let certs: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(certs.as_array().unwrap().len(), 1);
    assert_eq!(certs[0]["fingerprintSha256"], TEST_CA_SHA256);
    assert!(
        run.stderr
            .contains("/ca/broken.zip: the download is not a readable ZIP"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("mock-not-found"), "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with("error: the CA of 2 of 3 instances could not be read\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_ca_download_is_retried_like_api_calls() {
    let dir = tempfile::tempdir().unwrap();
    let mock = mock_with_ca_urls(dir.path(), &[("ob-503", "/ca/unavailable.zip")]);
    let home = home();
    let run = Run::of(
        obssl_for(&mock, home.path())
            .env("OBSSL_TEST_BACKOFF_MS", "1")
            .args(["ca", "ob-503", "--retries", "2"]),
    );
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("/ca/unavailable.zip: answered HTTP 503 (after 3 attempts)"),
        "{}",
        run.stderr
    );
    assert_eq!(ca_requests(&mock).len(), 3);
}

#[test]
fn a_huge_ca_url_is_cut_in_the_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://ca.example.invalid/{}", "a".repeat(900_000));
    let mock = mock_with_ca_urls(dir.path(), &[("ob-huge-url", &url)]);
    let home = home();
    let run = ca(&mock, home.path(), &["ob-huge-url"]);
    assert_eq!(run.code, 5, "{}", &run.stderr[..run.stderr.len().min(500)]);
    assert!(run.stderr.len() < 3000, "{} bytes", run.stderr.len());
    assert!(
        run.stderr.contains("aaa… (900026 bytes in all): refused"),
        "{}",
        run.stderr
    );
}

/// Whether `text` holds a character that drives a terminal or reorders
/// what is shown (C0 but newline, DEL, C1, bidi overrides and isolates).
fn holds_hidden(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{0}'..='\u{9}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
            | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

#[test]
fn a_hostile_ca_is_shown_escaped_in_the_table_and_out_lines_and_kept_in_json() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let table = ca(&mock, home.path(), &["hostile-ca"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle.pem");
    let out = ca(
        &mock,
        home.path(),
        &["hostile-ca", "--out", bundle.to_str().unwrap()],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    for run in [&table, &out] {
        assert!(!holds_hidden(&run.stdout), "{:?}", run.stdout);
        assert!(!holds_hidden(&run.stderr), "{:?}", run.stderr);
        assert!(
            run.stdout
                .contains("obssl-mock Hostile \\u{9b}31mRoot\\u{202e}AC"),
            "{}",
            run.stdout
        );
    }
    for part in [
        "ca\\u{1b}]0;pwned\\u{7}.pem",
        "ca\\u{9b}31m\\u{202e}trc.crt",
        "/ca/hostile.zip\\u{85}",
        "Issuer      ┆ CN=obssl-mock Hostile \\u{9b}31mRoot\\u{202e}AC",
    ] {
        assert!(table.stdout.contains(part), "{part}: {}", table.stdout);
    }
    let json = ca(&mock, home.path(), &["hostile-ca", "-o", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let certs: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        certs[0]["sources"],
        serde_json::json!(obssl_mock::HOSTILE_CA_ENTRIES)
    );
    assert!(certs[0]["subject"]
        .as_str()
        .unwrap()
        .contains("Hostile \u{9b}31mRoot\u{202e}AC"));
    assert_eq!(
        certs[0]["caUrl"],
        format!("{}/ca/hostile.zip\u{85}", mock.base_url())
    );
    // `check` names the CA (its escapes undone) in a reason: shown escaped too.
    let other = dir.path().join("other.pem");
    let other = other.to_str().unwrap();
    assert_eq!(
        ca(&mock, home.path(), &["obcluster-demo", "--out", other]).code,
        0
    );
    // (JSON keeps the text faithful, C1 and bidi included, as everywhere.)
    for format in ["plugin", "prometheus"] {
        let run = check(
            &mock,
            home.path(),
            &["hostile-ca", "--ca-file", other, "-o", format],
        );
        assert_eq!(run.code, 2, "{format}: {}", run.stdout);
        assert!(!holds_hidden(&run.stdout), "{format}: {:?}", run.stdout);
        assert!(!holds_hidden(&run.stderr), "{format}: {:?}", run.stderr);
    }
    let plugin = check(&mock, home.path(), &["hostile-ca", "--ca-file", other]);
    assert!(
        plugin
            .stdout
            .contains("lacks the instance's CA obssl-mock Hostile \\u{9b}31mRoot\\u{202e}AC\\u{1b}]0;pwned\\u{7}"),
        "{}",
        plugin.stdout
    );
}
