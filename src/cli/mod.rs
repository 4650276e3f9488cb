//! Command-line definition (clap derive). Doc comments here are the help text.
//!
//! House style: every flag has a long form; short forms only for the flags
//! people type all the time (`-o`, `-v`, `-h`, `-V`) and those the Monitoring
//! Plugins guidelines name (`-t`, `-w`, `-c`). Value names are UPPER_CASE and
//! say what the value is (`SECONDS`, `URL`, `NAME`). Settings that may also come
//! from the environment or a profile are resolved in `config`, not by clap,
//! so that precedence lives in one place.

// Doc comments here are terminal help text first: a URL stays bare so that
// `--help` prints it as typed, not wrapped in rustdoc link syntax.
#![allow(rustdoc::bare_urls)]

mod ca;
mod check;
mod config;
mod configure;
pub mod exit_policy;
mod exporter;
mod get;
mod help;
mod probe;
mod shared;
mod value_enums;

pub use ca::CaArgs;
pub use check::{CheckArgs, PolicyArgs};
pub use config::ConfigListArgs;
pub use configure::ConfigureArgs;
pub use exporter::ExporterArgs;
pub use get::GetArgs;
pub use probe::{ProbeArgs, PROBE_TIMEOUT_SECONDS};
pub use shared::{InstanceSelection, WireArgs};

use check::with_wire_wording;
use probe::{with_probe_wording, PROBE_TIMEOUT_HELP};

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use clap_complete::Shell;
use help::*;

/// The values the command line shares with the settings; they live in
/// [`crate::config`] (free of clap), and `value_enums.rs` makes them clap value enums.
use crate::config::ColorChoice;

/// Read the SSL link-encryption status of OceanBase Cloud instances.
#[derive(Debug, Parser)]
#[command(name = "obssl", version, about, after_help = TOP_EXAMPLES)]
#[command(propagate_version = true, arg_required_else_help = true)]
pub struct Cli {
    /// When to colour the output: auto (only on a terminal), always or never.
    /// NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both.
    #[arg(long, value_enum, value_name = "WHEN", global = true,
          default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the SSL status and certificate of one or many instances.
    #[command(after_help = GET_EXAMPLES)]
    Get(GetArgs),
    /// Download and inspect the CA certificate behind caUrl; write it as a PEM bundle for clients.
    #[command(after_help = CA_EXAMPLES)]
    Ca(CaArgs),
    /// Create or update a profile in the config file.
    #[command(after_help = CONFIGURE_EXAMPLES)]
    Configure(ConfigureArgs),
    /// Inspect the configuration: effective settings and the config file's path.
    #[command(after_help = CONFIG_EXAMPLES, subcommand_required = true, arg_required_else_help = true)]
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Check instances against an SSL policy, as a Nagios/Icinga plugin or for Prometheus.
    #[command(after_help = CHECK_EXAMPLES,
              mut_args(with_wire_wording))]
    Check(CheckArgs),
    /// Probe what tenant addresses serve on the wire (TLS, chain, plaintext), held against the API.
    #[command(after_help = PROBE_EXAMPLES,
              mut_arg("timeout", |a| a.default_value(PROBE_TIMEOUT_SECONDS).help(PROBE_TIMEOUT_HELP)),
              mut_args(with_probe_wording))]
    Probe(ProbeArgs),
    /// Serve the check's metrics over HTTP for Prometheus, refreshed in the background.
    #[command(after_help = EXPORTER_EXAMPLES,
              mut_args(with_wire_wording))]
    Exporter(ExporterArgs),

    /// Print a shell completion script to standard output.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),

    /// Print the manual page (roff) to standard output.
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show each effective setting, its value and where it came from.
    #[command(after_help = CONFIG_LIST_EXAMPLES)]
    List(ConfigListArgs),
    /// Print the config file's path (whether or not it exists).
    #[command(after_help = CONFIG_PATH_EXAMPLES)]
    Path,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Print the page of this command (e.g. `get`, or `config list`) instead of the main page.
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// The id of the hidden `configure --access-key-secret` (alias `--secret`).
pub const REFUSED_SECRET_ID: &str = "refused_secret";

/// The command line as parsed: [`Cli::command`] plus a hidden
/// `configure --access-key-secret`/`--secret`, so that trying to give the
/// secret as a flag gets an explanation (and no suggestion of
/// `--access-key-id`). It is left out of [`Cli::command`] because shell
/// completion generators offer hidden options too. Any value, even one
/// starting with `-`, is taken, so that no parse error can show it.
pub fn parsing_command() -> clap::Command {
    Cli::command().mut_subcommand("configure", |configure| {
        configure.arg(
            clap::Arg::new(REFUSED_SECRET_ID)
                .long("access-key-secret")
                .alias("secret")
                .hide(true)
                .value_name("SECRET")
                .num_args(0..=1)
                .default_missing_value("")
                .allow_hyphen_values(true)
                .action(clap::ArgAction::Append)
                .value_parser(clap::value_parser!(std::ffi::OsString)),
        )
    })
}

/// Parses the command line with [`parsing_command`].
pub fn parse_from(args: &[std::ffi::OsString]) -> Result<Cli, clap::Error> {
    let mut matches = parsing_command().try_get_matches_from(args)?;
    let refused_secret = matches.subcommand_matches("configure").is_some_and(|m| {
        m.get_many::<std::ffi::OsString>(REFUSED_SECRET_ID)
            .is_some()
    });
    let mut cli =
        Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut parsing_command()))?;
    if let Command::Configure(args) = &mut cli.command {
        args.refused_secret = refused_secret;
    }
    Ok(cli)
}

#[cfg(test)]
mod tests {
    use super::exporter::parse_duration;
    use super::shared::parse_timeout;
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
        parsing_command().debug_assert();
    }

    #[test]
    fn the_refused_secret_flag_is_parsed_but_not_part_of_the_documented_command() {
        let refused = |args: &[&str]| {
            let args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
            match parse_from(&args).unwrap().command {
                Command::Configure(c) => c.refused_secret,
                other => panic!("{other:?}"),
            }
        };
        assert!(!refused(&["obssl", "configure", "--access-key-id", "ak"]));
        assert!(refused(&[
            "obssl",
            "configure",
            "--access-key-secret",
            "sk"
        ]));
        assert!(refused(&["obssl", "configure", "--secret=sk"]));
        assert!(refused(&["obssl", "configure", "--secret"]));
        assert!(refused(&[
            "obssl",
            "configure",
            "--secret",
            "-sk",
            "-p",
            "x"
        ]));
        let configure = Cli::command();
        let configure = configure.find_subcommand("configure").unwrap();
        assert!(configure
            .get_arguments()
            .all(|a| a.get_id() != REFUSED_SECRET_ID));
    }

    #[test]
    fn selection_sources_combine_and_single_means_one_bare_id() {
        let parse = |args: &[&str]| match Cli::try_parse_from(args).unwrap().command {
            Command::Get(get) => get.selection,
            Command::Check(check) => check.selection,
            other => panic!("not a command with instances: {other:?}"),
        };
        assert!(parse(&["obssl", "get", "a"]).is_single());
        assert!(!parse(&["obssl", "get", "a", "b"]).is_single());
        assert!(!parse(&["obssl", "get", "a", "--all"]).is_single());
        assert!(!parse(&["obssl", "check", "a", "--file", "-"]).is_single());
        assert!(parse(&["obssl", "get"]).is_empty());
        assert_eq!(parse(&["obssl", "get", "a"]).jobs, 8);
        for bad in ["0", "65", "x"] {
            assert!(Cli::try_parse_from(["obssl", "get", "--all", "--jobs", bad]).is_err());
        }
    }

    #[test]
    fn timeout_and_refresh_take_the_one_duration_syntax() {
        let parsed = |args: &[&str]| Cli::try_parse_from(args).map(|cli| cli.command);
        for t in ["5", "5s", "5000ms"] {
            match parsed(&["obssl", "get", "obxxx", "-t", t]).unwrap() {
                Command::Get(get) => assert_eq!(get.connection.timeout, 5.0, "{t}"),
                other => panic!("{other:?}"),
            }
        }
        for refresh in ["300", "300s", "5m"] {
            match parsed(&["obssl", "exporter", "--refresh", refresh]).unwrap() {
                Command::Exporter(e) => assert_eq!(e.refresh.as_secs(), 300, "{refresh}"),
                other => panic!("{other:?}"),
            }
        }
        for bad in ["0", "0s", "169h", "5x", "-5m"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        for bad in ["0", "-1", "86401", "2d", "nan"] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_exporter_listens_on_an_ip_address_and_defaults_to_all() {
        let parse = |args: &[&str]| match Cli::try_parse_from(args).unwrap().command {
            Command::Exporter(e) => e,
            other => panic!("{other:?}"),
        };
        let e = parse(&["obssl", "exporter"]);
        assert!(e.listen.ip().is_loopback());
        assert_eq!(e.refresh.as_secs(), 300);
        assert!(e.selection().all);
        assert!(!parse(&["obssl", "exporter", "a"]).selection().all);
        assert!(parse(&["obssl", "exporter", "a", "--all"]).selection().all);
        let e = parse(&["obssl", "exporter", "--listen", "0.0.0.0:9853"]);
        assert!(e.listen.ip().is_unspecified());
        for bad in ["localhost:9853", "9853", "127.0.0.1"] {
            assert!(Cli::try_parse_from(["obssl", "exporter", "--listen", bad]).is_err());
        }
    }

    #[test]
    fn timeout_must_be_positive_and_finite() {
        assert!(parse_timeout("2.5").is_ok());
        for bad in ["0", "-1", "nan", "inf", "abc", "100000"] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
    }
}
