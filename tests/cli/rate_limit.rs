//! A `Retry-After` from the server pauses every worker of a fleet run, not
//! only the one that was told: the others must not hammer a rate-limited account.

use crate::support::*;
use obssl_mock::MockConfig;
use std::time::Duration;

#[test]
fn retry_after_pauses_every_worker_of_the_run() {
    let mock = start_mock(MockConfig {
        latency: Duration::from_millis(100),
        generated_instances: 12,
        ..MockConfig::default()
    });
    let home = tempfile::tempdir().unwrap();
    // obxxx is read alone first (it earns the challenge); then fault-429 and
    // the generated instances run four at a time.
    let mut args = vec!["get".to_string(), "obxxx".into(), "fault-429".into()];
    args.extend(generated(12));
    args.extend(["--jobs", "4", "--field", "status", "-v"].map(String::from));
    let out = obssl_for(&mock, home.path()).args(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 14);
    assert!(stderr.contains("the server asked to slow down"), "{stderr}");
    assert_no_secret(&stderr, Some(&mock));

    let requests = mock.requests();
    let told = requests
        .iter()
        .find(|r| r.status == 429)
        .expect("the mock answered 429 once");
    // The 429 is sent one latency after it arrived, with Retry-After: 1.
    let resume = told.received_at + Duration::from_millis(100) + Duration::from_millis(900);
    let last = requests
        .iter()
        .filter(|r| r.url.contains("obcluster-gen-0012"))
        .map(|r| r.received_at)
        .max()
        .unwrap();
    assert!(
        last >= resume,
        "the last instance started {:?} after the 429 arrived: it did not wait",
        last.duration_since(told.received_at)
    );
}
