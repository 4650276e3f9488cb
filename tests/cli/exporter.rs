//! `obssl exporter` over HTTP against the in-process mock: the metrics and
//! the mock's fixtures, the formats, the routes, the refresh (a scrape calls
//! nothing, one refresh at a time, the last good values kept), a server that
//! stays up (slow, oversized and garbage requests) and a stop on SIGTERM.

use crate::support::exporter::{http_get, raw, read_answer, sample, sample_of, Exporter};
use crate::support::*;
use obssl_mock::{MockConfig, MockServer};
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The mock's answers for the SSL status of instances (not 401s, not the list), in order.
fn ssl_answers(mock: &MockServer) -> Vec<String> {
    mock.requests()
        .into_iter()
        .filter(|r| r.status != 401 && r.url.contains("/security/ssl"))
        .map(|r| r.url.split('/').nth(4).unwrap().to_string())
        .collect()
}

/// Seconds since the epoch of the API reference's validPeriod, 2026-12-10T04:11:13Z.
const OBXXX_EXPIRY: f64 = 1_796_875_873.0;

#[test]
fn the_metrics_are_the_mocks_fixtures_and_a_scrape_calls_nothing() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let exporter = Exporter::start(
        &mock,
        home.path(),
        &[
            "obxxx",
            "obcluster-demo",
            "obcluster-expired",
            "obcluster-ssl-off",
            "mock-not-found",
            "--refresh",
            "1h",
        ],
    );
    let body = exporter.wait_for_refreshes(1);
    let id = |name: &str, instance: &str| {
        sample(&body, &format!("{name}{{instance_id=\"{instance}\"}}"))
    };
    assert_eq!(
        id("obssl_cert_expiry_timestamp_seconds", "obxxx"),
        Some(OBXXX_EXPIRY)
    );
    assert_eq!(id("obssl_ssl_forced", "obxxx"), Some(0.0));
    assert_eq!(id("obssl_ssl_enabled", "obxxx"), Some(1.0));
    assert_eq!(id("obssl_check_state", "obcluster-demo"), Some(0.0));
    assert_eq!(id("obssl_check_state", "obcluster-expired"), Some(2.0));
    assert_eq!(id("obssl_ssl_enabled", "obcluster-ssl-off"), Some(0.0));
    assert_eq!(id("obssl_up", "obxxx"), Some(1.0));
    assert_eq!(id("obssl_up", "mock-not-found"), Some(0.0));
    assert_eq!(id("obssl_api_read_success", "mock-not-found"), Some(0.0));
    assert_eq!(id("obssl_check_state", "mock-not-found"), Some(3.0));
    assert_eq!(id("obssl_ssl_enabled", "mock-not-found"), None);
    assert_eq!(
        sample(
            &body,
            "obssl_exporter_api_requests_total{outcome=\"success\"}"
        ),
        Some(4.0)
    );
    assert_eq!(
        sample(&body, "obssl_exporter_api_requests_total{outcome=\"api\"}"),
        Some(1.0)
    );
    let last = sample(
        &body,
        "obssl_exporter_last_refresh_success_timestamp_seconds",
    )
    .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!(last > now - 600.0 && last <= now + 1.0, "{last} vs {now}");
    // The same family definitions as `check -o prometheus`: every HELP line
    // of check's instance families is in the exporter's output, word for word.
    let check = Run::of(obssl_for(&mock, home.path()).args(["check", "obxxx", "-o", "prometheus"]));
    for help in check
        .stdout
        .lines()
        .filter(|l| l.starts_with("# HELP obssl_"))
    {
        if !help.contains("last_run") {
            assert!(body.contains(help), "{help} missing:\n{body}");
        }
    }
    // Scrapes never call the API.
    let seen = mock.request_count();
    for _ in 0..25 {
        exporter.metrics();
    }
    assert_eq!(mock.request_count(), seen, "a scrape called the API");
    assert_no_secret(&(body + &exporter.stderr()), Some(&mock));
}

#[test]
fn openmetrics_when_accept_asks_for_it_and_the_routes() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let exporter = Exporter::start(&mock, home.path(), &["obxxx", "--refresh", "1h"]);
    exporter.wait_for_refreshes(1);
    let text = exporter.get("/metrics");
    assert_eq!(
        text.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert!(text
        .body
        .contains("# TYPE obssl_exporter_api_requests_total counter\n"));
    assert!(!text.body.contains("# EOF"));
    // What Prometheus 2.x sends.
    let accept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
                  version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    let om = http_get(exporter.addr, "/metrics", &[("Accept", accept)]);
    assert_eq!(om.status, 200);
    assert_eq!(
        om.header("content-type"),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8")
    );
    assert!(om.body.ends_with("\n# EOF\n"), "{}", om.body);
    assert!(om
        .body
        .contains("# TYPE obssl_exporter_api_requests counter\n"));
    assert!(om
        .body
        .contains("\nobssl_exporter_api_requests_total{outcome=\"success\"} 1\n"));
    assert!(om.body.contains(&format!(
        "\nobssl_cert_expiry_timestamp_seconds{{instance_id=\"obxxx\"}} {OBXXX_EXPIRY}\n"
    )));
    let health = exporter.get("/healthz");
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
    let index = exporter.get("/");
    assert_eq!(index.status, 200);
    assert!(
        index.body.contains("<a href=\"/metrics\">"),
        "{}",
        index.body
    );
    assert_eq!(exporter.get("/metrics/x").status, 404);
    assert_eq!(exporter.get("/favicon.ico").status, 404);
    let post = raw(
        exporter.addr,
        b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    let head = raw(exporter.addr, b"HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!((head.status, head.body.as_str()), (200, ""));
}

#[test]
fn before_the_first_refresh_only_the_exporters_own_metrics() {
    // Every answer takes 3 s: the first refresh is still running when scraped.
    let mock = start_mock(MockConfig {
        latency: Duration::from_secs(3),
        ..MockConfig::default()
    });
    let home = home();
    let exporter = Exporter::start(&mock, home.path(), &["obxxx", "--refresh", "1h"]);
    let body = exporter.metrics();
    assert!(!body.contains("obssl_up"), "{body}");
    assert!(!body.contains("instance_id"), "{body}");
    assert_eq!(
        sample(
            &body,
            "obssl_exporter_last_refresh_success_timestamp_seconds"
        ),
        Some(0.0)
    );
    assert_eq!(
        sample(&body, "obssl_exporter_refreshes_total{result=\"success\"}"),
        Some(0.0)
    );
    let body = exporter.wait_for_refreshes(1);
    assert_eq!(sample(&body, "obssl_up{instance_id=\"obxxx\"}"), Some(1.0));
    stop_in_background(mock);
}

#[test]
fn refreshes_are_single_flight_and_never_more_often_than_asked() {
    // Three instances read one at a time, 400 ms each: a refresh takes about
    // 1.2 s, longer than --refresh 1s. A second refresh overlapping the first
    // would interleave the instances; one at a time, they come a, b, c, a, b, c...
    let mock = start_mock(MockConfig {
        latency: Duration::from_millis(400),
        ..MockConfig::default()
    });
    let home = home();
    let ids = ["obxxx", "obcluster-demo", "obcluster-expired"];
    let mut args = ids.to_vec();
    args.extend(["--refresh", "1s", "--jobs", "1"]);
    let exporter = Exporter::start(&mock, home.path(), &args);
    let body = exporter.wait_for_refreshes(3);
    let answers = ssl_answers(&mock);
    let refreshes = sample(&body, "obssl_exporter_refreshes_total{result=\"success\"}").unwrap();
    assert!(answers.len() >= 9, "{answers:?}");
    for (i, id) in answers.iter().enumerate() {
        assert_eq!(id, ids[i % 3], "refreshes overlapped: {answers:?}");
    }
    // Every answer the API gave belongs to a refresh that ended or is running.
    assert!(
        answers.len() as f64 <= (refreshes + 1.0) * 3.0,
        "{} answers for {refreshes} refreshes",
        answers.len()
    );

    // With a fast API, --refresh 1s reads it about once a second: over 3.5
    // more seconds, at most 4 or 5 refreshes start, however often it is scraped.
    let fast = start_mock(MockConfig::default());
    let exporter = Exporter::start(&fast, home.path(), &["obxxx", "--refresh", "1s"]);
    exporter.wait_for_refreshes(1);
    let started = Instant::now();
    let before = ssl_answers(&fast).len();
    while started.elapsed() < Duration::from_millis(3500) {
        exporter.metrics();
    }
    let read = ssl_answers(&fast).len() - before;
    assert!(
        (2..=5).contains(&read),
        "{read} reads in 3.5 s with --refresh 1s"
    );
    stop_in_background(mock);
}

#[test]
fn a_failed_refresh_keeps_the_last_good_values_and_is_logged_once() {
    let mock = start_mock(MockConfig::default());
    let home = home();
    let exporter = Exporter::start(
        &mock,
        home.path(),
        &["--all", "--refresh", "1s", "--retries", "0", "-t", "2"],
    );
    let good = exporter.wait_for_refreshes(1);
    assert_eq!(
        sample_of(&good, "obssl_up", "obcluster-xxxx"),
        Some(1.0),
        "{good}\n{}",
        exporter.stderr()
    );
    // The API goes away: the instance list cannot be read.
    mock.stop();
    let failed = exporter.wait_for_refreshes(4);
    assert!(
        sample(
            &failed,
            "obssl_exporter_refreshes_total{result=\"failure\"}"
        )
        .unwrap()
            >= 2.0,
        "{failed}"
    );
    assert_eq!(sample_of(&failed, "obssl_up", "obcluster-xxxx"), Some(0.0));
    assert_eq!(
        sample_of(&failed, "obssl_api_read_success", "obcluster-xxxx"),
        Some(0.0)
    );
    for (family, id) in [
        ("obssl_cert_expiry_timestamp_seconds", "obcluster-xxxx"),
        ("obssl_ssl_forced", "obcluster-demo"),
        ("obssl_check_state", "obcluster-expired"),
    ] {
        let kept = sample_of(&failed, family, id);
        assert!(kept.is_some(), "{family} {id}:\n{failed}");
        assert_eq!(kept, sample_of(&good, family, id), "{family} {id}");
    }
    // --all: the list's names label the series, obssl_up too.
    assert!(
        failed.contains("obssl_up{instance_id=\"obcluster-xxxx\",instance_name=\""),
        "{failed}"
    );
    assert_eq!(
        sample(
            &failed,
            "obssl_exporter_last_refresh_success_timestamp_seconds"
        ),
        sample(
            &good,
            "obssl_exporter_last_refresh_success_timestamp_seconds"
        )
    );
    assert!(
        sample(
            &failed,
            "obssl_exporter_api_requests_total{outcome=\"network\"}"
        )
        .unwrap()
            >= 2.0
    );
    let log = exporter.stderr();
    assert_eq!(log.matches("refresh failed:").count(), 1, "{log}");
}

#[test]
fn an_instance_that_goes_down_is_logged_once_and_keeps_its_values() {
    // obcluster-ca-broken's CA is an archive cut in half: with --ca it is
    // read, judged UNKNOWN, and up (the API answered). mock-not-found is down
    // from the start: logged once however many refreshes.
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let exporter = Exporter::start(
        &mock,
        home.path(),
        &[
            "obcluster-demo",
            "mock-not-found",
            "--ca",
            "--refresh",
            "1s",
        ],
    );
    let body = exporter.wait_for_refreshes(3);
    assert_eq!(
        sample(&body, "obssl_up{instance_id=\"obcluster-demo\"}"),
        Some(1.0)
    );
    assert_eq!(
        sample(&body, "obssl_up{instance_id=\"mock-not-found\"}"),
        Some(0.0)
    );
    assert!(
        body.contains("obssl_ca_cert_not_after_timestamp_seconds{instance_id=\"obcluster-demo\",fingerprint=\""),
        "{body}"
    );
    let log = exporter.stderr();
    assert_eq!(
        log.matches("instance mock-not-found is down").count(),
        1,
        "{log}"
    );
    assert!(!log.contains("obcluster-demo is down"), "{log}");
}

#[test]
fn slow_oversized_and_garbage_clients_do_not_take_the_server_down() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let exporter = Exporter::start(&mock, home.path(), &["obxxx", "--refresh", "1h"]);
    exporter.wait_for_refreshes(1);
    // Slow clients: each sends half a request head and then nothing.
    let mut slow: Vec<TcpStream> = (0..6)
        .map(|_| {
            let mut s = TcpStream::connect(exporter.addr).unwrap();
            s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            s
        })
        .collect();
    // ... and a byte at a time, still within the head.
    slow[0].write_all(b"X").unwrap();
    // A normal scrape is answered meanwhile.
    let answer = exporter.get("/metrics");
    assert_eq!(answer.status, 200);
    assert!(answer.body.contains("obssl_up{instance_id=\"obxxx\"} 1"));
    // The slow ones are cut off once their time is up (5 s), without an answer.
    let mut stalled = slow.remove(1);
    stalled
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let cut = read_answer(&mut stalled);
    assert_eq!((cut.status, cut.head.as_str()), (0, ""), "{cut:?}");
    // An endless header: 431, not memory without end.
    let mut huge = b"GET /metrics HTTP/1.1\r\nX-Long: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 64 * 1024));
    huge.extend(b"\r\n\r\n");
    assert_eq!(raw(exporter.addr, &huge).status, 431);
    let mut many = b"GET /metrics HTTP/1.1\r\n".to_vec();
    for i in 0..100 {
        many.extend(format!("X-{i}: y\r\n").as_bytes());
    }
    many.extend(b"\r\n");
    assert_eq!(raw(exporter.addr, &many).status, 431);
    for garbage in [
        &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"\xff\xfe\r\n\r\n",
        b"GET /metrics HTTP/9.9\r\n\r\n",
    ] {
        assert_eq!(raw(exporter.addr, garbage).status, 400, "{garbage:?}");
    }
    // A client that connects and leaves, many times over.
    for _ in 0..50 {
        drop(TcpStream::connect(exporter.addr).unwrap());
    }
    assert_eq!(exporter.get("/healthz").status, 200);
}

#[test]
fn sigterm_and_sigint_stop_it_cleanly() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let mut exporter = Exporter::start(&mock, home.path(), &["obxxx", "--refresh", "1h"]);
        exporter.wait_for_refreshes(1);
        // A slow client is being served when the signal comes.
        let mut slow = TcpStream::connect(exporter.addr).unwrap();
        slow.write_all(b"GET /metrics HTTP/1.1\r\n").unwrap();
        let sent = Instant::now();
        // SAFETY: the pid of the child this test started and still holds.
        unsafe {
            libc::kill(exporter.child.id() as i32, signal);
        }
        let status = loop {
            if let Some(status) = exporter.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                sent.elapsed() < Duration::from_secs(10),
                "still running 10 s after signal {signal}"
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        // Reported, not asserted (a loaded machine is slow): the issue asks for under a second.
        let _ = writeln!(
            std::io::stderr(),
            "exporter stopped {:.0} ms after signal {signal}",
            sent.elapsed().as_secs_f64() * 1000.0
        );
        assert_eq!(status.code(), Some(0), "signal {signal}: {status:?}");
        std::thread::sleep(Duration::from_millis(100));
        let log = exporter.stderr();
        assert!(log.contains("stop: stopped by a signal"), "{log}");
    }
}

#[test]
fn nothing_secret_in_logs_metrics_or_pages_and_json_logs() {
    let (mock, home) = (start_mock(MockConfig::default()), home());
    let exporter = Exporter::start(
        &mock,
        home.path(),
        &["--all", "--refresh", "1s", "-vv", "--log-format", "json"],
    );
    let mut seen = exporter.wait_for_refreshes(2);
    for path in ["/", "/healthz", "/nope"] {
        seen.push_str(&exporter.get(path).body);
    }
    let om = http_get(
        exporter.addr,
        "/metrics",
        &[("Accept", "application/openmetrics-text")],
    );
    seen.push_str(&om.body);
    std::thread::sleep(Duration::from_millis(200));
    let log = exporter.stderr();
    seen.push_str(&log);
    assert_no_secret(&seen, Some(&mock));
    for request in mock.requests() {
        for (name, value) in &request.answer_headers {
            if name.eq_ignore_ascii_case("www-authenticate") {
                let nonce = digest_param(value, "nonce").unwrap();
                assert!(!seen.contains(&nonce), "a nonce leaked:\n{log}");
            }
        }
    }
    assert!(!log.to_ascii_lowercase().contains("authorization"), "{log}");
    // -v adds one line per refresh and per request; --log-format json: each
    // exporter line is one JSON object (the client's own request lines, -vv,
    // are not).
    let events: Vec<serde_json::Value> = log
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let event = |name: &'static str| events.iter().filter(move |e| e["event"] == name);
    assert_eq!(event("start").count(), 1, "{log}");
    assert!(event("refresh").any(|e| e["ok"] == true && e["instances"].as_u64() > Some(5)));
    assert!(event("http").any(|e| e["path"] == "/healthz" && e["status"] == 200));
    assert!(
        log.lines()
            .any(|l| l.starts_with("> GET http") && l.contains("/api/v2/instances?")),
        "{log}"
    );
}

#[test]
fn bad_arguments_are_refused_before_anything_is_served() {
    let home = home();
    let run = |args: &[&str]| Run::of(isolated("obssl", home.path()).arg("exporter").args(args));
    for (args, words) in [
        (
            &["--refresh", "5x"][..],
            "`5x` is not a duration: give seconds (30, 2.5) or a number with a unit",
        ),
        (&["--refresh", "0s"], "out of range"),
        (
            &["--listen", "localhost:9853"],
            "is not an IP address and port",
        ),
        (
            &["--warning", "3", "--critical", "7"],
            "--warning 3 is below --critical 7",
        ),
    ] {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(words), "{args:?}: {}", r.stderr);
    }
    // No credentials: a configuration error (3), nothing served.
    let r = run(&["--listen", "127.0.0.1:0"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("AccessKey"), "{}", r.stderr);
    // The port is taken.
    let mock = start_mock(MockConfig::default());
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let r = Run::of(obssl_for(&mock, home.path()).args(["exporter", "obxxx", "--listen", &addr]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("cannot listen on {addr}")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--web.listen-address"), "{}", r.stderr);
}
