//! The OS credential store for real: a private D-Bus session bus
//! (`dbus-daemon --session`) with GNOME Keyring's Secret Service on it
//! (`gnome-keyring-daemon --unlock --components=secrets`), in the test's own
//! HOME. `obssl configure` stores the secret there, `secret-tool` finds it,
//! `obssl get` reads it back against the mock; a locked keyring and a stopped
//! bus are errors naming the profile.
//!
//! Needs Debian's `dbus`, `gnome-keyring` and `libsecret-tools`. Without them
//! the tests print that they were skipped and how to install them; with
//! `OBSSL_REQUIRE_KEYRING=1` (set by `.ci/run`) that is a failure.

use crate::support::*;
use obssl_mock::MockConfig;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The programs the tests need, or `None` after saying on the real stderr
/// that `test` is skipped (a failure with OBSSL_REQUIRE_KEYRING=1).
fn require(test: &str) -> Option<()> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = |name: &str| {
        std::env::split_paths(&path)
            .chain([PathBuf::from("/usr/bin")])
            .any(|dir| dir.join(name).is_file())
    };
    let missing: Vec<&str> = [
        "dbus-daemon",
        "dbus-send",
        "gnome-keyring-daemon",
        "secret-tool",
    ]
    .into_iter()
    .filter(|name| !found(name))
    .collect();
    if missing.is_empty() {
        return Some(());
    }
    if std::env::var("OBSSL_REQUIRE_KEYRING").is_ok_and(|v| v == "1") {
        panic!(
            "OBSSL_REQUIRE_KEYRING=1 but {} not found",
            missing.join(", ")
        );
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {} not found. Install them (Debian: apt-get install dbus gnome-keyring \
         libsecret-tools) and run `OBSSL_REQUIRE_KEYRING=1 cargo test keyring` (as .ci/run does).",
        missing.join(", ")
    );
    None
}

/// A private session bus with an unlocked GNOME Keyring on it; the bus (and
/// with it the keyring daemon, which leaves with its bus) is stopped when dropped.
struct Keyring {
    address: String,
    bus_pid: i32,
    home: tempfile::TempDir,
}

impl Keyring {
    fn start(test: &str) -> Option<Keyring> {
        require(test)?;
        let home = tempfile::tempdir().unwrap();
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--fork", "--print-address=1", "--print-pid=1"])
            .env_clear()
            .envs(isolated_env(home.path()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon starts");
        let mut lines = BufReader::new(bus.stdout.take().unwrap()).lines();
        let address = lines.next().unwrap().unwrap();
        let bus_pid: i32 = lines.next().unwrap().unwrap().trim().parse().unwrap();
        bus.wait().unwrap();
        let keyring = Keyring {
            address,
            bus_pid,
            home,
        };
        let mut unlock = keyring
            .command("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon starts");
        unlock.stdin.take().unwrap().write_all(b"PW").unwrap();
        assert!(unlock.wait().unwrap().success(), "gnome-keyring-daemon");
        Some(keyring)
    }

    fn home(&self) -> &Path {
        self.home.path()
    }

    /// `program` in the test's HOME, on the private bus.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .envs(isolated_env(self.home()))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address);
        cmd
    }

    /// `obssl` on the private bus, its config in the test's HOME.
    fn obssl(&self) -> assert_cmd::Command {
        let mut cmd = isolated("obssl", self.home());
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.address);
        cmd
    }

    /// `secret-tool search service SERVICE`, its secret lines elided.
    fn search(&self, service: &str) -> String {
        let out = self
            .command("secret-tool")
            .args(["search", "--all", "service", service])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        text.lines()
            .map(|l| {
                if l.starts_with("secret = ") {
                    "secret = (elided)"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The secret stored under service/username, read with secret-tool.
    fn lookup(&self, service: &str, username: &str) -> String {
        let out = self
            .command("secret-tool")
            .args(["lookup", "service", service, "username", username])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Locks the default collection through the Secret Service's `Lock`.
    fn lock(&self) {
        let status = self
            .command("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/aliases/default",
            ])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "dbus-send Lock");
    }

    fn stop(&self) {
        unsafe { libc::kill(self.bus_pid, libc::SIGTERM) };
    }

    fn config_text(&self) -> String {
        std::fs::read_to_string(self.home().join(".config/obssl/config.toml")).unwrap()
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(cmd: &mut assert_cmd::Command) -> Run {
    let r = Run::of(cmd);
    assert_no_secret(&r.stdout, None);
    assert_no_secret(&r.stderr, None);
    r
}

#[test]
fn configure_stores_the_secret_in_the_keyring_and_get_reads_it_back() {
    let Some(keyring) = Keyring::start("keyring::configure_stores_the_secret_in_the_keyring")
    else {
        return;
    };
    let mock = start_mock(MockConfig::default());
    let r = run(keyring
        .obssl()
        .args(["configure", "--profile", "work", "--access-key-id"])
        .arg(ACCESS_KEY_ID)
        .args(["--endpoint", &mock.base_url()])
        .write_stdin(format!("{SECRET}\n")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "Stored the AccessKey secret in the OS credential store (service obssl, username {ACCESS_KEY_ID})"
        )),
        "{}",
        r.stderr
    );
    println!("$ obssl configure ...\n{}", r.stderr);
    let found = keyring.search("obssl");
    println!("$ secret-tool search service obssl\n{found}");
    assert!(found.contains("attribute.service = obssl"), "{found}");
    assert!(
        found.contains(&format!("attribute.username = {ACCESS_KEY_ID}")),
        "{found}"
    );
    assert_eq!(keyring.lookup("obssl", ACCESS_KEY_ID), SECRET);
    let text = keyring.config_text();
    assert!(!text.contains(SECRET), "{text}");
    assert!(!text.contains("access_key_secret ="), "{text}");
    assert!(
        text.contains("access_key_secret_store = \"keyring\""),
        "{text}"
    );

    let r = run(keyring
        .obssl()
        .args(["config", "list", "--profile", "work"]));
    println!("$ obssl config list --profile work\n{}", r.stdout);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("OS credential store"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains(&format!("service obssl, username {ACCESS_KEY_ID}")),
        "{}",
        r.stdout
    );

    let r = run(keyring.obssl().args([
        "get",
        "obcluster-demo",
        "--profile",
        "work",
        "--field",
        "enableSsl",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.trim(), "OPEN");

    // Locked: a clear error, exit 1, naming the profile and how to unlock.
    keyring.lock();
    let r = run(keyring
        .obssl()
        .args(["get", "obcluster-demo", "--profile", "work"]));
    println!("$ obssl get (keyring locked)\n{}", r.stderr);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "cannot read the AccessKey secret of profile `work`: the OS credential store is locked"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("unlock it"), "{}", r.stderr);

    // Stopped: exit 1 as well.
    keyring.stop();
    let r = run(keyring
        .obssl()
        .args(["get", "obcluster-demo", "--profile", "work"]));
    println!("$ obssl get (keyring stopped)\n{}", r.stderr);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "cannot read the AccessKey secret of profile `work` from the OS credential store"
        ),
        "{}",
        r.stderr
    );
    stop_in_background(mock);
}

#[test]
fn a_plain_text_secret_moves_into_the_keyring_and_leaves_the_file() {
    let Some(keyring) = Keyring::start("keyring::a_plain_text_secret_moves_into_the_keyring")
    else {
        return;
    };
    let mock = start_mock(MockConfig::default());
    let r = run(keyring
        .obssl()
        .args(["configure", "--insecure-storage", "--access-key-id"])
        .arg(ACCESS_KEY_ID)
        .args(["--endpoint", &mock.base_url()])
        .write_stdin(SECRET));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(keyring.config_text().contains(SECRET));
    assert!(keyring.search("obssl").trim().is_empty());

    let r = run(keyring.obssl().args(["configure", "--move-to-store"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = keyring.config_text();
    assert!(!text.contains(SECRET), "{text}");
    assert!(
        text.contains("access_key_secret_store = \"keyring\""),
        "{text}"
    );
    assert_eq!(keyring.lookup("obssl", ACCESS_KEY_ID), SECRET);
    let r = run(keyring
        .obssl()
        .args(["get", "obcluster-demo", "--field", "enableSsl"]));
    assert_eq!(r.code, 0, "{}", r.stderr);

    // A store that refuses the write (locked) leaves the plain text where it was.
    let r = run(keyring
        .obssl()
        .args([
            "configure",
            "-p",
            "other",
            "--insecure-storage",
            "--access-key-id",
            "AK-other",
        ])
        .write_stdin("sk-other-0000"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    keyring.lock();
    let r = run(keyring
        .obssl()
        .args(["configure", "-p", "other", "--move-to-store"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("cannot store"), "{}", r.stderr);
    assert!(keyring.config_text().contains("sk-other-0000"));
    stop_in_background(mock);
}

#[test]
fn the_db_password_goes_to_the_keyring_under_obssl_db_and_the_db_user() {
    let Some(keyring) = Keyring::start("keyring::the_db_password_goes_to_the_keyring") else {
        return;
    };
    let r = run(keyring
        .obssl()
        .args(["configure", "--insecure-storage", "--access-key-id"])
        .arg(ACCESS_KEY_ID)
        .write_stdin(SECRET));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let password = "db-PW-KEYRING-1234";
    let r = run(keyring
        .obssl()
        .args(["configure", "--db-user", "probe", "--db-password-stdin"])
        .write_stdin(password));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let found = keyring.search("obssl-db");
    assert!(found.contains("attribute.username = probe"), "{found}");
    assert_eq!(keyring.lookup("obssl-db", "probe"), password);
    let text = keyring.config_text();
    assert!(!text.contains(password), "{text}");
    assert!(text.contains("db_user = \"probe\""), "{text}");
    assert!(text.contains("db_password_store = \"keyring\""), "{text}");
    let r = run(keyring.obssl().args(["config", "list", "-o", "json"]));
    assert!(!r.stdout.contains(password), "{}", r.stdout);
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let row = |name: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(row("db_user")["value"], "probe");
    assert_eq!(
        row("db_password")["value"],
        "(in the OS credential store: service obssl-db, username probe)"
    );
}

/// On a terminal, `configure` on a profile with a plain-text secret offers
/// to move it into the store; Enter accepts (python3's `pty` drives it).
#[test]
fn configure_on_a_terminal_offers_to_move_a_plain_text_secret() {
    let Some(keyring) = Keyring::start("keyring::configure_on_a_terminal_offers_to_move") else {
        return;
    };
    let path = keyring.home().join(".config/obssl/config.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        format!(
            "[default]\naccess_key_id = \"{ACCESS_KEY_ID}\"\naccess_key_secret = \"{SECRET}\"\n"
        ),
    )
    .unwrap();
    let script = crate::support::pty::PTY_EXPECT.to_owned()
        + r#"for prompt in ["AccessKey ID [", "AccessKey secret [", "endpoint URL [", "Project id [",
               "Default output format", "Move it into the OS credential store? [Y/n]: "]:
    expect(prompt); os.write(fd, b"\r")
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
"#;
    let out = keyring
        .command("python3")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_obssl"))
        .arg("configure")
        .output()
        .expect("python3 runs (the pty test needs it)");
    let terminal = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{terminal}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_secret(&terminal, None);
    assert!(
        terminal.contains("keeps its AccessKey secret in plain text"),
        "{terminal}"
    );
    assert!(
        terminal.contains("Stored the AccessKey secret"),
        "{terminal}"
    );
    let text = keyring.config_text();
    assert!(!text.contains(SECRET), "{text}");
    assert!(
        text.contains("access_key_secret_store = \"keyring\""),
        "{text}"
    );
    assert_eq!(keyring.lookup("obssl", ACCESS_KEY_ID), SECRET);

    // The store holds the secret under the ID: a new ID without its secret is refused.
    let r = run(keyring
        .obssl()
        .args(["configure", "--access-key-id", "ak-new"])
        .write_stdin(""));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("a new AccessKey ID needs its own secret"),
        "{}",
        r.stderr
    );
}
