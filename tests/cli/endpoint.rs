//! A wrong endpoint says so: a base URL holding the API's path is warned
//! about, a 404 that is not the API's own envelope names the endpoint, and a
//! refused connection names host and port.

use crate::support::tls::raw_server;
use crate::support::{isolated, refused_port, start_mock, Run, ACCESS_KEY_ID, SECRET};
use obssl_mock::MockConfig;

fn get_at(endpoint: &str, args: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = isolated("obssl", home.path());
    cmd.env("OBSSL_ENDPOINT", endpoint)
        .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("OBSSL_ACCESS_KEY_SECRET", SECRET)
        .env("OBSSL_TEST_BACKOFF_MS", "1")
        .args(args);
    Run::of(&mut cmd)
}

#[test]
fn an_endpoint_with_the_api_path_is_warned_about_on_stderr() {
    let mock = start_mock(MockConfig::default());
    let endpoint = format!("{}/api/v2", mock.base_url());
    let r = get_at(&endpoint, &["get", "obxxx"]);
    assert!(
        r.stderr.contains("warning: the endpoint")
            && r.stderr.contains("has the path `/api/v2`")
            && r.stderr.contains(&format!("`{}`", mock.base_url())),
        "{}",
        r.stderr
    );
    // The right base URL draws no warning.
    let r = get_at(&mock.base_url(), &["get", "obxxx"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}

#[test]
fn a_404_that_is_not_the_api_envelope_says_the_url_is_not_the_api() {
    let (port, _requests) = raw_server(
        b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 22\r\nConnection: close\r\n\r\n<h1>404 Not Found</h1>",
    );
    let endpoint = format!("http://127.0.0.1:{port}/gateway");
    let r = get_at(&endpoint, &["get", "obxxx"]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "the endpoint {endpoint} answered HTTP 404 for instance obxxx without the API's error envelope"
        )) && r.stderr.contains("does not look like the OceanBase Cloud API"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("check the instance id"), "{}", r.stderr);
    // The API's own 404 is still about the instance.
    let mock = start_mock(MockConfig::default());
    let r = get_at(&mock.base_url(), &["get", "mock-not-found"]);
    assert_eq!(r.code, 5);
    assert!(
        r.stderr.contains("instance mock-not-found was not found"),
        "{}",
        r.stderr
    );
}

#[test]
fn connection_refused_names_host_and_port() {
    let port = refused_port();
    let r = get_at(
        &format!("http://127.0.0.1:{port}"),
        &["get", "obxxx", "--retries", "0"],
    );
    assert_eq!(r.code, 6, "{}", r.stderr);
    let first = r.stderr.lines().next().unwrap_or_default();
    assert!(
        first.contains(&format!("could not connect to 127.0.0.1:{port}")),
        "{}",
        r.stderr
    );
    #[cfg(unix)]
    assert!(first.contains("connection refused"), "{}", r.stderr);
}
