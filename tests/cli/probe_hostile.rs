//! `obssl probe` against hostile fake servers (a std `TcpListener` thread in
//! the test): an oversized packet header, a truncated packet, garbage, an
//! ERR packet instead of a handshake, a server that never answers and one
//! that trickles, a handshake without `CLIENT_SSL`, terminal escapes in the
//! server version, garbage instead of a TLS ServerHello, and servers that
//! speak only TLS below 1.2. Each run must end within `--timeout`, with a
//! message naming the problem, the documented exit status, and nothing raw
//! from the server on the terminal.

use crate::support::mysql::{fake_mysql, greeting, hold, packet};
use crate::support::{home, isolated, Run};
use std::io::{Read, Write};
use std::time::Duration;

/// Capabilities of a TLS-capable 4.1 server.
const CAPS: u32 = 0x0000_0200 | 0x0000_0800 | 0x0000_8000 | 0x0008_0000;
const NO_SSL: u32 = CAPS & !0x0000_0800;

fn probe(port: u16, extra: &[&str]) -> Run {
    let home = home();
    let address = format!("127.0.0.1:{port}");
    let mut cmd = isolated("obssl", home.path());
    cmd.args(["probe", "--address", &address]).args(extra);
    if !extra.contains(&"--timeout") {
        cmd.args(["--timeout", "2"]);
    }
    Run::of(&mut cmd)
}

/// Asserts a clean, one-verdict run: `code`, the verdict row holding `needle`,
/// no raw control character from the server on stdout or stderr.
fn assert_run(run: &Run, code: i32, needle: &str) {
    assert_eq!(run.code, code, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(needle), "{needle}:\n{}", run.stdout);
    for text in [&run.stdout, &run.stderr] {
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' || ('\u{80}'..='\u{9f}').contains(&c)),
            "a raw control character:\n{text:?}"
        );
    }
}

#[test]
fn probe_oversized_header_is_refused_before_reading() {
    let port = fake_mysql(|mut s| {
        let _ = s.write_all(&[0xff, 0xff, 0xff, 0x00]);
        hold(s);
    });
    let run = probe(port, &[]);
    assert_run(
        &run,
        3,
        "UNKNOWN not-mysql: the server's first bytes are not a MySQL greeting: \\xff\\xff\\xff\\x00",
    );
}

#[test]
fn probe_truncated_garbage_and_err_first_packets() {
    let truncated = fake_mysql(|mut s| {
        let _ = s.write_all(&[100, 0, 0, 0, 10, b'5', b'.', b'7']);
    });
    assert_run(
        &probe(truncated, &[]),
        3,
        "a packet of 100 bytes announced, fewer sent",
    );

    // Another protocol's banner is told as what it is, escaped.
    let ssh = fake_mysql(|mut s| {
        let _ = s.write_all(b"SSH-2.0-OpenSSH_9.2\r\n");
        hold(s);
    });
    assert_run(
        &probe(ssh, &[]),
        3,
        "not-mysql: the server's first bytes are not a MySQL greeting: SSH-2.0-OpenSSH_9.2\\r\\n",
    );
    let http = fake_mysql(|mut s| {
        let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    assert_run(
        &probe(http, &[]),
        3,
        "not a MySQL greeting: HTTP/1.1 400 Bad Request\\r\\n",
    );
    let alert = fake_mysql(|mut s| {
        let _ = s.write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
    });
    assert_run(
        &probe(alert, &[]),
        3,
        "not a MySQL greeting: \\x15\\x03\\x03\\x00\\x02\\x02(",
    );
    let garbage = fake_mysql(|mut s| {
        let _ = s.write_all(b"\x05\x00\x00\x00HELLO");
    });
    assert_run(&probe(garbage, &[]), 3, "not-mysql");

    let closed = fake_mysql(drop);
    assert_run(&probe(closed, &[]), 3, "the server closed the connection");

    let busy = fake_mysql(|mut s| {
        let mut err = vec![0xff, 0x10, 0x04];
        err.extend_from_slice(b"Too many connections\x1b[2J");
        let _ = s.write_all(&packet(0, &err));
    });
    let run = probe(busy, &[]);
    assert_run(&run, 3, "server error 1040: Too many connections\\u{1b}[2J");
}

#[test]
fn probe_silent_and_trickling_servers_end_within_the_timeout() {
    // A port that accepts and never speaks (an HTTP server waiting for its request):
    // no-greeting, within the limit, and no OS error in the user's face.
    let silent = fake_mysql(hold);
    let run = probe(silent, &["--timeout", "1"]);
    assert_run(
        &run,
        3,
        "UNKNOWN no-greeting: connected, but no MySQL greeting in 1 s: is this a MySQL port?",
    );
    assert!(!run.stdout.contains("os error"), "{}", run.stdout);

    // One byte every 200 ms of a handshake that never ends: the deadline
    // bounds the whole read, not each byte.
    let trickle = fake_mysql(|mut s| {
        let _ = s.write_all(&[0x00, 0x30, 0x00, 0x00, 10]);
        for _ in 0..200 {
            if s.write_all(b"5").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    let run = probe(trickle, &["--timeout", "1"]);
    assert_run(&run, 3, "handshake failed");
    assert!(run.stdout.contains("in time"), "{}", run.stdout);

    // Nothing listening: the OS error.
    let port = crate::support::refused_port();
    assert_run(&probe(port, &[]), 3, "onnection refused");

    // A name that does not resolve (RFC 6761's .invalid): the resolver's answer.
    let home = home();
    let run = Run::of(isolated("obssl", home.path()).args([
        "probe",
        "--address",
        "no-such-host.invalid",
        "--timeout",
        "2",
        "-o",
        "jsonl",
    ]));
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    let o: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(o["wire"]["unreached"]["stage"], "resolve", "{o}");
    assert_eq!(o["address"], "no-such-host.invalid:3306");
}

#[test]
fn probe_without_client_ssl_is_no_tls_and_escapes_are_shown() {
    let port = fake_mysql(|mut s| {
        let _ = s.write_all(&greeting(b"5.7.0\x1b]0;pwned\x07\xc2\x9b31m", 7, NO_SSL));
        hold(s);
    });
    let run = probe(port, &[]);
    assert_run(&run, 2, "CRITICAL no-tls");
    assert!(
        run.stdout.contains("5.7.0\\u{1b}]0;pwned\\u{7}\\u{9b}31m"),
        "{}",
        run.stdout
    );
    // JSON keeps the server's text as it is (escaped by JSON itself).
    let run = probe(port, &["-o", "jsonl"]);
    let o: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(o["wire"]["tlsOffered"], false);
    assert_eq!(
        o["wire"]["serverVersion"],
        "5.7.0\u{1b}]0;pwned\u{7}\u{9b}31m"
    );
    assert_eq!(o["verdict"][0], "no-tls");
}

/// A server that offers TLS, reads the SSLRequest and the ClientHello, and
/// answers with `answer`.
fn tls_answering(answer: &'static [u8]) -> u16 {
    fake_mysql(move |mut s| {
        let _ = s.write_all(&greeting(b"5.7.0", 7, CAPS));
        let mut request = [0u8; 36];
        if s.read_exact(&mut request).is_err() {
            return;
        }
        let mut client_hello = [0u8; 5];
        let _ = s.read_exact(&mut client_hello);
        let _ = s.write_all(answer);
        hold(s);
    })
}

#[test]
fn probe_tls_garbage_is_tls_failed() {
    let port = tls_answering(b"HTTP/1.1 400 Bad Request\r\n\r\n");
    let run = probe(port, &[]);
    assert_run(&run, 2, "CRITICAL tls-failed");
}

#[test]
fn probe_tls_below_1_2_is_tls_too_old() {
    // A fatal protocol_version alert, as a TLS 1.0/1.1-only server answers.
    let alert = tls_answering(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]);
    let run = probe(alert, &[]);
    assert_run(&run, 2, "CRITICAL tls-too-old");

    // A ServerHello of TLS 1.1 (0x0302), TLS_RSA_WITH_AES_128_CBC_SHA.
    const HELLO_1_1: &[u8] = &[
        0x16, 0x03, 0x02, 0x00, 0x2a, // record: handshake, TLS 1.1, 42 bytes
        0x02, 0x00, 0x00, 0x26, // ServerHello, 38 bytes
        0x03, 0x02, // TLS 1.1
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
        26, 27, 28, 29, 30, 31, 32,   // random
        0x00, // no session id
        0x00, 0x2f, // cipher suite
        0x00, // no compression
    ];
    let old = tls_answering(HELLO_1_1);
    let run = probe(old, &["-o", "jsonl"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    let o: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(o["verdict"][0], "tls-too-old", "{o}");
    assert_eq!(o["wire"]["tlsFailure"]["tooOld"], true);
}

#[test]
fn probe_bad_addresses_and_nothing_to_probe_are_usage_errors() {
    let home = home();
    for args in [
        &["probe", "--address", "db:0"][..],
        &["probe", "--address", "db:x"],
        &["probe"],
        &[
            "probe",
            "--address",
            "db",
            "--warning",
            "3",
            "--critical",
            "5",
        ],
    ] {
        let run = Run::of(isolated("obssl", home.path()).args(args));
        assert_eq!(run.code, 3, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("error:"), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    let run = Run::of(isolated("obssl", home.path()).args(["probe", "--address", "db:0"]));
    assert!(run.stderr.contains("is not an address"), "{}", run.stderr);
    // A URL is refused before anything is probed, saying which form to use (exit 3, probe's
    // UNKNOWN for every usage error: 2 is CRITICAL here).
    for url in ["http://127.0.0.1:3306", "mysql://u@db:3306/x", "db/x"] {
        let run = Run::of(isolated("obssl", home.path()).args(["probe", "--address", url]));
        assert_eq!(run.code, 3, "{url}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("is a URL, not an address: give HOST, HOST:PORT, [IPV6]:PORT"),
            "{}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    // A bare IPv6 address and [v6]:port are addresses.
    for (given, shown) in [("::1", "[::1]:3306"), ("[::1]:1", "[::1]:1")] {
        let run = Run::of(isolated("obssl", home.path()).args([
            "probe",
            "--address",
            given,
            "-t",
            "2",
            "-o",
            "jsonl",
        ]));
        let o: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
        assert_eq!(o["address"], shown, "{given}");
        assert_ne!(o["wire"]["unreached"]["stage"], "resolve", "{given}: {o}");
    }
}

/// A server that answers each phase just under `-t`: the greeting (offering TLS) after 2.5 s,
/// then, once the SSLRequest and the ClientHello came, 2.5 s of silence and a trickle of
/// bytes. Each phase alone fits in `-t 3`; the probe of the address must end within 3 s.
#[test]
fn probe_of_a_server_stalling_in_every_phase_ends_within_t() {
    let port = fake_mysql(|mut s| {
        std::thread::sleep(Duration::from_millis(2500));
        if s.write_all(&greeting(b"8.0.0-stall", 7, CAPS)).is_err() {
            return;
        }
        let mut buf = [0u8; 4096];
        let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
        let _ = s.read(&mut buf);
        std::thread::sleep(Duration::from_millis(2500));
        for _ in 0..100 {
            if s.write_all(&[0x16]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    });
    let started = std::time::Instant::now();
    let run = probe(port, &["--timeout", "3", "-o", "jsonl"]);
    let took = started.elapsed();
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    let o: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(o["wire"]["serverVersion"], "8.0.0-stall", "{o}");
    assert_eq!(o["verdict"][0], "unreachable", "{o}");
    assert_eq!(o["wire"]["unreached"]["stage"], "tls", "{o}");
    assert_eq!(
        o["wire"]["unreached"]["error"], "no answer in time (-t)",
        "{o}"
    );
    // The probe's own clock: the deadline of the whole address, not of each phase.
    let elapsed = o["wire"]["elapsedMs"].as_u64().unwrap();
    assert!(
        elapsed <= 4_000,
        "the probe took {elapsed} ms for -t 3: {o}"
    );
    eprintln!("probe of the stalling server at -t 3: {elapsed} ms in the probe, {took:?} in all");
}

/// Newline, CR and bidi controls a server sends (in its version string, in an ERR message)
/// stay escaped in every table: the block of one address and the rows of many; no line of
/// the server's making appears on its own.
#[test]
fn newlines_cr_and_bidi_from_the_server_stay_escaped_in_every_table() {
    let version = fake_mysql(|mut s| {
        let _ = s.write_all(&greeting(
            b"5.7\nFAKE LINE: OK - all fine\r\xe2\x80\xaeevil",
            7,
            NO_SSL,
        ));
        hold(s);
    });
    let err = fake_mysql(|mut s| {
        let mut e = vec![0xff, 0x10, 0x04];
        e.extend_from_slice(b"Too many\nFAKE LINE: OK - all fine\r\xe2\x80\xae");
        let _ = s.write_all(&packet(0, &e));
    });
    let forged = |text: &str| {
        text.lines()
            .any(|l| l.trim_start_matches(['│', ' ']).starts_with("FAKE LINE"))
    };
    for port in [version, err] {
        let run = probe(port, &[]);
        assert!(!forged(&run.stdout), "{}", run.stdout);
        assert!(
            run.stdout
                .contains("\\u{a}FAKE LINE: OK - all fine\\u{d}\\u{202e}"),
            "{}",
            run.stdout
        );
        assert!(!run.stdout.contains('\u{202e}') && !run.stdout.contains('\r'));
    }
    // Both at once: the table of many addresses.
    let home = home();
    let run = Run::of(isolated("obssl", home.path()).env("COLUMNS", "300").args([
        "probe",
        "--address",
        &format!("127.0.0.1:{version}"),
        "--address",
        &format!("127.0.0.1:{err}"),
        "-t",
        "2",
    ]));
    assert!(run.stdout.contains("2 addresses probed"), "{}", run.stdout);
    assert!(!forged(&run.stdout), "{}", run.stdout);
    assert!(!run.stdout.contains('\u{202e}') && !run.stdout.contains('\r'));
}

/// A TLS server (rustls, after the MySQL SSLRequest) whose certificate names a SAN holding a
/// newline and a CR: the SANs row and the name-mismatch finding keep them escaped.
#[test]
fn a_san_with_a_newline_stays_escaped() {
    use std::sync::Arc;
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::default();
    // A DNS name is IA5 (ASCII): newline and CR; the bidi override is the other tests'.
    params.subject_alt_names = vec![rcgen::SanType::DnsName(
        "db.example\nFAKE LINE: OK - all fine\rx"
            .try_into()
            .unwrap(),
    )];
    let cert = params.self_signed(&key).unwrap();
    let der = cert.der().clone();
    let key_der = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![der], key_der)
            .unwrap(),
    );
    let port = fake_mysql(move |mut s| {
        let _ = s.write_all(&greeting(b"8.0.0-tls", 7, CAPS));
        let mut request = [0u8; 36];
        if s.read_exact(&mut request).is_err() {
            return;
        }
        let Ok(mut conn) = rustls::ServerConnection::new(config.clone()) else {
            return;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        while conn.is_handshaking() {
            if conn.complete_io(&mut s).is_err() {
                return;
            }
        }
        hold(s);
    });
    let run = probe(port, &[]);
    assert!(
        run.stdout
            .contains("DNS:db.example\\u{a}FAKE LINE: OK - all fine\\u{d}"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("CRITICAL name-mismatch"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout
            .lines()
            .any(|l| l.trim_start_matches(['│', ' ']).starts_with("FAKE LINE")),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains('\r') && !run.stdout.contains('\u{202e}'));

    // The block fits COLUMNS=60: labels whole, "(in N days)" and the address never broken.
    let run = Run::of(isolated("obssl", home().path()).env("COLUMNS", "60").args([
        "probe",
        "--address",
        &format!("127.0.0.1:{port}"),
        "-t",
        "2",
    ]));
    for line in run.stdout.lines() {
        assert!(line.chars().count() <= 60, "wider than 60:\n{}", run.stdout);
    }
    for whole in ["│ Chain trusted ", "│ Name matches ", "│ Not after "] {
        assert!(run.stdout.contains(whole), "{whole}:\n{}", run.stdout);
    }
    let days = in_days_whole(&run.stdout);
    assert!(days, "(in N days) broken:\n{}", run.stdout);
}

/// Whether "(in N days)" (or hours) stands whole on one line.
fn in_days_whole(text: &str) -> bool {
    text.lines().any(|l| {
        l.split("(in ")
            .nth(1)
            .is_some_and(|rest| rest.contains(" days)") || rest.contains(" day)"))
    })
}
