//! The nonce cache: the digest challenge kept between invocations (one
//! request per call with a warm cache), what the cache file holds, and that a
//! cached challenge the server refuses never fails a call.

use crate::support::*;
use obssl_mock::{MockConfig, MockServer};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The cache files (`challenge-*.json`) under the test's home.
fn cache_files(home: &Path) -> Vec<PathBuf> {
    let dir = home.join(".cache").join("obssl");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn get(mock: &MockServer, home: &Path) -> Run {
    Run::of(obssl_for(mock, home).args(["get", "obxxx", "-o", "json"]))
}

#[test]
fn the_second_call_costs_one_request_and_the_file_holds_nothing_secret() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    assert_eq!(get(&mock, h.path()).code, 0);
    assert_eq!(mock.request_count(), 2, "a cold cache: the handshake");
    let run = get(&mock, h.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mock.request_count(), 3, "a warm cache: one request");
    let last = mock.requests().pop().unwrap();
    assert_eq!(last.status, 200);
    assert_eq!(
        digest_param(last.authorization.as_deref().unwrap(), "nc").as_deref(),
        Some("00000002")
    );

    let files = cache_files(h.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert_no_secret(&text, Some(&mock));
    assert!(!text.contains("response"), "{text}");
    let entry: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(entry["access_key_id"], ACCESS_KEY_ID);
    assert_eq!(entry["nc"], 2);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&files[0]), 0o600);
        assert_eq!(mode(files[0].parent().unwrap()), 0o700);
    }
}

#[test]
fn verbose_says_whether_the_cached_challenge_was_used_its_age_and_the_verdict() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let first = Run::of(obssl_for(&mock, h.path()).args(["get", "obxxx", "-v"]));
    assert!(
        first
            .stderr
            .contains("nonce cache: not used (no cached challenge)"),
        "{}",
        first.stderr
    );
    let second = Run::of(obssl_for(&mock, h.path()).args(["get", "obxxx", "-v"]));
    assert!(
        second
            .stderr
            .contains("nonce cache: signing with the cached challenge (0 s old, nc=00000002)"),
        "{}",
        second.stderr
    );
    assert!(second
        .stderr
        .contains("nonce cache: the cached challenge was accepted"));
}

#[test]
fn an_expired_cached_nonce_costs_one_request() {
    let mock = start_mock(MockConfig {
        nonce_lifetime: Some(Duration::from_millis(300)),
        ..MockConfig::default()
    });
    let h = home();
    assert_eq!(get(&mock, h.path()).code, 0);
    std::thread::sleep(Duration::from_millis(500));
    let before = mock.request_count();
    let run = get(&mock, h.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let spent = mock.request_count() - before;
    assert_eq!(
        spent, 2,
        "the stale one and the one signed with its challenge"
    );
    assert!(mock.requests()[before].answered_stale());
}

#[test]
fn a_rejected_cached_challenge_costs_one_request_signed_with_the_401s_challenge() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    assert_eq!(get(&mock, h.path()).code, 0);
    // A nonce the server never issued (as after a server restart).
    let file = &cache_files(h.path())[0];
    let text = std::fs::read_to_string(file).unwrap();
    let entry: serde_json::Value = serde_json::from_str(&text).unwrap();
    let nonce = entry["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p[0] == "nonce")
        .unwrap()[1]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(file, text.replace(&nonce, "0123456789abcdef")).unwrap();
    let before = mock.request_count();
    let run = get(&mock, h.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    // One request more than a good cache: the rejecting 401's own challenge is
    // signed with at once (no unsigned request).
    let requests = &mock.requests()[before..];
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(requests[0].status, 401);
    assert!(!requests[0].answered_stale());
    assert_eq!(requests[1].status, 200);
    assert!(
        requests.iter().all(|r| r.authorization.is_some()),
        "{requests:?}"
    );
    // The entry left behind is the new, working challenge.
    let before = mock.request_count();
    assert_eq!(get(&mock, h.path()).code, 0);
    assert_eq!(mock.request_count() - before, 1);
}

#[test]
fn wrong_secret_with_a_warm_cache_exits_4_after_two_requests() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    assert_eq!(get(&mock, h.path()).code, 0);
    let before = mock.request_count();
    let run = Run::of(
        obssl_for(&mock, h.path())
            .env("OBSSL_ACCESS_KEY_SECRET", "not-the-secret")
            .args(["get", "obxxx"]),
    );
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(
        run.stderr.contains("authentication failed"),
        "{}",
        run.stderr
    );
    // As without a cache: the cached signature refused, then the 401's own
    // challenge refused.
    let requests = &mock.requests()[before..];
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(requests
        .iter()
        .all(|r| r.status == 401 && r.authorization.is_some()));
    assert!(
        run.stderr.contains("(HTTP 401 after 2 requests)"),
        "{}",
        run.stderr
    );
}

/// A server that answers an overtaken nonce count with 400 and an empty body
/// (Perl Catalyst's digest credential, `--nc-order-400`): a cached nonce whose
/// count another client has passed is sent again once, unsigned to earn a
/// fresh challenge, then signed with it; the call succeeds.
#[test]
fn a_cached_nonce_answered_with_a_bare_400_is_sent_again_with_a_fresh_challenge() {
    let mock = start_mock(MockConfig {
        nc_order_400: true,
        ..MockConfig::default()
    });
    let h = home();
    assert_eq!(get(&mock, h.path()).code, 0);
    // Another client has since used the cached nonce's next count.
    let file = &cache_files(h.path())[0];
    let text = std::fs::read_to_string(file).unwrap();
    let mut entry: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(entry["nc"], 1);
    entry["nc"] = 0.into();
    std::fs::write(file, entry.to_string()).unwrap();
    let before = mock.request_count();
    let run = get(&mock, h.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = &mock.requests()[before..];
    let statuses: Vec<u16> = requests.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [400, 401, 200], "{requests:?}");
    assert!(
        requests[1].authorization.is_none(),
        "unsigned, to earn a challenge"
    );
}

#[test]
fn twelve_processes_at_once_against_a_server_that_checks_nc_all_succeed() {
    for config in [
        MockConfig {
            nc_check: true,
            ..MockConfig::default()
        },
        MockConfig {
            nc_order_400: true,
            ..MockConfig::default()
        },
    ] {
        twelve_processes_at_once(config);
    }
}

fn twelve_processes_at_once(config: MockConfig) {
    let mock = start_mock(MockConfig {
        latency: Duration::from_millis(20),
        ..config
    });
    let h = home();
    assert_eq!(get(&mock, h.path()).code, 0);
    for round in 0..2 {
        let children: Vec<std::process::Child> = (0..12)
            .map(|_| {
                std::process::Command::new(env!("CARGO_BIN_EXE_obssl"))
                    .env_clear()
                    .envs(isolated_env(h.path()))
                    .envs(mock_env(&mock))
                    .args(["get", "obxxx", "-o", "json"])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    // Per nonce, the counts the server accepted never repeat.
    let mut seen = std::collections::HashSet::new();
    for r in mock.requests().iter().filter(|r| r.status == 200) {
        let auth = r.authorization.as_deref().unwrap();
        let key = (digest_param(auth, "nonce"), digest_param(auth, "nc"));
        assert!(seen.insert(key.clone()), "{key:?} accepted twice");
    }
}

#[test]
fn turned_off_by_the_environment_or_the_profile_nothing_is_kept() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    for _ in 0..2 {
        let run = Run::of(
            obssl_for(&mock, h.path())
                .env("OBSSL_NONCE_CACHE", "0")
                .args(["get", "obxxx"]),
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    assert_eq!(mock.request_count(), 4, "two handshakes");
    assert!(cache_files(h.path()).is_empty());

    let config = h.path().join(".config").join("obssl");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "[default]\nnonce_cache = false\n",
    )
    .unwrap();
    for _ in 0..2 {
        assert_eq!(get(&mock, h.path()).code, 0);
    }
    assert_eq!(mock.request_count(), 8);
    assert!(cache_files(h.path()).is_empty());

    let bad = Run::of(
        obssl_for(&mock, h.path())
            .env("OBSSL_NONCE_CACHE", "maybe")
            .args(["get", "obxxx"]),
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("OBSSL_NONCE_CACHE"), "{}", bad.stderr);
}

#[test]
fn a_malformed_or_foreign_cache_file_is_ignored_and_replaced() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    assert_eq!(get(&mock, h.path()).code, 0);
    let file = cache_files(h.path())[0].clone();
    std::fs::write(&file, "{ not json").unwrap();
    let run = get(&mock, h.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
    // A link in place of the file is not followed.
    let target = h.path().join("elsewhere.json");
    std::fs::write(&target, &text).unwrap();
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(&target, &file).unwrap();
    let before = mock.request_count();
    assert_eq!(get(&mock, h.path()).code, 0);
    assert_eq!(mock.request_count() - before, 2, "the link was not used");
    assert!(std::fs::symlink_metadata(&file).unwrap().is_file());
}

#[test]
fn a_fleet_run_starts_from_the_cache_and_leaves_an_entry() {
    let mock = start_mock(MockConfig {
        generated_instances: 10,
        ..MockConfig::default()
    });
    let h = home();
    assert_eq!(get(&mock, h.path()).code, 0);
    let before = mock.request_count();
    let run = Run::of(
        obssl_for(&mock, h.path())
            .args(["get", "-o", "jsonl", "--jobs", "4"])
            .args(generated(10)),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mock.request_count() - before, 10, "no handshake");
    let before = mock.request_count();
    assert_eq!(get(&mock, h.path()).code, 0);
    assert_eq!(mock.request_count() - before, 1);
}

/// A challenge bound to session cookies is not cached (cookies never go to
/// disk, and without them the server refuses it): a second call does the
/// normal handshake, two requests, instead of three.
#[test]
fn a_challenge_bound_to_a_session_cookie_is_not_cached() {
    let mock = start_mock(MockConfig {
        cookie_session: true,
        ..MockConfig::default()
    });
    let h = home();
    assert_eq!(get(&mock, h.path()).code, 0);
    assert!(
        cache_files(h.path()).is_empty(),
        "cached with its cookie gone"
    );
    let run = get(&mock, h.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mock.request_count(), 4, "two handshakes of two requests");
}

/// A server offering only qop=auth-int: the cached challenge is restored
/// and used (one request), not thrown away.
#[test]
fn an_auth_int_challenge_is_cached_too() {
    let mock = start_mock(MockConfig {
        qop: obssl_mock::MockQop::AuthInt,
        ..MockConfig::default()
    });
    let h = home();
    assert_eq!(get(&mock, h.path()).code, 0);
    let run = get(&mock, h.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mock.request_count(), 3, "a warm cache: one request");
}
