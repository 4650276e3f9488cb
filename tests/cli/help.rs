//! What `--help` offers works as shown: each command offers only the flags
//! it uses, the completion install lines work in a fresh HOME, and `--field`
//! behaves as documented next to `--output`.

// The shell-driven tests are Unix-only; their helpers are unused elsewhere.
#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

use crate::support::{home, isolated, isolated_env, mock_env, start_mock, stdout_of};
use obssl_mock::MockConfig;
use std::process::Command;

/// The long flags a command's `--help` lists.
fn flags_of(args: &[&str]) -> Vec<String> {
    let h = home();
    let help = stdout_of(
        &isolated("obssl", h.path())
            .args(args)
            .arg("--help")
            .assert()
            .success(),
    );
    help.lines()
        .filter_map(|line| {
            let flag = line
                .trim_start()
                .split([' ', ','])
                .find(|w| w.starts_with("--"))?;
            Some(flag.trim_end_matches('.').to_string())
        })
        .collect()
}

#[test]
fn config_list_offers_only_the_flags_it_uses() {
    let flags = flags_of(&["config", "list"]);
    for unused in ["--timeout", "--retries", "--verbose"] {
        assert!(!flags.iter().any(|f| f == unused), "{unused} in {flags:?}");
    }
    for used in [
        "--profile",
        "--site",
        "--endpoint",
        "--project-id",
        "--ca-bundle",
        "--output",
    ] {
        assert!(flags.iter().any(|f| f == used), "{used} not in {flags:?}");
    }
    // Given anyway, they are usage errors, not silently ignored.
    let h = home();
    for unused in [&["-t", "5"][..], &["--retries", "1"], &["-v"]] {
        isolated("obssl", h.path())
            .args(["config", "list"])
            .args(unused)
            .assert()
            .code(2);
    }
    // The commands that call the API keep them.
    for command in ["get", "check"] {
        let flags = flags_of(&[command]);
        for used in ["--timeout", "--retries", "--verbose", "--ca-bundle"] {
            assert!(
                flags.iter().any(|f| f == used),
                "{command}: {used} not in {flags:?}"
            );
        }
    }
}

/// The paragraphs of `obssl completions --help`'s examples that write a
/// file (`> PATH`), each as a script, with the file written last.
fn file_writing_examples() -> Vec<(String, String)> {
    let h = home();
    let help = stdout_of(
        &isolated("obssl", h.path())
            .args(["completions", "--help"])
            .assert()
            .success(),
    );
    let examples = help.split("Examples:\n").nth(1).unwrap_or_default();
    examples
        .split("\n\n")
        .filter_map(|paragraph| {
            let target = paragraph.lines().find_map(|l| l.split(" > ").nth(1))?;
            Some((paragraph.to_string(), target.trim().to_string()))
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn completion_install_lines_of_the_help_work_in_a_fresh_home() {
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_obssl"))
        .parent()
        .unwrap();
    let scripts = file_writing_examples();
    assert_eq!(scripts.len(), 3, "bash, zsh and fish: {scripts:?}");
    for (script, target) in scripts {
        let h = home();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = Command::new("sh")
            .args(["-ec", &script])
            .env_clear()
            .envs(isolated_env(h.path()))
            .env("PATH", path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "`{script}` failed in a fresh HOME: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let target = target.replacen('~', &h.path().to_string_lossy(), 1);
        let written = std::fs::read_to_string(&target).unwrap();
        assert!(written.contains("obssl"), "{target} is empty");
    }
}

#[test]
fn field_cannot_be_combined_with_output_but_beats_the_configured_format() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let out = isolated("obssl", h.path())
        .envs(mock_env(&mock))
        .args(["get", "obxxx", "--field", "status", "-o", "json"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("--field") && stderr.contains("--output"),
        "{stderr}"
    );
    // OBSSL_OUTPUT (or a profile's output) is a default, which --field overrides.
    let out = isolated("obssl", h.path())
        .envs(mock_env(&mock))
        .env("OBSSL_OUTPUT", "json")
        .args(["get", "obxxx", "--field", "status"])
        .assert()
        .success();
    assert_eq!(stdout_of(&out), "OPEN\n");
    // The help says so.
    let help = stdout_of(
        &isolated("obssl", h.path())
            .args(["get", "--help"])
            .assert()
            .success(),
    );
    assert!(help.contains("cannot be combined with --output"), "{help}");
}
