//! `obssl probe`'s flags.

use super::shared::{ConnectionArgs, DaysArgs, InstanceSelection, WireArgs};
use crate::formats::ProbeFormat;
use clap::Args;
use std::path::PathBuf;

/// `probe`'s wording of [`DaysArgs`]: "the served certificate" (`Command::Probe` puts it on
/// with `mut_args`, which keeps the flags' order).
pub(super) fn with_probe_wording(arg: clap::Arg) -> clap::Arg {
    if arg.get_id() == "warning" {
        arg.help(probe_warning_help())
    } else {
        arg
    }
}

/// `probe --warning`'s help.
fn probe_warning_help() -> String {
    format!(
        "WARNING when fewer than DAYS are left before the served certificate expires \
         [default: {}, or --critical when that is higher]",
        crate::policy::DEFAULT_WARNING_DAYS
    )
}

/// The default of `probe -t`: the whole probe of one address.
pub const PROBE_TIMEOUT_SECONDS: &str = "10";

/// `probe -t`'s help: it bounds each address's whole probe (and each API call).
pub(super) const PROBE_TIMEOUT_HELP: &str = "Give up on one address after DURATION (a number is \
    seconds; 10s, 1m): the whole probe of one address (name resolution, connect, greeting, TLS and the logins) ends within \
    it; a port that sends no MySQL greeting is given 5 s at most. Also each API call's limit";

#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {
    #[command(flatten)]
    pub selection: InstanceSelection,

    /// Probe HOST[:PORT] (default port 3306) instead of the tenant addresses the API lists
    /// (repeatable). With instance ids, each address is held against each instance's answer
    /// and CA; alone, no credentials are needed.
    #[arg(long, value_name = "HOST[:PORT]", value_parser = parse_probe_address)]
    pub address: Vec<String>,

    /// Verify the served chain against the certificates of this PEM file (instead of, or
    /// with an instance id, in addition to the instance's CA from caUrl).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,

    #[command(flatten)]
    pub wire: WireArgs,

    #[command(flatten)]
    pub days: DaysArgs,

    /// Output format.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = ProbeFormat::Table)]
    pub output: ProbeFormat,

    /// Show the block of facts of every address, also when several are probed (by default
    /// several addresses are one row each).
    #[arg(long)]
    pub detail: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `probe --address`: `HOST`, `HOST:PORT`, `[V6]:PORT` or a bare IPv6 address; a URL (a
/// scheme, a user, a path) is refused while parsing, a usage error (exit 2).
pub(super) fn parse_probe_address(s: &str) -> Result<String, String> {
    crate::probe::Target::parse(s).map(|_| s.to_owned())
}
