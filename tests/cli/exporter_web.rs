//! `obssl exporter` as the Prometheus conventions want a long-lived service:
//! `--web.config.file` (the exporter toolkit's format: TLS with client
//! certificates, bcrypt basic auth, headers), `/-/healthy` and `/-/ready`,
//! `obssl_build_info`, `--web.telemetry-path`, SIGHUP reloading, and the
//! one log line that says why an instance is UNKNOWN. TLS is checked with
//! curl, an independent client (installed by .ci/run).

use crate::support::exporter::{http_get, sample, Exporter};
use crate::support::web::{curl, write_pki};
use crate::support::*;
use obssl_mock::MockConfig;
use std::process::Command;
use std::time::{Duration, Instant};

fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn hup(exporter: &Exporter) {
    // SAFETY: the pid of the child this test started and still holds.
    unsafe {
        libc::kill(exporter.child.id() as i32, libc::SIGHUP);
    }
}

#[test]
fn ready_after_the_first_refresh_healthy_at_once_build_info_and_the_telemetry_path() {
    // Every answer takes 2 s: the first refresh is still running when asked.
    let mock = start_mock(MockConfig {
        latency: Duration::from_secs(2),
        ..MockConfig::default()
    });
    let home = home();
    let exporter = Exporter::start(
        &mock,
        home.path(),
        &[
            "obxxx",
            "--refresh",
            "1h",
            "--web.telemetry-path",
            "/obssl/metrics",
        ],
    );
    let healthy = exporter.get("/-/healthy");
    assert_eq!(healthy.status, 200, "{healthy:?}");
    let ready = exporter.get("/-/ready");
    assert_eq!(ready.status, 503, "{ready:?}");
    assert!(ready.body.contains("first refresh"), "{ready:?}");
    let early = exporter.get("/obssl/metrics");
    assert_eq!(early.status, 200);
    assert_eq!(sample(&early.body, "obssl_exporter_ready"), Some(0.0));
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        early.body.contains(&format!(
            "obssl_build_info{{version=\"{version}\",revision=\""
        )),
        "{}",
        early.body
    );
    // The revision is the commit built, when built from a git checkout.
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if let (Some(head), None) = (head, std::env::var_os("OBSSL_GIT_REVISION")) {
        assert!(
            early.body.contains(&format!("revision=\"{head}\"")),
            "{}",
            early.body
        );
    }
    assert_eq!(exporter.get("/metrics").status, 404);
    assert!(exporter
        .get("/")
        .body
        .contains("<a href=\"/obssl/metrics\">"));
    wait_until(Duration::from_secs(30), "/-/ready 200", || {
        exporter.get("/-/ready").status == 200
    });
    let body = exporter.get("/obssl/metrics").body;
    assert_eq!(sample(&body, "obssl_exporter_ready"), Some(1.0));
    assert_eq!(sample(&body, "obssl_up{instance_id=\"obxxx\"}"), Some(1.0));
    assert!(
        body.contains("from the last background refresh"),
        "the HELP texts say where the values come from"
    );
    // /healthz stays.
    assert_eq!(exporter.get("/healthz").status, 200);
    stop_in_background(mock);
}

#[test]
fn basic_auth_and_headers_from_the_web_config() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let password = "correct horse battery staple";
    let hash = bcrypt::hash(password, 4).unwrap();
    let config = home.path().join("web.yml");
    std::fs::write(
        &config,
        format!(
            "basic_auth_users:\n  prometheus: {hash}\nhttp_server_config:\n  headers:\n    \
             X-Frame-Options: deny\n    X-Content-Type-Options: nosniff\n"
        ),
    )
    .unwrap();
    let exporter = Exporter::start(
        &mock,
        home.path(),
        &[
            "obxxx",
            "--refresh",
            "1h",
            "--web.config.file",
            config.to_str().unwrap(),
        ],
    );
    assert!(
        exporter.stderr().contains("basic auth (1 users)"),
        "{}",
        exporter.stderr()
    );
    let none = exporter.get("/metrics");
    assert_eq!(none.status, 401, "{none:?}");
    assert!(
        none.header("www-authenticate")
            .is_some_and(|v| v.starts_with("Basic")),
        "{none:?}"
    );
    assert_eq!(none.header("x-frame-options"), Some("deny"));
    let basic = |user: &str, pw: &str| {
        // Base64 by hand: the tests need nothing more for it.
        let table = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let input = format!("{user}:{pw}");
        let mut out = String::from("Basic ");
        for chunk in input.as_bytes().chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(table[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    };
    let wrong = http_get(
        exporter.addr,
        "/metrics",
        &[("Authorization", &basic("prometheus", "wrong"))],
    );
    assert_eq!(wrong.status, 401);
    let stranger = http_get(
        exporter.addr,
        "/metrics",
        &[("Authorization", &basic("admin", password))],
    );
    assert_eq!(stranger.status, 401);
    let auth = basic("prometheus", password);
    exporter.wait_for_refreshes_with(1, &[("Authorization", &auth)]);
    for _ in 0..3 {
        let ok = http_get(exporter.addr, "/metrics", &[("Authorization", &auth)]);
        assert_eq!(ok.status, 200);
        assert_eq!(ok.header("x-content-type-options"), Some("nosniff"));
        assert!(ok.body.contains("obssl_up{instance_id=\"obxxx\"} 1"));
    }
    // Every path needs it, as with the exporter toolkit.
    assert_eq!(exporter.get("/-/healthy").status, 401);
    let log = exporter.stderr();
    assert!(!log.contains(password) && !log.contains(&hash), "{log}");
}

#[test]
fn an_invalid_web_config_is_refused_at_start_naming_the_key() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let config = home.path().join("web.yml");
    for (text, words) in [
        ("tls_server_config:\n  cert_fil: server.pem\n", "cert_fil"),
        ("basic_auth_users:\n  prometheus: plain-text\n", "not a bcrypt hash"),
        ("http_server_config:\n  headers:\n    X-Frame-Options: allow\n", "X-Frame-Options"),
        ("tls_server_config:\n  cert_file: none.pem\n  key_file: none.key\n", "cert_file"),
        (
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAnyClientCert\n",
            "client_auth_type",
        ),
    ] {
        std::fs::write(&config, text).unwrap();
        let r = Run::of(obssl_for(&mock, home.path()).args([
            "exporter",
            "obxxx",
            "--listen",
            "127.0.0.1:0",
            "--web.config.file",
            config.to_str().unwrap(),
        ]));
        assert_eq!(r.code, 2, "{text}: {}", r.stderr);
        assert!(r.stderr.contains("invalid --web.config.file"), "{}", r.stderr);
        assert!(r.stderr.contains(words), "{text}: {}", r.stderr);
        assert!(!r.stderr.contains("serving"), "{}", r.stderr);
    }
    let r = Run::of(obssl_for(&mock, home.path()).args([
        "exporter",
        "--web.config.file",
        "/nonexistent/web.yml",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot read /nonexistent/web.yml"),
        "{}",
        r.stderr
    );
    let r = Run::of(obssl_for(&mock, home.path()).args([
        "exporter",
        "--web.telemetry-path",
        "/-/ready",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("the exporter's own path"), "{}", r.stderr);
}

#[test]
fn tls_with_a_required_client_certificate_and_nothing_for_plain_http() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let dir = home.path();
    write_pki(dir);
    std::fs::write(
        dir.join("web.yml"),
        "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  \
         client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n  \
         min_version: TLS12\n",
    )
    .unwrap();
    let config = dir.join("web.yml");
    let exporter = Exporter::start(
        &mock,
        dir,
        &[
            "obxxx",
            "--refresh",
            "1h",
            "--web.config.file",
            config.to_str().unwrap(),
        ],
    );
    assert!(
        exporter.stderr().contains("serving https://"),
        "{}",
        exporter.stderr()
    );
    let url = format!("https://{}/metrics", exporter.addr);
    let file = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let (ca, cert, key) = (file("ca.pem"), file("client.pem"), file("client.key"));
    wait_until(Duration::from_secs(30), "a scrape over TLS", || {
        let (code, status, body) = curl(&url, &["--cacert", &ca, "--cert", &cert, "--key", &key]);
        code == 0 && status == 200 && body.contains("obssl_up{instance_id=\"obxxx\"} 1")
    });
    // No client certificate: refused in the handshake.
    let (code, status, _) = curl(&url, &["--cacert", &ca]);
    assert!(code != 0 && status == 0, "curl {code} HTTP {status}");
    // A certificate from another CA: refused too.
    let (other_cert, other_key) = (file("other-client.pem"), file("other-client.key"));
    let (code, status, _) = curl(
        &url,
        &["--cacert", &ca, "--cert", &other_cert, "--key", &other_key],
    );
    assert!(code != 0 && status == 0, "curl {code} HTTP {status}");
    // Plain HTTP on the TLS port: no HTTP answer (at most a TLS alert).
    let plain = http_get(exporter.addr, "/metrics", &[]);
    assert_eq!(plain.status, 0, "{plain:?}");
    assert!(!plain.head.contains("HTTP/"), "{plain:?}");
    assert_eq!(curl(&format!("http://{}/metrics", exporter.addr), &[]).1, 0);
    // client_allowed_sans: the client certificate must name one of them.
    for (sans, accepted) in [("[prometheus.test]", true), ("[other.test]", false)] {
        std::fs::write(
            dir.join("sans.yml"),
            format!(
                "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  \
                 client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n  \
                 client_allowed_sans: {sans}\n"
            ),
        )
        .unwrap();
        let config = dir.join("sans.yml");
        let exporter = Exporter::start(
            &mock,
            dir,
            &[
                "obxxx",
                "--refresh",
                "1h",
                "--web.config.file",
                config.to_str().unwrap(),
            ],
        );
        let url = format!("https://{}/-/healthy", exporter.addr);
        let (code, status, _) = curl(&url, &["--cacert", &ca, "--cert", &cert, "--key", &key]);
        assert_eq!(status == 200, accepted, "{sans}: curl {code} HTTP {status}");
    }
}

#[test]
fn sighup_reloads_the_web_config_the_instance_file_and_the_profile_and_never_ends_it() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let (ids, config) = (home.path().join("ids.txt"), home.path().join("web.yml"));
    std::fs::write(&ids, "obxxx\n").unwrap();
    std::fs::write(&config, "").unwrap();
    let exporter = Exporter::start(
        &mock,
        home.path(),
        &[
            "--file",
            ids.to_str().unwrap(),
            "--refresh",
            "1h",
            "--web.config.file",
            config.to_str().unwrap(),
        ],
    );
    exporter.wait_for_refreshes(1);
    // A valid change: a second instance, and basic auth.
    std::fs::write(&ids, "obxxx\nobcluster-demo\n").unwrap();
    let hash = bcrypt::hash("reloaded-pass", 4).unwrap();
    std::fs::write(&config, format!("basic_auth_users:\n  prom: {hash}\n")).unwrap();
    hup(&exporter);
    wait_until(Duration::from_secs(10), "the reload's log line", || {
        exporter.stderr().contains("reloaded on SIGHUP")
    });
    let log = exporter.stderr();
    assert!(
        log.contains("web config (plain HTTP, basic auth (1 users))"),
        "{log}"
    );
    assert!(log.contains("2 instance ids"), "{log}");
    assert_eq!(exporter.get("/metrics").status, 401);
    // "prom:reloaded-pass"
    let auth = [("Authorization", "Basic cHJvbTpyZWxvYWRlZC1wYXNz")];
    let body = exporter.wait_for_refreshes_with(2, &auth);
    assert_eq!(
        sample(&body, "obssl_up{instance_id=\"obcluster-demo\"}"),
        Some(1.0),
        "{body}"
    );
    assert_eq!(
        sample(&body, "obssl_exporter_reloads_total{result=\"success\"}"),
        Some(1.0)
    );
    // An invalid file: logged, the old configuration kept, still running.
    std::fs::write(&config, "basic_auth_users:\n  prom: not-a-hash\n").unwrap();
    hup(&exporter);
    wait_until(
        Duration::from_secs(10),
        "the failed reload's log line",
        || exporter.stderr().contains("reload on SIGHUP failed"),
    );
    let log = exporter.stderr();
    assert!(
        log.contains("the web config is invalid, the old one stays"),
        "{log}"
    );
    assert!(log.contains("basic_auth_users"), "{log}");
    assert_eq!(exporter.get("/metrics").status, 401);
    let body = exporter.wait_for_refreshes_with(3, &auth);
    assert_eq!(
        sample(&body, "obssl_exporter_reloads_total{result=\"failure\"}"),
        Some(1.0)
    );
    assert_eq!(http_get(exporter.addr, "/-/healthy", &auth).status, 200);
    let mut exporter = exporter;
    assert!(
        exporter.child.try_wait().unwrap().is_none(),
        "SIGHUP ended it"
    );
}

#[test]
fn an_unknown_instance_is_logged_once_with_its_reason() {
    // obcluster-ca-broken's CA is an archive cut in half: with --ca the
    // instance is read (up) but UNKNOWN, which the series alone cannot say why.
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let exporter = Exporter::start(
        &mock,
        home.path(),
        &[
            "obcluster-ca-broken",
            "obcluster-demo",
            "--ca",
            "--refresh",
            "1s",
        ],
    );
    let body = exporter.wait_for_refreshes(3);
    assert_eq!(
        sample(
            &body,
            "obssl_check_state{instance_id=\"obcluster-ca-broken\"}"
        ),
        Some(3.0)
    );
    assert_eq!(
        sample(&body, "obssl_up{instance_id=\"obcluster-ca-broken\"}"),
        Some(1.0)
    );
    let log = exporter.stderr();
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("instance obcluster-ca-broken is UNKNOWN: "))
        .collect();
    assert_eq!(lines.len(), 1, "{log}");
    assert!(
        lines[0].contains("warn") && lines[0].contains("CA"),
        "{}",
        lines[0]
    );
    assert!(!log.contains("obcluster-demo is UNKNOWN"), "{log}");
}

#[test]
fn a_rejected_secret_is_logged_once_as_one_sentence_with_what_to_check() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let exporter = crate::support::exporter::Exporter::start_with_env(
        &mock,
        home.path(),
        &["--all", "--refresh", "1s", "--retries", "0"],
        &[("OBSSL_ACCESS_KEY_SECRET", "not-the-secret-0000")],
    );
    let body = exporter.wait_for_refreshes(2);
    assert_eq!(
        sample(&body, "obssl_exporter_refreshes_total{result=\"failure\"}").map(|n| n >= 2.0),
        Some(true),
        "{body}"
    );
    let log = exporter.stderr();
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("refresh failed"))
        .collect();
    assert_eq!(lines.len(), 1, "{log}");
    let line = lines[0];
    assert!(
        line.contains("error refresh: refresh failed: authentication failed for the instance list"),
        "{line}"
    );
    assert!(
        !line.contains("error:"),
        "one sentence, no inner `error:`: {line}"
    );
    assert!(
        line.contains("; check the AccessKey ID and secret from environment"),
        "{line}"
    );
    assert!(!line.contains("not-the-secret-0000"), "{line}");
}

#[test]
fn wire_probes_run_in_the_background_refresh_never_from_a_scrape() {
    use crate::support::mysql::{greeting, greeting_server, NO_SSL_CAPABILITIES};
    let plain = greeting_server(greeting(b"5.7.25-fake-OceanBase", 42, NO_SSL_CAPABILITIES));
    let closed = refused_port();
    let mock = start_mock(MockConfig {
        tenant_addresses: [plain, closed]
            .iter()
            .map(|port| {
                format!("obcluster-demo=127.0.0.1:{port}")
                    .parse::<obssl_mock::MockTenantAddress>()
                    .unwrap()
            })
            .collect(),
        ..MockConfig::default()
    });
    let home = home();
    let exporter = Exporter::start(
        &mock,
        home.path(),
        &["obcluster-demo", "--wire", "--refresh", "1h"],
    );
    let body = exporter.wait_for_refreshes(1);
    let wire = |family: &str, port: u16| {
        body.lines().find_map(|line| {
            let rest = line.strip_prefix(&format!("{family}{{instance_id=\"obcluster-demo\","))?;
            rest.contains(&format!("address=\"127.0.0.1:{port}\""))
                .then(|| rest.rsplit_once(' ').unwrap().1.parse::<f64>().unwrap())
        })
    };
    assert_eq!(wire("obssl_wire_reachable", plain), Some(1.0), "{body}");
    assert_eq!(wire("obssl_wire_tls", plain), Some(0.0), "{body}");
    assert_eq!(wire("obssl_wire_reachable", closed), Some(0.0), "{body}");
    // The wire findings decide the state, as in check --wire.
    assert_eq!(
        sample(&body, "obssl_check_state{instance_id=\"obcluster-demo\"}"),
        Some(2.0)
    );
    let probes = |body: &str, state: &str| {
        sample(
            body,
            &format!("obssl_exporter_wire_probes_total{{state=\"{state}\"}}"),
        )
    };
    assert_eq!(probes(&body, "CRITICAL"), Some(1.0), "{body}");
    assert_eq!(probes(&body, "UNKNOWN"), Some(1.0), "{body}");
    assert_eq!(probes(&body, "OK"), Some(0.0), "{body}");
    assert!(sample(&body, "obssl_exporter_wire_probe_duration_seconds").is_some_and(|s| s > 0.0));
    assert!(sample(&body, "obssl_exporter_wire_probe_seconds_total").is_some_and(|s| s > 0.0));
    // Scrapes never probe: the counts stay where the one refresh left them.
    for _ in 0..10 {
        let again = exporter.metrics();
        assert_eq!(probes(&again, "CRITICAL"), Some(1.0));
        assert_eq!(probes(&again, "UNKNOWN"), Some(1.0));
    }
}
