//! Terminal conventions end to end: completions and man pages from the binary,
//! colour rules, help examples and suggestions for typos. (That the committed
//! completions and man pages match the CLI is a unit test: `src/tests/`.)

use crate::support::*;
use obssl_mock::MockConfig;
use predicates::prelude::*;

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let h = home();
    isolated("obssl", h.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values"));
}

#[test]
fn man_prints_roff_pages() {
    let h = home();
    let out = isolated("obssl", h.path()).arg("man").assert().success();
    let page = stdout_of(&out);
    assert!(page.lines().any(|l| l.starts_with(".TH obssl 1")), "{page}");
    assert!(page.contains(".SH SYNOPSIS"), "{page}");
    let out = isolated("obssl", h.path())
        .args(["man", "get"])
        .assert()
        .success();
    assert!(stdout_of(&out)
        .lines()
        .any(|l| l.starts_with(".TH obssl-get 1")));
    isolated("obssl", h.path())
        .args(["man", "gte"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("get"));
}

fn table(color: &[&str], env: &[(&str, &str)]) -> String {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let mut cmd = obssl_for(&mock, h.path());
    cmd.env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(["get", "obxxx"]).args(color).assert().success();
    stdout_of(&out)
}

#[test]
fn color_always_colours_states_in_the_table() {
    let out = table(&["--color", "always"], &[]);
    let line = |text: &str| out.lines().find(|l| l.contains(text)).unwrap().to_string();
    assert!(line("SSL enabled").contains("\x1b[38;5;2mOPEN"), "{out}");
    assert!(line("SSL enforced").contains("\x1b[38;5;1mCLOSE"), "{out}");
    // The flag beats NO_COLOR: the same colours, and no stray reset (`ESC[m`) without them.
    let out = table(&["--color", "always"], &[("NO_COLOR", "1")]);
    assert!(out.contains("\x1b[38;5;2mOPEN"), "{out:?}");
    assert!(out.contains("\x1b[38;5;1mCLOSE"), "{out:?}");
    assert!(!out.contains("\x1b[m"), "{out:?}");
}

/// Days left below `check`'s default `--critical` (7) are red, below `--warning` (30) yellow.
#[test]
fn days_left_are_red_below_critical_and_yellow_below_warning() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let out = obssl_for(&mock, h.path())
        .env("NO_COLOR", "1")
        .args([
            "get",
            "obcluster-expiring-soon",
            "obcluster-expiring-warn",
            "obcluster-demo",
        ])
        .args(["--color", "always"])
        .assert()
        .success();
    let out = stdout_of(&out);
    let line = |id: &str| out.lines().find(|l| l.contains(id)).unwrap().to_string();
    assert!(
        line("obcluster-expiring-soon").contains("\x1b[38;5;1min "),
        "{out:?}"
    );
    assert!(
        line("obcluster-expiring-warn").contains("\x1b[38;5;3min 2"),
        "{out:?}"
    );
    assert!(line("obcluster-demo").contains(" in 200 days "), "{out:?}");
}

#[test]
fn no_escape_bytes_without_colour() {
    for (flags, env) in [
        (&["--color", "never"][..], &[("CLICOLOR_FORCE", "1")][..]),
        (&[][..], &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")][..]),
        (&[][..], &[][..]), // auto, and stdout is a pipe
        (&["--color", "auto"][..], &[("CLICOLOR_FORCE", "0")][..]),
    ] {
        let out = table(flags, env);
        assert!(out.contains("OPEN"), "{out}");
        assert!(!out.contains('\x1b'), "{flags:?} {env:?}:\n{out}");
    }
}

#[test]
fn clicolor_force_colours_a_pipe() {
    let out = table(&[], &[("CLICOLOR_FORCE", "1")]);
    assert!(out.contains("\x1b[38;5;2mOPEN"), "{out}");
}

#[test]
fn json_and_field_output_never_carry_colour() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    for args in [&["-o", "json"][..], &["--field", "enableSSL"][..]] {
        let out = obssl_for(&mock, h.path())
            .env_remove("NO_COLOR")
            .args(["get", "obxxx", "--color", "always"])
            .args(args)
            .assert()
            .success();
        assert!(!stdout_of(&out).contains('\x1b'), "{args:?}");
    }
}

/// Every command path with a committed manual page (`obssl-config-list.1` is
/// `config list`), the top level (empty) included. The unit test
/// `committed_completions_and_man_pages_match_the_cli` keeps these pages
/// one-to-one with the CLI's commands.
fn command_paths_of_the_man_pages() -> Vec<Vec<String>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let mut paths: Vec<Vec<String>> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|name| {
            let page = name.strip_suffix(".1")?.strip_prefix("obssl")?;
            Some(page.split('-').skip(1).map(str::to_string).collect())
        })
        .collect();
    paths.sort();
    paths
}

#[test]
fn the_binary_prints_help_with_examples_for_every_command() {
    let h = home();
    let paths = command_paths_of_the_man_pages();
    assert!(paths.len() > 3, "{paths:?}");
    assert_eq!(paths[0], Vec::<String>::new(), "obssl.1 is committed");
    for path in paths {
        let out = isolated("obssl", h.path())
            .args(&path)
            .arg("--help")
            .assert()
            .success()
            .stderr("");
        let help = stdout_of(&out);
        let Some(after) = help.split("Examples:\n").nth(1) else {
            panic!("`obssl {} --help` has no examples:\n{help}", path.join(" "));
        };
        assert!(after.contains("obssl"), "{path:?}:\n{help}");
    }
}

#[test]
fn typos_suggest_the_nearest_command_or_flag() {
    let h = home();
    isolated("obssl", h.path())
        .arg("gt")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("similar subcommand exists: 'get'"));
    isolated("obssl", h.path())
        .args(["get", "x", "--outptu", "json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "similar argument exists: '--output'",
        ));
    isolated("obssl", h.path())
        .args(["get", "x", "--colr", "never"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("'--color'"));
}

/// The `obssl` binary carries none of the mock: texts only the mock's code
/// uses are in `obssl-mock` (the control) and not in `obssl`.
#[test]
fn the_obssl_binary_does_not_contain_the_mock() {
    let obssl = std::fs::read(env!("CARGO_BIN_EXE_obssl")).unwrap();
    let mock = std::fs::read(crate::support::mock_bin()).unwrap();
    let contains = |haystack: &[u8], needle: &str| {
        haystack
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    };
    for mock_only in [
        "response hash does not verify",
        "obcluster-gen-",
        "OBMOCKSESSION",
    ] {
        assert!(
            contains(&mock, mock_only),
            "control: {mock_only:?} not in obssl-mock"
        );
        assert!(
            !contains(&obssl, mock_only),
            "{mock_only:?} is in the obssl binary"
        );
    }
}
