//! A secret printed by a command (`access_key_secret_command`,
//! `db_password_command`), as aws's `credential_process`: an argv list run
//! without a shell, stdin empty, within a time limit. Its standard output,
//! trimmed, is the secret. Its standard error is never shown, and neither is
//! its output when it fails: either may hold the secret.

use super::literals::ENV_TEST_SECRET_COMMAND_TIMEOUT_MS;
use super::secret_kind::SecretKind;
use super::source::Source;
use crate::error::{Error, Result};
use crate::files;
use crate::secret::Secret;
use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How long the command may run.
pub const SECRET_COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// The most bytes of output read from the command.
const MAX_OUTPUT_BYTES: u64 = 64 * 1024;

/// The time limit: [`SECRET_COMMAND_TIMEOUT`], or (debug builds only, for
/// tests) `OBSSL_TEST_SECRET_COMMAND_TIMEOUT_MS`.
fn time_limit() -> Duration {
    std::env::var(ENV_TEST_SECRET_COMMAND_TIMEOUT_MS)
        .ok()
        .filter(|_| cfg!(debug_assertions))
        .and_then(|ms| ms.parse::<u64>().ok())
        .map_or(SECRET_COMMAND_TIMEOUT, Duration::from_millis)
}

/// Runs `argv` and returns its trimmed standard output. `source` is where
/// the command was named (a profile), for messages.
pub fn run(argv: &[String], kind: SecretKind, source: &Source) -> Result<Secret> {
    let key = kind.command_key();
    let fail = |why: String| {
        Error::config(format!("{key} of {source} failed: {why}")).with_hint(format!(
            "run the command yourself to see why (obssl never shows its output: it may hold \
             {}); it must print {} alone on standard output and exit 0",
            kind.what(),
            kind.what()
        ))
    };
    let Some((program, args)) = argv.split_first() else {
        return Err(fail("the command is empty".into()));
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot run `{program}`: {e}")))?;
    // Drain both pipes on threads so a chatty command never blocks on a full
    // pipe; stderr is read and dropped. Neither thread is waited for beyond
    // the time limit (a helper the command left running may hold a pipe).
    let (sender, output) = mpsc::channel();
    if let Some(out) = child.stdout.take() {
        thread::spawn(move || {
            let _ =
                sender.send(files::read_capped(out, MAX_OUTPUT_BYTES).map_err(|e| e.to_string()));
        });
    }
    if let Some(err) = child.stderr.take() {
        thread::spawn(move || {
            let _ = std::io::copy(&mut err.take(MAX_OUTPUT_BYTES), &mut std::io::sink());
        });
    }
    let limit = time_limit();
    let start = Instant::now();
    let too_slow = || {
        fail(format!(
            "`{program}` did not finish within {} s and was stopped",
            limit.as_secs_f64()
        ))
    };
    let status = wait_within(&mut child, limit)
        .map_err(|e| fail(format!("cannot wait for `{program}`: {e}")))?;
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(too_slow());
    };
    if !status.success() {
        return Err(fail(format!("`{program}` {}", described(status))));
    }
    let bytes = match output.recv_timeout(limit.saturating_sub(start.elapsed())) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => return Err(fail(format!("reading its output: {e}"))),
        Err(mpsc::RecvTimeoutError::Timeout) => return Err(too_slow()),
        Err(mpsc::RecvTimeoutError::Disconnected) => Vec::new(),
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        fail(format!(
            "`{program}` printed something that is not UTF-8 text"
        ))
    })?;
    let secret = text.trim();
    if secret.is_empty() {
        return Err(fail(format!(
            "`{program}` exited 0 but printed nothing on standard output"
        )));
    }
    Ok(Secret::new(secret))
}

/// The child's status once it ended, or `None` when `limit` passed first.
fn wait_within(
    child: &mut std::process::Child,
    limit: Duration,
) -> std::io::Result<Option<ExitStatus>> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if start.elapsed() >= limit {
            return Ok(None);
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// "exited with status 1", "was ended by signal 9".
fn described(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("was ended by signal {signal}");
        }
    }
    "ended without an exit status".into()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn source() -> Source {
        Source::Profile {
            path: "/x/config.toml".into(),
            profile: "ci".into(),
        }
    }

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn the_trimmed_output_is_the_secret() {
        let got = run(
            &sh("printf ' sk-CMD-1\\n'; echo noise >&2"),
            SecretKind::AccessKey,
            &source(),
        )
        .unwrap();
        assert_eq!(got.expose(), "sk-CMD-1");
    }

    #[test]
    fn failures_name_the_key_and_status_never_the_output() {
        let e = run(
            &sh("echo sk-CMD-LEAK; echo sk-CMD-LEAK >&2; exit 7"),
            SecretKind::DbPassword,
            &source(),
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("db_password_command of profile `ci`"),
            "{text}"
        );
        assert!(text.contains("exited with status 7"), "{text}");
        assert!(!text.contains("LEAK"), "{text}");
        let e = run(&sh("exit 0"), SecretKind::AccessKey, &source()).unwrap_err();
        assert!(e.message.contains("printed nothing"), "{}", e.message);
        let e = run(
            &["/nonexistent/obssl-helper".into()],
            SecretKind::AccessKey,
            &source(),
        )
        .unwrap_err();
        assert!(e.message.contains("cannot run"), "{}", e.message);
    }
}
