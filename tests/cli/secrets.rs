//! Where the secret lives, besides the OS credential store (`keyring.rs`):
//! a secret command, secret files (`OBSSL_ACCESS_KEY_SECRET_FILE`,
//! `$CREDENTIALS_DIRECTORY`), the same sources for the DB password of
//! `probe --db-user`, and `configure` refusing to write a secret in plain
//! text silently when there is no store.

use crate::support::*;
use assert_cmd::Command;
use obssl_mock::{MockConfig, MockServer};
use std::path::{Path, PathBuf};

/// Runs `cmd`, asserting that the secret appears nowhere in its output.
fn run(cmd: &mut Command, mock: Option<&MockServer>) -> Run {
    let r = Run::of(cmd);
    assert_no_secret(&r.stdout, mock);
    assert_no_secret(&r.stderr, mock);
    r
}

fn config_path(home: &Path) -> PathBuf {
    home.join(".config").join("obssl").join("config.toml")
}

fn write_file(path: &Path, text: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A profile `p` on `mock` whose secret is printed by `command` (TOML array text).
fn command_profile(home: &Path, mock: &MockServer, command: &str) {
    write_file(
        &config_path(home),
        &format!(
            "[p]\naccess_key_id = \"{ACCESS_KEY_ID}\"\naccess_key_secret_command = {command}\nendpoint = \"{}\"\n",
            mock.base_url()
        ),
        0o600,
    );
}

fn get(home: &Path) -> Command {
    let mut cmd = isolated("obssl", home);
    cmd.args(["get", "obcluster-demo", "--field", "enableSsl"]);
    cmd
}

/// A TOML string holding `text`.
fn toml_str(text: &str) -> String {
    format!("{:?}", text)
}

#[test]
fn a_secret_command_prints_the_secret_and_its_stderr_is_never_shown() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    // A trailing newline is trimmed; what the command writes to stderr (the
    // secret itself here) never reaches obssl's output.
    let script = format!("printf '%s\\n' {SECRET}; echo {SECRET} >&2; echo noise >&2");
    command_profile(
        h.path(),
        &mock,
        &format!("[\"sh\", \"-c\", {}]", toml_str(&script)),
    );
    let r = run(get(h.path()).args(["-p", "p"]), Some(&mock));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.trim(), "OPEN");
    assert!(!r.stderr.contains("noise"), "{}", r.stderr);

    let r = run(
        isolated("obssl", h.path()).args(["config", "list", "-p", "p"]),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("(printed by the command `sh`)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("command access_key_secret_command of profile `p`"),
        "{}",
        r.stdout
    );
    stop_in_background(mock);
}

#[test]
fn a_failing_secret_command_names_the_key_and_status_never_the_output() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    let cases = [
        (
            format!("[\"sh\", \"-c\", \"echo {SECRET}; echo {SECRET} >&2; exit 7\"]"),
            "`sh` exited with status 7",
        ),
        (
            "[\"true\"]".to_string(),
            "`true` exited 0 but printed nothing",
        ),
        (
            "[\"/nonexistent/obssl-helper\"]".to_string(),
            "cannot run `/nonexistent/obssl-helper`",
        ),
        (
            format!("[\"sh\", \"-c\", \"echo {SECRET}; exec sleep 30\"]"),
            "`sh` did not finish within 0.3 s and was stopped",
        ),
    ];
    for (command, why) in cases {
        command_profile(h.path(), &mock, &command);
        let r = run(
            get(h.path())
                .args(["-p", "p"])
                .env("OBSSL_TEST_SECRET_COMMAND_TIMEOUT_MS", "300"),
            Some(&mock),
        );
        println!("{}", r.stderr);
        assert_eq!(r.code, 3, "{}", r.stderr);
        assert!(
            r.stderr
                .contains("error: access_key_secret_command of profile `p` in "),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains(why), "{why}: {}", r.stderr);
        assert!(
            r.stderr.contains("run the command yourself"),
            "{}",
            r.stderr
        );
    }
    // A command that is not a list of strings is a config error naming the key.
    command_profile(h.path(), &mock, "\"pass show ak\"");
    let r = run(get(h.path()).args(["-p", "p"]), Some(&mock));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`access_key_secret_command` in profile `p`")
            && r.stderr.contains("must be a non-empty list of strings"),
        "{}",
        r.stderr
    );
    assert!(mock.requests().is_empty(), "no request without a secret");
    stop_in_background(mock);
}

#[test]
fn the_secret_file_variable_is_read_and_a_loose_or_missing_file_said() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    let file = h.path().join("run").join("obssl-ak");
    write_file(&file, &format!("{SECRET}\n"), 0o600);
    let env = |cmd: &mut Command| {
        cmd.env("OBSSL_ENDPOINT", mock.base_url())
            .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("OBSSL_ACCESS_KEY_SECRET_FILE", &file);
    };
    let mut cmd = get(h.path());
    env(&mut cmd);
    let r = run(&mut cmd, Some(&mock));
    assert_eq!((r.code, r.stdout.trim()), (0, "OPEN"), "{}", r.stderr);
    assert_eq!(r.stderr, "");

    // Readable by others: used, with the chmod to run.
    write_file(&file, SECRET, 0o644);
    let mut cmd = get(h.path());
    env(&mut cmd);
    let r = run(&mut cmd, Some(&mock));
    println!("{}", r.stderr);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr.trim(),
        format!(
            "warning: the secret file {p} is readable by other users; run: chmod 600 {p}",
            p = file.display()
        )
    );

    // Missing: exit 3 naming the file and the variable.
    std::fs::remove_file(&file).unwrap();
    let mut cmd = get(h.path());
    env(&mut cmd);
    let r = run(&mut cmd, Some(&mock));
    println!("{}", r.stderr);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "cannot read the AccessKey secret from {} (named by environment variable \
             OBSSL_ACCESS_KEY_SECRET_FILE): no such file",
            file.display()
        )),
        "{}",
        r.stderr
    );

    // Both the value and the file: a usage error.
    let mut cmd = get(h.path());
    env(&mut cmd);
    let r = run(cmd.env("OBSSL_ACCESS_KEY_SECRET", "x"), Some(&mock));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("both OBSSL_ACCESS_KEY_SECRET and"),
        "{}",
        r.stderr
    );
    stop_in_background(mock);
}

#[test]
fn a_systemd_credential_completes_the_id_of_a_profile_or_the_environment() {
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    let credentials = h.path().join("credentials");
    write_file(
        &credentials.join("obssl-access-key-secret"),
        &format!("{SECRET}\n"),
        0o400,
    );
    write_file(
        &config_path(h.path()),
        &format!(
            "[svc]\naccess_key_id = \"{ACCESS_KEY_ID}\"\nendpoint = \"{}\"\n",
            mock.base_url()
        ),
        0o600,
    );
    let r = run(
        get(h.path())
            .args(["-p", "svc"])
            .env("CREDENTIALS_DIRECTORY", &credentials),
        Some(&mock),
    );
    assert_eq!((r.code, r.stdout.trim()), (0, "OPEN"), "{}", r.stderr);
    let r = run(
        isolated("obssl", h.path())
            .args(["config", "list", "-p", "svc"])
            .env("CREDENTIALS_DIRECTORY", &credentials),
        None,
    );
    assert!(
        r.stdout
            .contains("file named by environment variable CREDENTIALS_DIRECTORY"),
        "{}",
        r.stdout
    );
    // The environment's ID, the same credential.
    let r = run(
        get(h.path())
            .env("OBSSL_ENDPOINT", mock.base_url())
            .env("OBSSL_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("CREDENTIALS_DIRECTORY", &credentials),
        Some(&mock),
    );
    assert_eq!((r.code, r.stdout.trim()), (0, "OPEN"), "{}", r.stderr);
    // Without the variable, the profile has no secret: no credentials.
    let r = run(get(h.path()).args(["-p", "svc"]), Some(&mock));
    assert_eq!(r.code, 3, "{}", r.stderr);
    stop_in_background(mock);
}

#[test]
fn configure_without_a_credential_store_refuses_and_names_the_choices() {
    let h = tempfile::tempdir().unwrap();
    let r = run(
        isolated("obssl", h.path())
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .args([
                "configure",
                "--profile",
                "ci",
                "--access-key-id",
                ACCESS_KEY_ID,
            ])
            .write_stdin(SECRET),
        None,
    );
    println!("{}", r.stderr);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "error: no OS credential store to keep the AccessKey secret of profile `ci` in"
        ),
        "{}",
        r.stderr
    );
    for choice in [
        "--insecure-storage",
        "access_key_secret_command",
        "OBSSL_ACCESS_KEY_SECRET_FILE",
        "export OBSSL_ACCESS_KEY_ID and OBSSL_ACCESS_KEY_SECRET",
    ] {
        assert!(r.stderr.contains(choice), "{choice}: {}", r.stderr);
    }
    assert!(!config_path(h.path()).exists(), "nothing written");
    // The same for the DB password.
    let r = run(
        isolated("obssl", h.path())
            .args(["configure", "--db-user", "probe", "--db-password-stdin"])
            .write_stdin("db-pw"),
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("OBSSL_DB_PASSWORD_FILE"), "{}", r.stderr);
    assert!(!config_path(h.path()).exists(), "nothing written");
}

#[test]
fn configure_sets_db_user_and_config_list_shows_where_the_db_password_is() {
    let h = tempfile::tempdir().unwrap();
    let password = "db-PW-LIST-98765";
    let r = run(
        isolated("obssl", h.path())
            .args([
                "configure",
                "--insecure-storage",
                "--access-key-id",
                ACCESS_KEY_ID,
            ])
            .write_stdin(SECRET),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(
        isolated("obssl", h.path())
            .args([
                "configure",
                "--insecure-storage",
                "--db-user",
                "probe",
                "--db-password-stdin",
            ])
            .write_stdin(format!("{password}\n")),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(config_path(h.path())).unwrap();
    assert!(text.contains("db_user = \"probe\""), "{text}");
    assert!(
        text.contains(&format!("db_password = \"{password}\"")),
        "{text}"
    );
    assert!(
        text.contains(SECRET),
        "the AccessKey secret is kept: {text}"
    );

    let r = run(isolated("obssl", h.path()).args(["config", "list"]), None);
    println!("{}", r.stdout);
    assert!(!r.stdout.contains(password), "{}", r.stdout);
    assert!(!r.stdout.contains("8765"), "not even masked: {}", r.stdout);
    let row = |name: &str| {
        r.stdout
            .lines()
            .find(|l| l.contains(&format!("│ {name} ")))
            .unwrap_or_default()
            .to_string()
    };
    assert!(row("db_user").contains("probe"), "{}", r.stdout);
    assert!(
        row("db_password").contains("(set, not shown)")
            && row("db_password").contains("profile `default`"),
        "{}",
        r.stdout
    );
    // The environment's file beats the profile.
    let r = run(
        isolated("obssl", h.path())
            .args(["config", "list"])
            .env("OBSSL_DB_PASSWORD_FILE", "/run/secrets/db"),
        None,
    );
    assert!(
        r.stdout.contains("(in file /run/secrets/db)")
            && r.stdout
                .contains("file named by environment variable OBSSL_DB_PASSWORD_FILE"),
        "{}",
        r.stdout
    );
}

#[test]
fn probe_reads_the_db_password_from_the_new_sources() {
    let h = tempfile::tempdir().unwrap();
    let mock = start_mock(MockConfig::default());
    // A missing OBSSL_DB_PASSWORD_FILE stops probe before any connection.
    let r = run(
        obssl_for(&mock, h.path())
            .args(["probe", "obcluster-demo", "--db-user", "probe"])
            .env("OBSSL_DB_PASSWORD_FILE", h.path().join("nope")),
        Some(&mock),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot read the DB password from")
            && r.stderr.contains("OBSSL_DB_PASSWORD_FILE"),
        "{}",
        r.stderr
    );
    // The profile's db_user and a failing db_password_command.
    write_file(
        &config_path(h.path()),
        "[default]\ndb_user = \"probe\"\ndb_password_command = [\"sh\", \"-c\", \"exit 4\"]\n",
        0o600,
    );
    let r = run(
        obssl_for(&mock, h.path()).args(["probe", "obcluster-demo"]),
        Some(&mock),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("db_password_command of profile `default`")
            && r.stderr.contains("exited with status 4"),
        "{}",
        r.stderr
    );
    stop_in_background(mock);
}

/// The login of `probe` with the profile's `db_user` and its password from a
/// command, then from `OBSSL_DB_PASSWORD_FILE`, against a real MariaDB server
/// (the servers of `probe_mariadb.rs`; skipped as they are).
#[test]
fn probe_logs_in_with_the_profile_db_user_and_a_password_from_a_command_or_a_file() {
    use crate::support::mariadb::{servers, DB_PASSWORD, INSTANCE};
    let Some(s) = servers("secrets::probe_logs_in_with_the_profile_db_user") else {
        return;
    };
    let mock = start_mock(MockConfig::default());
    let h = tempfile::tempdir().unwrap();
    let address = format!("127.0.0.1:{}", s.good);
    let script = format!("printf '%s\\n' {DB_PASSWORD}");
    write_file(
        &config_path(h.path()),
        &format!(
            "[work]\naccess_key_id = \"{ACCESS_KEY_ID}\"\naccess_key_secret = \"{SECRET}\"\n\
             endpoint = \"{}\"\ndb_user = \"probe\"\ndb_password_command = [\"sh\", \"-c\", {}]\n",
            mock.base_url(),
            toml_str(&script)
        ),
        0o600,
    );
    let probe = |cmd: &mut Command| {
        let r = run(
            cmd.args([
                "probe",
                INSTANCE,
                "--address",
                &address,
                "-p",
                "work",
                "-o",
                "jsonl",
            ]),
            Some(&mock),
        );
        assert!(
            !r.stdout.contains(DB_PASSWORD) && !r.stderr.contains(DB_PASSWORD),
            "the password leaked"
        );
        r
    };
    // The good server accepts a plaintext login: the login happened (CRITICAL, exit 2).
    let r = probe(&mut isolated("obssl", h.path()));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("plaintext-accepted"), "{}", r.stdout);
    // A file beats the profile's command.
    let file = h.path().join("db-password");
    write_file(&file, &format!("{DB_PASSWORD}\n"), 0o600);
    let r = probe(isolated("obssl", h.path()).env("OBSSL_DB_PASSWORD_FILE", &file));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("plaintext-accepted"), "{}", r.stdout);
    // A wrong password from the file: the login is refused, so it was the file's.
    write_file(&file, "not-the-password\n", 0o600);
    let r = probe(isolated("obssl", h.path()).env("OBSSL_DB_PASSWORD_FILE", &file));
    assert!(
        r.stdout.contains("credentials-rejected"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
    stop_in_background(mock);
}
