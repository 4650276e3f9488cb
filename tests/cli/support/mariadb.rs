//! Real MariaDB servers (`mariadbd`), started once (in parallel) on 127.0.0.1 in temporary
//! data directories, with certificates made here (rcgen), shared by every test that needs
//! them (`probe_mariadb`, `check_wire`, `secrets`); see `probe_mariadb`'s documentation for
//! the four servers. Without MariaDB [`servers`] says the test was skipped and how to
//! install it; with `OBSSL_REQUIRE_MARIADB=1` (set by `.ci/run`) that is a failure.

use std::io::{Read, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The password of the `probe` user (distinctive: finding it in output is a leak).
pub const DB_PASSWORD: &str = "pw-LEAKCHECK-db-5e1f0a";
/// The instance whose caUrl serves the CA that signed the servers' leaves.
pub const INSTANCE: &str = "obcluster-ca-expiring";

const EXPIRING_KEY: &[u8] = include_bytes!("../../../crates/obssl-mock/src/ca/expiring-ca-key.pk8");
const EXPIRING_TEMPLATE: &[u8] =
    include_bytes!("../../../crates/obssl-mock/src/ca/expiring-ca-template.der");

/// The MariaDB binaries found on this machine.
struct Install {
    server: PathBuf,
    install_db: PathBuf,
}

fn find_install() -> Option<Install> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    dirs.extend(["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"].map(PathBuf::from));
    let find = |names: &[&str]| {
        dirs.iter()
            .flat_map(|d| names.iter().map(move |n| d.join(n)))
            .find(|p| p.is_file())
    };
    Some(Install {
        server: find(&["mariadbd", "mysqld"])?,
        install_db: find(&["mariadb-install-db", "mysql_install_db"])?,
    })
}

/// The running servers, or `None` (after saying why) when MariaDB is missing.
pub struct Servers {
    /// The shell that started the servers and stops them when this process ends.
    _watchdog: Mutex<std::process::Child>,
    pub good: u16,
    pub strict: u16,
    pub expired: u16,
    pub plain: u16,
}

pub fn servers(test: &str) -> Option<&'static Servers> {
    static SERVERS: OnceLock<Option<Servers>> = OnceLock::new();
    let servers = SERVERS.get_or_init(|| find_install().map(|install| start_all(&install)));
    if servers.is_none() {
        if std::env::var("OBSSL_REQUIRE_MARIADB").is_ok_and(|v| v == "1") {
            panic!("OBSSL_REQUIRE_MARIADB=1 but MariaDB (mariadbd and mariadb-install-db) was not found");
        }
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: MariaDB was not found. Install it (Debian: apt-get install \
             mariadb-server) and run `OBSSL_REQUIRE_MARIADB=1 cargo test probe_mariadb` \
             (as .ci/run does)."
        );
    }
    servers.as_ref()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The certificates of the servers, written to `dir`: the leaf signed by the
/// mock's expiring CA (valid as long as the instance's validPeriod says, 200
/// days), and an expired one.
fn write_certificates(dir: &Path) {
    use rcgen::{CertificateParams, DnType, DnValue, Issuer, KeyPair, SanType};
    let ca_key = KeyPair::try_from(EXPIRING_KEY).expect("the test CA key");
    // The CA's name as its template encodes it (webpki compares names byte for byte).
    let mut ca = CertificateParams::default();
    ca.distinguished_name = rcgen::DistinguishedName::new();
    ca.distinguished_name.push(
        DnType::CountryName,
        DnValue::PrintableString("CN".try_into().unwrap()),
    );
    ca.distinguished_name.push(
        DnType::OrganizationName,
        DnValue::Utf8String("obssl test".into()),
    );
    ca.distinguished_name.push(
        DnType::CommonName,
        DnValue::Utf8String("obssl-mock Expiring Root CA".into()),
    );
    assert!(
        EXPIRING_TEMPLATE
            .windows(27)
            .any(|w| w == b"obssl-mock Expiring Root CA"),
        "the template names the CA"
    );
    let issuer = Issuer::new(ca, ca_key);
    // rcgen takes `time` dates: midnight of today (UTC, from jiff) plus the seconds since.
    let today = jiff::tz::TimeZone::UTC.to_datetime(jiff::Timestamp::now());
    let midnight = rcgen::date_time_ymd(
        today.year().into(),
        today.month().try_into().unwrap(),
        today.day().try_into().unwrap(),
    );
    let since_midnight = today.time().duration_since(jiff::civil::Time::midnight());
    let now = midnight + Duration::from_secs(since_midnight.as_secs() as u64);
    let hours = |h: i64| Duration::from_secs(h.unsigned_abs() * 3600);
    let leaf = |name: &str, from_hours: i64, until_hours: i64| {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, "obssl wire test");
        params.subject_alt_names = vec![SanType::IpAddress([127, 0, 0, 1].into())];
        params.use_authority_key_identifier_extension = false;
        let at = |h: i64| {
            if h < 0 {
                now - hours(h)
            } else {
                now + hours(h)
            }
        };
        params.not_before = at(from_hours);
        params.not_after = at(until_hours);
        let cert = params.signed_by(&key, &issuer).unwrap();
        std::fs::write(dir.join(format!("{name}.pem")), cert.pem()).unwrap();
        std::fs::write(dir.join(format!("{name}.key")), key.serialize_pem()).unwrap();
    };
    leaf("good", -24, 200 * 24);
    leaf("expired", -30 * 24, -12);
}

/// Installs one data directory, copies it for each server, starts the four
/// servers at once and waits until each sends its handshake.
fn start_all(install: &Install) -> Servers {
    let root = tempfile::Builder::new()
        .prefix("obssl-mariadb-")
        .tempdir()
        .unwrap()
        .keep();
    write_certificates(&root);
    std::fs::write(
        root.join("init.sql"),
        format!(
            "CREATE USER IF NOT EXISTS 'probe'@'127.0.0.1' IDENTIFIED BY '{DB_PASSWORD}';\n\
             CREATE USER IF NOT EXISTS 'probe'@'localhost' IDENTIFIED BY '{DB_PASSWORD}';\n"
        ),
    )
    .unwrap();
    let base = root.join("base");
    let mut cmd = Command::new(&install.install_db);
    cmd.arg("--no-defaults")
        .arg(format!("--datadir={}", base.display()))
        .arg("--auth-root-authentication-method=normal")
        .arg("--skip-test-db")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if is_root() {
        cmd.arg("--user=root");
    }
    let out = cmd.output().expect("mariadb-install-db runs");
    assert!(
        out.status.success(),
        "mariadb-install-db failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let quote = |arg: &str| format!("'{}'", arg.replace('\'', "'\\''"));
    let mut script = String::from("#!/bin/sh\n");
    let mut start = |name: &str, extra: &[String]| {
        let data = root.join(name);
        let status = Command::new("cp")
            .arg("-a")
            .arg(&base)
            .arg(&data)
            .status()
            .unwrap();
        assert!(status.success());
        let port = free_port();
        let mut args = vec![
            install.server.display().to_string(),
            "--no-defaults".to_string(),
            format!("--datadir={}", data.display()),
            format!("--socket={}", root.join(format!("{name}.sock")).display()),
            format!("--pid-file={}", root.join(format!("{name}.pid")).display()),
            format!("--port={port}"),
            "--bind-address=127.0.0.1".into(),
            "--skip-name-resolve".into(),
            "--innodb-buffer-pool-size=16M".into(),
            "--performance-schema=OFF".into(),
            format!("--init-file={}", root.join("init.sql").display()),
            format!("--log-error={}", root.join(format!("{name}.err")).display()),
        ];
        if is_root() {
            args.push("--user=root".into());
        }
        args.extend_from_slice(extra);
        let line: Vec<String> = args.iter().map(|a| quote(a)).collect();
        script.push_str(&format!(
            "{} >/dev/null 2>&1 &\npids=\"$pids $!\"\n",
            line.join(" ")
        ));
        (name.to_string(), port)
    };
    let tls = |leaf: &str| {
        vec![
            format!("--ssl-cert={}", root.join(format!("{leaf}.pem")).display()),
            format!("--ssl-key={}", root.join(format!("{leaf}.key")).display()),
        ]
    };
    let good = start("good", &tls("good"));
    let mut strict_args = tls("good");
    strict_args.push("--require-secure-transport=ON".into());
    let strict = start("strict", &strict_args);
    let expired = start("expired", &tls("expired"));
    let plain = start("plain", &[]);
    // A watchdog stops the servers and removes their files once this test
    // process is gone: the servers outlive every single test.
    script.push_str(&format!(
        "while kill -0 {} 2>/dev/null; do sleep 0.3; done\nkill $pids 2>/dev/null\nwait\nrm -rf {}\n",
        std::process::id(),
        quote(&root.display().to_string())
    ));
    std::fs::write(root.join("run.sh"), &script).unwrap();
    let watchdog = Command::new("sh")
        .arg(root.join("run.sh"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the MariaDB servers start");
    for (name, port) in [&good, &strict, &expired, &plain] {
        wait_for_handshake(*port, &root.join(format!("{name}.err")));
    }
    Servers {
        _watchdog: Mutex::new(watchdog),
        good: good.1,
        strict: strict.1,
        expired: expired.1,
        plain: plain.1,
    }
}

/// Waits (up to 60 s) until the server at `port` sends a handshake.
fn wait_for_handshake(port: u16, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut first = [0u8; 5];
            if s.read_exact(&mut first).is_ok() && first[4] == 10 {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "mariadbd on port {port} did not answer within 60 s; its log:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}
