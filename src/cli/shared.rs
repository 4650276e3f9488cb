//! The flag sets several commands share: which instances, the settings and connection
//! flags, the day thresholds (`DaysArgs`) and the wire's login and networks (`WireArgs`).

use crate::config::{literal, FlagSettings, Site, DEFAULT_TIMEOUT_SECONDS};
use crate::formats::NetworkChoice;
use clap::Args;
use std::path::PathBuf;

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

impl<'a> From<&'a InstanceSelection> for crate::selection::Named<'a> {
    fn from(selection: &'a InstanceSelection) -> Self {
        crate::selection::Named {
            instance_ids: &selection.instance_ids,
            file: selection.file.as_deref(),
            all: selection.all,
        }
    }
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

/// `--warning` and `--critical` (of `check`, `exporter` and `probe`): the days left below
/// which a certificate is WARNING or CRITICAL. `probe` says "the served certificate".
#[derive(Debug, Clone, Args)]
pub struct DaysArgs {
    #[arg(short, long, allow_negative_numbers = true, value_name = "DAYS",
          value_parser = clap::value_parser!(u32).range(0..=36_500),
          help = format!(
              "WARNING when fewer than DAYS are left before the certificate expires \
               [default: {}, or --critical when that is higher]",
              crate::policy::DEFAULT_WARNING_DAYS
          ))]
    pub warning: Option<u32>,

    #[arg(short, long, allow_negative_numbers = true, value_name = "DAYS",
          value_parser = clap::value_parser!(u32).range(0..=36_500),
          help = format!(
              "CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) \
               [default: {}, or --warning when that is lower]",
              crate::policy::DEFAULT_CRITICAL_DAYS
          ))]
    pub critical: Option<u32>,
}

/// `--db-user` and `--network` (of `probe`, and of `check --wire`): who logs in, and which
/// tenant addresses are probed. `check` says "with --wire" and requires it.
#[derive(Debug, Clone, Args)]
pub struct WireArgs {
    /// Log in as NAME over TLS (only to a server whose chain and name verified) and then
    /// without TLS, to learn whether plaintext logins are refused [default: the profile's
    /// db_user]; the password comes from OBSSL_DB_PASSWORD, OBSSL_DB_PASSWORD_FILE or the
    /// profile (db_password_store, db_password_command, db_password), never a flag. Use a
    /// user without privileges: nothing is run.
    #[arg(long, value_name = "NAME")]
    pub db_user: Option<String>,

    /// Which sides of the online tenant connections to probe (the others are listed as
    /// skipped).
    #[arg(long, value_enum, value_name = "NETWORK", default_value_t = NetworkChoice::All)]
    pub network: NetworkChoice,
}

/// `-t/--timeout`: a duration (a bare number is seconds) above 0, at most a day, in seconds.
pub(super) fn parse_timeout(s: &str) -> Result<f64, String> {
    crate::duration::parse_duration_in(
        s,
        std::time::Duration::from_millis(1),
        std::time::Duration::from_secs(86_400),
    )
    .map(|d| d.as_secs_f64())
}
