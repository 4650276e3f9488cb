//! Hostile input (issue 12): a server that answers terminal escapes, planted
//! device files, FIFOs and links, SOCKS and broken proxies, unbounded local
//! inputs. Each test asserts what a user sees: output, exit status, files.

use crate::support::tls::tls_server_of;
use crate::support::*;
use obssl_mock::{MockConfig, MockServer, HOSTILE_TEXT};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;

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
    assert!(
        lines[0].starts_with("hostile-fields\t\\u{1b}]52"),
        "{lines:?}"
    );
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
        report["instances"][0]["error"]["apiMessage"], HOSTILE_TEXT,
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
    for field in [
        "errorCode:   \\u{1b}]52",
        "message:     \\u{1b}]52",
        "requestId:   \\u{1b}]52",
    ] {
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
    assert!(
        r.stdout.contains(r"p\u{1b}]0;pwned\u{7}\u{a}WARNING"),
        "{}",
        r.stdout
    );
}

// ---- proxies (issue 12 item 4, issue 13 item 6) ------------------------------------

/// The name the SOCKS test's endpoint uses: not resolvable here, only by the proxy.
const SOCKS_HOST: &str = "api.obssl-socks.test";

fn socks_tls_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls-socks")
}

/// A SOCKS5 proxy (no authentication, CONNECT only) on a thread: it resolves
/// every host name it is asked for to 127.0.0.1 and records the names; an
/// address (no name) is refused, so that only `socks5h` gets through.
fn socks5_proxy() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let names = Arc::clone(&seen);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(client) = stream else { return };
            let names = Arc::clone(&names);
            thread::spawn(move || {
                let _ = socks5_session(client, &names);
            });
        }
    });
    (port, seen)
}

fn socks5_session(mut client: TcpStream, names: &Mutex<Vec<String>>) -> std::io::Result<()> {
    let mut two = [0u8; 2];
    client.read_exact(&mut two)?; // VER, NMETHODS
    let mut methods = vec![0u8; usize::from(two[1])];
    client.read_exact(&mut methods)?;
    client.write_all(&[5, 0])?; // no authentication
    let mut head = [0u8; 4];
    client.read_exact(&mut head)?; // VER, CMD, RSV, ATYP
    if head[1] != 1 || head[3] != 3 {
        // Not CONNECT by domain name: "address type not supported".
        client.write_all(&[5, 8, 0, 1, 0, 0, 0, 0, 0, 0])?;
        return Ok(());
    }
    let mut len = [0u8; 1];
    client.read_exact(&mut len)?;
    let mut name = vec![0u8; usize::from(len[0])];
    client.read_exact(&mut name)?;
    let mut port = [0u8; 2];
    client.read_exact(&mut port)?;
    names
        .lock()
        .unwrap()
        .push(String::from_utf8_lossy(&name).into_owned());
    let upstream = TcpStream::connect(("127.0.0.1", u16::from_be_bytes(port)))?;
    client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, port[0], port[1]])?;
    let (mut c_read, mut u_write) = (client.try_clone()?, upstream.try_clone()?);
    let pump = thread::spawn(move || std::io::copy(&mut c_read, &mut u_write));
    let (mut u_read, mut c_write) = (upstream, client);
    let _ = std::io::copy(&mut u_read, &mut c_write);
    let _ = c_write.shutdown(std::net::Shutdown::Both);
    let _ = pump.join();
    Ok(())
}

/// `obssl` for a non-loopback endpoint (so that proxies apply), with the test credentials.
fn obssl_at(endpoint: &str, home: &Path) -> assert_cmd::Command {
    let mut cmd = isolated("obssl", home);
    cmd.env("OBSSL_ENDPOINT", endpoint)
        .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("OBSSL_ACCESS_KEY_SECRET", SECRET)
        .env("OBSSL_TEST_BACKOFF_MS", "1");
    cmd
}

#[test]
fn a_call_succeeds_through_a_socks5h_proxy_that_resolves_the_host_name() {
    let tls_port = tls_server_of(&socks_tls_dir());
    let (proxy_port, seen) = socks5_proxy();
    let home = home();
    let r = Run::of(
        obssl_at(&format!("https://{SOCKS_HOST}:{tls_port}"), home.path())
            .env("ALL_PROXY", format!("socks5h://127.0.0.1:{proxy_port}"))
            .env("OBSSL_CA_BUNDLE", socks_tls_dir().join("ca.pem"))
            .args(["get", "obxxx", "--field", "status", "-v"]),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "OPEN\n");
    assert!(
        r.stderr.contains(&format!(
            "* proxy: 127.0.0.1:{proxy_port} (socks5h from ALL_PROXY; the proxy resolves host names)"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(
        seen.lock().unwrap().first().map(String::as_str),
        Some(SOCKS_HOST)
    );
}

#[test]
fn an_unsupported_proxy_scheme_is_an_error_naming_the_variable() {
    let home = home();
    let r = Run::of(
        obssl_at("https://api-cloud.oceanbase.com", home.path())
            .env("HTTPS_PROXY", "ftp://user:pw@proxy.example:21")
            .args(["get", "obxxx"]),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("HTTPS_PROXY"), "{}", r.stderr);
    assert!(r.stderr.contains("`ftp`"), "{}", r.stderr);
    assert!(!r.stderr.contains("pw"), "{}", r.stderr);
    let r = Run::of(
        obssl_at("https://api-cloud.oceanbase.com", home.path())
            .env("ALL_PROXY", "ftp://proxy.example:21")
            .args(["check", "obxxx"]),
    );
    assert_eq!(r.code, 3, "UNKNOWN: {}", r.stderr);
    assert!(r.stdout.starts_with("SSL UNKNOWN - "), "{}", r.stdout);
}

/// A proxy that reads each request head, answers `reply` (nothing: closes
/// the connection), then waits for the client to hang up.
fn raw_proxy(reply: &'static [u8]) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { return };
            thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match s.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                if reply.is_empty() {
                    return;
                }
                let _ = s.write_all(reply);
                let _ = s.read_to_end(&mut head);
            });
        }
    });
    port
}

fn through_proxy(proxy: &str) -> Run {
    let home = home();
    let r = Run::of(
        obssl_at("https://api-cloud.oceanbase.com", home.path())
            .env("HTTPS_PROXY", proxy)
            .args(["get", "obxxx", "--retries", "0", "-t", "5"]),
    );
    assert_no_secret(&r.stderr, None);
    r
}

#[test]
fn a_proxy_asking_for_authentication_is_exit_6_naming_it() {
    let port = raw_proxy(
        b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\n\r\n",
    );
    let r = through_proxy(&format!("http://127.0.0.1:{port}"));
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("the proxy 127.0.0.1:{port}")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("407"), "{}", r.stderr);
    assert!(
        r.stderr.contains("proxy authentication required"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("credentials go in the proxy URL"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_proxy_closing_the_connection_is_exit_6_naming_it() {
    let port = raw_proxy(b"");
    let r = through_proxy(&format!("http://127.0.0.1:{port}"));
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("proxy 127.0.0.1:{port}")),
        "{}",
        r.stderr
    );
}

#[test]
fn a_refused_proxy_is_named_not_the_api_host() {
    let port = refused_port();
    let r = through_proxy(&format!("http://127.0.0.1:{port}"));
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("could not connect to the proxy 127.0.0.1:{port}")),
        "{}",
        r.stderr
    );
}

// ---- malformed answers (issue 12 item 6) --------------------------------------------

/// A plain-HTTP server on loopback that answers every request with `reply`.
fn raw_server(reply: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let reply = Arc::new(reply);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { return };
            let reply = Arc::clone(&reply);
            thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match s.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let _ = s.write_all(&reply);
                let _ = s.shutdown(std::net::Shutdown::Write);
                let _ = s.read_to_end(&mut head);
            });
        }
    });
    format!("http://127.0.0.1:{port}")
}

fn answer_with(head: &str) -> Vec<u8> {
    let body = r#"{"data":{"status":"OPEN"},"requestId":"r","success":true}"#;
    format!("{head}Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

#[test]
fn malformed_answers_are_exit_5_not_internal_errors() {
    let many_headers: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    let cases = [
        (
            "an escape in a header",
            answer_with("HTTP/1.1 200 OK\r\nX-A: a\x1b]0;t\x07b\r\n"),
        ),
        (
            "an escape in the status line",
            answer_with("HTTP/1.1 200 O\x1b[2JK\r\n"),
        ),
        (
            "a folded header",
            answer_with("HTTP/1.1 200 OK\r\nX-A: a\r\n folded\r\n"),
        ),
        (
            "headers over 64 KiB",
            answer_with(&format!(
                "HTTP/1.1 200 OK\r\nX-Big: {}\r\n",
                "a".repeat(70_000)
            )),
        ),
        (
            "too many headers",
            answer_with(&format!("HTTP/1.1 200 OK\r\n{many_headers}")),
        ),
    ];
    for (what, reply) in cases {
        let endpoint = raw_server(reply);
        let home = home();
        let mut cmd = isolated("obssl", home.path());
        cmd.env("OBSSL_ENDPOINT", &endpoint)
            .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("OBSSL_ACCESS_KEY_SECRET", SECRET)
            .env("OBSSL_TEST_BACKOFF_MS", "1");
        let r = Run::of(cmd.args(["get", "obxxx", "--retries", "0"]));
        assert_eq!(r.code, 5, "{what}: {}", r.stderr);
        assert!(!r.stderr.contains("internal"), "{what}: {}", r.stderr);
        assert!(
            r.stderr.contains("bad answer for instance obxxx"),
            "{what}: {}",
            r.stderr
        );
        assert_nothing_raw(what, &r.stderr, false);
    }
    // And from the mock's hostile fixture, under check too.
    let mock = mock();
    let r = run(&mock, &["get", "hostile-header-escape"]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    let r = run(&mock, &["check", "hostile-header-escape"]);
    assert_eq!(r.code, 3, "UNKNOWN: {}", r.stdout);
    assert!(
        r.stdout.contains("UNKNOWN hostile-header-escape: "),
        "{}",
        r.stdout
    );
}
