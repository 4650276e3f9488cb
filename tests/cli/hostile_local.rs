//! Hostile local input (issue 12): planted devices, FIFOs and links, endless
//! files, a full disk, ids that climb the URL, signals mid-write. Each test
//! asserts what a user sees: exit status, message, and the files left.

use crate::support::*;
use obssl_mock::{MockConfig, MockServer};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn mock() -> MockServer {
    start_mock(MockConfig::default())
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    fs::symlink_metadata(path).unwrap().file_type().is_fifo()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A character device like /dev/null (1, 3) made in `dir`: a planted device
/// that a wrong rename would replace without harming the machine's own.
fn planted_null(dir: &Path) -> Option<PathBuf> {
    let path = dir.join("null");
    let ok = std::process::Command::new("mknod")
        .arg(&path)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(path)
}

fn is_char_device(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_char_device()
}

/// A run that must end within a few seconds (a FIFO must not be waited on).
fn quick(cmd: &mut assert_cmd::Command) -> Run {
    let r = Run::of(cmd.timeout(Duration::from_secs(20)));
    assert!(r.took < Duration::from_secs(10), "took {:?}", r.took);
    r
}

#[test]
fn a_fifo_as_write_target_is_refused_and_left_a_fifo() {
    let mock = mock();
    let home = home();
    let fifo = home.path().join("obssl.prom");
    mkfifo(&fifo);
    for format in ["prometheus", "plugin"] {
        let r = quick(obssl_for(&mock, home.path()).args([
            "check",
            "obxxx",
            "-o",
            format,
            "--write",
            fifo.to_str().unwrap(),
        ]));
        assert_eq!(r.code, 3, "UNKNOWN: {}", r.stderr);
        assert!(r.stderr.contains("FIFO"), "{}", r.stderr);
        assert!(r.stderr.contains("refusing to write"), "{}", r.stderr);
        assert!(is_fifo(&fifo), "the FIFO was replaced");
    }
    assert_eq!(mock.request_count(), 0, "refused before any request");
}

#[test]
fn a_device_as_write_target_or_config_file_is_refused() {
    let dir = home();
    let Some(device) = planted_null(dir.path()) else {
        eprintln!("skipped: mknod needs root (CI runs as root)");
        return;
    };
    let mock = mock();
    let r = quick(obssl_for(&mock, dir.path()).args([
        "check",
        "obxxx",
        "-o",
        "prometheus",
        "--write",
        device.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("character device"), "{}", r.stderr);
    assert!(is_char_device(&device));
    let r = quick(
        isolated("obssl", dir.path())
            .env("OBSSL_CONFIG", &device)
            .args(["configure", "--insecure-storage", "--access-key-id", "ak-x"])
            .write_stdin("sk-x\n"),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("character device"), "{}", r.stderr);
    assert!(is_char_device(&device), "the device was replaced");
}

#[test]
fn a_fifo_as_config_file_id_list_or_ca_bundle_is_an_error_at_once() {
    let home = home();
    let fifo = home.path().join("fifo");
    mkfifo(&fifo);
    let r = quick(
        isolated("obssl", home.path())
            .env("OBSSL_CONFIG", &fifo)
            .args(["config", "list"]),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("FIFO"), "{}", r.stderr);
    let r = quick(
        isolated("obssl", home.path())
            .env("OBSSL_CONFIG", &fifo)
            .args(["configure", "--insecure-storage", "--access-key-id", "ak-x"])
            .write_stdin("sk-x\n"),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(is_fifo(&fifo));
    let mock = mock();
    let r = quick(obssl_for(&mock, home.path()).args(["get", "--file", fifo.to_str().unwrap()]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("FIFO"), "{}", r.stderr);
    let r = quick(obssl_for(&mock, home.path()).args([
        "get",
        "obxxx",
        "--ca-bundle",
        fifo.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("FIFO"), "{}", r.stderr);
}

#[test]
fn endless_local_inputs_are_capped() {
    let home = home();
    let mock = mock();
    let r = quick(obssl_for(&mock, home.path()).args(["get", "--file", "/dev/zero"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("character device"), "{}", r.stderr);
    let r = quick(
        isolated("obssl", home.path())
            .env("OBSSL_CONFIG", "/dev/zero")
            .args(["config", "list"]),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    // An endless stdin: `--file -` and configure's secret.
    let endless = |args: &[&str], with_mock: bool| {
        let started = Instant::now();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_obssl"));
        cmd.env_clear().envs(isolated_env(home.path()));
        if with_mock {
            cmd.envs(mock_env(&mock));
        }
        let out = cmd
            .args(args)
            .stdin(fs::File::open("/dev/zero").unwrap())
            .output()
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(10));
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = endless(&["get", "--file", "-"], true);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("larger than the 10 MiB"), "{stderr}");
    let (code, stderr) = endless(
        &["configure", "--insecure-storage", "--access-key-id", "ak-x"],
        false,
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("larger than the 4 KiB"), "{stderr}");
    assert!(!home.path().join(".config/obssl/config.toml").exists());
}

#[test]
fn a_ten_megabyte_id_is_a_usage_error_with_a_short_message() {
    let home = home();
    let mock = mock();
    let file = home.path().join("ids");
    fs::write(&file, format!("{}\n", "é".repeat(5_000_000))).unwrap();
    let r = quick(obssl_for(&mock, home.path()).args(["get", "--file", file.to_str().unwrap()]));
    assert_eq!(r.code, 2, "{}", &r.stderr[..r.stderr.len().min(300)]);
    assert!(
        r.stderr.len() < 10_000,
        "{} bytes of message",
        r.stderr.len()
    );
    assert!(r.stderr.contains("bytes in all"), "{}", r.stderr);
    let r = quick(obssl_for(&mock, home.path()).args(["check", "--file", file.to_str().unwrap()]));
    assert_eq!(r.code, 3, "UNKNOWN under check");
    assert!(
        r.stdout.len() < 10_000,
        "{} bytes of plugin output",
        r.stdout.len()
    );
}

#[test]
fn stdout_on_a_full_disk_is_not_an_internal_error() {
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: no /dev/full here");
        return;
    }
    let mock = mock();
    let home = home();
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_obssl"))
        .env_clear()
        .envs(isolated_env(home.path()))
        .envs(mock_env(&mock))
        .args(["get", "obxxx"])
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("cannot write to standard output"),
        "{stderr}"
    );
    assert!(!stderr.contains("internal"), "{stderr}");
}

#[test]
fn dot_and_dot_dot_are_not_instance_ids() {
    let mock = mock();
    let home = home();
    for id in [".", ".."] {
        let r = quick(obssl_for(&mock, home.path()).args(["get", id]));
        assert_eq!(r.code, 2, "{id}: {}", r.stderr);
        assert!(r.stderr.contains("invalid instance id"), "{}", r.stderr);
    }
    assert_eq!(mock.request_count(), 0);
}

#[test]
fn a_listed_id_that_fails_validation_is_that_instances_error() {
    let fixtures = home();
    // File stems `.` and `a b`: the mock lists them as instance ids.
    fs::write(fixtures.path().join("..json"), "{}").unwrap();
    fs::write(fixtures.path().join("a b.json"), "{}").unwrap();
    let mock = start_mock(MockConfig {
        fixtures_dir: Some(fixtures.path().to_path_buf()),
        ..MockConfig::default()
    });
    let home = home();
    let r = quick(obssl_for(&mock, home.path()).args(["get", "--all", "--field", "status"]));
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stdout.contains("obcluster-xxxx\tOPEN"),
        "the others are read: {}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("the instance list named an id obssl cannot query"),
        "{}",
        r.stderr
    );
    assert!(
        !mock
            .requests()
            .iter()
            .any(|q| q.url.contains("/instances/./") || q.url.contains("a b")),
        "never requested"
    );
    let r = quick(obssl_for(&mock, home.path()).args(["check", "--all"]));
    assert_eq!(
        r.code, 2,
        "CRITICAL (other fixtures), not a usage error: {}",
        r.stdout
    );
    assert!(r.stdout.contains("\nUNKNOWN .: "), "{}", r.stdout);
    assert!(r.stdout.contains("\nUNKNOWN a b: "), "{}", r.stdout);
}

#[test]
fn links_of_other_accounts_are_not_followed() {
    if !is_root() {
        eprintln!("skipped: chown of a link needs root (CI runs as root)");
        return;
    }
    let mock = mock();
    let home = home();
    let victim = home.path().join("victim");
    fs::write(&victim, "# precious\n").unwrap();
    let link = home.path().join("obssl.prom");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let chown = |path: &Path| {
        let ok = std::process::Command::new("chown")
            .args(["-h", "4242:4242"])
            .arg(path)
            .status()
            .unwrap()
            .success();
        assert!(ok);
    };
    chown(&link);
    let r = quick(obssl_for(&mock, home.path()).args([
        "check",
        "obxxx",
        "-o",
        "prometheus",
        "--write",
        link.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("link {}", link.display())),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("uid 4242"), "{}", r.stderr);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "# precious\n");
    // The same rule for configure's config file.
    let config = home.path().join("config.toml");
    std::os::unix::fs::symlink(&victim, &config).unwrap();
    chown(&config);
    let r = quick(
        isolated("obssl", home.path())
            .env("OBSSL_CONFIG", &config)
            .args(["configure", "--insecure-storage", "--access-key-id", "ak-x"])
            .write_stdin("sk-x\n"),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("uid 4242"), "{}", r.stderr);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "# precious\n");
}

/// The `.NAME.XXXX.tmp` files in `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

/// Starts `cmd`, waits until it has a temporary file in `dir`, sends it
/// `signal`, and returns what the temporary file held.
fn kill_mid_write(mut cmd: std::process::Command, dir: &Path, signal: i32) -> String {
    let mut child = cmd
        .env("OBSSL_TEST_WRITE_PAUSE_MS", "5000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let held = loop {
        if let Some(name) = temporaries(dir).first() {
            std::thread::sleep(Duration::from_millis(200));
            break fs::read_to_string(dir.join(name)).unwrap_or_default();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no temporary file"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    // SAFETY: a plain kill of our own child.
    unsafe { libc::kill(child.id() as i32, signal) };
    let status = child.wait().unwrap();
    assert!(!status.success());
    held
}

#[test]
fn a_run_killed_mid_write_leaves_no_temporary_file() {
    let mock = mock();
    let home = home();
    let target = home.path().join("obssl.prom");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_obssl"));
    cmd.env_clear()
        .envs(isolated_env(home.path()))
        .envs(mock_env(&mock))
        .args(["check", "obxxx", "-o", "prometheus", "--write"])
        .arg(&target);
    kill_mid_write(cmd, home.path(), libc::SIGTERM);
    assert_eq!(temporaries(home.path()), Vec::<String>::new());
    assert!(!target.exists());

    // configure's temporary file holds the secret.
    let dir = home.path().join("conf");
    fs::create_dir(&dir).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_obssl"));
    cmd.env_clear()
        .envs(isolated_env(home.path()))
        .env("OBSSL_CONFIG", dir.join("config.toml"))
        .args(["configure", "--insecure-storage", "--access-key-id", "ak-x"])
        .stdin(fs::File::open(write_secret(home.path())).unwrap());
    let held = kill_mid_write(cmd, &dir, libc::SIGINT);
    assert!(
        held.contains(SECRET),
        "the temporary file was the config: {held}"
    );
    assert_eq!(temporaries(&dir), Vec::<String>::new());
}

fn write_secret(dir: &Path) -> PathBuf {
    let path = dir.join("secret.txt");
    fs::write(&path, format!("{SECRET}\n")).unwrap();
    path
}

#[cfg(target_os = "linux")]
#[test]
fn core_dumps_are_off_while_the_secret_is_in_memory() {
    let home = home();
    // configure waits for the secret on a pipe that stays open.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_obssl"))
        .env_clear()
        .envs(isolated_env(home.path()))
        .args(["configure", "--insecure-storage", "--access-key-id", "ak-x"])
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let limits = fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    drop(child.stdin.take());
    let _ = child.wait();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{line}");
}

/// Ctrl-C at `configure`'s secret prompt, on a real pseudo-terminal.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_at_the_secret_prompt_gives_the_echo_back() {
    use std::ffi::CStr;
    use std::io::{Read, Write};
    use std::os::fd::FromRawFd;
    use std::os::unix::process::CommandExt;
    use std::sync::{Arc, Mutex};

    // SAFETY (whole test): plain libc calls on descriptors this test owns;
    // the pre_exec closure only makes async-signal-safe calls.
    let master = unsafe { libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY) };
    assert!(master >= 0);
    let mut name = [0 as libc::c_char; 128];
    unsafe {
        assert_eq!(libc::grantpt(master), 0);
        assert_eq!(libc::unlockpt(master), 0);
        assert_eq!(libc::ptsname_r(master, name.as_mut_ptr(), name.len()), 0);
    }
    let slave_path = unsafe { CStr::from_ptr(name.as_ptr()) }.to_owned();
    let slave = unsafe { libc::open(slave_path.as_ptr(), libc::O_RDWR | libc::O_NOCTTY) };
    assert!(slave >= 0);
    let echo_on = || {
        let mut term: libc::termios = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::tcgetattr(slave, &mut term) }, 0);
        term.c_lflag & libc::ECHO != 0
    };
    assert!(echo_on(), "a fresh terminal echoes");

    let home = home();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_obssl"));
    cmd.env_clear().envs(isolated_env(home.path())).args([
        "configure",
        "--insecure-storage",
        "--access-key-id",
        "ak-x",
        "--site",
        "intl",
        "--project-id",
        "p",
        "--output",
        "table",
    ]);
    let path = slave_path.clone();
    unsafe {
        cmd.pre_exec(move || {
            libc::setsid();
            let fd = libc::open(path.as_ptr(), libc::O_RDWR);
            if fd < 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::ioctl(fd, libc::TIOCSCTTY, 0);
            libc::dup2(fd, 0);
            libc::dup2(fd, 1);
            libc::dup2(fd, 2);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let mut terminal = unsafe { std::fs::File::from_raw_fd(master) };
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut reader = terminal.try_clone().unwrap();
    let shown = Arc::clone(&seen);
    std::thread::spawn(move || {
        let mut buf = [0u8; 256];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            shown.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let started = Instant::now();
    // The prompt is written, then echo turned off.
    let prompted = || String::from_utf8_lossy(&seen.lock().unwrap()).contains("AccessKey secret");
    while !prompted() || echo_on() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no prompt with echo off: {}",
            String::from_utf8_lossy(&seen.lock().unwrap())
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    terminal.write_all(b"sk-half\x03").unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert!(echo_on(), "the echo is back after Ctrl-C");
    assert!(!home.path().join(".config/obssl/config.toml").exists());
    unsafe { libc::close(slave) };
}

#[test]
fn check_ca_file_refuses_a_fifo_a_device_and_an_endless_file_at_once() {
    let mock = mock();
    let home = home();
    let fifo = home.path().join("bundle.pem");
    mkfifo(&fifo);
    let huge = home.path().join("huge.pem");
    fs::File::create(&huge)
        .unwrap()
        .set_len(4 * 1024 * 1024 + 1)
        .unwrap();
    for (path, why) in [
        (
            fifo.to_str().unwrap(),
            "it is a FIFO (named pipe), not a regular file",
        ),
        ("/dev/zero", "it is a character device, not a regular file"),
        (
            huge.to_str().unwrap(),
            "it is larger than the 4 MiB obssl reads",
        ),
    ] {
        let r = quick(obssl_for(&mock, home.path()).args(["check", "obxxx", "--ca-file", path]));
        assert_eq!(r.code, 3, "UNKNOWN: {path}: {} {}", r.stdout, r.stderr);
        assert!(
            r.stdout
                .contains(&format!("cannot use --ca-file {path}: {why}")),
            "{path}: {}",
            r.stdout
        );
    }
    assert!(is_fifo(&fifo), "the FIFO is left as it was");
    assert_eq!(mock.request_count(), 0, "refused before any request");
}
