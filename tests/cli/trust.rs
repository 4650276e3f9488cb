//! The roots obssl trusts: the operating system's store, `SSL_CERT_FILE` /
//! `SSL_CERT_DIR` as curl and openssl read them, `--ca-bundle` on top, and
//! what `-v` says about them.

use crate::support::tls::{tls_dir, tls_server};
use crate::support::{isolated, Run, ACCESS_KEY_ID, SECRET};

/// `obssl get obxxx --field status` against the local HTTPS server, with `env` added.
fn get_over_tls(env: &[(&str, &std::ffi::OsStr)], extra: &[&str]) -> Run {
    let port = tls_server();
    let home = tempfile::tempdir().unwrap();
    let mut cmd = isolated("obssl", home.path());
    cmd.env("OBSSL_ENDPOINT", format!("https://127.0.0.1:{port}"))
        .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("OBSSL_ACCESS_KEY_SECRET", SECRET)
        .args(["get", "obxxx", "--field", "status", "--retries", "0", "-v"])
        .args(extra);
    for (name, value) in env {
        cmd.env(name, value);
    }
    Run::of(&mut cmd)
}

#[test]
fn ssl_cert_file_names_the_roots_to_trust_and_v_says_so() {
    let ca = tls_dir().join("ca.pem");
    let r = get_over_tls(&[("SSL_CERT_FILE", ca.as_os_str())], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "OPEN\n");
    assert!(
        r.stderr.contains(&format!(
            "* TLS roots: 1 from SSL_CERT_FILE={}",
            ca.display()
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn ssl_cert_dir_names_a_directory_of_roots() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(tls_dir().join("ca.pem"), dir.path().join("corp.pem")).unwrap();
    let r = get_over_tls(&[("SSL_CERT_DIR", dir.path().as_os_str())], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("from SSL_CERT_DIR="), "{}", r.stderr);
}

#[test]
fn without_the_ca_in_the_trusted_roots_the_server_is_refused_and_ca_bundle_still_adds_it() {
    // An SSL_CERT_FILE without the test CA (an empty file: the bundled roots
    // stand in) does not trust the server...
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    let r = get_over_tls(&[("SSL_CERT_FILE", empty.as_os_str())], &[]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr.contains("bundled Mozilla roots (SSL_CERT_FILE="),
        "{}",
        r.stderr
    );
    // ...and --ca-bundle adds the CA on top of those roots.
    let ca = tls_dir().join("ca.pem");
    let r = get_over_tls(
        &[("SSL_CERT_FILE", empty.as_os_str())],
        &["--ca-bundle", ca.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("plus 1 from --ca-bundle"), "{}", r.stderr);
}

#[test]
fn an_unreadable_ssl_cert_file_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let r = get_over_tls(&[("SSL_CERT_FILE", missing.as_os_str())], &[]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: cannot use the CA certificates of SSL_CERT_FILE="),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("missing.pem"), "{}", r.stderr);
}
