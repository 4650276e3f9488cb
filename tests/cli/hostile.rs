//! Hostile input (issue 12): a server that answers terminal escapes, planted
//! device files, FIFOs and links, SOCKS and broken proxies, unbounded local
//! inputs. Each test asserts what a user sees: output, exit status, files.

use crate::util::*;
use obssl::mock::{MockConfig, MockServer, HOSTILE_TEXT};
use std::path::Path;

/// Characters that must never reach a terminal raw (the rule of
/// docs/security.md): C0 but the layout's own newline (and TAB where
/// `allow_tab`), DEL, C1, bidi overrides and isolates.
fn assert_nothing_raw(what: &str, text: &str, allow_tab: bool) {
    for c in text.chars() {
        let hidden = matches!(c,
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        let layout = c == '\n' || (allow_tab && c == '\t');
        assert!(
            !hidden || layout,
            "{what} shows {c:?} raw:\n{}",
            text.escape_debug()
        );
    }
}

/// No line of `text` was forged by a newline inside a value.
fn assert_no_forged_line(what: &str, text: &str) {
    assert!(
        !text.lines().any(|l| l.starts_with("WARNING forged")),
        "{what} has a forged line:\n{text}"
    );
}

fn run(mock: &MockServer, args: &[&str]) -> Run {
    let home = home();
    let r = Run::of(obssl_for(mock, home.path()).args(args));
    assert_no_secret(&format!("{}{}", r.stdout, r.stderr), Some(mock));
    r
}

fn mock() -> MockServer {
    start_mock(MockConfig::default())
}

#[test]
fn hostile_values_are_escaped_in_the_one_instance_table() {
    let mock = mock();
    let r = run(&mock, &["get", "hostile-fields"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_nothing_raw("the table", &r.stdout, false);
    assert_no_forged_line("the table", &r.stdout);
    assert!(r.stdout.contains(r"\u{1b}]52;c;"), "{}", r.stdout);
    assert!(r.stdout.contains(r"\u{9b}31m\u{202e}"), "{}", r.stdout);
    // The field name too.
    assert!(r.stdout.contains(r"x\u{1b}]52"), "{}", r.stdout);
}

#[test]
fn hostile_values_are_escaped_in_the_many_instance_table() {
    let mock = mock();
    let r = run(&mock, &["get", "hostile-fields", "obxxx", "hostile-error"]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert_nothing_raw("the fleet table", &r.stdout, false);
    assert_nothing_raw("stderr", &r.stderr, false);
    assert_no_forged_line("the fleet table", &r.stdout);
    assert_no_forged_line("stderr", &r.stderr);
    assert!(r.stdout.contains(r"\u{1b}"), "{}", r.stdout);
}

#[test]
fn a_field_value_cannot_forge_a_record_or_a_field() {
    let mock = mock();
    let one = run(&mock, &["get", "hostile-fields", "--field", "enableSSL"]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(one.stdout.lines().count(), 1, "{:?}", one.stdout);
    assert_nothing_raw("--field", &one.stdout, false);
    let many = run(
        &mock,
        &["get", "hostile-fields", "obxxx", "--field", "enableSSL"],
    );
    assert_eq!(many.code, 0, "{}", many.stderr);
    let lines: Vec<&str> = many.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{:?}", many.stdout);
    for line in &lines {
        assert_eq!(line.matches('\t').count(), 1, "one ID<TAB>value: {line:?}");
    }
    assert!(lines[0].starts_with("hostile-fields\t\\u{1b}]52"), "{lines:?}");
    assert_eq!(lines[1], "obxxx\tOPEN");
    assert_nothing_raw("--field", &many.stdout, true);
}

#[test]
fn plugin_lines_cannot_be_forged_by_a_value() {
    let mock = mock();
    let r = run(&mock, &["check", "hostile-fields", "obxxx"]);
    assert_nothing_raw("the plugin output", &r.stdout, false);
    assert_no_forged_line("the plugin output", &r.stdout);
    for line in r.stdout.lines().skip(1) {
        assert!(
            ["CRITICAL ", "WARNING ", "UNKNOWN "]
                .iter()
                .any(|s| line.starts_with(s)),
            "{line:?}"
        );
    }
    assert!(r.stdout.contains(r"\u{1b}"), "{}", r.stdout);
}

#[test]
fn json_and_prometheus_keep_hostile_data_faithfully() {
    let mock = mock();
    let r = run(&mock, &["get", "hostile-fields", "-o", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let data: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(data["enableSSL"], HOSTILE_TEXT);
    assert_eq!(data[format!("x{HOSTILE_TEXT}")], HOSTILE_TEXT);
    let r = run(&mock, &["check", "-o", "json", "hostile-error"]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        report["instances"][0]["error"]["apiMessage"],
        HOSTILE_TEXT,
        "{report}"
    );
    let r = run(&mock, &["check", "-o", "prometheus", "hostile-fields"]);
    let lines = r.stdout.lines().map(|l| Ok(l.to_string()));
    prometheus_parse::Scrape::parse(lines).expect("valid exposition format");
}

#[test]
fn error_envelopes_are_escaped_on_stderr() {
    let mock = mock();
    let r = run(&mock, &["get", "hostile-error"]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert_nothing_raw("stderr", &r.stderr, false);
    assert_no_forged_line("stderr", &r.stderr);
    for field in ["errorCode:   \\u{1b}]52", "message:     \\u{1b}]52", "requestId:   \\u{1b}]52"] {
        assert!(r.stderr.contains(field), "{field}: {}", r.stderr);
    }
    let r = run(&mock, &["check", "hostile-error"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_nothing_raw("the plugin output", &r.stdout, false);
    assert_no_forged_line("the plugin output", &r.stdout);
}

#[test]
fn the_trace_escapes_what_the_server_sent() {
    let mock = mock();
    let r = run(&mock, &["get", "hostile-headers", "-vv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_nothing_raw("the -vv trace", &r.stderr, false);
    assert!(r.stderr.contains("< x-hostile: "), "{}", r.stderr);
    let r = run(&mock, &["get", "hostile-error", "hostile-fields", "-v"]);
    assert_nothing_raw("the -v trace", &r.stderr, false);
    assert_no_forged_line("the -v trace", &r.stderr);
}

#[test]
fn config_list_escapes_values_from_the_environment() {
    let home = home();
    let r = Run::of(
        isolated("obssl", home.path())
            .env("OBSSL_PROJECT_ID", "p\x1b]0;pwned\x07\nWARNING forged")
            .args(["config", "list"]),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_nothing_raw("config list", &r.stdout, false);
    assert_no_forged_line("config list", &r.stdout);
    assert!(r.stdout.contains(r"p\u{1b}]0;pwned\u{7}\u{a}WARNING"), "{}", r.stdout);
}

#[allow(dead_code)]
fn unused(_: &Path) {}
