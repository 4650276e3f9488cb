//! obssl against a real, independent digest server: Apache httpd with
//! `mod_auth_digest`, started on loopback from a ServerRoot in a temporary
//! directory, serving static JSON answers. `curl --digest` against the same
//! server is the control.
//!
//! Apache is found as `apache2` (Debian) or `httpd` on PATH or in /usr/sbin.
//! Without it these tests print that they were skipped (to the real stderr,
//! past libtest's capture) and how to run them; with `OBSSL_REQUIRE_APACHE=1`
//! (set by `.ci/run`) a missing Apache is a failure.

use std::fmt::Write as _;
use std::io::Write as _;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const USER: &str = "ak-apache-0001";
const SECRET: &str = "sk-APACHE-3b9e1d7c55aa";
const REALM: &str = "OceanBase Cloud API";
/// Instances served; the issue asks for 30 or more.
const INSTANCES: usize = 32;

/// A running Apache httpd; stopped (SIGTERM, then waited for) when dropped.
pub struct Apache {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

/// The installed Apache: its binary and its modules directory.
struct Install {
    binary: PathBuf,
    modules: PathBuf,
}

fn find_install() -> Option<Install> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    dirs.extend(["/usr/sbin", "/usr/local/sbin", "/usr/local/apache2/bin"].map(PathBuf::from));
    let binary = dirs
        .iter()
        .flat_map(|d| [d.join("apache2"), d.join("httpd")])
        .find(|p| p.is_file())?;
    let modules = [
        "/usr/lib/apache2/modules",
        "/usr/lib64/httpd/modules",
        "/usr/lib/httpd/modules",
        "/usr/local/apache2/modules",
    ]
    .map(PathBuf::from)
    .into_iter()
    .find(|d| d.join("mod_auth_digest.so").is_file())?;
    Some(Install { binary, modules })
}

/// The installed Apache, or `None` after saying on the real stderr that the
/// test is skipped and how to run it. With `OBSSL_REQUIRE_APACHE=1`, a
/// missing Apache fails the test instead.
fn require_install(test: &str) -> Option<Install> {
    if let Some(install) = find_install() {
        return Some(install);
    }
    if std::env::var("OBSSL_REQUIRE_APACHE").is_ok_and(|v| v == "1") {
        panic!("OBSSL_REQUIRE_APACHE=1 but no Apache httpd (apache2 or httpd with mod_auth_digest) was found");
    }
    // Written to the process's stderr directly: libtest captures only the print macros.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: Apache httpd was not found. Install it (Debian: apt-get install apache2) \
         and run `OBSSL_REQUIRE_APACHE=1 cargo test apache` (as .ci/run does)."
    );
    None
}

/// The ids served: `obapache-01` …
pub fn instance_ids() -> Vec<String> {
    (1..=INSTANCES)
        .map(|i| format!("obapache-{i:02}"))
        .collect()
}

impl Apache {
    /// Starts Apache with `directives` added to the digest-protected
    /// `<Location />` (e.g. `AuthDigestNcCheck On`). `None`: not installed (skipped).
    pub fn start(test: &str, directives: &str) -> Option<Apache> {
        Apache::start_with(test, "", directives, None)
    }

    /// [`Apache::start`] with `server` directives at the top level of the
    /// configuration (e.g. `AuthDigestShmemSize`).
    pub fn start_tuned(test: &str, server: &str, directives: &str) -> Option<Apache> {
        Apache::start_with(test, server, directives, None)
    }

    /// [`Apache::start`], with every status answer made by a CGI script that
    /// first sleeps `delay` (a `sleep` argument such as `0.05`), so that a run
    /// lasts long enough for short-lived nonces to expire within it.
    pub fn start_slow(test: &str, directives: &str, delay: &str) -> Option<Apache> {
        Apache::start_with(test, "", directives, Some(delay))
    }

    fn start_with(
        test: &str,
        server: &str,
        directives: &str,
        delay: Option<&str>,
    ) -> Option<Apache> {
        let install = require_install(test)?;
        let dir = tempfile::tempdir().expect("temp dir");
        write_site(dir.path());
        let port = free_port();
        let mut directives = directives.to_string();
        if let Some(delay) = delay {
            write_cgi(dir.path(), delay);
            let r = dir.path().display();
            let m = install.modules.display();
            directives = format!(
                "{directives}\n</Location>\n\
                 <IfModule !cgid_module>\nLoadModule cgid_module {m}/mod_cgid.so\n</IfModule>\n\
                 ScriptSock {r}/run/cgid.sock\n\
                 ScriptAliasMatch \"^/api/v2/instances/([^/]+)/security/ssl$\" \"{r}/cgi/ssl.sh\"\n\
                 <Location \"/\">"
            );
        }
        let conf = config(dir.path(), &install.modules, port, server, &directives);
        let conf_path = dir.path().join("httpd.conf");
        std::fs::write(&conf_path, conf).expect("write httpd.conf");
        let child = Command::new(&install.binary)
            .arg("-f")
            .arg(&conf_path)
            .args(["-D", "FOREGROUND"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("apache starts");
        let mut apache = Apache { child, dir, port };
        apache.wait_until_listening();
        Some(apache)
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "apache exited ({status}) before listening; its error log:\n{}",
                    self.error_log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "apache did not listen within 20 s; its error log:\n{}",
                self.error_log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("logs/error.log")).unwrap_or_default()
    }

    fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("logs/access.log")).unwrap_or_default()
    }

    /// Empties the access log (Apache appends, so it keeps writing at the new end).
    pub fn reset_requests(&self) {
        std::fs::write(self.dir.path().join("logs/access.log"), "").expect("truncate access log");
    }

    /// The requests logged since the last reset, as `STATUS METHOD TARGET`
    /// lines. Apache logs a request after answering it, so this waits until
    /// the log stops growing.
    pub fn requests(&self) -> Vec<String> {
        let mut last = self.access_log();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            std::thread::sleep(Duration::from_millis(50));
            let now = self.access_log();
            if now == last || Instant::now() > deadline {
                return now.lines().map(str::to_string).collect();
            }
            last = now;
        }
    }

    /// `obssl` pointed at this server with its credentials, in an empty HOME.
    pub fn obssl(&self, home: &Path) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_obssl"));
        cmd.env_clear()
            .envs(crate::support::isolated_env(home))
            .env("OBSSL_ENDPOINT", self.base_url())
            .env("OBSSL_ACCESS_KEY_ID", USER)
            .env("OBSSL_ACCESS_KEY_SECRET", SECRET);
        cmd
    }
}

impl Drop for Apache {
    fn drop(&mut self) {
        // SIGTERM lets the parent stop its children; SIGKILL would orphan them.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// The document root: one static answer per instance at the API's path, and
/// the instance list (one page holds them all).
fn write_site(root: &Path) {
    let docs = root.join("docroot");
    for id in instance_ids() {
        let dir = docs.join(format!("api/v2/instances/{id}/security"));
        std::fs::create_dir_all(&dir).expect("docroot");
        let answer = serde_json::json!({
            "success": true,
            "requestId": "apache-static",
            "data": {
                "instanceId": id,
                "enableSSL": "OPEN",
                "forceSSL": "OPEN",
                "forceSSLSupport": true,
                "certValid": true,
                "validPeriod": "2031-06-01T00:00:00Z",
                "autoUpdate": "OPEN",
                "certificationType": "SSL",
                "status": "OPEN",
                "caUrl": null
            }
        });
        std::fs::write(dir.join("ssl"), answer.to_string()).expect("answer");
    }
    let list: Vec<_> = instance_ids()
        .into_iter()
        .map(|id| serde_json::json!({"instanceId": id}))
        .collect();
    let page = serde_json::json!({
        "success": true,
        "data": {"total": INSTANCES, "dataList": list}
    });
    std::fs::write(docs.join("list-page-1.json"), page.to_string()).expect("list");
    let ha1 = format!("{:x}", md5::Md5::digest(format!("{USER}:{REALM}:{SECRET}")));
    std::fs::write(root.join("htdigest"), format!("{USER}:{REALM}:{ha1}\n")).expect("htdigest");
    std::fs::create_dir_all(root.join("logs")).expect("logs");
    std::fs::create_dir_all(root.join("run")).expect("run");
    // Apache started as root serves as www-data, which must read the site.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut stack = vec![root.to_path_buf()];
        while let Some(p) = stack.pop() {
            let mode = if p.is_dir() { 0o755 } else { 0o644 };
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
            if p.is_dir() {
                stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            }
        }
    }
}

use md5::Digest as _;

/// The CGI script of [`Apache::start_slow`]: sleeps, then answers with the static file.
fn write_cgi(root: &Path, delay: &str) {
    let cgi = root.join("cgi");
    std::fs::create_dir_all(&cgi).expect("cgi dir");
    let script = format!(
        "#!/bin/sh\nsleep {delay}\n\
         id=$(printf '%s' \"$REQUEST_URI\" | sed -n 's|^/api/v2/instances/\\([^/?]*\\)/security/ssl.*|\\1|p')\n\
         printf 'Content-Type: application/json\\r\\n\\r\\n'\n\
         cat \"{}/docroot/api/v2/instances/$id/security/ssl\"\n",
        root.display()
    );
    std::fs::write(cgi.join("ssl.sh"), script).expect("cgi script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(cgi.join("ssl.sh"), std::fs::Permissions::from_mode(0o755))
            .expect("chmod cgi");
    }
}

fn config(root: &Path, modules: &Path, port: u16, server: &str, directives: &str) -> String {
    let r = root.display();
    let m = modules.display();
    let mut c = String::new();
    let _ = writeln!(
        c,
        "ServerRoot {r}\nServerName 127.0.0.1\nListen 127.0.0.1:{port}"
    );
    let _ = writeln!(
        c,
        "PidFile {r}/run/httpd.pid\nErrorLog {r}/logs/error.log\nLogLevel warn"
    );
    let _ = writeln!(c, "Mutex file:{r}/run default");
    for (name, file) in [
        ("mpm_event_module", "mod_mpm_event.so"),
        ("authn_core_module", "mod_authn_core.so"),
        ("authn_file_module", "mod_authn_file.so"),
        ("authz_core_module", "mod_authz_core.so"),
        ("authz_user_module", "mod_authz_user.so"),
        ("auth_digest_module", "mod_auth_digest.so"),
        ("mime_module", "mod_mime.so"),
        ("rewrite_module", "mod_rewrite.so"),
        ("alias_module", "mod_alias.so"),
        ("log_config_module", "mod_log_config.so"),
        ("unixd_module", "mod_unixd.so"),
    ] {
        // Some builds compile these in (Debian: log_config, unixd).
        if modules.join(file).is_file() {
            let _ = writeln!(
                c,
                "<IfModule !{name}>\nLoadModule {name} {m}/{file}\n</IfModule>"
            );
        }
    }
    let _ = writeln!(c, "{server}");
    if is_root() {
        let _ = writeln!(c, "User www-data\nGroup www-data");
    }
    let _ = writeln!(
        c,
        "TypesConfig /dev/null\nDocumentRoot {r}/docroot\n\
         LogFormat \"%>s %m %U%q\" short\nCustomLog {r}/logs/access.log short\n\
         RewriteEngine On\n\
         RewriteCond %{{QUERY_STRING}} (^|&)pageNumber=1(&|$)\n\
         RewriteRule ^/api/v2/instances$ /list-page-1.json [PT]\n\
         <Location \"/\">\n\
         AuthType Digest\n\
         AuthName \"{REALM}\"\n\
         AuthDigestDomain /\n\
         AuthDigestProvider file\n\
         AuthUserFile {r}/htdigest\n\
         Require valid-user\n\
         ForceType application/json\n\
         {directives}\n\
         </Location>"
    );
    c
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// What one obssl run did: its output and the requests Apache logged.
struct Run {
    output: Output,
    requests: Vec<String>,
}

fn run(apache: &Apache, args: &[&str], stdin: Option<String>) -> Run {
    let home = tempfile::tempdir().expect("home");
    apache.reset_requests();
    let mut cmd = apache.obssl(home.path());
    cmd.args(args);
    let output = match stdin {
        None => cmd.stdin(Stdio::null()).output().expect("obssl runs"),
        Some(text) => {
            let mut child = cmd
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("obssl runs");
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
            child.wait_with_output().expect("obssl ends")
        }
    };
    Run {
        output,
        requests: apache.requests(),
    }
}

/// Runs a fleet of every instance at each `--jobs`, by `--all` and by ids on
/// stdin, and asserts: exit 0, every instance answered, and at most `budget(jobs)`
/// requests (the list page and its handshake included).
fn fleet_at_every_jobs(
    apache: &Apache,
    mode: &str,
    every_jobs: &[usize],
    budget: impl Fn(usize) -> usize,
) {
    let ids = instance_ids();
    let mut report = String::new();
    for &jobs in every_jobs {
        let jobs_text = jobs.to_string();
        for (how, args, stdin) in [
            (
                "--all",
                vec!["get", "--all", "-o", "jsonl", "--jobs", &jobs_text],
                None,
            ),
            (
                "ids",
                vec!["get", "--file", "-", "-o", "jsonl", "--jobs", &jobs_text],
                Some(ids.join("\n")),
            ),
        ] {
            let started = std::time::Instant::now();
            let run = run(apache, &args, stdin);
            let took = started.elapsed();
            let stdout = String::from_utf8_lossy(&run.output.stdout);
            let stderr = String::from_utf8_lossy(&run.output.stderr);
            let answered: Vec<&str> = stdout.lines().collect();
            let failed = stderr.lines().filter(|l| l.starts_with("error:")).count();
            let _ = writeln!(
                report,
                "{mode} --jobs {jobs} {how}: exit {:?}, {} answered, {failed} error lines, {} requests, {} ms",
                run.output.status.code(),
                answered.len(),
                run.requests.len(),
                took.as_millis()
            );
            assert!(
                run.output.status.success() && failed == 0,
                "{mode} --jobs {jobs} {how}: obssl failed\nstderr:\n{stderr}\napache errors:\n{}",
                tail(&apache.error_log(), 20)
            );
            assert_eq!(answered.len(), ids.len(), "{mode} --jobs {jobs} {how}");
            for (line, id) in answered.iter().zip(&ids) {
                assert!(line.contains(&format!("\"{id}\"")), "order: {line} vs {id}");
            }
            let limit = budget(jobs) + usize::from(how == "--all") * 2;
            assert!(
                run.requests.len() <= limit,
                "{mode} --jobs {jobs} {how}: {} requests, budget {limit}:\n{}",
                run.requests.len(),
                run.requests.join("\n")
            );
        }
    }
    // Shown with --nocapture; the closing note of the issue quotes these.
    print!("{report}");
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn curl_control(apache: &Apache) {
    let url = format!(
        "{}/api/v2/instances/obapache-01/security/ssl?requestId=curl-control",
        apache.base_url()
    );
    let out = Command::new("curl")
        .args([
            "-sS",
            "--digest",
            "-u",
            &format!("{USER}:{SECRET}"),
            "-w",
            "\n%{http_code}",
            &url,
        ])
        .output()
        .expect("curl runs (the control needs curl)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.ends_with("\n200"),
        "curl --digest against apache: {text}"
    );
}

/// `AuthDigestNcCheck On` with Apache's default client table
/// (`AuthDigestShmemSize` 1000 bytes, about a dozen clients: Apache ties
/// nonce counts to the `opaque` of each client it has challenged). Up to
/// --jobs 8 every worker's challenge fits; at 16 Apache forgets challenges
/// as soon as it gives them, and obssl lowers the requests in flight
/// instead of failing (more requests, still no failed instance).
#[test]
fn apache_nc_check_on_every_jobs() {
    let Some(apache) = Apache::start("apache_nc_check_on_every_jobs", "AuthDigestNcCheck On")
    else {
        return;
    };
    curl_control(&apache);
    // Each request overtaken before the run switches to per-worker challenges
    // costs two more (the refused one, an unsigned one): alone, --jobs 8 takes
    // 44 to 49 requests; inside the whole suite's load the switch comes later
    // and 59 were seen. The bound is against a storm, not for a timing.
    fleet_at_every_jobs(&apache, "AuthDigestNcCheck On", &[1, 4, 8], |jobs| {
        INSTANCES + 4 * jobs + 3
    });
    fleet_at_every_jobs(
        &apache,
        "AuthDigestNcCheck On, more workers than Apache keeps clients",
        &[16],
        |jobs| 4 * INSTANCES + 2 * jobs,
    );
}

/// `AuthDigestNcCheck On` with a client table sized for many concurrent
/// clients: each worker signs with a challenge (an Apache client) of its own.
#[test]
fn apache_nc_check_on_with_room_for_many_clients() {
    let Some(apache) = Apache::start_tuned(
        "apache_nc_check_on_with_room_for_many_clients",
        "AuthDigestShmemSize 262144",
        "AuthDigestNcCheck On",
    ) else {
        return;
    };
    fleet_at_every_jobs(
        &apache,
        "AuthDigestNcCheck On, AuthDigestShmemSize 256 KiB",
        &[16, 32],
        |jobs| INSTANCES + 2 * jobs + 3,
    );
}

/// Nonces that live one second, in runs that last longer (each answer is
/// made 60 ms late). Apache then sends a `nextnonce` with every answer
/// (it does when a nonce has less than 30 s to live), which obssl follows:
/// 32 instances over two seconds still cost N + 1 requests at `--jobs 1`.
#[test]
fn apache_one_second_nonces_every_jobs() {
    let Some(apache) = Apache::start_slow(
        "apache_one_second_nonces_every_jobs",
        "AuthDigestNonceLifetime 1",
        "0.06",
    ) else {
        return;
    };
    curl_control(&apache);
    fleet_at_every_jobs(
        &apache,
        "AuthDigestNonceLifetime 1",
        &[1, 4, 8, 16],
        |jobs| 2 * INSTANCES + jobs + 2,
    );
}

#[test]
fn apache_defaults_every_jobs() {
    let Some(apache) = Apache::start("apache_defaults_every_jobs", "") else {
        return;
    };
    curl_control(&apache);
    fleet_at_every_jobs(&apache, "defaults", &[1, 4, 8, 16], |_| INSTANCES + 1);
}

#[test]
fn apache_one_instance_and_wrong_secret() {
    let Some(apache) = Apache::start(
        "apache_one_instance_and_wrong_secret",
        "AuthDigestNcCheck On",
    ) else {
        return;
    };
    let good = run(
        &apache,
        &["get", "obapache-07", "--field", "forceSSL"],
        None,
    );
    assert!(
        good.output.status.success(),
        "{good:?}",
        good = String::from_utf8_lossy(&good.output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&good.output.stdout), "OPEN\n");
    assert_eq!(good.requests.len(), 2, "{:?}", good.requests);

    let home = tempfile::tempdir().unwrap();
    apache.reset_requests();
    let bad = apache
        .obssl(home.path())
        .env("OBSSL_ACCESS_KEY_SECRET", "sk-wrong")
        .args(["get", "obapache-07"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("authentication failed"), "{stderr}");
    assert!(
        !stderr.contains("sk-wrong") && !stderr.contains(SECRET),
        "{stderr}"
    );
    assert!(apache.requests().len() <= 3);
}

/// The nonce cache against Apache with `AuthDigestNcCheck On`, which ties
/// nonce counts to the `opaque`: a cached challenge Apache refuses is
/// answered by a 401 whose challenge keeps that opaque and resets its count,
/// and obssl signs with it at once: one request more than a good cache. A
/// wrong secret with a warm cache is exit 4 after two requests.
#[test]
fn apache_rejected_cached_challenge_costs_one_request() {
    let Some(apache) = Apache::start(
        "apache_rejected_cached_challenge_costs_one_request",
        "AuthDigestNcCheck On",
    ) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let get = |secret: &str| {
        apache.reset_requests();
        let out = apache
            .obssl(home.path())
            .env("OBSSL_ACCESS_KEY_SECRET", secret)
            .args(["get", "obapache-03", "--field", "forceSSL"])
            .output()
            .unwrap();
        (out, apache.requests())
    };
    let (out, requests) = get(SECRET);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(requests.len(), 2, "a cold cache: {requests:?}");
    let (out, requests) = get(SECRET);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(requests.len(), 1, "a warm cache: {requests:?}");

    // A cached nonce Apache never issued (as after a restart).
    let dir = home.path().join(".cache/obssl");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a cache entry");
    let text = std::fs::read_to_string(&file).unwrap();
    let entry: serde_json::Value = serde_json::from_str(&text).unwrap();
    let params = entry["params"].as_array().unwrap();
    let nonce = params.iter().find(|p| p[0] == "nonce").unwrap()[1]
        .as_str()
        .unwrap()
        .to_string();
    let forged = format!("{}A", &nonce[..nonce.len() - 1]);
    std::fs::write(&file, text.replace(&nonce, &forged)).unwrap();
    let (out, requests) = get(SECRET);
    assert!(
        out.status.success(),
        "{}\napache errors:\n{}",
        String::from_utf8_lossy(&out.stderr),
        tail(&apache.error_log(), 10)
    );
    assert_eq!(requests.len(), 2, "one 401, one 200: {requests:?}");
    assert!(requests[0].starts_with("401 "), "{requests:?}");

    let (out, requests) = get("sk-wrong");
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert_eq!(requests.len(), 2, "{requests:?}");
}
