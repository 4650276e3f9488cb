//! Prometheus text read back with a real parser, and the Prometheus programs the tests
//! run (found on PATH, or the test skipped unless `OBSSL_REQUIRE_PROMETHEUS=1`).

use prometheus_parse::Scrape;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Parses Prometheus text; every sample's family must have HELP and TYPE.
pub fn parse_prometheus(text: &str) -> Scrape {
    for line in text.lines() {
        assert!(!line.trim().is_empty(), "no blank lines:\n{text}");
    }
    let scrape = Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("parses");
    for sample in &scrape.samples {
        assert!(
            scrape.docs.contains_key(&sample.metric),
            "HELP for {}",
            sample.metric
        );
        assert!(
            text.contains(&format!("# TYPE {} gauge\n", sample.metric)),
            "TYPE for {}",
            sample.metric
        );
    }
    scrape
}

/// The program `name`, from PATH or /usr/bin, or `None` after saying on the
/// real stderr that `test` is skipped (a failure with OBSSL_REQUIRE_PROMETHEUS=1).
pub fn require(name: &str, test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/local/bin")])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    if found.is_some() {
        return found;
    }
    if std::env::var("OBSSL_REQUIRE_PROMETHEUS").is_ok_and(|v| v == "1") {
        panic!("OBSSL_REQUIRE_PROMETHEUS=1 but {name} was not found");
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {name} was not found. Install it (Debian: apt-get install prometheus \
         prometheus-node-exporter) and run `OBSSL_REQUIRE_PROMETHEUS=1 cargo test prometheus_real` \
         (as .ci/run does)."
    );
    None
}

/// `promtool check metrics` over `text` on stdin: what it said, empty when clean.
pub fn promtool_check_metrics(promtool: &Path, text: &str) -> (bool, String) {
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}
