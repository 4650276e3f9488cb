//! Helpers shared by every area of the integration tests: isolated commands,
//! their output, an in-process mock API, and what must never leak.

pub mod exporter;
pub mod mariadb;
pub mod mysql;
pub mod prometheus;
pub mod pty;
pub mod tls;
pub mod web;

use assert_cmd::Command;
use obssl_mock::{MockConfig, MockServer};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A secret distinctive enough that finding it anywhere in output is a leak.
pub const SECRET: &str = "sk-LEAKCHECK-7f3a9c1e5b2d4f60";
pub const ACCESS_KEY_ID: &str = "ak-test-0001";

/// A command for one of this package's binaries with a clean environment:
/// only PATH is kept, HOME and the config and cache dirs point at `home`, and no proxy
/// or OBSSL_* variable leaks in from the developer's shell.
pub fn isolated(bin: &str, home: &Path) -> Command {
    let path = match bin {
        "obssl" => Path::new(env!("CARGO_BIN_EXE_obssl")),
        "obssl-mock" => mock_bin(),
        other => panic!("unknown binary {other}"),
    };
    let mut cmd = Command::new(path);
    cmd.env_clear()
        .envs(isolated_env(home))
        .timeout(Duration::from_secs(60));
    cmd
}

/// The `obssl-mock` binary. It belongs to the workspace's other package
/// (crates/obssl-mock), for which Cargo sets no `CARGO_BIN_EXE_*`, so it is built
/// once per test run by the cargo that runs the tests, into this build's target
/// directory and profile (next to `obssl`): never a stale one, also under
/// `cargo test --test cli`.
pub fn mock_bin() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let obssl = Path::new(env!("CARGO_BIN_EXE_obssl"));
        let profile_dir = obssl.parent().unwrap();
        let profile = match profile_dir.file_name().unwrap().to_str().unwrap() {
            "debug" => "dev",
            other => other,
        };
        // target/<profile>, or target/<triple>/<profile> under `--target`.
        let mut target_dir = profile_dir.parent().unwrap();
        let mut triple = None;
        if !target_dir.join("CACHEDIR.TAG").exists() {
            if let Some(above) = target_dir.parent() {
                if above.join("CACHEDIR.TAG").exists() {
                    triple = target_dir.file_name();
                    target_dir = above;
                }
            }
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = std::process::Command::new(cargo);
        build
            .args(["build", "--quiet", "--bin"])
            .arg("obssl-mock")
            .arg("--manifest-path")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .arg("--profile")
            .arg(profile)
            .arg("--target-dir")
            .arg(target_dir);
        if let Some(triple) = triple {
            build.arg("--target").arg(triple);
        }
        let out = build.output().expect("cargo runs");
        assert!(
            out.status.success(),
            "building obssl-mock failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mock = profile_dir.join(format!("obssl-mock{}", std::env::consts::EXE_SUFFIX));
        assert!(mock.is_file(), "{} was not built", mock.display());
        mock
    })
}

/// The whole environment of [`isolated`], for commands built some other way (a
/// shell pipeline, a child whose pipes the test holds): set it after `env_clear()`.
pub fn isolated_env(home: &Path) -> Vec<(&'static str, OsString)> {
    vec![
        ("PATH", std::env::var_os("PATH").unwrap_or_default()),
        ("HOME", home.into()),
        ("XDG_CONFIG_HOME", home.join(".config").into()),
        // The nonce cache stays in the test's home, never the developer's.
        ("XDG_CACHE_HOME", home.join(".cache").into()),
        ("NO_COLOR", "1".into()),
        // No session bus (hence no OS credential store) unless a test starts one:
        // never the developer's keyring at $XDG_RUNTIME_DIR/bus.
        ("XDG_RUNTIME_DIR", home.into()),
    ]
}

/// The variables that point `obssl` at `mock` with the right credentials.
pub fn mock_env(mock: &MockServer) -> [(&'static str, String); 3] {
    [
        ("OBSSL_ENDPOINT", mock.base_url()),
        ("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID.into()),
        ("OBSSL_ACCESS_KEY_SECRET", SECRET.into()),
    ]
}

/// A port with nothing listening (bound, then let go).
pub fn refused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A fresh, empty directory to serve as HOME.
pub fn home() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// The stdout of a finished command, as UTF-8.
pub fn stdout_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

/// The stderr of a finished command, as UTF-8.
pub fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

/// What a user sees of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl Run {
    /// Runs `cmd` to the end.
    pub fn of(cmd: &mut Command) -> Run {
        let started = Instant::now();
        let out = cmd.output().expect("the command runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            took: started.elapsed(),
        }
    }
}

/// Stops `mock` on another thread: stopping waits for the answers in flight,
/// and a test that is done with a mock still sleeping out its latency (for a
/// request the client gave up on) need not wait for them.
pub fn stop_in_background(mock: MockServer) {
    std::thread::spawn(move || mock.stop());
}

/// A mock API with the test credentials.
pub fn start_mock(config: MockConfig) -> MockServer {
    MockServer::start(MockConfig {
        access_key_id: ACCESS_KEY_ID.into(),
        access_key_secret: SECRET.into(),
        ..config
    })
    .expect("mock server starts")
}

/// `obssl` pointed at `mock` with the right credentials.
pub fn obssl_for(mock: &MockServer, home: &Path) -> Command {
    let mut cmd = isolated("obssl", home);
    cmd.envs(mock_env(mock));
    cmd
}

/// The ids of the mock's first `n` generated instances (`MockConfig::generated_instances`).
pub fn generated(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("obcluster-gen-{i:04}")).collect()
}

/// Asserts that neither the secret nor any digest `response=` value of the
/// requests `mock` saw appears in `text`.
pub fn assert_no_secret(text: &str, mock: Option<&MockServer>) {
    assert!(
        !text.contains(SECRET),
        "the secret leaked into output:\n{text}"
    );
    if let Some(mock) = mock {
        for req in mock.requests() {
            if let Some(auth) = &req.authorization {
                if let Some(resp) = digest_param(auth, "response") {
                    assert!(
                        !text.contains(&resp),
                        "a digest response value leaked into output:\n{text}"
                    );
                }
            }
        }
    }
}

/// The value of one parameter of a Digest `Authorization` header.
pub fn digest_param(header: &str, name: &str) -> Option<String> {
    let rest = header.trim_start_matches("Digest").trim();
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        if k.trim().eq_ignore_ascii_case(name) {
            return Some(v.trim().trim_matches('"').to_string());
        }
    }
    None
}

/// The `data` object of the API reference's documented example answer, written
/// out from the reference itself (not taken from the mock's fixture), so that
/// tests compare the mock and obssl against the document.
pub fn reference_example() -> serde_json::Value {
    serde_json::json!({
        "autoUpdate": "OPEN",
        "caUrl": "https://oceanbase-aliyun-docs.oss-cn-hangzhou.aliyuncs.com/mc_certification/OceanBase-CA.zip",
        "certValid": true,
        "certificationType": "SSL",
        "enableSSL": "OPEN",
        "forceSSL": "CLOSE",
        "forceSSLSupport": true,
        "instanceId": "obxxx",
        "status": "OPEN",
        "validPeriod": "2026-12-10T04:11:13Z"
    })
}

/// The ids `GET /api/v2/instances` lists: every fixture but the error ones and `obxxx`.
pub fn listed(mock: &MockServer) -> Vec<String> {
    mock.listed_ids()
}
