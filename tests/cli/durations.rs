//! One duration syntax everywhere a duration is given: a bare number is seconds, or a
//! number with a unit (`500ms`, `5s`, `5m`, `1h30m`), for `-t`, `--refresh` and
//! `OBSSL_NONCE_CACHE_TTL`; anything else is a usage error naming the value and the syntax.

use crate::support::*;
use obssl_mock::MockConfig;

#[test]
fn timeouts_and_the_nonce_cache_ttl_take_seconds_or_units() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    for t in ["5", "5s", "2.5", "1m", "1500ms"] {
        obssl_for(&mock, h.path())
            .args(["get", "obcluster-demo", "--field", "status", "-t", t])
            .assert()
            .success()
            .stdout("OPEN\n");
    }
    for ttl in ["90", "90s", "2m"] {
        obssl_for(&mock, h.path())
            .env("OBSSL_NONCE_CACHE_TTL", ttl)
            .args(["get", "obcluster-demo", "--field", "status"])
            .assert()
            .success();
    }
}

#[test]
fn a_bad_duration_is_a_usage_error_naming_it_and_the_syntax() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    for (args, env_ttl, code) in [
        (&["get", "obcluster-demo", "-t", "5x"][..], None, 2),
        (&["get", "obcluster-demo", "-t", "0"][..], None, 2),
        (&["check", "obcluster-demo", "-t", "5 s"][..], None, 3),
        (&["get", "obcluster-demo"][..], Some("2d"), 2),
    ] {
        let mut cmd = obssl_for(&mock, h.path());
        if let Some(ttl) = env_ttl {
            cmd.env("OBSSL_NONCE_CACHE_TTL", ttl);
        }
        let out = cmd.args(args).assert().code(code);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        let bad = env_ttl.unwrap_or(args[args.len() - 1]);
        assert!(stderr.contains(&format!("`{bad}`")), "{args:?}: {stderr}");
        assert!(
            stderr.contains("500ms, 30s, 5m, 1h") || stderr.contains("out of range"),
            "{args:?}: {stderr}"
        );
    }
}
