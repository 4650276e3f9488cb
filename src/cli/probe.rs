//! `obssl probe`'s command line.

use super::{ConnectionArgs, InstanceSelection};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

pub(super) const PROBE_EXAMPLES: &str = "\
Examples:
  # What one address serves (no credentials needed): TLS, chain, dates, name
  obssl probe --address db.example.com:3306 --ca-file ca.pem

  # Every online address of every tenant of an instance, held against its API answer and CA
  obssl probe obcluster-xxxx

  # Only the internet addresses, as JSON lines
  obssl probe obcluster-xxxx --network internet -o jsonl

  # Does the address refuse plaintext logins? (a user without privileges; the password
  # only from the environment)
  OBSSL_DB_PASSWORD=... obssl probe obcluster-xxxx --db-user probe

Findings: unreachable, no-tls, tls-too-old, tls-failed, untrusted, name-mismatch, expired,
not-yet-valid, expires-soon, api-mismatch, plaintext-accepted, credentials-rejected.
Exit status: 0 every address ok, 1 WARNING (expires-soon, api-mismatch, plaintext-accepted
without forceSSL), 2 CRITICAL (the others), 3 UNKNOWN (unreachable, credentials rejected,
an instance that could not be read, usage and configuration errors). See docs/probe.md.";

/// The name of the variable holding `--db-user`'s password.
pub const ENV_DB_PASSWORD: &str = "OBSSL_DB_PASSWORD";

#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {
    #[command(flatten)]
    pub selection: InstanceSelection,

    /// Probe HOST[:PORT] (default port 3306) instead of the tenant addresses the API lists
    /// (repeatable). With instance ids, each address is held against each instance's answer
    /// and CA; alone, no credentials are needed.
    #[arg(long, value_name = "HOST[:PORT]")]
    pub address: Vec<String>,

    /// Which tenant addresses to probe.
    #[arg(long, value_enum, value_name = "NETWORK", default_value_t = NetworkChoice::All)]
    pub network: NetworkChoice,

    /// Verify the served chain against the certificates of this PEM file (instead of, or
    /// with an instance id, in addition to the instance's CA from caUrl).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,

    /// Log in as NAME over TLS (only to a server whose chain and name verified) and then
    /// without TLS, to learn whether plaintext logins are refused; the password comes from
    /// OBSSL_DB_PASSWORD, never a flag. Use a user without privileges: nothing is run.
    #[arg(long, value_name = "NAME")]
    pub db_user: Option<String>,

    #[arg(short, long, allow_negative_numbers = true, value_name = "DAYS",
          value_parser = clap::value_parser!(u32).range(0..=36_500),
          help = format!(
              "WARNING when fewer than DAYS are left before the served certificate expires \
               [default: {}, or --critical when that is higher]",
              crate::check::DEFAULT_WARNING_DAYS
          ))]
    pub warning: Option<u32>,

    /// CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning).
    #[arg(short, long, allow_negative_numbers = true, value_name = "DAYS",
          default_value_t = crate::check::DEFAULT_CRITICAL_DAYS,
          value_parser = clap::value_parser!(u32).range(0..=36_500))]
    pub critical: u32,

    /// Output format.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = ProbeFormat::Table)]
    pub output: ProbeFormat,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NetworkChoice {
    /// The intranet (VPC) addresses.
    Intranet,
    /// The internet (public) addresses.
    Internet,
    /// Both.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProbeFormat {
    /// A block of facts per address.
    Table,
    /// An array of one object per address.
    Json,
    /// One compact JSON object per address and line.
    Jsonl,
}
