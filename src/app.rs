//! Parses the command line, dispatches to a command, reports errors, and
//! picks the exit status.

use crate::cli::{Cli, Command, ConfigCommand};
use crate::commands;
use crate::config::ProcessEnv;
use crate::error::Error;
use crate::output::Output;
use crate::render::plugin::unknown_line;
use crate::style::Palette;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::CommandFactory;
use std::ffi::OsString;
use std::process::ExitCode;

/// Runs obssl with the given arguments (the program name first) and returns its exit status.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    // Every command but help may hold the secret: no core dump may hold it.
    crate::signals::no_core_dumps();
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match crate::cli::parse_from(&args) {
        Ok(cli) => cli,
        Err(mut e) => {
            suggest_subcommand(&mut e);
            // Help and version go to stdout with status 0; usage errors to stderr with 2,
            // or 3 (UNKNOWN) for `check`, as the Monitoring Plugins conventions want.
            let _ = e.print();
            let command = status_command(&args);
            let check = command.is_some();
            if command == Some("check") && e.use_stderr() && check_output_is_plugin(&args) {
                // A monitoring system reads stdout: give it the plugin's UNKNOWN line.
                let rendered = e.render().to_string();
                let first = rendered.lines().next().unwrap_or_default();
                let first = first
                    .strip_prefix("error: ")
                    .unwrap_or(first)
                    .replace('|', "/");
                let mut out = Output::default();
                let _ = out.write(&unknown_line(&format!("invalid arguments: {first}")));
            }
            let usage_status = if check { CHECK_UNKNOWN } else { 2 };
            return ExitCode::from(if e.use_stderr() { usage_status } else { 0 });
        }
    };
    let mut out = Output::default();
    let palette = Palette::resolve(cli.color, &ProcessEnv);
    let (result, check) = match &cli.command {
        Command::Get(args) => (
            commands::get::run(args, &ProcessEnv, &palette, &mut out),
            false,
        ),
        Command::Ca(args) => (
            commands::ca::run(args, &ProcessEnv, &palette, &mut out),
            false,
        ),
        Command::Check(args) => (commands::check::run(args, &ProcessEnv, &mut out), true),
        Command::Probe(args) => (
            commands::probe::run(args, &ProcessEnv, &palette, &mut out),
            true,
        ),
        Command::Exporter(args) => (commands::exporter::run(args, &ProcessEnv), false),
        Command::Configure(args) => (
            commands::configure::run(args, &ProcessEnv).map(|()| 0),
            false,
        ),
        Command::Config { command } => (
            match command {
                ConfigCommand::List(args) => commands::config::list(args, &ProcessEnv, &mut out),
                ConfigCommand::Path => commands::config::path(&ProcessEnv, &mut out).map(|()| 0),
            },
            false,
        ),
        Command::Completions(args) => (
            commands::completions::run(args, &mut out).map(|()| 0),
            false,
        ),
        Command::Man(args) => (commands::man::run(args, &mut out).map(|()| 0), false),
    };
    match result {
        Ok(status) => ExitCode::from(status),
        Err(e) => report(&e, check, &mut out),
    }
}

/// clap suggests a subcommand only above a similarity score that short
/// typos miss (`obssl gt`); this adds the nearest command name when it is
/// within one edit (two for names longer than four letters).
fn suggest_subcommand(e: &mut clap::Error) {
    if e.kind() != ErrorKind::InvalidSubcommand || e.get(ContextKind::SuggestedSubcommand).is_some()
    {
        return;
    }
    let Some(ContextValue::String(typed)) = e.get(ContextKind::InvalidSubcommand) else {
        return;
    };
    let typed = typed.clone();
    let cmd = Cli::command();
    let nearest = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name())
        .map(|name| (edit_distance(&typed, name), name))
        .filter(|&(d, name)| d > 0 && d <= if name.len() > 4 { 2 } else { 1 })
        .min_by_key(|&(d, _)| d);
    if let Some((_, name)) = nearest {
        e.insert(
            ContextKind::SuggestedSubcommand,
            ContextValue::Strings(vec![name.to_string()]),
        );
    }
}

/// Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    strsim::damerau_levenshtein(a, b)
}

/// `check`'s (and `probe`'s) status for any error that stops the whole run: UNKNOWN.
const CHECK_UNKNOWN: u8 = 3;

/// Whether the arguments that failed to parse were meant for `check` or
/// `probe` (the commands with the plugin statuses), and which: clap is asked
/// again, leniently, which subcommand it sees; when even that fails (a value
/// clap cannot accept), the first subcommand name among the arguments decides.
fn status_command(args: &[OsString]) -> Option<&'static str> {
    let named = |name: &str| match name {
        "check" => Some("check"),
        "probe" => Some("probe"),
        _ => None,
    };
    match Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(args)
    {
        Ok(matches) if matches.subcommand_name().is_some() => {
            matches.subcommand_name().and_then(named)
        }
        _ => args
            .iter()
            .skip(1)
            .filter_map(|a| a.to_str())
            .find(|a| matches!(*a, "check" | "probe" | "get"))
            .and_then(named),
    }
}

/// Whether a `check` command line that failed to parse asked for the plugin
/// format (the default) and stdout: `-o json`, `-o prometheus` and `--write` do not.
fn check_output_is_plugin(args: &[OsString]) -> bool {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut format = "plugin".to_string();
    for (i, arg) in args.iter().enumerate() {
        let value = match arg.as_str() {
            "-o" | "--output" => args.get(i + 1).cloned(),
            a if a.starts_with("--output=") => Some(a["--output=".len()..].to_string()),
            a if a.starts_with("-o") && a.len() > 2 => Some(a[2..].to_string()),
            "--write" => return false,
            a if a.starts_with("--write=") => return false,
            _ => None,
        };
        if let Some(v) = value {
            format = v;
        }
    }
    format.eq_ignore_ascii_case("plugin")
}

fn report(e: &Error, check: bool, out: &mut Output) -> ExitCode {
    out.warn(&format!("error: {e}"));
    ExitCode::from(if check { CHECK_UNKNOWN } else { e.exit_code() })
}

#[cfg(test)]
mod tests {
    use super::{check_output_is_plugin, edit_distance};

    #[test]
    fn check_parse_errors_know_whether_stdout_is_the_plugin_format() {
        let args = |a: &[&str]| {
            a.iter()
                .map(|s| s.into())
                .collect::<Vec<std::ffi::OsString>>()
        };
        assert!(check_output_is_plugin(&args(&[
            "obssl",
            "check",
            "x",
            "--warning",
            "q"
        ])));
        assert!(check_output_is_plugin(&args(&[
            "obssl", "check", "-o", "plugin", "--bad"
        ])));
        assert!(!check_output_is_plugin(&args(&[
            "obssl", "check", "-o", "json", "--bad"
        ])));
        assert!(!check_output_is_plugin(&args(&[
            "obssl",
            "check",
            "--output=prometheus",
            "--bad"
        ])));
        assert!(!check_output_is_plugin(&args(&[
            "obssl",
            "check",
            "-oprometheus",
            "--bad"
        ])));
        assert!(!check_output_is_plugin(&args(&[
            "obssl", "check", "--write", "f", "--bad"
        ])));
    }

    #[test]
    fn edit_distance_counts_typos() {
        assert_eq!(edit_distance("gt", "get"), 1);
        assert_eq!(edit_distance("gte", "get"), 1);
        assert_eq!(edit_distance("mna", "man"), 1);
        assert_eq!(edit_distance("completoins", "completions"), 1);
        assert_eq!(edit_distance("get", "get"), 0);
        assert_eq!(edit_distance("x", "man"), 3);
    }
}
