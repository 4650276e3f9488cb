//! `--all` is bounded (issue 12 item 5): a list page longer than the
//! `pageSize` asked, or a `total` above the 100,000 instances the listing
//! allows, is an error at once; `check -t` bounds a slow listing; the pages
//! after the first are read concurrently, while the instances already
//! listed are (issue 15), and a page that fails is the error of the run.

use crate::support::listed;
use crate::support::*;
use obssl_mock::MockConfig;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// A server without authentication that answers every list page with
/// `page(number)` (and every other request with page 1), and records the
/// page numbers asked for.
fn list_server(page: fn(usize) -> String) -> (String, Arc<Mutex<Vec<usize>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let number = line
                        .split("pageNumber=")
                        .nth(1)
                        .and_then(|r| r.split(['&', ' ']).next())
                        .and_then(|n| n.parse().ok());
                    // Instance requests (no page number) get page 1 and are not recorded.
                    if let Some(number) = number {
                        seen.lock().unwrap().push(number);
                    }
                    let number = number.unwrap_or(1);
                    loop {
                        let mut header = String::new();
                        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                            break;
                        }
                    }
                    let body = page(number);
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                }
            });
        }
    });
    (url, asked)
}

fn envelope(total: u64, ids: impl Iterator<Item = String>) -> String {
    let list: Vec<String> = ids
        .map(|id| format!(r#"{{"instanceId":"{id}"}}"#))
        .collect();
    format!(
        r#"{{"success":true,"requestId":"r","data":{{"total":{total},"dataList":[{}]}}}}"#,
        list.join(",")
    )
}

fn obssl_at(url: &str, home: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = isolated("obssl", home);
    cmd.env("OBSSL_ENDPOINT", url)
        .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("OBSSL_ACCESS_KEY_SECRET", SECRET);
    cmd
}

#[test]
fn a_page_longer_than_the_page_size_is_refused() {
    let (url, asked) = list_server(|_| envelope(50_000, (0..5000).map(|i| format!("ob-{i}"))));
    let h = home();
    let run = Run::of(obssl_at(&url, h.path()).args(["get", "--all", "-o", "jsonl"]));
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("lists 5000 instances, more than the 100 asked for (pageSize)"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    assert_eq!(*asked.lock().unwrap(), [1], "nothing after the first page");
}

#[test]
fn a_total_above_the_listing_limit_is_refused_with_a_clear_error() {
    let (url, asked) =
        list_server(|_| envelope(1_000_000_000, (0..100).map(|i| format!("ob-{i}"))));
    let h = home();
    let run = Run::of(obssl_at(&url, h.path()).args(["get", "--all"]));
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "the account has 1000000000 instances; --all reads at most 100000 (1000 pages of 100)"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--file"), "{}", run.stderr);
    assert_eq!(asked.lock().unwrap().len(), 1);
    // Under check: UNKNOWN, 3, with the same reason.
    let out = Run::of(obssl_at(&url, h.path()).args(["check", "--all"]));
    assert_eq!(out.code, 3);
    assert!(out.stdout.starts_with("SSL UNKNOWN"), "{}", out.stdout);
    assert!(
        out.stdout.contains("reads at most 100000"),
        "{}",
        out.stdout
    );
}

#[test]
fn pages_after_the_first_are_all_read_in_order() {
    // 250 instances: pages 1, 2 and 3 (of 100, 100, 50).
    let (url, asked) = list_server(|n| {
        let start = (n - 1) * 100;
        let end = (start + 100).min(250);
        envelope(250, (start..end).map(|i| format!("ob-{i:03}")))
    });
    let h = home();
    // Every status request is answered with a list page too: each
    // instance's line comes in the order of the list.
    let run = Run::of(obssl_at(&url, h.path()).args(["get", "--all", "--field", "instanceId"]));
    let failed: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.split('\t').next())
        .collect();
    let expected: Vec<String> = (0..250).map(|i| format!("ob-{i:03}")).collect();
    assert_eq!(failed.len(), 250, "{}{}", run.stdout, run.stderr);
    assert_eq!(failed, expected);
    // Each page once, page 1 first (instances are read while pages 2 and 3 are).
    let mut pages = asked.lock().unwrap().clone();
    assert_eq!(pages[0], 1);
    pages.sort();
    assert_eq!(pages, [1, 2, 3]);
}

#[test]
fn check_time_limit_bounds_a_slow_listing() {
    // Every answer takes 600 ms: five pages one after another would take 3 s.
    let mock = start_mock(MockConfig {
        latency: std::time::Duration::from_millis(600),
        generated_instances: 450,
        ..MockConfig::default()
    });
    let h = home();
    let started = std::time::Instant::now();
    let run =
        Run::of(obssl_for(&mock, h.path()).args(["check", "--all", "-t", "1", "--jobs", "1"]));
    assert!(
        started.elapsed().as_millis() < 2500,
        "{:?}",
        started.elapsed()
    );
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert!(run.stdout.starts_with("SSL UNKNOWN"), "{}", run.stdout);
    stop_in_background(mock);
}

#[test]
fn instances_are_read_while_the_other_pages_are_and_named_ids_come_once_first() {
    // Every request takes 300 ms: were the instances read only after the
    // whole list, the first would arrive a latency after pages 2 to 5.
    let latency = std::time::Duration::from_millis(300);
    let config = || MockConfig {
        generated_instances: 450,
        ..MockConfig::default()
    };
    let ids = listed(&start_mock(config()));
    assert!(ids.len() > 400, "five pages");
    let mock = start_mock(MockConfig {
        latency,
        ..config()
    });
    let h = home();
    // An id of page 4, named first: shown first, and not again.
    let named = ids[350].clone();
    let out = obssl_for(&mock, h.path())
        .args([
            "get",
            &named,
            "--all",
            "--jobs",
            "16",
            "--field",
            "instanceId",
        ])
        .assert()
        .success();
    let got: Vec<String> = stdout_of(&out)
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect();
    let mut expected = vec![named.clone()];
    expected.extend(ids.iter().filter(|id| **id != named).cloned());
    assert_eq!(got, expected);
    let requests = mock.requests();
    let first_instance = requests
        .iter()
        .filter(|r| r.url.contains("/security/ssl"))
        .map(|r| r.received_at)
        .min()
        .unwrap();
    let later_pages = requests
        .iter()
        .filter(|r| r.url.starts_with("/api/v2/instances?") && !r.url.contains("pageNumber=1&"))
        .map(|r| r.received_at)
        .min()
        .unwrap();
    assert!(
        first_instance < later_pages + latency / 2,
        "the first instance was read {:?} after pages 2 to 5 were asked for",
        first_instance.duration_since(later_pages)
    );
    let instance_requests = requests
        .iter()
        .filter(|r| r.url.contains("/security/ssl"))
        .count();
    assert_eq!(instance_requests, ids.len(), "each instance once");
}

#[test]
fn a_page_that_fails_after_instances_were_read_is_the_error_of_the_run() {
    // Page 3 is not the API's answer; instance requests get page 1 (an
    // answer that is not an instance's, whatever it says).
    let (url, asked) = list_server(|n| {
        if n == 3 {
            return "not json".to_string();
        }
        let start = (n - 1) * 100;
        envelope(450, (start..start + 100).map(|i| format!("ob-{i:03}")))
    });
    let h = home();
    for args in [
        &["get", "--all", "-o", "json", "--jobs", "8"][..],
        &["get", "--all", "--field", "instanceId", "--jobs", "8"][..],
    ] {
        let run = Run::of(obssl_at(&url, h.path()).args(args));
        assert_eq!(run.code, 5, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("page 3"), "{args:?}: {}", run.stderr);
        assert_eq!(
            run.stdout, "",
            "{args:?}: nothing shown before the list is read"
        );
    }
    assert!(asked.lock().unwrap().contains(&3));
    let out = Run::of(obssl_at(&url, h.path()).args(["check", "--all", "-o", "plugin"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stdout.starts_with("SSL UNKNOWN - "), "{}", out.stdout);
    assert!(out.stdout.contains("page 3"), "{}", out.stdout);
}
