//! Command-line definition (clap derive). Doc comments here are the help text.
//!
//! House style: every flag has a long form; short forms only for the flags
//! people type all the time (`-o`, `-h`, `-V`). Value names are UPPER_CASE and
//! say what the value is (`SECONDS`, `URL`, `NAME`). Settings that may also come
//! from the environment or (later) a profile are resolved in `config.rs`, not by
//! clap, so that precedence lives in one place.

use clap::{Args, Parser, Subcommand, ValueEnum};

const GET_EXAMPLES: &str = "\
Examples:
  # Read one instance's SSL status as a table
  obssl get obcluster-xxxx

  # Feed the full answer to jq
  obssl get obcluster-xxxx -o json | jq .validPeriod

  # One bare value for a shell script
  if [ \"$(obssl get obcluster-xxxx --field forceSSL)\" != OPEN ]; then echo 'SSL not enforced'; fi

  # Try it without an account, against the bundled mock API
  obssl-mock run -- obssl get obxxx";

const TOP_EXAMPLES: &str = "\
Credentials come from the environment: OBSSL_ACCESS_KEY_ID and OBSSL_ACCESS_KEY_SECRET.

Examples:
  obssl get obcluster-xxxx
  obssl get obcluster-xxxx -o json
  obssl get obcluster-xxxx --field validPeriod
  obssl-mock run -- obssl get obxxx

Exit statuses: 0 ok, 1 internal error, 2 usage, 3 configuration, 4 authentication,
5 API error, 6 network failure.";

/// Read the SSL link-encryption status of OceanBase Cloud instances.
#[derive(Debug, Parser)]
#[command(name = "obssl", version, about, after_help = TOP_EXAMPLES)]
#[command(propagate_version = true, arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the SSL status and certificate of an instance.
    #[command(after_help = GET_EXAMPLES)]
    Get(GetArgs),
}

/// Options shared by every command that calls the API.
#[derive(Debug, Clone, Args)]
pub struct ConnectionArgs {
    /// API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com].
    /// Plain http:// is accepted only for loopback hosts.
    #[arg(long, value_name = "URL", global = true)]
    pub endpoint: Option<String>,

    /// Give up on a call after this many seconds.
    #[arg(long, value_name = "SECONDS", global = true, default_value_t = 30.0,
          value_parser = parse_timeout)]
    pub timeout: f64,
}

#[derive(Debug, Clone, Args)]
pub struct GetArgs {
    /// The instance (cluster) id, e.g. obcluster-xxxx.
    #[arg(value_name = "INSTANCE_ID")]
    pub instance_id: String,

    /// Output format.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,

    /// Print only this field's bare value (API names such as enableSSL, validPeriod;
    /// case-insensitive).
    #[arg(long, value_name = "NAME", conflicts_with = "output")]
    pub field: Option<String>,

    /// Request id sent as the requestId query parameter [default: a fresh UUID v4].
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A readable two-column table.
    Table,
    /// The API's `data` object, pretty-printed.
    Json,
}

fn parse_timeout(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !(v.is_finite() && v > 0.0 && v <= 86_400.0) {
        return Err(format!(
            "`{s}` is out of range: give a number of seconds above 0 and at most 86400"
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn timeout_must_be_positive_and_finite() {
        assert!(parse_timeout("2.5").is_ok());
        for bad in ["0", "-1", "nan", "inf", "abc", "100000"] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
    }
}
