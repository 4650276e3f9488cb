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

mod help;
mod value_enums;

use crate::config::{literal, FlagSettings, Site, DEFAULT_TIMEOUT_SECONDS};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;
use help::*;
use std::path::PathBuf;

/// The values the command line shares with the settings; they live in
/// [`crate::config`] (free of clap), and `value_enums.rs` makes them clap value enums.
use crate::config::{ColorChoice, OutputFormat};

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
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Probe what tenant addresses serve on the wire (TLS, chain, plaintext), held against the API.
    #[command(after_help = PROBE_EXAMPLES,
              mut_arg("timeout", |a| a.default_value(PROBE_TIMEOUT_SECONDS).help(PROBE_TIMEOUT_HELP)))]
    Probe(ProbeArgs),
    /// Serve the check's metrics over HTTP for Prometheus, refreshed in the background.
    #[command(after_help = EXPORTER_EXAMPLES)]
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

/// The largest `--jobs`.
pub const MAX_JOBS: u16 = 64;

/// Which instances a command reads: ids, `--file` and `--all` combine (in
/// that order, duplicates dropped).
#[derive(Debug, Clone, Args)]
pub struct InstanceSelection {
    /// Instance (cluster) ids, e.g. obcluster-xxxx.
    #[arg(value_name = "INSTANCE_ID")]
    pub instance_ids: Vec<String>,

    /// Read instance ids from PATH (`-` for stdin): one per line, blank lines and
    /// `#` comments ignored.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// Every instance of the account (listed with GET /api/v2/instances).
    #[arg(long)]
    pub all: bool,

    /// How many requests are in flight at once (1 to 64).
    #[arg(long, allow_negative_numbers = true, value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(1..=MAX_JOBS as i64))]
    pub jobs: u16,
}

impl InstanceSelection {
    /// Exactly one id argument and neither `--file` nor `--all`: the
    /// single-instance output forms apply.
    pub fn is_single(&self) -> bool {
        self.instance_ids.len() == 1 && self.file.is_none() && !self.all
    }

    /// True when no source of instance ids was given at all.
    pub fn is_empty(&self) -> bool {
        self.instance_ids.is_empty() && self.file.is_none() && !self.all
    }
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

/// The settings flags of every command that reads the configuration
/// (`get`, `check`, `config list`). The help texts name the environment
/// variables and defaults from `config`'s constants.
#[derive(Debug, Clone, Args)]
pub struct SettingsArgs {
    // Profile of the config file to use.
    #[arg(short, long, value_name = "NAME", global = true, help = concat!(
        "Profile of the config file to use [env: ", literal!(ENV_PROFILE),
        "] [default: ", literal!(DEFAULT_PROFILE), "]"))]
    pub profile: Option<String>,

    // OceanBase Cloud site.
    #[arg(long, value_enum, value_name = "SITE", global = true, help = concat!(
        "OceanBase Cloud site [env: ", literal!(ENV_SITE), "] [default: ", literal!(SITE_INTL),
        "]; --endpoint wins over it"))]
    pub site: Option<Site>,

    // API base URL.
    #[arg(long, value_name = "URL", global = true, help = concat!(
        "API base URL [env: ", literal!(ENV_ENDPOINT), "] [default: ", literal!(DEFAULT_ENDPOINT),
        "]. Plain http:// is accepted only for loopback hosts"))]
    pub endpoint: Option<String>,

    // Project id, sent as the X-Ob-Project-Id header.
    #[arg(long, value_name = "ID", global = true, help = concat!(
        "Project id, sent as the X-Ob-Project-Id header [env: ", literal!(ENV_PROJECT_ID),
        "] [default: the account's most recently used project]"))]
    pub project_id: Option<String>,

    // Trust the certificates of a PEM file.
    #[arg(long, value_name = "FILE", global = true, help = concat!(
        "Trust the certificates of this PEM file in addition to the system's roots \
         (e.g. a corporate TLS-inspecting proxy) [env: ", literal!(ENV_CA_BUNDLE), "]"))]
    pub ca_bundle: Option<std::path::PathBuf>,
}

/// Options of the commands that call the API: the settings flags, plus how
/// calls are made and told (`config list` calls nothing, so it has none of these).
#[derive(Debug, Clone, Args)]
pub struct ConnectionArgs {
    #[command(flatten)]
    pub settings: SettingsArgs,

    /// Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare
    /// number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most
    /// timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout):
    /// unanswered instances are then UNKNOWN.
    #[arg(short = 't', long, allow_negative_numbers = true, value_name = "DURATION", global = true,
          default_value_t = DEFAULT_TIMEOUT_SECONDS, value_parser = parse_timeout)]
    pub timeout: f64,

    // Retry a failed call up to N times.
    #[arg(long, allow_negative_numbers = true, value_name = "N", global = true,
          value_parser = clap::value_parser!(u32).range(0..=10), help = concat!(
        "Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), \
         with exponential backoff and jitter, honouring Retry-After. 0 disables retries \
         [default: ", literal!(DEFAULT_RETRIES), "]"))]
    pub retries: Option<u32>,

    /// Tell on stderr what happens: requests, statuses, timings, retries, digest
    /// decisions. -vv adds headers. Secrets and the Authorization value are never shown.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

/// The flag source of the settings as `config list` has them: no call flags.
impl From<&SettingsArgs> for FlagSettings {
    fn from(args: &SettingsArgs) -> Self {
        FlagSettings {
            profile: args.profile.clone(),
            endpoint: args.endpoint.clone(),
            site: args.site,
            project_id: args.project_id.clone(),
            output: None,
            timeout_seconds: None,
            retries: None,
            ca_bundle: args.ca_bundle.clone(),
            verbose: 0,
        }
    }
}

/// The flag source of the settings: what a command line without `get`'s
/// `--output` said.
impl From<&ConnectionArgs> for FlagSettings {
    fn from(args: &ConnectionArgs) -> Self {
        FlagSettings {
            timeout_seconds: Some(args.timeout),
            retries: args.retries,
            verbose: args.verbose,
            ..FlagSettings::from(&args.settings)
        }
    }
}

/// `get`'s flag source: the connection flags and `--output`.
impl From<&GetArgs> for FlagSettings {
    fn from(args: &GetArgs) -> Self {
        FlagSettings {
            output: args.output,
            ..FlagSettings::from(&args.connection)
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct GetArgs {
    #[command(flatten)]
    pub selection: InstanceSelection,

    // Output format.
    #[arg(short, long, value_enum, value_name = "FORMAT", help = concat!(
        "Output format [env: ", literal!(ENV_OUTPUT), "] [default: the profile's output, else ",
        literal!(OUTPUT_TABLE), "]"))]
    pub output: Option<OutputFormat>,

    /// Print only this field's bare value (API names such as enableSSL, validPeriod;
    /// case-insensitive). A format of its own: it cannot be combined with --output.
    #[arg(long, value_name = "NAME", conflicts_with = "output")]
    pub field: Option<String>,

    /// Request id sent as the requestId query parameter [default: a fresh UUID v4 per call].
    /// With several instances, every call of the run sends it.
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,

    /// Show each instance's name beside its id, for ids given by hand too: reads the
    /// instance list once (with --all, names are always shown). Gives the forms of many
    /// instances, even for one id.
    #[arg(long)]
    pub names: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Clone, Args)]
pub struct CaArgs {
    #[command(flatten)]
    pub selection: InstanceSelection,

    /// Output format.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = CaFormat::Table)]
    pub output: CaFormat,

    /// Write the certificates to FILE as a PEM bundle (for `mysql --ssl-ca=FILE`), atomically;
    /// a new file gets mode 0644. Prints the path and the fingerprints written instead of the
    /// certificates.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CaFormat {
    /// A table of each certificate's facts.
    Table,
    /// An array of certificates (dates RFC 3339, fingerprints lowercase hex).
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ConfigureArgs {
    // The profile to create or update.
    #[arg(short, long, value_name = "NAME", help = concat!(
        "The profile to create or update [env: ", literal!(ENV_PROFILE), "] [default: ",
        literal!(DEFAULT_PROFILE), "]"))]
    pub profile: Option<String>,

    /// AccessKey ID. (The secret has no flag: it is prompted for on a terminal,
    /// else read from standard input.)
    #[arg(long, value_name = "ID")]
    pub access_key_id: Option<String>,

    /// Set when `--access-key-secret`/`--secret` was given (see [`parsing_command`]):
    /// always refused.
    #[arg(skip)]
    pub refused_secret: bool,

    /// Site whose base URL the profile uses (removes the profile's endpoint).
    #[arg(long, value_enum, value_name = "SITE", conflicts_with = "endpoint")]
    pub site: Option<Site>,

    /// API base URL for the profile (removes the profile's site).
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,

    /// Project id, sent as the X-Ob-Project-Id header.
    #[arg(long, value_name = "ID")]
    pub project_id: Option<String>,

    /// Default output format of the profile.
    #[arg(short, long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,

    /// Write the secret into the config file in plain text (mode 0600) instead
    /// of the OS credential store (the default; configure refuses when there is none).
    #[arg(long)]
    pub insecure_storage: bool,

    /// Move the profile's plain-text secret into the OS credential store (removed
    /// from the file once the store holds it). On a terminal, configure offers it.
    #[arg(long, conflicts_with = "insecure_storage")]
    pub move_to_store: bool,

    /// The database user of `probe --db-user` when that flag is not given.
    #[arg(long, value_name = "NAME")]
    pub db_user: Option<String>,

    /// Read the DB password of the profile's db_user from standard input (instead
    /// of the AccessKey secret), stored as the secret is.
    #[arg(long)]
    pub db_password_stdin: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ConfigListArgs {
    /// Format of this listing.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,

    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// What `check` and `exporter` demand of an instance: the thresholds, the
/// optional rules and the CA checks.
#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    #[arg(short, long, allow_negative_numbers = true, value_name = "DAYS",
          value_parser = clap::value_parser!(u32).range(0..=36_500),
          help = format!(
              "WARNING when fewer than DAYS are left before the certificate expires \
               [default: {}, or --critical when that is higher]",
              crate::check::DEFAULT_WARNING_DAYS
          ))]
    pub warning: Option<u32>,

    #[arg(short, long, allow_negative_numbers = true, value_name = "DAYS",
          value_parser = clap::value_parser!(u32).range(0..=36_500),
          help = format!(
              "CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) \
               [default: {}, or --warning when that is lower]",
              crate::check::DEFAULT_CRITICAL_DAYS
          ))]
    pub critical: Option<u32>,

    /// WARNING when SSL is not enforced (forceSSL not OPEN).
    #[arg(long)]
    pub require_force_ssl: bool,

    /// WARNING when certificate auto-update is off (autoUpdate not OPEN).
    #[arg(long)]
    pub require_auto_update: bool,

    /// Also download each instance's CA (caUrl, once per distinct URL) and apply --warning and
    /// --critical to its expiry; a CA that cannot be read makes the instance UNKNOWN.
    #[arg(long)]
    pub ca: bool,

    /// CRITICAL when this PEM trust bundle (a client's --ssl-ca file) lacks the instance's
    /// CA certificate (compared by SHA-256 fingerprint). Implies --ca.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub selection: InstanceSelection,

    #[command(flatten)]
    pub policy: PolicyArgs,

    /// Also probe every online tenant address of each instance on the wire, as `obssl probe`
    /// does (MySQL handshake, TLS, the served chain against the instance's CA): CRITICAL for
    /// no TLS, an untrusted chain, a name mismatch, an expired certificate, a plaintext login
    /// accepted; WARNING for expires-soon and api-mismatch; UNKNOWN for an address not
    /// reached. Within -t.
    #[arg(long)]
    pub wire: bool,

    /// With --wire: log in as NAME (password from OBSSL_DB_PASSWORD, OBSSL_DB_PASSWORD_FILE or
    /// the profile, as for probe; a user without privileges) once over TLS and once without,
    /// to learn whether plaintext is refused.
    #[arg(long, value_name = "NAME", requires = "wire")]
    pub db_user: Option<String>,

    /// With --wire: which tenant addresses to probe (the online ones).
    #[arg(long, value_enum, value_name = "NETWORK", default_value_t = NetworkChoice::All,
          requires = "wire")]
    pub network: NetworkChoice,

    /// Output format.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = CheckFormat::Plugin)]
    pub output: CheckFormat,

    /// Write the output to FILE instead of stdout, atomically (a temporary file in the same
    /// directory, then renamed): a collector never reads half a file.
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,

    /// Show each instance's name beside its id, for ids given by hand too: reads the
    /// instance list once (with --all, names are always shown).
    #[arg(long)]
    pub names: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

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

    /// With --wire: log in as NAME (password from OBSSL_DB_PASSWORD, OBSSL_DB_PASSWORD_FILE or
    /// the profile, as for probe; a user without privileges) once over TLS and once without,
    /// to learn whether plaintext is refused.
    #[arg(long, value_name = "NAME", requires = "wire")]
    pub db_user: Option<String>,

    /// With --wire: which tenant addresses to probe (the online ones).
    #[arg(long, value_enum, value_name = "NETWORK", default_value_t = NetworkChoice::All,
          requires = "wire")]
    pub network: NetworkChoice,

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One line of text per event.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Monitoring Plugins format: a summary line with perfdata, then one line per problem.
    Plugin,
    /// Every instance with its state and reasons.
    Json,
    /// Prometheus text exposition format (node_exporter textfile collector).
    Prometheus,
}

/// The default of `probe -t`: the whole probe of one address.
pub const PROBE_TIMEOUT_SECONDS: &str = "10";

/// `probe -t`'s help: it bounds each address's whole probe (and each API call).
const PROBE_TIMEOUT_HELP: &str = "Give up on one address after DURATION (a number is \
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

    /// Which sides of the online tenant connections to probe (the others are listed as
    /// skipped).
    #[arg(long, value_enum, value_name = "NETWORK", default_value_t = NetworkChoice::All)]
    pub network: NetworkChoice,

    /// Verify the served chain against the certificates of this PEM file (instead of, or
    /// with an instance id, in addition to the instance's CA from caUrl).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,

    /// Log in as NAME over TLS (only to a server whose chain and name verified) and then
    /// without TLS, to learn whether plaintext logins are refused [default: the profile's
    /// db_user]; the password comes from OBSSL_DB_PASSWORD, OBSSL_DB_PASSWORD_FILE or the
    /// profile (db_password_store, db_password_command, db_password), never a flag. Use a
    /// user without privileges: nothing is run.
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

    #[arg(short, long, allow_negative_numbers = true, value_name = "DAYS",
          value_parser = clap::value_parser!(u32).range(0..=36_500),
          help = format!(
              "CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) \
               [default: {}, or --warning when that is lower]",
              crate::check::DEFAULT_CRITICAL_DAYS
          ))]
    pub critical: Option<u32>,

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NetworkChoice {
    /// The intranet (VPC) addresses.
    Intranet,
    /// The internet (public) addresses.
    Internet,
    /// The VPC peering addresses.
    Peering,
    /// The private link addresses.
    PrivateLink,
    /// Every side.
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

/// `probe --address`: `HOST`, `HOST:PORT`, `[V6]:PORT` or a bare IPv6 address; a URL (a
/// scheme, a user, a path) is refused while parsing, a usage error (exit 2).
fn parse_probe_address(s: &str) -> Result<String, String> {
    crate::probe::Target::parse(s).map(|_| s.to_owned())
}

/// `--listen`: an IP address and a port (a host name could resolve to an
/// address that was not meant).
fn parse_listen(s: &str) -> Result<std::net::SocketAddr, String> {
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

/// `-t/--timeout`: a duration (a bare number is seconds) above 0, at most a day, in seconds.
fn parse_timeout(s: &str) -> Result<f64, String> {
    crate::duration::parse_duration_in(
        s,
        std::time::Duration::from_millis(1),
        std::time::Duration::from_secs(86_400),
    )
    .map(|d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
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
