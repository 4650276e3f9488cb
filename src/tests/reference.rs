//! docs/configuration.md's command reference (its `## Commands` section) names every
//! command and every long flag of the CLI definition, so that it cannot fall behind.

use crate::cli::Cli;
use clap::CommandFactory;
use std::path::Path;

/// The reference: the `## Commands` section of docs/configuration.md.
fn reference() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/configuration.md");
    let text = std::fs::read_to_string(&path).expect("docs/configuration.md is readable");
    let start = text
        .find("\n## Commands\n")
        .expect("docs/configuration.md has a `## Commands` section");
    let rest = &text[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |at| at + 3);
    rest[..end].to_string()
}

/// Every command path (`get`, `config list`) and its visible long flags, the global ones
/// (declared on the top level) under the empty path.
fn commands() -> Vec<(String, Vec<String>)> {
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, Vec<String>)>) {
        let flags = cmd
            .get_arguments()
            .filter(|arg| !arg.is_hide_set())
            .filter_map(|arg| arg.get_long())
            .filter(|long| !matches!(*long, "help" | "version"))
            .map(|long| format!("--{long}"))
            .collect();
        out.push((path.to_string(), flags));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            if sub.get_name() == "help" {
                continue;
            }
            let sub_path = format!("{path} {}", sub.get_name()).trim().to_string();
            walk(sub, &sub_path, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), "", &mut out);
    out
}

#[test]
fn the_command_reference_names_every_command_and_flag() {
    let reference = reference();
    let mut missing = Vec::new();
    for (path, flags) in commands() {
        if !path.is_empty() && !reference.contains(&format!("obssl {path}")) {
            missing.push(format!("the command `obssl {path}`"));
        }
        for flag in flags {
            // A flag is named as itself, not as the start of a longer one (`--ca` is not
            // `--ca-file`).
            let named = reference.match_indices(&flag).any(|(at, _)| {
                !reference[at + flag.len()..]
                    .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            });
            if !named {
                let of = if path.is_empty() {
                    "every command".to_string()
                } else {
                    format!("`obssl {path}`")
                };
                missing.push(format!("the flag `{flag}` of {of}"));
            }
        }
    }
    missing.dedup();
    assert!(
        missing.is_empty(),
        "docs/configuration.md's `## Commands` section (the command reference) does not name:\n  {}\n\
         Add each to the synopsis block and the options tables of docs/configuration.md \
         (## Commands).",
        missing.join("\n  ")
    );
}
