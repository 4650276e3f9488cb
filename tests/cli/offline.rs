//! With the mock, nothing leaves the machine: the documented `--all` commands run in a
//! network namespace that has only a loopback interface (`unshare -rn`), where any DNS
//! lookup or connection beyond 127.0.0.1 fails and would show as a network failure. The
//! one fixture whose `caUrl` is the real download host, the reference's `obxxx`, is not
//! listed; downloading its CA by hand fails there, and reads well.
//!
//! Needs `unshare` (util-linux) and `ip` (iproute2) with user namespaces allowed: skipped
//! with a message otherwise, a failure with `OBSSL_REQUIRE_NETNS=1` (set by `.ci/run`).

#![cfg(target_os = "linux")]

use crate::support::{isolated_env, Run};
use assert_cmd::Command;
use std::io::Write;
use std::path::Path;

/// Whether `unshare -rn` gives a namespace whose loopback can be brought up; otherwise
/// says on the real stderr that `test` is skipped (a failure with OBSSL_REQUIRE_NETNS=1).
fn netns_available(test: &str) -> bool {
    let works = std::process::Command::new("unshare")
        .args(["-rn", "ip", "link", "set", "lo", "up"])
        .output()
        .is_ok_and(|out| out.status.success());
    if works {
        return true;
    }
    if std::env::var("OBSSL_REQUIRE_NETNS").is_ok_and(|v| v == "1") {
        panic!("OBSSL_REQUIRE_NETNS=1 but `unshare -rn ip link set lo up` failed");
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: `unshare -rn ip link set lo up` failed (install util-linux and \
         iproute2, and allow unprivileged user namespaces), then run \
         `OBSSL_REQUIRE_NETNS=1 cargo test offline` (as .ci/run does)."
    );
    false
}

/// Runs `script` under `obssl-mock run` inside a loopback-only network namespace.
fn offline(home: &Path, script: &str) -> Run {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_obssl")).parent().unwrap();
    let path = format!("{}:/usr/sbin:/usr/bin:/sbin:/bin", bin_dir.display());
    let inner = format!("ip link set lo up && exec obssl-mock run -- sh -c '{script}'");
    Run::of(
        Command::new("unshare")
            .args(["-rn", "sh", "-c", &inner])
            .env_clear()
            .envs(isolated_env(home))
            .env("PATH", path)
            .current_dir(home)
            .timeout(std::time::Duration::from_secs(120)),
    )
}

#[test]
fn every_listed_instance_s_ca_comes_from_the_mock_itself() {
    if !netns_available("offline::every_listed_instance_s_ca_comes_from_the_mock_itself") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let run = offline(
        home.path(),
        "obssl check --all --ca; echo \"check status $?\"; \
         obssl ca --all -o json >/dev/null; echo \"ca status $?\"; \
         obssl get --all >/dev/null; echo \"get status $?\"",
    );
    let all = format!("{}{}", run.stdout, run.stderr);
    // CRITICAL (expired and expiring fixtures), every command ran to its end.
    assert!(all.contains("check status 2"), "{all}");
    assert!(all.contains("get status 0"), "{all}");
    // The UNKNOWNs are the fixtures made to be UNKNOWN, none a failed download.
    assert!(
        run.stdout.starts_with("SSL CRITICAL - ") && run.stdout.contains(" 3 unknown,"),
        "{all}"
    );
    for unknown in [
        "obcluster-nulls",
        "obcluster-bad-date",
        "obcluster-ca-broken",
    ] {
        assert!(
            run.stdout.contains(&format!("UNKNOWN {unknown} ")),
            "{unknown}: {all}"
        );
    }
    // `ca --all`: the broken archive fails it (5), nothing fails on the network (6).
    assert!(all.contains("ca status 5"), "{all}");
    for network in ["DNS", "could not connect", "network failure", "aliyuncs"] {
        assert!(!all.contains(network), "{network}: {all}");
    }
}

#[test]
fn the_reference_example_s_real_ca_url_fails_offline_in_one_clear_line() {
    if !netns_available(
        "offline::the_reference_example_s_real_ca_url_fails_offline_in_one_clear_line",
    ) {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let run = offline(home.path(), "obssl ca obxxx --retries 0");
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(
        run.stderr
            .lines()
            .find(|line| line.starts_with("error:"))
            .unwrap_or_default(),
        "error: CA download \
         https://oceanbase-aliyun-docs.oss-cn-hangzhou.aliyuncs.com/mc_certification/OceanBase-CA.zip: \
         host oceanbase-aliyun-docs.oss-cn-hangzhou.aliyuncs.com not found (DNS lookup failed)",
        "{}",
        run.stderr
    );
}

/// A host that cannot be looked up reads as docs/troubleshooting.md promises, for the API
/// as for a CA download (no DNS server is reachable in the namespace).
#[test]
fn a_dns_failure_reads_host_not_found() {
    if !netns_available("offline::a_dns_failure_reads_host_not_found") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let run = offline(
        home.path(),
        "obssl get obcluster-demo --endpoint https://api.example.invalid --retries 0",
    );
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: network failure while reading instance obcluster-demo: \
             host api.example.invalid not found (DNS lookup failed)"
        ),
        "{}",
        run.stderr
    );
}
