//! Each command's exit policy: plugin-style (`check`, `probe`: the Monitoring Plugins
//! statuses, any error that stops the run UNKNOWN, 3) or error-style (the error's own
//! status, README's exit-code table). `app.rs` asks the command, parsed or not.

use super::{Cli, Command};
use clap::parser::ValueSource;
use clap::CommandFactory;
use std::ffi::OsString;

/// How a command's failures show in its exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitPolicy {
    /// A Monitoring Plugin's: any error that stops the whole run is UNKNOWN (3).
    Plugin,
    /// The error's own status (2 for a usage error, ...).
    Error,
}

/// A plugin's status for any error that stops the whole run: UNKNOWN.
const PLUGIN_UNKNOWN: u8 = 3;

impl ExitPolicy {
    /// The status of a command line clap refused.
    pub fn usage_status(self) -> u8 {
        match self {
            ExitPolicy::Plugin => PLUGIN_UNKNOWN,
            ExitPolicy::Error => 2,
        }
    }

    /// The status of an error that stopped the command.
    pub fn error_status(self, e: &crate::error::Error) -> u8 {
        match self {
            ExitPolicy::Plugin => PLUGIN_UNKNOWN,
            ExitPolicy::Error => e.exit_code(),
        }
    }
}

impl Command {
    /// This command's exit policy (every command states its own).
    pub fn exit_policy(&self) -> ExitPolicy {
        match self {
            Command::Check(_) | Command::Probe(_) => ExitPolicy::Plugin,
            Command::Get(_)
            | Command::Ca(_)
            | Command::Configure(_)
            | Command::Config { .. }
            | Command::Exporter(_)
            | Command::Completions(_)
            | Command::Man(_) => ExitPolicy::Error,
        }
    }
}

/// The exit policy of the subcommand named `name`, for a command line that failed to parse
/// (so that no [`Command`] exists to ask): the same as [`Command::exit_policy`].
fn exit_policy_named(name: &str) -> ExitPolicy {
    match name {
        "check" | "probe" => ExitPolicy::Plugin,
        _ => ExitPolicy::Error,
    }
}

/// What a command line that clap refused was meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeantFor {
    pub exit_policy: ExitPolicy,
    /// `check` in its plugin format to stdout (the default: not `-o json`, `-o prometheus`
    /// nor `--write`): stdout gets the plugin's UNKNOWN line.
    pub plugin_stdout: bool,
}

/// Asks clap again, leniently (errors ignored), which subcommand it sees in `args` and,
/// for `check`, where its output goes; `None` when it sees none. When a flag clap cannot
/// place stands before the subcommand (`obssl --timeout 5 check`), clap sees none: the
/// first argument that names a subcommand decides.
pub fn meant_for(args: &[OsString]) -> Option<MeantFor> {
    let lenient = super::parsing_command()
        .ignore_errors(true)
        .try_get_matches_from(args)
        .ok();
    let Some((name, sub)) = lenient.as_ref().and_then(|m| m.subcommand()) else {
        let commands = Cli::command();
        let name = args.iter().skip(1).find_map(|arg| {
            let arg = arg.to_str()?;
            commands.find_subcommand(arg).map(|_| arg)
        })?;
        return Some(MeantFor {
            exit_policy: exit_policy_named(name),
            plugin_stdout: false,
        });
    };
    let plugin_stdout = name == "check" && !sub.contains_id("write") && {
        // A format given on the command line but refused (`-o yaml`) is not the plugin's.
        match sub.value_source("output") {
            Some(ValueSource::CommandLine) => sub
                .get_raw("output")
                .and_then(|mut values| values.next_back())
                .is_some_and(|format| format.eq_ignore_ascii_case("plugin")),
            _ => true,
        }
    };
    Some(MeantFor {
        exit_policy: exit_policy_named(name),
        plugin_stdout,
    })
}

#[cfg(test)]
mod tests {
    use super::{exit_policy_named, meant_for, ExitPolicy};
    use crate::cli::{parse_from, Cli};
    use clap::CommandFactory;

    fn meant(args: &[&str]) -> Option<(ExitPolicy, bool)> {
        let args: Vec<std::ffi::OsString> = args.iter().map(|s| s.into()).collect();
        meant_for(&args).map(|m| (m.exit_policy, m.plugin_stdout))
    }

    #[test]
    fn check_parse_errors_know_whether_stdout_is_the_plugin_format() {
        let plugin = Some((ExitPolicy::Plugin, true));
        let elsewhere = Some((ExitPolicy::Plugin, false));
        assert_eq!(meant(&["obssl", "check", "x", "--warning", "q"]), plugin);
        assert_eq!(meant(&["obssl", "check", "-o", "plugin", "--bad"]), plugin);
        assert_eq!(meant(&["obssl", "check", "-o", "json", "--bad"]), elsewhere);
        let prometheus = ["obssl", "check", "--output=prometheus", "--bad"];
        assert_eq!(meant(&prometheus), elsewhere);
        assert_eq!(
            meant(&["obssl", "check", "-oprometheus", "--bad"]),
            elsewhere
        );
        assert_eq!(meant(&["obssl", "check", "-o", "yaml"]), elsewhere);
        assert_eq!(
            meant(&["obssl", "check", "--write", "f", "--bad"]),
            elsewhere
        );
        assert_eq!(meant(&["obssl", "probe", "--bad"]), elsewhere);
        assert_eq!(
            meant(&["obssl", "get", "--bad"]),
            Some((ExitPolicy::Error, false))
        );
        assert_eq!(meant(&["obssl", "--bad"]), None);
    }

    #[test]
    fn a_command_s_policy_is_the_same_parsed_or_not() {
        let lines: [&[&str]; 10] = [
            &["get", "--all"],
            &["ca", "--all"],
            &["configure", "--access-key-id", "ak"],
            &["config", "path"],
            &["check", "--all"],
            &["probe", "--address", "127.0.0.1"],
            &["exporter"],
            &["completions", "bash"],
            &["man"],
            &["config", "list"],
        ];
        for line in lines {
            let args: Vec<std::ffi::OsString> = std::iter::once("obssl")
                .chain(line.iter().copied())
                .map(Into::into)
                .collect();
            let parsed = parse_from(&args).unwrap().command.exit_policy();
            assert_eq!(parsed, exit_policy_named(line[0]), "{line:?}");
        }
        // Every command is in the list above.
        let named: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        for name in &named {
            assert!(lines.iter().any(|l| l[0] == name), "{name}");
        }
    }
}
