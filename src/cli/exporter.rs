//! `obssl exporter`'s flags.

use super::check::PolicyArgs;
use super::shared::*;
use crate::formats::LogFormat;
use clap::Args;
use std::path::PathBuf;

/// The default of `exporter --listen`: loopback only.
pub const DEFAULT_EXPORTER_LISTEN: &str = "127.0.0.1:9853";

#[derive(Debug, Clone, Args)]
pub struct ExporterArgs {
    /// The instances of every refresh; with no id and no --file, --all (--file is read once,
    /// at start; --all lists the account again at each refresh).
    #[command(flatten)]
    pub instances: InstanceSelection,

    #[command(flatten)]
    pub policy: PolicyArgs,

    /// Serve the metrics on this IP address and port (--listen is the same flag). Only
    /// loopback by default; any other address (e.g. 0.0.0.0:9853 in a container) must be
    /// written here as an IP address: host names are refused, and no variable or profile
    /// sets it.
    #[arg(long = "web.listen-address", visible_alias = "listen", value_name = "IP:PORT",
          default_value = DEFAULT_EXPORTER_LISTEN, value_parser = parse_listen)]
    pub listen: std::net::SocketAddr,

    /// The path of the metrics (/, /healthz, /-/healthy and /-/ready are taken).
    #[arg(long = "web.telemetry-path", value_name = "PATH", default_value = "/metrics",
          value_parser = parse_telemetry_path)]
    pub telemetry_path: String,

    /// The Prometheus exporter toolkit's web configuration file (as node_exporter reads it):
    /// TLS and client certificates (tls_server_config), basic auth with bcrypt hashes
    /// (basic_auth_users), response headers (http_server_config.headers). Read again on
    /// SIGHUP.
    #[arg(long = "web.config.file", value_name = "PATH")]
    pub web_config_file: Option<PathBuf>,

    /// Read the API at most once per DURATION (e.g. 300, 30s, 5m, 1h; at least 1s). Scrapes are
    /// answered from the last refresh and never call the API.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub refresh: std::time::Duration,

    /// Also probe every online tenant address of each instance on the wire at each refresh,
    /// in the background (never from a scrape), as check --wire does: the obssl_wire_*
    /// series. A refresh's probes end within its interval (at least 10 s, at most 2 min).
    #[arg(long)]
    pub wire: bool,

    #[command(flatten)]
    pub wire_args: WireArgs,

    /// Label each instance's series with instance_name, for ids given by hand too: reads the
    /// instance list at each refresh (with --all, the names are always there).
    #[arg(long)]
    pub names: bool,

    /// Format of the log lines on stderr: text, or json (one object per line, for log
    /// collectors).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

impl ExporterArgs {
    /// The instances of every refresh: the ids and --file given, else (or
    /// with --all) every instance of the account.
    pub fn selection(&self) -> InstanceSelection {
        InstanceSelection {
            all: self.instances.all || self.instances.is_empty(),
            ..self.instances.clone()
        }
    }
}

/// `--listen`: an IP address and a port (a host name could resolve to an
/// address that was not meant).
pub(super) fn parse_listen(s: &str) -> Result<std::net::SocketAddr, String> {
    s.parse().map_err(|_| {
        format!(
            "`{s}` is not an IP address and port: give e.g. {DEFAULT_EXPORTER_LISTEN}, \
             [::1]:9853, or 0.0.0.0:9853 to serve every interface"
        )
    })
}

/// `--web.telemetry-path`: an absolute path of plain characters, not one of
/// the exporter's other paths.
fn parse_telemetry_path(s: &str) -> Result<String, String> {
    let plain = s.starts_with('/')
        && s.len() > 1
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-_.~".contains(&b));
    if !plain {
        return Err(format!(
            "`{s}` is not a path for the metrics: give e.g. /metrics (a `/` then letters, digits, \
             `-`, `_`, `.`, `~`, `/`)"
        ));
    }
    if ["/healthz", "/-/healthy", "/-/ready"].contains(&s) {
        return Err(format!(
            "`{s}` is the exporter's own path: give another, e.g. /metrics"
        ));
    }
    Ok(s.to_string())
}

/// `--refresh`: a duration (a bare number is seconds), at least one second, at most a week.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    crate::duration::parse_duration_in(
        s,
        std::time::Duration::from_secs(1),
        std::time::Duration::from_secs(7 * 86_400),
    )
}
