//! The help of every command, as the binary prints it (`cli::parse_from` is
//! what `obssl` parses with; a `--help` comes back as the error it prints).

use crate::cli::Cli;
use clap::CommandFactory;

/// Every command path in the CLI, the top level (empty) included.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        out.push(prefix.to_vec());
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_string());
            walk(sub, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &[], &mut out);
    out
}

/// What `obssl PATH... --help` prints on stdout, and that it exits 0.
fn help_of(path: &[String]) -> String {
    let args: Vec<std::ffi::OsString> = std::iter::once("obssl".to_string())
        .chain(path.iter().cloned())
        .chain(std::iter::once("--help".to_string()))
        .map(Into::into)
        .collect();
    let e = crate::cli::parse_from(&args).expect_err("--help stops the parse");
    assert_eq!(e.kind(), clap::error::ErrorKind::DisplayHelp, "{path:?}");
    assert!(!e.use_stderr(), "{path:?}: help goes to stdout");
    e.render().to_string()
}

#[test]
fn every_command_help_ends_with_examples() {
    let paths = command_paths();
    assert!(paths.len() > 3, "{paths:?}");
    for path in paths {
        let help = help_of(&path);
        let Some(after) = help.split("Examples:\n").nth(1) else {
            panic!("`obssl {} --help` has no examples:\n{help}", path.join(" "));
        };
        assert!(after.contains("obssl"), "{path:?}:\n{help}");
    }
}
