//! Parses the command line, dispatches to a command, reports errors, and
//! picks the exit status.

use crate::cli::{Cli, Command, ConfigCommand};
use crate::commands;
use crate::config::ProcessEnv;
use crate::error::Error;
use crate::output::{warn_line, Output};
use clap::Parser;
use std::ffi::OsString;
use std::process::ExitCode;

/// Runs obssl with the given arguments (the program name first) and returns its exit status.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let mut out = Output::default();
    let result = match &cli.command {
        Command::Get(args) => commands::get::run(args, &ProcessEnv, &mut out),
        Command::Configure(args) => commands::configure::run(args, &ProcessEnv),
        Command::Config { command } => match command {
            ConfigCommand::List(args) => commands::config::list(args, &ProcessEnv, &mut out),
            ConfigCommand::Path => commands::config::path(&ProcessEnv, &mut out),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(&e),
    }
}

fn report(e: &Error) -> ExitCode {
    warn_line(&format!("error: {e}"));
    ExitCode::from(e.exit_code())
}
