//! Parses the command line, dispatches to a command, reports errors, and
//! picks the exit status.

use crate::cli::exit_policy::{meant_for, ExitPolicy};
use crate::cli::{Cli, Command, ConfigCommand};
use crate::commands;
use crate::config::ProcessEnv;
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
            // or 3 (UNKNOWN) for the plugin-style commands, as the Monitoring Plugins
            // conventions want.
            let _ = e.print();
            let meant = meant_for(&args);
            let policy = meant.as_ref().map_or(ExitPolicy::Error, |m| m.exit_policy);
            if e.use_stderr() && meant.is_some_and(|m| m.plugin_stdout) {
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
            return ExitCode::from(if e.use_stderr() {
                policy.usage_status()
            } else {
                0
            });
        }
    };
    let mut out = Output::default();
    let palette = Palette::resolve(cli.color, &ProcessEnv);
    let policy = cli.command.exit_policy();
    let result = match &cli.command {
        Command::Get(args) => commands::get::run(args, &ProcessEnv, &palette, &mut out),
        Command::Ca(args) => commands::ca::run(args, &ProcessEnv, &palette, &mut out),
        Command::Check(args) => commands::check::run(args, &ProcessEnv, &mut out),
        Command::Probe(args) => commands::probe::run(args, &ProcessEnv, &palette, &mut out),
        Command::Exporter(args) => commands::exporter::run(args, &ProcessEnv),
        Command::Configure(args) => commands::configure::run(args, &ProcessEnv).map(|()| 0),
        Command::Config { command } => match command {
            ConfigCommand::List(args) => commands::config::list(args, &ProcessEnv, &mut out),
            ConfigCommand::Path => commands::config::path(&ProcessEnv, &mut out).map(|()| 0),
        },
        Command::Completions(args) => commands::completions::run(args, &mut out).map(|()| 0),
        Command::Man(args) => commands::man::run(args, &mut out).map(|()| 0),
    };
    match result {
        Ok(status) => ExitCode::from(status),
        Err(e) => {
            out.warn(&format!("error: {e}"));
            ExitCode::from(policy.error_status(&e))
        }
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

#[cfg(test)]
mod tests {
    use super::edit_distance;

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
