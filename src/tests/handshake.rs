//! The digest handshake of one long-lived client, in process: challenge reuse
//! and stale nonces, counted by the mock.

use crate::api::{fetch_ssl_status, Api};
use crate::commands::connect::connect;
use crate::config::{Credentials, Settings};
use crate::endpoint::Endpoint;
use crate::error::ErrorKind;
use crate::secret::Secret;
use obssl_mock::{MockConfig, MockServer};
use std::time::{Duration, Instant};

pub(super) const SECRET: &str = "sk-LEAKCHECK-7f3a9c1e5b2d4f60";
const ACCESS_KEY_ID: &str = "ak-test-0001";

pub(super) fn start_mock(config: MockConfig) -> MockServer {
    MockServer::start(MockConfig {
        access_key_id: ACCESS_KEY_ID.into(),
        access_key_secret: SECRET.into(),
        ..config
    })
    .expect("mock server starts")
}

/// The value of one parameter of a Digest `Authorization` header.
fn digest_param(header: &str, name: &str) -> Option<String> {
    let rest = header.trim_start_matches("Digest").trim();
    rest.split(',').find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

pub(super) fn client_for(mock: &MockServer, secret: &str) -> Api {
    connect(&Settings {
        endpoint: Endpoint::parse(&mock.base_url()).unwrap(),
        credentials: Credentials {
            access_key_id: ACCESS_KEY_ID.into(),
            access_key_secret: Secret::new(secret),
            source: "test".into(),
        },
        timeout: Duration::from_secs(10),
        project_id: None,
        output: crate::config::OutputFormat::Table,
        retries: 0,
        backoff_base: Duration::from_millis(1),
        ca_bundle: None,
        trace: Default::default(),
        nonce_cache: crate::config::NonceCacheSetting::Off,
    })
    .expect("no proxy in the test environment")
}

#[test]
fn later_requests_reuse_the_challenge_with_a_higher_nonce_count() {
    let mock = start_mock(MockConfig::default());
    let client = client_for(&mock, SECRET);
    for i in 0..3 {
        let data = fetch_ssl_status(&client, "obxxx", &format!("rid-{i}")).unwrap();
        assert_eq!(data["instanceId"], "obxxx");
    }
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 4, "one challenge, then one request per call");
    let ncs: Vec<String> = reqs[1..]
        .iter()
        .map(|r| digest_param(r.authorization.as_deref().unwrap(), "nc").unwrap())
        .collect();
    assert_eq!(ncs, ["00000001", "00000002", "00000003"]);
}

#[test]
fn a_stale_kept_nonce_is_refreshed_once() {
    // Wide enough that the first call's handshake always fits on a loaded machine.
    let lifetime = Duration::from_millis(1500);
    let mock = start_mock(MockConfig {
        nonce_lifetime: Some(lifetime),
        ..MockConfig::default()
    });
    let client = client_for(&mock, SECRET);
    fetch_ssl_status(&client, "obxxx", "first").unwrap();
    // The kept nonce was issued before the first 401 was recorded: wait until
    // it is past its lifetime, and no longer.
    let expired = mock.requests()[0].received_at + lifetime + Duration::from_millis(20);
    std::thread::sleep(expired.saturating_duration_since(Instant::now()));
    fetch_ssl_status(&client, "obxxx", "second").unwrap();
    let statuses: Vec<u16> = mock.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [401, 200, 401, 200]);
}

#[test]
fn a_wrong_secret_with_a_kept_challenge_still_stops() {
    let mock = start_mock(MockConfig::default());
    let client = client_for(&mock, "not-the-secret");
    let e = fetch_ssl_status(&client, "obxxx", "a").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert_eq!(mock.request_count(), 2);
    let e = fetch_ssl_status(&client, "obxxx", "b").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert!(
        mock.request_count() <= 4,
        "bounded: {}",
        mock.request_count()
    );
    assert!(!format!("{e:?} {e}").contains("not-the-secret"));
}
